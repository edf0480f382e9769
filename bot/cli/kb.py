"""`kam kb …`: the knowledge base's content for the operator (`kam kb gaps`: what to write next)."""

from __future__ import annotations

import click

from bot.cli.common import open_assistant, print_json
from crm.knowledge_gaps import MAX_DAYS, REPORT_DAYS


@click.group("kb")
def kb() -> None:
    """The knowledge base's content: what is missing from it."""


@kb.command("gaps")
@click.option("--since", "days", type=click.IntRange(1, MAX_DAYS), default=REPORT_DAYS, show_default=True,
              metavar="DAYS", help="Look back this many days.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (with the ids of the reps who asked).")
def gaps(days: int, as_json: bool) -> None:
    """Questions refused or voted 👎 in the last DAYS days, grouped by similarity, most frequent first."""
    report = open_assistant().gaps.report(days=days)
    if as_json:
        print_json(report)
        return
    click.echo(f"{report.total} question(s) refused or voted down in the last {days} day(s), "
               f"{len(report.groups)} group(s):")  # fmt: skip
    for number, group in enumerate(report.groups, start=1):
        reps = ", ".join(str(user_id) for user_id in group.user_ids)
        click.echo(f"{number:>3}. {group.count}x ({group.refused} refused, {group.downvoted} down; "
                   f"reps {reps}) {group.representative}")  # fmt: skip
        for example in group.examples:
            click.echo(f"       · {example}")
