FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY core core
COPY adapters adapters
COPY bot bot
COPY migrations migrations
COPY questions questions
RUN pip install --no-cache-dir -e .
# `python -m bot` applies the migrations (alembic upgrade head) before it starts serving.
CMD ["python", "-m", "bot"]
