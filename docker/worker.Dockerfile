# A sohoa worker: the pipeline, its system tools (Tesseract with Vietnamese, poppler, qpdf) and the
# `sohoa worker` command. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t sohoa-worker .
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils qpdf \
        fonts-liberation2 fonts-dejavu-core fonts-noto-core fontconfig \
        libtesseract-dev libleptonica-dev pkg-config g++ \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 sohoa
WORKDIR /app
COPY pyproject.toml README.md ./
COPY sohoa ./sohoa
COPY pipeline ./pipeline
COPY workers ./workers
COPY schemas ./schemas
COPY samples ./samples
COPY store ./store
RUN pip install --no-cache-dir . && sohoa doctor

USER sohoa
ENV SOHOA_STORAGE_DIR=/data \
    SOHOA_METRICS_HOST=0.0.0.0 \
    SOHOA_METRICS_PORT=9191
EXPOSE 9191
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9191/health', timeout=4)"
# SIGTERM: the pages being processed finish (up to --shutdown-seconds), the rest go back to the queue.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sohoa"]
CMD ["worker", "--queues", "ocr,assemble,sign"]
