"""Telegram handlers: Update → Request → Assistant → Reply → the one send path. No business logic here."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.assistant import Assistant, Identity
from bot.telegram.jobs import arm_upcoming
from bot.telegram.send import edit_or_send, replace_placeholder, send_reply, stream_reply
from bot.telegram.workers import SkillRunner
from skills.models import Reply, Request

log = logging.getLogger(__name__)

RUNNER_KEY = "skill_runner"
GROUPS_TOLD_KEY = "groups_told"
PRIVATE_ONLY = Reply.of("请私聊我使用（点我的头像 → 发消息）。为了保护客户信息，我不在群里回答。",
                        "Please message me privately: to protect customer data I don't answer in groups.")


def assistant_of(context: ContextTypes.DEFAULT_TYPE) -> Assistant:
    """The Assistant this application serves (set once by `build_application`)."""
    return context.application.bot_data["assistant"]


def runner_of(context: ContextTypes.DEFAULT_TYPE) -> SkillRunner:
    """The application's worker pool for skill work (created by `build_application`)."""
    return context.application.bot_data[RUNNER_KEY]


async def only_in_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True for a private chat. Elsewhere (groups, channels) nothing is answered: a group is told
    once, without any data, to write privately; strangers there get no refusal either."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return True
    if update.callback_query is not None:
        await update.callback_query.answer()
        return False
    told: set[int] = context.application.bot_data.setdefault(GROUPS_TOLD_KEY, set())
    if chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and chat.id not in told:
        told.add(chat.id)
        await send_reply(context.bot, chat.id, PRIVATE_ONLY)
    return False


def identity_of(update: Update) -> Identity:
    """Who sent the update, as the assistant's access control sees them."""
    user = update.effective_user
    assert user is not None
    return Identity(user_id=user.id, name=user.full_name or "", username=user.username or "")


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message or command: admit the sender, route, send the reply."""
    message = update.effective_message
    if message is None or update.effective_user is None or not await only_in_private(update, context):
        return
    assistant, runner = assistant_of(context), runner_of(context)
    text = message.text or ""
    identity = identity_of(update)
    async with runner.turn(identity.user_id):
        admission = await runner.call(assistant.admit, identity, text)
        if admission.user is None:
            await send_reply(context.bot, message.chat_id, admission.reply or Reply())
            return
        request = assistant.request(admission.user, text, now=message_time(message.date))
        reply, placeholder_id = await _handled(context, runner, assistant, request, message.chat_id)
        if reply.stream is not None:  # a model phrases the answer: placeholder now, checked sentences as they come
            await stream_reply(context.bot, message.chat_id, reply, runner.call, placeholder_id=placeholder_id)
        elif placeholder_id is not None:
            await replace_placeholder(context.bot, message.chat_id, placeholder_id, reply)
        else:
            await send_reply(context.bot, message.chat_id, reply)
    arm_upcoming(context.application)


async def _handled(context: ContextTypes.DEFAULT_TYPE, runner: SkillRunner, assistant: Assistant, request: Request,
                   chat_id: int) -> tuple[Reply, int | None]:  # fmt: skip
    """The skill's reply, and the id of the "正在处理…" message shown when it took longer than
    KAM_SLOW_REPLY_SECONDS (a model's rewrite, a long note): the reply goes into that message."""
    work = asyncio.ensure_future(runner.call(assistant.handle, request))
    wait = assistant.settings.slow_reply_seconds
    if wait <= 0:
        return await work, None
    done, _ = await asyncio.wait({work}, timeout=wait)
    if done:
        return work.result(), None
    try:
        shown = await context.bot.send_message(chat_id, html.escape(request.t("正在处理…", "Working on it…"), quote=False))
    except TelegramError:  # the reply itself still goes out when the work is done
        log.info("could not show the working-on-it message", exc_info=True)
        return await work, None
    try:
        return await work, shown.message_id
    except BaseException:
        try:  # the error handler apologises in a message of its own
            await context.bot.delete_message(chat_id, shown.message_id)
        except TelegramError:
            log.info("could not delete the working-on-it message", exc_info=True)
        raise  # a follow-up created or moved just now may fall due before the next sweep


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: always answered, then routed like a message."""
    query = update.callback_query
    if query is None or update.effective_user is None or not await only_in_private(update, context):
        return
    assistant, runner = assistant_of(context), runner_of(context)
    identity = identity_of(update)
    async with runner.turn(identity.user_id):
        admission = await runner.call(assistant.admit, identity, "")
        if admission.user is None:
            await query.answer()
            return
        request = assistant.request(admission.user, "", callback_data=query.data or "")
        reply = await runner.call(assistant.handle, request)
        await query.answer(text=(reply.toast or None))
        message = query.message
        if message is not None:
            if reply.replace_message and reply.blocks and not reply.file:
                await edit_or_send(context.bot, message.chat_id, message.message_id, reply)
            elif reply.blocks or reply.file:
                await send_reply(context.bot, message.chat_id, reply)
    arm_upcoming(context.application)


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos and anything else: say what works instead of staying silent."""
    message = update.effective_message
    if message is None or update.effective_user is None or not await only_in_private(update, context):
        return
    assistant = assistant_of(context)
    admission = await runner_of(context).call(assistant.admit, identity_of(update), "")
    if admission.user is None:
        await send_reply(context.bot, message.chat_id, admission.reply or Reply())
        return
    language = admission.user.language or "zh"
    text = ("我只能读文字消息。发送 /help 查看能做什么。" if language == "zh"
            else "I can only read text messages. Send /help to see what I can do.")
    await send_reply(context.bot, message.chat_id, Reply.of(text))


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


def message_time(moment: datetime | None) -> datetime:
    """When Telegram says the message was sent, in UTC (now, when it does not say)."""
    return (moment or datetime.now(UTC)).astimezone(UTC)
