#!/usr/bin/env bash
# Deployment tests (issue 22), run by scripts/test.sh after the Maven suite:
#   1. the Kubernetes manifests, validated offline (kustomize render + Kubernetes' OpenAPI schemas);
#   2. the top-level Dockerfile built with podman on local bases made from Debian packages (no
#      registry is reachable here), one container run: /health/ready, a stream and the admin port
#      from outside, the HEALTHCHECK, the non-root user, a clean SIGTERM;
#   3. deploy/compose.yaml brought up for real (three nodes, Prometheus; not Grafana, which no
#      package source here serves): every node scraped, the alert rules loaded, the link holder
#      killed, the stream on a survivor goes on without a reset.
# Installs podman, runc, debootstrap, podman-compose with apt-get (as root or with sudo). The bases
# (debootstrap, apt-get inside) are made once and kept in podman's image store; later runs reuse them.
# Figures (image size, start-to-ready, failover) are printed and written to target/deploy-test.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
say() { echo "== deploy-test: $*"; }
report=target/deploy-test.txt
mkdir -p target
: > "$report"
figure() { echo "$*" | tee -a "$report"; }
passed=0
failed=0
check() { # check "what" command...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "   ok: $what"; else failed=$((failed + 1)); echo "   FAILED: $what"; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
need=()
for tool in podman runc debootstrap podman-compose node npm nginx; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  as_root apt-get update -qq
  pkgs=()
  for t in "${need[@]}"; do case $t in node) pkgs+=(nodejs) ;; *) pkgs+=("$t") ;; esac; done
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
# runc, and ulimits below this host's hard limits (crun fails on hybrid cgroups and high rlimits).
export CONTAINERS_CONF=$root/deploy/podman/containers.conf
podman=(podman)

# ---- 1. Kubernetes manifests, offline ----
say "Kubernetes manifests: kustomize render, then schema validation"
(cd deploy/k8s/validate && npm install --no-audit --no-fund --silent >/dev/null)
render_k8s() { # kustomize (kubectl's, offline) when there is a kubectl, else the resources it lists, as they are
  if command -v kubectl >/dev/null 2>&1; then
    kubectl kustomize deploy/k8s
  else
    awk '/^resources:/ {r=1; next} r && /^  - / {print $2; next} r {r=0}' deploy/k8s/kustomization.yaml \
      | while read -r f; do echo ---; cat "deploy/k8s/$f"; done
  fi
  echo ---
  cat deploy/k8s/secret.example.yaml
}
check "deploy/k8s renders and validates" bash -c "$(declare -f render_k8s); render_k8s | node deploy/k8s/validate/validate.js"

