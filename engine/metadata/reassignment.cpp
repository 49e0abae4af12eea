#include "metadata/reassignment.h"

#include <algorithm>
#include <set>

namespace kraftlab::metadata {

namespace {

bool contains(const std::vector<std::int32_t>& ids, std::int32_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// `ids` without the members of `drop`, in order.
std::vector<std::int32_t> without(const std::vector<std::int32_t>& ids,
                                  const std::vector<std::int32_t>& drop) {
    std::vector<std::int32_t> out;
    for (auto id : ids)
        if (!contains(drop, id)) out.push_back(id);
    return out;
}

// The first of `replicas` that is in `isr` and on a live broker; kNoLeader if none.
std::int32_t first_in_sync_live(const MetadataImage& image,
                                const std::vector<std::int32_t>& replicas,
                                const std::vector<std::int32_t>& isr) {
    for (auto r : replicas)
        if (contains(isr, r) && image.is_live(r)) return r;
    return kNoLeader;
}

// Sets the change's leader when the partition's leader is not among `replicas` any more.
void move_leader_if_removed(const MetadataImage& image, const PartitionInfo& p,
                            const std::vector<std::int32_t>& replicas,
                            const std::vector<std::int32_t>& isr, PartitionChangeRecord& change) {
    if (p.leader == kNoLeader || contains(replicas, p.leader)) return;
    change.leader = first_in_sync_live(image, replicas, isr);
}

}  // namespace

PartitionInfo with_change(const PartitionInfo& p, const PartitionChangeRecord& change) {
    PartitionInfo after = p;
    if (change.leader != kLeaderUnchanged) after.leader = change.leader;
    if (change.isr) after.isr = *change.isr;
    if (change.replicas) after.replicas = *change.replicas;
    if (change.adding_replicas) after.adding_replicas = *change.adding_replicas;
    if (change.removing_replicas) after.removing_replicas = *change.removing_replicas;
    if (change.leader_recovery_state) after.leader_recovery_state = *change.leader_recovery_state;
    return after;
}

bool complete_reassignment_if_ready(const MetadataImage& image, const PartitionInfo& after,
                                    PartitionChangeRecord& change) {
    if (after.adding_replicas.empty() && after.removing_replicas.empty()) return false;
    for (auto id : after.adding_replicas)
        if (!after.in_isr(id)) return false;
    auto replicas = without(after.replicas, after.removing_replicas);
    auto isr = without(after.isr, after.removing_replicas);
    if (isr.empty()) return false;
    move_leader_if_removed(image, after, replicas, isr, change);
    change.replicas = std::move(replicas);
    change.isr = std::move(isr);
    change.adding_replicas = std::vector<std::int32_t>{};
    change.removing_replicas = std::vector<std::int32_t>{};
    return true;
}

namespace {

// One request on the image as it stands; the change (if any) goes to `records`.
ReassignmentResult reassign_one(const MetadataImage& image, const ReassignmentRequest& req,
                                std::vector<MetadataRecord>& records) {
    ReassignmentResult r{req.topic, req.partition, ErrorCode::NONE, {}};
    const std::string label = req.topic + "-" + std::to_string(req.partition);
    auto topic = image.topic(req.topic);
    const PartitionInfo* p = image.partition(req.topic, req.partition);
    if (!topic || !p) {
        r.error = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
        r.message = label + " does not exist";
        return r;
    }
    const bool moving = !p->adding_replicas.empty() || !p->removing_replicas.empty();
    const auto original = without(p->replicas, p->adding_replicas);
    PartitionChangeRecord change;
    change.partition_id = p->partition;
    change.topic_id = topic->id;

    if (!req.target) {
        if (!moving) {
            r.error = ErrorCode::NO_REASSIGNMENT_IN_PROGRESS;
            r.message = label + " has no move in progress to cancel";
            return r;
        }
        auto isr = without(p->isr, p->adding_replicas);
        if (isr.empty()) {
            r.error = ErrorCode::INVALID_REPLICA_ASSIGNMENT;
            r.message = "cannot cancel the move of " + label + ": none of its original replicas " +
                        ids_text(original) + " is in sync, so only the move can complete";
            return r;
        }
        move_leader_if_removed(image, *p, original, isr, change);
        change.replicas = original;
        if (isr != p->isr) change.isr = isr;
        change.adding_replicas = std::vector<std::int32_t>{};
        change.removing_replicas = std::vector<std::int32_t>{};
        records.emplace_back(std::move(change));
        return r;
    }

    const auto& target = *req.target;
    if (target.empty()) {
        r.error = ErrorCode::INVALID_REPLICA_ASSIGNMENT;
        r.message = "the new replica list of " + label + " is empty";
        return r;
    }
    if (std::set<std::int32_t>(target.begin(), target.end()).size() != target.size()) {
        r.error = ErrorCode::INVALID_REPLICA_ASSIGNMENT;
        r.message = "the new replica list " + ids_text(target) + " names a broker twice";
        return r;
    }
    for (auto b : target) {
        if (!image.broker(b)) {
            r.error = ErrorCode::INVALID_REPLICA_ASSIGNMENT;
            r.message = "broker " + std::to_string(b) + " is not registered";
            return r;
        }
    }
    auto replicas = target;
    for (auto id : original)
        if (!contains(target, id)) replicas.push_back(id);
    auto adding = without(target, original);
    auto removing = without(original, target);
    if (!moving && replicas == p->replicas && adding.empty() && removing.empty())
        return r;  // already there
    // A move in progress is replaced: its adding replicas that the new target drops leave.
    std::vector<std::int32_t> isr;
    for (auto id : p->isr)
        if (contains(replicas, id)) isr.push_back(id);
    if (isr.empty()) {
        r.error = ErrorCode::INVALID_REPLICA_ASSIGNMENT;
        r.message = "moving " + label + " to " + ids_text(target) +
                    " would leave no in-sync replica: its ISR is " + ids_text(p->isr);
        return r;
    }
    move_leader_if_removed(image, *p, replicas, isr, change);
    if (replicas != p->replicas) change.replicas = replicas;
    if (isr != p->isr) change.isr = isr;
    change.adding_replicas = adding;
    change.removing_replicas = removing;
    complete_reassignment_if_ready(image, with_change(*p, change), change);
    records.emplace_back(std::move(change));
    return r;
}

}  // namespace

ControllerResult<std::vector<ReassignmentResult>> alter_partition_reassignments(
    const MetadataImage& image, const std::vector<ReassignmentRequest>& requests) {
    ControllerResult<std::vector<ReassignmentResult>> out;
    // (replay copies the image: a non-owning pointer to it is enough to start from.)
    std::shared_ptr<const MetadataImage> img(std::shared_ptr<void>(), &image);
    for (const auto& req : requests) {
        std::vector<MetadataRecord> records;
        out.response.push_back(reassign_one(*img, req, records));
        if (records.empty()) continue;
        img = replay(img, records, img->offset() + 1);
        out.records.insert(out.records.end(), records.begin(), records.end());
    }
    return out;
}

}  // namespace kraftlab::metadata
