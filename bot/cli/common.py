"""What every `kam` command shares: settings with a one-line error, logging, the assistant."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from pydantic import BaseModel

from bot.assistant import Assistant, build_assistant
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from crm.customer_import import CustomerFileError, read_customer_file
from crm.parsing.matching import CustomerIndex, CustomerRef
from crm.pipeline import PipelineError
from crm.pricing import PriceBookError
from crm.users import User, UserNotFound
from knowledge import EmbedderError

NOW_HELP = (
    "The moment the text was written, ISO 8601 (default: now). Without a UTC offset "
    "(2026-11-30T10:00) it is local time in the user's time zone."
)


def settings_or_exit() -> Settings:
    """Load settings; a bad setting ends the command with one clear line, never a traceback."""
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def open_assistant() -> Assistant:
    """Settings → logging → the assistant, as every command that needs the product does."""
    settings = settings_or_exit()
    configure_logging(settings)
    try:
        return build_assistant(settings)
    except sqlite3.Error as error:
        raise click.ClickException(f"Cannot open the database {settings.database_path}: {error}") from None
    except PriceBookError as error:
        raise click.ClickException(f"The price book has problems (KAM_PRICING_FILE):\n{error}") from None
    except PipelineError as error:
        raise click.ClickException(f"The pipeline file has problems (KAM_PIPELINE_FILE):\n{error}") from None
    except EmbedderError as error:
        raise click.ClickException(str(error)) from None


def acting_user(assistant: Assistant, user_id: int) -> User:
    """The user a command acts as (`--user`; 0 is the local operator), or a one-line error."""
    try:
        return assistant.acting_user(user_id)
    except UserNotFound:
        raise click.ClickException(
            f"no user {user_id} with access: they register by writing to the bot, or an admin runs "
            f"`kam users add {user_id}`"
        ) from None


def ensure_sample_customers(assistant: Assistant) -> None:
    """Load the sample customers (KAM_CUSTOMERS_FILE) into a database that has none yet."""
    sample = assistant.settings.customers_file
    if sample is not None and sample.is_file() and assistant.customers.count() == 0:
        try:
            report = assistant.customers.import_file(sample)
        except CustomerFileError as error:
            raise click.ClickException(f"The sample customers file (KAM_CUSTOMERS_FILE) cannot be read: {error}") from None
        click.echo(f"loaded {report.imported} sample customers from {sample}", err=True)


def print_json(value: Any) -> None:
    """Print a model, a list of models or plain data as JSON (UTF-8, not escaped)."""
    click.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=None))


def to_jsonable(value: Any) -> Any:
    """Models become dicts, recursively."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    return value


def parse_now(value: str | None, zone: ZoneInfo) -> datetime:
    """`--now` for every command: ISO 8601; without an offset it is local time in `zone` (the user's)."""
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {value!r}", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def evaluation_index(assistant: Assistant, customers_path: Path | None) -> CustomerIndex:
    """The customers an evaluation matches against: a customer file, else the database's."""
    if customers_path is None:
        repository = assistant.customers
        if repository.count() == 0:
            raise click.ClickException("no customers in the database: import some or pass --customers FILE")
        return repository.index()
    try:
        parsed = read_customer_file(customers_path)
    except CustomerFileError as error:
        raise click.ClickException(str(error)) from None
    return CustomerIndex.build(
        CustomerRef(id=line, name=row.name, aliases=row.aliases, value_class=row.value_class)
        for line, row in parsed.rows
    )


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-empty line of a JSONL file; a bad line is a one-line CLI error."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise click.ClickException(f"{path}:{number}: not JSON ({error.msg})") from None
