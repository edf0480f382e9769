"""A learned second reader of contacts: a CRF that tags the people in a note, token by token.

The rules in `crm.parsing.contacts` read the shapes they were written for; a rep from a new city
brings titles and nicknames they do not know. The tagger reads every note as tokens (a Chinese
character, a Latin word, a digit run, a sign) and labels each one B (a contact starts), I (inside
it) or O, from the token, its neighbours and what the contact lexicons say of them (a common
surname, a title starting here, a first name, an honorific, a role word). It was fitted on the
labelled notes by `benchmarks/fit_contact_tagger.py`; the model file sits beside this module.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from crm.parsing.contacts import Contact, contact_named, lexicons, names_one_person
from crm.parsing.dates import simplified

MODEL_PATH = Path(__file__).with_name("contact_tagger.crfsuite")

_TOKEN = re.compile(
    r"[\u4e00-\u9fff]"  # one Chinese character
    r"|[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]+(?:['’-][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]+)*"  # a Latin word: O'Brien, Al-Harbi, Łukasz
    r"|\d+"
    r"|\S"
)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens_of(text: str) -> list[Token]:
    return [Token(match.group(), match.start(), match.end()) for match in _TOKEN.finditer(text)]


# Words a few tokens back that say whose person this is: ours (我们 / 同事 / our) or theirs (对方 / their)
_CUES = (
    ("ours_before", re.compile(r"我 们|我 司|我 方|同 事|咱|\bour\b|\bmy\b|\bcolleague")),
    ("theirs_before", re.compile(r"对 方|客 户|他 们|她 们|\btheir\b|\bthey\b")),
    ("met_before", re.compile(r"见 了|约 了|拜 访|跟|和|\bmet\b|\bwith\b|\bcalled\b")),
)


def _is_han(token: str) -> bool:
    return len(token) == 1 and "\u4e00" <= token <= "\u9fff"


def _shape(token: str) -> str:
    if _is_han(token):
        return "H"
    if token.isdigit():
        return "D"
    if re.fullmatch(r"[A-Za-zÀ-ɏḀ-ỿ'’]+", token):
        if token.isupper():
            return "AA" if len(token) > 1 else "A"
        if token[0].isupper():
            return "Aa"
        return "a"
    return "P"


def _han_run_features(text: str, tokens: Sequence[Token], index: int, lex: dict[str, frozenset[str]]) -> list[str]:
    """What the Chinese lexicons say around a character: a title starting here or just after, a surname."""
    start = tokens[index].start
    features = []
    for width in (3, 2, 1):
        if text[start : start + width] in lex["title"]:
            features.append(f"title_here={width}")
            break
    for offset in (1, 2, 3):
        position = tokens[index + offset].start if index + offset < len(tokens) else None
        if position is None:
            break
        if any(text[position : position + width] in lex["title"] for width in (3, 2, 1)):
            features.append(f"title_in={offset}")
    for width in (4, 3, 2):
        if start >= width and text[start - width : start] in lex["department_zh"]:
            features.append("department_before")
            break
    for width in (3, 2, 1):
        if start >= width and text[start - width : start] in lex["title"]:
            features.append("title_before")
            break
    if text[start : start + 2] in lex["compound"]:
        features.append("compound_surname")
    return features


def _identity(token: str, lower: str, shape: str, lex: dict[str, frozenset[str]]) -> str:
    """The word itself, but a capitalised word no lexicon knows is one feature for all such words: the
    tagger learns where a name stands in a note rather than which names it was shown."""
    if shape == "Aa" and not any(lower in lex[key] for key in ("honorific", "role", "department_en", "stop")):
        return "<Cap>"
    return lower


def _features(text: str, tokens: Sequence[Token], index: int, customer: set[int]) -> list[str]:
    lex = lexicons()
    token = tokens[index].text
    lower = token.lower()
    shape = _shape(token)
    features = [f"w={_identity(token, lower, shape, lex)}", f"shape={shape}"]
    if index in customer:
        features.append("customer")
    before = " ".join(previous.text.lower() for previous in tokens[max(0, index - 8) : index])
    for cue, pattern in _CUES:
        if pattern.search(before):
            features.append(cue)
    if shape == "H":
        if token in lex["surname"]:
            features.append("surname")
        features += _han_run_features(text, tokens, index, lex)
    elif shape in ("Aa", "AA", "A", "a"):
        features.append(f"suffix3={lower[-3:]}")
        if "-" in lower:
            features.append(f"after_hyphen={lower.rsplit('-', 1)[1]}")
        if token in lex["given"]:
            features.append("given")
        if token.title() in lex["pinyin"]:
            features.append("pinyin_surname")
        if lower in lex["honorific"]:
            features.append("honorific")
        if lower in lex["role"] or lower.rstrip("s") in lex["role"]:
            features.append("role")
        if lower in lex["department_en"]:
            features.append("department")
        if lower in lex["stop"]:
            features.append("stop")
    previous_end = tokens[index - 1].end if index else -1
    if index and previous_end < tokens[index].start:
        features.append("space_before")
    if index + 1 < len(tokens) and tokens[index + 1].start > tokens[index].end:
        features.append("space_after")
    if index == 0 or tokens[index - 1].text in ".。!！?？;；\n":
        features.append("sentence_start")
    for offset in (-2, -1, 1, 2):
        position = index + offset
        if 0 <= position < len(tokens):
            other = tokens[position].text
            features.append(f"w{offset:+d}={other.lower()}")
            features.append(f"shape{offset:+d}={_shape(other)}")
            if _shape(other) in ("Aa", "AA", "A", "a"):
                other_lower = other.lower()
                if other_lower in lex["honorific"]:
                    features.append(f"honorific{offset:+d}")
                if other_lower in lex["role"]:
                    features.append(f"role{offset:+d}")
                if other in lex["given"]:
                    features.append(f"given{offset:+d}")
            elif _shape(other) == "H" and other in lex["surname"]:
                features.append(f"surname{offset:+d}")
        else:
            features.append(f"w{offset:+d}=<edge>")
    if index:
        features.append(f"bigram-1={tokens[index - 1].text.lower()}|{lower}")
    if index + 1 < len(tokens):
        features.append(f"bigram+1={lower}|{tokens[index + 1].text.lower()}")
    return features


def note_features(text: str, customer_spans: Iterable[tuple[int, int]] = ()) -> tuple[list[Token], list[list[str]]]:
    """The tokens of `text` and the feature strings of each; tokens inside `customer_spans` are marked.

    Traditional characters are read as simplified ones (黃經理 as 黄经理), character for character, so
    the tokens' offsets hold in the text as said.
    """
    plain = simplified(text)
    tokens = tokens_of(plain)
    spans = list(customer_spans)
    customer = {i for i, token in enumerate(tokens) if any(s <= token.start < e for s, e in spans)}
    return tokens, [_features(plain, tokens, i, customer) for i in range(len(tokens))]


def runs_of(labels: Sequence[str]) -> list[range]:
    """The token indexes of each contact in `labels`: a B and the Is after it (an I after an O starts one)."""
    runs: list[range] = []
    for i, label in enumerate(labels):
        if label == "B" or (label == "I" and (not runs or runs[-1].stop != i)):
            runs.append(range(i, i + 1))
        elif label == "I":
            runs[-1] = range(runs[-1].start, i + 1)
    return runs


def spans_of(labels: Sequence[str], tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Character spans of the contacts in `labels`."""
    return [(tokens[run.start].start, tokens[run.stop - 1].end) for run in runs_of(labels)]


