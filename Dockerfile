# Tanggap: API + in-process worker, CPU-only PyTorch, non-root.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# CPU wheel of torch (the default PyPI wheel for Linux is a multi-GB CUDA build).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0

WORKDIR /srv/tanggap
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

COPY models ./models
COPY prompts ./prompts

RUN useradd --system --uid 10001 --home /srv/tanggap tanggap \
    && mkdir -p /srv/tanggap/var && chown tanggap /srv/tanggap/var
USER tanggap

ENV TANGGAP_MODEL_DIR=/srv/tanggap/models/tanggap-mini \
    TANGGAP_PROMPTS_DIR=/srv/tanggap/prompts \
    TANGGAP_KNOWLEDGE_DIR=/srv/tanggap/prompts/knowledge \
    TANGGAP_DATABASE_URL=sqlite:////srv/tanggap/var/tanggap.db

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"

CMD ["sh", "-c", "tanggap migrate && exec tanggap serve --host 0.0.0.0 --port 8000"]
