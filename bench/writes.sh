#!/usr/bin/env bash
# Registry write throughput (uploads and deployment changes per second) on H2 as shipped, on H2
# with the 500 ms write delay it had before the kill -9 fix, and on PostgreSQL. About 2 minutes.
# Prints a markdown table (also bench/target/results/writes.md). BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q -DskipTests package
fi
exec java -Xmx1g "$@" -Dbench.root="$PWD" \
  -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.modelfleet.bench.WriteBench
