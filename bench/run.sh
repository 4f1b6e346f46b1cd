#!/usr/bin/env bash
# Fan-out benchmark: the bridge beside nginx + nchan under the same SSE load.
#   bash bench/run.sh            full run (10,000 streams; 20,000 and 60,000 deliveries/s)
#   bash bench/run.sh --smoke    tiny run for CI (50 streams, 3 s), so the benchmark cannot rot
#   bash bench/run.sh --sweep    rate sweep: per server, the highest rate held (20,000 x 1.25 up to 200,000)
#   bash bench/run.sh --smoke --sweep   smoke-size sweep (2,000, 4,000, 8,000/s; under a minute; not in CI)
#   bash bench/run.sh --help     all flags (--streams, --rates, --sweep, --seconds, --warmup, --servers, ...)
#   bash bench/run.sh --commands [--jar PATH]   command throughput: no streams, hub mode, journal on, offered
#                                rates in steps (2,000/3,000/5,000/7,000 per s), bridge pinned to one CPU;
#                                --jar measures another build with the same load (--commands --help: its flags)
#   bash bench/run.sh --commands --smoke        its smoke size (300 and 600/s, 3 s each; not comparable)
# Extra for this script: --no-build (reuse target/bridge.jar and the compiled benchmark).
# Servers are pinned to CPU 0, the load generator to CPU 1; everything runs on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
build=1
want_nchan=1
main=dev.discordbridge.bench.FanoutBench
args=()
prev=""
for a in "$@"; do
  case "$a" in
    --smoke) smoke=1; args+=("$a") ;;
    --no-build) build=0 ;;
    --commands) main=dev.discordbridge.bench.CommandBench; want_nchan=0 ;;
    *) args+=("$a") ;;
  esac
  if [[ "$prev" == "--servers" && "$a" != *nchan* ]] || [[ "$a" == --servers=* && "$a" != *nchan* ]]; then
    want_nchan=0
  fi
  prev="$a"
done

log() { echo "[run.sh] $*"; }

# nginx + nchan from Debian (skipped when present). A smoke run goes on without them.
if [[ $want_nchan == 1 ]] && ! { command -v nginx >/dev/null && [[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]]; }; then
  log "installing nginx and libnginx-mod-nchan"
  limit=300
  [[ $smoke == 1 ]] && limit=90   # a smoke run must stay short: without nchan it measures the bridge alone
  if ! { timeout $limit apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout $limit apt-get install -y -qq nginx libnginx-mod-nchan; } >target-apt.log 2>&1; then
    log "could not install nginx + nchan (see target-apt.log)"
    [[ $smoke == 1 ]] || exit 1
  fi
  rm -f target-apt.log
fi

# Streams need file descriptors: the hard limit here is 20,000.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [[ $build == 1 ]]; then
  log "building target/bridge.jar and the benchmark (maven profile bench)"
  mvn_args=(-B -q -Pbench package -DskipTests dependency:build-classpath
            -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test)
  # Offline first (fast, no network); its output is kept aside, so that a first run, whose
  # dependencies are not cached yet, prints no alarming "[ERROR] ... offline mode" before it
  # builds online.
  offline_log=$(mktemp)
  if ! mvn -o "${mvn_args[@]}" >"$offline_log" 2>&1; then
    log "dependencies not all cached: building online (first run: a minute or two)"
    mvn "${mvn_args[@]}"
  fi
  rm -f "$offline_log"
fi

cpus=$(nproc)
client_cpu=1
if (( cpus < 2 )); then client_cpu=0; log "only one CPU: server and load generator share it"; fi

rm -f target/bench-pids
cleanup() {
  if [[ -n "${bench_pid:-}" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    kill "$bench_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$bench_pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$bench_pid" 2>/dev/null || true
  fi
  # The servers the benchmark started, should it have died before stopping them.
  if [[ -f target/bench-pids ]]; then
    while read -r pid; do
      [[ -n "$pid" ]] || continue
      if grep -qaE 'bridge\.jar|nginx' "/proc/$pid/cmdline" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    done < target/bench-pids
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# BENCH_JAVA_OPTS: extra JVM options of the load generator (e.g. a profiler).
taskset -c "$client_cpu" java -Xms512m -Xmx3g -Dvertx.disableDnsResolver=true ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  "$main" "${args[@]}" &
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
