"""The skill interface: one class per capability, commands declared beside the methods serving them."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from skills.models import Reply, Request


class SkillError(Exception):
    """An expected failure; its message is shown to the user as a plain reply."""

    def __init__(self, zh: str, en: str | None = None):
        super().__init__(zh)
        self.zh = zh
        self.en = en or zh

    def message(self, language: str) -> str:
        """The message in the user's language."""
        return self.zh if language == "zh" else self.en


MAX_ROW_ID = 2**63 - 1  # SQLite's largest integer


class StaleButton(SkillError):
    """A button whose data this skill cannot act on (an old message, or data nobody sent)."""

    def __init__(self) -> None:
        super().__init__("这个按钮已失效。", "This button is no longer valid.")


def parse_row_id(text: str) -> int | None:
    """The row id in button data or a typed number: ASCII digits within SQLite's integer range, else None.

    `str.isdigit` alone is not enough: it accepts "²" and "١", and SQLite overflows past 2**63 − 1.
    """
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if value <= MAX_ROW_ID else None


def button_row_id(text: str) -> int:
    """The row id carried by a button; StaleButton when it cannot be one."""
    value = parse_row_id(text)
    if value is None:
        raise StaleButton()
    return value


@dataclass(frozen=True)
class CommandSpec:
    """A slash command a skill serves."""

    name: str
    method_name: str
    description_zh: str
    description_en: str
    example: str = ""


@dataclass(frozen=True)
class RouteScore:
    """How strongly a skill claims a free-text message, and why (for explainable routing)."""

    score: float  # 0..1
    reason: str = ""


def command(name: str, *, zh: str, en: str, example: str = "") -> Callable:
    """Declare a method as the handler of `/name`; zh/en are its help line."""

    def mark(method: Callable) -> Callable:
        method._kam_command = (name, zh, en, example)  # type: ignore[attr-defined]
        return method

    return mark


class Skill:
    """Base class. Subclasses set the class attributes and may override `score`/`handle`.

    Dependencies (store, knowledge base, settings) come in through the subclass's `__init__`;
    the composition root (`bot.assistant.build_assistant`) creates every skill once.
    """

    name: str = ""
    title_zh: str = ""
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    examples: tuple[str, ...] = ()  # utterances in both languages, for help and semantic routing

    @property
    def commands(self) -> list[CommandSpec]:
        """The commands declared with `@command` on this class."""
        specs = []
        for attribute, member in inspect.getmembers(type(self), predicate=inspect.isfunction):
            marker = getattr(member, "_kam_command", None)
            if marker:
                name, zh, en, example = marker
                specs.append(CommandSpec(name, attribute, zh, en, example))
        return sorted(specs, key=lambda spec: spec.name)

    def title(self, language: str) -> str:
        """The skill's short name in the language."""
        return self.title_zh if language == "zh" else self.title_en

    def description(self, language: str) -> str:
        """One line on what the skill does."""
        return self.description_zh if language == "zh" else self.description_en

    def score(self, request: Request) -> RouteScore:
        """How well a free-text message fits this skill (rules). 0 means never."""
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Answer a free-text message routed to this skill."""
        raise SkillError("这个功能暂不支持直接输入文字。", "This feature does not take free text.")

    def resume(self, request: Request, state: dict) -> Reply:
        """Answer the next free-text message of a conversation this skill started (see Store.set_state)."""
        return self.handle(request)

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """Answer a button press whose data was `"{name}:{payload}"`."""
        raise StaleButton()

    def callback(self, payload: str) -> str:
        """Callback data addressed to this skill."""
        return f"{self.name}:{payload}"
