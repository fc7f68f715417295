"""The production files, checked where no Docker daemon runs: compose has PostgreSQL, two webhook replicas and
a proxy, each with a health check and a restart policy and no secret written in; the image is pinned, runs as
a non-root user, checks /healthz and installs nothing editable."""

from __future__ import annotations

import re

import yaml

from tests.bot.test_console import ROOT


def test_compose_runs_postgres_two_webhook_replicas_and_a_proxy_with_health_checks():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert set(services) == {"db", "bot", "proxy"}
    assert services["bot"]["deploy"]["replicas"] == 2
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"], name
    env = services["bot"]["environment"]
    assert env["TELEGRAM_WEBHOOK_URL"].startswith("${TELEGRAM_WEBHOOK_URL:?")
    assert "/healthz" in " ".join(services["bot"]["healthcheck"]["test"]) and env["OPS_PORT"] == "9090"
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert services["proxy"]["depends_on"]["bot"]["condition"] == "service_healthy"
    for service in services.values():
        if "image" in service and service is not services["bot"]:
            assert re.search(r":\d+\.\d+", service["image"]), service["image"]  # an exact release, not a major tag


def test_the_image_is_pinned_non_root_health_checked_and_not_editable():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:\d+\.\d+\.\d+-slim-\w+$", text, re.M)
    assert re.search(r"^USER bot$", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert " -e " not in text and "--editable" not in text
    # the runtime lock, hash-checked (pip and setuptools from theirs first); never the test extra
    installs = re.findall(r"pip install (.*?) -r (\S+)", text)
    assert [lock for _, lock in installs] == ["requirements/build.lock", "requirements/bot.lock"]
    assert all("--require-hashes" in options for options, _ in installs)
