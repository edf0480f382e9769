"""Logging that cannot leak: the bot token and message bodies never reach a log line, at any level.

Redaction happens where a record is *made* (`logging.setLogRecordFactory`), not in a handler or a
formatter, so no handler — ours, a library's, pytest's — can see an unredacted record:
- every configured secret (the bot token) is replaced in the message, its arguments and the
  traceback text;
- debug records of the Telegram and HTTP libraries (which dump request parameters and whole
  updates, i.e. what reps wrote and what the bot answered) keep their message but lose their
  arguments, except short identifiers like an endpoint name.
Our own code never logs a message body: it logs ids, lengths and outcomes.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType

from bot.settings import Settings

MASK = "[redacted]"
CHATTY_LIBRARIES = ("telegram", "httpx", "httpcore", "hpack", "apscheduler")
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w.]{0,40}$")
_secrets: set[str] = set()
_installed = threading.Lock()
_previous_factory = logging.getLogRecordFactory()


def redact(text: str) -> str:
    """`text` with every registered secret masked (a token also appears URL-encoded in URLs)."""
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


def add_secret(secret: str | None) -> None:
    """Never log `secret` from now on (also its URL-quoted form)."""
    if secret:
        from urllib.parse import quote

        _secrets.update({secret, quote(secret, safe="")})
        install_redaction()


def _redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    if record.name.startswith(CHATTY_LIBRARIES) and record.levelno < logging.INFO and record.args:
        values = record.args if isinstance(record.args, tuple) else (record.args,)
        record.args = tuple(value if _is_identifier(value) else MASK for value in values)
    if _secrets:
        record.msg = redact(str(record.msg))
        if record.args:
            values = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(value) if isinstance(value, str) else _redact_repr(value) for value in values)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    return record


def _is_identifier(value: object) -> bool:
    return isinstance(value, (int, float, bool)) or (isinstance(value, str) and bool(_IDENTIFIER.match(value)))


def _redact_repr(value: object) -> object:
    text = repr(value) if not isinstance(value, (int, float, bool)) else None
    if text is not None and any(secret in text for secret in _secrets):
        return redact(str(value))
    return value


def install_redaction() -> None:
    """Install the redacting record factory (idempotent) and a redacting excepthook."""
    with _installed:
        if logging.getLogRecordFactory() is not _redacting_factory:
            logging.setLogRecordFactory(_redacting_factory)
        if sys.excepthook is not _redacting_excepthook:
            sys.excepthook = _redacting_excepthook


def _redacting_excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(kind, error, tb))))


def configure_logging(settings: Settings) -> None:
    """Logging for an entry point: level from KAM_LOG_LEVEL, secrets redacted, chatty libraries quieter."""
    add_secret(settings.telegram_bot_token)
    install_redaction()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpx2", "httpcore", "openai", "apscheduler", "jieba", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
