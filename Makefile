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

.PHONY: help venv data book html test lint lab clean

help:
	@echo "make book   set up .venv, fetch the data, execute every notebook, build _build/html"
	@echo "make test   lint, run the test suite and build the book with every notebook executed"
	@echo "make lab    JupyterLab on book/ with the project's environment"
	@echo "make data   fetch the data sets the chapters use"
	@echo "make clean  remove the built site and the execution cache"

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[book,test,dev]"
	touch $(STAMP)

data: $(STAMP)
	$(BIN)/python -m helpers.datasets

html: $(STAMP) data
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)

book: html
	@echo "The book is at $(abspath _build/html/index.html)"

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint html
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab book/

clean:
	rm -rf _build
