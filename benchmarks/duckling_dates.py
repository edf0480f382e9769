"""Turn a Duckling time corpus into a `kam eval dates` set: an outside check that no one here wrote.

Duckling (github.com/facebook/duckling, BSD licence) keeps its test phrases per language in
`Duckling/Time/<LANG>/Corpus.hs`, each group under one expected value and grain, all said at Tuesday
2013-02-12 04:30 (-02:00). This script keeps what a reminder can use: a single moment (`datetime`, or
`datetimeHoliday`) of grain Day, Hour or Minute, not before the reference time. Intervals, weeks, months,
years and past moments are left out. Day grain is scored by date only (`time: null`), Hour and Minute by date
and clock. The corpus is not copied into this repository: fetch it, then

    python benchmarks/duckling_dates.py EN_Corpus.hs en > /tmp/duckling_en.jsonl
    kam eval dates /tmp/duckling_en.jsonl            # ours
    kam eval dates /tmp/duckling_en.jsonl --library  # Recognizers-Text alone

Duckling's conventions are not all ours (tests/fixtures/dates/RULES.md): its "next Wednesday" said on a
Tuesday is the next day, its offsets in days keep the hour ("in 7 days" is 04:00), it converts zones ("4pm CET")
and reads bare past weekdays forward. Those count as misses here; docs/dates.md says which misses are which.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path

REFERENCE = datetime(2013, 2, 12, 4, 30)
NOW = "2013-02-12T04:30:00-02:00"
_GROUP = re.compile(
    r"examples\s*\((?P<kind>datetime|datetimeHoliday)\s*"
    r"\((?P<y>\d+),\s*(?P<mo>\d+),\s*(?P<d>\d+),\s*(?P<h>\d+),\s*(?P<mi>\d+),\s*\d+\)\s*(?P<grain>\w+)"
    r"(?:\s*\"[^\"]*\")?\)\s*\[(?P<body>.*?)\n\s*\]",
    re.DOTALL,
)
_PHRASE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def records(corpus: str, lang: str) -> list[dict]:
    """The corpus's single future moments of grain Day, Hour or Minute, as `kam eval dates` records."""
    found = []
    for group in _GROUP.finditer(corpus):
        grain = group["grain"]
        if grain not in ("Day", "Hour", "Minute"):
            continue
        when = datetime(*(int(group[key]) for key in ("y", "mo", "d", "h", "mi")))
        if (when.date() < REFERENCE.date()) if grain == "Day" else (when < REFERENCE):
            continue
        expect = {"date": when.date().isoformat(), "time": None if grain == "Day" else when.strftime("%H:%M")}
        for phrase in _PHRASE.findall(group["body"]):
            text = json.loads(f'"{phrase}"')  # Haskell's string escapes are JSON's for these corpora
            found.append({"id": f"duckling-{lang}-{len(found) + 1:03d}", "lang": lang,
                          "family": f"{lang}_{group['kind']}_{grain.lower()}", "now": NOW, "text": text,
                          "expect": expect})  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a Duckling Time Corpus.hs")
    parser.add_argument("lang", choices=["en", "zh"])
    args = parser.parse_args()
    for record in records(args.corpus.read_text(encoding="utf-8"), args.lang):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
