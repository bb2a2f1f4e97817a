#!/usr/bin/env bash
# connect.sh: a Kafka Connect worker in distributed mode for kdocs' integration tests, run straight
# from the Maven Central jars (connect-runtime, connect-json, connect-file, connect-mirror,
# connect-basic-auth-extension; the brokers' version), with seeded connectors, and MirrorMaker 2
# as connectors replicating from a second Kafka cluster ("upstream") into the main one.
#
#   scripts/connect.sh up        fetch jars if needed; start the upstream cluster (scripts/kafka.sh
#                                with the upstream port base) unless it runs; start the worker; seed
#                                the connectors and upstream data; wait until they run (idempotent)
#   scripts/connect.sh down      stop the worker and remove its data dir; stop the upstream cluster
#                                if `up` started it
#   scripts/connect.sh running   exit 0 when the worker runs and answers, 1 otherwise (quietly)
#   scripts/connect.sh status    the worker, its connectors and their states
#   scripts/connect.sh fetch     only fetch the jars
#
# The main cluster (scripts/kafka.sh up, same KDOCS_KAFKA_PORT_BASE) must run first.
#
# Layout (B = KDOCS_KAFKA_PORT_BASE, default 9091):
#   worker REST   http://127.0.0.1:B+409 (KDOCS_CONNECT_PORT), basic auth: user kdocs, password
#                 kdocs-connect-rest (KDOCS_CONNECT_USER / KDOCS_CONNECT_PASSWORD)
#   upstream      a second 3-node cluster at port base B+1000 (KDOCS_MM2_SOURCE_PORT_BASE), alias
#                 "upstream"; the main cluster's alias is KDOCS_MM2_TARGET_ALIAS (default acme-dev)
#   group.id kdocs-connect; its topics kdocs-connect-{configs,offsets,status} on the main cluster
#
# Seeded connectors (all on the main cluster):
#   files-source         FileStreamSource  <data dir>/files/source.txt → files.lines.v1
#                        (its kdocs.db.password is a ${file:…} reference, resolved by the worker)
#   files-sink           FileStreamSink    files.lines.v1 → <data dir>/files/sink.txt; its
#                        consumer.override.sasl.jaas.config holds the seeded secret
#   files-sink-broken    FileStreamSink    topics.regex files\..* → an unwritable path: its task FAILS
#   mm2-source           MirrorSourceConnector      upstream → main, topics inventory\..*; its
#                        ssl.key.password (type PASSWORD) holds the seeded secret
#   mm2-checkpoint       MirrorCheckpointConnector  groups .*
#   mm2-heartbeat        MirrorHeartbeatConnector
# The seeded secret is KDOCS_CONNECT_SECRET (default kdocs-connect-seeded-secret-5b1f): tests grep
# every snapshot, page and log for it. Upstream holds topic inventory.stock-levels.v1 and group
# inventory-projector, which has read and committed it (scripts/ConnectSeed.java).
#
# Environment: KDOCS_KAFKA_VERSION, KDOCS_KAFKA_PORT_BASE as scripts/kafka.sh; KDOCS_CONNECT_DIR
# (default ${TMPDIR:-/tmp}/kdocs-connect-<port>); CONNECT_HEAP_OPTS (default -Xms128m -Xmx512m);
# CONNECT_READY_TIMEOUT seconds (default 300).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POM="$ROOT/testdata/connect/pom.xml"
VERSION=${KDOCS_KAFKA_VERSION:-4.1.1}
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "connect: KDOCS_KAFKA_VERSION must be a release such as 4.1.1" >&2; exit 2; }
LIB=${KDOCS_CONNECT_LIB:-$ROOT/.cache/connect/lib-$VERSION}
BASE=${KDOCS_KAFKA_PORT_BASE:-9091}
[[ "$BASE" =~ ^[0-9]+$ && $BASE -ge 1024 && $BASE -le 64000 ]] || { echo "connect: KDOCS_KAFKA_PORT_BASE must be a port number" >&2; exit 2; }
PORT=${KDOCS_CONNECT_PORT:-$((BASE + 409))}
SRC_BASE=${KDOCS_MM2_SOURCE_PORT_BASE:-$((BASE + 1000))}
TARGET_ALIAS=${KDOCS_MM2_TARGET_ALIAS:-acme-dev}
SOURCE_ALIAS=upstream
USER_NAME=${KDOCS_CONNECT_USER:-kdocs}
USER_PASSWORD=${KDOCS_CONNECT_PASSWORD:-kdocs-connect-rest}
SECRET=${KDOCS_CONNECT_SECRET:-kdocs-connect-seeded-secret-5b1f}
DIR=${KDOCS_CONNECT_DIR:-${TMPDIR:-/tmp}/kdocs-connect-$PORT}
READY_TIMEOUT=${CONNECT_READY_TIMEOUT:-300}
BOOTSTRAP=127.0.0.1:$((BASE + 1)),127.0.0.1:$((BASE + 2)),127.0.0.1:$((BASE + 3))
SRC_BOOTSTRAP=127.0.0.1:$((SRC_BASE + 1)),127.0.0.1:$((SRC_BASE + 2)),127.0.0.1:$((SRC_BASE + 3))
URL=http://127.0.0.1:$PORT

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

