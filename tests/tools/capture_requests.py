#!/usr/bin/python3
"""Capture raw Kafka request frames from real clients, for Kraftlab's golden tests.

A minimal fake Kafka broker listens on 127.0.0.1 (an ephemeral port), logs every request frame it
receives, and answers just enough for a producer to get through:

  * ApiVersions: v0-format body for v0 requests, v1/v2 bodies for v1/v2, a proper flexible v3
    body for v3 (the ApiVersions response header is always v0), and the Java broker's v0-format
    UNSUPPORTED_VERSION (35) reply for anything newer. Advertised (default set, as in
    KAFKA-NOTES §1.4): Produce 3-7, Fetch 4, ListOffsets 1-2, Metadata 0-4, ApiVersions 0-3,
    CreateTopics 0-4.
  * Metadata v0-v4: itself as the only broker (node id 1), topic `golden` with one partition led
    by node 1, whatever topics were asked for.
  * Produce v3-v7: success for every partition in the request, base offset 0 (no answer when
    acks=0, as Kafka does).
  Anything else is logged and left unanswered.

Three librdkafka 2.0.2 gates decide whether kcat compresses at all (src/rdkafka_msgset_writer.c,
rd_kafka_msgset_writer_select_MsgVersion, and src/rdkafka_feature.c):
  * gzip, snappy and lz4 are only used if rd_kafka_broker_ApiVersion_supported(Produce, 0, 0)
    succeeds, i.e. the broker must advertise Produce **from v0**. With the default Produce 3-7,
    kcat silently sends every codec uncompressed ("Broker does not support compression type").
  * lz4 also needs the LZ4 feature: FindCoordinator v0 advertised.
  * zstd needs the ZSTD feature: Produce 7 and Fetch 10 in the advertised ranges.
So the compressed kcat captures run with `--codec-gates` (Produce 0-7, Fetch 4-10,
FindCoordinator 0-2 added); kcat's ApiVersions, Metadata and Produce versions are the same either
way (v3, v4, v7). One extra capture,
kcat-produce-v7-gzip-downgraded.hex, records what kcat sends under the default set.
librdkafka also sends a batch uncompressed if compressing makes it larger, so the values below
are deliberately repetitive.

Frames are stored exactly as they came off the socket, 4-byte size prefix included, as lowercase
hex (64 characters a line), one frame per file. Timestamps inside the record batches (and the
CRCs that cover them) differ on every run; everything else is deterministic.

Regenerate (from the repository root; needs Debian's kcat 1.7.1 and python3-kafka 2.0.2, which
import only under /usr/bin/python3):

    /usr/bin/python3 tests/tools/capture_requests.py --all --out tests/engine/golden

That writes, and lists in MANIFEST.txt:
    kcat-apiversions-v3.hex          kcat-metadata-v4.hex
    kcat-produce-v7-{none,gzip,snappy,lz4,zstd}.hex
    kcat-produce-v7-gzip-downgraded.hex   (default advertised set: sent uncompressed)
    kafka-python-apiversions-v0.hex  kafka-python-metadata-v0.hex  kafka-python-metadata-v1.hex
    kafka-python-produce-v3-none.hex kafka-python-produce-v3-gzip.hex
The kcat records are key-1..key-3 with the values in RECORDS below (stdin lines "key:value",
`kcat -P -b 127.0.0.1:PORT -t golden -K: -z CODEC -X linger.ms=5`); kafka-python sends the same
keys and values with KafkaProducer(linger_ms=100) and flush(). The script fails if a client
splits the three records over more than one Produce request.

To just watch a client: `/usr/bin/python3 tests/tools/capture_requests.py --serve [--port N] [--codec-gates]`
prints every frame as it arrives until Ctrl-C.
"""

import argparse
import os
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time

TOPIC = "golden"
NODE_ID = 1
CLUSTER_ID = "kraftlab-golden"

RECORDS = [
    (b"key-%d" % i, (b"value-%d " % i) + b"kraftlab golden record " * 4) for i in (1, 2, 3)
]

API_NAMES = {0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 18: "ApiVersions",
             19: "CreateTopics"}


def advertised(codec_gates=False):
    """The default set from the brief, or (codec_gates) the same with the three changes that
    librdkafka 2.0.2 needs before it compresses: Produce from v0, Fetch up to v10 and
    FindCoordinator v0."""
    if not codec_gates:
        return [(0, 3, 7), (1, 4, 4), (2, 1, 2), (3, 0, 4), (18, 0, 3), (19, 0, 4)]
    return [(0, 0, 7), (1, 4, 10), (2, 1, 2), (3, 0, 4), (10, 0, 2), (18, 0, 3), (19, 0, 4)]


# --- encoding helpers --------------------------------------------------------------------------

def i8(v):
    return struct.pack(">b", v)


def i16(v):
    return struct.pack(">h", v)


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def string(s):
    b = s.encode()
    return i16(len(b)) + b


def nullable_string(s):
    return i16(-1) if s is None else string(s)


