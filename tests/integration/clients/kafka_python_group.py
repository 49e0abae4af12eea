"""kafka-python (python3-kafka 2.0.2) in a consumer group against the lab: a KafkaConsumer that
subscribes reads every record of a topic and commits, then KafkaAdminClient describes the group
while the consumer is still its member.

usage: kafka_python_group.py BOOTSTRAP GROUP TOPIC COUNT [SECONDS]

Reads COUNT records (auto_offset_reset earliest, auto commit off), commits synchronously, then
asks the admin client for list_consumer_groups(), describe_consumer_groups([GROUP]) and
list_consumer_group_offsets(GROUP), closes both (LeaveGroup) and prints one JSON line:
{"read": [[partition, offset, value], ...], "listed": [[group, protocol_type], ...],
 "described": {"state", "protocol_type", "protocol", "members": [{"member_id", "client_id",
 "assigned": [[topic, partition], ...]}]}, "offsets": {"topic:partition": offset}}.
Gives up after SECONDS (default 60) and exits 1 with what it has.

usage: kafka_python_group.py BOOTSTRAP --delete GROUP...
KafkaAdminClient.delete_consumer_groups(GROUPS) (DeleteGroups): prints {"deleted": [[group,
error name], ...]} ("NoError" when deleted).
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer


def delete(bootstrap, groups):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="kafka-python-admin")
    deleted = [[g, e.__name__] for g, e in admin.delete_consumer_groups(groups)]
    admin.close()
    print(json.dumps({"deleted": deleted}))


def main():
    if sys.argv[2] == "--delete":
        delete(sys.argv[1], sys.argv[3:])
        return
    bootstrap, group, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 60
    deadline = time.time() + seconds
    # Short session and heartbeat: the lab's group coordinator takes them, and a test waits
    # seconds, not the 10 s default session, when something goes wrong.
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                             client_id="kafka-python-group", auto_offset_reset="earliest",
                             enable_auto_commit=False, session_timeout_ms=6000,
                             heartbeat_interval_ms=500, metadata_max_age_ms=1000)
    consumer.subscribe([topic])
    read = []
    while len(read) < count and time.time() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            for r in batch:
                read.append([r.partition, r.offset, r.value.decode()])
    consumer.commit()

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="kafka-python-admin")
    listed = [list(g) for g in admin.list_consumer_groups()]
    info = admin.describe_consumer_groups([group])[0]
    members = []
    for m in info.members:
        assigned = []
        if m.member_assignment:
            for t, parts in m.member_assignment.assignment:
                assigned.extend([t, p] for p in parts)
        members.append({"member_id": m.member_id, "client_id": m.client_id,
                        "assigned": sorted(assigned)})
    described = {"state": info.state, "protocol_type": info.protocol_type,
                 "protocol": info.protocol, "members": members}
    offsets = {f"{tp.topic}:{tp.partition}": om.offset
               for tp, om in admin.list_consumer_group_offsets(group).items()}
    admin.close()
    consumer.close()
    print(json.dumps({"read": read, "listed": listed, "described": described,
                      "offsets": offsets}))
    sys.exit(0 if len(read) == count else 1)


if __name__ == "__main__":
    main()
