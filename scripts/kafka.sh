#!/usr/bin/env bash
# kafka.sh: a local 3-node Apache Kafka KRaft cluster (4.1.1 unless KDOCS_KAFKA_VERSION says
# otherwise: 3.9.1, 4.1.1 and 4.4.0 are tested) for kdocs' integration tests, run straight from
# the Maven Central jars (no tarball).
#
#   scripts/kafka.sh up             fetch jars if needed, format, start, wait until ready (idempotent)
#   scripts/kafka.sh down           stop all nodes (TERM, then KILL) and remove the data dir
#   scripts/kafka.sh stop-node N    stop node N (1..3), keep its data
#   scripts/kafka.sh start-node N   start node N again and wait until it is back in the cluster
#   scripts/kafka.sh status         show the nodes and what the cluster answers
#   scripts/kafka.sh running        exit 0 when all three nodes run, 1 otherwise (quietly)
#   scripts/kafka.sh fetch          only fetch the jars
#   scripts/kafka.sh tool NAME ARGS...   run a Kafka tool, by its bin/ script name (the class is
#       looked up for this version) or class, with the jars, e.g.
#       scripts/kafka.sh tool kafka-consumer-groups \
#           --bootstrap-server 127.0.0.1:9092 --describe --all-groups
#
# Layout: nodes 1,2,3 in combined mode (process.roles=broker,controller); B = port base (9091)
#   node N: broker PLAINTEXT 127.0.0.1:B+N, controller 127.0.0.1:B+100+N
#   node N: broker SASL_SSL 127.0.0.1:B+200+N (SCRAM-SHA-256, SCRAM-SHA-512, PLAIN; user kdocs,
#           password kdocs-test-secret), server certificate signed by the CA in <data dir>/tls/ca.pem
#   node N: broker SSL 127.0.0.1:B+300+N, mutual TLS: client certificate <data dir>/tls/client.{crt,key}
#   PLAINTEXT stays the inter-broker listener: the SASL_SSL one only serves clients.
#   racks:  node1 rack-a, node2 rack-b, node3 rack-a
#   static quorum: controller.quorum.voters=1@127.0.0.1:B+101,2@127.0.0.1:B+102,3@127.0.0.1:B+103
#
# Environment:
#   KDOCS_KAFKA_VERSION    Kafka version (default 4.1.1); its jars go to .cache/kafka/lib-<version>. A data
#       dir remembers the version that formatted it: `up` with another version asks for `down` first.
#   KDOCS_KAFKA_PORT_BASE  port base B (default 9091 → 9092..9094); a private cluster beside the shared one:
#       KDOCS_KAFKA_PORT_BASE=19091 KDOCS_KAFKA_DIR=/tmp/kdocs-kafka-priv scripts/kafka.sh up|down|stop-node N|...
#   KDOCS_KAFKA_DIR   data dir (default ${TMPDIR:-/tmp}/kdocs-kafka, or kdocs-kafka-B for another base;
#                     recorded per port base in .cache/kafka/datadir-B so `down` of one cluster never touches another)
#   KDOCS_KAFKA_LIB   jar dir  (default <repo>/.cache/kafka/lib-<version>)
#   KAFKA_HEAP_OPTS   heap per node (default -Xms128m -Xmx512m)
#   KAFKA_READY_TIMEOUT  seconds to wait for readiness (default 300: three JVMs starting on a loaded
#                        2-core machine took over 120s; a healthy start returns in seconds)
#   KDOCS_KAFKA_AUTHORIZER=1  `up` with StandardAuthorizer (ACLs enforced); User:ANONYMOUS (the
#       PLAINTEXT and controller listeners) and User:kdocs are super users. Off by default.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POM="$ROOT/testdata/kafka/pom.xml"
VERSION=${KDOCS_KAFKA_VERSION:-4.1.1}
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "kafka: KDOCS_KAFKA_VERSION must be a release such as 4.1.1, not '$VERSION'" >&2; exit 2; }
LIB=${KDOCS_KAFKA_LIB:-$ROOT/.cache/kafka/lib-$VERSION}
BASE=${KDOCS_KAFKA_PORT_BASE:-9091}
[[ "$BASE" =~ ^[0-9]+$ && $BASE -ge 1024 && $BASE -le 65000 ]] || { echo "kafka: KDOCS_KAFKA_PORT_BASE must be a port number (1024..65000)" >&2; exit 2; }
# One state file per port base: each cluster remembers its own data dir.
STATE="$ROOT/.cache/kafka/datadir-$BASE"
if [[ $BASE -eq 9091 && ! -e "$STATE" && -s "$ROOT/.cache/kafka/datadir" ]]; then
  # Written by an older kafka.sh (single cluster): adopt it.
  mkdir -p "$(dirname "$STATE")"
  mv "$ROOT/.cache/kafka/datadir" "$STATE"
