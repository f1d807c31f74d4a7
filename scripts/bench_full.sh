#!/usr/bin/env bash
# The measurements behind docs/results.md "Kernels", in one run (about 15 minutes on 2 cores; run it on a
# quiet machine — every figure is compared only with others of the same run):
#   bash scripts/bench_full.sh BUILD OUT [TTT_PY]
# QUICK=1 keeps only what the prefill/decode targets need (sgemm, membw, layer prefill ours and official, the 125m
# model's prefill and decode: about 5 minutes). It
# writes OUT/rows.jsonl (one `ttt bench --json` row per line, the official reference's rows too when
# TTT_PY — ttt.py of test-time-training/ttt-lm-pytorch, fetched by you — is given and /usr/bin/python3 has
# torch), OUT/sweep-prefill.svg and OUT/sweep-decode.svg.
set -euo pipefail
build=${1:?usage: bench_full.sh BUILD OUT [TTT_PY]}
out=${2:?usage: bench_full.sh BUILD OUT [TTT_PY]}
ttt_py=${3:-}
threads=${THREADS:-2}
mkdir -p "$out"
rows="$out/rows.jsonl"
: > "$rows"
ttt="$build/ttt"
here=$(cd "$(dirname "$0")" && pwd)
bench() { "$ttt" bench --threads "$threads" --json "$@" | tee -a "$rows"; }
official() {  # $1: label of the BLAS set-up, then time_reference_layer.py arguments
  local label=$1
  shift
  /usr/bin/python3 "$here/time_reference_layer.py" --ttt-py "$ttt_py" --threads "$threads" "$@" 2>/dev/null |
    python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r['setup']='$label'; print(json.dumps(r))" | tee -a "$rows"
}

echo "== $(date -u '+%F %T') $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/machine.txt"
"$ttt" --version | tail -n +2 | tee -a "$out/machine.txt"
bench --op sgemm --repeats 3
bench --op membw --repeats 3

# Layer prefill and training at L 2048 (and 512): ours fused and reference path, then the official layer
# as Debian installs it and with the same BLAS set-up as ours.
for layer in ttt-linear ttt-mlp; do
  for impl in fused reference; do
    bench --op prefill --layer "$layer" --context 2048 --repeats 3 --impl "$impl" --roofline
    [ -n "${QUICK:-}" ] && continue
    for n in 512 2048; do bench --op train_step --layer "$layer" --context "$n" --repeats 2 --impl "$impl"; done
  done
  if [ -n "$ttt_py" ]; then
    short=${layer#ttt-}
    for op in prefill train_step; do
      for n in 512 2048; do
        [ "$op" = prefill ] && [ "$n" = 512 ] && continue
        [ -n "${QUICK:-}" ] && [ "$op" = train_step ] && continue
        official as-installed --layer "$short" --op "$op" --context "$n" --repeats 2
        LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OPENBLAS_CORETYPE=SkylakeX GOMP_SPINCOUNT=1000 \
          official our-setup --layer "$short" --op "$op" --context "$n" --repeats 2
      done
    done
  fi
done

# The inner loop alone, fused vs reference.
[ -n "${QUICK:-}" ] || for layer in ttt-linear ttt-mlp; do
  for impl in fused reference; do bench --op inner --layer "$layer" --context 2048 --repeats 3 --impl "$impl"; done
done

# Four layers, prefill and decode, 1k … 32k, and the plot.
[ -n "${QUICK:-}" ] || "$ttt" bench --threads "$threads" --json --repeats 1 --decode-steps 16 --contexts 1024,2048,4096,8192,16384,32768 \
  --plot "$out/sweep" | tee -a "$rows"

# The whole 125m TTT-Linear model (Mamba backbone): prefill and decode, each with the machine rate measured
# just before and after it (roofline_fraction: the targets of docs/results.md in one row each).
bench --op prefill --preset 125m --backbone mamba --layer ttt-linear --context 2048 --repeats 1 --roofline
bench --op decode --preset 125m --backbone mamba --layer ttt-linear --context 64 --decode-steps 16 --roofline
# Its weight reads alone: the fused GEMV against OpenBLAS's.
for impl in fused reference; do bench --op gemv --preset 125m --repeats 5 --impl "$impl"; done
echo "== done $(date -u '+%F %T'), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
