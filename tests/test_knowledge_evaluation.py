"""The scoring rule that `kam eval kb` and the quality tests share."""

from __future__ import annotations

from knowledge import Answer, EvalItem, Source, evaluate, score_item


def answer(text: str, source_text: str = "") -> Answer:
    sources = [Source(title="T", section="S", source="t.md", score=1.0, text=source_text, chunk_id="c1")]
    return Answer(answered=True, text=text, sources=sources if source_text else [])


def not_stated(text: str = "手册里没有写包月费。") -> Answer:
    source = Source(title="T", section="S", source="t.md", score=1.0, text="以包月费为主", chunk_id="c1")
    return Answer(answered=False, not_stated=True, text=text, sources=[source], kind="not_stated")


def test_every_group_needs_one_alternative_in_the_answer_text():
    item = EvalItem(id="1", q="q", expect=[["夹子"], ["拉链", "zipper"], ["Velcro"]])
    assert score_item(item, answer("夹子式, ZIPPER and velcro"))
    assert not score_item(item, answer("夹子式 and zipper"))


def test_a_group_found_only_in_the_cited_source_passes_only_the_source_rule():
    item = EvalItem(id="1", q="q", expect=[["夹子"], ["Velcro"]])
    reply = answer("夹子式", source_text="velcro")
    assert not score_item(item, reply)
    assert score_item(item, reply, in_sources=True)


def test_refusal_fails_an_answerable_item_and_passes_an_unanswerable_one():
    assert not score_item(EvalItem(id="1", q="q", expect=[["ab"]]), Answer(answered=False))
    assert score_item({"id": "2", "q": "q", "expect": [], "unanswerable": True}, Answer(answered=False))
    assert not score_item({"id": "2", "q": "q", "expect": [], "unanswerable": True}, answer("anything"))


def test_a_not_stated_flag_passes_an_unanswerable_item_and_fails_an_answerable_one():
    unanswerable = EvalItem(id="1", q="集团V网包月费多少？", unanswerable=True)
    answerable = EvalItem(id="2", q="q", expect=[["包月费"]])
    assert score_item(unanswerable, not_stated())
    assert not score_item(answerable, not_stated("手册里讲了包月费，但没有写金额。"), in_sources=True)


def test_evaluate_counts_both_kinds_and_both_figures():
    items = [
        EvalItem(id="1", q="good", expect=[["yes"]]),
        EvalItem(id="2", q="bad", expect=[["yes"]]),
        EvalItem(id="3", q="cited", expect=[["yes"]]),
        EvalItem(id="4", q="off", unanswerable=True),
        EvalItem(id="5", q="fee", unanswerable=True),
        EvalItem(id="6", q="made up", unanswerable=True),
    ]
    replies = {
        "good": answer("yes"),
        "bad": answer("no"),
        "cited": answer("no", source_text="yes"),
        "off": Answer(answered=False),
        "fee": not_stated(),
        "made up": answer("500 元"),
    }
    report = evaluate(lambda question: replies[question], items)
    assert (report.answerable, report.answerable_passed, report.answerable_source_passed) == (3, 1, 2)
    assert (report.unanswerable, report.unanswerable_refused, report.unanswerable_flagged) == (3, 2, 1)
    assert round(report.answer_rate, 3) == 0.333 and round(report.source_rate, 3) == 0.667
    assert round(report.refusal_rate, 3) == 0.667
    assert report.results[1].missing == [["yes"]]
    assert report.results[2].source_passed and not report.results[2].passed
    assert report.results[4].not_stated
