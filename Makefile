# ttt.cpp — every target installs what it needs first (scripts/install-deps.sh is idempotent).
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps configure build test test-asan test-tsan fuzz demo bench clean
all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# ASan + UBSan build of the project's code in build-asan/, then the whole suite (libtorch as installed).
test-asan:
	@JOBS=$(JOBS) bash scripts/test-asan.sh build-asan

# ThreadSanitizer on the program search's thread pool (the OpenMP parts are checked by thread-count tests).
test-tsan:
	@JOBS=$(JOBS) bash scripts/test-tsan.sh build-tsan

# libFuzzer targets of fuzz/ (clang), each run FUZZ_SECONDS on its seed corpus; FUZZ_TARGETS picks some.
# The checkpoint and LoRA-adapter targets link the main build's libttt_torch.a, hence `configure`.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= safetensors json task kaggle submission grid_output token_file checkpoint lora_adapters
fuzz: configure
	@JOBS=$(JOBS) TTT_TORCH_BUILD=$(BUILD) bash scripts/fuzz.sh $(FUZZ_SECONDS) build-fuzz "$(FUZZ_TARGETS)"

demo: build
	@bash scripts/demo.sh $(BUILD)

bench: build
	@bash scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)
