"""The admin APIs real tools call, through kafka-python's KafkaAdminClient and confluent-kafka's
AdminClient: DescribeConfigs (topic and broker), AlterConfigs, CreatePartitions, and the errors
each gives for bad input. Prints one JSON object with what each call returned, for the test to
check (tests/integration/test_admin_apis.cpp).

usage: admin_apis.py BOOTSTRAP CLIENT TOPIC
  CLIENT: kafka-python | confluent
"""
import json
import sys


def kafka_python(bootstrap, topic):
    from kafka.admin import KafkaAdminClient, ConfigResource, ConfigResourceType, NewPartitions
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    out = {}
    try:
        def describe(resource):
            answers = admin.describe_configs([resource], include_synonyms=True)
            result = {}
            for answer in answers:
                for (err, msg, rtype, rname, entries) in answer.resources:
                    if err:
                        return {"error": err, "message": msg}
                    for e in entries:
                        # v1+: (name, value, read_only, source, sensitive, synonyms)
                        result[e[0]] = {"value": e[1], "source": e[3],
                                        "synonyms": [[s[0], s[1], s[2]] for s in e[5]]}
            return result

        out["topic"] = describe(ConfigResource(ConfigResourceType.TOPIC, topic))
        out["broker"] = describe(ConfigResource(ConfigResourceType.BROKER, "1"))
        out["unknown_topic"] = describe(ConfigResource(ConfigResourceType.TOPIC, "no-such-topic"))
        answer = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                                     configs={"min.insync.replicas": "2"})])
        out["alter"] = [[r[0], r[1]] for r in answer.resources]
        out["after_alter"] = describe(ConfigResource(ConfigResourceType.TOPIC, topic))
        bad = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                                  configs={"min.insync.replicas": "-1"})])
        out["alter_bad"] = [[r[0], r[1]] for r in bad.resources]
        unknown = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                                      configs={"retention.ms": "1000"})])
        out["alter_unknown"] = [[r[0], r[1]] for r in unknown.resources]
        grown = admin.create_partitions({topic: NewPartitions(total_count=5)})
        out["create_partitions"] = [[r[0], r[1], r[2]] for r in grown.topic_errors]
        try:
            admin.create_partitions({topic: NewPartitions(total_count=2)})
            out["create_partitions_fewer"] = {"ok": True}
        except Exception as e:  # kafka-python raises the first topic error
            out["create_partitions_fewer"] = {"error": e.errno, "message": str(e)}
    finally:
        admin.close()
    return out


def confluent(bootstrap, topic):
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions
    from confluent_kafka import KafkaException
    admin = AdminClient({"bootstrap.servers": bootstrap})
    out = {}

    def describe(kind, name):
        futures = admin.describe_configs([ConfigResource(kind, name)], request_timeout=15)
        try:
            for f in futures.values():
                entries = f.result(timeout=30)
                return {k: {"value": v.value, "source": v.source,
                            "synonyms": [[s.name, s.value, s.source]
                                         for s in v.synonyms.values()]}
                        for k, v in entries.items()}
        except KafkaException as e:
            return {"error": e.args[0].code(), "message": e.args[0].str()}

    def result(futures):
        try:
            for f in futures.values():
                f.result(timeout=30)
            return {"ok": True}
        except KafkaException as e:
            return {"error": e.args[0].code(), "message": e.args[0].str()}

    out["topic"] = describe("topic", topic)
    out["broker"] = describe("broker", "1")
    out["unknown_topic"] = describe("topic", "no-such-topic")
    out["alter"] = result(admin.alter_configs(
        [ConfigResource("topic", topic, set_config={"min.insync.replicas": "2"})],
        request_timeout=15))
    out["after_alter"] = describe("topic", topic)
    out["alter_bad"] = result(admin.alter_configs(
        [ConfigResource("topic", topic, set_config={"min.insync.replicas": "-1"})],
        request_timeout=15))
    out["create_partitions"] = result(admin.create_partitions([NewPartitions(topic, 5)],
                                                              request_timeout=15))
    out["create_partitions_fewer"] = result(admin.create_partitions([NewPartitions(topic, 2)],
                                                                    request_timeout=15))
    return out


def main():
    bootstrap, client, topic = sys.argv[1:4]
    try:
        out = (kafka_python if client == "kafka-python" else confluent)(bootstrap, topic)
        print(json.dumps({"ok": True, **out}))
    except Exception as e:  # the test prints it
        print(json.dumps({"ok": False, "error": repr(e)}))


if __name__ == "__main__":
    main()