fi
READY_SRC="$ROOT/scripts/KafkaReady.java"
READY_TIMEOUT=${KAFKA_READY_TIMEOUT:-300}
NODES=(1 2 3)
BOOTSTRAP=127.0.0.1:$((BASE + 1)),127.0.0.1:$((BASE + 2)),127.0.0.1:$((BASE + 3))
# Test credentials of the SASL_SSL listener (created at format time; see testenv.KafkaSASL).
SASL_USER=kdocs
SASL_PASSWORD=kdocs-test-secret
VOTERS=1@127.0.0.1:$((BASE + 101)),2@127.0.0.1:$((BASE + 102)),3@127.0.0.1:$((BASE + 103))

if [[ -n "${KDOCS_KAFKA_DIR:-}" ]]; then
  DIR=$KDOCS_KAFKA_DIR
elif [[ -s "$STATE" ]]; then
  DIR=$(<"$STATE")
elif [[ $BASE -eq 9091 ]]; then
  DIR="${TMPDIR:-/tmp}/kdocs-kafka"
else
  DIR="${TMPDIR:-/tmp}/kdocs-kafka-$BASE"
fi

log() { printf 'kafka: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

broker_port() { echo $((BASE + $1)); }
controller_port() { echo $((BASE + 100 + $1)); }
sasl_port() { echo $((BASE + 200 + $1)); }
ssl_port() { echo $((BASE + 300 + $1)); }
rack() { case $1 in 2) echo rack-b ;; *) echo rack-a ;; esac; }

java_common_opts() {
  # 2-core machines: serial GC, C1 only, small heap.
  echo "${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
-XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.awt.headless=true"
}

# ---------------------------------------------------------------- jars

fetch() {
  local stamp="$LIB/.complete" want
  want="$(sha256sum "$POM" | cut -d' ' -f1) $VERSION"
  if [[ -f "$stamp" && "$(<"$stamp")" == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install -y maven)"
  local t0 tmp
  t0=$(now)
  tmp="$LIB.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$LIB")"
  log "fetching Kafka $VERSION jars with Maven into $LIB"
  if ! mvn -q -B -f "$POM" -Dkafka.version="$VERSION" dependency:copy-dependencies -DoutputDirectory="$tmp" >"$LIB.mvn.log" 2>&1; then
    cat "$LIB.mvn.log" >&2
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  ls "$tmp"/kafka_2.13-"$VERSION".jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "no kafka_2.13-$VERSION jar fetched"; }
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  echo "$want" >"$stamp"
  log "fetched $(ls "$LIB" | wc -l) jars in $(since "$t0")s"
}

tools_log4j() {
  local f="$ROOT/.cache/kafka/log4j2-tools.properties"
  if [[ ! -f "$f" ]]; then
    mkdir -p "$(dirname "$f")"
    cat >"$f" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = err
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ERROR
rootLogger.appenderRef.err.ref = err
EOF
  fi
  echo "$f"
}

