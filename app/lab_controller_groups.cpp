// LabController's consumer groups: the Groups view's model from the coordinators' snapshots,
// with each partition's high watermark from its leader's, for the lag.
#include "lab_controller.h"

void LabController::refresh_groups(
    const std::vector<std::shared_ptr<const kraftlab::core::BrokerSnapshot>>& brokers) {
    GroupModel::Ends ends;
    bool any = false;
    for (const auto& b : brokers) {
        if (b && b->up && !b->groups.empty()) any = true;
    }
    if (any) {
        for (const auto& b : brokers) {
            if (!b || !b->up) continue;
            for (const auto& p : b->partitions) {
                if (p.is_leader) ends[{p.topic, p.partition}] = p.high_watermark;
            }
        }
    }
    groups_.update(brokers, ends);
}
