"""IncrementalAlterConfigs (key 44, v0) sent to one broker with kafka-python's protocol classes.

No Debian client has an API for it (kafka-python 2.0.2 and confluent-kafka 1.7 speak only the
older AlterConfigs), so the request is declared here from Kafka's IncrementalAlterConfigsRequest
schema and sent through a real KafkaAdminClient connection; the broker forwards it to the active
controller.

usage: incremental_alter_configs.py BOOTSTRAP NODE_ID TOPIC key=value|key= ...
  key=value sets a config (SET); key= returns it to the default (DELETE).
Prints {"ok": true, "error_code": N, "error_message": "..."} (ok: the broker answered).
"""
import json
import sys

from kafka.admin import KafkaAdminClient
from kafka.protocol.api import Request, Response
from kafka.protocol.types import Array, Boolean, Int8, Int16, Int32, Schema, String


class IncrementalAlterConfigsResponse_v0(Response):
    API_KEY = 44
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("responses", Array(
            ("error_code", Int16),
            ("error_message", String("utf-8")),
            ("resource_type", Int8),
            ("resource_name", String("utf-8")))))


class IncrementalAlterConfigsRequest_v0(Request):
    API_KEY = 44
    API_VERSION = 0
    RESPONSE_TYPE = IncrementalAlterConfigsResponse_v0
    SCHEMA = Schema(
        ("resources", Array(
            ("resource_type", Int8),
            ("resource_name", String("utf-8")),
            ("configs", Array(
                ("name", String("utf-8")),
                ("config_operation", Int8),
                ("value", String("utf-8")))))),
        ("validate_only", Boolean))


TOPIC, SET, DELETE = 2, 0, 1


def main():
    bootstrap, node_id, topic = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    configs = []
    for word in sys.argv[4:]:
        key, _, value = word.partition("=")
        configs.append((key, SET, value) if value else (key, DELETE, None))
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    try:
        request = IncrementalAlterConfigsRequest_v0(
            resources=[(TOPIC, topic, configs)], validate_only=False)
        future = admin._send_request_to_node(node_id, request)
        admin._wait_for_futures([future])
        _, answers = future.value.throttle_time_ms, future.value.responses
        error_code, error_message, _, name = answers[0]
        print(json.dumps({"ok": True, "error_code": error_code, "error_message": error_message,
                          "topic": name}))
    except Exception as e:  # the test prints it
        print(json.dumps({"ok": False, "error": repr(e)}))
    finally:
        admin.close()


if __name__ == "__main__":
    main()
