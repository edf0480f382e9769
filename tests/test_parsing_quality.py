"""The parser on the labelled notes: dev-set thresholds, held-out set reported (never tuned on)."""

import csv
import json
from pathlib import Path

import pytest

from crm.customer_import import read_customer_file
from crm.parsing.matching import CustomerIndex, CustomerRef
from crm.visits.evaluation import customers_from_rows, evaluate

FIXTURES = Path(__file__).parent / "fixtures"
DEV_THRESHOLDS = {"customer": 0.95, "followups": 0.90, "objection": 0.85, "contacts": 0.80}


@pytest.fixture(scope="module")
def index():
    with (FIXTURES / "customers.csv").open(encoding="utf-8") as handle:
        return CustomerIndex.build(customers_from_rows(csv.DictReader(handle)))


def load(name):
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.mark.quality
def test_dev_set_meets_the_targets(index):
    report = evaluate(load("notes_dev.jsonl"), index)
    print(f"\ndev ({report.count} notes): {report.accuracy}")
    for metric, threshold in DEV_THRESHOLDS.items():
        assert report.accuracy[metric] >= threshold, (metric, report.failures)


# Floors one note below the figures published in docs/benchmarks.md. The old set is no longer
# held-out (it was tuned on); v2 was scored once, fresh, on 2026-11-30, and read on 2026-12-07;
# v3 to v11 and v18 to v21 were read (in-sample); v12 to v17, v22 and v23 were never read.
OLD_SET_FLOORS = {"customer": 37 / 38, "followups": 37 / 38, "objection": 36 / 38, "contacts": 37 / 38}


def one_below(customer: int, followups: int, contacts: int, objection: int, notes: int = 44) -> dict[str, float]:
    """One note below each published figure."""
    return {"customer": (customer - 1) / notes, "followups": (followups - 1) / notes,
            "contacts": (contacts - 1) / notes, "objection": (objection - 1) / notes}  # fmt: skip


@pytest.mark.quality
@pytest.mark.parametrize(("name", "floors", "customers"), [
    ("notes_heldout.jsonl", OLD_SET_FLOORS, "customers.csv"),
    ("notes/visits_heldout_v2.jsonl", one_below(43, 44, 44, 43), None),
    ("notes/visits_heldout_v3.jsonl", one_below(44, 44, 44, 44), None),
    ("notes/visits_heldout_v4.jsonl", one_below(42, 43, 44, 44), None),
    ("notes/visits_heldout_v5.jsonl", one_below(44, 43, 44, 43), None),
    ("notes/visits_heldout_v6.jsonl", one_below(43, 43, 44, 41), None),
    ("notes/visits_heldout_v7.jsonl", one_below(43, 44, 43, 42), None),
    ("notes/visits_heldout_v8.jsonl", one_below(42, 44, 43, 43), None),
    ("notes/visits_heldout_v9.jsonl", one_below(42, 43, 44, 44), None),
    ("notes/visits_heldout_v10.jsonl", one_below(43, 44, 44, 44), None),
    ("notes/visits_heldout_v11.jsonl", one_below(41, 41, 43, 40), None),
    # v18 to v21 were written in the fifty-fifth pass to train on: read, in the learned parts' training
    ("notes/visits_heldout_v18.jsonl", one_below(44, 41, 39, 37), None),
    ("notes/visits_heldout_v19.jsonl", one_below(44, 42, 40, 38), None),
    ("notes/visits_heldout_v20.jsonl", one_below(44, 43, 41, 36), None),
    ("notes/visits_heldout_v21.jsonl", one_below(44, 40, 36, 40), None),
    # v12 to v17 were never read: their figures are the parser's on notes it was not tuned on (the
    # contact tagger's threshold was chosen on v12 and v13 totals, and confirmed on v14 and v15; the
    # follow-up model was chosen leaving one read set out, its v12 to v15 totals seen only afterwards)
    ("notes/visits_heldout_v12.jsonl", one_below(41, 38, 26, 38), None),
    ("notes/visits_heldout_v13.jsonl", one_below(42, 36, 31, 40), None),
    ("notes/visits_heldout_v14.jsonl", one_below(44, 42, 39, 41), None),
    ("notes/visits_heldout_v15.jsonl", one_below(41, 39, 35, 38), None),
    # v16 and v17 were written in the fifty-fourth pass: scored before the follow-up model (follow-ups 28
    # and 28), once after it was chosen, and once at the end of the fifty-fifth pass
    ("notes/visits_heldout_v16.jsonl", one_below(43, 35, 31, 36), None),
    ("notes/visits_heldout_v17.jsonl", one_below(44, 31, 36, 40), None),
    # v22 and v23 were written in the fifty-fifth pass and committed before the parser ran on them; scored
    # once with the code of the pass's start and once at its end
    ("notes/visits_heldout_v22.jsonl", one_below(44, 33, 32, 35), None),
    ("notes/visits_heldout_v23.jsonl", one_below(44, 28, 42, 35), None),
])  # fmt: skip
def test_the_other_note_sets_hold_their_published_figures(index, name, floors, customers):
    items = load(name)
    assert len(items) >= 30
    if customers is None:  # the sample customers, read as `kam eval notes --customers data/customers.csv` does
        parsed = read_customer_file(Path(__file__).resolve().parent.parent / "data" / "customers.csv")
        index = CustomerIndex.build(
            CustomerRef(id=line, name=row.name, aliases=row.aliases, value_class=row.value_class)
            for line, row in parsed.rows
        )
    report = evaluate(items, index)
    print(f"\n{name} ({report.count} notes): {report.accuracy}")
    for metric, floor in floors.items():
        assert report.accuracy[metric] >= floor - 1e-9, (metric, report.accuracy, [f["id"] for f in report.failures])


def test_score_note_counts_extra_followups_as_wrong(index):
    from datetime import datetime

    from crm.visits.evaluation import score_note
    from crm.visits.parse import parse_note

    item = {"id": "x", "now": "2026-11-18T10:00:00+08:00", "text": "华信科技王经理 明天再约 后天发方案",
            "expect": {"customer": "华信科技", "followups": [{"date": "2026-11-19"}], "contacts": ["王经理"],
                       "objection": False}}  # fmt: skip
    record = parse_note(item["text"], now=datetime.fromisoformat(item["now"]), customers=index)
    score = score_note(item, record)
    assert score["customer"] and score["contacts"] and score["objection"]
    assert not score["followups"]  # two follow-ups found, one expected
