# deliverybot: small image, non-root, data in a volume.
#   docker build -t deliverybot .
#   docker run -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN -v deliverybot-data:/data deliverybot
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY planner ./planner
COPY storage ./storage
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////data/deliverybot.db \
    DELIVERYBOT_DEFAULT_PLAN=/app/plans/k3s-mono-pgsql.md \
    PORT=3000 \
    MPLCONFIGDIR=/app/.matplotlib
RUN useradd --create-home --uid 10001 deliverybot && mkdir -p /data /app && chown deliverybot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY plans /app/plans
# Build matplotlib's font cache now, not on the first digest picture.
RUN python -c "import matplotlib.font_manager" && chown -R deliverybot /app/.matplotlib
USER deliverybot
WORKDIR /app
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)"
CMD ["deliverybot", "run"]
