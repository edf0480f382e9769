"""The composition root: wires settings, store, knowledge base and skills into one `Assistant`.

Every transport (Telegram, `kam chat`, the CLI, tests) talks to the product only through
`Assistant.admit` (who may talk to the bot) and `Assistant.handle` (one request, one reply).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.logs import add_secret
from bot.router import Router
from bot.settings import Settings
from crm.answers import AnswerLog
from crm.cases import CaseRepository
from crm.contracts import ContractRepository, parse_offsets
from crm.conversations import ConversationRepository
from crm.customers import CustomerRepository
from crm.followups.digest import DigestService
from crm.followups.reminders import DeliveryPolicy, ReminderService
from crm.followups.repository import FollowupRepository
from crm.followups.schedule import parse_clock
from crm.followups.service import FollowupService
from crm.knowledge_gaps import KnowledgeGaps
from crm.language import Language, detect_language, replace_lone_surrogates
from crm.opportunities import OpportunityRepository
from crm.parsing import contacts, recognizers
from crm.pipeline import load_pipeline
from crm.pricing import PriceBook, load_price_book
from crm.profiles import ProfileService
from crm.store import Store
from crm.users import INVITE_GUESSES_PER_HOUR, LOCAL_OPERATOR_ID, User, UserNotFound, UserRepository
from crm.visits.assist import MAX_TOKENS as NOTE_MAX_TOKENS
from crm.visits.assist import NoteAssistant
from crm.visits.recording import NoteTaker
from crm.visits.repository import VisitRepository
from knowledge import KnowledgeBase, make_embedder
from knowledge.cache import EmbeddingCache
from knowledge.feedback import PassagePriors
from knowledge.gaps import group_similar
from knowledge.library import DocumentLibrary
from knowledge.llm import ChatModel
from knowledge.rewrite import QueryRewriter
from knowledge.synthesis import LLMConfig, Synthesizer
from skills.ask import AskSkill
from skills.base import Skill, SkillError
from skills.cases import CasesSkill
from skills.contracts import ContractsSkill
from skills.customers import CustomersSkill
from skills.documents import DocumentsSkill
from skills.followups import FollowupsSkill
from skills.gaps import KnowledgeGapsSkill
from skills.models import Attachment, Reply, Request
from skills.notes import VisitNotesSkill
from skills.opportunities import OpportunitiesSkill
from skills.pricing import PricingSkill
from skills.system import SystemSkill
from skills.team import TeamSkill
from skills.users import UsersSkill

log = logging.getLogger(__name__)



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


ATTEMPTS_KEPT_PER_DAY = 20  # refused messages recorded per Telegram id and day; the rest are only counted in logs
ATTEMPT_TEXT_KEPT = 100  # characters of a refused message kept (to see what strangers try)
MAX_MESSAGE_CHARS = 4096  # Telegram's own limit for one text message; longer text never reaches a skill
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
    opportunities: OpportunityRepository
    contracts: ContractRepository
    cases: CaseRepository
    gaps: KnowledgeGaps
    synthesizer: Synthesizer | None = None  # KAM_LLM=openai: answers phrased by a model, checked
    chat_model: ChatModel | None = None  # KAM_LLM=openai: follow-ups rewritten, visit notes read a second way
    skills: list[Skill] = field(init=False)
    router: Router = field(init=False)

    # access control ------------------------------------------------------------------------

    def admit(self, identity: Identity, text: str = "") -> Admission:
        """Decide whether this person gets any answer; register allowlisted and invited users.

        A revoked user is refused even when a setting lists them. Everyone refused gets one refusal
        a day and nothing else; after INVITE_GUESSES_PER_HOUR refused messages in an hour an invite
        code is no longer even checked, so codes cannot be guessed by trying.
        """
        settings = self.settings
        user_id = identity.user_id
        known = self.users.find(user_id)
        if known is not None and known.revoked:
            return self._refuse(identity, text)
        if user_id in settings.admins or user_id in settings.allowed_users:
            role = "admin" if user_id in settings.admins else "rep"
            user = self.users.upsert(
                user_id, name=identity.name, username=identity.username, role=role,
                timezone_name=settings.timezone, registered_via="admin" if role == "admin" else "allowlist",
            )
            return Admission(self._reactivate(user))
        if known is not None and known.registered_via in ("invite", "operator"):
            return Admission(self._reactivate(known))
        parsed = Router.parse_command(text)
        guessing = self.users.recent_access_attempts(user_id, since=_ago(hours=1)) >= INVITE_GUESSES_PER_HOUR
        if settings.invite_code and parsed and parsed[0] == "start" and not guessing and secrets.compare_digest(
            parsed[1].encode(), settings.invite_code.encode()
        ):
            user = self.users.upsert(
                user_id, name=identity.name, username=identity.username, role="rep",
                timezone_name=settings.timezone, registered_via="invite",
            )
            log.info("user %s registered with the invite code", user_id)
            return Admission(user)
        return self._refuse(identity, text)

    def _refuse(self, identity: Identity, text: str) -> Admission:
        user_id = identity.user_id
        refused_today = self.users.recent_access_attempts(user_id, since=_ago(hours=24))
        if refused_today < ATTEMPTS_KEPT_PER_DAY:
            self.users.log_access_attempt(user_id, name=identity.name, text=text[:ATTEMPT_TEXT_KEPT])
        log.warning("refused a message from Telegram user %s (%d today)", user_id, refused_today + 1)
        return Admission(None, Reply.of(REFUSAL_ZH, REFUSAL_EN) if refused_today == 0 else None)

    def local_operator(self) -> User:
        """The person at this machine (`kam chat`, the CLI): an admin with the id no Telegram user has."""
        known = self.users.find(LOCAL_OPERATOR_ID)
        if known is not None:
            return known
        return self.users.upsert(LOCAL_OPERATOR_ID, name="local", role="admin", timezone_name=self.settings.timezone,
                                 registered_via="local")  # fmt: skip

    def acting_user(self, user_id: int = LOCAL_OPERATOR_ID) -> User:
        """Who a CLI command acts as: the local operator, or an existing, unrevoked user as they are.

        The CLI never creates or promotes a Telegram user: an unknown or revoked id is UserNotFound.
        """
        if user_id == LOCAL_OPERATOR_ID:
            return self.local_operator()
        user = self.users.get(user_id)
        if user.revoked:
            raise UserNotFound(user_id)
        return user

    def _reactivate(self, user: User) -> User:
        if not user.active:  # they blocked the bot once and are back
            return self.users.update(user.id, active=1)
        return user

    def warm_up(self) -> None:
        """Load the embedding model, the index and the date models now rather than on a rep's first message."""
        try:
            recognizers.warm_up()
            contacts.warm_up()
            self.knowledge.warm_up()
        except Exception:  # warming is an optimisation; the first real use reports real problems
            log.warning("warm-up failed", exc_info=True)

    def build_index_if_missing(self) -> bool:
        """With no knowledge index yet (a fresh clone), build it in the background; chat works meanwhile."""
        return self.knowledge.build_in_background([self.settings.knowledge_dir])

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
        """Build a Request: the language is the user's choice, else the message's, else that of their latest
        message that shows one (a button press, "/help", "10"), else Chinese."""
        parsed = Router.parse_command(text)
        content = parsed[1] if parsed else text  # "/help" alone says nothing about the language
        chosen = language or user.language or detect_language(content) or self.users.recent_language(user.id) or "zh"
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
        if len(request.text) > MAX_MESSAGE_CHARS:
            return too_long(request)

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


