"""Every Prometheus metric the bot exports, defined once, on a registry of its own (tests build as many as
they like; nothing is registered at import time).

Adapters and the runtime do the counting through the plain callables below (`handled`, `rate_limited`, ...),
so no module outside this package imports prometheus_client, and core/ knows nothing of metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

# Seconds from an update's arrival in the adapter to the end of its handling (replies sent).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The bot's metrics on one registry; `render()` is the /metrics body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)  # CPU, memory, open files of this process
        PlatformCollector(registry=self.registry)
        r = self.registry
        self.updates = Counter("mla_updates_handled", "Chat updates handled (commands, answers, taps)",
                               ["platform"], registry=r)
        self.latency = Histogram("mla_update_duration_seconds", "Time to handle one chat update, replies included",
                                 ["platform"], buckets=LATENCY_BUCKETS, registry=r)
        self.in_flight = Gauge("mla_updates_in_flight", "Chat updates being handled now", ["platform"], registry=r)
        self.pushes = Counter("mla_pushes", "Daily pushes by outcome (sent; failed: unreachable or an error)",
                              ["outcome"], registry=r)
        self.rate_limited = Counter("mla_rate_limited", "HTTP 429 answers (Too Many Requests) seen from a chat API",
                                    ["platform"], registry=r)
        self.database_errors = Counter("mla_database_errors", "Errors raised by the database driver", registry=r)
        self.sessions_active = Gauge("mla_sessions_active", "Quiz sessions not finished yet (read at each scrape)",
                                     registry=r)
        for outcome in ("sent", "failed"):  # present from the start, so a rate() has a zero to start from
            self.pushes.labels(outcome)

    def platform(self, name: str) -> None:
        """Show a configured platform's series at zero before its first update."""
        self.updates.labels(name)
        self.latency.labels(name)
        self.in_flight.labels(name)
        self.rate_limited.labels(name)

    def handled(self, platform: str) -> Callable[[float], None]:
        """The callable an adapter calls once per update it finished handling, with the seconds it took."""
        counter, histogram = self.updates.labels(platform), self.latency.labels(platform)

        def observe(seconds: float) -> None:
            counter.inc()
            histogram.observe(seconds)
        return observe

    def started(self, platform: str) -> Callable[[int], None]:
        """The callable an adapter calls with +1 when an update's handling starts and -1 when it ends."""
        gauge = self.in_flight.labels(platform)
        return gauge.inc

    def too_many_requests(self, platform: str) -> Callable[[], None]:
        """The callable an adapter calls for each 429 its chat API answered."""
        return self.rate_limited.labels(platform).inc

    def pushed(self, sent: bool) -> None:
        self.pushes.labels("sent" if sent else "failed").inc()

    def database_error(self) -> None:
        self.database_errors.inc()

    def render(self, accept: str | None = None) -> tuple[bytes, str]:
        """The /metrics body and its content type, in the format the scraper's Accept header asks for
        (Prometheus text by default, OpenMetrics when asked)."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


class CountLogged(logging.Filter):
    """Counts the records of a library's logger that contain a phrase: discord.py handles Discord's 429s
    inside its HTTP client and only logs them, so its log is the one place they can be seen."""

    def __init__(self, phrases: tuple[str, ...], count: Callable[[], None]) -> None:
        super().__init__()
        self.phrases, self.count = phrases, count

    def filter(self, record: logging.LogRecord) -> bool:
        if any(p in str(record.msg) for p in self.phrases):
            self.count()
        return True


DISCORD_429 = ("responded with 429", "received a 429")


def count_discord_429s(count: Callable[[], None]) -> CountLogged:
    """Attach a counter of Discord's 429s to discord.py's HTTP logger (detach it with removeFilter)."""
    counter = CountLogged(DISCORD_429, count)
    logging.getLogger("discord.http").addFilter(counter)
    return counter