# ---- 2. Local bases, the image, one container ----
# The mirror apt uses (deb822 "URIs:" or one-line "deb" entries; comments ignored), else Debian's CDN.
mirror=$( (grep -rhE '^[[:space:]]*(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) \
  | grep -oE 'https?://[^ ]+/debian/?' | awk '!/security/ && !m {m=$0; print}')
mirror=${mirror:-http://deb.debian.org/debian}
if ! "${podman[@]}" image exists localhost/debian-minbase:bookworm; then
  say "making the base image with debootstrap from $mirror (once)"
  rootfs=$(mktemp -d /var/tmp/bridge-rootfs.XXXXXX)
  as_root debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > target/deploy-debootstrap.log 2>&1 \
    || { echo "debootstrap failed: target/deploy-debootstrap.log" >&2; exit 1; }
  tar -C "$rootfs" -c . | "${podman[@]}" import - localhost/debian-minbase:bookworm >/dev/null
  as_root rm -rf "$rootfs"
fi
build_base() { # image containerfile
  if ! "${podman[@]}" image exists "$1"; then
    say "building $1 (once)"
    local ctx; ctx=$(mktemp -d)
    cp "deploy/podman/$2" "$ctx/Containerfile"
    mkdir "$ctx/ca"
    # Extra CAs of this host (a TLS-inspecting egress proxy), so Maven inside the build reaches Central.
    cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
    "${podman[@]}" build -q --format docker -t "$1" "$ctx" >/dev/null
    rm -rf "$ctx"
  fi
}
build_base localhost/bridge-jre:17 jre.Containerfile
build_base localhost/bridge-build:17 build.Containerfile
build_base localhost/bridge-prometheus:2.42 prometheus.Containerfile

say "building the Dockerfile (bases: local Debian stand-ins for the Temurin images)"
image=localhost/discord-bridge:test
"${podman[@]}" build -q --format docker -t "$image" \
  --build-arg BUILD_IMAGE=localhost/bridge-build:17 --build-arg RUNTIME_IMAGE=localhost/bridge-jre:17 . >/dev/null
size=$("${podman[@]}" image inspect --format '{{.Size}}' "$image")
base_size=$("${podman[@]}" image inspect --format '{{.Size}}' localhost/bridge-jre:17)
figure "image size: $((size / 1000000)) MB ($((base_size / 1000000)) MB of it the JRE base, $(((size - base_size) / 1000000)) MB the bridge)"

cleanup() {
  "${podman[@]}" rm -f -v -t 0 bridge-deploy-test >/dev/null 2>&1 || true
  (cd deploy && podman-compose -p bridgetest -f compose.yaml down -v -t 2 >/dev/null 2>&1) || true
}
trap cleanup EXIT
cleanup

say "one container: ready, stream, admin port, healthcheck, user, SIGTERM"
started=$(date +%s%N)
"${podman[@]}" run -d --name bridge-deploy-test -p 127.0.0.1::8080 -p 127.0.0.1::8081 -e ADMIN_PORT=8081 \
  -e SIM_EVENTS_PER_SEC=20 -e BRIDGE_JAVA_OPTS=-Xmx256m "$image" >/dev/null
public=$("${podman[@]}" port bridge-deploy-test 8080/tcp | head -1 | sed 's/.*://')
admin=$("${podman[@]}" port bridge-deploy-test 8081/tcp | head -1 | sed 's/.*://')
ready=""
for _ in $(seq 1 600); do
  if curl -sf -o /dev/null "http://127.0.0.1:$admin/health/ready"; then ready=$(date +%s%N); break; fi
  sleep 0.1
done
check "/health/ready answers 200 on the admin port from outside" test -n "$ready"
[ -n "$ready" ] && figure "container start to ready: $(((ready - started) / 1000000)) ms (podman run to /health/ready 200)"
token=$(curl -sf "http://127.0.0.1:$public/api/demo/token?format=raw" || true)
curl -sN --max-time 4 -H "Authorization: Bearer $token" "http://127.0.0.1:$public/api/stream" > target/deploy-stream.txt || true
check "a stream from outside: ready, then events" bash -c \
  'grep -q "^event: ready" target/deploy-stream.txt && grep -q "upstreamSeq" target/deploy-stream.txt'
check "/metrics is 404 on the public port" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$public/metrics")" = 404
check "/metrics on the admin port" bash -c "curl -sf http://127.0.0.1:$admin/metrics | grep -q '^bridge_link_up'"
check "the image's HEALTHCHECK passes" "${podman[@]}" healthcheck run bridge-deploy-test
check "runs as the non-root user 10001" test "$("${podman[@]}" exec bridge-deploy-test id -u)" = 10001

say "nginx in front (deploy/nginx/bridge.conf): TLS and HTTP/2 to the client, HTTP/1.1 to the bridge"
ngx=$(mktemp -d)
nport=$(free_port)
sed -e "s|@BRIDGE@|127.0.0.1:$public|; s|@PORT@|127.0.0.1:$nport|" \
    -e "s|@CERT@|$root/src/test/resources/tls/cert.pem|; s|@KEY@|$root/src/test/resources/tls/key.pem|" \
    deploy/nginx/bridge.conf > "$ngx/bridge.conf"
cat > "$ngx/nginx.conf" <<NGINX
worker_processes 1; pid $ngx/nginx.pid; error_log $ngx/error.log; daemon off;
events { worker_connections 256; }
http { access_log off; client_body_temp_path $ngx/body; proxy_temp_path $ngx/proxy; fastcgi_temp_path $ngx/fcgi;
       uwsgi_temp_path $ngx/uwsgi; scgi_temp_path $ngx/scgi; include $ngx/bridge.conf; }
NGINX
nginx -c "$ngx/nginx.conf" -p "$ngx" &
ngx_pid=$!
for _ in $(seq 1 50); do curl -sk -o /dev/null "https://127.0.0.1:$nport/" && break; sleep 0.1; done
curl -sk --http2 --max-time 4 -D target/deploy-nginx-head.txt -H "Authorization: Bearer $token" \
  "https://127.0.0.1:$nport/api/stream" > target/deploy-nginx-stream.txt || true
check "a stream through nginx over HTTP/2: ready, then events" bash -c 'grep -q "^HTTP/2 200" target/deploy-nginx-head.txt \
  && grep -q "^event: ready" target/deploy-nginx-stream.txt && grep -q "upstreamSeq" target/deploy-nginx-stream.txt'
check "nginx keeps /metrics off the public side" test "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$nport/metrics")" = 404
kill "$ngx_pid" 2>/dev/null || true
wait "$ngx_pid" 2>/dev/null || true
rm -rf "$ngx"
"${podman[@]}" stop -t 30 bridge-deploy-test >/dev/null
check "SIGTERM: an orderly shutdown" bash -c "${podman[*]} logs bridge-deploy-test 2>&1 | grep -q 'shutdown complete'"
"${podman[@]}" rm -f -v bridge-deploy-test >/dev/null

# ---- 3. compose, for real ----
say "compose: three nodes and Prometheus"
ports=()
for i in 1 2 3; do ports+=("$(free_port)"); done
prom_port=$(free_port)
export BRIDGE_IMAGE=$image PROMETHEUS_IMAGE=localhost/bridge-prometheus:2.42
export BRIDGE_1_PORT=127.0.0.1:${ports[0]} BRIDGE_2_PORT=127.0.0.1:${ports[1]} BRIDGE_3_PORT=127.0.0.1:${ports[2]}
export PROMETHEUS_PORT=127.0.0.1:$prom_port
(cd deploy && podman-compose -p bridgetest -f compose.yaml up -d --no-build bridge-1 bridge-2 bridge-3 prometheus \
  > "$root/target/deploy-compose.log" 2>&1)
prom() { curl -sf "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" | python3 -c \
  'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'; }
up=""
for _ in $(seq 1 90); do
  [ "$(prom 'sum(up{job="bridge"})' 2>/dev/null)" = 3 ] && [ "$(prom 'sum(bridge_link_up)' 2>/dev/null)" = 1 ] \
    && [ "$(prom 'sum(bridge_link_state{state="standby"})' 2>/dev/null)" = 2 ] && { up=yes; break; }
  sleep 1
done
check "Prometheus scrapes all three nodes; exactly one holds the link, the others stand by" test -n "$up"
check "Prometheus loaded the alert rules" bash -c \
  "curl -sf http://127.0.0.1:$prom_port/api/v1/rules | grep -q BridgeLinkDown"
check "promtool accepts the alert rules" "${podman[@]}" run --rm --entrypoint promtool \
  -v "$root/deploy/prometheus/alerts.yaml:/alerts.yaml:ro" "$PROMETHEUS_IMAGE" check rules /alerts.yaml

holder=""
for i in 1 2 3; do
  if "${podman[@]}" logs "bridgetest_bridge-${i}_1" 2>&1 | grep "now holds the upstream link" >/dev/null; then holder=$i; fi
done
# (grep reads the whole log: with -q it would stop at the first match, podman logs would get
# SIGPIPE, and under pipefail the match would count as a miss.)
check "the link holder is named in its log" test -n "$holder"
if [ -n "$holder" ]; then
survivor=$(( holder % 3 + 1 ))
say "holder bridge-$holder; streaming from bridge-$survivor, then killing the holder"
sport=${ports[$((survivor - 1))]}
token=$(curl -sf "http://127.0.0.1:$sport/api/demo/token?format=raw" || true)
curl -sN --max-time 40 -H "Authorization: Bearer $token" "http://127.0.0.1:$sport/api/stream" > target/deploy-failover.txt &
curl_pid=$!
sleep 5
"${podman[@]}" kill "bridgetest_bridge-${holder}_1" >/dev/null
killed=$(date +%s%N)
moved=""
for _ in $(seq 1 60); do
  for i in 1 2 3; do
    [ "$i" = "$holder" ] && continue
    if "${podman[@]}" logs "bridgetest_bridge-${i}_1" 2>&1 | grep "now holds the upstream link" >/dev/null; then moved=$(date +%s%N); fi
  done
  [ -n "$moved" ] && break
  sleep 0.5
done
wait "$curl_pid" || true
check "the link moved to a survivor" test -n "$moved"
[ -n "$moved" ] && figure "compose failover: link on a survivor $(((moved - killed) / 1000000)) ms after the holder was killed (lease 3 s, member timeout 6 s)"
check "the survivor's stream went on: seqs consecutive across the kill, no reset" python3 - target/deploy-failover.txt <<'PY'
import json, sys
seqs, resets = [], 0
for block in open(sys.argv[1]).read().split("\n\n"):
    if "event: reset" in block:
        resets += 1
    for line in block.splitlines():
        if line.startswith("data: ") and "upstreamSeq" in line:
            seqs.append(json.loads(line[6:])["trace"]["upstreamSeq"])
gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1]
print(f"   {len(seqs)} events on the survivor's stream, seq {seqs[:1]}..{seqs[-1:]}, {resets} reset(s), gaps {gaps[:3]}")
sys.exit(0 if len(seqs) > 40 and resets == 0 and not gaps else 1)
PY
fi

say "$passed passed, $failed failed"
echo "deploy: $passed passed, $failed failed"
[ "$failed" = 0 ]
