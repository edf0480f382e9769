"""`kam followups` and `kam remind`: follow-ups from the terminal, over the same library as the bot."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from bot.cli.common import configure_logging, print_json, settings_or_exit
from bot.followups import FollowUp
from bot.models import User
from bot.store import Store, UserNotFound
from skills.base import SkillError
from skills.followups import FollowupsSkill


def _open(user_id: int) -> tuple[FollowupsSkill, User, Store]:
    settings = settings_or_exit()
    configure_logging(settings)
    store = Store.open(settings.database_path)
    try:
        user = store.get_user(user_id)
    except UserNotFound:
        store.close()
        raise click.ClickException(f"no user {user_id}: they must send /start to the bot first") from None
    return FollowupsSkill(store, settings), user, store


def _parse_now(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {value!r}", param_hint="--now") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a UTC offset, e.g. 2026-03-04T10:00+08:00", param_hint="--now")
    return moment


def _row(followup: FollowUp, user: User, now: datetime) -> dict[str, object]:
    return {
        **followup.model_dump(mode="json"),
        "due_local": followup.due_in(user.zone).isoformat(timespec="minutes"),
        "overdue": followup.is_overdue(now),
    }


def _line(followup: FollowUp, user: User, now: datetime) -> str:
    local = followup.due_in(user.zone).strftime("%Y-%m-%d %H:%M")
    customer = f"[{followup.customer_name}] " if followup.customer_name else ""
    flag = "  OVERDUE" if followup.is_overdue(now) else ""
    return f"#{followup.id:<6} {local}  {customer}{followup.text}{flag}"


@click.command(name="followups")
@click.option("--user", "user_id", type=int, required=True, help="Telegram user id of the rep.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def followups_command(user_id: int, as_json: bool) -> None:
    """List a rep's open follow-ups: overdue first, then by due time, in the rep's time zone."""
    skill, user, store = _open(user_id)
    try:
        now = datetime.now(UTC)
        items = skill.open_followups(user)
        if as_json:
            print_json([_row(item, user, now) for item in items])
            return
        if not items:
            click.echo("no open follow-ups")
            return
        click.echo(f"{len(items)} open follow-up(s), times in {user.timezone}:")
        for item in items:
            click.echo(_line(item, user, now))
    finally:
        store.close()


@click.command(name="remind")
@click.argument("text")
@click.option("--user", "user_id", type=int, required=True, help="Telegram user id of the rep.")
@click.option("--now", "now_text", default=None, help="Read relative times from this ISO 8601 moment (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the stored follow-up as JSON.")
def remind_command(text: str, user_id: int, now_text: str | None, as_json: bool) -> None:
    """Create a follow-up from TEXT, e.g. "提醒我周五下午给华信发方案"; the running bot reminds at its time."""
    skill, user, store = _open(user_id)
    try:
        now = _parse_now(now_text)
        try:
            followup = skill.create_reminder(user, text, now=now)
        except SkillError as error:
            raise click.ClickException(error.message("zh" if any("\u4e00" <= c <= "\u9fff" for c in text) else "en")) from None
        if as_json:
            print_json(_row(followup, user, now))
        else:
            click.echo(f"created {_line(followup, user, now)}")
    finally:
        store.close()
