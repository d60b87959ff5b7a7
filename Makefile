# parabench — build, test, bench, run.
#
#   make            build/parabench and build/plugins/*.so
#   make test       the Criterion suite (installs missing packages first)
#   make run        run experiments/demo.yaml and say where the results went
#   make bench      benchmarks, each figure beside a reference from the same run
#   make install    into $(DESTDIR)$(PREFIX) (default /usr/local); uninstall
#   make format     clang-format every C file
#
# SANITIZE=address,undefined or SANITIZE=thread builds into build/san-<name>/.

SHELL := /bin/bash
CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif

SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD ?= build
SANFLAGS :=
else
BUILD ?= build/san-$(subst $(comma),-,$(SANITIZE))
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif
comma := ,
# gcc's sanitizer instrumentation raises false warnings (its manual advises
# against -Werror with sanitizers); the plain build still checks these.
SAN_NO_WARN := $(if $(SANFLAGS),$(if $(findstring clang,$(CC)),,\
	-Wno-array-bounds -Wno-stringop-overflow -Wno-maybe-uninitialized))

VERSION := 0.1.0
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# -march: the pi simd kernel picks its own instructions at run time, so the
# whole build stays portable to any x86-64 (and runs under valgrind).
OPT ?= -O2
# Plugins see only include/: a plugin that reaches into core/ fails to build.
CFLAGS_PLUGIN := -std=gnu11 -Wall -Wextra -Werror \
	$(OPT) -g $(SANFLAGS) $(SAN_NO_WARN) -Iinclude -MMD -MP
CFLAGS_BASE := $(CFLAGS_PLUGIN) -Icore
DEFS := -DPB_VERSION='"$(VERSION)"' -DPB_GIT_COMMIT='"$(GIT_COMMIT)"' \
	-DPB_CFLAGS='"$(strip $(OPT) $(SANFLAGS))"' -DPB_SOURCE_DIR='"$(CURDIR)"'
# The libraries core links with, by pkg-config name.
CORE_PKGS := yaml-0.1 hwloc jansson nettle
YAML_CFLAGS := $(shell pkg-config --cflags $(CORE_PKGS) 2>/dev/null)
YAML_LIBS := $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null || echo -lyaml -lhwloc -ljansson -lnettle)
CORE_LIBS := $(YAML_LIBS) -lm -pthread
PLUGIN_FLAGS := -fPIC -shared -fvisibility=hidden -Wl,-z,defs

