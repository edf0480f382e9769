"""`kam followups` and `kam remind`: follow-ups from the terminal, over the same services as the bot."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from bot.assistant import Assistant
from bot.cli.common import NOW_HELP, open_assistant, parse_now, print_json
from crm.followups.reading import DueInPast, InvalidDue, NoDueTime
from crm.followups.repository import FollowUp
from crm.language import language_of, replace_lone_surrogates
from crm.users import User, UserNotFound


def _open(user_id: int) -> tuple[Assistant, User]:
    assistant = open_assistant()
    try:
        return assistant, assistant.users.get(user_id)
    except UserNotFound:
        raise click.ClickException(f"no user {user_id}: they must send /start to the bot first") from None


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
    assistant, user = _open(user_id)
    now = datetime.now(UTC)
    items = assistant.followups.list_open(user.id)
    if as_json:
        print_json([_row(item, user, now) for item in items])
        return
    if not items:
        click.echo("no open follow-ups")
        return
    click.echo(f"{len(items)} open follow-up(s), times in {user.timezone}:")
    for item in items:
        click.echo(_line(item, user, now))


_NO_TIME = {
    "zh": "没看出什么时候提醒，请带上时间，例如“提醒我周五下午给华信发方案”。",
    "en": "I could not see when to remind you; e.g. \"remind me to call Acme's CFO tomorrow 3pm\".",
}
_INVALID = {
    "zh": "“{words}”不是有效的日期或时间，没有设提醒；请换一个时间，例如“明天上午10点”。",
    "en": '"{words}" is not a real date or time, so no reminder was set; try e.g. "tomorrow 10am".',
}
_PAST = {"zh": "这个时间已经过了，请换一个将来的时间。", "en": "That time has already passed; pick a time in the future."}


@click.command(name="remind")
@click.argument("text")
@click.option("--user", "user_id", type=int, required=True, help="Telegram user id of the rep.")
@click.option("--now", "now_text", default=None, help=NOW_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the stored follow-up as JSON.")
def remind_command(text: str, user_id: int, now_text: str | None, as_json: bool) -> None:
    """Create a follow-up from TEXT, e.g. "提醒我周五下午给华信发方案"; the running bot reminds at its time."""
    assistant, user = _open(user_id)
    now = parse_now(now_text, user.zone)
    text = replace_lone_surrogates(text)  # undecodable argv bytes arrive as lone surrogates
    try:
        followup = assistant.followup_service.create_from_text(user, text, now=now)
    except NoDueTime:
        raise click.ClickException(_NO_TIME[language_of(text)]) from None
    except DueInPast:
        raise click.ClickException(_PAST[language_of(text)]) from None
    except InvalidDue as error:
        raise click.ClickException(_INVALID[language_of(text)].format(words=error.words)) from None
    if as_json:
        print_json(_row(followup, user, now))
    else:
        click.echo(f"created {_line(followup, user, now)}")
