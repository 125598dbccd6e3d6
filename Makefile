# chempark-safety: every target sets itself up (venv + pinned installs) on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
WHEELS := .cache/wheelhouse
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export TZ := UTC

.PHONY: setup run demo test test-fast lint typecheck bench soak docs synth wheelhouse clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

## The operations console (console/): npm ci when the lock changes, vite build when a source changes, so
## `make test` does not rebuild an unchanged console.
CONSOLE_SRC := $(shell find console/src -type f 2>/dev/null) console/index.html console/vite.config.ts \
	console/tsconfig.json console/package.json
console/node_modules/.ci-stamp: console/package-lock.json
	cd console && npm ci --no-audit --no-fund --loglevel=error
	touch $@
console/dist/index.html: console/node_modules/.ci-stamp $(CONSOLE_SRC)
	cd console && npm run --silent build
	touch $@

setup: $(STAMP) console/dist/index.html

## make run: the whole system on this machine (moto, MQTT broker, rule bridge, API on :8000, simulator)
run: setup
	$(BIN)/python -m local.stack

## make demo: scripted end-to-end scenario against the running stack (starts one if none is running)
demo: setup
	$(BIN)/python -m local.demo

## make test: lint and the import contracts (pyproject.toml), then every test (unit, integration, workflows,
## infra, architecture)
## Browser tests (tests/browser) need Debian's chromium: without it they skip, and this says so loudly.
NO_BROWSER := command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	printf '\n%s\n%s\n%s\n\n' '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' \
	'!!  WARNING: chromium not found: the console browser tests (tests/browser) are SKIPPED. !!' \
	'!!  apt-get install chromium fonts-noto-cjk  (CI installs them and never skips)        !!' >&2

test: setup wheelhouse
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	@$(NO_BROWSER)
	$(BIN)/python -m pytest -n 2 --dist loadgroup
	@$(NO_BROWSER)

test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy chalicelib app.py local infra bench

## Lambda dependencies as manylinux wheels, so `chalice package` (inside CDK synth) runs offline.
wheelhouse: $(WHEELS)/.complete
$(WHEELS)/.complete: requirements.txt
	mkdir -p $(WHEELS)
	$(BIN)/python -m pip download --quiet --disable-pip-version-check -r requirements.txt -d $(WHEELS) \
	  --only-binary=:all: --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
	  --platform manylinux_2_28_x86_64 --implementation cp --python-version 3.11
	$(BIN)/python -m pip download --quiet --disable-pip-version-check -r requirements.txt -d $(WHEELS)
	touch $@

synth: setup wheelhouse
	PIP_NO_INDEX=1 PIP_FIND_LINKS=$(CURDIR)/$(WHEELS) $(BIN)/python infra/app.py

bench: setup
	$(BIN)/python -m bench

## make soak: the embedded stack and simulator for 10 min at >= 20 msg/s (10 % duplicated, 5 % malformed);
## every message accounted for from the system's records -> bench/results/soak.json (not part of make test)
soak: setup
	$(BIN)/python -m bench.soak

docs: setup
	$(BIN)/python -m local.docs

clean:
	rm -rf .local cdk.out chalice.out .pytest_cache .ruff_cache .mypy_cache .chalice/deployments .cache/cdk-home
