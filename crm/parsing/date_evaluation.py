"""Scoring scheduling phrases: a JSONL set (tests/fixtures/dates/RULES.md), ours against the raw library.

Ours is read through the entry point a reminder uses (`crm.followups.reading.find_due`), with the rep's
zone taken from `now`'s offset, so the figure is what a rep gets. The library is Recognizers-Text's
DateTimeRecognizer alone, on the same phrase and reference time, taking the first future moment it
resolves. Pure: no database, no settings.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from crm.followups.reading import InvalidDue, find_due
from crm.parsing.recognizers import CHINESE, ENGLISH, datetime_model

DEFAULT_TIME = time(9, 0)


@dataclass(frozen=True)
class Reading:
    """What a parser made of one phrase: nothing, an invalid phrase, or a day with maybe a time."""

    day: date | None = None
    clock: time | None = None
    invalid: str | None = None  # the words reported as impossible

    def as_json(self) -> dict[str, Any] | None:
        """The reading in the sets' `expect` shape."""
        if self.invalid is not None:
            return {"error": "invalid", "words": self.invalid}
        if self.day is None:
            return None
        return {"date": self.day.isoformat(), "time": self.clock.strftime("%H:%M") if self.clock else None}


@dataclass(frozen=True)
class Scored:
    """One phrase, what was expected, what was read, and whether it counts as right."""

    id: str
    family: str
    text: str
    expect: dict[str, Any] | None
    found: dict[str, Any] | None
    correct: bool


Reader = Callable[[str, datetime], Reading]


def load_set(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL set, skipping blank lines; ValueError names a line that is not JSON."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
    return records


def read_ours(text: str, now: datetime) -> Reading:
    """What a reminder would get: `find_due` in the zone of `now`'s offset."""
    zone = now.tzinfo
    assert zone is not None, "`now` must carry the rep's offset"
    try:
        found = find_due(text, now=now, zone=zone, default_time=DEFAULT_TIME)
    except InvalidDue as error:
        return Reading(invalid=error.words)
    if found is None:
        return Reading()
    return Reading(day=found.day, clock=found.clock)


_MOMENT = re.compile(r"^(?:(\d{4})-(\d{2})-(\d{2}))?\s*(?:(\d{2}):(\d{2})(?::(\d{2}))?)?$")


def read_library(text: str, now: datetime) -> Reading:
    """Recognizers-Text alone: the first future date or moment its datetime model resolves."""
    culture = CHINESE if re.search(r"[\u4e00-\u9fff]", text) else ENGLISH
    reference = now.replace(tzinfo=None, second=0, microsecond=0)
    try:
        results = datetime_model(culture).parse(text, reference)
    except Exception:  # noqa: BLE001 - the raw library crashing on a phrase is a miss, not a failed run
        return Reading()
    for result in results:
        for value in (getattr(result, "resolution", None) or {}).get("values") or []:
            moment = _library_moment(value, reference)
            if moment is not None:
                return moment
    return Reading()


def _library_moment(value: dict[str, Any], reference: datetime) -> Reading | None:
    kind = str(value.get("type", ""))
    if kind in ("duration", "set"):
        return None
    said = value.get("value") or value.get("start")
    match = _MOMENT.match(str(said or "").strip())
    if not said or not match or not any(match.groups()):
        return None
    year, month, day_number, hour, minute = match.group(1, 2, 3, 4, 5)
    clock = time(int(hour), int(minute)) if hour is not None and "time" in kind else None
    try:
        day = date(int(year), int(month), int(day_number)) if year else reference.date()
    except ValueError:
        return None
    if not year and clock is not None and clock <= reference.time():
        day += timedelta(days=1)  # a bare time: its next occurrence
    if day < reference.date() or (day == reference.date() and clock is not None and clock <= reference.time()):
        return None
    return Reading(day=day, clock=clock)


def is_correct(expect: dict[str, Any] | None, reading: Reading) -> bool:
    """RULES.md: the date must match, the time too when one is expected; null finds nothing; invalid says so."""
    if expect is None:
        return reading.day is None and reading.invalid is None
    if expect.get("error") == "invalid":
        return bool(reading.invalid)
    if reading.day is None or reading.day.isoformat() != expect.get("date"):
        return False
    expected_time = expect.get("time")
    return expected_time is None or (reading.clock is not None and reading.clock.strftime("%H:%M") == expected_time)


def score(records: Iterable[dict[str, Any]], reader: Reader = read_ours) -> list[Scored]:
    """Each record read by `reader` at its own `now` and checked against `expect`."""
    scored = []
    for record in records:
        reading = reader(str(record["text"]), datetime.fromisoformat(record["now"]))
        expect = record.get("expect")
        scored.append(Scored(id=str(record.get("id", "")), family=str(record.get("family", "")), text=str(record["text"]),
                             expect=expect, found=reading.as_json(), correct=is_correct(expect, reading)))  # fmt: skip
    return scored


def by_family(scored: Iterable[Scored]) -> dict[str, tuple[int, int]]:
    """(correct, total) per family, in first-seen order, with "all" last."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in scored:
        for key in (item.family, "all"):
            totals[key][0] += int(item.correct)
            totals[key][1] += 1
    ordered = {key: (value[0], value[1]) for key, value in totals.items() if key != "all"}
    if "all" in totals:
        ordered["all"] = (totals["all"][0], totals["all"][1])
    return ordered
