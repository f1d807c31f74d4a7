#!/usr/bin/env bash
# Installs the Debian packages ttt.cpp builds and tests with. Idempotent: when every package is
# already present it only checks (no apt-get update), so `make test` stays fast on a prepared machine.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache
  libtorch-dev            # tensors, autograd, optimizers (libtorch 1.13 on Debian 12)
  libopenblas0-pthread    # optimized BLAS: without it libtorch runs on the reference BLAS, ~10x slower
  libopenblas0-openmp     # its OpenMP build, which ttt links so GEMMs share libtorch's thread pool (CMakeLists.txt)
  libgloo-dev             # headers needed by c10d ProcessGroupGloo
  libsentencepiece-dev    # tokenizer training / loading
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium                # headless rendering check of the ARC HTML report
  # Corpora for `ttt data corpus` (read from the installed files; nothing is downloaded at run time).
  # linux-source-6.1 is Debian 12's kernel source; the code corpus globs /usr/src/linux-source-*.tar.*.
  linux-source            # --name code: the kernel source tarball (metapackage: linux-source-6.1 on Debian 12)
  bible-kjv-text bible-kjv  # --name books: King James Bible (data + the `bible` reader)
  sword-text-web diatheke   # --name books: World English Bible (SWORD module + the `diatheke` reader)
  jargon-text               # --name books: the Jargon File
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[install-deps] all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "[install-deps] need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "[install-deps] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
