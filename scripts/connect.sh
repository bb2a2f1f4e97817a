#!/usr/bin/env bash
# connect.sh: Kafka Connect in distributed mode for kdocs' integration tests, run straight from
# the Maven Central jars (connect-runtime, connect-json, connect-file, connect-mirror,
# connect-basic-auth-extension; the brokers' version): a worker on the main cluster with seeded
# file connectors, and MirrorMaker 2 replicating the main cluster into a second Kafka cluster
# ("acme-dr"), as connectors on a second worker beside that cluster, the way MirrorMaker 2 is
# run in production: on the target's Connect, whose producers write the replicated records.
#
#   scripts/connect.sh up        fetch jars if needed; start the second cluster (scripts/kafka.sh
#                                with its port base) unless it runs; start both workers; seed the
#                                connectors; wait until they run and have replicated (idempotent)
#   scripts/connect.sh down      stop the workers and remove their data dirs; stop the second
#                                cluster if `up` started it
#   scripts/connect.sh running   exit 0 when both workers run and answer, 1 otherwise (quietly)
#   scripts/connect.sh status    the workers, their connectors and their states
#   scripts/connect.sh fetch     only fetch the jars
#
# The main cluster (scripts/kafka.sh up, same KDOCS_KAFKA_PORT_BASE) must run and be seeded
# (go run ./testdata/seed) first: MirrorMaker 2 copies its inventory.* topics and groups.
#
# Layout (B = KDOCS_KAFKA_PORT_BASE, default 9091; R = B+1000, KDOCS_MM2_TARGET_PORT_BASE):
#   main worker   REST http://127.0.0.1:B+409 (KDOCS_CONNECT_PORT); group.id kdocs-connect, its
#                 topics kdocs-connect-{configs,offsets,status} on the main cluster
#   acme-dr       a second 3-node cluster at port base R; MirrorMaker 2's target, alias
#                 KDOCS_MM2_TARGET_ALIAS (default acme-dr); the main cluster's alias is
#                 KDOCS_MM2_SOURCE_ALIAS (default acme-dev)
#   mirror worker REST http://127.0.0.1:R+409 (KDOCS_MM2_CONNECT_PORT); group.id kdocs-mirror,
#                 its topics kdocs-mirror-{configs,offsets,status} on acme-dr
#   both REST APIs: basic auth, user kdocs, password kdocs-connect-rest (KDOCS_CONNECT_USER /
#                 KDOCS_CONNECT_PASSWORD)
#
# Seeded connectors, on the main worker:
#   files-source         FileStreamSource  <data dir>/files/source.txt → files.lines.v1
#                        (its kdocs.db.password is a ${file:…} reference, resolved by the worker)
#   files-sink           FileStreamSink    files.lines.v1 → <data dir>/files/sink.txt; its
#                        consumer.override.sasl.jaas.config holds the seeded secret
#   files-sink-broken    FileStreamSink    topics.regex files\..* → an unwritable path: its task FAILS
# and on the mirror worker (acme-dev → acme-dr):
#   mm2-source           MirrorSourceConnector      topics inventory\..*; its ssl.key.password
#                        (type PASSWORD) holds the seeded secret
#   mm2-checkpoint       MirrorCheckpointConnector  groups .*, offsets synced to acme-dr's groups
#   mm2-heartbeat        MirrorHeartbeatConnector
# The seeded secret is KDOCS_CONNECT_SECRET (default kdocs-connect-seeded-secret-5b1f): tests grep
# every snapshot, page and log for it. The seed's group inventory-sync has committed offsets on
# inventory topics, which the checkpoint connector translates onto acme-dr.
#
# Environment: KDOCS_KAFKA_VERSION, KDOCS_KAFKA_PORT_BASE as scripts/kafka.sh; KDOCS_CONNECT_DIR
# (default ${TMPDIR:-/tmp}/kdocs-connect-<port>; the mirror worker's is <that>-mirror);
# CONNECT_HEAP_OPTS (default -Xms128m -Xmx512m); CONNECT_READY_TIMEOUT seconds (default 300).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POM="$ROOT/testdata/connect/pom.xml"
VERSION=${KDOCS_KAFKA_VERSION:-4.1.1}
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "connect: KDOCS_KAFKA_VERSION must be a release such as 4.1.1" >&2; exit 2; }
LIB=${KDOCS_CONNECT_LIB:-$ROOT/.cache/connect/lib-$VERSION}
BASE=${KDOCS_KAFKA_PORT_BASE:-9091}
[[ "$BASE" =~ ^[0-9]+$ && $BASE -ge 1024 && $BASE -le 64000 ]] || { echo "connect: KDOCS_KAFKA_PORT_BASE must be a port number" >&2; exit 2; }
PORT=${KDOCS_CONNECT_PORT:-$((BASE + 409))}
DR_BASE=${KDOCS_MM2_TARGET_PORT_BASE:-$((BASE + 1000))}
DR_PORT=${KDOCS_MM2_CONNECT_PORT:-$((DR_BASE + 409))}
SOURCE_ALIAS=${KDOCS_MM2_SOURCE_ALIAS:-acme-dev}
TARGET_ALIAS=${KDOCS_MM2_TARGET_ALIAS:-acme-dr}
USER_NAME=${KDOCS_CONNECT_USER:-kdocs}
USER_PASSWORD=${KDOCS_CONNECT_PASSWORD:-kdocs-connect-rest}
SECRET=${KDOCS_CONNECT_SECRET:-kdocs-connect-seeded-secret-5b1f}
DIR=${KDOCS_CONNECT_DIR:-${TMPDIR:-/tmp}/kdocs-connect-$PORT}
DR_DIR=$DIR-mirror
READY_TIMEOUT=${CONNECT_READY_TIMEOUT:-300}
BOOTSTRAP=127.0.0.1:$((BASE + 1)),127.0.0.1:$((BASE + 2)),127.0.0.1:$((BASE + 3))
DR_BOOTSTRAP=127.0.0.1:$((DR_BASE + 1)),127.0.0.1:$((DR_BASE + 2)),127.0.0.1:$((DR_BASE + 3))
URL=http://127.0.0.1:$PORT
DR_URL=http://127.0.0.1:$DR_PORT

