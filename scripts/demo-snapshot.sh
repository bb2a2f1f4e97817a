#!/usr/bin/env bash
# demo-snapshot.sh: re-take the example's committed snapshots (testdata/demo/acme-dev.json, the
# seeded cluster, and testdata/demo/acme-dr.json, MirrorMaker 2's target) from the running
# estate, and append them to the example's history (testdata/demo/history/<cluster>/).
#
#   scripts/demo-snapshot.sh        (or: make demo-snapshot)
#
# Needs the whole test estate running: scripts/kafka.sh up (with KDOCS_KAFKA_AUTHORIZER=1, so that
# the seed writes its ACLs), scripts/registry.sh up, go run ./testdata/seed, scripts/connect.sh up
# (Kafka Connect, and MirrorMaker 2 from the main cluster to acme-dr), scripts/streams.sh up (the
# Kafka Streams app), all with the same port settings.
#
# testdata/demo/live.yaml names the default layout (port base 9091: brokers 127.0.0.1:9092-9094,
# registry 127.0.0.1:8081, Connect 127.0.0.1:9500; acme-dr's brokers 127.0.0.1:10092-10094 and
# its Connect 127.0.0.1:10500). With another KDOCS_KAFKA_PORT_BASE or KDOCS_REGISTRY_PORT, the
# snapshots are taken on those ports and their loopback addresses and the scripts' data dirs
# (/tmp/kdocs-kafka-<base>, /tmp/kdocs-connect-<port>) are written back as the default layout
# names them, so the committed example reads the same whoever took it. Nothing else in the
# snapshots is touched. The Connect REST's credentials are KDOCS_CONNECT_USER /
# KDOCS_CONNECT_PASSWORD (scripts/connect.sh's defaults when unset); the snapshot never holds them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${KDOCS_BIN:-$ROOT/bin/kdocs}
BASE=${KDOCS_KAFKA_PORT_BASE:-9091}
REG=${KDOCS_REGISTRY_PORT:-8081}
CONNECT=${KDOCS_CONNECT_PORT:-$((BASE + 409))}
DR=${KDOCS_MM2_TARGET_PORT_BASE:-$((BASE + 1000))}
DR_CONNECT=${KDOCS_MM2_CONNECT_PORT:-$((DR + 409))}
CLUSTERS=(acme-dev acme-dr)
export KDOCS_CONNECT_USER=${KDOCS_CONNECT_USER:-kdocs}
export KDOCS_CONNECT_PASSWORD=${KDOCS_CONNECT_PASSWORD:-kdocs-connect-rest}
TMP=${TMPDIR:-/tmp}
DEMO=$ROOT/testdata/demo

[[ -x "$BIN" ]] || { echo "demo-snapshot: $BIN not built (make build)" >&2; exit 1; }

# Port map, default layout → this machine's: brokers, controllers, SASL_SSL, SSL listeners of
# both clusters, registry, both Connect RESTs.
map=""
for k in 1 2 3 101 102 103 201 202 203 301 302 303; do
  map+="$((9091 + k))=$((BASE + k)) "
  map+="$((10091 + k))=$((DR + k)) "
done
map+="8081=$REG 9500=$CONNECT 10500=$DR_CONNECT"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# live.yaml with this machine's ports; the snapshot and its history copy go to $work.
MAP="$map" perl -pe 'BEGIN { %m = map { split /=/ } split " ", $ENV{MAP} }
  s/127\.0\.0\.1:(\d+)\b/"127.0.0.1:" . ($m{$1} \/\/ $1)/ge;
  s/^snapshots: .*/snapshots: ./' "$DEMO/live.yaml" >"$work/live.yaml"
printf 'history: {dir: history}\n' >>"$work/live.yaml"
"$BIN" snapshot --config "$work/live.yaml"

# Back to the default layout: the inverse map on loopback addresses and brokers' ports, the
# scripts' data dirs by their default names.
portable() {
  MAP="$map" BASE="$BASE" DR="$DR" CONNECT="$CONNECT" TMPD="$TMP" perl -pe '
    BEGIN { %m = reverse map { split /=/ } split " ", $ENV{MAP} }
    s/127\.0\.0\.1:(\d+)\b/"127.0.0.1:" . ($m{$1} \/\/ $1)/ge;
    s/^(\s*"port": )(\d+)(,?)$/$1 . ($m{$2} \/\/ $2) . $3/ge;
    s/\Q$ENV{TMPD}\E\/kdocs-kafka-$ENV{BASE}\//\/tmp\/kdocs-kafka\//g if $ENV{BASE} != 9091;
    s/\Q$ENV{TMPD}\E\/kdocs-kafka-$ENV{DR}\//\/tmp\/kdocs-kafka-10091\//g;
    s/\Q$ENV{TMPD}\E\/kdocs-connect-$ENV{CONNECT}(-mirror)?\//"\/tmp\/kdocs-connect-9500" . ($1 \/\/ "") . "\/"/ge;' "$1"
}
for c in "${CLUSTERS[@]}"; do
  mkdir -p "$work/out/history/$c"
  portable "$work/$c.json" >"$work/out/$c.json"
  for f in "$work/history/$c"/*.json; do
    portable "$f" >"$work/out/history/$c/$(basename "$f")"
  done
done
if grep -rqF -e "$KDOCS_CONNECT_PASSWORD" -e "${KDOCS_CONNECT_SECRET:-kdocs-connect-seeded-secret-5b1f}" "$work/out"; then
  echo "demo-snapshot: the snapshot holds a Connect secret: not keeping it" >&2
  exit 1
fi
# The example shows the seed's writers (testdata/seed/README.md): its transactional id, and no
# test's leftovers (the coordinators remember transactional ids for 7 days).
if ! grep -qF '"transactionalId": "acme-payments-settler"' "$work/out/acme-dev.json"; then
  echo "demo-snapshot: no transactional id acme-payments-settler: run the seed (make seed) first" >&2
  exit 1
fi
if grep -qF '"transactionalId": "kdocs-test-' "$work/out/acme-dev.json"; then
  echo "demo-snapshot: the cluster holds the tests' transactional ids (kdocs-test-*): take the snapshot on a freshly started and seeded cluster" >&2
  exit 1
fi
if ! perl -0ne 'exit(/"acls": \{\s*"available": true/ ? 0 : 1)' "$work/out/acme-dev.json"; then
  echo "demo-snapshot: warning: the cluster has no authorizer, so the example shows no ACLs (start Kafka with KDOCS_KAFKA_AUTHORIZER=1 make infra-up)" >&2
fi
for c in "${CLUSTERS[@]}"; do
  mkdir -p "$DEMO/history/$c"
  cp "$work/out/$c.json" "$DEMO/$c.json"
  cp "$work/out/history/$c"/*.json "$DEMO/history/$c/"
  chmod 644 "$DEMO/$c.json" "$DEMO/history/$c"/*.json
  echo "demo-snapshot: wrote $DEMO/$c.json and its copy in $DEMO/history/$c/"
done
