"""Transport-neutral messages: what a skill receives (`Request`) and what it returns (`Reply`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from crm.language import Language, replace_lone_surrogates
from crm.parsing.dates import simplified
from crm.users import User

log = logging.getLogger(__name__)

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for inline-button callback data

class Attachment(BaseModel):
    """A file that arrived with a message (a voice note, a document) saved locally."""

    kind: Literal["voice", "audio", "document", "photo"]
    path: Path
    mime_type: str | None = None
    duration_seconds: float | None = None
    file_size: int | None = None


class Request(BaseModel):
    """One message from a user, as every transport hands it to the router."""

    user: User
    text: str = ""
    now: datetime
    language: Language = "zh"
    command: str | None = None  # "help" for "/help", set by the router
    args: str = ""  # the text after the command
    callback_data: str | None = None  # set when a button was pressed
    attachment: Attachment | None = None

    @field_validator("text", "args", "callback_data")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        return None if value is None else replace_lone_surrogates(value)

    @field_validator("now")
    @classmethod
    def _now_is_aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return value

    @property
    def local_now(self) -> datetime:
        """`now` in the user's time zone."""
        return self.now.astimezone(self.user.zone)

    @property
    def plain(self) -> str:
        """The text in Simplified characters (我的跟進 -> 我的跟进), char for char: what skills match their cues on."""
        return simplified(self.text)

    def t(self, zh: str, en: str) -> str:
        """Pick the text for the request's language."""
        return zh if self.language == "zh" else en


class Button(BaseModel):
    """An inline button; `data` comes back as a callback and must fit Telegram's 64 bytes."""

    model_config = ConfigDict(frozen=True)

    label: str
    data: str

    @field_validator("label")
    @classmethod
    def _encodable(cls, value: str) -> str:
        return replace_lone_surrogates(value)

    @field_validator("data")
    @classmethod
    def _fits_callback_limit(cls, value: str) -> str:
        if not value or len(value.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data must be 1-{CALLBACK_DATA_LIMIT} bytes: {value!r}")
        return value


class Block(BaseModel):
    """A piece of reply text. Transports decide how each kind looks; text is never markup."""

    model_config = ConfigDict(frozen=True)

    text: str
    kind: Literal["paragraph", "heading", "quote", "code", "note"] = "paragraph"

    @field_validator("text")
    @classmethod
    def _encodable(cls, value: str) -> str:
        return replace_lone_surrogates(value)


class FileOut(BaseModel):
    """A file or photo to send with the reply."""

    path: Path | None = None
    content: bytes | None = None
    filename: str = "file"
    kind: Literal["document", "photo"] = "document"
    caption: str = ""


class Stream(BaseModel):
    """Text written while the user waits (a model's answer), which a transport may reveal piece by piece.

    `pieces()` yields checked sentences and may block or raise; `complete()` returns the whole text at
    once. The streamed text replaces the reply's first block and is followed by `tail` (the sources). If
    either call fails or `timeout` seconds pass, the transport shows the reply's own blocks (the
    extractive answer) followed by `failure_note`.
    """

    model_config = ConfigDict(frozen=True)

    placeholder: str
    pieces: Callable[[], Iterator[str]]
    complete: Callable[[], str]
    tail: list[Block] = Field(default_factory=list)
    failure_note: str = ""
    timeout: float = 15.0


class Reply(BaseModel):
    """What a skill says back: text blocks, rows of buttons, maybe a file, maybe a stream to reveal."""

    blocks: list[Block] = Field(default_factory=list)
    buttons: list[list[Button]] = Field(default_factory=list)
    file: FileOut | None = None
    replace_message: bool = False  # for a button press: edit the pressed message instead of sending
    toast: str | None = None  # short notice for a button press (answerCallbackQuery text)
    stream: Stream | None = None  # see Stream; `blocks` are then the fallback

    @field_validator("toast")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        return None if value is None else replace_lone_surrogates(value)

    @classmethod
    def of(cls, *texts: str, buttons: list[list[Button]] | None = None) -> Reply:
        """A reply made of plain paragraphs."""
        return cls(blocks=[Block(text=text) for text in texts if text], buttons=buttons or [])

    @property
    def text(self) -> str:
        """All blocks as plain text, for terminals, logs and tests."""
        return "\n\n".join(block.text for block in self.blocks)

    def streamed(self, text: str) -> Reply:
        """The reply showing `text` from its stream, then the stream's tail (the sources), same buttons."""
        assert self.stream is not None
        return Reply(blocks=[Block(text=text), *self.stream.tail], buttons=self.buttons)

    def fallback(self) -> Reply:
        """The reply without its stream: its own blocks, then the stream's note on why."""
        reply = self.model_copy(update={"stream": None, "blocks": list(self.blocks)})
        return reply.add(self.stream.failure_note if self.stream else "", kind="note")

    def settled(self) -> Reply:
        """The final reply for transports that show only final text: the stream's whole text, or the fallback."""
        if self.stream is None:
            return self
        try:
            return self.streamed(self.stream.complete())
        except Exception as error:  # the stream logs its own reason; any failure shows the fallback
            log.info("stream failed (%s); showing the fallback reply", type(error).__name__)
            return self.fallback()

    def add(self, text: str, kind: str = "paragraph") -> Reply:
        """Append a block and return self, for chaining."""
        if text:
            self.blocks.append(Block(text=text, kind=kind))  # type: ignore[arg-type]
        return self
