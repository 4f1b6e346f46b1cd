#!/usr/bin/env bash
# Direct Discord mode's figures against the local fake Discord (docs/benchmarks.md, "Direct Discord mode"):
#   bash bench/discord.sh [--no-build] [--rates 1000,5000,10000,20000,40000] [--seconds 10] [--streams 100]
#                         [--channels 20] [--commands 200]
# The bridge runs from target/bridge.jar pinned to CPU 0; the fake Discord and the SSE clients on CPU 1.
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    *) args+=("$a") ;;
  esac
done
if [[ $build == 1 ]]; then
  mvn_args=(-B -q -Pbench package -DskipTests dependency:build-classpath
            -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test)
  mvn -o "${mvn_args[@]}" >/dev/null 2>&1 || mvn "${mvn_args[@]}"
fi
ulimit -n 20000 2>/dev/null || true
client_cpu=1
(( $(nproc) < 2 )) && client_cpu=0
exec taskset -c "$client_cpu" java -Xms256m -Xmx2g -Dvertx.disableDnsResolver=true ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.discordbridge.discord.DiscordBench "${args[@]}"
