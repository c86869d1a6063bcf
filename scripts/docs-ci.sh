#!/usr/bin/env bash
# The CI docs job in one script (.github/workflows/modelcard.yml runs it; tests/e2e/ci_workflow.sh too):
# installs the missing Debian packages, builds the render-only modelcard (no LibTorch), then checks
# that every committed document matches what the committed results/ render to (exit 1 when stale).
#   bash scripts/docs-ci.sh             # modelcard check specs/ --diff (the docs job)
#   bash scripts/docs-ci.sh render      # modelcard render specs/ instead (the publish job)
#   MODELCARD_RENDER_BUILD_DIR=/tmp/br bash scripts/docs-ci.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${MODELCARD_RENDER_BUILD_DIR:-build-render}
MODE=${1:-check}

log() { printf '[docs-ci] %s\n' "$*" >&2; }

case "$MODE" in
  check) MC_ARGS=(check specs/ --diff) ;;
  render) MC_ARGS=(render specs/) ;;
  *) echo "usage: scripts/docs-ci.sh [check|render]" >&2; exit 2 ;;
esac

# The render-only build's dependencies (no LibTorch, no doctest: tests are not built).
APT_PACKAGES=(build-essential cmake ninja-build pkg-config libyaml-cpp-dev libcmark-gfm-dev
  libcmark-gfm-extensions-dev libkainjow-mustache-dev nlohmann-json3-dev libcli11-dev libfmt-dev)
if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  log "no dpkg-query (not Debian): assuming ${APT_PACKAGES[*]} are installed"
fi

log "configuring and building the render-only modelcard in $BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMODELCARD_WITH_TORCH=OFF -DMODELCARD_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target modelcard -j "$(nproc)"

log "modelcard ${MC_ARGS[*]}"
status=0
"$BUILD_DIR/modelcard" "${MC_ARGS[@]}" || status=$?
if [ "$MODE" = check ] && [ "$status" -ne 0 ]; then
  log "stale: documents out of date need 'modelcard render specs/' (or 'bash scripts/docs-ci.sh render'), stale results 'modelcard build' (see above); commit the result"
fi
exit "$status"
