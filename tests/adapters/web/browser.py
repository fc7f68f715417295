"""Debian's chromium, headless, driven by Playwright for Python; Playwright never downloads a browser here.

.ci/run installs the `chromium` package when /usr/bin/chromium is missing. Outside CI a machine without it
skips the browser tests (with the reason); under CI=true they must run.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}  # a small phone, as Telegram's in-app browser shows the page
SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "web"  # ignored by git
WAIT_MS = 30_000  # the longest an expectation waits for the page (it passes as soon as the page matches)


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    pytest.skip(f"no {CHROMIUM}: apt-get install chromium (.ci/run does)")


@contextlib.asynccontextmanager
async def phone(profile: Path) -> AsyncIterator:
    """A page in a fresh chromium profile at a phone's width."""
    need_chromium()
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=WAIT_MS)
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=ARGS, viewport=PHONE)
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            yield page
        finally:
            await context.close()


async def shot(page, name: str) -> Path:
    """Save a screenshot of the whole page under test-output/web/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
