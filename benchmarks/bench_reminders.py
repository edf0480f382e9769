"""Reminders at scale: start-up scheduling, sweeper passes, /followups latency, exactly-once under faults.

Part 1 (database scale, no network): 100k open follow-ups across 1k users in a file database (WAL).
  * start-up scheduling: `schedule_reminders` on a real PTB Application (recover leases, flag missed,
    arm alarms for the next sweeps' worth of reminders, add the sweeper and digest jobs);
  * a sweeper pass with nothing due (the steady state) and one that delivers 1,000 due reminders
    through a no-op sender (claims and outcome writes only);
  * `/followups` through the router for a user with 500 open items (p50/p95).
Part 2 (delivery): 1,000 due reminders sent by the real JobQueue sweeper through python-telegram-bot
  to the fake Bot API server, which fails a random share of sendMessage calls (429 with retry_after,
  500, 502, and slow answers past the read timeout). Counts messages per reminder: the goal is 1,000
  delivered and 0 duplicates.

Run: .venv/bin/python benchmarks/bench_reminders.py [--followups 100000] [--users 1000]
     [--deliveries 1000] [--fault-rate 0.2] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from telegram.ext import ApplicationBuilder

from bot.assistant import build_assistant
from bot.settings import Settings
from bot.telegram.jobs import RUNTIME_KEY, schedule_reminders
from crm.followups.reminders import ReminderService
from crm.store import Store, to_utc_iso
from crm.users import UserRepository
from skills.models import Reply
from tests.conftest import running_bot
from tests.fake_telegram import TOKEN, FakeTelegram, InjectedError

HEAVY_USER = 1  # the user with 500 open follow-ups


def settings_for(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir, "telegram_bot_token": TOKEN, "embedder": "hashing", "customers_file": None,
        "allowed_users": frozenset(range(1, 10_001)),
    }  # fmt: skip
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def populate(store: Store, *, users: int, followups: int, due_now: int, rng: random.Random) -> None:
    """Users in a few zones; follow-ups from two days overdue to a month ahead; `due_now` due right now."""
    now = datetime.now(UTC).replace(microsecond=0)
    zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Singapore"]
    stamp = to_utc_iso(now)
    with store.transaction() as db:
        db["users"].insert_all(
            ({"id": user_id, "name": f"rep{user_id}", "username": "", "role": "rep", "timezone": zones[user_id % 4],
              "active": 1, "registered_via": "allowlist", "created_at": stamp, "updated_at": stamp}
             for user_id in range(1, users + 1)),
            batch_size=1000,
        )  # fmt: skip
        rows = []
        for index in range(followups):
            if index < 500:
                user_id = HEAVY_USER
            else:
                user_id = rng.randint(2, users)
            if index >= followups - due_now:
                due, state = now - timedelta(seconds=rng.randint(0, 60)), "pending"
            else:
                due = now + timedelta(minutes=rng.randint(5, 60 * 24 * 30))
                state = "pending"
                if rng.random() < 0.3:  # older ones already reminded (and still open)
                    due, state = now - timedelta(minutes=rng.randint(60, 60 * 48)), "sent"
            rows.append({"user_id": user_id, "text": f"跟进事项 {index}", "due_utc": to_utc_iso(due),
                         "status": "open", "reminder_state": state, "attempts": 0, "snooze_count": 0,
                         "created_at": stamp, "updated_at": stamp})  # fmt: skip
        db["followups"].insert_all(rows, batch_size=5000)


async def database_scale(args: argparse.Namespace) -> dict[str, object]:
    rng = random.Random(args.seed)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(Path(tmp))
        store = Store.open(settings.database_path)
        started = time.perf_counter()
        populate(store, users=args.users, followups=args.followups, due_now=1000, rng=rng)
        results["populate_s"] = time.perf_counter() - started
        # push ~200 reminders into the next minute so start-up has alarms to arm
        store.db.execute(
            "update followups set due_utc = ? where id in (select id from followups where reminder_state = 'pending'"
            " and due_utc > ? order by random() limit 200)",
            [to_utc_iso(datetime.now(UTC) + timedelta(seconds=30)), to_utc_iso(datetime.now(UTC))],
        )

        application = ApplicationBuilder().token(TOKEN).build()
        application.bot_data["assistant"] = SimpleNamespace(settings=settings, store=store)
        started = time.perf_counter()
        runtime = schedule_reminders(application)
        results["startup_schedule_ms"] = (time.perf_counter() - started) * 1000
        assert runtime is not None and application.job_queue is not None
        results["alarms_armed"] = runtime.alarms_armed

        service = ReminderService(store)

        async def no_op(chat_id: int, reply: Reply) -> None:
            return None

        started = time.perf_counter()
        report = await service.sweep(no_op)  # 1,000 due (batch 500): the first pass
        first_pass = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        report2 = await service.sweep(no_op)
        second_pass = (time.perf_counter() - started) * 1000
        idle = []
        for _ in range(20):
            started = time.perf_counter()
            await service.sweep(no_op)
            idle.append((time.perf_counter() - started) * 1000)
        results["sweep_500_due_ms"] = first_pass
        results["sweep_500_due_2_ms"] = second_pass
        results["sweep_delivered"] = report.due + report2.due
        results["sweep_idle_ms_median"] = statistics.median(idle)

        assistant = build_assistant(settings, store=store)
        user = UserRepository(store).get(HEAVY_USER)
        open_count = store.db.execute(
            "select count(*) from followups where user_id = ? and status = 'open'", [HEAVY_USER]).fetchone()[0]
        timings = []
        for _ in range(args.repeats):
            request = assistant.request(user, "/followups")
            started = time.perf_counter()
            reply = assistant.handle(request)
            timings.append((time.perf_counter() - started) * 1000)
        assert "📋" in reply.text
        ordered = sorted(timings)
        results["followups_open_items"] = open_count
        results["followups_ms_p50"] = statistics.median(timings)
        results["followups_ms_p95"] = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        store.close()
    return results


class FaultyTelegram(FakeTelegram):
    """The fake Bot API, failing a random share of sendMessage calls."""

    def __init__(self, *, fault_rate: float, slow_seconds: float, seed: int):
        super().__init__()
        self.fault_rate = fault_rate
        self.slow_seconds = slow_seconds
        self.rng = random.Random(seed)
        self.injected: Counter[str] = Counter()

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info.get("method") == "sendMessage" and self.rng.random() < self.fault_rate:
            kind = self.rng.choice(["429", "500", "502", "slow"])
            self.injected[kind] += 1
            if kind == "slow":
                request["slow"] = True
            elif kind == "429":
                self.errors.setdefault("sendMessage", []).insert(0, InjectedError(429, "Too Many Requests: retry after 1", 1))
            else:
                self.errors.setdefault("sendMessage", []).insert(0, InjectedError(int(kind), "Internal Server Error"))
        return await super()._handle_method(request)

    async def _params(self, request: web.Request) -> dict:
        params = await super()._params(request)
        if request.get("slow"):  # Telegram has the request and answers after the client's read timeout
            await asyncio.sleep(self.slow_seconds)
        return params


async def delivery_under_faults(args: argparse.Namespace) -> dict[str, object]:
    server = FaultyTelegram(fault_rate=args.fault_rate, slow_seconds=1.5, seed=args.seed)
    await server.start()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(
            Path(tmp), telegram_base_url=server.base_url, telegram_base_file_url=server.base_file_url,
            sweep_seconds=0.5, reminder_retry_seconds=0.5, reminder_read_timeout=1.0,
            digest_time=(datetime.now(UTC) + timedelta(hours=12)).strftime("%H:%M"),
            timezone="UTC",
        )  # fmt: skip
        store = Store.open(settings.database_path)
        rng = random.Random(args.seed)
        populate(store, users=100, followups=args.deliveries, due_now=args.deliveries, rng=rng)
        ids = [row[0] for row in store.db.execute("select id from followups").fetchall()]
        store.close()
        assistant = build_assistant(settings)
        started = time.perf_counter()
        try:
            async with running_bot(assistant) as application:
                runtime = application.bot_data[RUNTIME_KEY]
                deadline = time.monotonic() + args.timeout
                while time.monotonic() < deadline:
                    left = assistant.store.db.execute(
                        "select count(*) from followups where reminder_state <> 'sent'").fetchone()[0]
                    if left == 0:
                        break
                    await asyncio.sleep(0.5)
                elapsed = time.perf_counter() - started
                target = runtime.sweeps + 4
                while runtime.sweeps < target:  # a few more passes: nothing may be sent twice
                    await asyncio.sleep(0.1)
                await asyncio.sleep(args.slow_grace)
            states = Counter(row[0] for row in assistant.store.db.execute("select reminder_state from followups"))
            uncertain = assistant.store.db.execute(
                "select count(*) from followups where last_error like 'delivery uncertain%'").fetchone()[0]
        finally:
            assistant.store.close()
            await server.stop()
    per_reminder: Counter[int] = Counter()
    marker = re.compile(r"（#(\d+)）")
    for call in server.sent("sendMessage"):
        match = marker.search(str(call.params.get("text", "")))
        if match:
            per_reminder[int(match.group(1))] += 1
    attempts = Counter(call.status for call in server.calls if call.method == "sendMessage")
    results.update(
        reminders=len(ids),
        delivered=sum(1 for followup_id in ids if per_reminder[followup_id] >= 1),
        duplicates=sum(count - 1 for count in per_reminder.values() if count > 1),
        missing=sum(1 for followup_id in ids if per_reminder[followup_id] == 0),
        injected=dict(server.injected),
        http_statuses=dict(attempts),
        final_states=dict(states),
        counted_uncertain=uncertain,
        seconds_to_all_sent=round(elapsed, 1),
    )  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followups", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--slow-grace", type=float, default=2.0)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-delivery", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # injected faults make the bot log warnings by design
    if not args.skip_scale:
        scale = asyncio.run(database_scale(args))
        print(f"database scale: {args.followups} open follow-ups, {args.users} users")
        for key, value in scale.items():
            print(f"  {key}: {value:.1f}" if isinstance(value, float) else f"  {key}: {value}")
    if not args.skip_delivery:
        delivery = asyncio.run(delivery_under_faults(args))
        print(f"delivery: {args.deliveries} due reminders, fault rate {args.fault_rate}")
        for key, value in delivery.items():
            print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
