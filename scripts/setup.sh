#!/usr/bin/env bash
# Installs what is missing (Debian packages, the pinned LibTorch from the PyPI torch wheel),
# then configures and builds modelcard into build/. Safe to run again: it skips what is there.
#   scripts/setup.sh            # everything
#   MODELCARD_BUILD_DIR=b scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION=2.15.0                      # pinned; CUDA-enabled wheel, runs on CPU without a GPU
CACHE_DIR=${MODELCARD_CACHE:-$HOME/.cache/modelcard}
VENV=$CACHE_DIR/torch-$TORCH_VERSION      # cached outside the tree: the wheel and its CUDA libs are ~5 GB
BUILD_DIR=${MODELCARD_BUILD_DIR:-build}

log() { printf '[setup] %s\n' "$*" >&2; }

APT_PACKAGES=(build-essential cmake ninja-build git python3 python3-venv pkg-config
  libyaml-cpp-dev libcmark-gfm-dev libcmark-gfm-extensions-dev doctest-dev libkainjow-mustache-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev hugo libjs-katex chromium chromium-driver)
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

PY=${MODELCARD_PYTHON:-python3}
if ! "$VENV/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
  log "installing torch==$TORCH_VERSION into $VENV (cached for later runs)"
  mkdir -p "$CACHE_DIR"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "torch==$TORCH_VERSION" numpy
fi
TORCH_PREFIX=$("$VENV/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)')

log "configuring and building in $BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" \
  -DMODELCARD_PYTHON="$VENV/bin/python" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
