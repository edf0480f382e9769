"""The scoring rule that `kam eval kb` and the quality tests share."""

from __future__ import annotations

from knowledge import Answer, EvalItem, Source, evaluate, score_item


def answer(text: str, source_text: str = "") -> Answer:
    sources = [Source(title="T", section="S", source="t.md", score=1.0, text=source_text, chunk_id="c1")]
    return Answer(answered=True, text=text, sources=sources if source_text else [])


def test_every_group_needs_one_alternative_in_text_or_sources():
    item = EvalItem(id="1", q="q", expect=[["夹子"], ["拉链", "zipper"], ["Velcro"]])
    assert score_item(item, answer("夹子式 and ZIPPER", source_text="velcro"))
    assert not score_item(item, answer("夹子式 and zipper"))


def test_refusal_fails_an_answerable_item_and_passes_an_unanswerable_one():
    assert not score_item(EvalItem(id="1", q="q", expect=[["a"]]), Answer(answered=False))
    assert score_item({"id": "2", "q": "q", "expect": [], "unanswerable": True}, Answer(answered=False))
    assert not score_item({"id": "2", "q": "q", "expect": [], "unanswerable": True}, answer("anything"))


def test_evaluate_counts_both_kinds():
    items = [
        EvalItem(id="1", q="good", expect=[["yes"]]),
        EvalItem(id="2", q="bad", expect=[["yes"]]),
        EvalItem(id="3", q="off", unanswerable=True),
    ]
    replies = {"good": answer("yes"), "bad": answer("no"), "off": Answer(answered=False)}
    report = evaluate(lambda question: replies[question], items)
    assert (report.answerable, report.answerable_passed) == (2, 1)
    assert (report.unanswerable, report.unanswerable_refused) == (1, 1)
    assert report.answer_rate == 0.5 and report.refusal_rate == 1.0
    assert report.results[1].missing == [["yes"]]
