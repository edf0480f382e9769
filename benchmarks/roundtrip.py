"""Round-trip time of a message through the real PTB stack and the fake Bot API server.

Pushes N messages one at a time (user → getUpdates → router → skill → sendMessage) and reports the
median and p95 from the moment the update is queued to the moment the reply reaches the server.
Run: .venv/bin/python benchmarks/roundtrip.py [--n 50] [--text /help]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.assistant import build_assistant  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.conftest import REP_ID, running_bot  # noqa: E402
from tests.fake_telegram import TOKEN, FakeTelegram  # noqa: E402


async def measure(count: int, text: str) -> list[float]:
    server = FakeTelegram()
    await server.start()
    durations = []
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(_env_file=None, data_dir=Path(data_dir), telegram_bot_token=TOKEN,  # type: ignore[call-arg]
                            telegram_base_url=server.base_url, telegram_base_file_url=server.base_file_url,
                            allowed_users=frozenset({REP_ID}), embedder="hashing", customers_file=None)
        assistant = build_assistant(settings)
        try:
            async with running_bot(assistant):
                for _ in range(count):
                    mark = server.mark()
                    started = time.perf_counter()
                    server.send_text(REP_ID, text)
                    await server.wait_for("sendMessage", after=mark)
                    durations.append((time.perf_counter() - started) * 1000)
        finally:
            assistant.store.close()
            await server.stop()
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--text", default="/help")
    args = parser.parse_args()
    durations = asyncio.run(measure(args.n, args.text))
    ordered = sorted(durations)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    print(f"messages: {len(durations)}  text: {args.text!r}")
    print(f"round trip ms: median {statistics.median(durations):.1f}  p95 {p95:.1f}  "
          f"min {ordered[0]:.1f}  max {ordered[-1]:.1f}")


if __name__ == "__main__":
    main()
