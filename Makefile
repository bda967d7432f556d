# The book's front door. `make book` builds the site, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Tests and CI read the real data from ../shared/data when it exists; elsewhere
# `make data` downloads it into the user's cache (see helpers/datasets).
SHARED_DATA := $(abspath ../shared/data)
ifneq ($(wildcard $(SHARED_DATA)/README.md),)
export HELPERS_DATA_HOME ?= $(SHARED_DATA)
endif

BOOK_FLAGS := -W -n --keep-going

# The environment is installed from a universal lock (one file for Linux, macOS and
# Windows), refreshed by `make lock`; pyproject.toml keeps the version ranges for people
# who install the package into an environment of their own.
LOCK       := requirements/lock.txt
# A folder of wheels (the package and, from the lock, what a chapter needs) for the
# tests that install into a fresh environment with no network: `make wheelhouse`.
WHEELHOUSE := .cache/wheelhouse
# `jupyter lab` refuses to run as root unless told to (containers, CI). LAB_ARGS passes
# more options, e.g. `make lab LAB_ARGS="--no-browser --ServerApp.port=8899"`.
LAB_FLAGS  := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

# MathJax is served from the site itself, so formulas render offline. It comes
# from the npm registry (needs Node.js's npm) into book/_static/mathjax.
MATHJAX_VERSION := 3.2.2
MATHJAX := book/_static/mathjax/tex-chtml.js
NPM_DIR := .cache/npm

# axe-core audits every page for WCAG 2 A/AA in the browser tests (from npm, like MathJax;
# in a folder of its own, as `npm install --no-save` removes what it did not install).
AXE_VERSION := 4.14.1
AXE_DIR := .cache/axe
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js

# The PDF: Jupyter Book's LaTeX builder with XeLaTeX, from the notebooks executed for the
# site (the execution cache), copied into the site, which links to it.
PDF_NAME := nn-anomaly-detection.pdf
PDF := _build/latex/$(PDF_NAME)

.PHONY: help venv lock wheelhouse data mathjax axe book html i18n-update i18n-status student assignments pdf pdf-from-cache test check lint lab linkcheck clean

help:
	@echo "make book   set up .venv, fetch the data, execute every notebook, build _build/html"
	@echo "make test   lint, run the test suite and build the book with every notebook executed"
	@echo "make check  lint and the fast tests of helpers (no book build): the edit-test loop"
	@echo "make i18n-update  refresh the Chinese edition's catalogs (locales/zh_CN) from the English"
	@echo "make i18n-status  translated / fuzzy / untranslated messages of each page's catalog"
	@echo "make student  build the student edition (no solutions) into _build/student/_build/html"
	@echo "make pdf    the whole book as one PDF (needs XeLaTeX: see README), linked from the site"
	@echo "make assignments  the course's autograded assignments (student notebook and autograder"
	@echo "            zip of each) into _build/assignments, with otter-grader"
	@echo "make lab    JupyterLab on book/ with the project's environment"
	@echo "make data   fetch the data sets the chapters use"
	@echo "make lock   refresh $(LOCK) and binder/requirements.txt from pyproject.toml (needs the network)"
	@echo "make wheelhouse  the package's wheel and its locked dependencies in $(WHEELHOUSE)"
	@echo "make linkcheck  check the external links (needs the network; not part of make test)"
	@echo "make clean  remove the built site and the execution cache"

venv: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r $(LOCK)
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

# Needs uv (in the dev extra). Existing pins are kept unless pyproject.toml rules them out;
# `make lock UPGRADE=--upgrade` moves every package to its newest allowed version.
lock: | $(BIN)/python
	test -x $(BIN)/uv || $(BIN)/python -m pip install uv
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
		--custom-compile-command "make lock" --quiet $(UPGRADE) --output-file $(LOCK)
	printf 'jupyterlab-myst\n' | $(BIN)/uv pip compile pyproject.toml - --universal \
		--python-version 3.11 --constraint $(LOCK) --custom-compile-command "make lock" \
		--quiet --output-file binder/requirements.txt

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

wheelhouse: $(WHEELHOUSE)/.stamp

$(WHEELHOUSE)/.stamp: $(STAMP) $(LOCK) pyproject.toml $(shell find helpers -name '*.py' -o -name '*.csv')
	rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)
	$(BIN)/python -m pip wheel --no-deps --wheel-dir $(WHEELHOUSE) .
	$(BIN)/python -m pip download --dest $(WHEELHOUSE) --constraint $(LOCK) \
		$(WHEELHOUSE)/nn_anomaly_book-*.whl ipykernel
	touch $@

