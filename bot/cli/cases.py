"""`kam cases` and `kam eval kams`: thin commands over `crm.cases` and `crm.visits.evaluation`.

Register: `main.add_command(cases)` and, on the `eval` group, `evaluation.add_command(eval_kams)`.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from bot.cli.common import acting_user, evaluation_index, open_assistant, print_json, read_jsonl
from bot.terminal import render_plain
from crm.cases import Case
from crm.visits.evaluation import account_items_report, score_account_items
from crm.visits.parse import parse_note


@click.command("cases")
@click.option("--user", "user_id", type=int, default=0, show_default=True,
              help="Whose cases (a rep sees their own; an admin, and the local user 0, everyone's).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the open cases as JSON.")
def cases(user_id: int, as_json: bool) -> None:
    """List open after-sales cases, most urgent response target first."""
    assistant = open_assistant()
    user = acting_user(assistant, user_id)
    found = assistant.cases.list_open(user_id=user.owner_scope)
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


@click.command("kams")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--customers", "customers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Match against this customer file instead of the database's customers.")
@click.option("--json", "as_json", is_flag=True, help="Print per-note results and totals as JSON lines.")
def eval_kams(path: Path, customers_path: Path | None, as_json: bool) -> None:
    """Score the contract and case readers on a labelled JSONL file (contract event, end date, number; case type, priority)."""
    assistant = open_assistant()
    index = evaluation_index(assistant, customers_path)
    scores = []
    for _, item in read_jsonl(path):
        record = parse_note(str(item.get("text", "")), now=datetime.fromisoformat(item["now"]), customers=index,
                            default_reminder_time=assistant.notes.default_time)  # fmt: skip
        score = score_account_items(item, record)
        scores.append(score)
        if as_json:
            print_json(score)
            continue
        right = (score["contracts_detected"] == score["contract_end"] == score["contract_event"]
                 == score["contracts_expected"] and score["cases_detected"] == score["case_type"]
                 == score["case_priority"] == score["cases_expected"] and not score["contracts_extra"]
                 and not score["cases_extra"])  # fmt: skip
        if not right:
            click.echo(f"{score['id']}: expected {json.dumps(score['expected'], ensure_ascii=False)}")
            click.echo(f"    found {json.dumps(score['found'], ensure_ascii=False)}")
    report = account_items_report(scores)
    if as_json:
        print_json({"totals": report})
        return
    click.echo(f"{report.notes} notes, {report.contracts_expected} expected contract items, "
               f"{report.cases_expected} expected cases")  # fmt: skip
    for label, value, over in (
        ("contract detection", report.contract_detection, report.contracts_expected),
        ("contract event", report.contract_event, report.contracts_expected),
        ("contract end", report.contract_end, report.contracts_expected),
        ("contract number", report.contract_number, report.numbers_expected),
        ("case detection", report.case_detection, report.cases_expected),
        ("case type", report.case_type, report.cases_expected),
        ("case priority", report.case_priority, report.cases_expected),
    ):
        click.echo(f"  {label:<19} {round(value * over)}/{over} ({value:.0%})")
    click.echo(f"  false contracts {report.false_contracts}/{report.notes_without_contract} notes without one; "
               f"extra {report.contracts_extra}")  # fmt: skip
    click.echo(f"  false cases {report.false_cases}/{report.notes_without_case} notes without one; extra {report.cases_extra}")
