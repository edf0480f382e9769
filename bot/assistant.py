"""The composition root: wires settings, store, knowledge base and skills into one `Assistant`.

Every transport (Telegram, `kam chat`, the CLI, tests) talks to the product only through
`Assistant.admit` (who may talk to the bot) and `Assistant.handle` (one request, one reply).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.router import Router
from bot.settings import Settings
from crm.answers import AnswerLog
from crm.conversations import ConversationRepository
from crm.customers import CustomerRepository
from crm.followups.digest import DigestService
from crm.followups.reminders import DeliveryPolicy, ReminderService
from crm.followups.repository import FollowupRepository
from crm.followups.schedule import parse_clock
from crm.followups.service import FollowupService
from crm.language import Language, language_of, replace_lone_surrogates
from crm.parsing import recognizers
from crm.pricing import PriceBook, load_price_book
from crm.profiles import ProfileService
from crm.store import Store
from crm.users import User, UserRepository
from crm.visits.recording import NoteTaker
from crm.visits.repository import VisitRepository
from knowledge import KnowledgeBase, make_embedder
from skills.ask import AskSkill
from skills.base import Skill, SkillError
from skills.customers import CustomersSkill
from skills.followups import FollowupsSkill
from skills.models import Attachment, Reply, Request
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

    def __post_init__(self) -> None:
        # a client can send lone surrogates, which SQLite cannot store
        object.__setattr__(self, "name", replace_lone_surrogates(self.name))
        object.__setattr__(self, "username", replace_lone_surrogates(self.username))


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
    users: UserRepository
    conversations: ConversationRepository
    customers: CustomerRepository
    visits: VisitRepository
    followups: FollowupRepository
    answers: AnswerLog
    notes: NoteTaker
    followup_service: FollowupService
    profiles: ProfileService
    reminders: ReminderService
    digests: DigestService
    knowledge: KnowledgeBase
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
            user = self.users.upsert(
                user_id, name=identity.name, username=identity.username, role=role,
                timezone_name=settings.timezone, registered_via="admin" if role == "admin" else "allowlist",
            )
            return Admission(self._reactivate(user))
        known = self.users.find(user_id)
        if known is not None and known.registered_via in ("invite", "local"):
            return Admission(self._reactivate(known))
        parsed = Router.parse_command(text)
        if settings.invite_code and parsed and parsed[0] == "start" and parsed[1] == settings.invite_code:
            user = self.users.upsert(
                user_id, name=identity.name, username=identity.username, role="rep",
                timezone_name=settings.timezone, registered_via="invite",
            )
            log.info("user %s registered with the invite code", user_id)
            return Admission(user)
        self.users.log_access_attempt(user_id, name=identity.name, text=text)
        log.warning("refused message from unauthorised Telegram user %s", user_id)
        return Admission(None, Reply.of(REFUSAL_ZH, REFUSAL_EN))

    def local_user(self, user_id: int = LOCAL_USER_ID, *, role: str = "admin") -> User:
        """The terminal's user: trusted (it runs on the machine that holds the data)."""
        known = self.users.find(user_id)
        if known is not None:
            return known
        return self.users.upsert(
            user_id, name="local", role=role, timezone_name=self.settings.timezone,  # type: ignore[arg-type]
            registered_via="local",
        )

    def _reactivate(self, user: User) -> User:
        if not user.active:  # they blocked the bot once and are back
            return self.users.update(user.id, active=1)
        return user

    def warm_up(self) -> None:
        """Load the embedding model, the index and the date models now rather than on a rep's first message."""
        try:
            recognizers.warm_up()
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
        chosen = language or user.language or language_of(content)
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
            self.users.log_message(request.user.id, kind=kind, text=text, skill=skill_name)

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
    skills: list[Skill] = []
    skills.append(SystemSkill(assistant.users, lambda: skills))
    skills.append(AskSkill(assistant.knowledge, assistant.answers))
    skills.append(VisitNotesSkill(assistant.conversations, assistant.customers, assistant.visits, assistant.notes))
    skills.append(CustomersSkill(assistant.users, assistant.customers, assistant.visits, assistant.profiles))
    skills.append(FollowupsSkill(assistant.conversations, assistant.users, assistant.followups,
                                 assistant.followup_service, assistant.digests))  # fmt: skip
    skills.append(PricingSkill(assistant.price_book, assistant.customers, assistant.knowledge))
    return skills


def build_assistant(settings: Settings, *, store: Store | None = None) -> Assistant:
    """Wire one Assistant from settings: the single place where components meet."""
    store = store or Store.open(settings.database_path)
    users = UserRepository(store)
    customers = CustomerRepository(store)
    followups = FollowupRepository(store)
    visits = VisitRepository(store, customers, followups)
    default_time = parse_clock(settings.default_reminder_time)
    knowledge = KnowledgeBase(settings.index_dir, make_embedder(settings.embedder, settings.embedding_model))
    price_book = load_price_book(settings.pricing_file)
    knowledge.add_user_words([customer.name for customer in customers.all()] + price_book.vocabulary())
    policy = DeliveryPolicy(
        retry_base=timedelta(seconds=settings.reminder_retry_seconds),
        lease=timedelta(seconds=settings.reminder_lease_seconds),
    )
    assistant = Assistant(
        settings=settings,
        store=store,
        users=users,
        conversations=ConversationRepository(store),
        customers=customers,
        visits=visits,
        followups=followups,
        answers=AnswerLog(store),
        notes=NoteTaker(visits, customers, default_time=default_time),
        followup_service=FollowupService(followups, customers, default_time=default_time),
        profiles=ProfileService(customers, visits, followups),
        reminders=ReminderService(store, users, policy=policy),
        digests=DigestService(store, followups, users, default_time=settings.digest_time),
        knowledge=knowledge,
        price_book=price_book,
    )
    assistant.skills = build_skills(assistant)
    assistant.router = Router(assistant.skills, conversations=assistant.conversations, fallback="ask")
    return assistant
