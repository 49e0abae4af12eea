"""confluent-kafka (python3-confluent-kafka 1.7.0 on librdkafka 2.0.2) against the lab: produce
keyed records, then read them back with a consumer that uses assign() (no group rebalancing).

usage: confluent_roundtrip.py BOOTSTRAP TOPIC COUNT [produce|consume|both] [ACKS] [CODEC]

Prints one JSON line like kafka_python_roundtrip.py ("acked" and/or "read" lists of
[partition, offset, key hex, value hex]).
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING


def produce(bootstrap, topic, count, acks, codec):
    acked = []
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            acked.append([msg.partition(), msg.offset(), msg.key().hex(), msg.value().hex()])

    producer = Producer({"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 5,
                         "compression.codec": codec, "partitioner": "murmur2_random"})
    for i in range(count):
        key = f"k{i % 50}".encode()
        value = f"v{i}-".encode() + bytes(range(i % 11, i % 11 + 60))
        while True:
            try:
                producer.produce(topic, key=key, value=value, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(60)
    return {"acked": acked, "errors": errors, "unflushed": remaining}


def consume(bootstrap, topic, count):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "kraftlab-test-unused",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    deadline = time.time() + 60
    metadata = None
    while time.time() < deadline:
        metadata = consumer.list_topics(topic, timeout=5)
        t = metadata.topics.get(topic)
        if t is not None and t.error is None and t.partitions:
            break
        time.sleep(0.2)
    partitions = sorted(metadata.topics[topic].partitions.keys())
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
    read = []
    while len(read) < count and time.time() < deadline:
        for msg in consumer.consume(num_messages=1000, timeout=0.5):
            if msg.error():
                continue
            read.append([msg.partition(), msg.offset(), msg.key().hex(), msg.value().hex()])
    consumer.close()
    return {"read": read}


def main():
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "both"
    acks = sys.argv[5] if len(sys.argv) > 5 else "all"
    codec = sys.argv[6] if len(sys.argv) > 6 else "none"
    out = {}
    if mode in ("produce", "both"):
        out.update(produce(bootstrap, topic, count, acks, codec))
    if mode in ("consume", "both"):
        out.update(consume(bootstrap, topic, count))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