log() { printf 'connect: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

fetch() {
  local stamp="$LIB/.complete" want tmp t0
  want="$(sha256sum "$POM" | cut -d' ' -f1) $VERSION"
  [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (apt-get install -y maven)"
  t0=$(now)
  tmp="$LIB.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$LIB")"
  log "fetching Kafka Connect $VERSION jars with Maven into $LIB"
  if ! mvn -q -B -f "$POM" -Dkafka.version="$VERSION" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$LIB.mvn.log" 2>&1; then
    cat "$LIB.mvn.log" >&2
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  ls "$tmp"/connect-runtime-"$VERSION".jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "no connect-runtime-$VERSION jar fetched"; }
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  echo "$want" >"$stamp"
  log "fetched $(ls "$LIB" | wc -l) jars in $(since "$t0")s"
}

# worker NAME: selects the worker the functions below act on (main or mirror), by setting
# W_NAME, W_DIR, W_PORT, W_URL, W_BOOTSTRAP and W_GROUP.
worker() {
  W_NAME=$1
  case "$1" in
    main) W_DIR=$DIR W_PORT=$PORT W_URL=$URL W_BOOTSTRAP=$BOOTSTRAP W_GROUP=kdocs-connect ;;
    mirror) W_DIR=$DR_DIR W_PORT=$DR_PORT W_URL=$DR_URL W_BOOTSTRAP=$DR_BOOTSTRAP W_GROUP=kdocs-mirror ;;
    *) die "no worker $1" ;;
  esac
}

