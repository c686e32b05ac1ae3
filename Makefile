# The two commands of the README: `make run` and `make test`; CI (.ci/run) adds `make windows`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint dist dist-selftest bench windows clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,dist]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/doithoai

lint: $(STAMP)
	$(PY) -m ruff check app ui tests benchmarks packaging
	$(PY) -m ruff format --check app ui tests benchmarks packaging
	$(PY) -m mypy app

# One worker per core (a test module stays on one worker: its module fixtures are built once).
PYTEST_ARGS ?= -n auto --dist loadfile

test: $(STAMP) lint dist-selftest
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS)

dist: $(STAMP)
	$(PY) -m PyInstaller --noconfirm --clean build.spec

# The frozen program checks itself (no display needed); its log goes to build/, not the user's folder.
dist-selftest: dist
	DOITHOAI_HOME=build/selftest-home dist/doithoai/doithoai --self-test

# Every benchmark on a generated 100 000-petition history, one table; never part of `make test`.
# BENCH_ARGS="--fresh" regenerates the history, "--bundle" adds the frozen program (after `make dist`).
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py $(BENCH_ARGS)

# The Windows program and its installer, built and proven under Wine (the Windows Python, not .venv):
# dist/windows/doithoai/ and dist/windows/doithoai-<version>-cai-dat.exe. See packaging/windows/build.sh.
windows:
	bash packaging/windows/build.sh

clean:
	rm -rf build dist .pytest_cache .ruff_cache