def _ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat(timespec="seconds")


def too_long(request: Request) -> Reply:
    """The reply to a message over MAX_MESSAGE_CHARS: what happened and what works instead."""
    length = len(request.text)
    return Reply.of(
        request.t(f"这条消息有 {length} 个字，超过了 {MAX_MESSAGE_CHARS} 字的上限，我没有处理它（内容没有保存）。",
                  f"That message is {length} characters long, over the {MAX_MESSAGE_CHARS}-character limit; "
                  "I did not process or keep it."),
        request.t("可以这样做：拜访纪要分成几条发（每条一段）；问题用一两句话问；长文档请管理员以文件形式发给我，加入知识库。发送 /help 查看全部功能。",
                  "What works: send a long visit note in parts; ask a question in a sentence or two; an admin can add "
                  "long documents to the knowledge base by sending them as a file. Send /help for everything I can do."),
    )


def build_skills(assistant: Assistant) -> list[Skill]:
    """Create every built-in skill once, in the order /help lists them."""
    skills: list[Skill] = []
    skills.append(SystemSkill(assistant.users, lambda: skills))
    rewriter = QueryRewriter(assistant.chat_model) if assistant.chat_model is not None else None
    skills.append(AskSkill(assistant.knowledge, assistant.answers, synthesizer=assistant.synthesizer, rewriter=rewriter))
    skills.append(VisitNotesSkill(assistant.conversations, assistant.customers, assistant.visits, assistant.notes,
                                  knowledge=assistant.knowledge))  # fmt: skip
    skills.append(CustomersSkill(assistant.users, assistant.customers, assistant.visits, assistant.profiles))
    skills.append(FollowupsSkill(assistant.conversations, assistant.users, assistant.followups,
                                 assistant.followup_service, assistant.digests))  # fmt: skip
    skills.append(PricingSkill(assistant.price_book, assistant.customers, assistant.knowledge))
    skills.append(UsersSkill(assistant.users, timezone_name=assistant.settings.timezone))
    skills.append(TeamSkill(assistant.users, assistant.visits, assistant.followups, assistant.opportunities,
                            assistant.contracts, assistant.cases))  # fmt: skip
    skills.append(OpportunitiesSkill(assistant.users, assistant.customers, assistant.opportunities))
    skills.append(ContractsSkill(assistant.contracts, assistant.customers))
    skills.append(CasesSkill(assistant.conversations, assistant.customers, assistant.cases, assistant.knowledge))
    skills.append(DocumentsSkill(DocumentLibrary(assistant.settings.knowledge_dir, assistant.knowledge)))
    skills.append(KnowledgeGapsSkill(assistant.gaps))
    return skills


