"""The topic of a rep's previous playbook question, so a follow-up ("那如果是III类客户呢？") is understood.

No model is involved: a follow-up is recognised by its wording (a pronoun, "那…呢", "what about…",
"具体怎么说", very short), and its question is the previous question's topic plus the new words.
The context is per user, kept in memory only, and expires after `FOLLOW_UP_WINDOW` or on a new topic.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

FOLLOW_UP_WINDOW = timedelta(minutes=10)
SHORT_FOLLOW_UP = 3  # characters (CJK) or words (English) left after the follow-up cues are removed

_OPENING = re.compile(
    r"^\s*(?:那么如果是|那么如果|那如果是|那如果|那要是|那么|那|如果是|要是|换成|换作|假如是|至于|还有|另外|"
    r"(?:(?:and\s+)?(?:what|how)\s+about|and\s+(?:if|for|with|when)|and|what\s+if|but|so|then)\b)\s*",
    re.IGNORECASE,
)
_CLOSING = re.compile(r"(?:呢|的话|怎么样|咋样|又如何|又怎么办|会怎样)?[\s?？。.!！~]*$")
_PRONOUN = re.compile(r"这个|那个|这种|那种|这样|那样|它们?|他们|她们|\b(?:it|this|that|them|they|those|these)\b",
                      re.IGNORECASE)
_MORE_OF_THE_SAME = re.compile(
    r"^\s*(?:具体|详细|展开|再说|举个?例子?|比如|例如|怎么说|说具体|能?再?详细|"
    r"more|details?|for example|example|specifically|in english|in chinese|用英文|用中文|英文|中文)",
    re.IGNORECASE,
)
_FOLLOW_UP_SHAPE = re.compile(r"^\s*(?:那|如果是|要是|换成|and\b|what about\b|how about\b|what if\b)|呢[\s?？。.!！~]*$",
                              re.IGNORECASE)
_TOPIC_END = re.compile(r"(?:应该|该|要)?(?:怎么办|咋办|怎么(?:应对|回应|处理|回答|说|做)|如何(?:应对|回应|处理|回答|做)?|"
                        r"怎样(?:应对|处理|回应)?|吗|呢)?[\s?？。.!！~]*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Topic:
    """A rep's previous playbook question that had an answer, and when it was asked."""

    question: str  # as sent to retrieval, e.g. "客户嫌价格太高怎么办？"
    asked_at: datetime

    @property
    def label(self) -> str:
        """The topic in a few words for the reply's note: "客户嫌价格太高"."""
        label = _TOPIC_END.sub("", self.question).strip()
        return label or self.question.strip()


def new_words(text: str) -> str:
    """What a follow-up adds: "那如果是III类客户呢？" → "III类客户"."""
    words = _OPENING.sub("", text.strip(), count=1)
    return _CLOSING.sub("", words).strip()


def _size(text: str) -> int:
    """Characters for Chinese text, words for English."""
    return len(_CJK.findall(text)) + len(re.findall(r"[A-Za-z0-9]+", _CJK.sub(" ", text)))


def looks_like_follow_up(text: str) -> bool:
    """True when `text` has no topic of its own: "具体怎么说", "what about in English?", "那这个呢".

    Only what is left after the follow-up's framing ("那…呢", "what about"), its pronouns and its
    "more of the same" cues counts: "那今天天气呢" names a topic of its own and is a new question.
    """
    stripped = text.strip()
    if not stripped:
        return False
    own = _PRONOUN.sub("", _MORE_OF_THE_SAME.sub("", new_words(stripped)))
    return _size(own) <= SHORT_FOLLOW_UP


def carried_question(topic: Topic, text: str) -> str:
    """The follow-up asked about the previous topic: the previous question plus the new words."""
    added = new_words(text)
    return f"{topic.question.strip()} {added}".strip()


class ConversationContext:
    """Each user's last answered playbook topic; never shared between users, forgotten after a while."""

    def __init__(self, *, window: timedelta = FOLLOW_UP_WINDOW):
        self.window = window
        self._topics: dict[int, Topic] = {}
        self._lock = threading.Lock()

    def topic(self, user_id: int, now: datetime) -> Topic | None:
        """`user_id`'s previous topic if it is recent enough, else None (and it is forgotten)."""
        with self._lock:
            topic = self._topics.get(user_id)
            if topic is None:
                return None
            if not timedelta(0) <= now - topic.asked_at <= self.window:
                del self._topics[user_id]
                return None
            return topic

    def remember(self, user_id: int, question: str, now: datetime) -> None:
        """`question` is now `user_id`'s topic."""
        with self._lock:
            self._topics[user_id] = Topic(question=question, asked_at=now)

    def forget(self, user_id: int) -> None:
        """`user_id` moved to a topic the playbook does not cover: nothing to carry over."""
        with self._lock:
            self._topics.pop(user_id, None)