# tool_class NAME: the class behind one of Kafka's bin/ scripts (kafka-configs, kafka-consumer-groups,
# kafka-metadata-quorum, …) in this version; a name with a dot is already a class. Classes move
# between versions (ConfigCommand left core for tools in 4.2), so the script name is what stays.
tool_class() {
  local name=$1 c
  if [[ "$name" == *.* ]]; then echo "$name"; return 0; fi
  case "$name" in
    kafka-configs) set -- org.apache.kafka.tools.ConfigCommand kafka.admin.ConfigCommand ;;
    kafka-consumer-groups) set -- org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    kafka-share-groups) set -- org.apache.kafka.tools.consumer.group.ShareGroupCommand ;;
    kafka-streams-groups) set -- org.apache.kafka.tools.streams.StreamsGroupCommand ;;
    kafka-metadata-quorum) set -- org.apache.kafka.tools.MetadataQuorumCommand ;;
    kafka-topics) set -- org.apache.kafka.tools.TopicCommand kafka.admin.TopicCommand ;;
    kafka-acls) set -- org.apache.kafka.tools.AclCommand kafka.admin.AclCommand ;;
    kafka-transactions) set -- org.apache.kafka.tools.TransactionsCommand ;;
    kafka-features) set -- org.apache.kafka.tools.FeatureCommand ;;
    kafka-console-consumer) set -- org.apache.kafka.tools.consumer.ConsoleConsumer kafka.tools.ConsoleConsumer ;;
    kafka-console-share-consumer) set -- org.apache.kafka.tools.consumer.ConsoleShareConsumer ;;
    kafka-console-producer) set -- org.apache.kafka.tools.ConsoleProducer kafka.tools.ConsoleProducer ;;
    *) die "tool: unknown Kafka tool '$name' (give its script name, e.g. kafka-configs, or a class name)" ;;
  esac
  for c in "$@"; do
    # A jar's central directory holds its entry names uncompressed.
    if grep -qsF "${c//.//}.class" "$LIB"/*.jar; then
      echo "$c"
      return 0
    fi
  done
  die "tool: Kafka $VERSION has no $name (looked for $*)"
}

# Run a Kafka tool (a bin/ script name, or a class) with the jars on the class path.
run_tool() {
  fetch
  local class
  class=$(tool_class "${1:?tool: name a tool, e.g. kafka-configs}")
  shift
  set -- "$class" "$@"
  # shellcheck disable=SC2046
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
    -Dlog4j2.configurationFile="$(tools_log4j)" -cp "$LIB/*" "$@"
}

# ---------------------------------------------------------------- nodes

node_dir() { echo "$DIR/node$1"; }
pid_file() { echo "$DIR/node$1/pid"; }

# node_pid N [DIR]: the pid of node N of the cluster in DIR (default: this one), if it runs.
node_pid() {
  local f pid
  f=${2:-$DIR}/node$1/pid
  [[ -s "$f" ]] || return 1
  pid=$(<"$f")
  [[ -d /proc/$pid ]] || return 1
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *" kafka.Kafka "* ]] || return 1
  echo "$pid"
}

running_nodes() {
  local n c=0
  for n in "${NODES[@]}"; do node_pid "$n" >/dev/null && c=$((c + 1)); done
  echo "$c"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_node_config() {
  local n=$1 d
  d=$(node_dir "$n")
  mkdir -p "$d/data" "$d/logs"
  cat >"$d/server.properties" <<EOF
# generated by scripts/kafka.sh
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$VOTERS
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n"),SASL_SSL://127.0.0.1:$(sasl_port "$n"),SSL://127.0.0.1:$(ssl_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n"),SASL_SSL://127.0.0.1:$(sasl_port "$n"),SSL://127.0.0.1:$(ssl_port "$n")
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
# SASL_SSL: SCRAM users come from format time (--add-scram), the PLAIN user from the JAAS line.
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=$DIR/tls/server.pem
# SSL: mutual TLS, the client certificate (CN=kdocs) is the identity.
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=$DIR/tls/server.pem
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=$DIR/tls/ca.pem
listener.name.ssl.ssl.client.auth=required
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
broker.rack=$(rack "$n")
log.dirs=$d/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.retention.check.interval.ms=300000
# On a loaded test machine a broker starved past broker.session.timeout.ms is fenced and its
# leaderships move; the controller gives them back at its next imbalance check, every 30s here
# rather than Kafka's 300s.
leader.imbalance.check.interval.seconds=30
EOF
  if [[ "${KDOCS_KAFKA_AUTHORIZER:-}" == 1 ]]; then
    cat >>"$d/server.properties" <<EOF
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:$SASL_USER
EOF
  fi
  cat >"$d/log4j2.properties" <<EOF
status = warn
appender.server.type = File
appender.server.name = server
appender.server.fileName = $d/logs/server.log
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
appender.sc.type = File
appender.sc.name = statechange
appender.sc.fileName = $d/logs/state-change.log
appender.sc.layout.type = PatternLayout
appender.sc.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.server.ref = server
logger.statechange.name = state.change.logger
logger.statechange.level = INFO
logger.statechange.additivity = false
logger.statechange.appenderRef.sc.ref = statechange
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

# make_certs: a test CA and one server certificate for 127.0.0.1 (all nodes share the host),
# PEM files the brokers read directly (no keystore). EC keys: generated in milliseconds.
make_certs() {
  local t=$DIR/tls
  [[ -s "$t/client.crt" ]] && return 0
  command -v openssl >/dev/null || die "openssl not found (apt-get install -y openssl)"
  mkdir -p "$t"
  (
    set -e
    cd "$t"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
    openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=kdocs test CA" -out ca.pem
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key
    openssl req -new -key server.key -subj "/CN=127.0.0.1" -out server.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 3650 \
      -extfile server.ext -out server.crt
    # Kafka's PEM key store: the unencrypted PKCS#8 key followed by the certificate chain.
    cat server.key server.crt >server.pem
    # The client certificate for the mutual-TLS (SSL) listener.
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client.key
    openssl req -new -key client.key -subj "/CN=kdocs" -out client.csr
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 3650 \
      -extfile client.ext -out client.crt
    rm -f client.csr client.ext
    rm -f server.csr server.ext ca.srl
    chmod 600 ./*.key
  ) >"$t/openssl.log" 2>&1 || { cat "$t/openssl.log" >&2; die "making test certificates failed"; }
}

format_node() {
  local n=$1 d
  d=$(node_dir "$n")
  [[ -f "$d/data/meta.properties" ]] && return 0
  # shellcheck disable=SC2046
  java $(java_common_opts) -Dlog4j2.configurationFile="$(tools_log4j)" -cp "$LIB/*" \
    kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id="$(<"$DIR/cluster.id")" --config "$d/server.properties" \
    --add-scram "SCRAM-SHA-256=[name=\"$SASL_USER\",password=\"$SASL_PASSWORD\"]" \
    --add-scram "SCRAM-SHA-512=[name=\"$SASL_USER\",password=\"$SASL_PASSWORD\"]" \
    >"$d/logs/format.log" 2>&1 \
    || { cat "$d/logs/format.log" >&2; return 1; }
}

start_node_proc() {
  local n=$1 d
  d=$(node_dir "$n")
  if node_pid "$n" >/dev/null; then return 0; fi
  local port
  for port in "$(broker_port "$n")" "$(controller_port "$n")" "$(sasl_port "$n")" "$(ssl_port "$n")"; do
    port_open "$port" && die "port $port (node $n) is already in use by another process"
  done
  rm -f "$(pid_file "$n")"
  # setsid: the node outlives the calling shell and its process group.
  # The inner shell records its own pid and then becomes java (exec).
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$(pid_file "$n")" \
    java $(java_common_opts) \
    -Dkafka.logs.dir="$d/logs" -Dlog4j2.configurationFile="$d/log4j2.properties" \
    -cp "$LIB/*" kafka.Kafka "$d/server.properties" \
    >"$d/logs/stdout.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 100); do [[ -s "$(pid_file "$n")" ]] && break; sleep 0.05; done
  [[ -s "$(pid_file "$n")" ]] || die "node $n did not start"
}

print_tails() {
  local n d
  for n in "${NODES[@]}"; do
    d=$(node_dir "$n")
    for f in "$d/logs/stdout.log" "$d/logs/server.log"; do
      [[ -f "$f" ]] || continue
      echo "----- node $n: tail of $f" >&2
      tail -n 40 "$f" >&2
    done
  done
}

# wait_ready WANT TIMEOUT: polls (every 250 ms, in one JVM) until WANT brokers
# are registered and listed by a metadata request.
wait_ready() {
  local want=$1 timeout=$2 pids=() n p
  for n in "${NODES[@]}"; do
    if p=$(node_pid "$n"); then pids+=("$p"); fi
  done
  # shellcheck disable=SC2046
  java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
    -Dlog4j2.configurationFile="$(tools_log4j)" -cp "$LIB/*" \
    "$READY_SRC" "$BOOTSTRAP" "$want" "$timeout" "${pids[@]}" >&2
}

stop_pids() {
  # stop_pids TIMEOUT PID...: TERM, poll until gone, then KILL.
  local timeout=$1 p deadline alive
  shift
  [[ $# -gt 0 ]] || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$(($(date +%s) + timeout))
  while :; do
    alive=()
    for p in "$@"; do [[ -d /proc/$p ]] && alive+=("$p"); done
    [[ ${#alive[@]} -eq 0 ]] && return 0
    if [[ $(date +%s) -ge $deadline ]]; then
      log "still running after ${timeout}s, sending KILL to ${alive[*]}"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      for p in "${alive[@]}"; do while [[ -d /proc/$p ]]; do sleep 0.1; done; done
      return 0
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------- commands

cmd_up() {
  local t0 n
  t0=$(now)
  fetch
  mkdir -p "$(dirname "$STATE")"
  if [[ -s "$STATE" && "$(<"$STATE")" != "$DIR" ]]; then
    # Another data dir holds this port base: refuse rather than forget it while it runs.
    local other
    other=$(<"$STATE")
    for n in "${NODES[@]}"; do
      node_pid "$n" "$other" >/dev/null \
        && die "port base $BASE is used by the running cluster in $other (stop it with KDOCS_KAFKA_DIR=$other, or pick another KDOCS_KAFKA_PORT_BASE)"
    done
  fi
  mkdir -p "$DIR"
  if [[ -s "$DIR/version" && "$(<"$DIR/version")" != "$VERSION" ]]; then
    die "the data in $DIR was formatted by Kafka $(<"$DIR/version"), not $VERSION: run 'down' first, then 'up'"
  fi
  echo "$DIR" >"$STATE"
  if [[ $(running_nodes) -eq ${#NODES[@]} ]]; then
    log "already running (data in $DIR); checking readiness"
    wait_ready 3 "$READY_TIMEOUT" || { print_tails; die "running but not ready"; }
    return 0
  fi
  if [[ ! -s "$DIR/cluster.id" ]]; then
    # A Kafka Uuid: 16 random bytes, URL-safe base64 without padding.
    head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$DIR/cluster.id"
  fi
  echo "$VERSION" >"$DIR/version"
  log "Kafka $VERSION, data dir $DIR, cluster id $(<"$DIR/cluster.id")"
  make_certs
  local fpids=()
  for n in "${NODES[@]}"; do
    write_node_config "$n"
    format_node "$n" &
    fpids+=($!)
  done
  for p in "${fpids[@]}"; do wait "$p" || die "storage format failed"; done
  log "storage formatted in $(since "$t0")s"
  local t1
  t1=$(now)
  for n in "${NODES[@]}"; do start_node_proc "$n"; done
  local left
  left=$(awk -v a="$t0" -v b="$(now)" -v t="$READY_TIMEOUT" 'BEGIN { l = int(t - (b - a)); print (l < 10 ? 10 : l) }')
  if ! wait_ready 3 "$left"; then
    print_tails
    die "cluster not ready within ${READY_TIMEOUT}s"
  fi
  log "3 brokers of Kafka $VERSION ready: nodes started to ready in $(since "$t1")s, whole 'up' took $(since "$t0")s"
  log "bootstrap servers: $BOOTSTRAP"
  log "SASL_SSL: 127.0.0.1:$(sasl_port 1),127.0.0.1:$(sasl_port 2),127.0.0.1:$(sasl_port 3) (CA $DIR/tls/ca.pem)"
  log "SSL (mutual TLS): 127.0.0.1:$(ssl_port 1),127.0.0.1:$(ssl_port 2),127.0.0.1:$(ssl_port 3)"
}

cmd_down() {
  local pids=() n p
  for n in "${NODES[@]}"; do
    if p=$(node_pid "$n"); then pids+=("$p"); fi
  done
  if [[ ${#pids[@]} -gt 0 ]]; then
    log "stopping pids ${pids[*]}"
    stop_pids "${KAFKA_STOP_TIMEOUT:-20}" "${pids[@]}"
  fi
  if [[ -d "$DIR" ]]; then
    case "$DIR" in
      / | "$HOME" | "$ROOT") die "refusing to remove $DIR" ;;
    esac
    rm -rf "$DIR"
    log "removed $DIR"
  fi
  # Forget the data dir only if it is this cluster's record.
  if [[ -s "$STATE" && "$(<"$STATE")" == "$DIR" ]]; then rm -f "$STATE"; fi
}

check_node_arg() {
  [[ "${1:-}" =~ ^[123]$ ]] || die "node must be 1, 2 or 3"
}

cmd_stop_node() {
  check_node_arg "${1:-}"
  local p
  if p=$(node_pid "$1"); then
    log "stopping node $1 (pid $p)"
    stop_pids "${KAFKA_STOP_TIMEOUT:-30}" "$p"
  else
    log "node $1 is not running"
  fi
}

cmd_start_node() {
  check_node_arg "${1:-}"
  [[ -f "$(node_dir "$1")/data/meta.properties" ]] || die "node $1 has no data in $DIR: run 'up' first"
  fetch
  local t0
  t0=$(now)
  start_node_proc "$1"
  wait_ready "$(running_nodes)" "$READY_TIMEOUT" || { print_tails; die "node $1 not back"; }
  log "node $1 back in $(since "$t0")s"
}

cmd_status() {
  local n p
  echo "data dir: $DIR (Kafka $(cat "$DIR/version" 2>/dev/null || echo "$VERSION"))"
  for n in "${NODES[@]}"; do
    if p=$(node_pid "$n"); then
      echo "node $n: running pid $p broker 127.0.0.1:$(broker_port "$n") sasl_ssl 127.0.0.1:$(sasl_port "$n") ssl 127.0.0.1:$(ssl_port "$n") controller 127.0.0.1:$(controller_port "$n") rack $(rack "$n")"
    else
      echo "node $n: stopped"
    fi
  done
  if [[ $(running_nodes) -gt 0 ]]; then
    wait_ready "$(running_nodes)" 10 || true
  fi
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  stop-node) cmd_stop_node "${2:-}" ;;
  start-node) cmd_start_node "${2:-}" ;;
  status) cmd_status ;;
  running) [[ $(running_nodes) -eq ${#NODES[@]} ]] ;;
  fetch) fetch ;;
  tool) shift; run_tool "$@" ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
