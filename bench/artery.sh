#!/usr/bin/env bash
# The transport's own round trip, for reading bench/hop.sh against: a 256-byte message echoed
# between two Pekko actor systems over Artery TCP on 127.0.0.1, against the same echo inside one
# system. Arguments are JVM options, e.g. bench/artery.sh -Dbench.window.s=5 -Dbench.rounds=4.
# BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  ./mvnw -B -q -DskipTests package
fi
exec java -Xmx1g "$@" -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.modelfleet.bench.ArteryRoundTrip
