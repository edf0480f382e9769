"""Routing: commands first, then a pending conversation, then free text by explainable scores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.router import Router, RoutingPolicy
from crm.conversations import ConversationRepository
from crm.store import Store
from crm.users import User, UserRepository
from skills.base import RouteScore, Skill, SkillError, command
from skills.models import Reply, Request


class Echo(Skill):
    name = "echo"
    title_zh, title_en = "复读", "Echo"
    examples = ("echo this",)

    def score(self, request: Request) -> RouteScore:
        return RouteScore(0.9, "starts with echo") if request.text.startswith("echo") else RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        return Reply.of(f"echo:{request.text}")

    @command("echo", zh="复读", en="Repeat", example="/echo hi")
    def echo(self, request: Request) -> Reply:
        return Reply.of(f"cmd:{request.args}")

    def handle_callback(self, request: Request, payload: str) -> Reply:
        return Reply.of(f"button:{payload}")


class Notes(Skill):
    name = "notes"
    title_zh, title_en = "拜访纪要", "Visit note"

    def score(self, request: Request) -> RouteScore:
        return RouteScore(0.6, "mentions visit") if "visit" in request.text else RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        return Reply.of("note")

    def resume(self, request: Request, state: dict) -> Reply:
        return Reply.of(f"resumed:{state['step']}:{request.text}")


class Ask(Skill):
    name = "ask"
    title_zh, title_en = "问知识库", "Ask the playbook"

    def score(self, request: Request) -> RouteScore:
        return RouteScore(0.55, "mentions visit question") if "visit" in request.text else RouteScore(0.1)

    def handle(self, request: Request) -> Reply:
        return Reply.of("answer")


@pytest.fixture
def user(store: Store) -> User:
    return UserRepository(store).upsert(1, timezone_name="Asia/Shanghai", registered_via="local")


@pytest.fixture
def router(store: Store) -> Router:
    return Router([Echo(), Notes(), Ask()], conversations=ConversationRepository(store), fallback="ask")


def request(user: User, text: str = "", callback: str | None = None) -> Request:
    return Request(user=user, text=text, now=datetime.now(UTC), language="en", callback_data=callback)


def test_parse_command() -> None:
    assert Router.parse_command("/help") == ("help", "")
    assert Router.parse_command("/Echo@kam_bot  hi there ") == ("echo", "hi there")
    assert Router.parse_command("not /a command") is None


def test_commands_go_first(router: Router, user: User) -> None:
    assert router.dispatch(request(user, "/echo visit hello")).text == "cmd:visit hello"
    assert "no /nope command" in router.dispatch(request(user, "/nope")).text


def test_free_text_goes_to_the_clear_winner_with_reasons(router: Router, user: User) -> None:
    chosen, ranking = router.choose(request(user, "echo please"))
    assert chosen == "echo"
    assert ranking[0].reason == "starts with echo"
    assert router.dispatch(request(user, "echo please")).text == "echo:echo please"


def test_unclaimed_text_goes_to_the_fallback(router: Router, user: User) -> None:
    assert router.choose(request(user, "what is a value matrix"))[0] == "ask"


def test_close_call_asks_with_buttons_and_remembers_the_text(router: Router, user: User, store: Store) -> None:
    reply = router.dispatch(request(user, "a visit to Acme"))
    labels = [button.label for row in reply.buttons for button in row]
    assert labels == ["Visit note", "Ask the playbook"]
    chosen = reply.buttons[0][0].data
    assert router.dispatch(request(user, callback=chosen)).text == "note"
    with pytest.raises(SkillError):  # the choice is used up
        router.dispatch(request(user, callback=chosen))


class Unsure(Skill):
    """Claims "maybe" messages with a score above `consider` but below `accept`."""

    def __init__(self, name: str, claims: str) -> None:
        self.name, self.claims = name, claims
        self.title_zh = self.title_en = name.title()

    def score(self, request: Request) -> RouteScore:
        return RouteScore(0.4, "maybe") if self.claims in request.text else RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        return Reply.of(f"{self.name}:{request.text}")


def test_an_unsure_message_offers_the_fallback_beside_its_one_candidate(store: Store, user: User) -> None:
    router = Router([Unsure("notes", "visit"), Unsure("ask", "fee")], conversations=ConversationRepository(store), fallback="ask")
    reply = router.dispatch(request(user, "visit later"))
    assert [button.data for row in reply.buttons for button in row] == ["route:notes", "route:ask"]


def test_an_unsure_message_whose_only_candidate_is_the_fallback_goes_there(store: Store, user: User) -> None:
    router = Router([Unsure("notes", "visit"), Unsure("ask", "fee")], conversations=ConversationRepository(store), fallback="ask")
    assert router.choose(request(user, "what fee"))[0] == "ask"
    assert router.dispatch(request(user, "what fee")).text == "ask:what fee"


def test_pending_conversation_gets_the_next_text_until_a_command(router: Router, user: User, store: Store) -> None:
    ConversationRepository(store).set(user.id, "notes", {"step": "edit"})
    assert router.dispatch(request(user, "客户是华新建材")).text == "resumed:edit:客户是华新建材"
    router.dispatch(request(user, "/echo x"))
    assert ConversationRepository(store).get(user.id) is None


def test_callbacks_reach_their_skill(router: Router, user: User) -> None:
    assert router.dispatch(request(user, callback="echo:42")).text == "button:42"
    with pytest.raises(SkillError):
        router.dispatch(request(user, callback="ghost:1"))


def test_semantic_scores_blend_with_rules(store: Store, user: User) -> None:
    router = Router([Echo(), Notes(), Ask()], conversations=ConversationRepository(store), fallback="ask",
                    semantic=lambda text: {"echo": 1.0, "notes": 0.0, "ask": 0.0},
                    policy=RoutingPolicy(semantic_weight=0.5))
    ranking = router.rank(request(user, "repeat after me"))
    assert ranking[0].skill == "echo" and "examples 1.00" in ranking[0].reason


def test_duplicate_commands_are_rejected(store: Store) -> None:
    with pytest.raises(ValueError):
        Router([Echo(), Echo()], conversations=ConversationRepository(store), fallback="echo")
