"""Documents sent to the bot: an admin's PDF, Word, Markdown or text file joins the knowledge base.

Checked before downloading (who, type, size, name: `DocumentsSkill.check_upload`), downloaded under
the data dir, then stored and indexed in a worker thread (`DocumentsSkill.add_upload`) while a
progress message is edited at most about once a second. The handler is registered with
`block=False`, so other reps are answered meanwhile. The download is always deleted afterwards.
No business logic here; file names and contents are never logged above debug.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from telegram import Bot, Document, Update
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.assistant import Assistant
from bot.telegram.handlers import assistant_of, identity_of, message_time, only_in_private, runner_of
from bot.telegram.render import render_messages
from bot.telegram.send import Run, edit_or_send, retry_seconds, send_reply
from bot.telegram.voice import speech_language
from skills.base import SkillError
from skills.documents import DocumentsSkill, Upload
from skills.models import Reply, Request

log = logging.getLogger(__name__)

PROGRESS_EDIT_SECONDS = 1.0  # at most about one edit a second
SKILL_NAME = DocumentsSkill.name


def document_handler() -> MessageHandler:
    """The handler to register before the catch-all: non-blocking, so the bot stays responsive."""
    return MessageHandler(filters.Document.ALL, on_document, block=False)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file: refused for reps; for admins checked, downloaded, stored and indexed with progress."""
    message = update.effective_message
    if message is None or update.effective_user is None or message.document is None:
        return
    if not await only_in_private(update, context):
        return
    assistant, runner = assistant_of(context), runner_of(context)
    admission = await runner.call(assistant.admit, identity_of(update), "")
    if admission.user is None:
        await send_reply(context.bot, message.chat_id, admission.reply or Reply())
        return
    user = admission.user
    request = assistant.request(user, "", now=message_time(message.date),
                                language=speech_language(user, update.effective_user.language_code))  # fmt: skip
    skill = documents_skill(assistant)
    media = message.document
    try:
        upload = await runner.call(skill.check_upload, request, media.file_name, media.file_size)
    except SkillError as error:
        await send_reply(context.bot, message.chat_id, Reply.of(error.message(request.language)))
        return
    log.debug("document upload from user %s: %s", user.id, upload.name)
    path = assistant.settings.data_dir / "uploads" / f"{user.id}-{message.message_id}{Path(upload.name).suffix.lower()}"
    try:
        async with runner.turn(user.id):  # the admin's next question waits for the document
            reply = await _download_and_add(context, message.chat_id, media, path, skill, request, upload, runner.call)
    finally:
        path.unlink(missing_ok=True)
    if reply is not None:
        await send_reply(context.bot, message.chat_id, reply)


def documents_skill(assistant: Assistant) -> DocumentsSkill:
    """The assistant's documents skill (registered by `build_skills`)."""
    skill = assistant.router.skills[SKILL_NAME]
    assert isinstance(skill, DocumentsSkill)
    return skill


async def _download_and_add(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, media: Document, path: Path, skill: DocumentsSkill,
    request: Request, upload: Upload, run: Run,
) -> Reply | None:
    """Download, then add with a progress message; returns a reply to send, or None when the message shows it."""
    try:
        telegram_file = await media.get_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        await telegram_file.download_to_drive(path)
    except TelegramError as error:
        log.warning("could not download a document (%s)", type(error).__name__)
        return Reply.of(request.t(f"下载「{upload.name}」失败了，请再发一次。",
                                  f"I couldn't download “{upload.name}”; please send it again."))  # fmt: skip
    progress = ProgressMessage(context.bot, chat_id, upload.first_progress(request))
    await progress.start()
    try:
        final = await run(skill.add_upload, request, upload, path, progress.show)
    except SkillError as error:
        final = Reply.of(error.message(request.language))
    except Exception:
        log.exception("adding a document failed for user %s", request.user.id)
        final = Reply.of(request.t(f"导入「{upload.name}」时出错了，已记录，知识库没有改变。请稍后再试。",
                                   f"Importing “{upload.name}” failed; it has been logged and the knowledge base "
                                   "is unchanged. Please try again later."))  # fmt: skip
    path.unlink(missing_ok=True)  # before saying done: the folder holds the copy that counts
    await progress.finish(final)
    return None


class ProgressMessage:
    """A message edited with the latest progress text about once a second, then replaced by the result."""

    def __init__(self, bot: Bot, chat_id: int, first: str):
        self.bot = bot
        self.chat_id = chat_id
        self.latest = first  # set from the worker thread; a str assignment is atomic
        self.shown = first
        self.message_id: int | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def show(self, text: str) -> None:
        """Called from the worker thread: the text the next edit shows."""
        self.latest = text

    async def start(self) -> None:
        """Send the first text and start editing."""
        sent = await self.bot.send_message(self.chat_id, _html(self.shown), parse_mode=ParseMode.HTML)
        self.message_id = sent.message_id
        self._task = asyncio.create_task(self._edit_loop())

    async def finish(self, reply: Reply) -> None:
        """Stop editing (an edit in flight completes first) and turn the message into `reply`."""
        self._stop.set()
        if self._task is not None:
            await self._task
        if self.message_id is None:
            await send_reply(self.bot, self.chat_id, reply)
            return
        await edit_or_send(self.bot, self.chat_id, self.message_id, reply)

    async def _edit_loop(self) -> None:
        wait = PROGRESS_EDIT_SECONDS
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), wait)
            if self._stop.is_set():
                return
            wait = PROGRESS_EDIT_SECONDS
            text = self.latest
            if text == self.shown:
                continue
            try:
                await self.bot.edit_message_text(_html(text), chat_id=self.chat_id, message_id=self.message_id,
                                                 parse_mode=ParseMode.HTML)  # fmt: skip
                self.shown = text
            except RetryAfter as error:  # after the rate limiter's own retries: skip edits that long
                wait = max(PROGRESS_EDIT_SECONDS, retry_seconds(error))
            except TelegramError:  # e.g. "message is not modified": the final edit still comes
                log.info("a progress edit failed", exc_info=True)


def _html(text: str) -> str:
    return render_messages(Reply.of(text))[0]
