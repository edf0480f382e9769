"""Voice and audio messages: download → transcribe on this machine → handle the text like a typed note.

The transcription runs in a worker thread (`asyncio.to_thread`, a path in, a `Transcript` out) under a
timeout, while the chat shows "typing"; the handler is registered with `block=False` so other reps'
messages are answered meanwhile. The reply is the transcript block followed by whatever the assistant
answers for that text (for a visit note: the card). The audio is deleted afterwards unless
KAM_KEEP_AUDIO is set. No business logic here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import warnings
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from telegram import (
    Audio,
    CopyTextButton,
    InlineKeyboardButton,
    Update,
    Voice,
)
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.warnings import PTBDeprecationWarning

from bot.settings import Settings
from bot.speech import (
    AudioError,
    ModelError,
    NoSpeechToText,
    SpeechError,
    SpeechToText,
    SpeechUnavailable,
    Transcript,
    TranscriptionCancelled,
    build_speech_to_text,
)
from bot.telegram.handlers import assistant_of, identity_of, message_time, only_in_private, runner_of
from bot.telegram.send import send_reply
from crm.language import Language
from crm.users import User
from skills.models import Attachment, Block, Reply

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # the Bot API's getFile limit
MAX_VOICE_SECONDS = 5 * 60  # longer recordings would hold the recogniser for minutes
LOAD_TIMEOUT_SECONDS = 180.0  # first use: assemble (once) and load the model
CHAT_ACTION_EVERY_SECONDS = 4.0  # Telegram shows a chat action for about 5 s
COPY_TEXT_LIMIT = 256  # characters a CopyTextButton may hold
SPEECH_KEY = "speech"  # application.bot_data key of the recogniser


def voice_handler() -> MessageHandler:
    """The handler to register before the catch-all: non-blocking, so the bot stays responsive."""
    return MessageHandler(filters.VOICE | filters.AUDIO, on_voice, block=False)


def transcription_timeout(duration_seconds: float) -> float:
    """How long to wait for one recording: generous, since the 2 cores are shared."""
    return 30.0 + 2.0 * max(duration_seconds, 1.0)


async def on_voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A voice note or audio file: transcribe it here, then answer the text like a typed message."""
    message = update.effective_message
    if message is None or update.effective_user is None or not await only_in_private(update, context):
        return
    media = message.voice or message.audio
    if media is None:
        return
    assistant, runner = assistant_of(context), runner_of(context)
    identity = update.effective_user
    admission = await runner.call(assistant.admit, identity_of(update), "")
    if admission.user is None:
        await _send(context, message.chat_id, admission.reply or Reply())
        return
    user = admission.user
    language = speech_language(user, identity.language_code)
    speech = speech_for(context.application)
    if not speech.available:
        await _send(context, message.chat_id, Reply.of(dictation_hint(language)))
        return
    problem = check_media(media, language)
    if problem:
        await _send(context, message.chat_id, Reply.of(problem))
        return
    settings = assistant.settings
    kind = "voice" if message.voice else "audio"
    path = audio_path(settings, user.id, message.message_id, media)
    async with showing_chat_action(context, message.chat_id):
        outcome = await _download_and_transcribe(context, media, path, speech, language, settings)
    if isinstance(outcome, str):
        await _send(context, message.chat_id, Reply.of(outcome))
        return
    transcript = outcome
    if not transcript.text:
        await _send(
            context,
            message.chat_id,
            Reply.of(
                _t(
                    language,
                    "没听清这段语音，请再说一遍，或直接打字发给我。",
                    "I couldn't make out any words; please try again or type it.",
                )
            ),
        )
        return
    attachment = Attachment(
        kind=kind,
        path=path,
        mime_type=media.mime_type,
        duration_seconds=seconds_of(media) or None,
        file_size=media.file_size,
    )
    request = assistant.request(user, transcript.text, now=message_time(message.date), attachment=attachment, language=language)
    async with runner.turn(user.id):
        reply = await runner.call(assistant.handle, request)
        await _send(context, message.chat_id, with_transcript(reply, transcript.text, language),
                    copy_text=transcript.text, language=language)  # fmt: skip


async def _download_and_transcribe(
    context: ContextTypes.DEFAULT_TYPE,
    media: Voice | Audio,
    path: Path,
    speech: SpeechToText,
    language: Language,
    settings: Settings,
) -> Transcript | str:
    """The transcript, or the message to send instead. Removes the audio unless KAM_KEEP_AUDIO."""
    try:
        try:
            telegram_file = await media.get_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            await telegram_file.download_to_drive(path)
        except TelegramError as error:
            log.warning("could not download voice file %s: %s", media.file_id, error)
            if "too big" in str(error).lower():
                return too_big_message(media.file_size, language)
            return _t(
                language, "下载语音失败了，请再发一次。", "I couldn't download that recording; please send it again."
            )
        try:
            await asyncio.wait_for(asyncio.to_thread(speech.load), timeout=LOAD_TIMEOUT_SECONDS)
        except (TimeoutError, ModelError, SpeechUnavailable):
            log.exception("the speech model is not available")
            return _t(
                language,
                "语音识别暂时不可用（模型未就绪），已记录。请先用键盘的语音输入发文字。",
                "Voice transcription is unavailable right now (the model isn't ready); it has been logged. "
                "Please use your keyboard's dictation for now.",
            )
        timeout = transcription_timeout(seconds_of(media))
        cancel = threading.Event()
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(speech.transcribe, path, language=language, cancel=cancel), timeout=timeout
            )
        except TimeoutError:
            cancel.set()  # the worker stops at its next segment instead of running on unseen
            log.warning("transcription of %s timed out after %.0f s", path.name, timeout)
            return _t(
                language,
                f"语音识别超时（{timeout:.0f} 秒）。请录短一点（一分钟以内最好），或直接打字。",
                f"Transcription timed out after {timeout:.0f} s. Please send a shorter recording "
                "(under a minute is best) or type it.",
            )
        except AudioError as error:
            log.info("undecodable audio from Telegram: %s", error)
            return _t(
                language,
                "这段语音无法解码（文件可能已损坏或不是音频）。请重新录一段，或直接打字。",
                "I couldn't decode that recording (it may be damaged or not audio). Please record it again or type it.",
            )
        except (TranscriptionCancelled, SpeechError):
            log.exception("transcription failed")
            return _t(
                language,
                "语音识别失败了，已记录。请再试一次，或直接打字。",
                "Transcription failed; it has been logged. Please try again or type it.",
            )
    finally:
        if not settings.keep_audio:
            path.unlink(missing_ok=True)


