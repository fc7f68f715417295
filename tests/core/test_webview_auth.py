"""Who opened the web view: Telegram's signed initData and our signed, expiring links (core/webview/auth.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from core.webview.auth import (
    INIT_DATA_MAX_AGE,
    LINK_LIFETIME,
    Denied,
    init_data_hash,
    link_learner,
    sign_link,
    telegram_user,
)

TOKEN = "123456:TEST-token-for-the-web-view"
NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
SECRET = b"a-secret-of-the-server-32-bytes!"


def init_data(user_id: int = 4242, signed: datetime = NOW, token: str = TOKEN, **extra: str) -> str:
    """initData as Telegram builds it for the bot with `token`."""
    fields = {"query_id": "AAH42", "user": json.dumps({"id": user_id, "first_name": "Ada"}),
              "auth_date": str(int(signed.timestamp())), **extra}
    return urlencode({**fields, "hash": init_data_hash(fields, token)})


def test_telegram_published_example_is_accepted():
    """The example initData and bot token published with a widely used Mini Apps library: an implementation
    of Telegram's algorithm written by someone else signs it the same way."""
    example = ("query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22"
               "%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru"
               "%22%2C%22is_premium%22%3Atrue%7D&auth_date=1662771648"
               "&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2")
    when = datetime.fromtimestamp(1662771648, UTC) + timedelta(minutes=1)
    assert telegram_user(example, "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8", when) == 279058397
    assert telegram_user(example, "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx9", when) is Denied.FORGED


def test_telegram_init_data_names_its_user():
    assert telegram_user(init_data(user_id=77), TOKEN, NOW + timedelta(minutes=3)) == 77


@pytest.mark.parametrize("forged", [
    init_data(token="999:another-bot"),  # signed for another bot
    init_data().replace("%22id%22%3A+4242", "%22id%22%3A+4243"),  # the user changed after signing
    init_data() + "&chat_type=private",  # a field added after signing
    init_data() + "&auth_date=1",  # a field given twice
    init_data().split("&hash=")[0],  # no hash
    "",
    "not a query string",
    init_data(signed=NOW + timedelta(hours=1)),  # signed in the future: not Telegram's clock
    init_data().split("&hash=")[0] + "&hash=%C3%A9",  # a hash that is not hex, nor even ASCII
])
def test_forged_init_data_is_refused(forged):
    assert forged != init_data() and telegram_user(forged, TOKEN, NOW) is Denied.FORGED


def test_old_init_data_has_expired():
    old = init_data(signed=NOW - INIT_DATA_MAX_AGE - timedelta(seconds=1))
    assert telegram_user(old, TOKEN, NOW) is Denied.EXPIRED
    assert telegram_user(init_data(signed=NOW - INIT_DATA_MAX_AGE), TOKEN, NOW) == 4242


def test_init_data_without_a_user_is_refused():
    fields = {"auth_date": str(int(NOW.timestamp())), "user": json.dumps({"id": "4242"})}
    assert telegram_user(urlencode({**fields, "hash": init_data_hash(fields, TOKEN)}), TOKEN, NOW) is Denied.FORGED


def test_a_link_names_its_learner_until_it_expires():
    token = sign_link(SECRET, 31, NOW + LINK_LIFETIME)
    assert link_learner(SECRET, token, NOW) == 31
    assert link_learner(SECRET, token, NOW + LINK_LIFETIME - timedelta(seconds=1)) == 31
    assert link_learner(SECRET, token, NOW + LINK_LIFETIME) is Denied.EXPIRED


@pytest.mark.parametrize("change", [
    lambda t: "32" + t[2:],  # another learner
    lambda t: t.split(".")[0] + "." + str(int(t.split(".")[1]) + 3600) + "." + t.split(".")[2],  # a later expiry
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # another signature
    lambda t: sign_link(b"another server's secret, 32 bytes", 31, NOW + LINK_LIFETIME),
    lambda t: t + ".",
    lambda t: "",
    lambda t: "３1" + t[2:],  # a digit that is not ASCII
])
def test_a_changed_link_is_refused(change):
    token = sign_link(SECRET, 31, NOW + LINK_LIFETIME)
    assert link_learner(SECRET, change(token), NOW) is Denied.FORGED
