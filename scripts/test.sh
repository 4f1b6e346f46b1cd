#!/usr/bin/env bash
# The project's test command (README): installs what the tests need, then runs every test.
#   unit + integration tests (surefire), browser and multi-JVM cluster tests (failsafe),
#   smoke-size runs of the fan-out benchmarks (hub mode, and direct mode with permissions on and off)
#   so they cannot rot, and the deployment tests
#   (scripts/deploy-test.sh: the Dockerfile built and run with podman, compose, Kubernetes manifests).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "== installing chromium and chromium-driver (browser tests)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
fi
export SE_OFFLINE=true

if ! command -v npm >/dev/null 2>&1; then
  echo "== installing nodejs and npm (the browser client's type check)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi
echo "== browser client (clients/js): declarations checked by TypeScript's compiler, unit tests"
# package-lock.json pins the compiler; an installed one is reused, so later runs need no network.
(cd clients/js && { [ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund --prefer-offline; } && npm test)

echo "== mvn verify (unit, integration, browser and cluster tests)"
mvn -B -ntp verify

if [ -f bench/run.sh ]; then
  echo "== benchmark smoke run"
  bash bench/run.sh --smoke
  echo "== direct-mode fan-out smoke run (permissions on and off)"
  bash bench/discord.sh --fanout --smoke --no-build
fi

# The image, compose and Kubernetes checks (docs/deploy.md): podman, debootstrap and the rest are
# installed by the script; its bases are made once and reused. SKIP_DEPLOY_TEST=1 leaves it out.
if [ "${SKIP_DEPLOY_TEST:-0}" != 1 ]; then
  echo "== deployment tests (image, compose, Kubernetes manifests)"
  bash scripts/deploy-test.sh
fi