worker_pid() {
  local pid cmd
  [[ -s "$W_DIR/pid" ]] || return 1
  pid=$(<"$W_DIR/pid")
  [[ -d /proc/$pid ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *" org.apache.kafka.connect.cli.ConnectDistributed "* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# rest METHOD PATH [BODY]: one request to the selected worker with its credentials; prints the
# body, fails on a status other than 2xx.
rest() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS --max-time 30 -u "$USER_NAME:$USER_PASSWORD" -X "$method" -H 'Content-Type: application/json' -w '\n%{http_code}')
  [[ -n "$body" ]] && args+=(--data-binary "$body")
  local out code
  out=$(curl "${args[@]}" "$W_URL$path") || return 1
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  printf '%s' "$out"
  [[ $code == 2* ]]
}

write_config() {
  mkdir -p "$W_DIR/logs" "$W_DIR/files"
  cat >"$W_DIR/worker.properties" <<EOF
# generated by scripts/connect.sh
bootstrap.servers=$W_BOOTSTRAP
group.id=$W_GROUP
listeners=http://127.0.0.1:$W_PORT
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$W_PORT
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=$W_GROUP-configs
offset.storage.topic=$W_GROUP-offsets
status.storage.topic=$W_GROUP-status
config.storage.replication.factor=3
offset.storage.replication.factor=3
status.storage.replication.factor=3
offset.storage.partitions=5
status.storage.partitions=1
offset.flush.interval.ms=2000
# Connectors may read secrets from files: \${file:PATH:KEY}, resolved by the worker, never shown by its REST.
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
# Basic auth on the REST (JAAS file below).
rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension
# The classpath holds every plugin: no plugin.path to scan.
plugin.discovery=only_scan
EOF
  printf '%s: %s\n' "$USER_NAME" "$USER_PASSWORD" >"$W_DIR/rest-credentials.properties"
  cat >"$W_DIR/rest-jaas.conf" <<EOF
KafkaConnect {
  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
  file="$W_DIR/rest-credentials.properties";
};
EOF
  printf 'db.password=%s\n' "$SECRET" >"$W_DIR/secrets.properties"
  chmod 600 "$W_DIR/rest-credentials.properties" "$W_DIR/secrets.properties"
  cat >"$W_DIR/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $W_DIR/logs/connect.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
EOF
  if [[ $W_NAME == main && ! -s "$W_DIR/files/source.txt" ]]; then
    for i in $(seq 1 20); do echo "line $i of the kdocs file source"; done >"$W_DIR/files/source.txt"
  fi
}

start_worker() {
  worker_pid >/dev/null && return 0
  port_open "$W_PORT" && die "port $W_PORT is already in use by another process"
  rm -f "$W_DIR/pid"
  # shellcheck disable=SC2016,SC2046
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$W_DIR/pid" \
    java ${CONNECT_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.awt.headless=true \
    -Djava.security.auth.login.config="$W_DIR/rest-jaas.conf" \
    -Dlog4j2.configurationFile="$W_DIR/log4j2.properties" \
    -cp "$LIB/*" org.apache.kafka.connect.cli.ConnectDistributed "$W_DIR/worker.properties" \
    >"$W_DIR/logs/stdout.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 100); do [[ -s "$W_DIR/pid" ]] && break; sleep 0.05; done
  [[ -s "$W_DIR/pid" ]] || die "the $W_NAME worker did not start"
}

print_tail() {
  local f
  for f in "$W_DIR/logs/stdout.log" "$W_DIR/logs/connect.log"; do
    [[ -f "$f" ]] || continue
    echo "----- tail of $f" >&2
    tail -n 40 "$f" >&2
  done
}

# wait_for DEADLINE WHAT CMD...: polls CMD every half second until it succeeds or the deadline,
# while the selected worker runs.
wait_for() {
  local deadline=$1 what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    worker_pid >/dev/null || { print_tail; die "the $W_NAME worker died while waiting for $what"; }
    [[ $(date +%s) -lt $deadline ]] || { print_tail; die "timed out waiting for $what"; }
    sleep 0.5
  done
}

# The worker answers GET / and has joined its group (the connectors list answers, which needs the
# config topic read).
worker_ready() { rest GET / && rest GET /connectors; }

# running: both workers run and answer.
running() {
  local w
  for w in main mirror; do
    worker "$w"
    worker_pid >/dev/null && rest GET / >/dev/null 2>&1 || return 1
  done
}

put_connector() {
  local name=$1 config=$2
  rest PUT "/connectors/$name/config" "$config" >/dev/null || { log "PUT $name failed"; rest PUT "/connectors/$name/config" "$config" >&2; echo >&2; return 1; }
}

seed_file_connectors() {
  put_connector files-source "$(jq -n --arg file "$W_DIR/files/source.txt" --arg ref "\${file:$W_DIR/secrets.properties:db.password}" '{
    "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "tasks.max": "1", "file": $file, "topic": "files.lines.v1",
    "topic.creation.default.replication.factor": "3", "topic.creation.default.partitions": "1",
    "kdocs.db.password": $ref}')"
  put_connector files-sink "$(jq -n --arg file "$W_DIR/files/sink.txt" --arg secret "$SECRET" '{
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "tasks.max": "1", "file": $file, "topics": "files.lines.v1",
    "consumer.override.sasl.jaas.config": ("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"kdocs\" password=\"" + $secret + "\";")}')"
  put_connector files-sink-broken "$(jq -n '{
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "tasks.max": "1", "file": "/proc/kdocs-unwritable/sink.txt", "topics.regex": "files\\..*"}')"
}

# The MirrorMaker 2 connectors run on the target's worker: Connect's producers write to the
# worker's own cluster, so the records land on acme-dr whatever target.cluster.bootstrap.servers
# says (MirrorMaker's admin clients and offset-sync producers use the two bootstrap settings).
seed_mirror_connectors() {
  local common
  common=$(jq -n --arg src "$BOOTSTRAP" --arg tgt "$DR_BOOTSTRAP" --arg sa "$SOURCE_ALIAS" --arg ta "$TARGET_ALIAS" '{
    "source.cluster.alias": $sa, "target.cluster.alias": $ta,
    "source.cluster.bootstrap.servers": $src, "target.cluster.bootstrap.servers": $tgt,
    "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    "tasks.max": "1"}')
  put_connector mm2-source "$(jq -n --argjson c "$common" --arg secret "$SECRET" '$c + {
    "connector.class": "org.apache.kafka.connect.mirror.MirrorSourceConnector",
    "topics": "inventory\\..*", "topics.exclude": ".*[\\-\\.]internal, .*\\.replica, __.*",
    "replication.factor": "3", "offset-syncs.topic.replication.factor": "3",
    "sync.topic.acls.enabled": "false", "sync.topic.configs.interval.seconds": "30",
    "refresh.topics.interval.seconds": "5", "ssl.key.password": $secret}')"
  put_connector mm2-checkpoint "$(jq -n --argjson c "$common" '$c + {
    "connector.class": "org.apache.kafka.connect.mirror.MirrorCheckpointConnector",
    "groups": ".*", "checkpoints.topic.replication.factor": "3",
    "emit.checkpoints.interval.seconds": "5", "sync.group.offsets.enabled": "true",
    "sync.group.offsets.interval.seconds": "5", "refresh.groups.interval.seconds": "5"}')"
  put_connector mm2-heartbeat "$(jq -n --argjson c "$common" '$c + {
    "connector.class": "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
    "heartbeats.topic.replication.factor": "3", "emit.heartbeats.interval.seconds": "5"}')"
}

# main_settled: the main worker's connectors RUNNING with their tasks, files-sink-broken's task FAILED.
main_settled() {
  local s
  s=$(rest GET '/connectors?expand=status') || return 1
  jq -e '
    (.["files-sink-broken"].status.tasks | length > 0 and all(.state == "FAILED")) and
    ([to_entries[] | select(.key != "files-sink-broken") | .value.status |
       (.connector.state == "RUNNING") and (.tasks | length > 0) and all(.tasks[]; .state == "RUNNING")] |
     length == 2 and all)' <<<"$s" >/dev/null
}

# mirror_settled: the three MirrorMaker 2 connectors RUNNING with their tasks.
mirror_settled() {
  local s
  s=$(rest GET '/connectors?expand=status') || return 1
  jq -e '[to_entries[] | .value.status |
       (.connector.state == "RUNNING") and (.tasks | length > 0) and all(.tasks[]; .state == "RUNNING")] |
     length == 3 and all' <<<"$s" >/dev/null
}

# replicated: acme-dr holds the remote copy of a seeded topic, and the seed's inventory-sync
# group's offsets translated onto it.
replicated() {
  local tool=(env KDOCS_KAFKA_PORT_BASE="$DR_BASE" KDOCS_KAFKA_DIR= bash "$ROOT/scripts/kafka.sh" tool)
  "${tool[@]}" kafka-topics --bootstrap-server "$DR_BOOTSTRAP" --list 2>/dev/null \
    | grep -qx "$SOURCE_ALIAS.inventory.stock-reserved.v1" || return 1
  "${tool[@]}" kafka-consumer-groups --bootstrap-server "$DR_BOOTSTRAP" --describe --group inventory-sync 2>/dev/null \
    | grep -q "$SOURCE_ALIAS.inventory.stock-reserved.v1"
}

# up_worker NAME SEED SETTLED: starts the worker unless it runs, seeds its connectors, waits
# until they settle.
up_worker() {
  local seed=$2 settled=$3 t1 deadline
  worker "$1"
  mkdir -p "$W_DIR"
  write_config
  t1=$(now)
  if worker_pid >/dev/null && worker_ready >/dev/null 2>&1; then
    log "$W_NAME worker already running (data in $W_DIR)"
  else
    start_worker
    deadline=$(($(date +%s) + READY_TIMEOUT))
    wait_for "$deadline" "the $W_NAME worker's REST on $W_URL" worker_ready
    log "$W_NAME worker answering on $W_URL in $(since "$t1")s"
  fi
  deadline=$(($(date +%s) + READY_TIMEOUT))
  "$seed"
  wait_for "$deadline" "the $W_NAME worker's connectors to settle" "$settled"
  log "$W_NAME worker's connectors settled $(since "$t1")s after it started"
}

cmd_up() {
  local t0 deadline
  t0=$(now)
  command -v curl >/dev/null || die "curl not found (apt-get install -y curl)"
  command -v jq >/dev/null || die "jq not found (apt-get install -y jq)"
  fetch
  KDOCS_KAFKA_PORT_BASE=$BASE bash "$ROOT/scripts/kafka.sh" running \
    || die "the main Kafka cluster (port base $BASE) is not running: start it with scripts/kafka.sh up"
  mkdir -p "$DIR"
  if ! KDOCS_KAFKA_PORT_BASE=$DR_BASE KDOCS_KAFKA_DIR= bash "$ROOT/scripts/kafka.sh" running; then
    log "starting $TARGET_ALIAS, MirrorMaker 2's target cluster (port base $DR_BASE)"
    echo "$DR_BASE" >"$DIR/started-target"
    KDOCS_KAFKA_PORT_BASE=$DR_BASE KDOCS_KAFKA_DIR= bash "$ROOT/scripts/kafka.sh" up
  fi
  up_worker main seed_file_connectors main_settled
  up_worker mirror seed_mirror_connectors mirror_settled
  deadline=$(($(date +%s) + READY_TIMEOUT))
  wait_for "$deadline" "MirrorMaker 2 to copy inventory.stock-reserved.v1 and inventory-sync's offsets to $TARGET_ALIAS" replicated
  log "Kafka Connect $VERSION ready on $URL and $DR_URL (user $USER_NAME): whole 'up' took $(since "$t0")s"
}

cmd_down() {
  local p w i
  for w in mirror main; do
    worker "$w"
    if p=$(worker_pid); then
      log "stopping the $w worker, pid $p"
      kill -TERM "$p" 2>/dev/null || true
      for i in $(seq 1 100); do [[ -d /proc/$p ]] || break; sleep 0.2; done
      [[ -d /proc/$p ]] && { log "still running after 20s, sending KILL"; kill -KILL "$p" 2>/dev/null || true; }
      while [[ -d /proc/$p ]]; do sleep 0.1; done
    fi
  done
  if [[ -s "$DIR/started-target" ]]; then
    KDOCS_KAFKA_PORT_BASE=$(<"$DIR/started-target") KDOCS_KAFKA_DIR= bash "$ROOT/scripts/kafka.sh" down
  fi
  for d in "$DR_DIR" "$DIR"; do
    [[ -d "$d" ]] || continue
    case "$d" in / | "$HOME" | "$ROOT") die "refusing to remove $d" ;; esac
    rm -rf "$d"
    log "removed $d"
  done
}

cmd_status() {
  local p w
  for w in main mirror; do
    worker "$w"
    if p=$(worker_pid); then
      echo "$w worker: running pid $p, REST $W_URL, data dir $W_DIR"
      rest GET '/connectors?expand=status' | jq -r 'to_entries[] | "  \(.key): \(.value.status.connector.state) tasks \([.value.status.tasks[].state] | join(","))"'
    else
      echo "$w worker: stopped"
    fi
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  running) running ;;
  status) cmd_status ;;
  fetch) fetch ;;
  *)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
