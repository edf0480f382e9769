"""A small fake OpenAI-compatible server for tests (aiohttp, 127.0.0.1, OS-chosen port).

It serves `GET /v1/models` and `POST /v1/chat/completions`, plain and streamed (server-sent events,
`data: {...}` chunks then `data: [DONE]`), records every request (headers and JSON body), and can be
told to misbehave: an HTTP status (429 with retry-after, 500), a delay before answering or between
chunks (beyond the client's timeout), or a body that is not a chat completion. The synthesizer's
client is synchronous, so the server runs its own event loop in a thread: sync tests and the bot's
event loop can both call it.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MODEL = "kam-test-model"
API_KEY = "sk-test-key"


@dataclass
class Captured:
    """One request the client made."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None

    @property
    def prompt(self) -> str:
        """Every message's content, joined: what the model was shown."""
        return "\n".join(message["content"] for message in (self.body or {}).get("messages", []))


Responder = Callable[[dict[str, Any]], str]


@dataclass
class FakeLLM:
    """The fake server's state. Set `reply` (text or a function of the request body) and the failure knobs."""

    reply: str | Responder = "先讲价值，不要急着降价[1]。"
    status: int = 200  # 429, 500…: answered with an OpenAI-style error body
    retry_after: int | None = None
    delay: float = 0.0  # seconds before the response starts
    chunk_delay: float = 0.0  # seconds between streamed chunks
    garbage: bool = False  # 200 with a body that is no chat completion
    models: list[str] = field(default_factory=lambda: [MODEL])
    requests: list[Captured] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-openai", daemon=True)
        self._runner: web.AppRunner | None = None

    # lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chat_requests(self) -> list[Captured]:
        return [request for request in self.requests if request.path.endswith("/chat/completions")]

    # handlers ---------------------------------------------------------------------------------

    async def _models(self, request: web.Request) -> web.Response:
        self.requests.append(Captured("GET", request.path, dict(request.headers), None))
        if self.status != 200:
            return _error(self.status, self.retry_after)
        return web.json_response({"object": "list", "data": [{"id": name, "object": "model", "created": 0,
                                                              "owned_by": "test"} for name in self.models]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._answer(request)
        except ConnectionResetError:  # the client gave up (its timeout): nothing to answer
            return web.Response(status=499)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(Captured("POST", request.path, dict(request.headers), body))
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return _error(self.status, self.retry_after)
        text = self.reply(body) if callable(self.reply) else self.reply
        if not body.get("stream"):
            if self.garbage:
                return web.Response(text="<html>Bad gateway, but 200</html>", content_type="text/html")
            return web.json_response({
                "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            })
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        if self.garbage:
            await response.write(b'data: {"choices": [{"delta": {"content": \n\ndata: nonsense}\n\n')
            await response.write(b"data: [DONE]\n\n")
            return response
        for piece in _pieces(text):
            chunk = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": body.get("model"),
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            if self.chunk_delay:
                await asyncio.sleep(self.chunk_delay)
        await response.write(b"data: [DONE]\n\n")
        return response


def _pieces(text: str, size: int = 4) -> list[str]:
    """The text in small pieces, as a model streams tokens."""
    return [text[start:start + size] for start in range(0, len(text), size)]


def _error(status: int, retry_after: int | None) -> web.Response:
    headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
    kind = "rate_limit_exceeded" if status == 429 else "server_error"
    return web.json_response({"error": {"message": f"fake error {status}", "type": kind, "code": kind}},
                             status=status, headers=headers)
