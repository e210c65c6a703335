#!/usr/bin/env bash
# Registry recovery: how long one model with 100,000 journal events takes to answer its first
# command after a start, without and with snapshots, on the embedded H2 file and on PostgreSQL.
# A few minutes on 2 cores. Prints a markdown table (also bench/target/results/recovery.md).
# BENCH_SKIP_BUILD=1 skips the build; -Dbench.recovery.events=N and -Dbench.recovery.runs=N change
# the journal length (at least 3 × modelfleet.registry.snapshot-every) and the runs per row.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q -DskipTests package
fi
exec java -Xmx1g "$@" -Dbench.root="$PWD" \
  -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.modelfleet.bench.RecoveryBench
