# parabench — build, test, bench, run.
#
#   make            build/parabench and build/plugins/*.so
#   make test       the Criterion suite (installs missing packages first)
#   make run        run experiments/demo.yaml and say where the results went
#   make bench      benchmarks, each figure beside a reference from the same run
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

VERSION := 0.1.0
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# -march: the pi simd kernel picks its own instructions at run time, so the
# whole build stays portable to any x86-64 (and runs under valgrind).
OPT ?= -O2
# Messages are truncated to fixed buffers on purpose (they cross pipes).
CFLAGS_BASE := -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation \
	$(OPT) -g $(SANFLAGS) \
	-Iinclude -Icore -MMD -MP
DEFS := -DPB_VERSION='"$(VERSION)"' -DPB_GIT_COMMIT='"$(GIT_COMMIT)"' \
	-DPB_CFLAGS='"$(strip $(OPT) $(SANFLAGS))"'
YAML_CFLAGS := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CORE_LIBS := $(YAML_LIBS) -lm -pthread
PLUGIN_FLAGS := -fPIC -shared -fvisibility=hidden -Wl,-z,defs

CORE_SRC := $(filter-out core/main.c,$(wildcard core/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(BUILD)/obj/core/main.o
CORE_LIB := $(BUILD)/libpbcore.a

# A plugin is plugins/<kind>/<name>.c; an optional <name>.pkgs beside it
# names the pkg-config packages it links with.
PLUGIN_SRC := $(wildcard plugins/workloads/*.c plugins/strategies/*.c)
PLUGINS := $(foreach s,$(PLUGIN_SRC),$(BUILD)/plugins/$(basename $(notdir $(s))).so)
# Plugins built only for the tests (broken ones, crashing ones).
TEST_PLUGIN_SRC := $(wildcard tests/plugins/*.c)
TEST_PLUGINS := $(TEST_PLUGIN_SRC:tests/plugins/%.c=$(BUILD)/test-plugins/%.so)

TEST_SRC := $(wildcard tests/test_*.c)
TEST_SUPPORT_SRC := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_LIBS := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

.PHONY: all deps test run bench format clean check-format
all: $(BUILD)/parabench $(PLUGINS)

deps:
	@scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(DEFS) $(YAML_CFLAGS) $(CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/parabench: $(MAIN_OBJ) $(CORE_LIB)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) $^ -o $@ $(CORE_LIBS) $(LDFLAGS)

pkgs_of = $(if $(wildcard $(1:.c=.pkgs)),$(shell pkg-config --cflags --libs $$(cat $(1:.c=.pkgs))))
plugin_src = $(firstword $(wildcard plugins/workloads/$(1).c plugins/strategies/$(1).c))

.SECONDEXPANSION:
$(BUILD)/plugins/%.so: $$(call plugin_src,%) include/parabench/plugin.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(PLUGIN_FLAGS) $(CFLAGS) $< -o $@ \
		$(call pkgs_of,$<) -lm -pthread $(LDFLAGS)

$(BUILD)/test-plugins/%.so: tests/plugins/%.c include/parabench/plugin.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -fPIC -shared $(CFLAGS) $< -o $@ -lm -pthread

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJ) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(DEFS) $(YAML_CFLAGS) -Itests/support $(CFLAGS) \
		$< $(TEST_SUPPORT_OBJ) $(CORE_LIB) -o $@ $(TEST_LIBS) $(CORE_LIBS) $(LDFLAGS)

# Every test binary runs with the build folder in its environment, so the
# end-to-end tests find the binary and the plugins of this very build.
test: deps
	@$(MAKE) --no-print-directory all $(TEST_PLUGINS) $(TESTS)
	@PB_BUILD=$(abspath $(BUILD)) scripts/run-tests.sh $(TESTS)

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/parabench run experiments/demo.yaml

bench: deps
	@$(MAKE) --no-print-directory all
	@PB_BUILD=$(abspath $(BUILD)) bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
