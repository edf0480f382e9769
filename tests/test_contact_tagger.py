"""The contact tagger: a CRF that adds the people the rules miss, fitted by a script anyone can rerun."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from crm.parsing.contact_tagger import MODEL_PATH, Token, read_again, spans_of, tokens_of
from crm.parsing.contacts import Contact, contact_named, find_contacts
from crm.parsing.matching import CustomerRef
from crm.visits.parse import parse_note

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.fromisoformat("2026-12-07T10:00:00+08:00")


def names(contacts):
    return [contact.name for contact in contacts]


def test_the_shipped_model_is_what_the_fit_script_writes(tmp_path):
    out = tmp_path / "tagger.crfsuite"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fit_contact_tagger.py"), "--out", str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    assert out.read_bytes() == MODEL_PATH.read_bytes()


def test_a_person_the_rules_do_not_know_is_added():
    note = "去了远大物流 见到了仓储部的买买提 他说系统还行"
    assert find_contacts(note) == []
    assert names(read_again(note, [])) == ["买买提"]
    record = parse_note(note, now=NOW, customers=[CustomerRef(id=1, name="远大物流")])
    assert names(record.contacts) == ["买买提"]


def test_the_second_of_two_people_the_rules_read_one_of_is_added_in_order():
    note = "Khun Somchai and Khun Malee joined the call"
    assert names(find_contacts(note)) == ["Khun Somchai"]
    merged = read_again(note, find_contacts(note))
    assert names(merged) == ["Khun Somchai", "Khun Malee"]
    assert merged[1].surname == "Malee"


def test_traditional_characters_are_read_and_the_name_kept_as_said():
    assert names(read_again("去了遠大物流 見到了倉儲部的買買提 他說系統還行", [])) == ["買買提"]


def test_our_own_people_and_the_customer_are_not_added():
    note = "华信科技 我们同事小王陪我去的 见了他们的李总"
    assert names(read_again(note, find_contacts(note))) == ["李总"]


def test_every_contact_the_rules_find_is_kept():
    notes = [
        json.loads(line)["text"]
        for path in ("notes_dev.jsonl", "notes/visits_heldout_v2.jsonl")
        for line in (ROOT / "tests" / "fixtures" / path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for note in notes:
        found = find_contacts(note)
        assert set(names(found)) <= set(names(read_again(note, found))), note


def test_an_empty_note_has_no_tokens_and_keeps_what_it_was_given():
    assert tokens_of("") == []
    assert names(read_again("", [Contact(name="王经理")])) == ["王经理"]


def test_tokens_and_spans():
    tokens = tokens_of("见了Mr. O'Brien-Smith 123")
    assert [token.text for token in tokens] == ["见", "了", "Mr", ".", "O'Brien-Smith", "123"]
    assert spans_of(["O", "O", "B", "I", "I", "O"], tokens) == [(2, 19)]
    assert spans_of(["B", "B", "O"], [Token("王", 0, 1), Token("李", 1, 2), Token("说", 2, 3)]) == [(0, 1), (1, 2)]


def test_contact_named_reads_the_shape_of_a_name():
    assert contact_named("王经理").model_dump() == {
        "name": "王经理",
        "title": "经理",
        "department": None,
        "surname": "王",
    }
    assert contact_named("黃經理").surname == "黄"
    assert contact_named("老李").surname == "李"
    assert contact_named("Mr. Tan").surname == "Tan"
    assert contact_named("Sarah").surname is None


def test_the_tagger_reads_one_note_at_a_time_across_threads():
    notes = [
        "去了远大物流 见到了仓储部的买买提 他说系统还行",
        "Khun Somchai and Khun Malee joined the call",
        "华信科技 我们同事小王陪我去的 见了他们的李总",
        "met Mr. Adeyemi and his deputy Chiamaka at the plant",
    ] * 25
    serial = [names(read_again(note, find_contacts(note))) for note in notes]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda note: names(read_again(note, find_contacts(note))), notes))
    assert threaded == serial


def test_an_inside_label_after_an_outside_one_starts_a_contact():
    tokens = [Token("王", 0, 1), Token("说", 1, 2), Token("李", 2, 3), Token("总", 3, 4)]
    assert spans_of(["B", "O", "I", "I"], tokens) == [(0, 1), (2, 4)]
