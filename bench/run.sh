#!/usr/bin/env bash
# Runs the serving benchmark: builds everything (the node and the bench), then compares a served
# ModelFleet node against in-process ONNX Runtime and prints a markdown table (also written to
# bench/target/results/latest.md). Arguments are JVM options for the bench, e.g.
#   bench/run.sh -Dbench.quick=true
#   bench/run.sh -Dbench.models=tiny -Dbench.window.s=10
# See bench/README.md for every property. BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q -DskipTests package
fi
exec java -Xmx4g "$@" -Dbench.root="$PWD" \
  -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.modelfleet.bench.Bench
