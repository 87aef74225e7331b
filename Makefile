# sohoa — two commands set everything up on a fresh Debian machine:
#   make demo   system packages (apt), .venv, a generated sample set processed end to end
#   make test   the test suite (installs what it needs first)
# Re-running is fast: apt runs only when a package is missing, pip only when pyproject.toml changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils qpdf \
	fonts-liberation2 fonts-dejavu-core fonts-noto-core fontconfig libnss3-tools \
	libtesseract-dev libleptonica-dev pkg-config softhsm2 opensc docker-compose
DEMO_DIR := demo
PYTEST_ARGS ?=

.PHONY: demo test soak system venv lint clean help bench-deps

help:
	@echo "make demo   install everything, generate samples, process them, print a summary"
	@echo "make test   install everything, run the test suite"
	@echo "make lint   ruff on the whole tree"

## System packages: installed with apt only when one is missing.
system:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if ! $(PYTHON) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		missing="$$missing python3 python3-venv python3-dev"; \
	fi; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## The virtual environment with the project (editable) and its dev extras.
venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | system
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

demo: venv
	@rm -rf $(DEMO_DIR)
	$(VENV)/bin/sohoa doctor
	$(VENV)/bin/sohoa samples $(DEMO_DIR)/samples --n 6 --seed 7 --level mixed
	@# A feeder stack: all documents back to back in one PDF, split by content.
	-SOHOA_LOG_LEVEL=warning $(VENV)/bin/sohoa process $(DEMO_DIR)/samples/batch.pdf --out $(DEMO_DIR)/out
	@echo
	@echo "Look at: $(DEMO_DIR)/out/batch/result.json (documents, fields, page statuses)"
	@echo "         $(DEMO_DIR)/out/batch/d1.pdf ... (searchable PDFs: try pdftotext $(DEMO_DIR)/out/batch/d1.pdf -)"
	@echo "         $(DEMO_DIR)/samples/truth.json (what the generator drew)"

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

## The fault runs (workers and brokers killed mid-batch on Redis and RabbitMQ, also part of
## `make test`) repeated SOAK_RUNS times, to catch what only goes wrong now and then.
SOAK_RUNS ?= 5
soak: venv
	@for i in $$(seq $(SOAK_RUNS)); do echo "soak run $$i/$(SOAK_RUNS)"; \
		$(PY) -m pytest -q tests/test_scale.py -k killed_workers $(PYTEST_ARGS) || exit 1; done

## Only for benchmarks/pdf_size.py and benchmarks/ocr.py: OCRmyPDF (the `bench` extra) with what its
## --optimize 2 and --clean (unpaper) use.
## jbig2enc (optional for OCRmyPDF) is not packaged in Debian 12, so it is left out.
BENCH_APT_PACKAGES := ghostscript pngquant unpaper
bench-deps: venv
	@missing=""; for p in $(BENCH_APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	$(PY) -m pip install -q -e '.[dev,bench]'

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(DEMO_DIR) .pytest_cache .ruff_cache build *.egg-info
