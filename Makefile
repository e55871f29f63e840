# bgprogress: `make` builds libbgprogress and its header, `make test` runs everything CI runs.

SHELL   := /bin/bash
CARGO   ?= cargo
PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
BINDIR  ?= $(PREFIX)/bin

# The version is Cargo's; the SONAME policy lives in crates/bgprogress-ffi/build.rs alone,
# and the recipes read the SONAME from the library it built.
VERSION := $(shell $(CARGO) pkgid -p bgprogress-ffi 2>/dev/null | sed 's/.*[#@]//')
SONAME   = objdump -p $(1) | awk '/SONAME/ { print $$2 }'

BUILD   := build

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Werror

.PHONY: version all lib man header header-check test check rust-test lint loom clean install uninstall \
        demo examples-test consumer-test sanitize valgrind helgrind forced-lib stress miri fuzz fuzz-short abi-check abi-baseline msrv publish-check abi-matrix bench bench-eta windows windows-i686 install-windows windows-test conan-test cross-test publish-test cli cli-test mutants mutants-changed mutants-core mutants-ffi

# `make` builds; it does not rewrite the committed header (`make header` does, and the
# tests fail when it is stale). The man pages come too where Doxygen is installed.
all: lib cli $(if $(shell command -v doxygen),man)

# man3 pages from the header's doc comments (Doxygen), in build/man/man3: bgprogress(3) and a
# page for every function, type and constant; `make install` puts them in share/man/man3.
man: include/bgprogress.h
	packaging/man/man.sh $(BUILD)

# For scripts: the version, asked of Cargo (packaging/consumer-test.sh uses it).
version:
	@echo $(VERSION)

# The library under its installed names, in build/lib (cargo names it after the FFI crate),
# wherever cargo builds (CARGO_TARGET_DIR, CARGO_BUILD_TARGET): packaging/stage-lib.sh.
lib:
	CARGO="$(CARGO)" packaging/stage-lib.sh $(BUILD) $(VERSION)

# The bgprogress command (crates/bgprogress-cli), staged as build/bin/bgprogress.
cli:
	CARGO="$(CARGO)" packaging/stage-cli.sh $(BUILD)

# Installs what `make` built; it never compiles (so `sudo make install` runs no cargo).
install:
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" LIBDIR="$(LIBDIR)" INCDIR="$(INCDIR)" DATADIR="$(DATADIR)" \
	  BINDIR="$(BINDIR)" packaging/install.sh $(BUILD) $(VERSION)

