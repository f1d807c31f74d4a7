#!/usr/bin/env bash
# make bench: a short speed check on this machine (full sweeps and the published numbers: docs/results.md).
set -euo pipefail
build=${1:-build}
echo "== $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build/ttt" --version | tail -n +2
"$build/ttt" bench --op membw
# Layer sweep (C 768, 12 heads): sgemm rate, then prefill/decode tokens/s per layer and context.
"$build/ttt" bench --contexts 512,2048 --decode-steps 8 --repeats 1
