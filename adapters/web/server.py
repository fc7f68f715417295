"""The web view over HTTP (aiohttp, in the bot's event loop): the page, its two files and a small JSON API.

GET / is the page (adapters/web/static, shipped in the package); it reads who opened it from the URL's
fragment, which never reaches a server log: Telegram's initData (tgWebAppData) or our link token (t). Every
API call carries it in the Authorization header ("tma <initData>" or "Link <token>"), and every call checks
it again through the core before it reads or changes anything. No cookie is set, so another site cannot
make a learner's browser act for them. GET /api/page is the page's model; POST /api/answer gives an answer.
The exam-day moves are the chat's commands (core/quiz/exam_service.py) on the same session: POST /api/goto and
/api/flag ({session_id, position}), /api/review ({}), /api/submit ({session_id, confirm}) and /api/recap
({attempt, number}; 0 for the list). Each answers with the page that follows.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from importlib import resources

from aiohttp import web

from core.reply import FAILED
from core.webview.service import WebView
from core.webview.view import MALFORMED, Page, Status

log = logging.getLogger(__name__)
STATIC = {"app.js": "text/javascript", "app.css": "text/css"}
MAX_BODY = 4096  # an answer is a few numbers
MAX_CHOICES = 8
# Telegram's web client shows a Mini App in a frame; the apps show it in their own web view.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                               "frame-ancestors 'self' https://web.telegram.org",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATUS = {Status.REFUSED: 403}


def _static(name: str) -> bytes:
    return (resources.files("adapters.web") / "static" / name).read_bytes()


def _json(page: Page, status: int | None = None) -> web.Response:
    return web.json_response(dataclasses.asdict(page), status=status or STATUS.get(page.status, 200),
                             dumps=lambda data: json.dumps(data, ensure_ascii=False))


def _int(value: object) -> int | None:
    return value if type(value) is int and 0 <= value < 10**9 else None


def parse_answer(body: object) -> tuple[int, int, list[int]] | None:
    """(session id, position, display positions) from the posted JSON, or None when it is not that shape."""
    if not isinstance(body, dict):
        return None
    session_id, position, response = _int(body.get("session_id")), _int(body.get("position")), body.get("response")
    if session_id is None or position is None or not isinstance(response, list) or len(response) > MAX_CHOICES:
        return None
    picks = [_int(p) for p in response]
    return (session_id, position, [p for p in picks if p is not None]) if None not in picks else None


def parse_fields(body: object, *names: str) -> tuple[int, ...] | None:
    """The named whole numbers from the posted JSON object, or None when one is missing or not one."""
    if not isinstance(body, dict):
        return None
    values = tuple(_int(body.get(name)) for name in names)
    return None if None in values else tuple(v for v in values if v is not None)


class WebServer:
    """Serves the web view on WEBAPP_HOST:WEBAPP_PORT; WEBAPP_BASE_URL is where the public reaches it."""

    def __init__(self, webview: WebView, *, port: int, host: str = "127.0.0.1") -> None:
        self.webview = webview
        self.host, self.port = host, port
        self._files = {name: _static(name) for name in ("index.html", *STATIC)}
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._guard])
        app.router.add_get("/", self.index)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/api/page", self.page)
        app.router.add_post("/api/answer", self.answer)
        app.router.add_post("/api/goto", self.goto)
        app.router.add_post("/api/flag", self.flag)
        app.router.add_post("/api/review", self.review)
        app.router.add_post("/api/submit", self.submit)
        app.router.add_post("/api/recap", self.recap)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port (tests): report the one the system chose
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.info("web view on http://%s:%d", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        """The security headers on every response; an unexpected error is logged once and answered with the
        core's FAILED words, and the server goes on."""
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # 404, a body over MAX_BODY: aiohttp's own answer, with the headers
            exc.headers.update(HEADERS)
            raise
        except Exception:
            log.exception("web view request failed: %s %s", request.method, request.path)
            response = _json(Page(Status.ERROR, notices=[FAILED]), status=500)
        response.headers.update(HEADERS)
        return response

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(body=self._files["index.html"], content_type="text/html", charset="utf-8")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        return web.Response(body=self._files[name], content_type=STATIC[name], charset="utf-8")

    async def _learner(self, request: web.Request) -> int | Page:
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        return await self.webview.learner(scheme.lower(), credentials.strip())

    async def page(self, request: web.Request) -> web.Response:
        learner = await self._learner(request)
        return _json(learner if isinstance(learner, Page) else await self.webview.page(learner))

    async def answer(self, request: web.Request) -> web.Response:
        learner = await self._learner(request)
        if isinstance(learner, Page):
            return _json(learner)
        try:
            parsed = parse_answer(await request.json())
        except ValueError:  # not JSON (aiohttp's json() raises JSONDecodeError, a ValueError)
            parsed = None
        if parsed is None:
            return _json(await self.webview.page(learner, [MALFORMED]), status=400)
        return _json(await self.webview.answer(learner, *parsed))

    async def _body(self, request: web.Request) -> tuple[int | Page, object]:
        """The learner (or the refusal page) and the posted JSON (None when it is not JSON)."""
        learner = await self._learner(request)
        if isinstance(learner, Page):
            return learner, None
        try:
            return learner, await request.json()
        except ValueError:
            return learner, None

    async def _move(self, request: web.Request, action: str) -> web.Response:
        learner, body = await self._body(request)
        if isinstance(learner, Page):
            return _json(learner)
        fields = parse_fields(body, "session_id", "position")
        if fields is None:
            return _json(await self.webview.page(learner, [MALFORMED]), status=400)
        move = self.webview.goto if action == "goto" else self.webview.flag
        return _json(await move(learner, *fields))

    async def goto(self, request: web.Request) -> web.Response:
        return await self._move(request, "goto")

    async def flag(self, request: web.Request) -> web.Response:
        return await self._move(request, "flag")

    async def review(self, request: web.Request) -> web.Response:
        learner, _ = await self._body(request)
        return _json(learner if isinstance(learner, Page) else await self.webview.review(learner))

    async def submit(self, request: web.Request) -> web.Response:
        learner, body = await self._body(request)
        if isinstance(learner, Page):
            return _json(learner)
        fields = parse_fields(body, "session_id")
        confirm = body.get("confirm") if isinstance(body, dict) else None
        if fields is None or not isinstance(confirm, bool):
            return _json(await self.webview.page(learner, [MALFORMED]), status=400)
        return _json(await self.webview.submit(learner, fields[0], confirm))

    async def recap(self, request: web.Request) -> web.Response:
        learner, body = await self._body(request)
        if isinstance(learner, Page):
            return _json(learner)
        fields = parse_fields(body, "attempt", "number")
        if fields is None:
            return _json(await self.webview.page(learner, [MALFORMED]), status=400)
        return _json(await self.webview.recap(learner, *fields))