uninstall:
	soname=$$($(call SONAME,$(DESTDIR)$(LIBDIR)/libbgprogress.so.$(VERSION)) 2>/dev/null); \
	  if [ -n "$$soname" ]; then rm -f $(DESTDIR)$(LIBDIR)/$$soname; fi
	rm -f $(DESTDIR)$(BINDIR)/bgprogress $(DESTDIR)$(DATADIR)/man/man1/bgprogress.1
	rm -f $(DESTDIR)$(LIBDIR)/libbgprogress.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/libbgprogress.so \
	      $(DESTDIR)$(LIBDIR)/libbgprogress.a \
	      $(DESTDIR)$(INCDIR)/bgprogress.h \
	      $(DESTDIR)$(DATADIR)/bgprogress/bgprogress.supp \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/bgprogress.pc \
	      $(DESTDIR)$(LIBDIR)/cmake/bgprogress/bgprogressConfig.cmake \
	      $(DESTDIR)$(LIBDIR)/cmake/bgprogress/bgprogressConfigVersion.cmake
	if [ -d $(BUILD)/man/man3 ]; then \
	  for p in $(BUILD)/man/man3/*.3; do rm -f $(DESTDIR)$(DATADIR)/man/man3/$$(basename $$p); done; fi
	rmdir $(DESTDIR)$(DATADIR)/bgprogress $(DESTDIR)$(LIBDIR)/cmake/bgprogress 2>/dev/null || true

# The main job: bgcopy (examples/c) copies a generated sample set with a live progress line.
$(BUILD)/bgcopy: examples/c/bgcopy.c include/bgprogress.h lib
	$(CC) -std=c11 $(WARN) $(CFLAGS) -Iinclude $< -o $@ -L$(BUILD)/lib -lbgprogress \
	  -Wl,-rpath,$(abspath $(BUILD)/lib) -lpthread -lm

demo: $(BUILD)/bgcopy cli
	examples/demo.sh $(BUILD)/bgcopy $(BUILD)/bin/bgprogress

# The examples' command lines: bgcopy and its Rust twin.
examples-test: $(BUILD)/bgcopy
	examples/test.sh $(BUILD)/bgcopy

# The bgprogress command against publishers the test starts (c-tests/cli/run.sh).
cli-test: cli $(BUILD)/jobs_tool
	$(CARGO) test -p bgprogress-cli
	c-tests/cli/run.sh $(BUILD)/bin/bgprogress $(BUILD)/jobs_tool docs/bgprogress.1

# Published jobs across processes: a C publisher and two reader processes, then publishers
# killed with SIGKILL mid-update (c-tests/publish/run.sh).
$(BUILD)/jobs_tool: c-tests/publish/jobs_tool.c include/bgprogress.h lib
	$(CC) -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude c-tests/publish/jobs_tool.c \
	  -o $@ $(BUILD)/lib/libbgprogress.a $$(cat $(BUILD)/native-static-libs)

PUBLISH_KILLS ?= 40
publish-test: $(BUILD)/jobs_tool
	c-tests/publish/run.sh $(BUILD)/jobs_tool $(PUBLISH_KILLS)

# The C tests outside cargo: with AddressSanitizer and UBSan, and under valgrind, linked to
# the release static library. The stress test is shortened (valgrind runs threads one by one).
# The tests are those of c-tests/c/bgt_list.h, the one list (cargo test reads it too).
CTEST_SRC := $(wildcard c-tests/c/*.c) c-tests/runner/main.c
CTEST_CXX := c-tests/c/header_cxx.cpp
CTEST_DEP := $(CTEST_SRC) $(CTEST_CXX) $(wildcard c-tests/c/*.h) include/bgprogress.h
CTEST_CC  := $(CC) -std=c11 -g -Wall -Wextra -Wmissing-prototypes -Werror -Iinclude -Ic-tests/c
CXX       ?= c++
CTEST_LIB := $(BUILD)/lib/libbgprogress.a -lpthread -lm -ldl
SANITIZE  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(BUILD)/ctests-asan: $(CTEST_DEP) lib
	$(CXX) -std=c++11 -g -O1 $(SANITIZE) -Wall -Wextra -Werror -Iinclude -c $(CTEST_CXX) -o $@-cxx.o
	$(CTEST_CC) -O1 $(SANITIZE) $(CTEST_SRC) $@-cxx.o $(CTEST_LIB) -o $@

$(BUILD)/ctests: $(CTEST_DEP) lib
	$(CXX) -std=c++11 -g -O1 -Wall -Wextra -Werror -Iinclude -c $(CTEST_CXX) -o $@-cxx.o
	$(CTEST_CC) -O1 $(CTEST_SRC) $@-cxx.o $(CTEST_LIB) -o $@

# The contended paths forced (--cfg bgprogress_force_contended: every snapshot asks the
# writers, every update is posted), which a 2-core machine otherwise rarely takes: the FFI
# library built so in its own target dir, and the C tests of the tracker linked to it (with
# -DBGT_FORCE_CONTENDED the stress test prints how often each path ran and requires them).
FORCED_DIR   := $(TARGETDIR)/forced
FORCED_ENV   := RUSTFLAGS="--cfg bgprogress_force_contended" CARGO_TARGET_DIR=$(FORCED_DIR)
FORCED_LIB   := $(FORCED_DIR)/release/libbgprogress_ffi.a $$(cat $(BUILD)/native-static-libs)
FORCED_TESTS := tracker_rules tracker_rate_and_eta tracker_stress try_snapshot_in_a_signal_handler \
                try_snapshot_after_fork

forced-lib: lib
	$(FORCED_ENV) $(CARGO) build --release --quiet -p bgprogress-ffi

$(BUILD)/ctests-asan-forced: $(BUILD)/ctests-asan forced-lib
	$(CTEST_CC) -O1 $(SANITIZE) -DBGT_FORCE_CONTENDED $(CTEST_SRC) $(BUILD)/ctests-asan-cxx.o \
	  $(FORCED_LIB) -o $@

$(BUILD)/ctests-forced: $(BUILD)/ctests forced-lib
	$(CTEST_CC) -O1 -DBGT_FORCE_CONTENDED $(CTEST_SRC) $(BUILD)/ctests-cxx.o $(FORCED_LIB) -o $@

# The Rust stress test as built, then forced (it prints how often each path ran).
stress:
	$(CARGO) test --release -p bgprogress --test stress -- --nocapture
	$(FORCED_ENV) $(CARGO) test --release -p bgprogress --test stress -- --nocapture

sanitize: $(BUILD)/ctests-asan $(BUILD)/ctests-asan-forced
	BGT_STRESS_ITERS=200000 $(BUILD)/ctests-asan
	BGT_STRESS_ITERS=100000 $(BUILD)/ctests-asan-forced $(FORCED_TESTS)

valgrind: $(BUILD)/ctests $(BUILD)/ctests-forced
	@command -v valgrind >/dev/null || { echo "valgrind: not installed"; exit 1; }
	BGT_STRESS_ITERS=20000 BGT_FORKS=3 BGT_SIGNALS=100 valgrind -q --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect $(BUILD)/ctests
	BGT_STRESS_ITERS=5000 BGT_FORKS=3 BGT_SIGNALS=100 valgrind -q --error-exitcode=1 --leak-check=full \
	  --errors-for-leak-kinds=definite,indirect $(BUILD)/ctests-forced $(FORCED_TESTS)

# helgrind and DRD on a multi-threaded C program (4 writers and a reader), clean with the
# suppressions that users apply too (packaging/bgprogress.supp; installed in share/bgprogress).
$(BUILD)/workers: examples/c/workers.c include/bgprogress.h lib
	$(CC) -std=c11 -g -O1 -Iinclude $< -o $@ $(BUILD)/lib/libbgprogress.a -lpthread -lm -ldl

helgrind: $(BUILD)/workers
	@command -v valgrind >/dev/null || { echo "helgrind: valgrind is not installed"; exit 1; }
	valgrind --tool=helgrind -q --error-exitcode=1 --suppressions=packaging/bgprogress.supp $(BUILD)/workers
	valgrind --tool=drd -q --error-exitcode=1 --suppressions=packaging/bgprogress.supp $(BUILD)/workers
	@echo "helgrind: helgrind and DRD clean with packaging/bgprogress.supp"

# Miri on every export called through raw pointers (aliasing, misaligned, one past the end,
# NULL, the tracker from a few threads), and on the tracker's posted-update list (waiters on
# their writers' stacks) and request slots, with Stacked Borrows and then Tree Borrows.
MIRI_TOOLCHAIN ?= nightly
miri:
	$(CARGO) +$(MIRI_TOOLCHAIN) miri test -p bgprogress-ffi --test raw_pointers
	MIRIFLAGS=-Zmiri-tree-borrows $(CARGO) +$(MIRI_TOOLCHAIN) miri test -p bgprogress-ffi --test raw_pointers
	$(CARGO) +$(MIRI_TOOLCHAIN) miri test -p bgprogress --lib -- tracker::queue tracker::mailbox
	MIRIFLAGS=-Zmiri-tree-borrows $(CARGO) +$(MIRI_TOOLCHAIN) miri test -p bgprogress --lib -- tracker::queue tracker::mailbox

# cargo-fuzz on stable (no sanitizer): each target for FUZZ_SECONDS with its dictionary.
# `make test` runs fuzz-short; a crash leaves its input in fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := helpers tracker job_file
fuzz:
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  $(CARGO) fuzz run $$t -s none -- -max_total_time=$(FUZZ_SECONDS) -dict=dict/$$t.dict \
	    -print_final_stats=1 2>&1 | grep -E 'Done|stat::number_of_executed_units|ERROR|panicked|SUMMARY' ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; echo "fuzz: $$t: no crash in $(FUZZ_SECONDS) s"; done

fuzz-short:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15

# The C ABI against the committed baseline (libabigail); abi-baseline rewrites it, deliberately.
abi-check:
	packaging/abi/abi.sh check

abi-baseline:
	packaging/abi/abi.sh baseline

abi-matrix:
	c-tests/abi-matrix.sh

# Benchmarks: ratios against baselines measured in the same run, printed as one table.
$(BUILD)/ffi_bench: benches/ffi_bench.c benches/ffi_bench_call.c benches/percent_inline.h include/bgprogress.h lib
	$(CC) -std=gnu11 -O2 -Iinclude benches/ffi_bench.c benches/ffi_bench_call.c -o $@ -L$(BUILD)/lib -lbgprogress \
	  -Wl,-rpath,$(abspath $(BUILD)/lib)

$(BUILD)/ffi_bench_static: benches/ffi_bench.c benches/ffi_bench_call.c benches/percent_inline.h include/bgprogress.h lib
	$(CC) -std=gnu11 -O2 -Iinclude benches/ffi_bench.c benches/ffi_bench_call.c -o $@ \
	  $(BUILD)/lib/libbgprogress.a $$(cat $(BUILD)/native-static-libs)

bench: $(BUILD)/ffi_bench $(BUILD)/ffi_bench_static
	@echo "bench: machine: $$(nproc) cores, $$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
	@{ $(CARGO) bench --quiet -p bgprogress --bench ratios 2>/dev/null && $(BUILD)/ffi_bench \
	  && $(BUILD)/ffi_bench_static static; } \
	  > $(BUILD)/bench.rows
	@awk -f benches/table.awk $(BUILD)/bench.rows

# The ETA against other progress libraries' estimators on synthetic transfers (a second,
# deterministic; it fails when a goal is missed, so make test runs it).
bench-eta:
	@$(CARGO) bench --quiet -p bgprogress --bench eta

# Installs into a temporary DESTDIR and builds the examples the way a user would: pkg-config.
consumer-test:
	packaging/consumer-test.sh

# Windows, cross-built from Linux with mingw-w64, staged as the install layout a Windows
# developer gets (packaging/stage-windows.sh): bin/bgprogress.dll; lib/bgprogress.lib (MSVC
# import library) and bgprogress.def; lib/libbgprogress.dll.a (mingw import library) and
# lib/libbgprogress.a (static, mingw only); include/; lib/cmake/bgprogress/ and
# lib/pkgconfig/, both relocatable. build/windows for x86_64, build/windows-i686 for i686.
WIN_TARGET := x86_64-pc-windows-gnu
TARGETDIR  := $(or $(CARGO_TARGET_DIR),target)
WIN_OUT    := $(TARGETDIR)/$(WIN_TARGET)/release
WIN        := $(BUILD)/windows
WIN32      := $(BUILD)/windows-i686
WIN_CC     := x86_64-w64-mingw32-gcc
WIN32_CC   := i686-w64-mingw32-gcc
WINTEST    := $(BUILD)/windows-test
# Ends the Wine session of c-tests/windows/wine/run's prefix, so that the next program starts
# a new one (its own wineserver and services).
WINE_END   := WINEPREFIX=$(abspath $(WINTEST))/wineprefix wineserver -k 2>/dev/null || true
WINE_RUN   := c-tests/windows/wine/run

windows:
	packaging/stage-windows.sh x86_64 $(WIN) $(VERSION)

windows-i686:
	packaging/stage-windows.sh i686 $(WIN32) $(VERSION)

# Copies a staged Windows layout into DESTDIR/PREFIX (an absolute path): ARCH=x86_64 (the
# default) or ARCH=i686.
ARCH ?= x86_64
WIN_LAYOUT = $(BUILD)/$(if $(filter i686,$(ARCH)),windows-i686,windows)
install-windows:
	@[ "$(origin PREFIX)" != file ] || \
	  { echo "make install-windows: say where: PREFIX=/absolute/path (it is not /usr/local)" >&2; exit 1; }
	packaging/stage-windows.sh $(ARCH) $(WIN_LAYOUT) $(VERSION)
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" packaging/install-windows.sh $(WIN_LAYOUT)

# Everything on Windows, under Wine (a 64-bit and 32-bit prefix): the C tests, sdk_first.c
# and the BITS clients end to end against bgprogress.dll for x86_64 and for i686; the core
# crate's Rust tests; MSVC-ABI consumers (clang and lld-link against bgprogress.lib) in C and
# C++ for both; and the staged layouts through CMake (mingw and clang-cl) and pkg-config.
WIN_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Wpedantic -Werror -Iinclude
windows-test: windows windows-i686
	$(CARGO) clippy --target $(WIN_TARGET) -p bgprogress --all-features --all-targets -- -D warnings
	$(CARGO) clippy --target $(WIN_TARGET) -p bgprogress-cli --all-targets -- -D warnings
	@mkdir -p $(WINTEST)/bin $(WINTEST)/bin32
	cp $(WIN)/bin/bgprogress.dll $(WINTEST)/bin/
	cp $(WIN32)/bin/bgprogress.dll $(WINTEST)/bin32/
	x86_64-w64-mingw32-g++ -std=c++11 -O1 -Wall -Wextra -Werror -Iinclude -c $(CTEST_CXX) \
	  -o $(WINTEST)/header_cxx.o
	i686-w64-mingw32-g++ -std=c++11 -O1 -Wall -Wextra -Werror -Iinclude -c $(CTEST_CXX) \
	  -o $(WINTEST)/header_cxx32.o
	$(WIN_CC) $(WIN_CFLAGS) -Wmissing-prototypes -Ic-tests/c $(CTEST_SRC) $(WINTEST)/header_cxx.o \
	  -o $(WINTEST)/bin/ctests.exe -static $(WIN)/lib/libbgprogress.dll.a -lpthread -lm
	$(WIN32_CC) $(WIN_CFLAGS) -Wmissing-prototypes -Ic-tests/c $(CTEST_SRC) $(WINTEST)/header_cxx32.o \
	  -o $(WINTEST)/bin32/ctests.exe -static $(WIN32)/lib/libbgprogress.dll.a -lpthread -lm
	$(WIN_CC) $(WIN_CFLAGS) -Wno-pedantic c-tests/windows/sdk_first.c -o $(WINTEST)/bin/sdk_first.exe \
	  $(WIN)/lib/libbgprogress.dll.a -lole32 -luuid
	$(WIN32_CC) $(WIN_CFLAGS) -Wno-pedantic c-tests/windows/sdk_first.c -o $(WINTEST)/bin32/sdk_first.exe \
	  $(WIN32)/lib/libbgprogress.dll.a -lole32 -luuid
	$(WIN_CC) $(WIN_CFLAGS) -municode examples/windows/bitsget.c -o $(WINTEST)/bin/bitsget.exe \
	  $(WIN)/lib/libbgprogress.dll.a -lole32 -luuid -lm
	$(WIN32_CC) $(WIN_CFLAGS) -municode examples/windows/bitsget.c -o $(WINTEST)/bin32/bitsget.exe \
	  $(WIN32)/lib/libbgprogress.dll.a -lole32 -luuid -lm
	$(WIN_CC) $(WIN_CFLAGS) -Wno-pedantic c-tests/publish/jobs_tool.c -o $(WINTEST)/bin/jobs_tool.exe \
	  -static $(WIN)/lib/libbgprogress.dll.a -lpthread
	$(WIN32_CC) $(WIN_CFLAGS) -Wno-pedantic c-tests/publish/jobs_tool.c -o $(WINTEST)/bin32/jobs_tool.exe \
	  -static $(WIN32)/lib/libbgprogress.dll.a -lpthread
	$(WINE_RUN) $(WINTEST)/bin/ctests.exe
	$(WINE_RUN) $(WINTEST)/bin32/ctests.exe
	@# Published jobs between Windows processes: a publisher, two readers, killed publishers.
	PUBLISH_RUNNER=$(abspath $(WINE_RUN)) c-tests/publish/run.sh $(WINTEST)/bin/jobs_tool.exe 10
	PUBLISH_RUNNER=$(abspath $(WINE_RUN)) c-tests/publish/run.sh $(WINTEST)/bin32/jobs_tool.exe 4
	$(WINE_RUN) $(WINTEST)/bin/sdk_first.exe
	$(WINE_RUN) $(WINTEST)/bin32/sdk_first.exe
	c-tests/windows/msvc/run.sh x86_64 $(WIN) $(WINTEST)/msvc
	c-tests/windows/msvc/run.sh i686 $(WIN32) $(WINTEST)/msvc32
	rm -rf $(WINTEST)/installed
	$(MAKE) --no-print-directory install-windows DESTDIR=$(abspath $(WINTEST))/installed PREFIX=/x86_64
	$(MAKE) --no-print-directory install-windows DESTDIR=$(abspath $(WINTEST))/installed PREFIX=/i686 ARCH=i686
	packaging/windows-consumer-test.sh x86_64 $(WINTEST)/installed/x86_64 $(WINTEST)/consumers
	packaging/windows-consumer-test.sh i686 $(WINTEST)/installed/i686 $(WINTEST)/consumers32
	CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$(abspath $(WINE_RUN)) \
	  $(CARGO) test --target $(WIN_TARGET) -p bgprogress --all-features
	$(CARGO) build --release --target $(WIN_TARGET) -p bgprogress --features windows --example bits
	c-tests/windows/bits_e2e.py C=$(WINTEST)/bin/bitsget.exe Rust=$(WIN_OUT)/examples/bits.exe
	@# The bgprogress command lists and watches the C client's BITS job while it downloads,
	@# in a Wine session of its own (after the clients above, a new process's first COM call
	@# waited 20 s and EnumJobs listed nothing).
	$(CARGO) build --release --target $(WIN_TARGET) -p bgprogress-cli
	$(WINE_END)
	c-tests/windows/bits_e2e.py --watcher $(WIN_OUT)/bgprogress.exe --display "bgprogress bitsget" \
	  C=$(WINTEST)/bin/bitsget.exe
	@# The 32-bit client with its own Wine session: a 64-bit client that came after it once
	@# got E_NOINTERFACE from the BITS service the 32-bit one had started.
	$(WINE_END)
	c-tests/windows/bits_e2e.py C32=$(WINTEST)/bin32/bitsget.exe
	$(WINE_END)

# The library and its tests run on aarch64, armv7 and s390x Linux under qemu-user, and on
# i686 Linux natively: the core's and the FFI's tests, the C interop tests and the whole C
# suite, with the byte order and a struct's bytes printed (c-tests/cross/run.sh).
cross-test:
	c-tests/cross/run.sh

# Mutation testing with cargo-mutants (cargo install cargo-mutants): not in make test (hours
# on 2 cores). `mutants` mutates the core (its tests) and the FFI (with the C tests, through
# the c-tests crate, as its test suite), in the halves mutants-core and mutants-ffi, and
# prints a table per file; FILES='a.rs b.rs' limits a half to those files, SHARD=k/n to one
# shard of its mutants. `mutants-changed` mutates only the code that the diff from BASE
# (default: origin/main, else HEAD) to the working tree touches. .cargo/mutants.toml lists the equivalent mutants left out, each with its reason.
MUTANTS_ARGS ?= --timeout-multiplier 3 --minimum-test-timeout 20 -j 1
MUTANTS_ENV := PROPTEST_CASES=256
MUTANTS_SELECT := $(foreach f,$(FILES),-f $(f)) $(if $(SHARD),--shard $(SHARD))
# The verdict on a run whose status is $$rc: cargo mutants' 0 (all caught), 2 (missed) or 3
# (timeouts) means it ran, and then the summary fails when any mutant was missed; any other
# status (a failing baseline, a usage error) fails.
MUTANTS_VERDICT = case $$rc in 0|2|3) ;; *) echo "cargo mutants: status $$rc" >&2; exit 1;; esac; \
  tools/mutants-summary.sh
BASE ?= $(shell git rev-parse --verify -q origin/main >/dev/null && echo origin/main || echo HEAD)
# A timeout counts as caught (the tests noticed the mutant by hanging); the table is printed
# either way.
mutants: mutants-core mutants-ffi
mutants-core:
	@mkdir -p $(BUILD)/mutants-core
	$(MUTANTS_ENV) cargo mutants $(MUTANTS_ARGS) $(MUTANTS_SELECT) -p bgprogress \
	  --output $(BUILD)/mutants-core; rc=$$?; $(MUTANTS_VERDICT) $(BUILD)/mutants-core
mutants-ffi:
	@mkdir -p $(BUILD)/mutants-ffi
	$(MUTANTS_ENV) cargo mutants $(MUTANTS_ARGS) $(MUTANTS_SELECT) -p bgprogress-ffi \
	  --test-package bgprogress-ffi,bgprogress-c-tests --output $(BUILD)/mutants-ffi; rc=$$?; \
	  $(MUTANTS_VERDICT) $(BUILD)/mutants-ffi

mutants-changed:
	@mkdir -p $(BUILD)/mutants-changed
	git diff $(BASE) > $(BUILD)/changes.diff
	$(MUTANTS_ENV) cargo mutants $(MUTANTS_ARGS) --in-diff $(BUILD)/changes.diff \
	  --output $(BUILD)/mutants-changed; rc=$$?; \
	  $(MUTANTS_VERDICT) $(BUILD)/mutants-changed

# The Conan 2 recipe (conanfile.py), built by conan create and consumed by its test_package
# through CMakeDeps, shared and static, in a private Conan home under build/ and without
# remotes (nothing is downloaded).
CONAN_HOME_DIR := $(abspath $(BUILD))/conan-home
conan-test:
	@command -v conan >/dev/null || { echo "make conan-test: conan not found: pip install conan" >&2; exit 1; }
	CONAN_HOME=$(CONAN_HOME_DIR) conan profile detect --exist-ok
	CONAN_HOME=$(CONAN_HOME_DIR) conan create . --no-remote -o "&:shared=True" --build=missing
	CONAN_HOME=$(CONAN_HOME_DIR) conan create . --no-remote -o "&:shared=False" --build=missing

header:
	$(CARGO) run --quiet -p bgprogress-header

header-check:
	$(CARGO) run --quiet -p bgprogress-header -- --check

lint:
	packaging/check-testing-doc.sh
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	$(CARGO) clippy -p bgprogress --lib --no-default-features -- -D warnings
	$(CARGO) clippy -p bgprogress --lib --no-default-features --features alloc -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --all-features --no-deps --quiet

# The core also builds as no_std (with and without alloc).
rust-test:
	$(CARGO) test --workspace --all-features
	$(CARGO) build --quiet -p bgprogress --no-default-features
	$(CARGO) build --quiet -p bgprogress --no-default-features --features alloc
	@# 32-bit PowerPC has no 64-bit atomics: the crate builds there, with std, without the tracker.
	$(CARGO) check --quiet -p bgprogress --lib --target powerpc-unknown-linux-gnu

# The libraries' MSRV (rust-version in Cargo.toml) checked with that very toolchain, and the
# crate as crates.io would take it.
MSRV := $(shell sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
msrv:
	$(CARGO) +$(MSRV) check -p bgprogress -p bgprogress-ffi --features bgprogress/serde,bgprogress/bytemuck
	$(CARGO) +$(MSRV) check -p bgprogress --no-default-features

publish-check:
	$(CARGO) publish --dry-run -p bgprogress

# Model-checks the tracker with loom (a separate target dir: --cfg loom rebuilds all): the
# public API's models, then the request protocols' models, then each deliberately broken
# variant, which its model must catch (that test is should_panic under its cfg).
LOOM_BROKEN := bgprogress_broken_take bgprogress_broken_reader
loom:
	RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=$(TARGETDIR)/loom \
	  $(CARGO) test --release -p bgprogress --test loom
	RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=$(TARGETDIR)/loom \
	  $(CARGO) test --release -p bgprogress --lib tracker::models
	for c in $(LOOM_BROKEN); do \
	  RUSTFLAGS="--cfg loom --cfg $$c" CARGO_TARGET_DIR=$(TARGETDIR)/loom-broken \
	    $(CARGO) test --release -p bgprogress --lib tracker::models || exit 1; \
	  echo "loom: the broken variant $$c was caught"; done
	RUSTFLAGS="--cfg bgprogress_broken_take" CARGO_TARGET_DIR=$(TARGETDIR)/broken \
	  $(CARGO) test -p bgprogress --lib -- --exact \
	  tracker::interleavings::a_withdraw_between_a_writers_look_and_its_take_loses_nothing
	RUSTFLAGS="--cfg bgprogress_broken_reader" CARGO_TARGET_DIR=$(TARGETDIR)/broken \
	  $(CARGO) test -p bgprogress --lib -- --exact \
	  tracker::interleavings::writers_complete_updates_while_a_reader_waits
	@echo "loom: the replayed interleavings catch both broken variants too"

# The conventional name too.
check: test

test: lint header-check abi-check msrv publish-check rust-test stress bench-eta loom miri fuzz-short abi-matrix cross-test sanitize valgrind helgrind examples-test publish-test cli-test consumer-test conan-test windows-test

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
