"""A local stand-in of the Telegram Bot API over HTTP (aiohttp), strict where Telegram is strict."""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import time
from html.parser import HTMLParser

from aiohttp import web

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
                "pre", "blockquote", "tg-emoji"}
BOT = {"id": 999000, "is_bot": True, "first_name": "MLA Coach", "username": "mla_coach_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


class _StrictHTML(HTMLParser):
    """Telegram's HTML parse mode: known tags only, properly nested, entities escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"Unmatched end tag \"{tag}\""
        else:
            self.stack.pop()

    def handle_data(self, data):
        if "<" in data or ">" in data:
            self.error = self.error or "Unescaped angle bracket"
        self.text.append(data)

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp", "quot"):
            self.error = self.error or f"Unsupported entity &{name};"
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name):
        self.text.append(html.unescape(f"&#{name};"))


def parse_html(text: str) -> tuple[str | None, str]:
    """(error or None, the plain text Telegram would show)."""
    parser = _StrictHTML()
    parser.feed(text)
    parser.close()
    if parser.rawdata:
        parser.error = parser.error or "Unfinished tag or entity"
    if parser.stack and not parser.error:
        parser.error = f"Can't find end tag corresponding to start tag \"{parser.stack[-1]}\""
    if "&" in "".join(parser.text) and "&" not in html.unescape(text):
        parser.error = parser.error or "Bad entity"
    return parser.error, "".join(parser.text)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class BadRequest(Exception):
    pass


class BotApiStandIn:
    """Serves /bot<token>/<method>. Tests push updates in and read back every call the bot made."""

    def __init__(self, token: str = "123456:TEST-token_abc") -> None:
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.updates: list[dict] = []
        self.messages: dict[tuple[int, int], dict] = {}
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.fail_next: list[tuple[str, int, dict]] = []  # (method, error_code, extra) to inject once
        self.admins: set[tuple[int, int]] = set()  # (chat id, user id) pairs that are chat administrators
        self.delivered: list[dict] = []  # the sendMessage calls that succeeded
        self.blocked: set[int] = set()  # chats whose user blocked the bot: every send is 403 Forbidden
        self.photos: list[tuple[int, str, bytes, str]] = []  # (chat id, file name, PNG bytes, caption)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # --- what tests use ---------------------------------------------------------------------------

    def push(self, update: dict) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._new_update.set()
        return update

    def calls_to(self, method: str) -> list[dict]:
        return [params for name, params in self.calls if name == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [parse_html(p["text"])[1] if p.get("parse_mode") == "HTML" else p["text"]
                for p in self.delivered if chat_id is None or int(p["chat_id"]) == chat_id]

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls so far: {[name for name, _ in self.calls]}")
            await asyncio.sleep(0.02)

    # --- the API ----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        for i, (name, code, extra) in enumerate(self.fail_next):
            if name == method:
                del self.fail_next[i]
                body = {"ok": False, "error_code": code, "description": extra.get("description", "error")}
                if "retry_after" in extra:
                    body["parameters"] = {"retry_after": extra["retry_after"]}
                return web.json_response(body, status=code)
        if method.startswith("send") and params.get("chat_id") and int(params["chat_id"]) in self.blocked:
            return web.json_response({"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"}, status=403)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        try:
            result = await handler(params)
        except BadRequest as exc:
            return web.json_response({"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
                                     status=400)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict:
        if request.content_type == "application/json":
            raw = await request.json()
        else:
            raw = dict(await request.post())
        params = {}
        for key, value in raw.items():
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            params[key] = value
        return params

    async def api_getMe(self, params):
        return BOT

    async def api_deleteWebhook(self, params):
        return True

    async def api_setWebhook(self, params):
        self.webhook = params
        return True

    async def api_setMyCommands(self, params):
        for command in params["commands"]:
            if not 1 <= len(command["command"]) <= 32 or not 1 <= len(command["description"]) <= 256:
                raise BadRequest("invalid command")
        return True

    async def api_getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 0.5)
        pending = [u for u in self.updates if u["update_id"] >= offset]
        if not pending and timeout:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except TimeoutError:
                pass
            pending = [u for u in self.updates if u["update_id"] >= offset]
        return pending[:100]

    def _check_text(self, params, limit: int = 4096, field: str = "text") -> None:
        text = params.get(field) or ""
        if params.get("parse_mode") == "HTML":
            error, text = parse_html(text)
            if error:
                raise BadRequest(f"can't parse entities: {error}")
        if not text.strip():
            raise BadRequest("message text is empty")
        if utf16_len(text) > limit:
            raise BadRequest("message is too long")

    @staticmethod
    def _check_markup(params) -> None:
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise BadRequest("BUTTON_DATA_INVALID")
                web_app = button.get("web_app")  # Mini Apps: private chats only, HTTPS only
                if web_app is not None and (int(params["chat_id"]) < 0 or not web_app["url"].startswith("https://")):
                    raise BadRequest("BUTTON_TYPE_INVALID")

    def _message(self, chat_id, text, markup=None) -> dict:
        chat_id = int(chat_id)
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                   "from": BOT, "text": text}
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def api_sendMessage(self, params):
        self._check_text(params)
        self._check_markup(params)
        self.delivered.append(params)
        return self._message(params["chat_id"], params["text"], params.get("reply_markup"))

    async def api_sendPhoto(self, params):
        """A photo uploaded as a file (multipart), its caption read like a message's text: `photos` keeps
        (chat id, file name, bytes, caption as shown), and a caption counts as a delivered text."""
        if params.get("caption"):
            self._check_text(params, limit=1024, field="caption")
        self._check_markup(params)
        photo = params.get("photo")
        if not hasattr(photo, "file"):
            raise BadRequest("there is no photo in the request")
        caption = params.get("caption") or ""
        shown = parse_html(caption)[1] if params.get("parse_mode") == "HTML" else caption
        self.photos.append((int(params["chat_id"]), photo.filename, photo.file.read(), shown))
        if caption:
            self.delivered.append({**params, "text": caption})
        return {**self._message(params["chat_id"], caption, params.get("reply_markup")), "photo": []}

    async def api_editMessageText(self, params):
        self._check_text(params)
        self._check_markup(params)
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise BadRequest("message to edit not found")
        message = self.messages[key]
        if message["text"] == params["text"] and message.get("reply_markup") == params.get("reply_markup"):
            raise BadRequest("message is not modified")
        message.update(text=params["text"], reply_markup=params.get("reply_markup"))
        return message

    async def api_editMessageReplyMarkup(self, params):
        self._check_markup(params)
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise BadRequest("message to edit not found")
        self.messages[key]["reply_markup"] = params.get("reply_markup")
        return self.messages[key]

    async def api_getChatMember(self, params):
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "administrator" if (chat_id, user_id) in self.admins else "member"
        member = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": f"U{user_id}"}}
        if status == "administrator":
            member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True, can_delete_messages=True,
                          can_manage_video_chats=True, can_restrict_members=True, can_promote_members=False,
                          can_change_info=True, can_invite_users=True, can_post_stories=False,
                          can_edit_stories=False, can_delete_stories=False)
        return member

    async def api_sendPoll(self, params):
        if not 1 <= len(params.get("question") or "") <= 300:
            raise BadRequest("poll question must be 1-300 characters")
        options = params.get("options") or []
        if not 2 <= len(options) <= 12 or any(len(o.get("text", o) if isinstance(o, dict) else o) > 100
                                               for o in options):
            raise BadRequest("poll options are invalid")
        if len(params.get("explanation") or "") > 200:
            raise BadRequest("poll explanation is too long")
        poll = {"id": "poll1", "question": params["question"], "total_voter_count": 0, "is_closed": False,
                "is_anonymous": False, "type": params.get("type", "regular"), "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False,
                "options": [{"text": o.get("text", o) if isinstance(o, dict) else o, "voter_count": 0,
                             "persistent_id": f"opt{i}"}
                            for i, o in enumerate(options)]}
        return {**self._message(params["chat_id"], params["question"]), "poll": poll}

    async def api_answerCallbackQuery(self, params):
        if len(params.get("text") or "") > 200:
            raise BadRequest("MESSAGE_TOO_LONG")
        return True
