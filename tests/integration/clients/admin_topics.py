"""Topic administration through the real admin clients: kafka-python's KafkaAdminClient and
confluent-kafka's AdminClient create and delete topics (CreateTopics / DeleteTopics), including
confluent-kafka's NewTopic(name, n) that sends replication factor -1 (KIP-464).

usage: admin_topics.py BOOTSTRAP CLIENT ACTION TOPIC [PARTITIONS]
  CLIENT: kafka-python | confluent
  ACTION: create | delete
Prints {"ok": true} or {"ok": false, "error": "..."}.
"""
import json
import sys


def kafka_python(bootstrap, action, topic, partitions):
    from kafka.admin import KafkaAdminClient, NewTopic
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    try:
        if action == "create":
            admin.create_topics([NewTopic(topic, partitions, 1)])
        else:
            admin.delete_topics([topic])
    finally:
        admin.close()


def confluent(bootstrap, action, topic, partitions):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    if action == "create":
        futures = admin.create_topics([NewTopic(topic, partitions)], request_timeout=15)
    else:
        futures = admin.delete_topics([topic], request_timeout=15)
    for f in futures.values():
        f.result(timeout=30)


def main():
    bootstrap, client, action, topic = sys.argv[1:5]
    partitions = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    try:
        (kafka_python if client == "kafka-python" else confluent)(bootstrap, action, topic, partitions)
        print(json.dumps({"ok": True}))
    except Exception as e:  # the test prints it
        print(json.dumps({"ok": False, "error": repr(e)}))


if __name__ == "__main__":
    main()
