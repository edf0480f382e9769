"""`kam eval dates`: a thin command over `crm.parsing.date_evaluation`.

Register on the `eval` group: `evaluation.add_command(eval_dates)`.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from bot.cli.common import print_json
from crm.parsing.date_evaluation import by_family, load_set, read_library, read_ours, score


@click.command("dates")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print each phrase's result, then the per-family totals, as JSON lines."
)
@click.option("--library", is_flag=True, help="Score the raw Recognizers-Text library alone, not the product.")
def eval_dates(path: Path, as_json: bool, library: bool) -> None:
    """Score date reading on a JSONL set of scheduling phrases (tests/fixtures/dates/RULES.md)."""
    try:
        records = load_set(path)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    scored = score(records, read_library if library else read_ours)
    families = by_family(scored)
    if as_json:
        for item in scored:
            print_json(asdict(item))
        print_json({"reader": "library" if library else "ours", "families": {
            family: {"correct": correct, "total": total} for family, (correct, total) in families.items()}})  # fmt: skip
        return
    for item in scored:
        if not item.correct:
            click.echo(f"MISS {item.id}: {item.text}\n     expect {item.expect}  found {item.found}")
    click.echo(f"{'library' if library else 'ours'} on {path.name}:")
    for family, (correct, total) in families.items():
        click.echo(f"  {family:<18} {correct:>4}/{total:<4} {100 * correct / total:5.1f}%")
