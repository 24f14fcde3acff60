# deliverybot: a reproducible image, non-root, data in a volume, no test tools inside.
#   docker build -t deliverybot .
#   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v deliverybot-data:/data deliverybot
# Without Slack tokens `deliverybot run` is the local console: `docker run -it deliverybot` to
# type in it; detached, it reads end-of-input and exits 0 after saying which variables to set.
#
# Every third-party package comes from requirements.lock (pinned, hash-checked, nothing else:
# --no-deps); the project's own wheel is built with requirements-build.lock's setuptools, without
# build isolation, so the build fetches nothing unpinned. `make lock` remakes both locks.
# Pin the base image by digest for byte-for-byte rebuilds: --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:…
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY requirements.lock requirements-build.lock ./
RUN python -m venv /opt/deliverybot \
 && /opt/deliverybot/bin/pip install --require-hashes --no-deps -r requirements.lock \
 && pip install --require-hashes --no-deps -r requirements-build.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY planner ./planner
COPY storage ./storage
# The message catalogs compiled into the wheel (.po -> .mo, with the lock's Babel).
COPY tools/i18n.py ./tools/i18n.py
RUN /opt/deliverybot/bin/python tools/i18n.py compile
# pip check: the lock holds everything the project and its dependencies need. Then the venv's
# own pip and setuptools go: the image installs nothing at run time.
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /wheels . \
 && /opt/deliverybot/bin/pip install --no-deps /wheels/*.whl \
 && /opt/deliverybot/bin/pip check \
 && /opt/deliverybot/bin/pip uninstall --yes --quiet setuptools pip

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="deliverybot" \
      org.opencontainers.image.description="A Slack app that keeps a written delivery plan honest"
ENV PATH=/opt/deliverybot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/deliverybot.db \
    DELIVERYBOT_DEFAULT_PLAN=/app/plans/k3s-mono-pgsql.md \
    PORT=3000 \
    MALLOC_ARENA_MAX=2 \
    MPLCONFIGDIR=/app/.matplotlib
RUN groupadd --system --gid 10001 deliverybot \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin deliverybot \
 && mkdir -p /data /app \
 && chown 10001:10001 /data
COPY --from=build /opt/deliverybot /opt/deliverybot
COPY plans /app/plans
# matplotlib's font cache now, not on the first digest picture. With a read-only root filesystem
# (Kubernetes) MPLCONFIGDIR must point at a writable place instead: the manifests use /tmp.
RUN python -c "import matplotlib.font_manager" \
 && chown -R 10001:10001 /app/.matplotlib
USER 10001:10001
WORKDIR /app
VOLUME ["/data"]
EXPOSE 3000
# Exec form and no curl (the slim image has none): the image's Python asks /healthz on PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"]
CMD ["deliverybot", "run"]
