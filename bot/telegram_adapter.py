"""The Telegram transport: Update → Request → Assistant → Reply → HTML messages. No business logic here."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.assistant import Assistant, Identity
from bot.models import Reply, User
from bot.telegram_jobs import arm_upcoming, schedule_reminders
from bot.telegram_render import CAPTION_LIMIT, render_messages
from bot.telegram_voice import voice_handler

log = logging.getLogger(__name__)


def build_application(assistant: Assistant) -> Application:
    """All wiring in one place: builder → handlers → error handler."""
    settings = assistant.settings
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(_http_request(read_timeout=10.0))
        .get_updates_request(_http_request(read_timeout=40.0))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .build()
    )
    application.bot_data["assistant"] = assistant
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT | filters.COMMAND, on_message))
    application.add_handler(voice_handler())
    application.add_handler(MessageHandler(filters.ALL, on_unsupported))
    application.add_error_handler(on_error)
    return application


def _http_request(*, read_timeout: float) -> HTTPXRequest:
    # trust_env=False: loopback tests and deployments ignore proxy variables they didn't ask for.
    return HTTPXRequest(
        connection_pool_size=16, read_timeout=read_timeout, httpx_kwargs={"trust_env": False}
    )


async def _post_init(application: Application) -> None:
    """Drop a stale webhook, rebuild the reminder alarms, warm the models up off the event loop."""
    await application.bot.delete_webhook(drop_pending_updates=False)
    schedule_reminders(application)
    assert application.job_queue is not None
    application.job_queue.run_once(_warm_up, when=0, name="warm-up")


async def _warm_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Load models in a worker thread so the first rep does not wait for them."""
    await asyncio.to_thread(_assistant(context).warm_up)


def _assistant(context: ContextTypes.DEFAULT_TYPE) -> Assistant:
    return context.application.bot_data["assistant"]


def _identity(update: Update) -> Identity:
    user = update.effective_user
    assert user is not None
    return Identity(user_id=user.id, name=user.full_name or "", username=user.username or "")


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message or command: admit the sender, route, send the reply."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    assistant = _assistant(context)
    text = message.text or ""
    admission = assistant.admit(_identity(update), text)
    if admission.user is None:
        await send_reply(context, message.chat_id, admission.reply or Reply())
        return
    request = assistant.request(admission.user, text, now=_message_time(message.date))
    reply = assistant.handle(request)
    await send_reply(context, message.chat_id, reply)
    arm_upcoming(context.application)  # a follow-up created or moved just now may fall due before the next sweep


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: always answered, then routed like a message."""
    query = update.callback_query
    if query is None:
        return
    assistant = _assistant(context)
    admission = assistant.admit(_identity(update), "")
    if admission.user is None:
        await query.answer()
        return
    request = assistant.request(admission.user, "", callback_data=query.data or "")
    reply = assistant.handle(request)
    await query.answer(text=(reply.toast or None))
    arm_upcoming(context.application)
    message = query.message
    if message is None:
        return
    if reply.replace_message and reply.blocks and not reply.file:
        texts = render_messages(reply)
        await _edit_or_send(context, message.chat_id, message.message_id, texts, reply)
    elif reply.blocks or reply.file:
        await send_reply(context, message.chat_id, reply)


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos and anything else: say what works instead of staying silent."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    assistant = _assistant(context)
    admission = assistant.admit(_identity(update), "")
    if admission.user is None:
        await send_reply(context, message.chat_id, admission.reply or Reply())
        return
    language = admission.user.language or "zh"
    text = ("我只能读文字消息。发送 /help 查看能做什么。" if language == "zh"
            else "I can only read text messages. Send /help to see what I can do.")
    await send_reply(context, message.chat_id, Reply.of(text))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every unhandled error once, keep the bot alive, and tell the user something went wrong."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id, "抱歉，出了点问题，请稍后再试。Sorry, something went wrong."
            )
        except TelegramError:
            log.warning("could not tell the user about the error", exc_info=True)


async def send_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> None:
    """Send every part of a reply; buttons go on the last message."""
    await deliver_reply(context.bot, chat_id, reply)


async def deliver_reply(bot, chat_id: int, reply: Reply) -> None:
    """Send a reply with any bot (also used by scheduled jobs)."""
    texts = render_messages(reply)
    markup = _keyboard(reply)
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML,
            reply_markup=markup if last and not reply.file else None,
        )
    if reply.file:
        await _send_file(bot, chat_id, reply, markup)


async def _send_file(bot, chat_id: int, reply: Reply, markup: InlineKeyboardMarkup | None) -> None:
    file = reply.file
    assert file is not None
    payload = file.content if file.content is not None else (file.path.read_bytes() if file.path else b"")
    caption = render_messages(Reply.of(file.caption), limit=CAPTION_LIMIT)[0] if file.caption else None
    if file.kind == "photo":
        await bot.send_photo(chat_id, payload, caption=caption, parse_mode=ParseMode.HTML, reply_markup=markup)
    else:
        await bot.send_document(
            chat_id, payload, filename=file.filename, caption=caption, parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )


async def _edit_or_send(context, chat_id: int, message_id: int, texts: list[str], reply: Reply) -> None:
    markup = _keyboard(reply)
    first, rest = texts[0], texts[1:]
    try:
        await context.bot.edit_message_text(
            first, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
            reply_markup=markup if not rest else None,
        )
    except Forbidden:
        raise
    except TelegramError:  # e.g. "message is not modified" or too old to edit: send it fresh
        log.info("could not edit message %s; sending a new one", message_id, exc_info=True)
        rest = texts
    for index, text in enumerate(rest):
        await context.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup if index == len(rest) - 1 else None
        )


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row] for row in reply.buttons]
    )


def _message_time(moment: datetime | None) -> datetime:
    return (moment or datetime.now(UTC)).astimezone(UTC)


def chat_id_for(user: User) -> int:
    """In private chats the chat id is the user id."""
    return user.id
