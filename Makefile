# Self-documenting Makefile: `make` or `make help` lists the targets.
# Conda users: `conda activate peterborough-csc` then `make report PY=python` (skips .venv).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY ?= $(VENV)/bin/python
ifeq ($(PY),$(VENV)/bin/python)
ENV_STAMP := $(VENV)/.installed
else
ENV_STAMP :=
endif
RUN := $(PY) -m analysis
SEED ?= 2012
EXTRACT := data/processed/synthetic_extract

.PHONY: help env browser data synth report test lint format unit nbval notebooks-check check-outputs notebooks lab bench constraints clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python >= 3.11 is needed (found $$($(PYTHON) --version)); set PYTHON=..." >&2; exit 1; }
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(VENV)/bin/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $@

env: $(ENV_STAMP) ## Create .venv and install the project (skipped if up to date)

browser: ## Install Debian's chromium for the accessibility tests (skipped if present)
	bash .ci/install-browser

data: $(ENV_STAMP) ## Clean data/raw into data/processed/metrics.csv
	$(RUN) clean --raw data/raw --out data/processed

synth: $(ENV_STAMP) ## Write the small synthetic case-level extract used by the default report
	$(RUN) synth --seed $(SEED) --out $(EXTRACT)

report: $(ENV_STAMP) ## Build the default report into reports/ (cleans, runs notebooks, HTML, index)
	$(RUN) report

lint: $(ENV_STAMP) ## ruff lint and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(ENV_STAMP) ## Apply ruff formatting and safe fixes
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

unit: data synth browser ## Unit tests (pytest), the accessibility checks in chromium included
	$(PY) -m pytest

nbval: data synth ## Check the committed notebooks' outputs with nbval
	$(PY) -m pytest --nbval notebooks/ -p no:cacheprovider

notebooks-check: data synth ## Fail, naming the notebook, if a committed notebook's outputs (charts too) are out of date
	$(RUN) execute-notebooks --check

check-outputs: $(ENV_STAMP) ## Fail if notebooks or reports hold record-level (personal) data
	$(RUN) check-outputs

test: lint report unit nbval notebooks-check check-outputs ## Lint, report, unit tests, nbval, stale notebooks, privacy guard: what CI runs

notebooks: data synth ## Re-execute the committed notebooks in place (clean kernel, stable outputs)
	$(RUN) execute-notebooks

lab: data synth ## Open JupyterLab on the notebooks
	$(PY) -m jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(ENV_STAMP) ## Benchmarks, printing ratios: the report against B (stack import), KPIs at national scale, kpis on census XML and Annex A
	$(PY) benchmarks/bench_report.py
	$(PY) benchmarks/bench_kpis.py
	$(PY) benchmarks/bench_case_files.py

constraints: $(ENV_STAMP) ## Re-pin constraints.txt to the versions installed in .venv (after an upgrade)
	{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v '^#'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean: ## Remove built outputs and the report cache (keeps data/raw and .venv)
	rm -rf data/processed/* reports/* .report-build .report-old .report-cache
