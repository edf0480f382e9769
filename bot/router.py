"""The router: button presses, then commands, then a pending conversation, then free text by score."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from crm.conversations import ConversationRepository
from skills.base import CommandSpec, Skill, SkillError, StaleButton
from skills.models import Button, Reply, Request

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(.*))?$", re.DOTALL)
ROUTER_STATE = "router"

SemanticScorer = Callable[[str], dict[str, float]]


class Route(BaseModel):
    """One skill's claim on a free-text message, with the reason — `kam route` prints these."""

    skill: str
    score: float
    reason: str


@dataclass(frozen=True)
class RoutingPolicy:
    """Thresholds for free text: accept the top skill at `accept` with a `margin` over the next."""

    accept: float = 0.5
    margin: float = 0.15
    consider: float = 0.25  # below this a skill is not offered as a "did you mean" choice
    semantic_weight: float = 0.35


class Router:
    """Sends each request to one skill and returns its reply."""

    def __init__(
        self,
        skills: Sequence[Skill],
        *,
        conversations: ConversationRepository,
        fallback: str,
        policy: RoutingPolicy = RoutingPolicy(),
        semantic: SemanticScorer | None = None,
    ):
        self.skills = {skill.name: skill for skill in skills}
        self.conversations = conversations
        self.fallback = fallback
        self.policy = policy
        self.semantic = semantic
        self.commands: dict[str, tuple[Skill, CommandSpec]] = {}
        for skill in skills:
            for spec in skill.commands:
                if spec.name in self.commands:
                    raise ValueError(f"command /{spec.name} is declared twice")
                self.commands[spec.name] = (skill, spec)
        if fallback not in self.skills:
            raise ValueError(f"fallback skill {fallback!r} is not registered")

    @staticmethod
    def parse_command(text: str) -> tuple[str, str] | None:
        """('help', 'args') for '/help args' or '/help@bot args'; None for other text."""
        match = _COMMAND.match(text.strip())
        if not match:
            return None
        return match.group(1).lower(), (match.group(2) or "").strip()

    def dispatch(self, request: Request, *, on_route: Callable[[str], None] = lambda name: None) -> Reply:
        """Route the request and return the chosen skill's reply; `on_route(skill)` runs first."""
        if request.callback_data:
            return self._dispatch_callback(request, on_route)
        parsed = self.parse_command(request.text)
        if parsed:
            return self._dispatch_command(request, *parsed, on_route=on_route)
        pending = self.conversations.get(request.user.id)
        if pending and pending[0] in self.skills:
            skill_name, state = pending
            on_route(skill_name)
            return self.skills[skill_name].resume(request, state)
        return self._dispatch_text(request, on_route)

    def rank(self, request: Request) -> list[Route]:
        """Every skill's score for a free-text message, best first: the explanation of a routing.

        Skills score the Simplified text: their cues are written in Simplified, and a message typed on a Hong Kong
        or Taiwan keyboard ("今天上午9點提醒我給華信打電話") means what its Simplified twin means."""
        request = request.model_copy(update={"text": request.plain})
        semantic = self._semantic_scores(request.text)
        routes = []
        for skill in self.skills.values():
            rule = skill.score(request)
            score, reason = rule.score, rule.reason
            similarity = semantic.get(skill.name)
            if similarity is not None and skill.examples:
                weight = self.policy.semantic_weight
                score = (1 - weight) * score + weight * similarity
                reason = f"{reason}; examples {similarity:.2f}" if reason else f"examples {similarity:.2f}"
            routes.append(Route(skill=skill.name, score=round(score, 3), reason=reason or "no rule matched"))
        return sorted(routes, key=lambda route: route.score, reverse=True)

    def choose(self, request: Request) -> tuple[str | None, list[Route]]:
        """The skill to take a free-text message, or None when unsure, with the ranking."""
        ranking = self.rank(request)
        top = ranking[0] if ranking else None
        if top is None or top.score < self.policy.consider:
            return self.fallback, ranking
        offered = [route.skill for route in ranking if route.score >= self.policy.consider]
        if offered == [self.fallback]:  # the only choice worth offering is what an unclaimed message gets anyway
            return self.fallback, ranking
        runner_up = ranking[1].score if len(ranking) > 1 else 0.0
        if top.score >= self.policy.accept and top.score - runner_up >= self.policy.margin:
            return top.skill, ranking
        return None, ranking

    # --------------------------------------------------------------------------------------------

    def _semantic_scores(self, text: str) -> dict[str, float]:
        if self.semantic is None or not text.strip():
            return {}
        try:
            return self.semantic(text)
        except Exception:  # semantic routing is an aid; rules still decide without it
            log.warning("semantic routing failed; using rules only", exc_info=True)
            return {}

    def _dispatch_text(self, request: Request, on_route: Callable[[str], None]) -> Reply:
        chosen, ranking = self.choose(request)
        on_route(chosen or ROUTER_STATE)
        if chosen is not None:
            return self.skills[chosen].handle(request)
        candidates = [route.skill for route in ranking if route.score >= self.policy.consider][:3]
        if self.fallback not in candidates:  # never a one-button menu: the fallback is always a choice
            candidates.append(self.fallback)
        self.conversations.set(request.user.id, ROUTER_STATE, {"text": request.text})
        buttons = [[Button(label=self.skills[name].title(request.language), data=f"route:{name}")] for name in candidates]
        return Reply.of(request.t("你是想：", "Did you mean:"), buttons=buttons)

    def _dispatch_command(
        self, request: Request, name: str, args: str, *, on_route: Callable[[str], None]
    ) -> Reply:
        entry = self.commands.get(name)
        on_route(entry[0].name if entry else "unknown-command")
        if entry is None:
            return Reply.of(
                request.t(f"没有 /{name} 这个命令。发送 /help 查看能做什么。",
                          f"There is no /{name} command. Send /help to see what I can do.")
            )
        skill, spec = entry
        self.conversations.clear(request.user.id)
        routed = request.model_copy(update={"command": name, "args": args})
        return getattr(skill, spec.method_name)(routed)

    def _dispatch_callback(self, request: Request, on_route: Callable[[str], None]) -> Reply:
        data = request.callback_data or ""
        target, _, payload = data.partition(":")
        on_route(target)
        if target == "route":
            return self._dispatch_route_choice(request, payload)
        skill = self.skills.get(target)
        if skill is None:
            raise StaleButton()
        return skill.handle_callback(request, payload)

    def _dispatch_route_choice(self, request: Request, skill_name: str) -> Reply:
        pending = self.conversations.get(request.user.id)
        skill = self.skills.get(skill_name)
        if skill is None or not pending or pending[0] != ROUTER_STATE:
            raise SkillError("这个选择已过期，请重新发送消息。", "That choice has expired; please send your message again.")
        self.conversations.clear(request.user.id)
        original = request.model_copy(update={"text": pending[1].get("text", ""), "callback_data": None})
        return skill.handle(original)
