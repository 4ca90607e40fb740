# metasum — GNU make build.  Targets: all deps report check bench asan fuzz lint install clean.
# Variant builds live in their own folders: build/ (default), build/asan/, build/fuzz/.

PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := $(shell sed -n 's/^\#define MSUM_VERSION "\(.*\)"/\1/p' include/metasum/metasum.h)

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN    += -Werror
endif
# librsvg + cairo render the plots' SVG to PNG and PDF (src/io/render.c), loaded with dlopen
# when a plot is first rendered (not linked: start-up stays fast); their headers give the
# calls their types, -isystem keeps those headers out of our warnings.
RSVG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags librsvg-2.0 2>/dev/null))
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L $(RSVG_CFLAGS)
CFLAGS  ?=
CFLAGS  += -std=c11 $(OPT) $(WARN) -fPIC $(SANITIZE)
LDFLAGS += $(SANITIZE)
LIBS    := -lxlsxwriter -lminizip -lexpat -lcsv -lgsl -lgslcblas -ldl -lpthread -lm
TEST_LIBS := -lcriterion

LIB_SRC := $(sort $(wildcard src/core/*.c src/io/*.c src/analysis/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

BIN     := $(BUILD)/metasum
ALIB    := $(BUILD)/libmetasum.a
SOLIB   := $(BUILD)/libmetasum.so
TESTBIN := $(BUILD)/tests/run_tests

export LC_ALL := C
MAKEFLAGS += --no-print-directory

.PHONY: all deps report check test-unit test-cli test-hostile test-browser bench asan fuzz lint install clean
.DEFAULT_GOAL := all

all: $(BIN) $(ALIB) $(SOLIB)

# Dependency step: finds GSL, libcsv, Criterion, libxlsxwriter; installs what is missing.
deps:
	@sh .ci/deps

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(ALIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SOLIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libmetasum.so.0 $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN): $(CLI_OBJ) $(ALIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(ALIB) $(LIBS)

$(TESTBIN): $(TEST_OBJ) $(ALIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(ALIB) $(TEST_LIBS) $(LIBS)

# Reports are regenerated from datasets/ by the manifest (deterministic bytes), into a fresh
# folder that replaces reports/ only when every analysis succeeded.
report: deps
	$(MAKE) all
	rm -rf $(BUILD)/reports.new
	$(BIN) report datasets/analyses.csv -o $(BUILD)/reports.new
	rm -rf reports && mv $(BUILD)/reports.new reports
	@echo "report: reports/index.html"

# CLI golden cases and the hostile corpus first, Criterion last: the closing lines are
# Criterion's synthesis.
check: deps
	$(MAKE) all $(TESTBIN)
	$(MAKE) test-cli test-hostile
	$(MAKE) test-browser
	$(MAKE) test-unit

# Every tests/cli/*.tst file is a list of golden cases (one file per area, so parallel work
# adds its own file instead of editing one shared list).
CLI_CASES := $(sort $(wildcard tests/cli/*.tst))
# Test tool for the XLSX-input cases: writes a CSV as a workbook (beside the binary under test).
$(BUILD)/tests/csv2xlsx: tests/cli/csv2xlsx.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lxlsxwriter -lcsv

test-cli: $(BIN) $(BUILD)/tests/csv2xlsx
	@for t in $(CLI_CASES); do \
	    sh tests/cli/run.sh $(BIN) $$t $(BUILD)/cli/$$(basename $$t .tst) || exit 1; \
	done

# Every command on every file of tests/hostile/ (and big inputs made at run time): exit codes
# 0-4 only, no signal, no timeout, "error" on stderr (tests/hostile/run.sh).
test-hostile: $(BIN)
	@sh tests/hostile/run.sh $(BIN) $(BUILD)/hostile

# The report's pages in headless Chromium at 1280 px (tests/browser/check_pages.py): first the
# check's own pages, each with one defect it must find, then a report generated into build/
# (reports/ is left alone).  Screenshots of every page go to $(BUILD)/browser/.
test-browser: $(BIN)
	@tests/browser/check_pages.py --expect tests/browser/pages $(BUILD)/browser/selftest
	@rm -rf $(BUILD)/browser-report
	@$(BIN) report -q datasets/analyses.csv -o $(BUILD)/browser-report
	@tests/browser/check_pages.py $(BUILD)/browser-report $(BUILD)/browser

test-unit: $(TESTBIN)
	@cd tests && ../$(TESTBIN) --jobs 2

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    build/asan/metasum build/asan/tests/run_tests build/asan/tests/csv2xlsx
	@for t in $(CLI_CASES); do \
	    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    sh tests/cli/run.sh build/asan/metasum $$t \
	        build/asan/cli/$$(basename $$t .tst) || exit 1; \
	done
	ASAN_OPTIONS=detect_leaks=1 HOSTILE_TIMEOUT=30 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    sh tests/hostile/run.sh build/asan/metasum build/asan/hostile
	cd tests && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    ../build/asan/tests/run_tests --jobs 2

# libFuzzer targets (tests/fuzz/fuzz_*.c), one after the other; FUZZ_TIME seconds each.
# A target links the library; FUZZ_EXTRA_<target> adds sources and flags, FUZZ_OPTS_<target>
# libFuzzer options and seed folders (default seeds: tests/fixtures).
FUZZ_TIME ?= 60
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS := -std=c11 -O1 -g $(CPPFLAGS) -fsanitize=fuzzer,address,undefined
# The report path runs the whole CLI: main() is renamed so that libFuzzer's main is the program's;
# the report's messages are kept off the log (sanitizer reports still show); stdin is /dev/null.
FUZZ_EXTRA_fuzz_report := -Dmain=msum_cli_main $(CLI_SRC)
FUZZ_OPTS_fuzz_report := -close_fd_mask=3 tests/fuzz/seeds_report
# XLSX: the parts of a workbook (worksheet, shared strings, styles) split at 0x01 bytes.
FUZZ_EXTRA_fuzz_xlsx := -lminizip
FUZZ_OPTS_fuzz_xlsx := tests/fuzz/seeds_xlsx
fuzz:
	@$(MAKE) -j1 $(FUZZ_SRC:tests/fuzz/%.c=fuzz-%)

fuzz-%: tests/fuzz/%.c
	@mkdir -p build/fuzz/corpus-$*
	@echo "fuzz: building build/fuzz/$*"
	clang $(FUZZ_FLAGS) -o build/fuzz/$* $< $(LIB_SRC) $(FUZZ_EXTRA_$*) $(LIBS)
	build/fuzz/$* -max_total_time=$(FUZZ_TIME) build/fuzz/corpus-$* \
	    $(or $(FUZZ_OPTS_$*),tests/fixtures) </dev/null

# Benchmarks: synthetic workloads timed as whole processes, with peak memory (bench/README.md).
bench: all
	sh bench/run.sh $(BIN)

lint:
	cppcheck --quiet --inline-suppr --error-exitcode=1 --enable=warning,performance,portability \
	    --std=c11 -Iinclude src

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/metasum $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/metasum
	install -m 644 $(ALIB) $(DESTDIR)$(PREFIX)/lib/libmetasum.a
	install -m 755 $(SOLIB) $(DESTDIR)$(PREFIX)/lib/libmetasum.so.$(VERSION)
	ln -sf libmetasum.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmetasum.so.0
	ln -sf libmetasum.so.0 $(DESTDIR)$(PREFIX)/lib/libmetasum.so
	install -m 644 include/metasum/*.h $(DESTDIR)$(PREFIX)/include/metasum/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' docs/metasum.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/metasum.pc
	install -m 644 docs/metasum.1 $(DESTDIR)$(PREFIX)/share/man/man1/metasum.1

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
