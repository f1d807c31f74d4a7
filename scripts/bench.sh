#!/usr/bin/env bash
# make bench: end-to-end throughput on this machine (numbers go to docs/results.md with the date).
set -euo pipefail
build=${1:-build}
echo "== $(date -u +%F) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$build/ttt" bench --preset small --length 512 --decode 64 --repeats 3
