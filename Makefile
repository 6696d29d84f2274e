# clustersim — one plain Makefile.
#   make            build bin/clustersim
#   make run        install missing packages, run the shipped default experiment, plot it
#   make test       install missing packages, build and run every test (ends with "N passed, N failed")
#   make asan       the tests built and run with AddressSanitizer + UBSan
#   make bench      benchmarks; they print figures and assert nothing about time
#   make deps       apt-get the Debian packages the build needs (root), or print the line

CC      ?= cc
PKGS    := gsl jansson zlib yaml-0.1 libmicrohttpd libcurl sqlite3
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 -Wundef \
           -Wvla -Wold-style-definition -Wdouble-promotion \
           -Wno-unused-parameter -Werror
OPT     ?= -O2 -g
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
INC     := -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lgsl -lgslcblas -ljansson -lz -lyaml -lmicrohttpd -lcurl -lsqlite3) -lm -pthread
# Link-time optimization of the program (about 5% fewer instructions in
# the schedulers' loops, which call into the cell and the engine across
# files).  The objects carry regular code too, so the tests and benchmarks
# link them without LTO, quickly.
LTO     ?= -flto=auto -ffat-lto-objects
CFLAGS_ALL = $(CSTD) $(OPT) $(LTO) $(WARN) $(INC) -pthread -MMD -MP $(EXTRA_CFLAGS)

BUILD   ?= build
BIN     ?= bin

# Every module except the program's entry point goes into one static library
# that the program, the tests and the benchmarks link against.
LIB_SRC := $(wildcard sim/*.c schedulers/*.c balancer/*.c controllers/*.c specs/*.c workloads/*.c analysis/*.c live/*.c helix/*.c)
LIB_SRC := $(filter-out sim/main.c,$(LIB_SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

DEPS_PKGS := build-essential pkg-config libgsl-dev libjansson-dev libyaml-dev libcmocka-dev zlib1g-dev gnuplot-nox nginx-light python3 bsdutils libmicrohttpd-dev libcurl4-openssl-dev libsqlite3-dev curl haproxy slurmctld slurmd slurm-client munge iproute2 chromium

.PHONY: all deps run test asan bench fuzz omega-paper integration clean
all: $(BIN)/clustersim

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(EXTRA_DEFS) -c $< -o $@

# The git commit the program is built from, for report's provenance: the
# stamp changes only when the commit does, and only report.o reads it.
GIT_COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null)
$(BUILD)/git-commit: FORCE
	@mkdir -p $(BUILD)
	@echo '$(GIT_COMMIT)' | cmp -s - $@ || echo '$(GIT_COMMIT)' > $@
$(BUILD)/analysis/report.o: $(BUILD)/git-commit
$(BUILD)/analysis/report.o: EXTRA_DEFS = -DCS_GIT_COMMIT='"$(GIT_COMMIT)"'
.PHONY: FORCE

$(BUILD)/libclustersim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/clustersim: $(BUILD)/sim/main.o $(BUILD)/libclustersim.a
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(LTO) -o $@ $^ $(LIBS) $(EXTRA_LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libclustersim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fno-lto -o $@ $< $(BUILD)/libclustersim.a $(LIBS) -lcmocka $(EXTRA_LDFLAGS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libclustersim.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fno-lto -o $@ $< $(BUILD)/libclustersim.a $(LIBS) $(EXTRA_LDFLAGS)

# node and npm for the integration test's real SockJS stack: Debian's,
# unless the machine already has them (its npm packages are installed by
# tests/integration/run.sh with npm ci, from the committed lockfile)
deps:
	@sh .ci/deps.sh $(DEPS_PKGS)
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || sh .ci/deps.sh nodejs npm

run: deps
	@$(MAKE) --no-print-directory all
	@rm -rf results/default
	$(BIN)/clustersim sweep experiments/default.json -o results/default -j 2 -q
	$(BIN)/clustersim plot results/default/points/* -o results/default/utilization.png
	@echo "results in results/default (points/*/summary.json, sweep.csv, *.png); per configuration:"
	@$(BIN)/clustersim table results/default

