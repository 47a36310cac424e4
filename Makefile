# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make demo   set up and open the console on the bundled demo city
#   make test   set up and run the whole test suite offscreen
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QM := assets/translations/console_zh_CN.qm

.PHONY: demo test bench lint system-deps translations city clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

$(QM): assets/translations/console_zh_CN.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

# The demo city with the bundled six-hour rainstorm and gas-leak feed, played as a drill.
demo: system-deps $(STAMP) $(QM)
	$(BIN)/console open --demo --drill --speed 60

test: system-deps $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/lint-imports
	$(BIN)/ruff check --quiet .

bench: system-deps $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

# Regenerate the committed demo city (deterministic for its seed).
city: $(STAMP)
	$(BIN)/python -m console.demo.city --out layers/demo

clean:
	rm -rf $(VENV) $(QM)
