"""What a real client sees of the cluster when it bootstraps from one broker: kafka-python's
KafkaAdminClient (describe_cluster, describe_topics) or confluent-kafka's AdminClient
(list_topics). Prints one JSON line:

  {"brokers": [ids...], "controller_id": N,
   "topics": {"name": [[partition, leader, [replicas], [isr]], ...]}}

usage: metadata_view.py CLIENT BOOTSTRAP
  CLIENT: kafka-python | confluent
"""
import json
import sys


def kafka_python(bootstrap):
    from kafka.admin import KafkaAdminClient
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    try:
        cluster = admin.describe_cluster()
        topics = {}
        for t in admin.describe_topics():
            if t["topic"].startswith("__"):
                continue
            topics[t["topic"]] = sorted(
                [p["partition"], p["leader"], list(p["replicas"]), list(p["isr"])]
                for p in t["partitions"])
        return {"brokers": sorted(b["node_id"] for b in cluster["brokers"]),
                "controller_id": cluster["controller_id"], "topics": topics}
    finally:
        admin.close()


def confluent(bootstrap):
    from confluent_kafka.admin import AdminClient
    admin = AdminClient({"bootstrap.servers": bootstrap})
    md = admin.list_topics(timeout=15)
    topics = {}
    for name, t in md.topics.items():
        if name.startswith("__"):
            continue
        topics[name] = sorted(
            [p.id, p.leader, list(p.replicas), list(p.isrs)] for p in t.partitions.values())
    return {"brokers": sorted(md.brokers.keys()), "controller_id": md.controller_id,
            "topics": topics}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("kafka-python", "confluent"):
        print(__doc__, file=sys.stderr)
        return 2
    view = kafka_python(sys.argv[2]) if sys.argv[1] == "kafka-python" else confluent(sys.argv[2])
    print(json.dumps(view))
    return 0


if __name__ == "__main__":
    sys.exit(main())
