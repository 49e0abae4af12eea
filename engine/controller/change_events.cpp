#include "controller/change_events.h"

#include <algorithm>
#include <sstream>

namespace kraftlab::controller {

using core::EventKind;
using core::NodeRef;
using metadata::ids_text;

namespace {

std::vector<std::int32_t> minus(const std::vector<std::int32_t>& a,
                                const std::vector<std::int32_t>& b) {
    std::vector<std::int32_t> out;
    for (auto id : a)
        if (std::find(b.begin(), b.end(), id) == b.end()) out.push_back(id);
    return out;
}

std::string brokers_text(const std::vector<std::int32_t>& ids) {
    std::string s;
    for (std::size_t i = 0; i < ids.size(); ++i)
        s += (i == 0 ? "" : i + 1 == ids.size() ? " and " : ", ") + std::to_string(ids[i]);
    return (ids.size() == 1 ? "broker " : "brokers ") + s;
}

// A move started, replaced, completed or cancelled (metadata/reassignment.h), in plain words.
void publish_reassignment(core::EventBus& events, const std::string& label,
                          const std::string& topic, const metadata::PartitionInfo& p_old,
                          const metadata::PartitionInfo& p_new, const std::string& because) {
    const bool was = !p_old.adding_replicas.empty() || !p_old.removing_replicas.empty();
    const bool is = !p_new.adding_replicas.empty() || !p_new.removing_replicas.empty();
    if (!was && !is) return;
    if (was && is && p_old.adding_replicas == p_new.adding_replicas &&
        p_old.removing_replicas == p_new.removing_replicas)
        return;  // an ISR change during the move
    std::string state;
    std::string text;
    if (is) {
        const auto target = minus(p_new.replicas, p_new.removing_replicas);
        state = was ? "replaced" : "started";
        text = label + (was ? " now moves to " : " moves to ") + ids_text(target) + ": ";
        if (!p_new.adding_replicas.empty()) {
            const bool one = p_new.adding_replicas.size() == 1;
            text += brokers_text(p_new.adding_replicas) + (one ? " copies" : " copy") +
                    " the log from the leader";
            if (!p_new.removing_replicas.empty())
                text += "; " + brokers_text(p_new.removing_replicas) +
                        (p_new.removing_replicas.size() == 1 ? " leaves" : " leave") + " once " +
                        (one ? "it is" : "they are") + " in sync";
        } else {
            text += brokers_text(p_new.removing_replicas) +
                    (p_new.removing_replicas.size() == 1 ? " leaves" : " leave") +
                    " once a remaining replica is in sync";
        }
    } else {
        const auto original = minus(p_old.replicas, p_old.adding_replicas);
        const bool cancelled =
            !p_old.adding_replicas.empty() && minus(p_new.replicas, original).empty();
        state = cancelled ? "cancelled" : "completed";
        text = cancelled ? label + " stays on " + ids_text(p_new.replicas) +
                               ": the move was cancelled and " +
                               brokers_text(p_old.adding_replicas) + " dropped " +
                               (p_old.adding_replicas.size() == 1 ? "its copy" : "their copies")
                         : label + " moved to " + ids_text(p_new.replicas) +
                               (p_old.removing_replicas.empty()
                                    ? ""
                                    : ": " + brokers_text(p_old.removing_replicas) + " deleted " +
                                          (p_old.removing_replicas.size() == 1 ? "its replica"
                                                                               : "their replicas"));
    }
    events.publish(core::EventKind::ReassignmentChanged, core::NodeRef::lab(), text + because,
                   {{"state", state},
                    {"replicas", p_new.replicas},
                    {"previous_replicas", p_old.replicas},
                    {"adding", p_new.adding_replicas},
                    {"removing", p_new.removing_replicas},
                    {"isr", p_new.isr}},
                   topic, p_new.partition);
}

}  // namespace

void publish_metadata_changes(core::EventBus& events_, const metadata::MetadataImage& before,
                              const metadata::MetadataImage& after,
                              const metadata::MetadataChanges& changes, const std::string& cause) {
    const std::string because = cause.empty() ? "" : " (" + cause + ")";
    for (const auto& id : changes.topics_created) {
        auto t = after.topic_by_id(id);
        if (!t) continue;
        nlohmann::json parts = nlohmann::json::array();
        std::ostringstream where;
        for (const auto& p : t->partitions) {
            parts.push_back(
                {{"partition", p.partition}, {"leader", p.leader}, {"replicas", p.replicas}});
        }
        std::size_t rf = t->partitions.empty() ? 0 : t->partitions.front().replicas.size();
        events_.publish(EventKind::TopicCreated, NodeRef::lab(),
                        "topic " + t->name + " created with " +
                            std::to_string(t->partitions.size()) +
                            " partition(s), replication factor " + std::to_string(rf) + because,
                        {{"partitions", parts}, {"topic_id", t->id.to_base64()}}, t->name);
    }
    for (const auto& [id, name] : changes.topics_deleted) {
        events_.publish(EventKind::TopicDeleted, NodeRef::lab(),
                        "topic " + name + " deleted" + because, {}, name);
    }
    for (auto broker_id : changes.brokers_changed) {
        const auto* old_b = before.broker(broker_id);
        const auto* new_b = after.broker(broker_id);
        if (!new_b) continue;
        const std::string who = "broker " + std::to_string(broker_id);
        if (!old_b || old_b->epoch != new_b->epoch) {
            events_.publish(EventKind::BrokerRegistered, NodeRef::broker(broker_id),
                            who + " registered at " + new_b->host + ":" +
                                std::to_string(new_b->port) + " with broker epoch " +
                                std::to_string(new_b->epoch),
                            {{"epoch", new_b->epoch}, {"port", new_b->port}});
        }
        bool was_fenced = old_b ? old_b->fenced : true;
        if (new_b->fenced && !was_fenced) {
            events_.publish(
                EventKind::BrokerFenced, NodeRef::broker(broker_id),
                who + " is fenced" + because + ": it leads nothing and clients are not sent to it");
        } else if (!new_b->fenced && was_fenced) {
            events_.publish(EventKind::BrokerUnfenced, NodeRef::broker(broker_id),
                            who + " is unfenced" + because + ": it may lead partitions again");
        }
    }
    for (const auto& [topic_id, partition] : changes.partitions_changed) {
        if (changes.topics_created.count(topic_id)) continue;
        auto t_new = after.topic_by_id(topic_id);
        auto t_old = before.topic_by_id(topic_id);
        if (!t_new || !t_old || partition < 0 ||
            partition >= static_cast<std::int32_t>(t_new->partitions.size()) ||
            partition >= static_cast<std::int32_t>(t_old->partitions.size())) {
            continue;
        }
        const auto& p_old = t_old->partitions[static_cast<std::size_t>(partition)];
        const auto& p_new = t_new->partitions[static_cast<std::size_t>(partition)];
        const std::string label = t_new->name + "-" + std::to_string(partition);
        nlohmann::json data = {{"leader", p_new.leader},
                               {"previous_leader", p_old.leader},
                               {"leader_epoch", p_new.leader_epoch},
                               {"isr", p_new.isr}};
        const bool unclean = p_new.leader != metadata::kNoLeader && p_new.leader != p_old.leader &&
                             !p_old.in_isr(p_new.leader) &&
                             p_new.leader_recovery_state == metadata::kLeaderRecovering;
        if (unclean) {
            std::vector<std::int32_t> lost_from;
            for (auto r : p_old.isr) {
                if (r != p_new.leader) lost_from.push_back(r);
            }
            events_.publish(EventKind::UncleanElection, NodeRef::lab(),
                            label +
                                " had no in-sync replica alive; "
                                "unclean.leader.election.enable=true made broker " +
                                std::to_string(p_new.leader) +
                                " leader: records only the old ISR " + ids_text(p_old.isr) +
                                " had are lost" + because,
                            {{"leader", p_new.leader},
                             {"lost_from", lost_from},
                             {"leader_epoch", p_new.leader_epoch}},
                            t_new->name, partition);
        } else if (cause.rfind("leader ", 0) != 0) {
            // ISR changes from a fencing that takes a broker out. A leader's own AlterPartition
            // is told by that leader, which knows why (broker/replica_manager.cpp).
            for (auto r : p_old.isr) {
                if (p_new.in_isr(r)) continue;
                events_.publish(EventKind::IsrShrunk, NodeRef::broker(r),
                                "broker " + std::to_string(r) + " left the ISR of " + label + ": " +
                                    ids_text(p_old.isr) + " -> " + ids_text(p_new.isr) + because,
                                {{"broker", r}, {"isr", p_new.isr}, {"reason", cause}}, t_new->name,
                                partition);
            }
            for (auto r : p_new.isr) {
                if (p_old.in_isr(r)) continue;
                events_.publish(EventKind::IsrExpanded, NodeRef::broker(r),
                                "broker " + std::to_string(r) + " rejoined the ISR of " + label +
                                    ": " + ids_text(p_old.isr) + " -> " + ids_text(p_new.isr) +
                                    because,
                                {{"broker", r}, {"isr", p_new.isr}}, t_new->name, partition);
            }
        }
        publish_reassignment(events_, label, t_new->name, p_old, p_new, because);
        if (p_new.leader == p_old.leader) continue;
        if (p_new.leader == metadata::kNoLeader) {
            std::string why = p_new.replicas.size() == 1
                                  ? "its only replica, on broker " +
                                        std::to_string(p_new.replicas[0]) + ", is unavailable"
                                  : "no in-sync replica " + ids_text(p_new.isr) + " is available";
            events_.publish(EventKind::PartitionOffline, NodeRef::lab(),
                            label + " is offline: " + why + because, std::move(data), t_new->name,
                            partition);
        } else {
            std::string from = p_old.leader == metadata::kNoLeader
                                   ? "no leader"
                                   : "broker " + std::to_string(p_old.leader);
            events_.publish(EventKind::LeaderChanged, NodeRef::lab(),
                            label + " leader: " + from + " -> broker " +
                                std::to_string(p_new.leader) + ", leader epoch " +
                                std::to_string(p_new.leader_epoch) + because,
                            std::move(data), t_new->name, partition);
        }
    }
    for (const auto& name : changes.topic_configs_changed) {
        if (!after.topic(name)) continue;
        nlohmann::json configs = after.topic_configs(name);
        events_.publish(EventKind::TopicConfigChanged, NodeRef::lab(),
                        "topic " + name + " configs are now " + configs.dump() + because,
                        {{"configs", configs}}, name);
    }
}

}  // namespace kraftlab::controller
