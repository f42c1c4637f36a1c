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
# import-linter's command, beside PY's python in .venv (a conda environment has it on PATH).
LINT_IMPORTS := $(if $(ENV_STAMP),$(VENV)/bin/lint-imports,lint-imports)
# Every path a stage reads or writes is in pipeline.yaml: these targets run its stages by name.

.PHONY: help env browser data synth kpis benchmark stages report test lint layers format unit nbval check-outputs notebooks lab bench constraints clean

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

data: $(ENV_STAMP) ## Stage clean: data/raw into the tidy metric table (see pipeline.yaml)
	$(RUN) stage clean

synth: $(ENV_STAMP) ## Stage synth: the small synthetic case-level extract the default report uses
	$(RUN) stage synth

kpis: $(ENV_STAMP) ## Stage kpis: the extract's monthly KPIs, disclosure control applied
	$(RUN) stage kpis

benchmark: $(ENV_STAMP) ## Stage benchmark: the default authority beside England, region, neighbours
	$(RUN) stage benchmark

stages: $(ENV_STAMP) ## Every command stage of pipeline.yaml (each skipped when unchanged)
	$(RUN) stage clean synth kpis benchmark

report: $(ENV_STAMP) ## Build the default report into reports/ (cleans, runs notebooks, HTML, index)
	$(RUN) report

lint: $(ENV_STAMP) ## ruff lint and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

layers: $(ENV_STAMP) ## Check that the layers import one way (import-linter, pyproject.toml)
	$(LINT_IMPORTS)

format: $(ENV_STAMP) ## Apply ruff formatting and safe fixes
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

unit: $(ENV_STAMP) browser ## Unit tests (pytest), the accessibility checks in chromium included
	$(PY) -m pytest

nbval: stages ## Check the committed notebooks' outputs, text and charts, with nbval (one run each)
	$(PY) -m pytest --nbval notebooks/ -p no:cacheprovider

check-outputs: $(ENV_STAMP) ## Fail if notebooks or reports hold record-level (personal) data
	$(RUN) check-outputs

test: lint layers report unit nbval check-outputs ## Lint, layers, report, unit tests, nbval (notebook outputs, charts too), privacy guard: what CI runs

notebooks: stages ## Re-execute the committed notebooks in place (clean kernel, stable outputs)
	$(RUN) execute-notebooks

lab: stages ## Open JupyterLab on the notebooks
	$(PY) -m jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: $(ENV_STAMP) ## Benchmarks, printing ratios: KPIs at national scale, kpis on census XML and Annex A, the report against a plain papermill loop, its drawing floor and B (stack import)
	$(PY) benchmarks/bench_kpis.py
	$(PY) benchmarks/bench_case_files.py
	$(PY) benchmarks/bench_plain.py --skip-kpis

constraints: $(ENV_STAMP) ## Re-pin constraints.txt to the versions installed in .venv (after an upgrade)
	{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -v '^#'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean: ## Remove built outputs and the report cache (keeps data/raw and .venv)
	rm -rf data/processed/* reports/* .report-build .report-old .report-cache
