"""Touches every partition of a topic through confluent-kafka, for the descriptor-budget test:
one record produced (acks=all) to each partition by number, then every partition read back from
the beginning.

usage: every_partition.py BOOTSTRAP TOPIC PARTITIONS
       every_partition.py BOOTSTRAP TOPIC PARTITIONS --assignments REPLICAS
The second form only asks CreateTopics for TOPIC with PARTITIONS explicit replica assignments
(each on the comma-separated REPLICAS) and prints {"error": name or null, "message": "..."}.
The first prints {"acked": n, "errors": [...], "consumed": {partition: value}}.
"""
import json
import sys
import time


def create_with_assignments(bootstrap, topic, partitions, replicas):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    brokers = [int(b) for b in replicas.split(",")]
    new = NewTopic(topic, partitions, replica_assignment=[brokers] * partitions)
    future = admin.create_topics([new], request_timeout=30)[topic]
    try:
        future.result(timeout=60)
        return {"error": None, "message": ""}
    except Exception as e:  # noqa: BLE001 - the KafkaError is what we report
        err = e.args[0] if e.args else None
        name = err.name() if hasattr(err, "name") else repr(e)
        message = err.str() if hasattr(err, "str") else str(e)
        return {"error": name, "message": message}


def produce_and_consume(bootstrap, topic, partitions):
    from confluent_kafka import Consumer, Producer, TopicPartition
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all",
                         "message.timeout.ms": 60000, "linger.ms": 20})
    acked, errors = [0], []

    def report(err, msg):
        if err is None:
            acked[0] += 1
        elif len(errors) < 5:
            errors.append(f"{msg.partition()}: {err}")

    for p in range(partitions):
        producer.produce(topic, value=f"p{p}".encode(), partition=p, on_delivery=report)
    producer.flush(90)

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"every-{time.time()}",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    consumed = {}
    deadline = time.time() + 60
    while len(consumed) < partitions and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        consumed[msg.partition()] = msg.value().decode()
    consumer.close()
    return {"acked": acked[0], "errors": errors, "consumed": consumed}


def main():
    bootstrap, topic, partitions = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if len(sys.argv) > 5 and sys.argv[4] == "--assignments":
        out = create_with_assignments(bootstrap, topic, partitions, sys.argv[5])
    else:
        out = produce_and_consume(bootstrap, topic, partitions)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