test: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN)
	@CS_INTEGRATION="sh tests/integration/run.sh $(BIN)/clustersim $(BUILD); sh tests/integration/live.sh $(BIN)/clustersim; sh tests/integration/live_recovery.sh $(BIN)/clustersim; sh tests/integration/live_vs_sim.sh $(BIN)/clustersim; sh tests/integration/live_lb.sh $(BIN)/clustersim; sh tests/integration/slurm.sh $(BIN)/clustersim" \
	  sh tests/run.sh $(BIN)/clustersim $(TEST_BIN)

# The sanitizer build lives in its own tree so that it never mixes objects
# with the optimized one.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin OPT="-O1 -g -fno-omit-frame-pointer" LTO= \
	  EXTRA_CFLAGS="-DCS_DEBUG -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" build-asan/bin/clustersim \
	  $(TEST_BIN:$(BUILD)/%=build-asan/%)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 CS_TEST_QUICK=1 \
	  sh tests/run.sh build-asan/bin/clustersim $(TEST_BIN:$(BUILD)/%=build-asan/%)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@sh bench/run.sh $(BIN)/clustersim $(BUILD)/bench

# The Omega paper's study: four sweeps and their figures (docs/validation.md).
omega-paper: deps
	@$(MAKE) --no-print-directory all
	sh experiments/omega-paper/run.sh results/omega-paper

# The session-balancing model against the real SockJS stack on 127.0.0.1
# (tests/integration/run.sh: Debian's nginx-light, installed by deps
# without starting its service; sockjs and sockjs-client from npm, pinned
# by tests/integration/js/package-lock.json), and live mode's
# (tests/integration/live.sh: a controller and three agents on loopback
# addresses; live_recovery.sh: the controller SIGKILLed and restarted;
# live_vs_sim.sh: one experiment live and simulated; live_lb.sh: nginx
# and HAProxy kept in step with an app as it scales, Debian's haproxy
# installed by deps like nginx), and sweeps as Slurm job arrays
# (tests/integration/slurm.sh: Debian's slurm-wlm 22.05 and munge started
# from a generated slurm.conf in a network namespace of their own).
# `make test` runs them after the unit tests.
integration: deps
	@$(MAKE) --no-print-directory all
	sh tests/integration/run.sh $(BIN)/clustersim $(BUILD)
	sh tests/integration/live.sh $(BIN)/clustersim
	sh tests/integration/live_recovery.sh $(BIN)/clustersim
	sh tests/integration/live_vs_sim.sh $(BIN)/clustersim
	sh tests/integration/live_lb.sh $(BIN)/clustersim
	sh tests/integration/slurm.sh $(BIN)/clustersim

# Fuzz the parsers with libFuzzer (clang): FUZZ_SECONDS each (default 60);
# new inputs go to fuzz-out/, the committed seeds stay in tests/fuzz/corpus/.
# cli: whole command lines of run, sweep, compare and trace info with their
# files, against the exit-code contract and the output directory
# (tests/fuzz/fuzz_cli.c).  Undefined behaviour stops a target as a crash
# does (no recovery, as in make asan).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := experiment empirical omega_init swf google google_jobs alibaba cli spec api
fuzz:
	@sh .ci/deps.sh clang libclang-rt-14-dev $(DEPS_PKGS)
	@$(MAKE) --no-print-directory CC=clang BUILD=build-fuzz BIN=build-fuzz/bin OPT="-O1 -g" LTO= \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" build-fuzz/libclustersim.a
	@for t in $(FUZZ_TARGETS); do \
	  clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -I. -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all \
	    -o build-fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c build-fuzz/libclustersim.a $(LIBS) || exit 1; \
	  mkdir -p fuzz-out/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s =="; \
	  build-fuzz/fuzz_$$t -artifact_prefix=fuzz-out/$$t- -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 $$(test -f tests/fuzz/$$t.dict && echo -dict=tests/fuzz/$$t.dict) \
	    fuzz-out/$$t tests/fuzz/corpus/$$t >fuzz-out/$$t.log 2>&1 \
	    || { tail -40 fuzz-out/$$t.log; echo "fuzz $$t: FAILED (crash input in fuzz-out/$$t-crash-*)"; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|Done' fuzz-out/$$t.log; \
	done

clean:
	rm -rf build build-asan build-fuzz bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
