# The bot's production image. Pinned base (an exact Python and Debian release); the runtime dependencies
# from the lock files (requirements/, made by ./scripts/lock from pyproject.toml), every file checked
# against its hash, as ordinary packages; the code runs from /app (the project is not installed) as the
# unprivileged user "bot"; HEALTHCHECK asks the ops server's /healthz (database and chat adapters).
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPS_PORT=9090 OPS_HOST=0.0.0.0 LOG_FORMAT=json MPLCONFIGDIR=/var/cache/matplotlib
WORKDIR /app

COPY requirements/build.lock requirements/bot.lock requirements/
# pip and setuptools first (a current installer), then the runtime dependencies only (not the test extra).
RUN pip install --no-cache-dir --require-hashes --only-binary :all: -r requirements/build.lock \
    && pip install --no-cache-dir --require-hashes --only-binary :all: -r requirements/bot.lock \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin bot \
    && mkdir -p "$MPLCONFIGDIR" && python -c "import matplotlib.font_manager" && chown -R bot "$MPLCONFIGDIR"
# (matplotlib's font list is built here, once, in a folder the bot may write: else every container would
# build it again, in a temporary folder, on its first chart)

COPY pyproject.toml README.md alembic.ini ./
COPY core core
COPY adapters adapters
COPY bot bot
COPY migrations migrations
COPY questions questions

USER bot
EXPOSE 8443 8080 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"OPS_PORT\"]}/healthz', timeout=4)"
# `python -m bot` applies the migrations (alembic upgrade head) before it starts serving; SIGTERM drains.
CMD ["python", "-m", "bot"]
