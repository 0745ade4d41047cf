SHELL := /bin/bash
# The two commands a newcomer needs: `make run` and `make test`. Everything else is plumbing.
SWIFT       ?= swift
PYTHON      ?= python3
VENV        := $(CURDIR)/.venv
RUN_PKGS    := pkg-config libncurses-dev libcurl4-openssl-dev libsecp256k1-dev libsqlite3-dev libsodium-dev
TEST_PKGS   := $(RUN_PKGS) tmux openssh-server python3-venv systemd prometheus
RUN_ARGS    ?=

.PHONY: run test build release install uninstall deps test-deps venv bench fuzz fuzz-smoke chaos soak screenshots clean

run: deps release
	@if [ -t 0 ] && [ -t 1 ]; then exec .build/release/mammon $(RUN_ARGS); \
	 else exec .build/release/mammon --no-ui $(RUN_ARGS); fi

test: test-deps venv build fuzz-smoke
	MAMMON_TEST_PYTHON=$(VENV)/bin/python MAMMON_REQUIRE_ALL_SUITES=1 \
	MAMMON_BINARY=$(CURDIR)/.build/debug/mammon $(SWIFT) test 2>&1 | tee .build/test.log; \
	exit $${PIPESTATUS[0]}
	$(PYTHON) scripts/chaos.py --short --binary $(CURDIR)/.build/debug/mammon
	$(PYTHON) scripts/soak.py --short --binary $(CURDIR)/.build/debug/mammon

# Kill -9 at every boundary of a rebalance and misbehaving nodes, on the simulated network and on the
# devnet; restart, audit; prints the tables of faults x outcomes.
chaos: test-deps venv build
	$(PYTHON) scripts/chaos.py --binary $(CURDIR)/.build/debug/mammon
	MAMMON_TEST_PYTHON=$(VENV)/bin/python MAMMON_REQUIRE_ALL_SUITES=1 MAMMON_BINARY=$(CURDIR)/.build/debug/mammon \
	$(SWIFT) test --filter LiveChaosTests 2>&1 | grep -A40 "fault on the devnet"

# A year unattended, in minutes: hourly cycles through a simulated year with random kill -9, clock jumps,
# corrupt and foreign files and a full disk; audits after every restart (README, "Reliability"). Then
# endpoint failover on the devnet (the venv's Python runs it). SOAK_SEED replays a run. Mounts tmpfs
# for the disk-full and read-only cases (root).
SOAK_SEED ?=
soak: venv build
	$(PYTHON) scripts/soak.py --binary $(CURDIR)/.build/debug/mammon $(if $(SOAK_SEED),--seed $(SOAK_SEED))

build:
	$(SWIFT) build

# The Swift runtime and Foundation linked in: the binary needs no toolchain where it is installed, and
# an operator's console starts faster and holds about 3 MB less (no dynamic Foundation relocations and
# conformance tables; only the code used is linked). `mammon-bench --only history` shows both. Builds
# mammon-bench beside mammon; `make install` installs mammon alone.
release:
	$(SWIFT) build -c release --static-swift-stdlib

