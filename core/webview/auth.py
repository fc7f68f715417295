"""Who opened the web view: pure checks of Telegram's signed initData and of our own signed links.

Telegram (Mini Apps, "Validating data received via the Mini App"): the page receives initData, a query string
signed with the bot's token. secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token); the data-check-string
is every received field but `hash`, sorted by key, as key=value lines joined by "\\n" (values decoded); the
string is genuine when hex(HMAC_SHA256(key=secret_key, msg=data_check_string)) equals `hash`. Its auth_date
says when Telegram signed it, so an old one (copied from a log, say) is refused after INIT_DATA_MAX_AGE.

Discord and the console have no such thing, so their button carries a link token: the learner's id and an
expiry, signed with HMAC-SHA256 under a server secret (WEBAPP_SECRET, or one the database keeps so replicas
agree). It is for that learner only and stops working at its expiry. Every comparison is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from enum import Enum
from urllib.parse import parse_qsl

INIT_DATA_MAX_AGE = timedelta(hours=24)  # Telegram's initData is signed when the Mini App opens
LINK_LIFETIME = timedelta(hours=24)  # a full-length form lasts under 3 hours; its report is read after
CLOCK_SKEW = timedelta(minutes=5)  # a date this far ahead of our clock is still Telegram's, not a forgery
_LINK = re.compile(r"([0-9]{1,12})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})")
_LINK_CONTEXT = b"mla-coach web view link\n"  # so a link signature is never valid as anything else


class Denied(Enum):
    """Why credentials were refused: nothing proves who sent them, or they are genuine but too old."""

    FORGED = "forged"
    EXPIRED = "expired"


def _mac(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Telegram's data-check-string: every field but `hash`, sorted by key, one key=value per line."""
    return "\n".join(f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash")


def init_data_hash(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram puts in initData for these fields, signed with this bot's token."""
    secret_key = _mac(b"WebAppData", bot_token.encode())
    return hmac.new(secret_key, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def telegram_user(init_data: str, bot_token: str, now: datetime,
                  max_age: timedelta = INIT_DATA_MAX_AGE) -> int | Denied:
    """The Telegram user id initData was signed for, or why it is refused. A field given twice, a missing
    or wrong hash, an auth_date or user that cannot be read: FORGED; signed longer than `max_age` ago: EXPIRED."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True, errors="strict")
    except ValueError:
        return Denied.FORGED
    fields = dict(pairs)
    given = fields.get("hash", "")
    if len(fields) != len(pairs) or not given:
        return Denied.FORGED
    if not hmac.compare_digest(init_data_hash(fields, bot_token).encode(), given.encode()):  # bytes: any text
        return Denied.FORGED
    if not re.fullmatch(r"[0-9]{1,12}", fields.get("auth_date", "")):
        return Denied.FORGED
    signed = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    if signed > now + CLOCK_SKEW:
        return Denied.FORGED
    if now - signed > max_age:
        return Denied.EXPIRED
    try:
        user = json.loads(fields.get("user", ""))
    except ValueError:
        return Denied.FORGED
    uid = user.get("id") if isinstance(user, dict) else None
    return uid if type(uid) is int and uid > 0 else Denied.FORGED


def sign_link(secret: bytes, learner_id: int, expires: datetime) -> str:
    """A token naming the learner, valid until `expires`: "<learner>.<unix expiry>.<signature>"."""
    payload = f"{learner_id}.{int(expires.timestamp())}"
    signature = base64.urlsafe_b64encode(_mac(secret, _LINK_CONTEXT + payload.encode())).rstrip(b"=").decode()
    return f"{payload}.{signature}"


def link_learner(secret: bytes, token: str, now: datetime) -> int | Denied:
    """The learner a link token was signed for, or why it is refused (a token that is not ours, or was
    changed: FORGED; past its expiry: EXPIRED)."""
    match = _LINK.fullmatch(token)
    if match is None:
        return Denied.FORGED
    learner, expiry, _ = match.groups()
    if not hmac.compare_digest(sign_link(secret, int(learner), datetime.fromtimestamp(int(expiry), UTC)), token):
        return Denied.FORGED
    if now >= datetime.fromtimestamp(int(expiry), UTC):
        return Denied.EXPIRED
    return int(learner)
