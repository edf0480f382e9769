"""`kam customers import|list` and `kam customer NAME`: thin commands over `crm.customers`.

Register on the main group: `main.add_command(customers)` and `main.add_command(customer)`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import acting_user, open_assistant, print_json
from bot.terminal import render_plain
from crm.customer_import import CustomerFileError


@click.group("customers")
def customers() -> None:
    """Customer records: import a CSV/XLSX file, list them."""


@customers.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_customers(path: Path, as_json: bool) -> None:
    """Import customers from PATH (.csv or .xlsx: name,industry,tier,city,notes[,aliases,owner,…]).

    Re-importing updates customers by name. Bad rows are reported by line number and skipped.
    """
    assistant = open_assistant()
    try:
        report = assistant.customers.import_file(path)
    except CustomerFileError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        print_json(report)
    else:
        for error in report.errors:
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"{report.created} created, {report.updated} updated, {len(report.errors)} bad row(s)")
    if report.errors and not report.imported:
        sys.exit(1)


@customers.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the customers as JSON.")
def list_customers(as_json: bool) -> None:
    """List every customer."""
    assistant = open_assistant()
    found = assistant.customers.all()
    if as_json:
        print_json(found)
        return
    for item in found:
        click.echo(" · ".join(part for part in (item.name, item.value_class, item.industry, item.city) if part))


@click.command("customer")
@click.argument("name")
@click.option("--user", "user_id", type=int, default=0, show_default=True,
              help="Answer as this existing user (a rep sees only their own visits); 0 is the local operator, an admin.")
@click.option("--json", "as_json", is_flag=True, help="Print the customer's card as JSON.")
def customer(name: str, user_id: int, as_json: bool) -> None:
    """Show a customer's card: value class, contacts, latest visits, open follow-ups, objections."""
    assistant = open_assistant()
    user = acting_user(assistant, user_id)
    found = assistant.customers.lookup(name)
    if found is None:
        raise click.ClickException(f"no customer matches {name!r}")
    if as_json:
        print_json(assistant.profiles.profile(found, user_id=user.owner_scope))
        return
    click.echo(render_plain(assistant.handle(assistant.request(user, f"/customer {found.name}"))))
