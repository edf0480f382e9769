"""The composition root: wires settings, store, knowledge base and skills into one `Assistant`.

Every transport (Telegram, `kam chat`, the CLI, tests) talks to the product only through
`Assistant.admit` (who may talk to the bot) and `Assistant.handle` (one request, one reply).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot import parsing
from bot.config import Settings
from bot.customers import CustomerRepository
from bot.followups import FollowupRepository
from bot.language import detect_language
from bot.models import Attachment, Language, Reply, Request, User
from bot.pricing import PriceBook, load_price_book
from bot.router import Router
from bot.store import Store
from bot.visits import VisitRepository
from knowledge import KnowledgeBase, make_embedder
from skills.ask import AskSkill
from skills.base import Skill, SkillError
from skills.customers import CustomersSkill
from skills.followups import FollowupsSkill
from skills.notes import VisitNotesSkill
from skills.pricing import PricingSkill
from skills.system import SystemSkill

log = logging.getLogger(__name__)

LOCAL_USER_ID = 0  # the terminal's user


@dataclass(frozen=True)
class Identity:
    """Who a transport says is talking: Telegram's user id and names."""

    user_id: int
    name: str = ""
    username: str = ""


@dataclass
class Admission:
    """The outcome of access control: a user to serve, or a reply to send instead."""

    user: User | None
    reply: Reply | None = None


REFUSAL_ZH = "抱歉，这是一个内部工具，你暂时没有使用权限。"
REFUSAL_EN = "Sorry, this is a private assistant and you don't have access."


@dataclass
class Assistant:
    """The product behind every transport."""

    settings: Settings
    store: Store
    knowledge: KnowledgeBase
    customers: CustomerRepository
    visits: VisitRepository
    followups: FollowupRepository
    price_book: PriceBook
    skills: list[Skill] = field(init=False)
    router: Router = field(init=False)

    # access control ------------------------------------------------------------------------

    def admit(self, identity: Identity, text: str = "") -> Admission:
        """Decide whether this person gets any answer; register allowlisted and invited users."""
        settings = self.settings
        user_id = identity.user_id
        if user_id in settings.admins or user_id in settings.allowed_users:
            role = "admin" if user_id in settings.admins else "rep"
            user = self.store.upsert_user(
                user_id, name=identity.name, username=identity.username, role=role,
                timezone_name=settings.timezone, registered_via="admin" if role == "admin" else "allowlist",
            )
            return Admission(self._reactivate(user))
        row = self.store.find_user_row(user_id)
        if row is not None and row["registered_via"] in ("invite", "local"):
            return Admission(self._reactivate(self.store.get_user(user_id)))
        parsed = Router.parse_command(text)
        if settings.invite_code and parsed and parsed[0] == "start" and parsed[1] == settings.invite_code:
            user = self.store.upsert_user(
                user_id, name=identity.name, username=identity.username, role="rep",
                timezone_name=settings.timezone, registered_via="invite",
            )
            log.info("user %s registered with the invite code", user_id)
            return Admission(user)
        self.store.log_access_attempt(user_id, name=identity.name, text=text)
        log.warning("refused message from unauthorised Telegram user %s", user_id)
        return Admission(None, Reply.of(REFUSAL_ZH, REFUSAL_EN))

    def local_user(self, user_id: int = LOCAL_USER_ID, *, role: str = "admin") -> User:
        """The terminal's user: trusted (it runs on the machine that holds the data)."""
        row = self.store.find_user_row(user_id)
        if row is not None:
            return self.store.get_user(user_id)
        return self.store.upsert_user(
            user_id, name="local", role=role, timezone_name=self.settings.timezone,  # type: ignore[arg-type]
            registered_via="local",
        )

    def _reactivate(self, user: User) -> User:
        if not user.active:  # they blocked the bot once and are back
            return self.store.set_user_fields(user.id, active=1)
        return user

    def warm_up(self) -> None:
        """Load the embedding model, the index and the date models now rather than on a rep's first message."""
        try:
            parsing.warm_up()
            self.knowledge.warm_up()
        except Exception:  # warming is an optimisation; the first real use reports real problems
            log.warning("warm-up failed", exc_info=True)

    # requests ------------------------------------------------------------------------------

    def request(
        self,
        user: User,
        text: str = "",
        *,
        now: datetime | None = None,
        callback_data: str | None = None,
        attachment: Attachment | None = None,
        language: Language | None = None,
    ) -> Request:
        """Build a Request: the language is the user's choice, else the message's, else Chinese."""
        parsed = Router.parse_command(text)
        content = parsed[1] if parsed else text  # "/help" alone says nothing about the language
        chosen = language or user.language or detect_language(content) or "zh"
        return Request(
            user=user,
            text=text,
            now=now or datetime.now(UTC),
            language=chosen,
            callback_data=callback_data,
            attachment=attachment,
        )

    def handle(self, request: Request) -> Reply:
        """Log the message, route it, and turn failures into a friendly reply. Never raises."""
        kind = "callback" if request.callback_data else ("command" if request.text.startswith("/") else "text")
        text = request.callback_data or request.text

        def log_routed(skill_name: str) -> None:
            self.store.log_message(request.user.id, kind=kind, text=text, skill=skill_name)

        try:
            return self.router.dispatch(request, on_route=log_routed)
        except SkillError as error:
            return Reply.of(error.message(request.language))
        except Exception:
            log.exception("skill failed for user %s", request.user.id)
            return Reply.of(
                request.t("抱歉，处理这条消息时出错了，已记录下来。请稍后再试。",
                          "Sorry, something went wrong handling that message; it has been logged. Please try again.")
            )


def build_skills(assistant: Assistant) -> list[Skill]:
    """Create every built-in skill once, in the order /help lists them."""
    settings, store = assistant.settings, assistant.store
    customers, visits = assistant.customers, assistant.visits
    skills: list[Skill] = []
    skills.append(SystemSkill(store, lambda: skills))
    skills.append(AskSkill(assistant.knowledge, store))
    skills.append(VisitNotesSkill(store, customers, visits, settings))
    skills.append(CustomersSkill(store, customers, visits, settings))
    skills.append(FollowupsSkill(store, settings, customers=customers))
    skills.append(PricingSkill(assistant.price_book, customers, assistant.knowledge))
    return skills


def build_assistant(settings: Settings, *, store: Store | None = None) -> Assistant:
    """Wire one Assistant from settings: the single place where components meet."""
    store = store or Store.open(settings.database_path)
    customers = CustomerRepository(store)
    knowledge = KnowledgeBase(settings.index_dir, make_embedder(settings.embedder, settings.embedding_model))
    price_book = load_price_book(settings.pricing_file)
    knowledge.add_user_words([customer.name for customer in customers.all()] + price_book.vocabulary())
    assistant = Assistant(
        settings=settings,
        store=store,
        knowledge=knowledge,
        customers=customers,
        visits=VisitRepository(store, customers),
        followups=FollowupRepository(store),
        price_book=price_book,
    )
    assistant.skills = build_skills(assistant)
    assistant.router = Router(assistant.skills, store=store, fallback="ask")
    return assistant
