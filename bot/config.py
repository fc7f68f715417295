"""Settings from environment variables; a malformed value stops the bot at start with a clear error."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from pydantic import DirectoryPath, Field, HttpUrl, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from core.exam.bank import QUESTIONS_DIR

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/mla.db"
_DRIVERS = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class Settings(BaseSettings):
    """Tokens are SecretStr, so printing the settings or logging them never shows a token."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: HttpUrl | None = None
    telegram_webhook_url: HttpUrl | None = None  # webhook mode when set; long polling otherwise
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_listen: str = "0.0.0.0"  # the webhook server's address (127.0.0.1: behind a local proxy)
    discord_bot_token: SecretStr | None = None
    discord_guild_id: int | None = None  # sync slash commands to this guild at once (development)
    # Sharding, which Discord requires past 2,500 servers: this many shards in all ("auto": Discord's
    # recommended count), and the ones this process runs ("0,1"; every shard when unset), so that several
    # processes can split the shards between them. Unset: one gateway connection, no sharding.
    discord_shard_count: int | Literal["auto"] | None = None
    discord_shard_ids: Annotated[list[Annotated[int, Field(ge=0)]] | None, NoDecode] = None
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line, for a log collector
    # The ops HTTP server (/healthz, /metrics): off unless a port is set; it listens on OPS_HOST.
    ops_port: int | None = Field(default=None, ge=0, le=65535)
    ops_host: str = "127.0.0.1"
    # On SIGTERM: how long the updates in flight and a running scheduler tick may take to finish.
    shutdown_seconds: float = Field(default=25.0, ge=0, le=600)
    # The folder of exams: each subfolder with an exam.yaml is one exam, and the bot serves them all.
    questions_dir: DirectoryPath = QUESTIONS_DIR
    # A database or Bot API down at start is tried this many times, waiting 1x, 2x, 4x... this many seconds.
    startup_attempts: int = Field(default=5, ge=1, le=50)
    startup_retry_seconds: float = Field(default=1.0, ge=0, le=300)
    # The web view (core/webview, adapters/web): on when WEBAPP_BASE_URL, the page's public address, is set;
    # the bot serves it on WEBAPP_HOST:WEBAPP_PORT (a proxy in front terminates HTTPS). Its links are signed
    # with WEBAPP_SECRET, or with a key the database keeps, so every replica accepts every replica's links.
    webapp_base_url: HttpUrl | None = None
    webapp_port: int = Field(default=8080, ge=0, le=65535)
    webapp_host: str = "127.0.0.1"
    webapp_secret: SecretStr | None = None

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+asyncpg://" + url.split("://", 1)[1]
        if not url.startswith(_DRIVERS):
            raise ValueError(f"must start with one of {', '.join(_DRIVERS)} (got {url.split(':', 1)[0]}:...)")
        try:
            make_url(url)
        except Exception:  # the URL is not echoed: it may hold a password
            raise ValueError("is not a database URL SQLAlchemy can read: check its form, "
                             "postgresql+asyncpg://user:password@host:5432/database (the port is a number)") from None
        return url

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value):
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        level = level.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {level!r}")
        return level

    @field_validator("discord_shard_count", mode="before")
    @classmethod
    def _count_or_auto(cls, value):
        if value is None:
            return None
        text = str(value).strip().lower()
        if not text:
            return None
        if text == "auto":
            return text
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            raise ValueError("must be a number of shards (1 or more) or auto")
        return int(text)

    @field_validator("discord_shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",")] if value.strip() else None
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _shards_in_range(cls, ids: list[int] | None, info: ValidationInfo) -> list[int] | None:
        if ids is None or "discord_shard_count" not in info.data:  # a malformed count is reported on its own
            return ids
        count = info.data["discord_shard_count"]
        if not isinstance(count, int):
            raise ValueError("needs DISCORD_SHARD_COUNT set to a number: how many shards there are in all")
        if not ids or len(set(ids)) != len(ids) or max(ids) >= count:
            raise ValueError(f"must name distinct shards from 0 to {count - 1} (DISCORD_SHARD_COUNT is {count})")
        return sorted(ids)

    @property
    def console(self) -> bool:
        """No chat token is set: the bot is the terminal chat."""
        return not self.telegram_bot_token and not self.discord_bot_token

    def secrets(self) -> list[str]:
        """Every secret value, for the log filter."""
        return [t.get_secret_value() for t in (self.telegram_bot_token, self.discord_bot_token, self.webapp_secret)
                if t]

    @field_validator("webapp_secret")
    @classmethod
    def _long_secret(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and len(secret.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters of random text (or unset: the bot then keeps one in "
                             "the database)")
        return secret

    @field_validator("webapp_base_url")
    @classmethod
    def _web_view_url(cls, url: HttpUrl | None, info: ValidationInfo) -> HttpUrl | None:
        """The page's own address: the sign-in travels in its fragment, so it may have none (nor a query);
        Telegram opens Mini Apps over HTTPS only, so with a Telegram token it must be HTTPS."""
        if url is None:
            return None
        if url.query or url.fragment:
            raise ValueError("must be the page's address without ? or #, e.g. https://bot.example.org/exam/")
        if info.data.get("telegram_bot_token") and url.scheme != "https":
            raise ValueError("must start with https:// when TELEGRAM_BOT_TOKEN is set: Telegram opens Mini Apps "
                             "over HTTPS only")
        return url

    @field_validator("telegram_bot_token", "discord_bot_token", "telegram_webhook_url", "telegram_api_base_url",
                     "discord_guild_id", "ops_port", "webapp_base_url", "webapp_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value):
        return None if isinstance(value, str) and not value.strip() else value
