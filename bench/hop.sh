#!/usr/bin/env bash
# Measures the cluster hop: p50 latency of a request served by a replica on another node versus
# one on the gateway's own node. Starts an embedded PostgreSQL and two node processes (A: gateway
# and worker, B: worker), prints a markdown table (also written to bench/target/results/hop.md).
# Arguments are JVM options for the bench, e.g.
#   bench/hop.sh -Dbench.window.s=10 -Dbench.rounds=3
# See bench/README.md. BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q -DskipTests package
fi
exec java -Xmx2g "$@" -Dbench.root="$PWD" \
  -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.modelfleet.bench.HopBench
