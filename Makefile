# The facade over CMake: the commands a new user and CI run.
#   make run    install what is missing, build, start on the embedded default (SQLite in ./data)
#   make test   install, build, run every test (unit, integration, the ASan and TSan builds of the
#               unit tests, each fuzz target for 30 s)
#   make fuzz   the libFuzzer targets, each for FUZZ_SECONDS (default 30) on its corpus (docs/fuzzing.md)
#   make build  the server binary at build/aisafe
#   make bench  micro-benchmarks and the server under wrk next to nginx
#   make eval   detection accuracy: held-out split, everyday prompts, leave one source out
#   make train  retrain models/injection.bin and models/suffix_lm.bin from datasets/injection (deterministic)
#   make fmt / make lint

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
# The fuzz and tsan presets (CMakePresets.json) own these two directories.
FUZZ_DIR = build-fuzz
TSAN_DIR = build-tsan
FUZZ_SECONDS ?= 30
FUZZ_JOBS ?= 2
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps configure build run test test-unit test-asan test-tsan test-fuzz fuzz fuzz-build bench eval train fmt lint clean

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) --target aisafe -j $(JOBS)

run: build
	@mkdir -p data
	@./$(BUILD_DIR)/aisafe serve

# Each stage says when it starts, so a slow CI run shows where its time went.
test: configure
	@echo "== build $$(date +%T)"
	@cmake --build $(BUILD_DIR) -j $(JOBS)
	@echo "== ctest $$(date +%T)"
	@cd $(BUILD_DIR) && ctest --output-on-failure -j 2
	@echo "== test-asan $$(date +%T)"
	@$(MAKE) --no-print-directory test-asan
	@echo "== test-fuzz $$(date +%T)"
	@$(MAKE) --no-print-directory test-fuzz
	@echo "== test-tsan $$(date +%T)"
	@$(MAKE) --no-print-directory test-tsan
	@echo "== done $$(date +%T)"

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAISAFE_SANITIZE=ON \
		-DAISAFE_BUILD_BENCH=OFF -DAISAFE_REFERENCE_PAGE=OFF >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS) --target unit_core unit_crypto unit_telemetry unit_detect unit_pii unit_policy unit_http unit_resilience unit_cache unit_webhooks unit_storage unit_auth unit_api unit_app unit_jobs unit_validation unit_batch_writer unit_proxy
	@cd $(ASAN_DIR) && ctest --output-on-failure -L unit -j 2

# The unit tests that run threads (server lanes and batched writes, rate limiters, the cache,
# exporters, the job worker, the batch writer) under ThreadSanitizer. Only those are built.
TSAN_TESTS = unit_http unit_resilience unit_cache unit_telemetry unit_jobs unit_batch_writer
test-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build $(TSAN_DIR) -j $(JOBS) --target $(TSAN_TESTS)
	@cd $(TSAN_DIR) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
		ctest --output-on-failure -j 2 -R '^($(subst $(eval) ,|,$(TSAN_TESTS)))$$'

# libFuzzer targets (clang-14): build, then run each for FUZZ_SECONDS, FUZZ_JOBS at a time.
fuzz-build: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	@bash scripts/run-fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_JOBS)

# CI: every target for 30 s, whatever FUZZ_SECONDS says. The release build's compiled-rule
# cache, filled by the unit tests just before, saves the pipeline and policy targets a minute
# each of compiling the shipped rules under ASan.
test-fuzz:
	@COMPILED_RULES_CACHE_DIR=$(CURDIR)/$(BUILD_DIR)/compiled-rules-cache \
		$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

bench: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target aisafe bench_pipeline bench_rules bench_rate_limiter bench_cache
	@./$(BUILD_DIR)/bench/bench_pipeline --benchmark_min_time=0.5 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	@./$(BUILD_DIR)/bench/bench_rules 10
	@./$(BUILD_DIR)/bench/bench_rate_limiter --benchmark_min_time=0.5 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
	@bash bench/with_redis.sh ./$(BUILD_DIR)/bench/bench_cache --benchmark_min_time=0.5 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
	@bash bench/http/run.sh $(BUILD_DIR)/aisafe

# What the classifier trains on (and the held-out split and leave-one-source-out evaluations read).
TRAIN_DATA = --data datasets/injection/injection_dev.jsonl --data datasets/injection/handwritten.jsonl \
	--data datasets/injection/handwritten_broad.jsonl --data datasets/injection/benign_broad.jsonl \
	--data datasets/injection/attacks_extra.jsonl
# Never trained on: ordinary prompts written by hand to see what a new user would see, and
# ordinary documents (emails, worksheets, READMEs) as an application would retrieve them.
EVERYDAY_DATA = --data datasets/everyday/everyday.jsonl
EVERYDAY_DOCUMENTS = --data datasets/everyday/documents.jsonl

eval: build
	@echo "== held-out split (templates the model never trained on, same sources) =="
	@./$(BUILD_DIR)/aisafe eval $(TRAIN_DATA)
	@echo; echo "== everyday prompts (never trained on) =="
	@./$(BUILD_DIR)/aisafe eval $(EVERYDAY_DATA) --split all --misses 40
	@echo; echo "== everyday documents as retrieved content (never trained on) =="
	@./$(BUILD_DIR)/aisafe eval $(EVERYDAY_DOCUMENTS) --split all --as-retrieved --misses 40
	@echo; echo "== leave one source out (each origin scored by a model that never saw it) =="
	@./$(BUILD_DIR)/aisafe eval $(TRAIN_DATA) --leave-one-source-out

train: build
	@./$(BUILD_DIR)/aisafe train $(TRAIN_DATA) --seed 1 --out models/injection.bin
	@./$(BUILD_DIR)/aisafe train $(TRAIN_DATA) --suffix-out models/suffix_lm.bin

fmt:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

lint: configure
	@git ls-files 'src/*.cc' | xargs -P $(JOBS) -n 8 clang-tidy -p $(BUILD_DIR) --quiet

clean:
	@rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR) $(TSAN_DIR)