def uvarint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def i16(self):
        return struct.unpack(">h", self.take(2))[0]

    def i32(self):
        return struct.unpack(">i", self.take(4))[0]

    def nullable_string(self):
        n = self.i16()
        return None if n < 0 else self.take(n).decode()

    def nullable_bytes(self):
        n = self.i32()
        return None if n < 0 else self.take(n)


# --- responses ---------------------------------------------------------------------------------

def api_versions_body(version, apis):
    if version > 3:
        # What a Java broker answers to a version it does not know: a v0 body, error 35.
        return i16(35) + i32(1) + i16(18) + i16(0) + i16(3)
    if version == 3:
        body = i16(0) + uvarint(len(apis) + 1)
        for key, lo, hi in apis:
            body += i16(key) + i16(lo) + i16(hi) + uvarint(0)
        return body + i32(0) + uvarint(0)
    body = i16(0) + i32(len(apis))
    for key, lo, hi in apis:
        body += i16(key) + i16(lo) + i16(hi)
    if version >= 1:
        body += i32(0)
    return body


def metadata_body(version, port):
    body = i32(0) if version >= 3 else b""
    body += i32(1) + i32(NODE_ID) + string("127.0.0.1") + i32(port)
    if version >= 1:
        body += nullable_string(None)  # rack
    if version >= 2:
        body += nullable_string(CLUSTER_ID)
    if version >= 1:
        body += i32(NODE_ID)  # controller
    body += i32(1) + i16(0) + string(TOPIC)
    if version >= 1:
        body += i8(0)  # is_internal
    body += i32(1) + i16(0) + i32(0) + i32(NODE_ID) + i32(1) + i32(NODE_ID) + i32(1) + i32(NODE_ID)
    return body


def parse_produce(body, version):
    r = Reader(body)
    if version >= 3:
        r.nullable_string()  # transactional_id
    acks = r.i16()
    r.i32()  # timeout
    topics = []
    for _ in range(r.i32()):
        name = r.nullable_string()
        parts = []
        for _ in range(r.i32()):
            index = r.i32()
            records = r.nullable_bytes()
            parts.append((index, records))
        topics.append((name, parts))
    return acks, topics


def produce_body(version, topics):
    body = i32(len(topics))
    for name, parts in topics:
        body += string(name) + i32(len(parts))
        for index, _ in parts:
            body += i32(index) + i16(0) + i64(0)
            if version >= 2:
                body += i64(-1)  # log_append_time: CreateTime topic
            if version >= 5:
                body += i64(0)  # log_start_offset
    return body + i32(0)


# --- the fake broker ---------------------------------------------------------------------------

class Capture:
    """Frames received, in arrival order: (connection number, api_key, api_version, raw frame)."""

    def __init__(self, apis, echo=False):
        self.apis = apis
        self.echo = echo
        self.frames = []
        self.lock = threading.Lock()
        self.connections = 0

    def add(self, conn, key, version, frame):
        with self.lock:
            self.frames.append((conn, key, version, frame))
        if self.echo:
            print("conn %d %s v%d (%d bytes)\n%s\n" % (conn, API_NAMES.get(key, "api %d" % key),
                  version, len(frame), frame.hex()), flush=True)


class Handler(socketserver.BaseRequestHandler):
    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.request.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def handle(self):
        cap = self.server.capture
        with cap.lock:
            cap.connections += 1
            conn = cap.connections
        port = self.server.server_address[1]
        while True:
            size_bytes = self.recv_exact(4)
            if size_bytes is None:
                return
            (size,) = struct.unpack(">i", size_bytes)
            payload = self.recv_exact(size)
            if payload is None:
                return
            key, version, corr = struct.unpack(">hhi", payload[:8])
            cap.add(conn, key, version, size_bytes + payload)
            r = Reader(payload)
            r.take(8)
            r.nullable_string()  # client_id (header v1 and v2 alike)
            if key == 18:
                if version >= 3:
                    r.take(1)  # empty tagged fields of header v2 (kcat sends none)
                body = api_versions_body(version, cap.apis)
            elif key == 3 and version <= 4:
                body = metadata_body(version, port)
            elif key == 0 and 3 <= version <= 7:
                acks, topics = parse_produce(payload[r.pos:], version)
                if acks == 0:
                    continue
                body = produce_body(version, topics)
            else:
                continue  # not part of the producer path: logged, unanswered
            response = i32(corr) + body  # response header v0 for everything answered here
            self.request.sendall(i32(len(response)) + response)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start(capture, port=0):
    server = Server(("127.0.0.1", port), Handler)
    server.capture = capture
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- scenarios ---------------------------------------------------------------------------------

def run_kcat(port, codec):
    lines = b"".join(k + b":" + v + b"\n" for k, v in RECORDS)
    cmd = ["kcat", "-P", "-b", "127.0.0.1:%d" % port, "-t", TOPIC, "-K:", "-X", "linger.ms=5"]
    if codec != "none":
        cmd += ["-z", codec]
    subprocess.run(cmd, input=lines, check=True, timeout=30)