data: $(STAMP)
	$(BIN)/python -m helpers.datasets

mathjax: $(MATHJAX)

$(MATHJAX):
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to install MathJax for offline reading: see README"; exit 1; }
	npm install --no-save --no-audit --no-fund --prefix $(NPM_DIR) mathjax@$(MATHJAX_VERSION)
	rm -rf book/_static/mathjax && mkdir -p book/_static/mathjax/input/tex book/_static/mathjax/output/chtml
	cp $(NPM_DIR)/node_modules/mathjax/es5/tex-chtml.js book/_static/mathjax/
	cp -r $(NPM_DIR)/node_modules/mathjax/es5/input/tex/extensions book/_static/mathjax/input/tex/
	cp -r $(NPM_DIR)/node_modules/mathjax/es5/output/chtml/fonts book/_static/mathjax/output/chtml/
	cp -r $(NPM_DIR)/node_modules/mathjax/es5/a11y $(NPM_DIR)/node_modules/mathjax/es5/ui book/_static/mathjax/

axe: $(AXE)

$(AXE):
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to install axe-core for the accessibility tests: see README"; exit 1; }
	npm install --no-save --no-audit --no-fund --prefix $(AXE_DIR) axe-core@$(AXE_VERSION)

# scripts/execute_notebooks.py first clears the execution cache when helpers/ (data
# registry included) changed since the cache was filled, so no page shows stale outputs.
# Then the Chinese edition, from the same executed notebooks, into _build/html/zh.
html: $(STAMP) data $(MATHJAX)
	$(BIN)/python scripts/execute_notebooks.py
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	$(BIN)/python scripts/i18n.py build

# The Chinese edition's catalogs (locales/zh_CN): re-extract the English text and merge it
# in (new and changed messages become untranslated or fuzzy); then the counts per page.
# CONTRIBUTING.md, "The Chinese edition", gives the workflow.
i18n-update: $(STAMP) data
	$(BIN)/python scripts/execute_notebooks.py
	$(BIN)/python scripts/i18n.py update

i18n-status: | $(STAMP)  # order-only: counting needs no reinstall
	@$(BIN)/python scripts/i18n.py status

# The student edition: the same site without the solutions, from the same executed notebooks.
STUDENT_DIR := _build/student
student: html
	$(BIN)/python scripts/student_config.py $(STUDENT_DIR)/_config.yml
	$(BIN)/jupyter-book build . --config $(STUDENT_DIR)/_config.yml --path-output $(STUDENT_DIR) $(BOOK_FLAGS)
	@echo "The student edition is at $(abspath $(STUDENT_DIR)/_build/html/index.html)"

# After `html`, every notebook is in the execution cache: the LaTeX build only renders.
pdf: html pdf-from-cache

pdf-from-cache: $(STAMP)
	@test -f _build/html/index.html || { echo "build the site first: make html"; exit 1; }
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null || { echo "make pdf needs XeLaTeX and latexmk: see README (PDF)"; exit 1; }
	rm -rf _build/latex  # latexmk would otherwise repeat an earlier run's verdict
	$(BIN)/jupyter-book build . --builder pdflatex $(BOOK_FLAGS)
	cp $(PDF) _build/html/$(PDF_NAME)
	@echo "The PDF is at $(abspath $(PDF)) ($$(du -h $(PDF) | cut -f1))"
# The autograded assignments: Otter Assign on every master notebook in assignments/.
assignments: $(STAMP)
	$(BIN)/python scripts/assignments.py
	@echo "The assignments are in $(abspath _build/assignments)"

book: html
	@echo "The book is at $(abspath _build/html/index.html)"

lint: $(STAMP)
	$(BIN)/ruff check .

# The PDF is built when XeLaTeX is installed, or when REQUIRE_PDF is set (CI); elsewhere the
# PDF test skips and says why.
test: lint html student wheelhouse $(AXE)
	@if [ -n "$$REQUIRE_PDF" ] || command -v xelatex >/dev/null; then $(MAKE) pdf-from-cache; fi
	$(BIN)/python -m pytest

check: lint
	$(BIN)/python -m pytest tests/helpers -m "not slow" -q -p no:cacheprovider

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) $(LAB_ARGS) book/

linkcheck: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . --builder linkcheck

clean:
	rm -rf _build
