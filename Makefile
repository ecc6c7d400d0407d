# Every target works on a machine with Python 3, make and Go (or a Pulumi CLI): .venv is built
# on demand, and the Pulumi CLI the real-engine tests run is found or built by `make pulumi`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DIST_VENV := .venv-dist
# The CLI `make pulumi` builds, and the dynamic-provider plugin beside it, come first on PATH.
export PATH := $(CURDIR)/.tools/pulumi/bin:$(PATH)

.PHONY: test test-fast test-provider test-engine lint typecheck pytest pulumi test-matrix dist demo bench emulator generate sdks clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Test tiers (tests/unit, tests/provider, tests/engine): `make test-fast` after every edit (in
# process, seconds), `make test-provider` after touching a door, `make test` (lint, types and
# all three tiers, in parallel) before pushing. JOBS sets the pytest-xdist workers: the engine
# tier mostly waits on CLI and provider processes, so more workers than cores pay. Tests go out
# one at a time, the `slow` ones first (tests/conftest.py), so no long test starts last.
JOBS ?= 4
PYTEST := $(PY) -m pytest -p no:cacheprovider --dist load --maxschedchunk 1

test: lint typecheck pytest

test-fast: $(STAMP)
	$(PYTEST) -n 2 tests/unit

test-provider: $(STAMP)
	$(PYTEST) -n $(JOBS) tests/provider

test-engine: pulumi
	$(PYTEST) -n $(JOBS) tests/engine

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: pulumi
	$(PYTEST) -n $(JOBS)

pulumi: $(STAMP)
	$(PY) tools/get_pulumi.py

# The unit and provider tiers and the engine smoke tests on each supported Python the machine
# has, and with the lowest pins (MATRIX="--only 3.10 --only 3.13" for some of them; add
# --all-tiers for the whole engine tier too).
test-matrix: pulumi
	$(PY) tools/test_matrix.py $(MATRIX)

# sdist and wheel into dist/, both checked by twine. Twine has a venv of its own: it brings
# rich, and httpx imports its command line (rich, click) whenever they are installed, which
# would make the test venv's provider processes start slower than a user's.
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --sdist --wheel --outdir dist .
	test -x $(DIST_VENV)/bin/twine || ($(PYTHON) -m venv $(DIST_VENV) && $(DIST_VENV)/bin/pip install --quiet 'twine>=5')
	$(DIST_VENV)/bin/twine check --strict dist/*

demo: pulumi
	$(PY) tools/demo.py

bench: pulumi
	$(PY) benchmarks/run.py

# _surface.py (the typed Python classes), both doors' class statements, schema.json and
# pulumi-plugin.json, from RESOURCES (pulumi_jetemail/resources/); then the TypeScript and Go
# SDKs (sdk/nodejs, sdk/go) from schema.json, with Pulumi's code generator (needs Go).
generate: $(STAMP)
	$(PY) -m pulumi_jetemail._codegen
	$(PY) tools/gen_sdks.py

# Build the TypeScript SDK (sdk/nodejs/bin, for `npm install <path>`) and the Go SDK, with their
# example programs (needs Node.js and npm, and Go).
sdks: $(STAMP)
	$(PY) tools/build_sdks.py

emulator: $(STAMP)
	$(PY) -m pulumi_jetemail.emulator --port 8025 --api-key api_local

clean:
	rm -rf $(VENV) $(DIST_VENV) .venv-matrix .tools dist sdk/nodejs/bin sdk/nodejs/node_modules examples/typescript/bin examples/typescript/node_modules .pytest_cache .mypy_cache .ruff_cache build *.egg-info