worker_pid() {
  local pid cmd
  [[ -s "$DIR/pid" ]] || return 1
  pid=$(<"$DIR/pid")
  [[ -d /proc/$pid ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *" org.apache.kafka.connect.cli.ConnectDistributed "* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# rest METHOD PATH [BODY]: one request to the worker with its credentials; prints the body,
# fails on a status other than 2xx.
rest() {
  local method=$1 path=$2 body=${3:-}
  local args=(-sS --max-time 30 -u "$USER_NAME:$USER_PASSWORD" -X "$method" -H 'Content-Type: application/json' -w '\n%{http_code}')
  [[ -n "$body" ]] && args+=(--data-binary "$body")
  local out code
  out=$(curl "${args[@]}" "$URL$path") || return 1
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  printf '%s' "$out"
  [[ $code == 2* ]]
}

write_config() {
  mkdir -p "$DIR/logs" "$DIR/files"
  cat >"$DIR/worker.properties" <<EOF
# generated by scripts/connect.sh
bootstrap.servers=$BOOTSTRAP
group.id=kdocs-connect
listeners=http://127.0.0.1:$PORT
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$PORT
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
config.storage.topic=kdocs-connect-configs
offset.storage.topic=kdocs-connect-offsets
status.storage.topic=kdocs-connect-status
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
  printf '%s: %s\n' "$USER_NAME" "$USER_PASSWORD" >"$DIR/rest-credentials.properties"
  cat >"$DIR/rest-jaas.conf" <<EOF
KafkaConnect {
  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
  file="$DIR/rest-credentials.properties";
};
EOF
  printf 'db.password=%s\n' "$SECRET" >"$DIR/secrets.properties"
  chmod 600 "$DIR/rest-credentials.properties" "$DIR/secrets.properties"
  cat >"$DIR/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $DIR/logs/connect.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
EOF
  if [[ ! -s "$DIR/files/source.txt" ]]; then
    for i in $(seq 1 20); do echo "line $i of the kdocs file source"; done >"$DIR/files/source.txt"
  fi
}

start_worker() {
  worker_pid >/dev/null && return 0
  port_open "$PORT" && die "port $PORT is already in use by another process"
  rm -f "$DIR/pid"
  # shellcheck disable=SC2016,SC2046
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$DIR/pid" \
    java ${CONNECT_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.awt.headless=true \
    -Djava.security.auth.login.config="$DIR/rest-jaas.conf" \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" \
    -cp "$LIB/*" org.apache.kafka.connect.cli.ConnectDistributed "$DIR/worker.properties" \
    >"$DIR/logs/stdout.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 100); do [[ -s "$DIR/pid" ]] && break; sleep 0.05; done
  [[ -s "$DIR/pid" ]] || die "worker did not start"
}

print_tail() {
  local f
  for f in "$DIR/logs/stdout.log" "$DIR/logs/connect.log"; do
    [[ -f "$f" ]] || continue
    echo "----- tail of $f" >&2
    tail -n 40 "$f" >&2
  done
}

# wait_for DEADLINE WHAT CMD...: polls CMD every half second until it succeeds or the deadline.
wait_for() {
  local deadline=$1 what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    worker_pid >/dev/null || { print_tail; die "the worker died while waiting for $what"; }
    [[ $(date +%s) -lt $deadline ]] || { print_tail; die "timed out waiting for $what"; }
    sleep 0.5
  done
}

# The worker answers GET / and has joined its group (the connectors list answers, which needs the
# config topic read).
worker_ready() { rest GET / && rest GET /connectors; }

put_connector() {
  local name=$1 config=$2
  rest PUT "/connectors/$name/config" "$config" >/dev/null || { log "PUT $name failed"; rest PUT "/connectors/$name/config" "$config" >&2; echo >&2; return 1; }
}

seed_connectors() {
  local mm2_common
  put_connector files-source "$(jq -n --arg file "$DIR/files/source.txt" --arg ref "\${file:$DIR/secrets.properties:db.password}" '{
    "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "tasks.max": "1", "file": $file, "topic": "files.lines.v1",
    "topic.creation.default.replication.factor": "3", "topic.creation.default.partitions": "1",
    "kdocs.db.password": $ref}')"
  put_connector files-sink "$(jq -n --arg file "$DIR/files/sink.txt" --arg secret "$SECRET" '{
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "tasks.max": "1", "file": $file, "topics": "files.lines.v1",
    "consumer.override.sasl.jaas.config": ("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"kdocs\" password=\"" + $secret + "\";")}')"
  put_connector files-sink-broken "$(jq -n '{
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "tasks.max": "1", "file": "/proc/kdocs-unwritable/sink.txt", "topics.regex": "files\\..*"}')"
  mm2_common=$(jq -n --arg src "$SRC_BOOTSTRAP" --arg tgt "$BOOTSTRAP" --arg sa "$SOURCE_ALIAS" --arg ta "$TARGET_ALIAS" '{
    "source.cluster.alias": $sa, "target.cluster.alias": $ta,
    "source.cluster.bootstrap.servers": $src, "target.cluster.bootstrap.servers": $tgt,
    "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
    "tasks.max": "1"}')
  put_connector mm2-source "$(jq -n --argjson c "$mm2_common" --arg secret "$SECRET" '$c + {
    "connector.class": "org.apache.kafka.connect.mirror.MirrorSourceConnector",
    "topics": "inventory\\..*", "topics.exclude": ".*[\\-\\.]internal, .*\\.replica, __.*",
    "replication.factor": "3", "offset-syncs.topic.replication.factor": "3",
    "sync.topic.acls.enabled": "false", "sync.topic.configs.interval.seconds": "30",
    "refresh.topics.interval.seconds": "5", "ssl.key.password": $secret}')"
  put_connector mm2-checkpoint "$(jq -n --argjson c "$mm2_common" '$c + {
    "connector.class": "org.apache.kafka.connect.mirror.MirrorCheckpointConnector",
    "groups": ".*", "checkpoints.topic.replication.factor": "3",
    "emit.checkpoints.interval.seconds": "5", "sync.group.offsets.enabled": "true",
    "sync.group.offsets.interval.seconds": "5", "refresh.groups.interval.seconds": "5"}')"
  put_connector mm2-heartbeat "$(jq -n --argjson c "$mm2_common" '$c + {
    "connector.class": "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
    "heartbeats.topic.replication.factor": "3", "emit.heartbeats.interval.seconds": "5"}')"
}

