# One task runner for people and CI. `make serve` and `make test` are the two set-up commands.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Root runs apt-get directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install system-deps assets messages serve test test-fast lint bench bench-http fuzz load clean

install: $(STAMP) assets catalogues

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch is pinned: this version has a CPU wheel; an unpinned torch pulls a multi-GB CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the tests need: Chromium for browser tests, Graphviz's `dot` for torchviz in the benchmark,
# PostgreSQL and nginx for the deployment tests (tests/deploy/ starts them itself, unprivileged, in temp folders),
# wrk for `make bench-http`. fonts-wqy-microhei: the CJK font Graphviz measures and draws Chinese labels with (the
# service needs it too: without one, Chinese text is laid out and drawn as empty boxes).
# fonts-liberation2: the Latin faces (Helvetica and Courier metrics) gradtrace's own text measuring is built on.
system-deps:
	@command -v chromium >/dev/null && command -v dot >/dev/null && command -v wrk >/dev/null && [ -x /usr/sbin/nginx ] \
	  && [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && [ -d /usr/share/fonts/truetype/liberation2 ] \
	  && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium graphviz fonts-dejavu-core fonts-liberation2 fonts-wqy-microhei postgresql nginx wrk; }

# Front-end bundle: npm packages pinned by package-lock.json, bundled by esbuild into static/build/.
# Only building needs Node.js; serving uses the built files. Rebuilt when a source or the lockfile changes.
ASSET_SOURCES := package.json package-lock.json scripts/build-assets.mjs $(shell find static/src -type f 2>/dev/null)
ASSET_BUNDLE := static/build/playground.js

assets: $(ASSET_BUNDLE)

$(ASSET_BUNDLE): $(ASSET_SOURCES)
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/build-assets.mjs

# Message catalogues (English msgids in the code, Simplified Chinese in app/i18n/locale/zh_CN): `make messages`
# extracts the msgids and merges them into the .po files (then translate the new entries); the .mo files the
# service reads are compiled from the .po files here and by every package build (setup.py).
CATALOGUES := $(wildcard app/i18n/locale/*/LC_MESSAGES/*.po)

catalogues: $(CATALOGUES:.po=.mo)

app/i18n/locale/%.mo: app/i18n/locale/%.po $(STAMP)
	$(PY) scripts/messages.py compile

messages: $(STAMP)
	$(PY) scripts/messages.py update
	$(PY) scripts/messages.py check || true

serve: install
	$(VENV)/bin/gradtrace serve

test: install system-deps lint
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m 'not browser and not slow'

lint: install
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/ruff format --check app tests
	$(VENV)/bin/mypy

bench: install system-deps
	$(PY) -m tests.bench

# The real service (2 workers) over HTTP: cold start, the time a request adds above the in-process pipeline,
# uncached requests/s with p50/p99 and cached image requests/s, direct and through nginx (wrk, Debian package).
BENCH_HTTP_SECONDS ?= 10
bench-http: install system-deps
	$(PY) -m tests.bench_http --seconds $(BENCH_HTTP_SECONDS)

# Long property-based fuzzing of the sandbox, request bodies and the OpenAPI schema (`make test` runs a short one).
FUZZ_PROFILE ?= long
fuzz: install
	GRADTRACE_HYPOTHESIS_PROFILE=$(FUZZ_PROFILE) $(PY) -m pytest -q tests/security/test_fuzz.py tests/security/test_schema.py

# The real service under concurrent hostile load on loopback; fails on any 5xx, dropped connection or leaked worker.
# Then one client flooding slow programs plus a slowloris group beside a well-behaved client (tests/load_hostile.py).
LOAD_CLIENTS ?= 32
LOAD_SECONDS ?= 60
load: install
	$(PY) -m tests.load --clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS)
	$(PY) -m tests.load --scenario hostile --seconds $(LOAD_SECONDS)

clean:
	rm -rf $(VENV) build dist *.egg-info static/build node_modules
