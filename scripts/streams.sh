#!/usr/bin/env bash
# streams.sh: the Kafka Streams application of kdocs' test estate (testdata/streams/AcmeStreams.java,
# application.id acme-order-stats), run from the Maven Central kafka-streams jar of the brokers'
# version as a single-file Java program against the main test cluster.
#
#   scripts/streams.sh up        fetch jars if needed, start the app, wait until it has committed on
#                                every partition of its input topic (idempotent)
#   scripts/streams.sh down      stop the app and remove its state dir
#   scripts/streams.sh running   exit 0 when the app runs, 1 otherwise (quietly)
#   scripts/streams.sh fetch     only fetch the jars
#
# The main cluster (scripts/kafka.sh up) must run and be seeded (testdata/seed) first. What the app
# leaves in Kafka: group acme-order-stats (reading orders.order-placed.v1), topics
# acme-order-stats-by-size-repartition, acme-order-stats-order-counts-changelog and
# orders.order-stats.v1 (its output).
#
# Environment: KDOCS_KAFKA_VERSION, KDOCS_KAFKA_PORT_BASE as scripts/kafka.sh; KDOCS_STREAMS_DIR
# (default ${TMPDIR:-/tmp}/kdocs-streams-<base>); STREAMS_READY_TIMEOUT seconds (default 300).
# Another instance (testenv.StartStreamsApp): KDOCS_STREAMS_APP_ID another application.id,
# KDOCS_STREAMS_OUTPUT another output topic, KDOCS_STREAMS_PROTOCOL its group.protocol ("streams":
# a KIP-1071 streams group, Kafka 4.2+), with a KDOCS_STREAMS_DIR of its own.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POM="$ROOT/testdata/streams/pom.xml"
APP="$ROOT/testdata/streams/AcmeStreams.java"
VERSION=${KDOCS_KAFKA_VERSION:-4.1.1}
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "streams: KDOCS_KAFKA_VERSION must be a release such as 4.1.1" >&2; exit 2; }
LIB=${KDOCS_STREAMS_LIB:-$ROOT/.cache/streams/lib-$VERSION}
BASE=${KDOCS_KAFKA_PORT_BASE:-9091}
[[ "$BASE" =~ ^[0-9]+$ ]] || { echo "streams: KDOCS_KAFKA_PORT_BASE must be a port number" >&2; exit 2; }
DIR=${KDOCS_STREAMS_DIR:-${TMPDIR:-/tmp}/kdocs-streams-$BASE}
READY_TIMEOUT=${STREAMS_READY_TIMEOUT:-300}
BOOTSTRAP=127.0.0.1:$((BASE + 1)),127.0.0.1:$((BASE + 2)),127.0.0.1:$((BASE + 3))

log() { printf 'streams: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

fetch() {
  local stamp="$LIB/.complete" want tmp t0
  want="$(sha256sum "$POM" | cut -d' ' -f1) $VERSION"
  [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install -y maven)"
  t0=$(date +%s)
  tmp="$LIB.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$LIB")"
  log "fetching kafka-streams $VERSION jars with Maven into $LIB"
  if ! mvn -q -B -f "$POM" -Dkafka.version="$VERSION" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$LIB.mvn.log" 2>&1; then
    cat "$LIB.mvn.log" >&2
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  ls "$tmp"/kafka-streams-"$VERSION".jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "no kafka-streams-$VERSION jar fetched"; }
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  echo "$want" >"$stamp"
  log "fetched $(ls "$LIB" | wc -l) jars in $(($(date +%s) - t0))s"
}

app_pid() {
  local pid cmd
  [[ -s "$DIR/pid" ]] || return 1
  pid=$(<"$DIR/pid")
  [[ -d /proc/$pid ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"AcmeStreams.java"* ]] || return 1
  echo "$pid"
}

cmd_up() {
  if app_pid >/dev/null; then
    log "already running (pid $(app_pid))"
    return 0
  fi
  command -v java >/dev/null || die "java not found (apt-get install -y openjdk-17-jre-headless)"
  fetch
  rm -rf "$DIR"
  mkdir -p "$DIR"
  local t0=$SECONDS
  # setsid: the app outlives the calling shell; the inner shell records its pid, then becomes java.
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$DIR/pid" \
    java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$LIB/*" "$APP" "$BOOTSTRAP" "$DIR" \
    >"$DIR/app.log" 2>&1 </dev/null &
  while [[ ! -f "$DIR/committed" ]]; do
    if ((SECONDS - t0 > READY_TIMEOUT)); then
      tail -n 40 "$DIR/app.log" >&2
      cmd_down
      die "the app did not commit within ${READY_TIMEOUT}s (is the cluster at $BOOTSTRAP up and seeded?)"
    fi
    if [[ -s "$DIR/pid" ]] && ! app_pid >/dev/null; then
      tail -n 40 "$DIR/app.log" >&2
      die "the app exited (log: $DIR/app.log)"
    fi
    sleep 0.5
  done
  log "${KDOCS_STREAMS_APP_ID:-acme-order-stats} running (pid $(app_pid)) and committed in $((SECONDS - t0))s; log $DIR/app.log"
}

cmd_down() {
  local pid i
  if pid=$(app_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 60); do [[ -d /proc/$pid ]] || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    log "stopped pid $pid"
  else
    log "not running"
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  running) app_pid >/dev/null ;;
  fetch) fetch ;;
  *)
    sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
