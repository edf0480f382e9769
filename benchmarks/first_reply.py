"""Seconds from a fresh clone's `kam prepare --background-index` to the first replies of `kam chat`.

    python benchmarks/first_reply.py --data-dir /tmp/fresh15

With no index, `kam prepare --background-index` only loads the sample customers; `kam chat` then builds
the index in a background thread. Timed from the moment `kam prepare` starts: its end, the first reply
(`/help`) and the reply to a playbook question (which says how far the build is).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KAM = Path(sys.executable).with_name("kam")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    shutil.rmtree(args.data_dir, ignore_errors=True)
    env = {**os.environ, "KAM_DATA_DIR": str(args.data_dir), "KAM_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    subprocess.run([str(KAM), "prepare", "--background-index"], env=env, check=True, cwd=ROOT, capture_output=True)
    prepared = time.perf_counter() - started
    chat = subprocess.Popen([str(KAM), "chat"], env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, bufsize=1)
    assert chat.stdin is not None and chat.stdout is not None
    marks = {}
    for name, line, expect in (("/help", "/help", "/note"), ("playbook question", "客户嫌价格太高怎么办", "知识库正在建立")):
        chat.stdin.write(line + "\n")
        chat.stdin.flush()
        while True:
            text = chat.stdout.readline()
            if expect in text:
                break
        marks[name] = (time.perf_counter() - started, text.strip())
    chat.stdin.close()
    chat.wait(timeout=120)
    print(f"kam prepare --background-index: {prepared:.1f} s")
    for name, (seconds, first_line) in marks.items():
        print(f"first reply to {name}: {seconds:.1f} s after the start ({first_line[:60]})")


if __name__ == "__main__":
    main()
