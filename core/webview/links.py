"""The web view's button under a card, and the key its links are signed with.

Only diagnostics and mocks offer the web view: they are the exam-like forms that a navigator, a clock and a
review screen are for; a drill's feedback after every answer reads best in the chat.
"""

from __future__ import annotations

import secrets

from core.commands import WEB_VIEW_BUTTON
from core.ports import Clock, SecretStore
from core.quiz.engine import FULL_LENGTH, Session
from core.reply import WebLink
from core.webview.auth import LINK_LIFETIME, sign_link

SECRET_NAME = "webapp-link"


class LinkKey:
    """The key links are signed with: WEBAPP_SECRET when set, else one made once and kept in the database
    (the first process to start decides), so every replica accepts every replica's links and a restart keeps
    links working. Read once per process."""

    def __init__(self, store: SecretStore, configured: str | None = None) -> None:
        self.store = store
        self.configured = configured
        self._key: bytes | None = None

    async def __call__(self) -> bytes:
        if self._key is None:
            value = self.configured or await self.store.secret(SECRET_NAME, secrets.token_urlsafe(32))
            self._key = value.encode()
        return self._key


class WebLinks:
    """Builds the WebLink a card of a diagnostic or mock carries; QuizService calls it for every card."""

    def __init__(self, base_url: str, key: LinkKey, clock: Clock) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.key = key
        self.clock = clock

    async def __call__(self, session: Session) -> WebLink | None:
        if session.mode not in FULL_LENGTH:
            return None
        token = sign_link(await self.key(), session.learner_id, self.clock() + LINK_LIFETIME)
        return WebLink(WEB_VIEW_BUTTON, app_url=self.base_url, url=f"{self.base_url}#t={token}")
