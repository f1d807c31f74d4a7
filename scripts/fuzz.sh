#!/usr/bin/env bash
# make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="task json"]: builds the libFuzzer targets of fuzz/ with clang
# (ASan + UBSan) and runs each for N seconds, starting from its seed corpus fuzz/corpus/<target>. New
# corpus entries go to build-fuzz/corpus/<target> (not committed); a crashing input is written to
# build-fuzz/artifacts/<target>/ and makes the script fail: fix the bug, then keep the input in
# fuzz/regressions/<target>/ (tests/util/fuzz_regressions_test.cpp replays them in `make test`).
set -euo pipefail
seconds=${1:-60}
build=${2:-build-fuzz}
targets=${3:-"safetensors json task kaggle submission grid_output token_file checkpoint lora_adapters"}
cd "$(dirname "$0")/.."
bash scripts/install-sanitizer-deps.sh
# The torch targets (checkpoint, lora_adapters) link libttt_torch.a of the main build TTT_TORCH_BUILD.
torch_build=${TTT_TORCH_BUILD:-build}
torch_args=()
if [ -f "$torch_build/CMakeCache.txt" ]; then
  cmake --build "$torch_build" -j "${JOBS:-2}" --target ttt_torch
  torch_args=(-DTTT_TORCH_BUILD="$(cd "$torch_build" && pwd)")
else
  echo "(no main build in $torch_build: the checkpoint and lora_adapters targets are skipped; run make build)"
fi
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ "${torch_args[@]}" >/dev/null
cmake --build "$build" -j "${JOBS:-2}"
# detect_container_overflow=0: containers cross into the uninstrumented libtorch (torch targets); libtorch's
# one-time allocations are not leaks of ours (scripts/lsan.supp).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_container_overflow=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for target in $targets; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  # The targets' scratch files, one folder per target (two runs of this script may go side by side),
  # removed after each run.
  export TMPDIR="$PWD/$build/tmp/$target"
  mkdir -p "$corpus" "$artifacts" "$TMPDIR"
  if [ ! -x "$build/fuzz_$target" ]; then echo "== fuzz_$target: not built (skipped)"; continue; fi
  echo "== fuzz_$target: ${seconds}s"
  # Inputs up to 64 KB: enough for every structure the readers know; -timeout catches hangs, -rss_limit_mb
  # memory blow-ups.
  if ! nice -n 10 "$build/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "fuzz/corpus/$target" \
      >"$build/fuzz_$target.log" 2>&1; then
    echo "   FAILED: see $build/fuzz_$target.log and $artifacts/"
    status=1
  fi
  rm -rf "$TMPDIR"
  grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$build/fuzz_$target.log" | tail -1 || true
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz_$target.log" || true
done
exit $status
