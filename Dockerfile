# gradtrace service on port 8000. Builds the front-end bundle in a Node stage, then installs the
# Python package (torch pinned to its CPU wheel) in a slim image; Graphviz comes inside pygraphviz.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts ./scripts
COPY static ./static
RUN node scripts/build-assets.mjs

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/gradtrace
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY app ./app
COPY templates ./templates
COPY static ./static
COPY --from=assets /src/static/build ./static/build
RUN pip install . && useradd --system --home /srv/gradtrace gradtrace
USER gradtrace
ENV GRADTRACE_HOST=0.0.0.0 GRADTRACE_PORT=8000 GRADTRACE_SNIPPET_DB=/tmp/gradtrace-snippets.sqlite3
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["gradtrace", "serve"]
