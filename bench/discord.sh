#!/usr/bin/env bash
# Direct Discord mode's figures against the local fake Discord (docs/benchmarks.md, "Direct Discord mode"):
#   bash bench/discord.sh [--no-build] [--rates 1000,5000,10000,20000,40000] [--seconds 10] [--streams 100]
#                         [--channels 20] [--commands 200]
# Direct mode's fan-out with Discord permissions on and off (docs/benchmarks.md, "Direct mode with permissions"):
#   bash bench/discord.sh --fanout [--smoke] [--no-build] [--streams 10000] [--rate 20000] [--runs 3] ...
#   bash bench/discord.sh --fanout --help     all its flags
# The bridge runs from target/bridge.jar pinned to CPU 0; the fake Discord and the SSE clients on CPU 1.
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
fanout=0
smoke=0
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --fanout) fanout=1 ;;
    --smoke) smoke=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done
if [[ $build == 1 ]]; then
  mvn_args=(-B -q -Pbench package -DskipTests dependency:build-classpath
            -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test)
  mvn -o "${mvn_args[@]}" >/dev/null 2>&1 || mvn "${mvn_args[@]}"
fi
# Streams need file descriptors: the hard limit here is 20,000.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
client_cpu=1
(( $(nproc) < 2 )) && client_cpu=0
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
if [[ $fanout == 0 ]]; then
  exec taskset -c "$client_cpu" java -Xms256m -Xmx2g -Dvertx.disableDnsResolver=true ${BENCH_JAVA_OPTS:-} \
    -cp "$cp" dev.discordbridge.discord.DiscordBench "${args[@]}"
fi

rm -f target/bench-discord-pids
cleanup() {
  if [[ -n "${bench_pid:-}" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    kill "$bench_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$bench_pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$bench_pid" 2>/dev/null || true
  fi
  # The bridges the benchmark started, should it have died before stopping them.
  if [[ -f target/bench-discord-pids ]]; then
    while read -r pid; do
      [[ -n "$pid" ]] || continue
      if grep -qa 'bridge\.jar' "/proc/$pid/cmdline" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    done < target/bench-discord-pids
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# BENCH_JAVA_OPTS: extra JVM options of the load generator (e.g. a profiler).
taskset -c "$client_cpu" java -Xms512m -Xmx3g -Dvertx.disableDnsResolver=true ${BENCH_JAVA_OPTS:-} \
  -cp "$cp" dev.discordbridge.discord.DiscordFanoutBench "${args[@]}" &
bench_pid=$!
set +e
wait "$bench_pid"
rc=$?
set -e
bench_pid=""
# A smoke run proves that the benchmark still runs end to end (every stream got a probe event, every
# rate was measured); at its size the figures say nothing about speed.
if [[ $smoke == 1 ]]; then
  if [[ $rc == 0 ]]; then
    echo "smoke: PASS - the benchmark ran end to end; figures at this size are not comparable with docs/benchmarks.md"
  else
    echo "smoke: FAIL - the benchmark did not run end to end (exit $rc; the lines above say where it stopped)"
  fi
fi
exit $rc