def speech_for(application: Application) -> SpeechToText:
    """The application's one recogniser, built from the settings on first use."""
    speech = application.bot_data.get(SPEECH_KEY)
    if speech is None:
        settings: Settings = application.bot_data["assistant"].settings
        try:
            speech = build_speech_to_text(settings)
        except SpeechUnavailable as error:
            log.error("voice messages fall back to the dictation hint: %s", error)
            speech = NoSpeechToText()
        application.bot_data[SPEECH_KEY] = speech
    return speech


def speech_language(user: User, telegram_language: str | None) -> Language:
    """The language to transcribe in: the user's choice, else their Telegram app's, else Chinese."""
    if user.language:
        return user.language
    if telegram_language and telegram_language.lower().startswith("en"):
        return "en"
    return "zh"


def check_media(media: Voice | Audio, language: Language) -> str | None:
    """A reason to refuse the recording before downloading it, or None."""
    if media.file_size is not None and media.file_size > MAX_DOWNLOAD_BYTES:
        return too_big_message(media.file_size, language)
    duration = seconds_of(media)
    if duration > MAX_VOICE_SECONDS:
        minutes, limit = int(duration // 60), MAX_VOICE_SECONDS // 60
        return _t(
            language,
            f"这段语音太长了（{minutes} 分多钟）。请分成 {limit} 分钟以内的几段发送。",
            f"That recording is too long ({minutes}+ min). Please send parts of up to {limit} minutes.",
        )
    return None


def seconds_of(media: Voice | Audio) -> float:
    """The recording's length in seconds (PTB gives an int today and a timedelta in a future version)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        duration = media.duration
    if isinstance(duration, timedelta):
        return duration.total_seconds()
    return float(duration or 0)


def too_big_message(file_size: int | None, language: Language) -> str:
    """Telegram lets bots download at most 20 MB."""
    size = f"{file_size / 1024 / 1024:.1f} MB" if file_size else "> 20 MB"
    return _t(
        language,
        f"这个音频文件太大了（{size}），Telegram 只允许机器人下载 20 MB 以内的文件。请分段录制，或直接打字。",
        f"That audio file is too large ({size}); Telegram lets bots download files up to 20 MB. "
        "Please send shorter parts or type it.",
    )


def dictation_hint(language: Language) -> str:
    """What to do instead when voice messages are switched off (KAM_STT=none)."""
    return _t(
        language,
        "我暂时听不了语音消息。可以用手机键盘的语音输入：点一下输入框，按键盘上的🎤麦克风键说话，"
        "文字出来后发送给我就行，效果一样。",
        "I can't listen to voice messages here. Use your phone keyboard's dictation instead: tap the text "
        "box, press the 🎤 microphone key on the keyboard, speak, then send me the text.",
    )


def with_transcript(reply: Reply, text: str, language: Language) -> Reply:
    """The reply with the transcript shown first."""
    block = Block(text=_t(language, "🎤 识别结果：", "🎤 Transcript: ") + text, kind="quote")
    return reply.model_copy(update={"blocks": [block, *reply.blocks]})


def audio_path(settings: Settings, user_id: int, message_id: int, media: Voice | Audio) -> Path:
    """Where the download goes: `<data dir>/audio/<user>-<message>.<ext>`."""
    name = getattr(media, "file_name", None) or ""
    suffix = Path(name).suffix.lower() if Path(name).suffix else _suffix_for(media.mime_type)
    return settings.data_dir / "audio" / f"{user_id}-{message_id}{suffix}"


def _suffix_for(mime_type: str | None) -> str:
    return {
        "audio/mpeg": ".mp3",
        "audio/mp4": ".m4a",
        "audio/x-m4a": ".m4a",
        "audio/wav": ".wav",
        "audio/x-wav": ".wav",
        "audio/webm": ".webm",
    }.get(mime_type or "", ".ogg")


@contextlib.asynccontextmanager
async def showing_chat_action(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
    """Keep "typing…" visible in the chat while the body runs."""

    async def repeat() -> None:
        while True:
            try:
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError:
                log.debug("could not send the chat action", exc_info=True)
            await asyncio.sleep(CHAT_ACTION_EVERY_SECONDS)

    task = asyncio.create_task(repeat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _send(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply, *, copy_text: str = "", language: Language = "zh"
) -> None:
    """Send a reply; with `copy_text`, the last message gets a button that copies the transcript."""
    extra_rows = []
    if copy_text and len(copy_text) <= COPY_TEXT_LIMIT and not reply.file:
        label = _t(language, "✏️ 复制文字去修改", "✏️ Copy text to edit")
        extra_rows.append([InlineKeyboardButton(label, copy_text=CopyTextButton(copy_text))])
    await send_reply(context.bot, chat_id, reply, extra_rows=extra_rows)


def _t(language: Language, zh: str, en: str) -> str:
    return zh if language == "zh" else en



