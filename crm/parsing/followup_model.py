"""A learned second opinion on follow-ups: does the note ask for something to be done on a date it names?

The rules in `crm.visits.parse` turn a date into a follow-up unless they recognise it as something
else (a contract end, a past event, someone's absence, a worry about a deadline). A rep from a new
city says those things in words the rules do not know, and the card fills with reminders nobody
asked for: on the visit notes nobody here had read, most follow-up misses were such extras.

This model reads only the words around the date: the characters and character pairs just before
and after it, and the English words nearby. It does not read the date itself (how it was said, how
far ahead, whether a clock time came with it): fitted with those, it learned that "today" and
"year end" are seldom to-dos and dropped "今天给个说法" or "年底再去拜访" for want of context. A date with
no telling words around it therefore keeps what the rules decided. It judges only dates in notes of
at least `MIN_NOTE_LENGTH` characters: a one-line note ("下午三点开会") is an instruction to the bot,
and the rules alone decide it.

Fitted by `benchmarks/fit_followup_model.py` on the labelled notes that were read (a maximum-entropy
classifier: python-crfsuite on one-item sequences); the model file sits beside this module.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import pycrfsuite

from crm.parsing.date_rules import DateMention
from crm.parsing.dates import simplified

MODEL_PATH = Path(__file__).with_name("followup_model.crfsuite")
# A date the rules make a follow-up stays one when the model gives it at least this. Chosen with
# the penalties and the note length below by leaving one training set out (0.4 and 0.6 lost 4 of
# the 15 notes 0.5 gained; 0.3 lost 6), before any never-read set was scored with it (docs/benchmarks.md).
KEEP_AT = 0.5
MIN_NOTE_LENGTH = 50  # characters: "tomorrow's review with Acme: prepare the slides" is 47; the training notes' median 117
_WINDOW = 12  # characters read each side of the date
_ENGLISH_SPAN = 40  # characters searched each side for the nearest English words


def judges(text: str, mention: DateMention) -> bool:
    """Whether the model is asked about `mention`: a day said outright (not counted from another date) in
    a note long enough to read. `parse_note` has already set years aside."""
    return len(text) >= MIN_NOTE_LENGTH and mention.offset is None


def features(text: str, mention: DateMention) -> list[str]:
    """What the model reads around a date `mention` in `text`."""
    plain = simplified(text)  # character for character, so the mention's offsets hold
    before = plain[max(0, mention.start - _WINDOW) : mention.start]
    after = plain[mention.end : mention.end + _WINDOW]
    found = [f"before{i}={char}" for i, char in enumerate(reversed(before[-6:]))]
    found += [f"before_pair={before[i : i + 2]}" for i in range(len(before) - 1)]
    found += [f"after{i}={char}" for i, char in enumerate(after[:6])]
    found += [f"after_pair={after[i : i + 2]}" for i in range(len(after) - 1)]
    words_before = re.findall(r"[a-z']+", plain[max(0, mention.start - _ENGLISH_SPAN) : mention.start].lower())
    words_after = re.findall(r"[a-z']+", plain[mention.end : mention.end + _ENGLISH_SPAN].lower())
    found += [f"word_before={word}" for word in words_before[-4:]]
    found += [f"word_after={word}" for word in words_after[:4]]
    return found


def looks_like_a_followup(text: str, mention: DateMention) -> bool:
    """Whether the model agrees that `mention` is something to do (KEEP_AT 0 agrees with everything)."""
    return KEEP_AT <= 0 or followup_probability(text, mention) >= KEEP_AT


def followup_probability(text: str, mention: DateMention) -> float:
    """How likely the labelled notes would make `mention` a follow-up (0 to 1)."""
    with _MODEL_LOCK:  # a crfsuite tagger holds the item it is reading
        model = _model()
        model.set([features(text, mention)])
        return model.marginal("1", 0)


_MODEL_LOCK = threading.Lock()


@functools.cache
def _model() -> pycrfsuite.Tagger:
    model = pycrfsuite.Tagger()
    model.open(str(MODEL_PATH))
    return model
