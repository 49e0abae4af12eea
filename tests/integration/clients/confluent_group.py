"""confluent-kafka (python3-confluent-kafka 1.7.0 on librdkafka 2.0.2) in a consumer group against
the lab: a member that subscribes (the coordinator assigns its partitions), and the admin client's
view of the groups.

usage: confluent_group.py BOOTSTRAP consume GROUP TOPIC COUNT [SECONDS [INSTANCE_ID [ASSIGNOR]]]
       confluent_group.py BOOTSTRAP follow GROUP TOPIC COUNT [SECONDS]
       confluent_group.py BOOTSTRAP list

consume: joins GROUP subscribed to TOPIC (auto.offset.reset earliest, auto commit off), reads
         exactly COUNT records one at a time, commits the position synchronously, asks the
         coordinator for the committed offsets (committed()) and closes (LeaveGroup). Prints
         {"before": {partition: committed offset at the start}, "read": [[partition, offset,
         value], ...], "committed": {partition: offset}}; partitions without a commit are
         absent. With INSTANCE_ID it is a static member (group.instance.id): librdkafka sends
         no LeaveGroup when a static member closes, so the group keeps its place until
         session.timeout.ms, and a consumer with the same id that comes back sooner takes it
         over without a rebalance (KIP-345). ASSIGNOR is partition.assignment.strategy (librdkafka's
         default: range,roundrobin).
follow:  joins GROUP with auto commit every 200 ms and reads until COUNT distinct values came
         (duplicates are counted, not fatal: at least once), printing a line {"read": n} every
         50 records so a test can see it consume; then commits synchronously, closes and prints
         {"read": [[partition, offset, value], ...], "errors": [...]}.
list:    AdminClient.list_groups(): {"groups": [{"id", "state", "protocol_type", "protocol",
         "members": [{"id", "client_id"}]}]}.
Each mode gives up after SECONDS (default 60) and exits 1 with what it has.
"""
import json
import sys
import time

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient


def consumer_config(bootstrap, group, auto_commit, instance_id=None, assignor=None):
    # Short session and heartbeat so that rebalances and failovers take seconds, not the default
    # 45 s session.
    config = {"bootstrap.servers": bootstrap, "group.id": group, "client.id": "confluent-group",
              "auto.offset.reset": "earliest", "enable.auto.commit": auto_commit,
              "auto.commit.interval.ms": 200, "session.timeout.ms": 6000,
              "heartbeat.interval.ms": 500, "enable.partition.eof": False,
              "topic.metadata.refresh.interval.ms": 1000}
    if instance_id:
        config["group.instance.id"] = instance_id
    if assignor:
        config["partition.assignment.strategy"] = assignor
    return config


def partitions_of(consumer, topic, deadline):
    while time.time() < deadline:
        t = consumer.list_topics(topic, timeout=5).topics.get(topic)
        if t is not None and t.error is None and t.partitions:
            return sorted(t.partitions.keys())
        time.sleep(0.2)
    raise RuntimeError(f"no metadata for {topic}")


def committed_map(consumer, topic, partitions):
    out = {}
    for tp in consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=10):
        if tp.error is None and tp.offset >= 0:
            out[str(tp.partition)] = tp.offset
    return out


def consume(bootstrap, group, topic, count, seconds, instance_id=None, assignor=None):
    deadline = time.time() + seconds
    consumer = Consumer(consumer_config(bootstrap, group, False, instance_id, assignor))
    partitions = partitions_of(consumer, topic, deadline)
    before = committed_map(consumer, topic, partitions)
    consumer.subscribe([topic])
    read = []
    while len(read) < count and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        read.append([msg.partition(), msg.offset(), msg.value().decode()])
    # The position (one past the last record poll returned) of every assigned partition.
    consumer.commit(asynchronous=False)
    committed = committed_map(consumer, topic, partitions)
    consumer.close()
    print(json.dumps({"before": before, "read": read, "committed": committed}))
    return len(read) == count


def follow(bootstrap, group, topic, count, seconds):
    deadline = time.time() + seconds
    consumer = Consumer(consumer_config(bootstrap, group, True))
    consumer.subscribe([topic])
    read, seen, errors = [], set(), []
    while len(seen) < count and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if len(errors) < 20:
                errors.append(str(msg.error()))
            continue
        value = msg.value().decode()
        read.append([msg.partition(), msg.offset(), value])
        seen.add(value)
        if len(read) % 50 == 0:
            print(json.dumps({"read": len(read)}), flush=True)
    try:
        consumer.commit(asynchronous=False)
    except Exception as e:  # noqa: BLE001 - reported, the test decides
        errors.append(f"final commit: {e}")
    consumer.close()
    print(json.dumps({"read": read, "errors": errors}), flush=True)
    return len(seen) >= count


def list_groups(bootstrap):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    groups = []
    for g in admin.list_groups(timeout=10):
        groups.append({"id": g.id, "state": g.state, "protocol_type": g.protocol_type,
                       "protocol": g.protocol,
                       "members": [{"id": m.id, "client_id": m.client_id} for m in g.members]})
    print(json.dumps({"groups": groups}))
    return True


def main():
    bootstrap, mode = sys.argv[1], sys.argv[2]
    if mode == "list":
        ok = list_groups(bootstrap)
    else:
        group, topic, count = sys.argv[3], sys.argv[4], int(sys.argv[5])
        seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 60
        if mode == "consume":
            instance_id = sys.argv[7] if len(sys.argv) > 7 else None
            assignor = sys.argv[8] if len(sys.argv) > 8 else None
            ok = consume(bootstrap, group, topic, count, seconds, instance_id, assignor)
        else:
            ok = follow(bootstrap, group, topic, count, seconds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
