# bgprogress: `make` builds libbgprogress and its header, `make test` runs everything CI runs.

CARGO   ?= cargo
PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR   := $(word 1,$(subst ., ,$(VERSION)))
MINOR   := $(word 2,$(subst ., ,$(VERSION)))
# cargo-c's SONAME policy: 0.y -> libbgprogress.so.0.y, from 1.0 on libbgprogress.so.MAJOR.
SOVER   := $(if $(filter 0,$(MAJOR)),0.$(MINOR),$(MAJOR))

RELEASE := target/release
BUILD   := build

.PHONY: all lib header header-check test rust-test lint loom clean

all: lib header

lib:
	$(CARGO) build --release -p bgprogress-ffi

header:
	$(CARGO) run --quiet -p bgprogress-header

header-check:
	$(CARGO) run --quiet -p bgprogress-header -- --check

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

rust-test:
	$(CARGO) test --workspace

# Model-checks the tracker's seqlock with loom (a separate target dir: --cfg loom rebuilds all).
loom:
	RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
	  $(CARGO) test --release -p bgprogress --test loom

test: lint header-check rust-test loom

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
