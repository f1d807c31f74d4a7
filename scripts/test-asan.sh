#!/usr/bin/env bash
# make test-asan: the project's code (library, CLI, tests) built with AddressSanitizer + UndefinedBehavior-
# Sanitizer in build-asan/ and the whole test suite run on it; libtorch is used as installed (not
# instrumented). Any sanitizer report fails the test that triggered it.
#   TTT_ASAN_TARGETS="ttt_util_tests ttt_arc_tests"  builds only these targets (default: everything)
#   TTT_ASAN_TESTS=regex  runs only the matching tests (ctest -R), e.g. "^(Arc|TaskIo|Cli)".
set -euo pipefail
build=${1:-build-asan}
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g1"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$flags" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
      -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" \
      >/dev/null
targets=()
for t in ${TTT_ASAN_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j "${JOBS:-2}" "${targets[@]}"
# detect_container_overflow=0: std::vector annotations would misfire on containers shared with the
# uninstrumented libtorch. Leaks are checked (LSan), with libtorch's own one-time allocations suppressed.
export ASAN_OPTIONS="detect_container_overflow=0:detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
args=(--test-dir "$build" --output-on-failure -j "${JOBS:-2}")
[ -n "${TTT_ASAN_TESTS:-}" ] && args+=(-R "$TTT_ASAN_TESTS")
ctest "${args[@]}"
