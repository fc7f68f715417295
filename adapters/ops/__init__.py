"""Operations surface: /healthz and /metrics over HTTP (aiohttp), and the Prometheus metric definitions."""
