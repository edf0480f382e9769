"""`kam contracts import|list`: thin commands over `crm.contracts`.

Register on the main group: `main.add_command(contracts)`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from bot.cli.common import acting_user, open_assistant, print_json
from crm.contracts import Contract, ContractRepository
from crm.customer_import import CustomerFileError


@click.group("contracts")
def contracts() -> None:
    """Contracts with customers and their renewal reminders: import a CSV/XLSX file, list them."""


@contracts.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_contracts(path: Path, as_json: bool) -> None:
    """Import contracts from PATH (.csv or .xlsx: number,customer,title,start,end,amount,currency,auto_renew,notice_days,owner).

    Re-importing updates contracts by number. The owner is the row's owner column, else the
    customer's owner. Bad rows are reported by line number and skipped; renewal reminders are
    created for the good ones (once: importing again adds none).
    """
    assistant = open_assistant()
    try:
        report = assistant.contracts.import_file(path, assistant.customers)
    except CustomerFileError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        print_json(report)
    else:
        for error in report.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"{report.created} created, {report.updated} updated, {len(report.errors)} bad row(s), "
                   f"{report.reminders} pending renewal reminder(s)")  # fmt: skip
    if report.errors and not report.imported:
        sys.exit(1)


@contracts.command("list")
@click.option("--user", "user_id", type=int, default=0, show_default=True,
              help="Whose contracts (a rep sees their own; an admin, and the local user 0, everyone's).")  # fmt: skip
@click.option("--closed", "include_closed", is_flag=True, help="Include closed contracts.")
@click.option("--json", "as_json", is_flag=True, help="Print the contracts as JSON.")
def list_contracts(user_id: int, include_closed: bool, as_json: bool) -> None:
    """List contracts, soonest end first, each with its pending renewal reminders."""
    assistant = open_assistant()
    user = acting_user(assistant, user_id)
    found = assistant.contracts.list(user_id=user.owner_scope, include_closed=include_closed)
    items = [contract_json(contract, assistant.contracts) for contract in found]
    if as_json:
        print_json({"user": user.id, "scope": "all" if user.is_admin else "own", "contracts": items})
        return
    if not items:
        click.echo("no contracts")
    for item in items:
        due = ", ".join(f"{r['due'][:10]} {r['kind']}" for r in item["reminders"]) or "no pending reminders"
        click.echo(f"{item['number'] or '#' + str(item['id'])} · {item['customer']} · ends {item['end'] or '?'} · "
                   f"{item['status']} · {due}")  # fmt: skip


def contract_json(contract: Contract, repository: ContractRepository) -> dict[str, Any]:
    """A contract in the CLI's JSON shape, with its pending reminders (due as ISO 8601 UTC)."""
    return {
        "id": contract.id, "owner": contract.user_id, "customer": contract.customer_name, "number": contract.number,
        "title": contract.title, "start": _day(contract.start), "end": _day(contract.end),
        "amount": f"{contract.amount:f}" if contract.amount is not None else None, "currency": contract.currency,
        "auto_renew": contract.auto_renew, "notice_days": contract.notice_days, "status": contract.status,
        "reminders": [{"due": reminder.due.isoformat(), "kind": reminder.kind}
                      for reminder in repository.pending_reminders(contract.id)],
    }  # fmt: skip


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None
