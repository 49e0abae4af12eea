#!/usr/bin/env bash
# Regenerates tests/engine/golden/kraft-messages.txt: the bytes that Apache Kafka's own generated
# message classes write for the sample messages of tests/engine/test_kraft_messages.cpp, an
# encoding independent of this project's codecs (see KraftGolden.java).
#
# Usage: generate.sh KAFKA_GIT_DIR REF
#   KAFKA_GIT_DIR  a clone (its .git) or bare mirror of apache/kafka
#   REF            a tag or commit; the committed file was made from 3.9.0-rc3, whose schemas for
#                  these APIs are those of trunk in late 2024
#
# Nothing from Kafka is kept: its generator and the clients classes the generated code needs are
# compiled in a temporary directory. Needs a JDK (17) and Debian's libjackson2-core-java,
# libjackson2-databind-java, libjackson2-annotations-java, libargparse4j-java, libslf4j-java,
# liblz4-java, libsnappy-java and libzstd-jni-java (referenced by the clients classes).
set -euo pipefail

if [[ $# -ne 2 ]]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
git_dir=$1
ref=$2
here=$(cd "$(dirname "$0")" && pwd)
out="$(cd "$here/../../engine/golden" && pwd)/kraft-messages.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

commit=$(git --git-dir="$git_dir" rev-parse "$ref^{commit}")
git --git-dir="$git_dir" archive "$commit" generator/src/main/java clients/src/main/java \
  clients/src/main/resources/common/message | tar -x -C "$work"

j=/usr/share/java
deps="$j/jackson-databind.jar:$j/jackson-core.jar:$j/jackson-annotations.jar"
mkdir -p "$work/generator-classes" "$work/generated/org/apache/kafka/common/message" "$work/classes"

# Kafka's message generator, then every message class (the clients sources reference many).
javac -nowarn -d "$work/generator-classes" -cp "$deps:$j/argparse4j.jar" \
  $(find "$work/generator/src/main/java" -name '*.java')
java -cp "$work/generator-classes:$deps:$j/argparse4j.jar" org.apache.kafka.message.MessageGenerator \
  -p org.apache.kafka.common.message -o "$work/generated/org/apache/kafka/common/message" \
  -i "$work/clients/src/main/resources/common/message" \
  -t ApiMessageTypeGenerator -m MessageDataGenerator JsonConverterGenerator >/dev/null

# The driver, with only the classes it reaches compiled from the sources.
cp "$here/KraftGolden.java" "$work/"
javac -nowarn -implicit:class -d "$work/classes" \
  -cp "$deps:$j/slf4j-api.jar:$j/lz4-java.jar:$j/snappy-java.jar:$j/zstd-jni.jar" \
  -sourcepath "$work/clients/src/main/java:$work/generated" "$work/KraftGolden.java" 2>&1 |
  { grep -v '^Note:' || true; }

{
  echo "# Written by tests/tools/kraft_golden/generate.sh from apache/kafka $ref ($commit)."
  echo "# <message> <version> <sample index> <bytes Kafka's generated classes write, hex>"
  java -cp "$work/classes:$deps:$j/slf4j-api.jar" KraftGolden
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $(grep -vc '^#' "$out") encodings to $out"
