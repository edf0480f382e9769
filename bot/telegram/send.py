"""The one way a Reply reaches a Telegram chat: rendered, split at 4096, keyboard on the last part.

Replies to messages, edited button presses, reminders, digests and voice transcripts all go through
`send_reply` / `edit_or_send`. `classified` maps Telegram's exceptions to the delivery errors the
reminder service understands (retry later, blocked, permanent, uncertain).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.telegram.render import CAPTION_LIMIT, render_messages
from crm.followups.reminders import DeliveryUncertain, PermanentFailure, RecipientBlocked, TemporaryFailure
from skills.models import Reply

log = logging.getLogger(__name__)

ExtraRow = Sequence[InlineKeyboardButton]


def keyboard(reply: Reply, extra_rows: Sequence[ExtraRow] = ()) -> InlineKeyboardMarkup | None:
    """The reply's buttons (plus transport-only rows, like "copy text") as an inline keyboard."""
    rows = [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row] for row in reply.buttons]
    rows += [list(row) for row in extra_rows]
    return InlineKeyboardMarkup(rows) if rows else None


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    extra_rows: Sequence[ExtraRow] = (),
    read_timeout: float | None = None,
) -> None:
    """Send every part of a reply; the keyboard goes on the last message (or on the file, when there is one)."""
    markup = keyboard(reply, extra_rows)
    await _send_texts(bot, chat_id, render_messages(reply), None if reply.file else markup, read_timeout=read_timeout)
    if reply.file:
        await _send_file(bot, chat_id, reply, markup, read_timeout=read_timeout)


async def edit_or_send(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> None:
    """Replace a message (the one whose button was pressed) with the reply; send it fresh if it can't be edited."""
    texts = render_messages(reply)
    first, rest = texts[0], texts[1:]
    markup = keyboard(reply)
    try:
        await bot.edit_message_text(
            first, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
            reply_markup=markup if not rest else None,
        )  # fmt: skip
    except Forbidden:
        raise
    except TelegramError:  # e.g. "message is not modified" or too old to edit: send it fresh
        log.info("could not edit message %s; sending a new one", message_id, exc_info=True)
        rest = texts
    await _send_texts(bot, chat_id, rest, markup)


async def _send_texts(
    bot: Bot, chat_id: int, texts: Sequence[str], markup: InlineKeyboardMarkup | None, *,
    read_timeout: float | None = None,
) -> None:
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup if last else None,
                               **_timeouts(read_timeout))  # fmt: skip


async def _send_file(
    bot: Bot, chat_id: int, reply: Reply, markup: InlineKeyboardMarkup | None, *, read_timeout: float | None
) -> None:
    file = reply.file
    assert file is not None
    payload = file.content if file.content is not None else (file.path.read_bytes() if file.path else b"")
    caption = render_messages(Reply.of(file.caption), limit=CAPTION_LIMIT)[0] if file.caption else None
    if file.kind == "photo":
        await bot.send_photo(chat_id, payload, caption=caption, parse_mode=ParseMode.HTML, reply_markup=markup,
                             **_timeouts(read_timeout))  # fmt: skip
    else:
        await bot.send_document(chat_id, payload, filename=file.filename, caption=caption, parse_mode=ParseMode.HTML,
                                reply_markup=markup, **_timeouts(read_timeout))  # fmt: skip


STREAM_EDIT_SECONDS = 1.0  # at most about one edit a second while an answer streams in
STREAM_CURSOR = " …"

Run = Callable[..., Awaitable[Any]]


