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

# MathJax is served from the site itself, so formulas render offline. It comes
# from the npm registry (needs Node.js's npm) into book/_static/mathjax.
MATHJAX_VERSION := 3.2.2
MATHJAX := book/_static/mathjax/tex-chtml.js
NPM_DIR := .cache/npm

.PHONY: help venv data mathjax book html student assignments test lint lab linkcheck clean

help:
	@echo "make book   set up .venv, fetch the data, execute every notebook, build _build/html"
	@echo "make test   lint, run the test suite and build the book with every notebook executed"
	@echo "make student  build the student edition (no solutions) into _build/student/_build/html"
	@echo "make assignments  the course's autograded assignments (student notebook and autograder"
	@echo "            zip of each) into _build/assignments, with otter-grader"
	@echo "make lab    JupyterLab on book/ with the project's environment"
	@echo "make data   fetch the data sets the chapters use"
	@echo "make linkcheck  check the external links (needs the network; not part of make test)"
	@echo "make clean  remove the built site and the execution cache"

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[book,test,dev]"
	touch $(STAMP)

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

html: $(STAMP) data $(MATHJAX)
	$(BIN)/python scripts/execute_notebooks.py
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)

# The student edition: the same site without the solutions, from the same executed notebooks.
STUDENT_DIR := _build/student
student: html
	$(BIN)/python scripts/student_config.py $(STUDENT_DIR)/_config.yml
	$(BIN)/jupyter-book build . --config $(STUDENT_DIR)/_config.yml --path-output $(STUDENT_DIR) $(BOOK_FLAGS)
	@echo "The student edition is at $(abspath $(STUDENT_DIR)/_build/html/index.html)"

# The autograded assignments: Otter Assign on every master notebook in assignments/.
assignments: $(STAMP)
	$(BIN)/python scripts/assignments.py
	@echo "The assignments are in $(abspath _build/assignments)"

book: html
	@echo "The book is at $(abspath _build/html/index.html)"

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint html student
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab book/

linkcheck: $(STAMP) $(MATHJAX)
	$(BIN)/jupyter-book build . --builder linkcheck

clean:
	rm -rf _build
