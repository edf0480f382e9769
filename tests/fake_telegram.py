"""A small fake Telegram Bot API server for end-to-end tests (aiohttp, 127.0.0.1, OS-chosen port).

It behaves like Telegram where python-telegram-bot depends on it: `getMe` with `is_bot`, long-polling
`getUpdates` that honours `offset` and `timeout`, form-encoded parameters with JSON-encoded
`reply_markup`, multipart uploads, `getFile` plus downloads under the file base URL, HTML entity
parsing that rejects bad markup and texts over 4096 UTF-16 units, and injectable errors.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token"
BOT_ID = 123456
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "blockquote", "span", "tg-spoiler", "tg-emoji"}


class EntityError(ValueError):
    """Telegram's "can't parse entities" error."""


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def parse_html(text: str) -> str:
    """The visible text of a Telegram HTML message, or EntityError like Telegram's 400.

    Like Telegram: every '<' must open or close a supported tag, tags must balance, and every '&'
    must start an entity.
    """
    stack: list[str] = []
    visible: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = _TAG.match(text, position)
            if not match:
                raise EntityError(f"Unexpected end of name token at byte offset {position}")
            closing, tag = match.group(1), match.group(2).lower()
            if tag not in ALLOWED_TAGS:
                raise EntityError(f'Unsupported start tag "{tag}" at byte offset {position}')
            if closing:
                if not stack or stack[-1] != tag:
                    raise EntityError(f'Can\'t find start tag for end tag "{tag}"')
                stack.pop()
            else:
                stack.append(tag)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if not match:
                raise EntityError(f"Can't find end of the entity starting at byte offset {position}")
            visible.append(html.unescape(match.group(0)))
            position = match.end()
        else:
            visible.append(char)
            position += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(visible)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One Bot API request the bot made."""

    index: int
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


@dataclass
class InjectedError:
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1


@dataclass
class FakeTelegram:
    """The fake server's state and the test helpers that drive it."""

    calls: list[Call] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    errors: dict[str, list[InjectedError]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    port: int = 0

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.messages: dict[int, dict] = {}

    # server lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # driving the bot ---------------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Rep", username: str | None = None) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": first_name,
                "username": username or f"user{user_id}", "language_code": "zh-hans"}

    def _push(self, update: dict) -> int:
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        self.updates.append(update)
        self._new_update.set()
        return update_id

    def send_text(self, user_id: int, text: str, *, first_name: str = "Rep", group_id: int | None = None) -> int:
        """A user sends a text (or a /command, which gets its bot_command entity), privately or in a group."""
        message = self._incoming_message(user_id, first_name)
        if group_id is not None:
            message["chat"] = {"id": group_id, "type": "supergroup", "title": "Sales team"}
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}]
        return self._push({"message": message})

    def send_voice(self, user_id: int, data: bytes, *, duration: int = 3, mime_type: str = "audio/ogg",
                   file_size: int | None = None) -> int:
        """A user sends a voice message whose file can be fetched with getFile."""
        file_id = self.add_file(data)
        message = self._incoming_message(user_id, "Rep")
        message["voice"] = {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": duration,
                            "mime_type": mime_type, "file_size": file_size if file_size is not None else len(data)}
        return self._push({"message": message})

    def send_document(self, user_id: int, data: bytes, *, file_name: str | None, mime_type: str | None = None,
                      file_size: int | None = None, group_id: int | None = None) -> int:
        """A user sends a file (a document message) whose content can be fetched with getFile."""
        file_id = self.add_file(data)
        message = self._incoming_message(user_id, "Rep")
        if group_id is not None:
            message["chat"] = {"id": group_id, "type": "supergroup", "title": "Sales team"}
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                                    "file_size": file_size if file_size is not None else len(data)}
        if file_name is not None:
            document["file_name"] = file_name
        if mime_type is not None:
            document["mime_type"] = mime_type
        message["document"] = document
        return self._push({"message": message})

    def press_button(self, user_id: int, data: str, message_id: int | None = None) -> int:
        """A user presses an inline button on a bot message."""
        message = self.messages.get(message_id or 0) or {
            "message_id": message_id or 1, "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"}, "from": self._bot_user(), "text": "…"}
        query = {"id": str(next(self._update_ids) * 7), "from": self.user(user_id), "chat_instance": "1",
                 "data": data, "message": message}
        return self._push({"callback_query": query})

    def add_file(self, data: bytes) -> str:
        file_id = f"file{next(self._file_ids)}"
        self.files[file_id] = data
        return file_id

    def fail_next(self, method: str, status: int, description: str = "", *, retry_after: int | None = None,
                  times: int = 1) -> None:
        """Make the next `times` calls of `method` fail like Telegram would."""
        descriptions = {429: "Too Many Requests: retry after", 403: "Forbidden: bot was blocked by the user",
                        400: "Bad Request: something is wrong", 500: "Internal Server Error",
                        502: "Bad Gateway"}
        self.errors.setdefault(method, []).append(
            InjectedError(status, description or descriptions.get(status, "error"), retry_after, times))

    def sent(self, method: str = "sendMessage", after: int = -1) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.index > after and call.status == 200]

    def messages_text(self, call: Call) -> str:
        """The visible text Telegram would show for a sendMessage call."""
        text = str(call.params.get("text", ""))
        return parse_html(text) if call.params.get("parse_mode") == "HTML" else text

    def mark(self) -> int:
        """The index of the latest call, to wait for calls after it."""
        return self.calls[-1].index if self.calls else -1

    async def wait_for(self, method: str, *, after: int = -1, predicate: Callable[[Call], bool] = lambda c: True,
                       timeout: float = 20.0, count: int = 1) -> list[Call]:
        """Wait until `count` successful calls of `method` after index `after` match `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            found = [call for call in self.sent(method, after) if predicate(call)]
            if len(found) >= count:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [(c.method, c.params.get("text", "")[:80]) for c in self.calls[-8:]]
                raise AssertionError(f"timed out waiting for {count} {method} after {after}; last calls: {seen}")
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), timeout=min(remaining, 0.5))
            except TimeoutError:
                pass

    # the Bot API -------------------------------------------------------------------------------

    def _bot_user(self) -> dict:
        return {"id": BOT_ID, "is_bot": True, "first_name": "KAM", "username": "kam_test_bot"}

    def _incoming_message(self, user_id: int, first_name: str) -> dict:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": first_name},
                "from": self.user(user_id, first_name)}

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.read()
            if body:
                params.update(json.loads(body))
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if hasattr(value, "file"):
                    params[key] = {"filename": value.filename, "content": value.file.read()}
                else:
                    params[key] = _maybe_json(value)
        return params

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getUpdates":
            return await self._get_updates(params)
        call = Call(index=len(self.calls), method=method, params=params, at=time.monotonic())
        self.calls.append(call)
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        injected = self.errors.get(method)
        if injected:
            error = injected[0]
            error.times -= 1
            if error.times <= 0:
                injected.pop(0)
            call.status = error.status
            self._new_call.set()
            extra = {"parameters": {"retry_after": error.retry_after}} if error.retry_after is not None else {}
            return _error(error.status, error.description, **extra)
        handler = getattr(self, f"_api_{method}", None)
        try:
            if handler is None:
                result: Any = True
            else:
                result = handler(params)
        except EntityError as error:
            call.status = 400
            self._new_call.set()
            return _error(400, f"Bad Request: can't parse entities: {error}")
        except ValueError as error:
            call.status = 400
            self._new_call.set()
            return _error(400, f"Bad Request: {error}")
        self._new_call.set()
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        if offset:
            self.updates = [update for update in self.updates if update["update_id"] >= offset]
        deadline = time.monotonic() + min(timeout, 30)
        while not self.updates and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout=deadline - time.monotonic())
            except TimeoutError:
                break
        return web.json_response({"ok": True, "result": self.updates[:limit]})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.Response(status=401)
        file_id = request.match_info["path"].split("/")[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    def _api_getMe(self, params: dict) -> dict:
        return {**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def _api_deleteWebhook(self, params: dict) -> bool:
        return True

    def _new_bot_message(self, chat_id: Any, extra: dict) -> dict:
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": int(chat_id), "type": "private"}, "from": self._bot_user(), **extra}
        self.messages[message["message_id"]] = message
        return message

    def _checked_text(self, text: str, parse_mode: str | None, limit: int) -> str:
        visible = parse_html(text) if parse_mode == "HTML" else text
        if not visible.strip():
            raise ValueError("message text is empty")
        if utf16_length(visible) > limit:
            raise ValueError("message is too long")
        return visible

    def _api_sendMessage(self, params: dict) -> dict:
        text = str(params.get("text", ""))
        visible = self._checked_text(text, params.get("parse_mode"), 4096)
        extra: dict[str, Any] = {"text": visible}
        if params.get("reply_markup"):
            extra["reply_markup"] = params["reply_markup"]
        return self._new_bot_message(params["chat_id"], extra)

    def _api_editMessageText(self, params: dict) -> dict:
        visible = self._checked_text(str(params.get("text", "")), params.get("parse_mode"), 4096)
        message = self.messages.get(int(params.get("message_id", 0)))
        if message is None:
            raise ValueError("message to edit not found")
        message["text"] = visible
        message["reply_markup"] = params.get("reply_markup")
        return message

    def _api_answerCallbackQuery(self, params: dict) -> bool:
        return True

    def _api_sendChatAction(self, params: dict) -> bool:
        return True

    def _upload(self, params: dict, field_name: str) -> dict:
        upload = params.get(field_name)
        if not isinstance(upload, dict) or not upload.get("content"):
            raise ValueError(f"there is no {field_name} in the request")
        if params.get("caption"):
            self._checked_text(str(params["caption"]), params.get("parse_mode"), 1024)
        file_id = self.add_file(upload["content"])
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(upload["content"])}

    def _api_sendPhoto(self, params: dict) -> dict:
        info = self._upload(params, "photo")
        photo = [{**info, "width": 100, "height": 100}]
        return self._new_bot_message(params["chat_id"], {"photo": photo, "caption": params.get("caption")})

    def _api_sendDocument(self, params: dict) -> dict:
        info = self._upload(params, "document")
        document = {**info, "file_name": params["document"].get("filename")}
        return self._new_bot_message(params["chat_id"], {"document": document, "caption": params.get("caption")})

    def _api_getFile(self, params: dict) -> dict:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise ValueError("invalid file_id")
        size = len(self.files[file_id])
        if size > 20 * 1024 * 1024:
            raise ValueError("file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": f"voice/{file_id}"}


def _maybe_json(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _error(status: int, description: str, **extra: Any) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description, **extra},
                             status=status)
