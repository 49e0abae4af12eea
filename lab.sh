#!/usr/bin/env bash
# Kraftlab's one entry point. On a fresh Debian 12 machine every command first installs what is
# missing (apt-get, and kafkajs from the npm registry into build/js; nothing happens when all is
# present), configures and builds into build/.
#
#   ./lab.sh run [args]    build, then start the desktop app (args go to kraftlab; without a
#                          display, the headless lab kraftlab-cluster starts instead)
#   ./lab.sh test [args]   build, then run the whole test suite (args go to ctest)
#   ./lab.sh build         install what is missing, configure and build
#   ./lab.sh bench [clients|replication|ui|workload|raft-sim|failover|lab-time] [args]
#                          build, then run a benchmark from bench/ (never part of the tests);
#                          raft-sim runs the raft simulation over many seeds ([N] [--first S]
#                          [--jobs J]); failover times
#                          controller and broker failovers ([--kills N] [--timeouts lab|kafka|both])
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

# Build tools, libraries, the real Kafka clients the tests drive, and the tools that let a UI test
# run without a display.
PACKAGES=(
  cmake ninja-build g++ pkg-config git
  libboost-dev zlib1g-dev liblz4-dev libzstd-dev libsnappy-dev nlohmann-json3-dev
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools qt6-charts-dev
  qt6-svg-dev
  qt6-qpa-plugins qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtquick
  qml6-module-qtquick-controls qml6-module-qtquick-templates qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-shapes qml6-module-qtcharts
  qml6-module-qtquick-dialogs
  libgl-dev fonts-dejavu-core
  kcat librdkafka-dev python3 python3-kafka python3-confluent-kafka python3-jsonschema
)

# kafkajs, the Node.js client one consumer-group test drives: pinned, from the npm registry,
# into the build tree (CMake hands this directory to that test as NODE_PATH).
KAFKAJS_VERSION=2.2.4
JS_DIR=build/js

log() { printf '\033[1m[lab]\033[0m %s\n' "$*" >&2; }

# Any Node.js >= 18 with npm will do: Debian's (nodejs and npm), or one already installed from
# elsewhere (NodeSource's nodejs package bundles npm; adding Debian's npm beside it conflicts).
node_usable() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 18 ]
}

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  node_usable || missing+=(nodejs npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# kafkajs into $JS_DIR/node_modules unless that version is already there.
install_kafkajs() {
  local have
  have=$(node -p "require('$PWD/$JS_DIR/node_modules/kafkajs/package.json').version" 2>/dev/null) || true
  [ "$have" = "$KAFKAJS_VERSION" ] && return 0
  log "installing kafkajs $KAFKAJS_VERSION into $JS_DIR/node_modules (npm)"
  mkdir -p "$JS_DIR"
  # A few quick retries, not npm's minutes of them: an unreachable registry should say so soon.
  if ! npm install --prefix "$JS_DIR" --no-save --no-package-lock --no-audit --no-fund \
      --fetch-retries 2 --fetch-retry-maxtimeout 10000 --fetch-timeout 60000 \
      "kafkajs@$KAFKAJS_VERSION" >&2; then
    log "npm could not install kafkajs@$KAFKAJS_VERSION from $(npm config get registry)" \
      "(is the registry reachable?); test_consumer_groups needs it"
    exit 1
  fi
}

build() {
  install_missing
  if [ ! -f build/CMakeCache.txt ]; then
    cmake --preset default >&2
  fi
  install_kafkajs
  cmake --build build -j "$(nproc)" >&2
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
case "$cmd" in
  build) build ;;
  run)
    build
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      log "no display: starting the headless lab (build/bin/kraftlab-cluster); the desktop app needs one"
      exec build/bin/kraftlab-cluster "$@"
    fi
    exec build/bin/kraftlab "$@"
    ;;
  test)
    build
    # Two tests at a time (CI has 2 cores): the suite takes half the time it takes serially
    # (240 s against 470 s). KRAFTLAB_TEST_JOBS=1 runs them one by one.
    exec ctest --test-dir build --output-on-failure --timeout 600 -j "${KRAFTLAB_TEST_JOBS:-2}" "$@"
    ;;
  bench)
    build
    which=${1:-clients}
    [ $# -gt 0 ] && shift
    case "$which" in
      clients|replication|ui|workload|raft-sim|failover|lab-time|groups|idempotence|reassign)
        cmake --build build -j "$(nproc)" --target kraftlab-bench-"$which" >&2
        exec build/bin/kraftlab-bench-"$which" "$@" ;;
      *) echo "usage: ./lab.sh bench [clients|replication|ui|workload|raft-sim|failover|lab-time|groups|idempotence|reassign] [args]" >&2; exit 2 ;;
    esac
    ;;
  *)
    echo "usage: ./lab.sh run|test|build|bench [args]" >&2
    exit 2
    ;;
esac
