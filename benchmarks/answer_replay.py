"""Score changes to the answer rules in seconds: record what the answer step was given once, replay it.

Most of an answer's time goes to searching (embedding the question, the hybrid search, the ranker, the learned
models); `knowledge.answer.compose_answer`, which picks the passage and checks that the asked fact is stated,
costs little. `record` runs every question of the sets through `KnowledgeBase.answer` once, as `kam eval kb`
does, and keeps the arguments compose_answer got; `grid` runs compose_answer again on them for each variant of
the rules and scores the answers as `kam eval kb` does (`knowledge.evaluation.score_item`).

    KAM_DATA_DIR=/tmp/kb python benchmarks/answer_replay.py record /tmp/answers.pkl tests/fixtures/kb/*.jsonl
    KAM_DATA_DIR=/tmp/kb python benchmarks/answer_replay.py grid /tmp/answers.pkl             # the dev sets
    KAM_DATA_DIR=/tmp/kb python benchmarks/answer_replay.py grid /tmp/answers.pkl --held-out  # and the others

The variants `grid` scores (the forty-seventh pass, docs/benchmarks-knowledge.md):
- the topic shares of `knowledge.facts.states_fact` (TOPIC_SHARE, UNIT_TOPIC_SHARE): how much of the question's
  topic a sentence holding a value must mention;
- "vouched": a passage also states the fact when its sentence passes with the section's own example questions of
  the same kind (`<!-- questions: -->`, which the playbook's authors wrote as questions the section answers) read
  beside its heading.
A recording holds the playbook's passages: it is only valid for the index it was made on.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fit_value_asks import VALUE_ASK_SETS  # noqa: E402  (the dev sets)
from bot.cli.knowledge import open_knowledge_base  # noqa: E402
from bot.settings import Settings  # noqa: E402
from knowledge import answer as answering  # noqa: E402
from knowledge import facts, load_items  # noqa: E402
from knowledge.documents import Answer  # noqa: E402
from knowledge.evaluation import score_item  # noqa: E402

DEV = {path.name for path in VALUE_ASK_SETS}  # every other near-domain set is held out (v58 onwards)
PROBES = {"off_topic_probe.jsonl"}  # scored apart: not near-domain


def record(kb, paths: list[Path]) -> dict:
    """Every item of the sets with the arguments compose_answer got for it (None: no passage was searched)."""
    recorded = []
    with mock.patch("knowledge.base.compose_answer", wraps=answering.compose_answer) as composer:
        for path in paths:
            for item in load_items(path):
                composer.reset_mock()
                kb.answer(item.q)
                call = composer.call_args
                recorded.append((path.name, item, None if call is None else (call.args[0], call.args[1], call.kwargs)))
    return {"items": recorded}


def replay(kb, recording: dict) -> dict[str, tuple[str, bool, bool]]:
    """Per item id: its set, whether it is unanswerable and whether the replayed answer passes."""
    scores = {}
    for name, item, call in recording["items"]:
        if call is None:
            answer = Answer(answered=False)
        else:
            query, hits, options = call
            answer = answering.compose_answer(query, hits, kb.index, kb.tokenizer, **options)
        scores[item.id] = (name, item.unanswerable, bool(score_item(item, answer)))
    return scores


def totals(scores: dict[str, tuple[str, bool, bool]], sets: Callable[[str], bool]) -> tuple[int, int, int, int]:
    """(answerable passed, answerable, unanswerable refused, unanswerable) over the sets `sets` accepts."""
    counts = [0, 0, 0, 0]
    for name, unanswerable, passed in scores.values():
        if sets(name):
            counts[2 * unanswerable] += passed
            counts[2 * unanswerable + 1] += 1
    return counts[0], counts[1], counts[2], counts[3]


@contextmanager
def topic_shares(share: float, unit_share: float) -> Iterator[None]:
    with mock.patch.object(facts, "TOPIC_SHARE", share), mock.patch.object(facts, "UNIT_TOPIC_SHARE", unit_share):
        yield


@contextmanager
def vouched_by_example_questions(kb) -> Iterator[None]:
    """A passage states the fact also when a sentence passes with the section's example questions of the asked
    kind read beside its heading."""
    by_text = {chunk.text: chunk for chunk in kb.index.chunks}
    states = facts.states_fact
    same_kind: dict[tuple[str, str], str] = {}

    def with_questions(fact, text, terms, weights, heading=""):
        if states(fact, text, terms, weights, heading):
            return True
        chunk = by_text.get(text)
        if chunk is None:
            return False
        key = (chunk.id, fact.kind.name)
        if key not in same_kind:
            asked = [(question, facts.asked_fact(question)) for question in chunk.questions]
            same_kind[key] = " ".join(facts.simplified(q) for q, f in asked if f is not None and f.kind is fact.kind)
        return bool(same_kind[key]) and states(fact, text, terms, weights, f"{heading} {same_kind[key]}")

    with mock.patch.object(answering, "states_fact", with_questions):
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    recorder = commands.add_parser("record", help="answer every question once and keep compose_answer's arguments")
    recorder.add_argument("out", type=Path)
    recorder.add_argument("sets", type=Path, nargs="+")
    grid = commands.add_parser("grid", help="score the variants of the answer rules on a recording")
    grid.add_argument("recording", type=Path)
    grid.add_argument("--held-out", action="store_true", help="also score the sets no model is fitted on (look once)")
    args = parser.parse_args()
    kb = open_knowledge_base(Settings())
    if args.command == "record":
        args.out.write_bytes(pickle.dumps(record(kb, args.sets)))
        return
    recording = pickle.loads(args.recording.read_bytes())
    groups = {"dev": lambda name: name in DEV}
    if args.held_out:
        groups["held-out"] = lambda name: name not in DEV | PROBES
    variants = {
        "as shipped": nullcontext,
        **{
            f"topic share {share}, with the unit {unit}": (lambda share=share, unit=unit: topic_shares(share, unit))
            for share, unit in ((0.3, 0.15), (0.2, 0.15), (0.15, 0.15), (0.25, 0.1), (0.25, 0.2), (0.2, 0.1))
        },
        "vouched by the section's example questions": lambda: vouched_by_example_questions(kb),
    }
    print(f"shipped: TOPIC_SHARE {facts.TOPIC_SHARE}, UNIT_TOPIC_SHARE {facts.UNIT_TOPIC_SHARE}")
    print("| variant | " + " | ".join(f"{group} answerable | {group} unanswerable" for group in groups) + " |")
    print("|---|" + "---|---|" * len(groups))
    for name, variant in variants.items():
        with variant():
            scores = replay(kb, recording)
        cells = []
        for accepts in groups.values():
            passed, answerable, refused, unanswerable = totals(scores, accepts)
            cells += [f"{passed}/{answerable}", f"{refused}/{unanswerable}"]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
