"""`kam cases`: a thin command over `crm.cases`.

Register on the main group: `main.add_command(cases)`.
"""

from __future__ import annotations

from typing import Any

import click

from bot.cli.common import acting_user, open_assistant, print_json
from bot.terminal import render_plain
from crm.cases import Case


@click.command("cases")
@click.option("--user", "user_id", type=int, default=0, show_default=True,
              help="Whose cases (a rep sees their own; an admin, and the local user 0, everyone's).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the open cases as JSON.")
def cases(user_id: int, as_json: bool) -> None:
    """List open after-sales cases, most urgent response target first."""
    assistant = open_assistant()
    user = acting_user(assistant, user_id)
    found = assistant.cases.list_open(user_id=None if user.is_admin else user.id)
    if as_json:
        print_json({"user": user.id, "scope": "all" if user.is_admin else "own",
                    "cases": [case_json(case, user.zone) for case in found]})  # fmt: skip
        return
    click.echo(render_plain(assistant.handle(assistant.request(user, "/cases"))))


def case_json(case: Case, zone: Any) -> dict[str, Any]:
    """A case in the CLI's JSON shape; the target in the user's zone with its offset."""
    return {
        "id": case.id, "owner": case.user_id, "customer": case.customer_name, "type": case.type,
        "priority": case.priority, "status": case.status, "description": case.description,
        "due": case.due.astimezone(zone).isoformat(), "resolution": case.resolution,
        "source_visit_id": case.source_visit_id,
    }  # fmt: skip