async def replace_placeholder(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> None:
    """Turn a "working on it" message into the reply (a file cannot be edited in: it is sent after it)."""
    if reply.file is None and (reply.blocks or reply.buttons):
        await edit_or_send(bot, chat_id, message_id, reply)
        return
    try:
        await bot.delete_message(chat_id, message_id)
    except TelegramError:
        log.info("could not delete the placeholder %s", message_id, exc_info=True)
    await send_reply(bot, chat_id, reply)


async def stream_reply(bot: Bot, chat_id: int, reply: Reply, run: Run, *, placeholder_id: int | None = None) -> None:
    """Send the stream's placeholder now (or reuse `placeholder_id`, a "working on it" message already
    shown), edit checked sentences into it as they come, finish with buttons.

    `run(function, *args)` runs blocking work off the event loop (the SkillRunner's worker pool). A
    failure, or no end within the stream's timeout, turns the placeholder into the fallback reply.
    Partial edits run beside the stream (one at a time, about one a second), so a rate-limited edit
    never holds up the answer; the final edit waits for the one in flight.
    """
    stream = reply.stream
    assert stream is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + stream.timeout
    if placeholder_id is None:
        placeholder_id = (await bot.send_message(chat_id, html.escape(stream.placeholder, quote=False))).message_id
    shown: list[str] = []
    next_edit = loop.time() + STREAM_EDIT_SECONDS
    editing: asyncio.Task[float] | None = None
    final = reply.fallback()
    try:
        sentences = await run(stream.pieces)  # a generator: nothing is requested until the first next()
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("the stream did not finish in time")
            sentence = await asyncio.wait_for(run(next, sentences, None), remaining)
            if sentence is None:
                break
            shown.append(sentence)
            if editing is not None and editing.done():
                next_edit, editing = max(next_edit, editing.result()), None
            if editing is None and loop.time() >= next_edit:
                text = "".join(shown) + STREAM_CURSOR
                editing = asyncio.create_task(_edit_partial(bot, chat_id, placeholder_id, text))
                next_edit = loop.time() + STREAM_EDIT_SECONDS
        text = "".join(shown).strip()
        if text:
            final = reply.streamed(text)
    except Exception as error:  # the stream logged its reason; timeouts and garbage end here too
        log.info("streamed answer failed (%s); sending the fallback", type(error).__name__)
    if editing is not None:
        await editing
    await edit_or_send(bot, chat_id, placeholder_id, final)


async def _edit_partial(bot: Bot, chat_id: int, message_id: int, text: str) -> float:
    """Show the text so far; returns when the next edit may be made (later when Telegram said 429)."""
    loop = asyncio.get_running_loop()
    first = render_messages(Reply.of(text))[0]
    try:
        await bot.edit_message_text(first, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML)
    except RetryAfter as error:  # after the rate limiter's own waits and retries: skip partial edits that long
        return loop.time() + max(STREAM_EDIT_SECONDS, retry_seconds(error))
    except TelegramError:  # e.g. "message is not modified": the final edit still comes
        log.info("a partial edit failed", exc_info=True)
    return loop.time() + STREAM_EDIT_SECONDS


def _timeouts(read_timeout: float | None) -> dict[str, float]:
    """PTB reads an explicit None as "wait forever": pass the timeout only when one is set."""
    return {} if read_timeout is None else {"read_timeout": read_timeout}


async def classified(call: Awaitable[object]) -> None:
    """Await a Bot API call, turning Telegram's exceptions into the reminder service's delivery errors."""
    try:
        await call
    except Forbidden as error:
        raise RecipientBlocked(str(error)) from error
    except RetryAfter as error:  # only after AIORateLimiter's own retries ran out
        raise TemporaryFailure(str(error), retry_after=retry_seconds(error)) from error
    except TimedOut as error:
        if isinstance(error.__cause__, httpx.ReadTimeout):  # sent; Telegram may well have delivered it
            raise DeliveryUncertain(f"read timeout: {error}") from error
        raise TemporaryFailure(f"timed out before sending: {error}") from error  # pool/connect/write
    except BadRequest as error:  # before NetworkError: BadRequest subclasses it
        raise PermanentFailure(str(error)) from error
    except NetworkError as error:  # connection errors and 5xx
        raise TemporaryFailure(str(error)) from error
    except TelegramError as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked us to wait."""
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(error.retry_after)  # type: ignore[arg-type]
