"""The labelled visit notes the parser's learned parts are fitted on, and the customers they name.

Shared by `fit_contact_tagger.py` and `fit_followup_model.py`. The training sets are the notes that
were read while the rules were written (to v11) and four sets written to be trained on (v18 to v21);
the sets never read (v12 to v17, v22 and v23) are not in it: they judge the models and the rules
together through `kam eval notes`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm.customer_import import read_customer_file  # noqa: E402
from crm.parsing.matching import CustomerIndex, CustomerRef  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
TRAINING = [
    FIXTURES / "notes_dev.jsonl",
    FIXTURES / "notes_heldout.jsonl",
    *(FIXTURES / "notes" / f"visits_heldout_v{number}.jsonl" for number in [*range(2, 12), *range(18, 22)]),
]


def training_notes() -> dict[str, list[dict]]:
    """Each training set's labelled notes, by file name."""
    return {
        path.name: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for path in TRAINING
    }


def sample_customers() -> CustomerIndex:
    """The sample customers, read as `kam eval notes --customers data/customers.csv` reads them."""
    parsed = read_customer_file(ROOT / "data" / "customers.csv")
    return CustomerIndex.build(
        CustomerRef(id=line, name=row.name, aliases=row.aliases, value_class=row.value_class)
        for line, row in parsed.rows
    )
