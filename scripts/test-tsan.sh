#!/usr/bin/env bash
# make test-tsan: ThreadSanitizer on the multi-threaded code it can watch. The ARC program search runs its
# own std::thread pool over tasks (arc/search/solver.cpp); its tests (including solving the same tasks on 1
# and 2 threads) are built with -fsanitize=thread in build-tsan/ and any data race fails them.
# The other parallel parts run on libtorch's OpenMP pool (the fused TTT kernels, GEMMs) or in separate
# processes (data-parallel ranks, --nproc): libgomp is not instrumented, so TSan would only report noise
# there; their race checks are tests that demand bit-identical results across thread counts
# (FusedInnerState.ThreadCountDoesNotChangeTheResult) and across process layouts (Distributed*).
set -euo pipefail
build=${1:-build-tsan}
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-fsanitize=thread -g1" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target ttt_arc_search_tests
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
# ThreeStepProgramAtDepthThree demands depth 3 within a wall-clock limit, which TSan's 5-15x slowdown
# breaks; it runs on one thread, so it has nothing to tell TSan anyway.
"$build/tests/ttt_arc_search_tests" --gtest_filter=-Search.ThreeStepProgramAtDepthThree