def run_kafka_python(port, codec):
    script = (
        "from kafka import KafkaProducer\n"
        "import sys\n"
        "p = KafkaProducer(bootstrap_servers='127.0.0.1:%d', linger_ms=100,\n"
        "                  compression_type=%r)\n"
        "for k, v in %r:\n"
        "    p.send(%r, key=k, value=v)\n"
        "p.flush(10)\n"
        "p.close(5)\n" % (port, None if codec == "none" else codec, RECORDS, TOPIC))
    subprocess.run(["/usr/bin/python3", "-c", script], check=True, timeout=60)


def capture(run, codec, apis):
    cap = Capture(apis)
    server = start(cap)
    try:
        run(server.server_address[1], codec)
        time.sleep(0.2)  # let the handler threads log the last frames
    finally:
        server.shutdown()
        server.server_close()
    return cap.frames


def pick(frames, key, version=None, index=0):
    hits = [f for f in frames if f[1] == key and (version is None or f[2] == version)]
    if len(hits) <= index:
        raise SystemExit("no %s request (v%s) captured" % (API_NAMES.get(key), version))
    return hits[index][3]


def only_produce(frames, label):
    produce = [f for f in frames if f[1] == 0]
    if len(produce) != 1:
        raise SystemExit("%s: expected exactly one Produce request, got %d; re-run" %
                         (label, len(produce)))
    return produce[0][3]


def write_hex(out_dir, name, frame, manifest, note):
    text = frame.hex()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    with open(os.path.join(out_dir, name), "w") as f:
        f.write("\n".join(lines) + "\n")
    key, version = struct.unpack(">hh", frame[4:8])
    manifest.append("%-40s %-12s v%d  %5d bytes  %s" % (name, API_NAMES.get(key), version,
                                                        len(frame), note))


def capture_all(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    manifest = []
    default_set = advertised()
    codec_set = advertised(codec_gates=True)

    frames = capture(run_kcat, "none", default_set)
    write_hex(out_dir, "kcat-apiversions-v3.hex", pick(frames, 18, 3), manifest,
              "kcat 1.7.1 / librdkafka 2.0.2, first request on the bootstrap connection")
    write_hex(out_dir, "kcat-metadata-v4.hex", pick(frames, 3, 4), manifest,
              "kcat, topic golden, default advertised set")
    write_hex(out_dir, "kcat-produce-v7-none.hex", only_produce(frames, "kcat none"), manifest,
              "kcat -K: (no -z), default advertised set")

    for codec in ("gzip", "snappy", "lz4", "zstd"):
        frames = capture(run_kcat, codec, codec_set)
        write_hex(out_dir, "kcat-produce-v7-%s.hex" % codec,
                  only_produce(frames, "kcat " + codec), manifest,
                  "kcat -K: -z %s, --codec-gates advertised set" % codec)

    frames = capture(run_kcat, "gzip", default_set)
    write_hex(out_dir, "kcat-produce-v7-gzip-downgraded.hex", only_produce(frames, "kcat gzip"),
              manifest, "kcat -K: -z gzip under Produce 3-7: librdkafka sends it uncompressed")

    frames = capture(run_kafka_python, "none", default_set)
    write_hex(out_dir, "kafka-python-apiversions-v0.hex", pick(frames, 18, 0), manifest,
              "kafka-python 2.0.2 check_version probe, first frame")
    write_hex(out_dir, "kafka-python-metadata-v0.hex", pick(frames, 3, 0), manifest,
              "kafka-python probe, pipelined right behind ApiVersions v0 (topics=[])")
    write_hex(out_dir, "kafka-python-metadata-v1.hex", pick(frames, 3, 1), manifest,
              "kafka-python producer metadata for topic golden")
    write_hex(out_dir, "kafka-python-produce-v3-none.hex", only_produce(frames, "kafka-python"),
              manifest, "KafkaProducer(linger_ms=100), default advertised set")

    frames = capture(run_kafka_python, "gzip", default_set)
    write_hex(out_dir, "kafka-python-produce-v3-gzip.hex", only_produce(frames, "kafka-python"),
              manifest, "KafkaProducer(compression_type='gzip')")

    with open(os.path.join(out_dir, "MANIFEST.txt"), "w") as f:
        f.write("# Written by tests/tools/capture_requests.py --all; see its header comment.\n")
        f.write("# Each .hex file: one request frame, 4-byte size prefix included.\n")
        f.write("# Records: %s\n" % ", ".join("%s=%s" % (k.decode(), v.decode())
                                                  for k, v in RECORDS))
        f.write("\n".join(manifest) + "\n")
    print("\n".join(manifest))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--all", action="store_true", help="run every client, write golden files")
    mode.add_argument("--serve", action="store_true", help="run the fake broker and print frames")
    ap.add_argument("--out", default="tests/engine/golden")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--codec-gates", action="store_true",
                    help="advertise Produce 0-7, Fetch 4-10, FindCoordinator 0-2 (see above)")
    args = ap.parse_args()
    if args.all:
        capture_all(args.out)
        return
    cap = Capture(advertised(args.codec_gates), echo=True)
    server = start(cap, args.port)
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