# states_settled: every connector RUNNING with its tasks, files-sink-broken's task FAILED.
states_settled() {
  local s
  s=$(rest GET '/connectors?expand=status') || return 1
  jq -e '
    (.["files-sink-broken"].status.tasks | length > 0 and all(.state == "FAILED")) and
    ([to_entries[] | select(.key != "files-sink-broken") | .value.status |
       (.connector.state == "RUNNING") and (.tasks | length > 0) and all(.tasks[]; .state == "RUNNING")] |
     length == 5 and all)' <<<"$s" >/dev/null
}

remote_topic_present() {
  # shellcheck disable=SC2046
  KDOCS_KAFKA_PORT_BASE=$BASE bash "$ROOT/scripts/kafka.sh" tool kafka-topics --bootstrap-server "$BOOTSTRAP" --list 2>/dev/null \
    | grep -qx "$SOURCE_ALIAS.inventory.stock-levels.v1"
}

seed_upstream() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
    -Dlog4j2.configurationFile="$(kafka_tools_log4j)" -cp "$LIB/*" \
    "$ROOT/scripts/ConnectSeed.java" "$SRC_BOOTSTRAP" inventory.stock-levels.v1 inventory-projector 50
}

kafka_tools_log4j() {
  local f="$DIR/log4j2-tools.properties"
  [[ -f "$f" ]] || printf 'status = error\nappender.err.type = Console\nappender.err.name = err\nappender.err.target = SYSTEM_ERR\nappender.err.layout.type = PatternLayout\nappender.err.layout.pattern = [%%d] %%p %%m (%%c)%%n\nrootLogger.level = ERROR\nrootLogger.appenderRef.err.ref = err\n' >"$f"
  echo "$f"
}