CORE_SRC := $(filter-out core/cli/main.c,$(wildcard core/*/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/core/cli/main.o
CORE_LIB := $(BUILD)/libpbcore.a

# A plugin is plugins/<kind>/<name>.c; an optional <name>.pkgs beside it
# names the pkg-config packages it links with.
PLUGIN_SRC := $(wildcard plugins/workloads/*.c plugins/strategies/*.c)
# The mpi strategy and its rank program need Open MPI's headers (Debian:
# libopenmpi-dev); without them (or with MPI=0) both are left out.
HAVE_MPI := $(if $(filter 0,$(MPI)),,$(shell pkg-config --exists ompi-c 2>/dev/null && echo 1))
ifeq ($(HAVE_MPI),1)
MPI_WORKER := $(BUILD)/plugins/parabench-mpi-worker
else
PLUGIN_SRC := $(filter-out plugins/strategies/mpi.c,$(PLUGIN_SRC))
ifeq ($(MAKELEVEL),0)
$(info parabench: $(if $(filter 0,$(MPI)),MPI=0,no Open MPI headers (pkg-config ompi-c; Debian libopenmpi-dev)): the mpi strategy is not built)
endif
endif
PLUGINS := $(foreach s,$(PLUGIN_SRC),$(BUILD)/plugins/$(basename $(notdir $(s))).so)
# Plugins built only for the tests: misbehaving workloads (crash, hang, ...)
# in test-plugins/, and plugins the loader must refuse in broken-plugins/.
TEST_PLUGIN_SRC := $(wildcard tests/plugins/*.c)
TEST_PLUGINS := $(TEST_PLUGIN_SRC:tests/plugins/%.c=$(BUILD)/test-plugins/%.so)
BROKEN_PLUGIN_SRC := $(wildcard tests/broken-plugins/*.c)
TEST_PLUGINS += $(BROKEN_PLUGIN_SRC:tests/broken-plugins/%.c=$(BUILD)/broken-plugins/%.so)

TEST_SRC := $(wildcard tests/test_*.c)
TEST_SUPPORT_SRC := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_LIBS := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

# V=1 shows the compiler command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps test run bench fuzz format clean check-format install uninstall check-layers
all: $(BUILD)/parabench $(PLUGINS) $(MPI_WORKER)

deps:
	@scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_BASE) $(DEFS) $(YAML_CFLAGS) $(CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/parabench: $(MAIN_OBJ) $(CORE_LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS_BASE) $(CFLAGS) $^ -o $@ $(CORE_LIBS) $(LDFLAGS)

pkgs_of = $(if $(wildcard $(1:.c=.pkgs)),$(shell pkg-config --cflags --libs $$(cat $(1:.c=.pkgs))))
plugin_src = $(firstword $(wildcard plugins/workloads/$(1).c plugins/strategies/$(1).c))

# Keep the test support objects: make would delete them as intermediates.
.SECONDARY: $(TEST_SUPPORT_OBJ)

.SECONDEXPANSION:
$(BUILD)/plugins/%.so: $$(call plugin_src,%) include/parabench/plugin.h
	@mkdir -p $(@D)
	@mkdir -p $(BUILD)/obj/plugins
	@echo "  PLUGIN  $@"
	$(Q)$(CC) $(CFLAGS_PLUGIN) $(PLUGIN_FLAGS) $(CFLAGS) $< -o $@ \
		-MF $(BUILD)/obj/plugins/$*.d \
		$(call pkgs_of,$<) -lm -pthread $(LDFLAGS)

# The program the mpi strategy spawns as its ranks, beside the plugins.
$(BUILD)/plugins/parabench-mpi-worker: plugins/strategies/mpi/worker.c \
		include/parabench/plugin.h
	@mkdir -p $(@D) $(BUILD)/obj/plugins
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS_PLUGIN) $(CFLAGS) $< -o $@ \
		-MF $(BUILD)/obj/plugins/parabench-mpi-worker.d \
		$(shell pkg-config --cflags --libs ompi-c) -ldl $(LDFLAGS)

$(BUILD)/test-plugins/%.so: tests/plugins/%.c include/parabench/plugin.h
	@mkdir -p $(@D)
	@mkdir -p $(BUILD)/obj/test-plugins
	@echo "  PLUGIN  $@"
	$(Q)$(CC) $(CFLAGS_PLUGIN) -fPIC -shared $(CFLAGS) $< -o $@ -lm -pthread \
		-MF $(BUILD)/obj/test-plugins/$*.d

$(BUILD)/broken-plugins/%.so: tests/broken-plugins/%.c include/parabench/plugin.h
	@mkdir -p $(@D) $(BUILD)/obj/broken-plugins
	@echo "  PLUGIN  $@"
	$(Q)$(CC) $(CFLAGS_PLUGIN) -fPIC -shared $(CFLAGS) $< -o $@ \
		-MF $(BUILD)/obj/broken-plugins/$*.d

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS_BASE) $(DEFS) $(YAML_CFLAGS) -Itests/support $(CFLAGS) \
		$< $(TEST_SUPPORT_OBJ) $(CORE_LIB) -o $@ $(TEST_LIBS) $(CORE_LIBS) \
		$(LDFLAGS) -MF $(BUILD)/obj/tests/$*.d

# Every test binary runs with the build folder in its environment, so the
# end-to-end tests find the binary and the plugins of this very build.
test: deps check-layers
	@$(MAKE) --no-print-directory all $(TEST_PLUGINS) $(TESTS)
	@PB_BUILD=$(abspath $(BUILD)) scripts/run-tests.sh $(TESTS)

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/parabench run experiments/demo.yaml

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/test-plugins/empty.so
	@PB_BUILD=$(abspath $(BUILD)) PB_CORE_LIBS="$(CORE_LIBS)" bench/run.sh

# Both sanitizer suites, each in its own build folder: AddressSanitizer with
# UndefinedBehaviorSanitizer (and LeakSanitizer), then ThreadSanitizer.
# scripts/run-tests.sh turns any sanitizer report into a failure.
.PHONY: test-sanitize valgrind
test-sanitize:
	@$(MAKE) --no-print-directory test SANITIZE=address,undefined
	@$(MAKE) --no-print-directory test SANITIZE=thread

# A small experiment end to end under valgrind (scripts/ci-valgrind.sh):
# its own -O1 build without sanitizers (valgrind cannot run them).
VALGRIND_BUILD ?= build/valgrind
valgrind: deps
	@$(MAKE) --no-print-directory BUILD=$(VALGRIND_BUILD) OPT=-O1 SANITIZE= all
	@PB_BUILD=$(abspath $(VALGRIND_BUILD)) scripts/ci-valgrind.sh

# The experiment loader under libFuzzer, seeded with every experiment file
# and the bad-input corpus. Crashes land in $(BUILD)/fuzz/ as crash-*.
# -fno-sanitize-recover: undefined behaviour aborts, so libFuzzer counts it
# as a crash instead of printing it and going on.
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(filter-out core/cli/%,$(wildcard core/*/*.c))
FUZZ_BIN := $(BUILD)/fuzz/fuzz_experiment
$(FUZZ_BIN): tests/fuzz/fuzz_experiment.c $(FUZZ_SRC)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined \
		-Iinclude -Icore $(DEFS) $(YAML_CFLAGS) $^ -o $@ $(YAML_LIBS) -lm -pthread

