"""Produces records at a steady pace with acks=all and no retries, and reports exactly which ones
the brokers acknowledged, for the replication test (leaders are killed meanwhile).

usage: acked_producer.py kafka-python|confluent|confluent-idempotent BOOTSTRAP TOPIC COUNT SECONDS
       PREFIX [TIMEOUT_MS]

confluent-idempotent: enable.idempotence=true and librdkafka's own retries (the broker answers a
retry of a batch it already has with the original offset, so nothing is written twice); a long
message.timeout.ms, so that no message times out in flight (librdkafka would then bump the
producer's epoch, and a resend under the new epoch is a new write).

With retries off a record is written at most once, so "acknowledged" is unambiguous: the
broker answered the produce with no error (acks=all: every in-sync replica had it). Values are
PREFIX-<n>. TIMEOUT_MS is request.timeout.ms (default 15000; a lossy lab network wants less, so
that a lost request is given up on and the next records still go). Prints one JSON line: {"acked": [[partition, offset, value], ...], "errors": n,
"first_errors": [...]}.
"""
import json
import sys
import time


def with_kafka_python(bootstrap, topic, count, seconds, prefix, timeout_ms):
    from kafka import KafkaProducer
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=0,
                             request_timeout_ms=timeout_ms, max_block_ms=15000, linger_ms=2,
                             metadata_max_age_ms=1000, reconnect_backoff_ms=50,
                             reconnect_backoff_max_ms=500)
    acked, errors = [], []
    futures = []
    for i in range(count):
        value = f"{prefix}-{i}"
        try:
            futures.append((value, producer.send(topic, value=value.encode())))
        except Exception as e:  # noqa: BLE001 - any failure means "not acknowledged"
            errors.append(repr(e))
        time.sleep(seconds / count)
        # Collect finished sends as we go so that memory stays small.
        if len(futures) > 50:
            futures = collect(futures, acked, errors, block=False)
    producer.flush(30)
    collect(futures, acked, errors, block=True)
    producer.close(10)
    return acked, errors


def collect(futures, acked, errors, block):
    pending = []
    for value, f in futures:
        if not block and not f.is_done:
            pending.append((value, f))
            continue
        try:
            md = f.get(timeout=30)
            acked.append([md.partition, md.offset, value])
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    return pending


def with_confluent(bootstrap, topic, count, seconds, prefix, timeout_ms, idempotent=False):
    from confluent_kafka import Producer
    acked, errors = [], []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            acked.append([msg.partition(), msg.offset(), msg.value().decode()])

    config = {"bootstrap.servers": bootstrap, "acks": "all",
              "message.send.max.retries": 0, "enable.idempotence": False,
              "linger.ms": 2, "request.timeout.ms": timeout_ms,
              "message.timeout.ms": 30000, "topic.metadata.refresh.interval.ms": 1000,
              "partitioner": "murmur2_random"}
    if idempotent:
        config.update({"enable.idempotence": True, "message.send.max.retries": 1000000,
                       "retry.backoff.ms": 100, "message.timeout.ms": 120000})
    producer = Producer(config)
    for i in range(count):
        value = f"{prefix}-{i}"
        while True:
            try:
                producer.produce(topic, value=value.encode(), on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
        time.sleep(seconds / count)
    producer.flush(60)
    return acked, errors


def main():
    library, bootstrap, topic, count, seconds, prefix = sys.argv[1:7]
    timeout_ms = int(sys.argv[7]) if len(sys.argv) > 7 else 15000
    if library == "kafka-python":
        acked, errors = with_kafka_python(bootstrap, topic, int(count), float(seconds), prefix,
                                          timeout_ms)
    else:
        acked, errors = with_confluent(bootstrap, topic, int(count), float(seconds), prefix,
                                       timeout_ms, idempotent=library == "confluent-idempotent")
    print(json.dumps({"acked": acked, "errors": len(errors), "first_errors": errors[:5]}))


if __name__ == "__main__":
    main()
