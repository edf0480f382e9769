"""Wall-clock arithmetic for follow-ups: local times to UTC instants, and where a one-tap snooze lands."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

SnoozeChoice = Literal["1h", "tomorrow", "monday"]
SNOOZE_CHOICES: tuple[SnoozeChoice, ...] = ("1h", "tomorrow", "monday")


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a day in `zone` (DST-correct; a skipped time moves forward)."""
    # fold=0: an ambiguous time (autumn) is the first one; a skipped time (spring) lands after the gap.
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def day_in_window(now: datetime, zone: ZoneInfo, clock: time, catch_up: timedelta) -> date | None:
    """Today's local date in `zone` when `now` lies between `clock` that day and `catch_up` after it
    (a daily send time; a bot that was down is still on time within the catch-up), else None."""
    today = now.astimezone(zone).date()
    scheduled = at_local(today, clock, zone)
    return today if scheduled <= now <= scheduled + catch_up else None


def parse_clock(value: str) -> time:
    """'09:00' → time(9, 0)."""
    hour, _, minute = value.partition(":")
    return time(int(hour), int(minute or 0))


def snooze_target(choice: SnoozeChoice, *, now: datetime, zone: ZoneInfo, default_time: time) -> datetime:
    """When a one-tap snooze moves a reminder: in an hour, tomorrow at `default_time`, or next Monday."""
    if choice == "1h":
        return (now + timedelta(hours=1)).astimezone(UTC).replace(microsecond=0)
    today = now.astimezone(zone).date()
    if choice == "tomorrow":
        return at_local(today + timedelta(days=1), default_time, zone)
    if choice == "monday":
        return at_local(today + timedelta(days=7 - today.weekday()), default_time, zone)
    raise ValueError(f"unknown snooze choice {choice!r}")
