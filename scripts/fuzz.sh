#!/usr/bin/env bash
# make fuzz FUZZ_SECONDS=N [FUZZ_TARGETS="task json"]: builds the libFuzzer targets of fuzz/ with clang
# (ASan + UBSan) and runs each for N seconds, starting from its seed corpus fuzz/corpus/<target>. New
# corpus entries go to build-fuzz/corpus/<target> (not committed); a crashing input is written to
# build-fuzz/artifacts/<target>/ and makes the script fail: fix the bug, then keep the input in
# fuzz/regressions/<target>/ (tests/util/fuzz_regressions_test.cpp replays them in `make test`).
set -euo pipefail
seconds=${1:-60}
build=${2:-build-fuzz}
targets=${3:-"safetensors json task kaggle submission grid_output"}
cd "$(dirname "$0")/.."
bash scripts/install-sanitizer-deps.sh
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "${JOBS:-2}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for target in $targets; do
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts" "$build/tmp"
  export TMPDIR="$PWD/$build/tmp"  # the targets' scratch files, removed after each run
  echo "== fuzz_$target: ${seconds}s"
  # Inputs up to 64 KB: enough for every structure the readers know; -timeout catches hangs, -rss_limit_mb
  # memory blow-ups.
  if ! nice -n 10 "$build/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "fuzz/corpus/$target" \
      >"$build/fuzz_$target.log" 2>&1; then
    echo "   FAILED: see $build/fuzz_$target.log and $artifacts/"
    status=1
  fi
  rm -f "$build"/tmp/ttt_fuzz_*
  grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$build/fuzz_$target.log" | tail -1 || true
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz_$target.log" || true
done
exit $status
