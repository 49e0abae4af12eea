"""kafka-python (python3-kafka 2.0.2) against the lab: produce keyed records, then read them back
with a group-less consumer (assign + seek), and print one JSON summary line.

usage: kafka_python_roundtrip.py BOOTSTRAP TOPIC COUNT [produce|consume|both] [ACKS]

produce: sends COUNT records (key "k<i % 50>", value "v<i>-<filler>"), waits for every ack and
         prints {"acked": [[partition, offset, key, value], ...]}.
consume: reads every partition from the beginning until COUNT records arrived and prints
         {"read": [[partition, offset, key, value], ...]}.
"""
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def produce(bootstrap, topic, count, acks):
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks=acks, linger_ms=5,
                             retries=5, request_timeout_ms=15000)
    futures = []
    for i in range(count):
        key = f"k{i % 50}".encode()
        value = f"v{i}-".encode() + bytes(range(i % 7, i % 7 + 40))
        futures.append((key, value, producer.send(topic, key=key, value=value)))
    acked = []
    for key, value, future in futures:
        md = future.get(timeout=30)
        acked.append([md.partition, md.offset, key.hex(), value.hex()])
    producer.flush()
    producer.close()
    return {"acked": acked}


def consume(bootstrap, topic, count):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             group_id=None, consumer_timeout_ms=1000)
    deadline = time.time() + 60
    partitions = None
    while partitions is None and time.time() < deadline:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            time.sleep(0.2)
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    read = []
    while len(read) < count and time.time() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            for r in batch:
                read.append([r.partition, r.offset, r.key.hex(), r.value.hex()])
    consumer.close()
    return {"read": read}


def main():
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "both"
    acks = sys.argv[5] if len(sys.argv) > 5 else "all"
    acks = acks if acks == "all" else int(acks)
    out = {}
    if mode in ("produce", "both"):
        out.update(produce(bootstrap, topic, count, acks))
    if mode in ("consume", "both"):
        out.update(consume(bootstrap, topic, count))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
