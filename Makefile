# Roundwise: two commands on a fresh clone.
#   make serve   set everything up and run the service (SQLite by default)
#   make test    set everything up and run the whole check suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SYSTEM_STAMP := $(VENV)/.system-deps-stamp

.PHONY: setup serve test check lint typecheck imports pytest bench bench-measure bench-fold bench-render bench-judge bench-instructions bench-load bench-load-rate bench-cli bench-understanding bench-corrections bench-stage fuzz train clean

setup: $(STAMP) $(SYSTEM_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Roundwise needs Python >= 3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Native libraries WeasyPrint needs (Pango, HarfBuzz subsetting, fonts); installed only where missing.
$(SYSTEM_STAMP): scripts/system-deps.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	bash scripts/system-deps.sh
	@touch $@

serve: setup
	$(BIN)/roundwise serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

imports: setup
	$(BIN)/lint-imports

pytest: setup
	$(BIN)/pytest -n 2 --cov --cov-report=term

check: lint typecheck imports

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --cov --cov-report=term

# Benchmarks (figures go to docs/benchmarks.md). The load benchmark needs a running
# `roundwise serve` (see bench/load_bench.py for its options).
bench: bench-measure bench-fold bench-render bench-judge

bench-measure: setup
	$(BIN)/python -m bench.measure_bench

bench-fold: setup
	$(BIN)/python -m bench.fold_bench

bench-render: setup
	$(BIN)/python -m bench.render_bench

# The message reader's model (engine/understand/models/reader.json) from corpus/ train.
train: setup
	$(BIN)/python -m bench.train_reader
	$(BIN)/python -m bench.train_stage

# Reading real client messages: dev and test figures into docs/understanding.md.
bench-understanding: setup
	$(BIN)/python -m bench.understanding

# Corrections as examples (issue 16.6): correcting the first k messages, on dev and test.
bench-corrections: setup
	$(BIN)/python -m bench.corrections

bench-judge: setup
	$(BIN)/python -m bench.judge_bench

# Whole-process start-up of `roundwise` commands against a baseline commit (bench/cli_startup.py).
bench-cli: setup
	$(BIN)/python -m bench.cli_startup

# Instructions per judged request under Valgrind (needs the valgrind package).
bench-instructions: setup
	$(BIN)/python -m bench.instructions

bench-load: setup
	$(BIN)/python -m bench.load_bench --url http://127.0.0.1:8000 --clients 32 --duration 60

# The same, open loop: requests due at a fixed 300/s, latency counted from the due time.
bench-load-rate: setup
	$(BIN)/python -m bench.load_bench --url http://127.0.0.1:8000 --clients 32 --duration 60 --rate 300

# A long schemathesis run, stateful links included, against a served app on a fresh
# database (figures in docs/benchmarks.md, "Fuzzing"). FUZZ_ARGS="--database-url URL"
# fuzzes a private schema of a PostgreSQL database instead of SQLite.
FUZZ_ARGS ?=
fuzz: setup
	$(BIN)/python -m bench.fuzz --max-examples 100 $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov

# The stage (calm / explosion) alone: train-CV, dev and the written batches (bench/stage_bench.py).
bench-stage: setup
	$(BIN)/python -m bench.stage_bench --timing
