# gradtrace service on port 8000, installed the way the README's "Install from source" does it:
#   build stage:  python -m build --outdir dist .   (sdist, then the wheel from it; setup.py builds the
#                 playground bundle with Node.js 18+ and npm, so the wheel always carries it)
#   final stage:  the CPU build of torch, then `pip install` of that wheel; no Node.js in the image.
# tests/test_packaging.py checks these RUN lines against the README and the volume against
# GRADTRACE_SNIPPET_DB; tests/test_install.py runs the same commands outside Docker.
FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN pip install build
RUN python -m build --outdir dist .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/gradtrace
# Fonts Graphviz lays out and draws labels with, found by fontconfig for the wheel's Graphviz: Liberation (the
# metrics of Helvetica and Courier that app/rendering/text_metrics.py measures with) and, for Chinese,
# fonts-wqy-microhei (1.6 MB, one sans face covering GB2312/GBK; Noto CJK would add 56 MB).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       fontconfig fonts-liberation2 fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY --from=build /src/dist ./dist
RUN pip install dist/gradtrace-*.whl
# The wheel's postgres extra (psycopg 3 and its pool), so the same image serves replicas that share their
# snippets in PostgreSQL (GRADTRACE_DATABASE_URL, deploy/docker-compose.yml); unused without that variable.
# Not one of the README's install commands: a single server keeps its snippets in SQLite and needs none of it.
RUN python -m pip install "$(ls dist/gradtrace-*.whl)[postgres]"
# Stored snippets live on a volume, so they outlive the container; the folder belongs to the service's
# user before VOLUME, so a new named volume starts out writable by it.
RUN useradd --system --home /srv/gradtrace gradtrace \
    && mkdir -p /var/lib/gradtrace && chown gradtrace /var/lib/gradtrace
VOLUME ["/var/lib/gradtrace"]
USER gradtrace
ENV GRADTRACE_HOST=0.0.0.0 GRADTRACE_PORT=8000 GRADTRACE_SNIPPET_DB=/var/lib/gradtrace/snippets.sqlite3
EXPOSE 8000
# Healthy only when the page, its bundle and a worker answer: urlopen raises on any non-2xx answer.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["python", "-c", "import urllib.request as u; [u.urlopen('http://127.0.0.1:8000' + path, timeout=3).read() for path in ('/', '/static/build/playground.js', '/healthz')]"]
CMD ["gradtrace", "serve"]