# `make release && sudo make install`. Installs, under $(DESTDIR)$(PREFIX): the binary (stripped: the
# symbols and debug info of the release build are most of its size), the example
# themes (the built-in ones are compiled in; copies to start your own from), the systemd units with
# ExecStart naming the installed binary, the service user for systemd-sysusers, and shell completions.
# INSTALL_BINARY picks another build (the tests install the debug one); install never builds.
PREFIX         ?= /usr/local
DESTDIR        ?=
INSTALL_BINARY ?= .build/release/mammon
UNITS          := mammon.service mammon@.service
install:
	@test -x "$(INSTALL_BINARY)" || { echo "$(INSTALL_BINARY) is not built: run make release first" >&2; exit 1; }
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mammon/themes $(DESTDIR)$(PREFIX)/lib/systemd/system \
	  $(DESTDIR)$(PREFIX)/lib/sysusers.d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 --strip "$(INSTALL_BINARY)" $(DESTDIR)$(PREFIX)/bin/mammon
	install -m 644 themes/*.theme themes/README.md $(DESTDIR)$(PREFIX)/share/mammon/themes/
	for unit in $(UNITS); do \
	  sed 's|/usr/local/bin/mammon|$(PREFIX)/bin/mammon|g' packaging/systemd/$$unit > $(DESTDIR)$(PREFIX)/lib/systemd/system/$$unit || exit 1; \
	  chmod 644 $(DESTDIR)$(PREFIX)/lib/systemd/system/$$unit; \
	done
	install -m 644 packaging/systemd/mammon.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/mammon.conf
	"$(INSTALL_BINARY)" --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mammon
	"$(INSTALL_BINARY)" --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mammon
	"$(INSTALL_BINARY)" --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mammon.fish
	chmod 644 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mammon $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mammon \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mammon.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/mammon $(DESTDIR)$(PREFIX)/lib/sysusers.d/mammon.conf \
	  $(addprefix $(DESTDIR)$(PREFIX)/lib/systemd/system/,$(UNITS)) \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mammon $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_mammon \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/mammon.fish
	rm -rf $(DESTDIR)$(PREFIX)/share/mammon

# Performance figures as JSON from their own executable (the installed mammon carries no benchmark);
# it drives the mammon built beside it. BENCH_ARGS="--only service" picks suites.
BENCH_ARGS ?=
bench: deps release venv
	MAMMON_TEST_PYTHON=$(VENV)/bin/python .build/release/mammon-bench $(BENCH_ARGS)

deps:
	@scripts/ensure-debian-packages.sh $(RUN_PKGS)

test-deps:
	@scripts/ensure-debian-packages.sh $(TEST_PKGS)

# libFuzzer on the RLP/transaction and ABI decoders and on a node's JSON-RPC answers. New inputs go to
# .build/fuzz/<target>; Fuzz/Corpus/<target> holds the checked-in seeds (reference vectors, real
# answers). -enable-testing: FuzzRPC reads Chain's internal decoders. SWIFT_BACKTRACE=enable=no:
# Swift's crash handler would otherwise take the signal before libFuzzer writes the crashing input to
# .build/fuzz/<target>-crash-*. `make fuzz` runs each target FUZZ_SECONDS (release build);
# `make test` builds every target and runs each FUZZ_RUNS inputs (fuzz-smoke), so the fuzz package
# cannot stop compiling unnoticed. The smoke build is debug: a clean release build of Fuzz/ took
# 5 min 40 s on 2 shared cores, a clean debug one about 3.5 min (and ~10 s when only Sources changed);
# the three smoke runs take under a second each.
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= 2000
FUZZ_FLAGS   := -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing
define run_fuzz_targets
	@for target in rlp abi rpc; do \
	  mkdir -p .build/fuzz/$$target; \
	  bin=Fuzz/.build/$(1)/Fuzz$$(echo $$target | tr a-z A-Z); \
	  echo "== $$bin $(2)"; \
	  SWIFT_BACKTRACE=enable=no $$bin $(2) -print_final_stats=1 -artifact_prefix=.build/fuzz/$$target- .build/fuzz/$$target Fuzz/Corpus/$$target 2>&1 \
	    | grep -E "^(stat::number_of_executed_units|Done|==[0-9]+==|SUMMARY)|ERROR|Fatal|Test unit written"; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done
endef

fuzz: deps
	cd Fuzz && $(SWIFT) build -c release $(FUZZ_FLAGS)
	$(call run_fuzz_targets,release,-max_total_time=$(FUZZ_SECONDS))

fuzz-smoke: deps
	cd Fuzz && $(SWIFT) build -c debug $(FUZZ_FLAGS)
	$(call run_fuzz_targets,debug,-runs=$(FUZZ_RUNS))

# The Python side of the tests (devnet EVM, Vyper, eth-account), pinned in Tests/Devnet/requirements.txt,
# and the safe-eth-py wheel, only as the carrier of Safe 1.4.1's deployed bytecode (read out of the zip by
# Tests/Devnet/fence.py, never installed), pinned by hash in Tests/Devnet/safe-contracts.txt.
SAFE_WHEEL := $(VENV)/wheels/safe_eth_py-7.27.0-py3-none-any.whl
venv: $(VENV)/.installed $(SAFE_WHEEL)
$(VENV)/.installed: Tests/Devnet/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/Devnet/requirements.txt
	touch $@
$(SAFE_WHEEL): Tests/Devnet/safe-contracts.txt $(VENV)/.installed
	$(VENV)/bin/pip download -q --disable-pip-version-check --no-deps --require-hashes -r Tests/Devnet/safe-contracts.txt -d $(VENV)/wheels
	test -f $@ && touch $@

# PNG pictures of the real console (tmux capture rendered with Pillow and DejaVu Sans Mono) into screenshots/.
screenshots: deps release venv
	@scripts/ensure-debian-packages.sh tmux fonts-dejavu-core
	PYTHON=$(VENV)/bin/python scripts/screenshots.sh .build/release/mammon

clean:
	rm -rf .build $(VENV)
