// Kafka's RangeAssignor and RoundRobinAssignor (group/assignors.h).
#include "group/assignors.h"

#include <algorithm>
#include <set>

namespace kraftlab::group {

namespace {

// Kafka's MemberInfo order: static members first, by instance id; then by member id.
bool member_before(const AssignorMember* a, const AssignorMember* b) {
    if (a->group_instance_id && b->group_instance_id)
        return *a->group_instance_id < *b->group_instance_id;
    if (a->group_instance_id || b->group_instance_id) return a->group_instance_id.has_value();
    return a->member_id < b->member_id;
}

std::vector<const AssignorMember*> sorted_members(const std::vector<AssignorMember>& members) {
    std::vector<const AssignorMember*> out;
    out.reserve(members.size());
    for (const auto& m : members)
        out.push_back(&m);
    std::stable_sort(out.begin(), out.end(), member_before);
    return out;
}

bool subscribes(const AssignorMember& m, const std::string& topic) {
    return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

std::int32_t count_of(const PartitionCounts& partitions, const std::string& topic) {
    auto it = partitions.find(topic);
    return it == partitions.end() ? 0 : std::max<std::int32_t>(0, it->second);
}

GroupAssignment empty_assignment(const std::vector<AssignorMember>& members) {
    GroupAssignment out;
    for (const auto& m : members)
        out[m.member_id];
    return out;
}

}  // namespace

std::string_view assignor_name(AssignorKind kind) {
    return kind == AssignorKind::RoundRobin ? "roundrobin" : "range";
}

std::optional<AssignorKind> assignor_from_name(std::string_view name) {
    if (name == "range") return AssignorKind::Range;
    if (name == "roundrobin") return AssignorKind::RoundRobin;
    return std::nullopt;
}

GroupAssignment assign_range(const std::vector<AssignorMember>& members,
                             const PartitionCounts& partitions) {
    GroupAssignment out = empty_assignment(members);
    const auto ordered = sorted_members(members);
    std::set<std::string> topics;
    for (const auto& m : members)
        topics.insert(m.topics.begin(), m.topics.end());
    // Each topic on its own: the ranges of one topic do not depend on any other's.
    for (const auto& topic : topics) {
        const std::int32_t count = count_of(partitions, topic);
        if (count == 0) continue;
        std::vector<const AssignorMember*> consumers;
        for (const auto* m : ordered) {
            if (subscribes(*m, topic)) consumers.push_back(m);
        }
        const auto n = static_cast<std::int32_t>(consumers.size());
        const std::int32_t per_member = count / n;
        const std::int32_t with_extra = count % n;
        for (std::int32_t i = 0; i < n; ++i) {
            const std::int32_t start = per_member * i + std::min(i, with_extra);
            const std::int32_t length = per_member + (i < with_extra ? 1 : 0);
            if (length == 0) continue;
            auto& mine = out[consumers[static_cast<std::size_t>(i)]->member_id][topic];
            for (std::int32_t p = start; p < start + length; ++p)
                mine.push_back(p);
        }
    }
    return out;
}

GroupAssignment assign_round_robin(const std::vector<AssignorMember>& members,
                                   const PartitionCounts& partitions) {
    GroupAssignment out = empty_assignment(members);
    const auto ordered = sorted_members(members);
    if (ordered.empty()) return out;
    std::set<std::string> topics;  // by name: the order partitions are dealt in
    for (const auto& m : members)
        topics.insert(m.topics.begin(), m.topics.end());
    std::size_t next = 0;  // the circle's position; it carries on from topic to topic
    for (const auto& topic : topics) {
        const std::int32_t count = count_of(partitions, topic);
        for (std::int32_t p = 0; p < count; ++p) {
            // Someone subscribes to every topic in the set, so this stops within one turn.
            while (!subscribes(*ordered[next], topic))
                next = (next + 1) % ordered.size();
            out[ordered[next]->member_id][topic].push_back(p);
            next = (next + 1) % ordered.size();
        }
    }
    return out;
}

GroupAssignment assign(AssignorKind kind, const std::vector<AssignorMember>& members,
                       const PartitionCounts& partitions) {
    return kind == AssignorKind::RoundRobin ? assign_round_robin(members, partitions)
                                            : assign_range(members, partitions);
}

}  // namespace kraftlab::group
