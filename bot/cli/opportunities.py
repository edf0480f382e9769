"""`kam opps` and `kam eval opps`: thin commands over `crm.opportunities` and `crm.visits.evaluation`.

Register: `main.add_command(opps)` and, on the `eval` group, `evaluation.add_command(eval_opps)`.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from bot.cli.common import acting_user, evaluation_index, open_assistant, print_json, read_jsonl
from bot.terminal import render_plain
from crm.opportunities import Opportunity, PipelineSummary
from crm.visits.evaluation import OPPORTUNITY_FIELDS, opportunity_report, score_opportunities
from crm.visits.parse import parse_note


@click.command("opps")
@click.option("--user", "user_id", type=int, default=0, show_default=True,
              help="Whose pipeline (a rep sees their own; an admin, and the local user 0, everyone's).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the pipeline as JSON.")
def opps(user_id: int, as_json: bool) -> None:
    """Show open opportunities by stage with counts, amounts and the weighted total."""
    assistant = open_assistant()
    user = acting_user(assistant, user_id)
    summary = assistant.opportunities.summary(user_id=user.owner_scope)
    if as_json:
        print_json(pipeline_json(summary, user_id=user.id, everyone=user.is_admin))
        return
    click.echo(render_plain(assistant.handle(assistant.request(user, "/opps"))))


def pipeline_json(summary: PipelineSummary, *, user_id: int, everyone: bool) -> dict[str, Any]:
    """The pipeline in the CLI's JSON shape: amounts as decimal strings, per currency."""
    return {
        "user": user_id,
        "scope": "all" if everyone else "own",
        "count": summary.count,
        "stages": [
            {"stage": total.stage, "count": total.count, "amounts": _money(total.amounts),
             "weighted": _money(total.weighted)}
            for total in summary.stages
        ],  # fmt: skip
        "amounts": _money(summary.amounts),
        "weighted": _money(summary.weighted),
        "opportunities": [_opportunity_json(o) for o in summary.opportunities],
    }


def _opportunity_json(opportunity: Opportunity) -> dict[str, Any]:
    return {
        "id": opportunity.id, "owner": opportunity.user_id, "customer": opportunity.customer_name,
        "title": opportunity.title, "amount": _decimal(opportunity.amount), "currency": opportunity.currency,
        "stage": opportunity.stage, "probability": opportunity.probability,
        "weighted": _decimal(opportunity.weighted),
        "expected_close": opportunity.expected_close.isoformat() if opportunity.expected_close else None,
        "source_visit_id": opportunity.source_visit_id, "next_step": opportunity.next_step,
        "lost_reason": opportunity.lost_reason,
    }  # fmt: skip


def _money(amounts: dict) -> dict[str, str]:
    return {currency or "none": _decimal(value) for currency, value in sorted(amounts.items())}  # type: ignore[misc]


def _decimal(value: Any) -> str | None:
    if value is None:
        return None
    return f"{value.normalize():f}" if value != value.to_integral_value() else f"{value.quantize(1):f}"


@click.command("opps")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--customers", "customers_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Match against this customer file instead of the database's customers.")
@click.option("--json", "as_json", is_flag=True, help="Print per-note results and totals as JSON lines.")
def eval_opps(path: Path, customers_path: Path | None, as_json: bool) -> None:
    """Score the opportunity reader on a labelled JSONL file (detection, amount, currency, close month, false ones)."""
    assistant = open_assistant()
    index = evaluation_index(assistant, customers_path)
    scores = []
    for _, item in read_jsonl(path):
        record = parse_note(str(item.get("text", "")), now=datetime.fromisoformat(item["now"]), customers=index,
                            default_reminder_time=assistant.notes.default_time)  # fmt: skip
        score = score_opportunities(item, record)
        scores.append(score)
        if as_json:
            print_json(score)
            continue
        right = score["detected"] == score["expected"] and not score["extra"] and all(
            score[field] == score["expected"] for field in OPPORTUNITY_FIELDS
        )
        if not right:
            click.echo(f"{score['id']}: expected {json.dumps(score['expected_items'], ensure_ascii=False)}")
            click.echo(f"    found {json.dumps(score['found'], ensure_ascii=False)}")
    report = opportunity_report(scores)
    if as_json:
        print_json({"totals": report})
        return
    click.echo(f"{report.notes} notes, {report.expected} expected opportunities")
    for name in ("detection", "amount", "currency", "close_month", "stage"):
        value = getattr(report, name)
        click.echo(f"  {name:<12} {round(value * report.expected)}/{report.expected} ({value:.0%})")
    click.echo(f"  false opportunities {report.false_opportunities}/{report.notes_without} notes without one "
               f"({report.false_opportunity_rate:.0%}); extra proposals {report.extra}")  # fmt: skip