def make_synthesizer(settings: Settings) -> Synthesizer | None:
    """The model that phrases answers, or None with KAM_LLM=none (the default: nothing changes)."""
    if settings.llm == "none":
        return None
    add_secret(settings.llm_api_key)  # never logged, like the bot token
    return Synthesizer(llm_config(settings))


def make_chat_model(settings: Settings) -> ChatModel | None:
    """The model for short structured calls (follow-up rewrites, visit-note proposals), or None with KAM_LLM=none."""
    if settings.llm == "none":
        return None
    add_secret(settings.llm_api_key)
    return ChatModel(llm_config(settings))


def make_note_assistant(model: ChatModel | None) -> NoteAssistant | None:
    """The model's second reading of visit notes (its call bounded by KAM_LLM_TIMEOUT), or None without a model."""
    if model is None:
        return None
    return NoteAssistant(lambda messages: model.complete(messages, max_tokens=NOTE_MAX_TOKENS))


def llm_config(settings: Settings) -> LLMConfig:
    """Where the OpenAI-compatible server is, from the KAM_LLM_* settings."""
    return LLMConfig(base_url=(settings.llm_base_url or "").rstrip("/"), model=settings.llm_model or "",
                     api_key=settings.llm_api_key, timeout=settings.llm_timeout)  # fmt: skip


def refresh_priors(knowledge: KnowledgeBase, answers: AnswerLog) -> None:
    """Give the knowledge base the 👍/👎 priors counted from every vote so far."""
    knowledge.priors = PassagePriors(answers.passage_votes())


def make_knowledge_base(settings: Settings, *, use_cache: bool = True) -> KnowledgeBase:
    """The configured knowledge base, reusing vectors from the embedding cache (KAM_EMBEDDING_CACHE_DIR)."""
    cache = EmbeddingCache(settings.embedding_cache_dir) if use_cache and settings.embedding_cache_dir else None
    embedder = make_embedder(settings.embedder, settings.embedding_model, native_dir=settings.native_dir)
    return KnowledgeBase(settings.index_dir, embedder, cache=cache)


def knowledge_vocabulary(customers: CustomerRepository, price_book: PriceBook | None) -> list[str]:
    """The names the knowledge base's word segmenter keeps whole: the customers' and the products'."""
    return [customer.name for customer in customers.all()] + (price_book.vocabulary() if price_book else [])


def build_assistant(settings: Settings, *, store: Store | None = None) -> Assistant:
    """Wire one Assistant from settings: the single place where components meet."""
    store = store or Store.open(settings.database_path)
    users = UserRepository(store)
    customers = CustomerRepository(store)
    followups = FollowupRepository(store)
    opportunities = OpportunityRepository(store, load_pipeline(settings.pipeline_file))
    default_time = parse_clock(settings.default_reminder_time)
    contracts = ContractRepository(store, followups, users, offsets=parse_offsets(settings.renewal_offsets),
                                   default_time=default_time)  # fmt: skip
    cases = CaseRepository(store, followups, targets=settings.case_targets)
    visits = VisitRepository(store, customers, followups, opportunities, contracts, cases)
    knowledge = make_knowledge_base(settings)
    price_book = load_price_book(settings.pricing_file)
    knowledge.add_user_words(knowledge_vocabulary(customers, price_book))
    chat_model = make_chat_model(settings)
    answers = AnswerLog(store)
    refresh_priors(knowledge, answers)
    answers.on_vote = lambda: refresh_priors(knowledge, answers)  # a vote changes the ranking from the next question
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
        answers=answers,
        notes=NoteTaker(visits, customers, default_time=default_time, assistant=make_note_assistant(chat_model)),
        followup_service=FollowupService(followups, customers, default_time=default_time),
        profiles=ProfileService(customers, visits, followups, opportunities, contracts, cases),
        reminders=ReminderService(store, users, policy=policy),
        digests=DigestService(store, followups, users, opportunities=opportunities,
                              stale_days=settings.opportunity_stale_days, default_time=settings.digest_time),
        knowledge=knowledge,
        price_book=price_book,
        opportunities=opportunities,
        contracts=contracts,
        cases=cases,
        gaps=KnowledgeGaps(store, users, group=lambda texts: group_similar(texts, tokenizer=knowledge.tokenizer)),
        synthesizer=make_synthesizer(settings),
        chat_model=chat_model,
    )
    assistant.skills = build_skills(assistant)
    assistant.router = Router(assistant.skills, conversations=assistant.conversations, fallback="ask")
    return assistant
