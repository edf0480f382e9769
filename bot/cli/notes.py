"""`kam note` and `kam eval notes`: thin commands over `crm.visits.recording` and `crm.visits.evaluation`.

Register: `main.add_command(note)` and, on the `eval` group, `evaluation.add_command(eval_notes)`.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from bot.assistant import Assistant
from bot.cli.common import (
    NOW_HELP,
    acting_user,
    ensure_sample_customers,
    evaluation_index,
    open_assistant,
    parse_now,
    print_json,
    read_jsonl,
)
from crm.cases import DEFAULT_CASE_TARGETS
from crm.language import replace_lone_surrogates
from crm.users import LOCAL_OPERATOR_ID, User
from crm.visits.evaluation import METRICS, aliases_of, score_note
from crm.visits.parse import parse_note
from crm.visits.recording import RecordedNote, record_json


@click.command("note")
@click.argument("text", required=False)
@click.option("--batch", "batch_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='A JSONL file of notes: {"id", "text", "now"} per line.')
@click.option("--now", "now_text", help=NOW_HELP)
@click.option("--user", "user_id", type=int, default=0, show_default=True,
              help="Whose note it is: an existing user (0: the local operator); never creates one.")
@click.option("--dry-run", is_flag=True, help="Parse only; store no note (an empty database still gets the sample customers, as `kam prepare` would).")
@click.option("--json", "as_json", is_flag=True, help="Print the structured note as JSON (one line per note).")
def note(text: str | None, batch_path: Path | None, now_text: str | None, user_id: int, dry_run: bool,
         as_json: bool) -> None:  # fmt: skip
    """Record a visit note: stored raw, parsed, and saved when its customer is certain.

    Without --dry-run the note is stored like one sent in chat; a note whose customer is unclear
    stays a draft to finish in the chat.
    """
    if (text is None) == (batch_path is None):
        raise click.UsageError("give either TEXT or --batch FILE")
    if text is not None and not text.strip():
        raise click.UsageError("the note is empty: give its text")
    assistant = open_assistant()
    ensure_sample_customers(assistant)  # a fresh install matches against the shipped sample customers
    user = _user(assistant, user_id, dry_run=dry_run)
    if batch_path is None:
        text = replace_lone_surrogates(str(text))  # undecodable argv bytes arrive as lone surrogates
        now = parse_now(now_text, user.zone)
        result = _record(assistant, text, now=now, user=user, dry_run=dry_run)
        _print(result, user=user, as_json=as_json, now=now, targets=assistant.settings.case_targets)
        return
    for line_number, item in read_jsonl(batch_path):
        if not str(item.get("text") or "").strip():
            raise click.ClickException(f"{batch_path}:{line_number}: no text")
        now = parse_now(item.get("now") or now_text, user.zone)
        result = _record(assistant, replace_lone_surrogates(str(item["text"])), now=now, user=user, dry_run=dry_run)
        _print(result, user=user, as_json=as_json, item_id=item.get("id", line_number), now=now,
               targets=assistant.settings.case_targets)


@click.command("notes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--customers", "customers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Match against this customer file instead of the database's customers.")
@click.option("--json", "as_json", is_flag=True, help="Print per-note results and totals as JSON lines.")
def eval_notes(path: Path, customers_path: Path | None, as_json: bool) -> None:
    """Score the note parser on a labelled JSONL file (customer, follow-ups, contacts, objection)."""
    assistant = open_assistant()
    index = evaluation_index(assistant, customers_path)
    aliases = aliases_of(index)
    results = []
    for _, item in read_jsonl(path):
        record = parse_note(str(item.get("text", "")), now=datetime.fromisoformat(item["now"]), customers=index,
                            default_reminder_time=assistant.notes.default_time)  # fmt: skip
        result = score_note(item, record, aliases=aliases)
        results.append(result)
        if as_json:
            print_json(result)
        else:
            marks = " ".join(f"{metric}={'ok' if result[metric] else 'MISS'}" for metric in METRICS)
            click.echo(f"{result['id']}: {marks}")
            if not all(result[metric] for metric in METRICS):
                click.echo(f"    found: {json.dumps(result['found'], ensure_ascii=False)}")
    count = len(results)
    totals = {metric: sum(1 for result in results if result[metric]) for metric in METRICS}
    all_right = sum(1 for result in results if all(result[metric] for metric in METRICS))
    if as_json:
        print_json({"totals": {"count": count, "all_correct": all_right, **totals}})
        return
    click.echo(f"{count} notes, {all_right} fully correct")
    for metric in METRICS:
        share = totals[metric] / count if count else 0.0
        click.echo(f"  {metric:<10} {totals[metric]}/{count} ({share:.0%})")


def _user(assistant: Assistant, user_id: int, *, dry_run: bool) -> User:
    """The note's author: the local operator (0) or an existing user; the CLI never creates one.

    A dry run writes nothing, not even the local operator's row.
    """
    if dry_run and user_id == LOCAL_OPERATOR_ID and assistant.users.find(user_id) is None:
        return User(id=user_id, name="local", role="admin", timezone=assistant.settings.timezone)
    return acting_user(assistant, user_id)


def _record(assistant: Assistant, text: str, *, now: datetime, user: User, dry_run: bool) -> RecordedNote:
    return assistant.notes.record(user.id, text, now=now, zone=user.zone, dry_run=dry_run)


def _print(result: RecordedNote, *, user: User, as_json: bool, item_id: Any = None, now: datetime | None = None,
           targets: str = DEFAULT_CASE_TARGETS) -> None:
    data = record_json(result.record, user.zone, now=now, targets=targets)
    if as_json:
        head = {"id": item_id} if item_id is not None else {}
        print_json({**head, **data, "raw_note_id": result.raw_note_id, "visit_id": result.visit_id})
        return
    prefix = f"[{item_id}] " if item_id is not None else ""
    record = result.record
    customer = data["customer"]["name"] if data["customer"] else f"? ({record.customer_status}: {record.customer_said})"
    click.echo(f"{prefix}{customer} · {data['visit_date']} · {record.summary}")
    for followup in data["followups"]:
        click.echo(f"    follow-up {followup['due']}  {followup['text']}")
    for opportunity in data["opportunities"]:
        money = f"{opportunity['amount']} {opportunity['currency'] or ''}".strip() if opportunity["amount"] else "amount ?"
        click.echo(f"    opportunity {opportunity['title']} · {money} · close {opportunity['expected_close'] or '?'}")
    for contract in data["contracts"]:
        click.echo(f"    contract {contract['event']} · {contract['number'] or 'no number'} · ends {contract['end'] or '?'}")
    for case in data["cases"]:
        click.echo(f"    case {case['type']} · {case['priority']} · due {case['due']} · {case['summary']}")
    for warning in record.warnings:  # 25点, a date the follow-up model doubted, a reminder moved to later today
        click.echo(f"    warning: {warning}")
    if result.visit_id is not None:
        click.echo(f"    saved as visit #{result.visit_id} (note #{result.raw_note_id})")
    elif result.raw_note_id is not None:
        click.echo(f"    kept as draft note #{result.raw_note_id}: confirm the customer in the chat")
