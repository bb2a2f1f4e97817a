#!/usr/bin/env bash
# test.sh: the whole test suite on this machine, nothing skipped; `make test` runs it and CI runs
# `make test`.
#
#   1. deps      the Debian packages (scripts/deps.sh: installed as root, else one line of what to install)
#   2. services  Kafka (scripts/kafka.sh) and the schema registry (scripts/registry.sh), each started
#                only if it is not already running; reused otherwise; a second registry (port +1000)
#                and, after the seed, Kafka Connect with MirrorMaker 2 and its target cluster
#                (scripts/connect.sh), the second environment of the environments tests, and the
#                Kafka Streams app (scripts/streams.sh)
#   3. seed      the Acme estate (testdata/seed), which waits for the services
#   3b. connect  Kafka Connect with its seeded connectors and MirrorMaker 2 to a second cluster
#                (scripts/connect.sh, which starts that cluster, acme-dr, itself), unless it runs;
#                stopped again right after the suite when this run started it
#   4. suite     go vet and every test, with KDOCS_TEST_STRICT=1: a test whose service is missing fails
#   5. versions  the Kafka facts tests (TestFacts*, TestCollectRealCluster) again on each of
#                KDOCS_TEST_KAFKA_VERSIONS (default "3.9.1 4.4.0"), each on a cluster of its own
#                (port bases KDOCS_TEST_VERSIONS_PORT_BASE+1000, +2000, …; default 30091), started,
#                seeded and stopped here; "" skips this step
#   and, however it ends, stops what it started (and only that), then prints each step's time.
#
# Environment: KDOCS_KAFKA_PORT_BASE / KDOCS_REGISTRY_PORT move the main services (scripts/kafka.sh,
# scripts/registry.sh); GO_TEST_FLAGS adds flags to go test (e.g. -run X); KDOCS_TEST_KEEP=1 leaves
# the services this run started running.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export KDOCS_TEST_STRICT=1
GO=${GO:-go}
VERSIONS=${KDOCS_TEST_KAFKA_VERSIONS-3.9.1 4.4.0}
VERSIONS_BASE=${KDOCS_TEST_VERSIONS_PORT_BASE:-30091}
# The facts tests: what kdocs reads compared with Kafka's own tools, per Kafka version.
FACTS='^(TestFacts|TestCollectRealCluster$)'

T_START=$(date +%s)
TIMINGS=()
step() {
  local name=$1 t0 rc=0
  shift
  t0=$(date +%s)
  echo "::: ${name}"
  "$@" || rc=$?
  TIMINGS+=("$(printf '%-22s %4ds%s' "$name" $(($(date +%s) - t0)) "$([[ $rc -ne 0 ]] && echo "  (exit $rc)")")")
  return "$rc"
}

STARTED=() # "name:env…" of each service this run started, in start order
stop_started() {
  local i entry name envs
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    entry=${STARTED[i]} name=${entry%%|*} envs=${entry#*|}
    # shellcheck disable=SC2086
    env $envs bash "scripts/$name.sh" down || true
  done
  STARTED=()
}
cleanup() {
  local rc=$?
  if [[ -z "${KDOCS_TEST_KEEP:-}" && ${#STARTED[@]} -gt 0 ]]; then
    step stop stop_started || true
  fi
  echo "::: timings"
  local t
  for t in "${TIMINGS[@]}"; do echo "    $t"; done
  echo "    total                  $(($(date +%s) - T_START))s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ensure NAME [ENV=V …]: start scripts/NAME.sh with that environment unless it already runs.
ensure() {
  local name=$1
  shift
  if env "$@" bash "scripts/$name.sh" running; then
    echo "$name: already running, reused"
    return 0
  fi
  # Recorded before `up`, so that a start that fails half way is still stopped.
  STARTED+=("$name|$*")
  env "$@" bash "scripts/$name.sh" up
}

services() {
  # Side by side: the registry builds while Kafka formats and starts.
  local name log pids=() logs=() rc=0 p
  for name in kafka registry; do
    if bash "scripts/$name.sh" running; then
      echo "$name: already running, reused"
      continue
    fi
    STARTED+=("$name|")
    log=$(mktemp)
    logs+=("$log")
    bash "scripts/$name.sh" up >"$log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  for log in "${logs[@]}"; do cat "$log"; rm -f "$log"; done
  return "$rc"
}

# The steps run as `step NAME FUNCTION`, where bash ignores set -e inside the function: each
# command that may fail says so with `|| return`.
suite() {
  "$GO" vet ./... || return
  # shellcheck disable=SC2086
  "$GO" test -count=1 -timeout 20m ${GO_TEST_FLAGS:-} ./...
}

# facts_on VERSION BASE: a cluster of that Kafka version on its own port base, seeded (Kafka
# only), the facts tests against it, then stopped.
facts_on() {
  local v=$1 base=$2
  local envs=(KDOCS_KAFKA_VERSION="$v" KDOCS_KAFKA_PORT_BASE="$base")
  local rc=0
  ensure kafka "${envs[@]}" || return
  env "${envs[@]}" "$GO" run ./testdata/seed -registry "" || return
  env "${envs[@]}" "$GO" test -count=1 -timeout 10m -run "$FACTS" ./generator/kafka/ || rc=$?
  # Stopped at once: the next version's cluster should not share the two cores with this one.
  local i
  for i in "${!STARTED[@]}"; do
    if [[ ${STARTED[i]} == "kafka|${envs[*]}" ]]; then
      env "${envs[@]}" bash scripts/kafka.sh down
      unset 'STARTED[i]'
      STARTED=("${STARTED[@]}")
    fi
  done
  return "$rc"
}

# stop_connect: once the suite is done, stop the Streams app, Kafka Connect and MirrorMaker 2's
# target cluster if this run started them (six JVMs), so the version clusters below do not share the two cores with them.
stop_connect() {
  local i name
  [[ -z "${KDOCS_TEST_KEEP:-}" ]] || return 0
  for name in streams connect; do
    for i in "${!STARTED[@]}"; do
      if [[ ${STARTED[i]} == "$name|" ]]; then
        bash "scripts/$name.sh" down || return
        unset 'STARTED[i]'
        STARTED=("${STARTED[@]}")
      fi
    done
  done
}

step deps bash scripts/deps.sh
# axe-core for the accessibility test, from the committed lockfile (a validation tool, never in the binary).
step "node tools" npm ci --prefix tools/node --no-audit --no-fund --silent
step services services
# The second environment's registry (generator/environments' two-environment test); its Kafka is
# acme-dr, MirrorMaker 2's target cluster, which scripts/connect.sh starts at KDOCS_KAFKA_PORT_BASE+1000.
step "registry 2" ensure registry KDOCS_REGISTRY_PORT="${KDOCS_REGISTRY2_PORT:-$((${KDOCS_REGISTRY_PORT:-8081} + 1000))}"
step seed "$GO" run ./testdata/seed
step connect ensure connect
step streams ensure streams
step suite suite
step "stop connect, streams" stop_connect
# Every version runs even when one fails, and the run fails if any did.
n=0 failed=0
for v in $VERSIONS; do
  n=$((n + 1))
  step "facts on Kafka $v" facts_on "$v" "$((VERSIONS_BASE + n * 1000))" || failed=1
done
exit "$failed"