fuzz: deps
	@$(MAKE) --no-print-directory all $(FUZZ_BIN)
	@rm -rf $(BUILD)/fuzz/corpus && mkdir -p $(BUILD)/fuzz/corpus
	@cp experiments/*.yaml tests/bad/* $(BUILD)/fuzz/corpus/ 2>/dev/null; true
	cd $(BUILD)/fuzz && PB_BUILD=$(abspath $(BUILD)) ./fuzz_experiment \
		-max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-dict=$(abspath tests/fuzz/experiment.dict) \
		-print_final_stats=1 corpus

# Installs the binary, the plugins beside it in lib/parabench/plugins (where
# the registry looks), the plugin header with its pkg-config file, the man
# pages, the guide, the example plugin, the templates of `parabench new`,
# the experiments and the chart templates. `make uninstall` removes them.
PREFIX ?= /usr/local
INSTALL_ROOT = $(DESTDIR)$(PREFIX)
INSTALL_DIRS = bin lib/parabench/plugins lib/pkgconfig include/parabench \
	share/man/man1 share/man/man5 share/doc/parabench \
	share/parabench/plots share/parabench/templates \
	share/parabench/experiments share/parabench/examples/hashsum
install: all
	install -d $(addprefix $(INSTALL_ROOT)/,$(INSTALL_DIRS))
	install -m 755 $(BUILD)/parabench $(INSTALL_ROOT)/bin/
	install -m 755 $(PLUGINS) $(MPI_WORKER) $(INSTALL_ROOT)/lib/parabench/plugins/
	install -m 644 include/parabench/plugin.h $(INSTALL_ROOT)/include/parabench/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
		parabench.pc.in > $(INSTALL_ROOT)/lib/pkgconfig/parabench.pc
	chmod 644 $(INSTALL_ROOT)/lib/pkgconfig/parabench.pc
	install -m 644 man/parabench.1 $(INSTALL_ROOT)/share/man/man1/
	install -m 644 man/parabench-experiment.5 $(INSTALL_ROOT)/share/man/man5/
	install -m 644 docs/writing-plugins.md $(INSTALL_ROOT)/share/doc/parabench/
	install -m 644 plots/*.gp $(INSTALL_ROOT)/share/parabench/plots/
	install -m 644 templates/* $(INSTALL_ROOT)/share/parabench/templates/
	install -m 644 experiments/*.yaml $(INSTALL_ROOT)/share/parabench/experiments/
	install -m 644 examples/hashsum/* $(INSTALL_ROOT)/share/parabench/examples/hashsum/
uninstall:
	rm -f $(INSTALL_ROOT)/bin/parabench $(INSTALL_ROOT)/include/parabench/plugin.h \
		$(INSTALL_ROOT)/lib/pkgconfig/parabench.pc \
		$(INSTALL_ROOT)/share/man/man1/parabench.1 \
		$(INSTALL_ROOT)/share/man/man5/parabench-experiment.5 \
		$(INSTALL_ROOT)/share/doc/parabench/writing-plugins.md \
		$(addprefix $(INSTALL_ROOT)/lib/parabench/plugins/,$(notdir $(PLUGINS) $(MPI_WORKER)))
	rm -rf $(INSTALL_ROOT)/share/parabench
	-rmdir $(INSTALL_ROOT)/lib/parabench/plugins $(INSTALL_ROOT)/lib/parabench \
		$(INSTALL_ROOT)/include/parabench $(INSTALL_ROOT)/share/doc/parabench 2>/dev/null

# core/'s folders are layers: a file includes only its own folder and the
# folders below it (scripts/check-layers.sh holds the order).
check-layers:
	@scripts/check-layers.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
