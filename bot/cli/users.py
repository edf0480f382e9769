"""`kam users list|add|revoke`: who may use the bot, as operations rather than database edits."""

from __future__ import annotations

import click

from bot.cli.common import open_assistant, print_json
from crm.users import LOCAL_OPERATOR_ID, UserNotFound


@click.group("users")
def users() -> None:
    """Who may use the bot: list, add (or restore), revoke."""


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_users(as_json: bool) -> None:
    """Every user with their role, how they were admitted, and whether access is revoked."""
    found = [user for user in open_assistant().users.all(active_only=False) if user.id != LOCAL_OPERATOR_ID]
    if as_json:
        print_json(found)
        return
    for user in found:
        state = "REVOKED" if user.revoked else ("inactive (blocked the bot)" if not user.active else "active")
        click.echo(f"{user.id:<12} {user.role:<5} {user.registered_via:<9} {state:<10} {user.name}")


@users.command("add")
@click.argument("user_id", type=int)
@click.option("--admin", is_flag=True, help="Make them an admin (sees every rep's records).")
@click.option("--name", default="", help="Display name until they write to the bot.")
def add_user(user_id: int, admin: bool, name: str) -> None:
    """Give Telegram user USER_ID access (or restore a revoked one)."""
    if user_id == LOCAL_OPERATOR_ID:
        raise click.BadParameter("0 is the local operator, not a Telegram user", param_hint="USER_ID")
    assistant = open_assistant()
    user = assistant.users.restore(user_id, role="admin" if admin else "rep", name=name,
                                   timezone_name=assistant.settings.timezone)  # fmt: skip
    click.echo(f"user {user.id} may use the bot as {user.role}")


@users.command("revoke")
@click.argument("user_id", type=int)
def revoke_user(user_id: int) -> None:
    """Withdraw USER_ID's access; it takes effect on their next message (even if a setting lists them)."""
    try:
        open_assistant().users.revoke(user_id)
    except UserNotFound:
        raise click.ClickException(f"no user {user_id}") from None
    click.echo(f"user {user_id} revoked: their next message gets the refusal; their records are kept")
