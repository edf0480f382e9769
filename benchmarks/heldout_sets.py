"""Write new held-out question sets blind: a workspace for the writers and the checker they run.

    python benchmarks/heldout_sets.py workspace /tmp/heldout      # the playbook, the rules, the brief, an empty sets/
    python benchmarks/heldout_sets.py check /tmp/heldout/sets/near_domain_heldout_v103.jsonl

A writer (a helper session) gets the workspace's `brief.md` and a set number and reads nothing else: the playbook
with its HTML comments stripped (they hold the playbook's example questions), this folder's fixtures README from
"## Line format" on (`rules.md`) and the brief (`benchmarks/heldout_brief.md`, with the workspace's paths). The
checker names problems with the writer's own items only – format, counts, expect strings that do not occur in the
playbook, a question too close (difflib ratio ≥ 0.55) to any earlier question, to the playbook's example questions or
to another set in the workspace – and never prints another set's question. `tests/fixtures/kb/README.md` tells how
the sets were written and scored.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.chunking import chunk_document  # noqa: E402
from knowledge.loaders import load_document  # noqa: E402

PLAYBOOK = ROOT / "data" / "knowledge"
FIXTURES = ROOT / "tests" / "fixtures"
BRIEF = Path(__file__).with_name("heldout_brief.md")
COUNTS = {"situation": 26, "objection": 5, "fact": 5, "not_stated": 14}
LANGUAGES = {"zh": 30, "en": 20}
TOO_CLOSE = 0.55
COMMENT = re.compile(r"<!--(.*?)-->", flags=re.S)


def write_workspace(workspace: Path) -> None:
    """The playbook without its comments, the rules, the brief with this workspace's paths, and an empty sets/."""
    (workspace / "playbook").mkdir(parents=True, exist_ok=True)
    (workspace / "sets").mkdir(exist_ok=True)
    for path in sorted(PLAYBOOK.glob("*.md")):
        (workspace / "playbook" / path.name).write_text(COMMENT.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
    readme = (FIXTURES / "kb" / "README.md").read_text(encoding="utf-8")
    (workspace / "rules.md").write_text(readme[readme.index("## Line format") :], encoding="utf-8")
    checker = f"python3 {Path(__file__).resolve()} check"
    brief = BRIEF.read_text(encoding="utf-8").replace("{workspace}", str(workspace)).replace("{checker}", checker)
    (workspace / "brief.md").write_text(brief, encoding="utf-8")


def problems_of(items: list[dict], number: str, playbook: dict[str, str]) -> list[str]:
    """What breaks the brief's rules in a set's items (ids, kinds, languages, expect strings, nearest files)."""
    text = "\n".join(playbook.values())
    problems = []
    for position, item in enumerate(items, 1):
        name = item.get("id")
        if name != f"nd{number}-{position:02d}":
            problems.append(f"item {position}: id should be nd{number}-{position:02d}")
        if item.get("lang") not in LANGUAGES:
            problems.append(f"{name}: lang must be one of {', '.join(LANGUAGES)}")
        kind = item.get("kind")
        if kind == "not_stated":
            if item.get("unanswerable") is not True or item.get("expect") != []:
                problems.append(f"{name}: not_stated needs expect [] and unanswerable true")
            if item.get("nearest") not in playbook:
                problems.append(f"{name}: nearest must be a playbook file name")
        elif kind in COUNTS:
            if item.get("unanswerable"):
                problems.append(f"{name}: answerable item marked unanswerable")
            groups = item.get("expect") or []
            if not groups:
                problems.append(f"{name}: no expect groups")
            for group in groups:
                if not any(alternative in text for alternative in group):
                    problems.append(f"{name}: no alternative of {group} occurs verbatim in the playbook")
                problems += [f"{name}: single-character alternative {a!r}" for a in group if len(a) < 2]
        else:
            problems.append(f"{name}: kind {kind!r}")
    kinds = {kind: sum(item.get("kind") == kind for item in items) for kind in COUNTS}
    languages = {language: sum(item.get("lang") == language for item in items) for language in LANGUAGES}
    if kinds != COUNTS:
        problems.append(f"need {COUNTS}, found {kinds}")
    if languages != LANGUAGES:
        problems.append(f"need {LANGUAGES}, found {languages}")
    nearest = [item.get("nearest") for item in items if item.get("kind") == "not_stated"]
    if len(set(nearest)) != len(nearest):
        problems.append("the nearest files of the not_stated items must all differ")
    return problems


def closest(question: str, pool: list[str]) -> float:
    """The highest difflib ratio of the question to any in the pool."""
    best = 0.0
    for other in pool:
        matcher = difflib.SequenceMatcher(None, question, other, autojunk=False)
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
    return best


def earlier_questions(path: Path) -> list[str]:
    """Every question of the fixtures and of the other sets beside this one."""
    files = [*FIXTURES.glob("kb/*.jsonl"), *FIXTURES.glob("*.jsonl"), *path.parent.glob("*.jsonl")]
    questions = []
    for file in files:
        if file.resolve() == path.resolve():
            continue
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line).get("q", ""))
    return questions


def check(path: Path) -> bool:
    """Print the set's problems (or OK) and its highest similarity ratios; True when it passes."""
    playbook = {file.name: file.read_text(encoding="utf-8") for file in PLAYBOOK.glob("*.md")}
    items, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as error:
                problems.append(f"line {number}: not JSON ({error})")
    found = re.search(r"v(\d+)", path.name)
    problems += problems_of(items, found.group(1) if found else "?", playbook)
    earlier = earlier_questions(path)
    examples = [  # the questions written beside the playbook's sections, read as the index reads them
        question
        for file in sorted(PLAYBOOK.glob("*.md"))
        for chunk in chunk_document(load_document(file))
        for question in chunk.questions
    ]
    highest = [0.0, 0.0]
    for item in items:
        ratios = closest(item.get("q", ""), earlier), closest(item.get("q", ""), examples)
        highest = [max(a, b) for a, b in zip(highest, ratios, strict=True)]
        if max(ratios) >= TOO_CLOSE:
            problems.append(f"{item.get('id')}: too close to an existing question (ratio {max(ratios):.3f}); rewrite it")
    print(f"items {len(items)}")
    print(
        f"highest ratio to earlier questions {highest[0]:.3f}, to the playbook's example questions {highest[1]:.3f} "
        f"({len(earlier)} and {len(examples)} compared)"
    )
    print("PROBLEMS:" if problems else "OK")
    for problem in problems:
        print("  ", problem)
    return not problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("workspace", help="write a workspace for the writers").add_argument("directory", type=Path)
    commands.add_parser("check", help="check a new set").add_argument("file", type=Path)
    args = parser.parse_args()
    if args.command == "workspace":
        write_workspace(args.directory.resolve())
        print(f"brief: {args.directory.resolve() / 'brief.md'}")
    else:
        sys.exit(0 if check(args.file) else 1)


if __name__ == "__main__":
    main()