cmd_up() {
  local t0 t1 deadline
  t0=$(now)
  command -v curl >/dev/null || die "curl not found (apt-get install -y curl)"
  command -v jq >/dev/null || die "jq not found (apt-get install -y jq)"
  fetch
  KDOCS_KAFKA_PORT_BASE=$BASE bash "$ROOT/scripts/kafka.sh" running \
    || die "the main Kafka cluster (port base $BASE) is not running: start it with scripts/kafka.sh up"
  mkdir -p "$DIR"
  if ! KDOCS_KAFKA_PORT_BASE=$SRC_BASE bash "$ROOT/scripts/kafka.sh" running; then
    log "starting the upstream cluster (port base $SRC_BASE)"
    echo "$SRC_BASE" >"$DIR/started-upstream"
    KDOCS_KAFKA_PORT_BASE=$SRC_BASE KDOCS_KAFKA_DIR= bash "$ROOT/scripts/kafka.sh" up
  fi
  write_config
  seed_upstream
  t1=$(now)
  if worker_pid >/dev/null && worker_ready >/dev/null 2>&1; then
    log "worker already running (data in $DIR)"
  else
    start_worker
    deadline=$(($(date +%s) + READY_TIMEOUT))
    wait_for "$deadline" "the worker's REST on $URL" worker_ready
    log "worker answering on $URL in $(since "$t1")s"
  fi
  deadline=$(($(date +%s) + READY_TIMEOUT))
  seed_connectors
  wait_for "$deadline" "the seeded connectors to settle" states_settled
  log "connectors settled $(since "$t1")s after the worker started"
  wait_for "$deadline" "MirrorMaker 2 to create $SOURCE_ALIAS.inventory.stock-levels.v1" remote_topic_present
  log "Kafka Connect $VERSION ready on $URL (user $USER_NAME): whole 'up' took $(since "$t0")s"
}

cmd_down() {
  local p
  if p=$(worker_pid); then
    log "stopping worker pid $p"
    kill -TERM "$p" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do [[ -d /proc/$p ]] || break; sleep 0.2; done
    [[ -d /proc/$p ]] && { log "still running after 20s, sending KILL"; kill -KILL "$p" 2>/dev/null || true; }
    while [[ -d /proc/$p ]]; do sleep 0.1; done
  fi
  if [[ -s "$DIR/started-upstream" ]]; then
    KDOCS_KAFKA_PORT_BASE=$(<"$DIR/started-upstream") KDOCS_KAFKA_DIR= bash "$ROOT/scripts/kafka.sh" down
  fi
  if [[ -d "$DIR" ]]; then
    case "$DIR" in / | "$HOME" | "$ROOT") die "refusing to remove $DIR" ;; esac
    rm -rf "$DIR"
    log "removed $DIR"
  fi
}

cmd_status() {
  local p
  if p=$(worker_pid); then
    echo "worker: running pid $p, REST $URL, data dir $DIR"
    rest GET '/connectors?expand=status' | jq -r 'to_entries[] | "\(.key): \(.value.status.connector.state) tasks \([.value.status.tasks[].state] | join(","))"'
  else
    echo "worker: stopped"
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  running) worker_pid >/dev/null && rest GET / >/dev/null 2>&1 ;;
  status) cmd_status ;;
  fetch) fetch ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
