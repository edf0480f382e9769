"""The small shared client for an OpenAI-compatible chat server (Ollama, llama.cpp's server, vLLM, hosted APIs).

One non-streaming chat completion, bounded as a whole by the configured timeout: the client's own
retries are off (they would multiply it), and the request runs in a worker thread the caller stops
waiting for at the deadline, however the server trickles. Failures raise `LLMFailed` with a reason
that never quotes the prompt or the answer. Grounded synthesis streams and has its own loop
(`knowledge.synthesis`); the query rewrite and the visit-note proposal use `ChatModel.complete`.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"zh": "Simplified Chinese", "en": "English"}  # how a prompt names the answer's language


def language_of_question(question: str) -> str:
    """'zh' when the question is written in Chinese, else 'en'."""
    return "zh" if re.search(r"[\u3400-\u9fff]", question) else "en"

WORKERS = 4  # concurrent model calls; a call that outlives its deadline keeps a worker until the client gives up


@dataclass(frozen=True)
class LLMConfig:
    """Where the OpenAI-compatible server is and how long one answer may take (seconds, retries included)."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 15.0


class LLMFailed(Exception):
    """The model gave nothing usable; `reason` says why without quoting the prompt or the answer."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def describe_error(error: Exception) -> str:
    """What went wrong talking to the server, without the request or any answer text."""
    status = getattr(error, "status_code", None)
    if status is not None:
        return f"the server answered HTTP {status}"
    name = type(error).__name__
    if "Timeout" in name:
        return "the model did not answer within the timeout"
    if "Connection" in name:
        return "the server could not be reached"
    return f"unreadable response ({name})"


def openai_client(config: LLMConfig) -> Any:
    """An `openai.OpenAI` client for `config`, without retries; raises LLMFailed without the [llm] extra."""
    try:
        import openai
    except ImportError:
        raise LLMFailed("the openai package is not installed (pip install 'kam-assistant[llm]')") from None
    return openai.OpenAI(base_url=config.base_url, api_key=config.api_key or "unused",
                         timeout=config.timeout, max_retries=0)  # fmt: skip


class ChatModel:
    """Asks the configured model one question and waits at most `timeout` seconds for the whole answer."""

    def __init__(self, config: LLMConfig, *, client: Any | None = None):
        self.config = config
        self._client = client
        self._pool: ThreadPoolExecutor | None = None

    @property
    def timeout(self) -> float:
        """Seconds one call may take in all."""
        return self.config.timeout

    @property
    def client(self) -> Any:
        """The `openai.OpenAI` client (created on first use)."""
        if self._client is None:
            self._client = openai_client(self.config)
        return self._client

    def complete(self, messages: list[dict[str, str]], *, max_tokens: int = 300, temperature: float = 0.0) -> str:
        """The model's text for `messages`; raises LLMFailed on a timeout, an HTTP error or no text."""
        client = self.client
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="kam-llm")
        future = self._pool.submit(self._create, client, messages, max_tokens, temperature)
        try:
            content = future.result(timeout=self.config.timeout)
        except FutureTimeout:
            future.cancel()
            raise LLMFailed("the model did not answer within the timeout") from None
        except LLMFailed:
            raise
        except Exception as error:
            raise LLMFailed(describe_error(error)) from None
        if not isinstance(content, str) or not content.strip():
            raise LLMFailed("the response has no text")
        return content

    def _create(self, client: Any, messages: list[dict[str, str]], max_tokens: int, temperature: float) -> Any:
        response = client.chat.completions.create(
            model=self.config.model, messages=messages, stream=False, temperature=temperature,
            max_tokens=max_tokens, timeout=self.config.timeout,
        )  # fmt: skip
        try:
            return response.choices[0].message.content
        except (AttributeError, IndexError, TypeError):
            raise LLMFailed("the response is not a chat completion") from None