# The tagger's own contact joins the rules' when the tagger is this sure of every token of it: one of
# six ways to join them fixed before the never-read sets v12 and v13 were scored. The way chosen on
# those (also dropping the rules' contacts the tagger doubts) lost to this one on v14 and v15 and
# dropped names the rules read right, so this one shipped (docs/benchmarks.md).
ADD_TAGGED_AT = 0.9


def read_again(
    text: str, contacts: Sequence[Contact], customer_spans: Iterable[tuple[int, int]] = (), ours: Collection[str] = ()
) -> list[Contact]:
    """The rules' `contacts` with the people the tagger is sure of added, first mention first.

    `text` is what the rules read, `customer_spans` where the customer is named in it, `ours` the
    colleagues the rules found (小周 你…), whom the tagger never adds back.
    """
    tokens, features = note_features(text, customer_spans)
    if not tokens:
        return list(contacts)
    with _TAGGER_LOCK:  # a crfsuite tagger holds the sequence it is tagging: one note at a time
        tagger = _tagger()
        labels = tagger.tag(features)
        sureness = [tagger.marginal(label, i) for i, label in enumerate(labels)]
    lowered = text.lower()
    mentions = [(_first_mention(lowered, contact.name.lower()), contact) for contact in contacts]
    for run in runs_of(labels):
        start, name = tokens[run.start].start, text[tokens[run.start].start : tokens[run.stop - 1].end]
        known = any(names_one_person(name, contact.name, contact.surname) for _, contact in mentions) or any(
            names_one_person(name, colleague) for colleague in ours
        )
        if known or min(sureness[i] for i in run) < ADD_TAGGED_AT:
            continue
        mentions.append((start, contact_named(name)))
    mentions.sort(key=lambda mention: mention[0])
    return [contact for _, contact in mentions]


def customer_spans(text: str, said_at: tuple[int, int] | None, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where the customer is named in `text`: the span the matcher read and every mention of its names."""
    spans = [said_at] if said_at else []
    lowered = text.lower()
    for name in names:
        key = name.lower()
        position = lowered.find(key) if key else -1
        while position >= 0:
            spans.append((position, position + len(key)))
            position = lowered.find(key, position + 1)
    return spans


def _first_mention(lowered: str, name: str) -> int:
    position = lowered.find(name) if name else -1
    return position if position >= 0 else len(lowered)


_TAGGER_LOCK = threading.Lock()


@functools.cache
def _tagger() -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    return tagger
