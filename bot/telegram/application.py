"""All the Telegram wiring in one place: builder → handlers → error handler → post_init jobs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import InvalidToken, RetryAfter, TelegramError
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

from bot.assistant import Assistant
from bot.logs import add_secret
from bot.settings import Settings
from bot.telegram.documents import document_handler
from bot.telegram.handlers import RUNNER_KEY, assistant_of, on_button, on_error, on_message, on_unsupported
from bot.telegram.jobs import schedule_reminders
from bot.telegram.send import retry_seconds
from bot.telegram.voice import voice_handler
from bot.telegram.workers import SkillRunner


def build_application(assistant: Assistant) -> Application:
    """The python-telegram-bot Application for `assistant`, with every handler registered."""
    settings = assistant.settings
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    add_secret(settings.telegram_bot_token)  # before PTB logs its API URL, which contains the token
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .request(_http_request(read_timeout=10.0))
        .get_updates_request(_http_request(read_timeout=40.0))
        .rate_limiter(AIORateLimiter(max_retries=3))  # Telegram's 30 msg/s per bot; text reaches it before CPU (docs/scaling.md)
        .concurrent_updates(True)  # updates are handled side by side; each user's stay in order (SkillRunner)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["assistant"] = assistant
    application.bot_data[RUNNER_KEY] = SkillRunner()
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT | filters.COMMAND, on_message))
    application.add_handler(voice_handler())
    application.add_handler(document_handler())
    application.add_handler(MessageHandler(filters.ALL, on_unsupported))
    application.add_error_handler(on_error)
    return application


log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0


def run_bot(application: Application, settings: Settings) -> None:
    """Long-poll until stopped; a Bot API that is down at start (or flaps during it) is retried forever."""
    asyncio.run(wait_until_reachable(settings))
    application.run_polling(allowed_updates=["message", "callback_query"], bootstrap_retries=-1)


async def wait_until_reachable(
    settings: Settings, *,
    first_delay: float = FIRST_RETRY_SECONDS, max_delay: float = MAX_RETRY_SECONDS,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Call getMe until the Bot API answers, logging each failure and doubling the wait up to `max_delay`.

    A server that boots before its network (or during a Telegram outage) must wait, not exit. A wrong
    token is not an outage: InvalidToken is raised at once.
    """
    delay, attempt = first_delay, 1
    while True:
        bot = Bot(settings.telegram_bot_token or "", base_url=settings.telegram_base_url,
                  base_file_url=settings.telegram_base_file_url, request=_http_request(read_timeout=10.0))
        try:
            async with bot:  # initialize calls getMe; leaving closes the connection pool
                if attempt > 1:
                    log.info("the Telegram Bot API answered after %d attempts", attempt)
                return
        except InvalidToken:
            raise
        except TelegramError as error:  # NetworkError (refused, 502…), TimedOut, RetryAfter, a 5xx
            wait = max(delay, retry_seconds(error)) if isinstance(error, RetryAfter) else delay
            log.warning("the Telegram Bot API is unreachable (%s: %s); retrying in %.0f s (attempt %d)",
                        type(error).__name__, error, wait, attempt)
            await sleep(wait)
            delay, attempt = min(delay * 2, max_delay), attempt + 1


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


async def _post_shutdown(application: Application) -> None:
    """Let running skill work finish, then stop the worker pool."""
    runner: SkillRunner = application.bot_data[RUNNER_KEY]
    await asyncio.to_thread(runner.shutdown)


async def _warm_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Load models in a worker thread so the first rep does not wait for them."""
    await asyncio.to_thread(assistant_of(context).warm_up)
