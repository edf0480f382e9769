"""Customers: the list, a customer's card, and questions answered from the saved visit records.

A rep sees their own visits and follow-ups; admins see everyone's. Customer records and contacts
are shared (see `crm.customers` for which customers a rep's /customers lists).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from crm.cases import priority_label, type_label
from crm.customer_import import CustomerInput, normalize_value_class
from crm.customers import Customer, CustomerNotFound, CustomerRepository
from crm.formatting import format_contact, format_day, format_due, objection_label, opportunity_line
from crm.parsing.matching import CANDIDATE_SCORE
from crm.parsing.periods import Period, period_in
from crm.pipeline import Pipeline
from crm.profiles import CustomerProfile, ProfileService
from crm.users import UserRepository
from crm.visits.repository import Visit, VisitRepository
from skills.base import RouteScore, Skill, SkillError, StaleButton, command, parse_row_id
from skills.intent import asks_for_records
from skills.models import Button, Reply, Request

_CONTACT_QUESTIONS = (
    re.compile(r"^(?P<name>[^\s，,]{1,12}?)(?:是|在)(?:哪家|哪个|哪|什么)(?:公司|客户|单位)"),
    re.compile(r"^(?:which|what) (?:company|customer|account|firm|client) (?:is|does) (?P<name>.+?)"
               r" (?:with|at|from|work (?:for|at)|belong to)\b", re.I),
    re.compile(r"^who (?:does|is) (?P<name>.+?) (?:work for|with)\b", re.I),
    re.compile(r"^where does (?P<name>.+?) work\b", re.I),
)  # fmt: skip
_VISITED = re.compile(
    r"(?:拜访|见|去|跑)(?:了|过)(?:哪些|哪几家|几家|谁)|(?:拜访|见|去)(?:哪些|哪几家)|拜访记录(?!表|单|模板|模版|格式|怎么写|要写)|"  # not the form
    r"who did i (?:visit|meet|see)|(?:which|what) (?:customers|clients|accounts|companies) did i (?:visit|meet|see)|"
    r"where did i go|my visits",
    re.I,
)
_WHICH_CUSTOMERS = re.compile(
    r"哪些客户|哪几家|哪家客户|哪些公司|有哪些.*客户|"
    r"(?:which|what) (?:customers|clients|accounts|companies)|who (?:complained|objected|pushed back)",
    re.I,
)
_MY_CUSTOMERS = re.compile(r"我的客户|客户列表|所有客户|my (?:customers|accounts|clients)|list (?:of )?customers", re.I)
_CARD_WORDS = re.compile(
    r"怎么样|最近|情况|进展|近况|如何|咋样|状态|跟进到哪|how(?:'s| is| are)|doing|status|update|latest|what'?s new",
    re.I,
)
# "上次拜访华信聊了什么", "what happened at the last visit to Acme": the card lists the latest visits. Asked only:
# "拜访华信，聊了报价" is a visit note.
# 华信科技的联系人是谁, "who are the contacts at Acme", "Acme profile": what the card shows, asked for
_PROFILE_ASK = re.compile(
    r"(?:联系人|对接人|档案|客户卡)(?:是谁|有谁|有哪些|都有谁|是哪些)?[?？]?$|\b(?:contacts|profile)[?？]?$|\bwho (?:are|is) the contacts?\b",
    re.I,
)
# "华信科技的跟进", "Acme follow-ups?": the card lists the customer's open follow-ups
_FOLLOWUP_WORDS = re.compile(r"跟进|待办|\b(?:follow[- ]?ups?|to-?dos?|reminders)\b", re.I)
_HISTORY_WORDS = re.compile(
    r"上次|上回|上一次|拜访|聊了|谈了|说了|last\s+(?:visit|time|meeting|call)|discuss|talked|what\s+happened|meeting", re.I
)
_QUESTION = re.compile(r"[?？]|吗|呢|怎么|如何|哪|什么|啥|\b(?:how|what|which|who|where)\b", re.I)
_PRICE_TOPIC = re.compile(r"价格|价钱|贵|报价|便宜|折扣|降价|price|pricing|expensive|cost|discount", re.I)
_TOPICS: tuple[tuple[re.Pattern[str], tuple[str, ...], str, str], ...] = (
    (_PRICE_TOPIC, ("price",), "价格", "price"),
    (re.compile(r"竞争|竞品|友商|对手|competitor|rival", re.I), ("competitor",), "竞争对手", "competitor"),
    (re.compile(r"交付|交货|周期|工期|延期|delivery|lead time|timeline|delay", re.I), ("delivery",), "交付", "delivery"),
    (re.compile(r"资质|安全|等保|合规|security|compliance|certif|privacy", re.I), ("security",), "安全资质", "security"),
    (re.compile(r"质量|故障|售后|服务|响应|不满|投诉|quality|bug|outage|crash|unhappy|support|service|complain", re.I),
     ("quality",), "质量", "quality"),
    (re.compile(r"账期|付款|回款|payment", re.I), ("payment",), "付款", "payment"),
    (re.compile(r"复杂|难用|不好用|complex|complicated|hard to use", re.I), ("complexity",), "易用性", "complexity"),
    (re.compile(r"预算|budget", re.I), ("budget",), "预算", "budget"),
)  # fmt: skip
_LIST_LIMIT = 60


class CustomersSkill(Skill):
    """/customers, /customer NAME and questions about customers and visits."""

    name = "customers"
    title_zh = "客户"
    title_en = "Customers"
    description_zh = "客户列表、客户档案，以及根据拜访记录回答客户问题"
    description_en = "Your customers, a customer's card, and questions answered from visit records"
    examples = ("华信科技最近怎么样？", "哪些客户嫌价格贵？", "我上周拜访了哪些客户？", "王经理是哪家公司的？",
                "how is Acme doing?", "which customers complained about price?", "who did I visit last week?")  # fmt: skip

    def __init__(
        self, users: UserRepository, customers: CustomerRepository, visits: VisitRepository, profiles: ProfileService
    ):
        self.users = users
        self.customers = customers
        self.visits = visits
        self.profiles = profiles

    # routing -----------------------------------------------------------------------------------

    def score(self, request: Request) -> RouteScore:
        """Claim questions about customers: a name + 怎么样/最近, 哪些客户, 拜访了哪些, 是哪家公司."""
        text = request.text.strip()
        if not text:
            return RouteScore(0.0)
        if _contact_name(text):
            return RouteScore(0.9, "asks which company a contact is with")
        if _VISITED.search(text):
            return RouteScore(0.9, "asks which customers were visited")
        if _WHICH_CUSTOMERS.search(text):
            topic = _topic(text)
            return RouteScore(0.85 if topic else 0.6, "asks which customers" + (f" ({topic[2]})" if topic else ""))
        if _MY_CUSTOMERS.search(text) and len(text) <= 20:
            return RouteScore(0.8, "asks for the customer list")
        if len(text) > 60:
            return RouteScore(0.0)
        found = self.customers.match(text)
        if found is None or found.status == "unknown":
            return RouteScore(0.0)
        if asks_for_records(request.plain.strip(), found.said, _FOLLOWUP_WORDS):
            return RouteScore(0.9, f"asks for the follow-ups of {found.said}")
        if _PROFILE_ASK.search(text) or _CARD_WORDS.search(text) and _QUESTION.search(text) or _CARD_WORDS.search(text) and len(text) <= 16:
            return RouteScore(0.85, f"asks about customer {found.said}")
        if _HISTORY_WORDS.search(text) and _QUESTION.search(text) and not _PRICE_TOPIC.search(text):  # a price: ask which
            return RouteScore(0.85, f"asks about the visits to {found.said}")
        if text.rstrip("?？ ").casefold() == found.said.casefold():
            return RouteScore(0.7, f"names customer {found.said}")
        if _QUESTION.search(text):
            return RouteScore(0.55, f"question naming customer {found.said}")
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Answer a question about customers or visits."""
        text = request.plain.strip()  # as the router scored it: 我這週拜訪了哪些客戶 asks what 我这周… asks
        if name := _contact_name(text):
            return self._contact_company(request, name)
        if _VISITED.search(text):
            return self._visited(request, period_in(text, request.local_now.date()))
        if _WHICH_CUSTOMERS.search(text) and not _MY_CUSTOMERS.search(text):
            return self._with_objections(request, _topic(text), period_in(text, request.local_now.date()))
        if _MY_CUSTOMERS.search(text):
            return self.list_customers(request.model_copy(update={"args": ""}))
        return self._card_for_text(request, text)

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """`card:<id>` opens a customer's card."""
        action, _, value = payload.partition(":")
        customer_id = parse_row_id(value)
        if action == "card" and customer_id is not None:
            try:
                return self.card(request, self.customers.get(customer_id))
            except CustomerNotFound:
                pass
        raise StaleButton()

    # commands ----------------------------------------------------------------------------------

    @command("customers", zh="我的客户；/customers add 名称 行业 级别 新增客户",
             en="My customers; /customers add NAME INDUSTRY CLASS adds one", example="/customers add 明达科技 制造 II")
    def list_customers(self, request: Request) -> Reply:
        """List the customers I may see, or add one with `add`."""
        words = request.args.split(maxsplit=1)
        if words and words[0].lower() in ("add", "new", "新增", "添加", "新建"):
            return self._add(request, words[1] if len(words) > 1 else "")
        customers = self.customers.listed_for(request.user)
        if not customers:
            return Reply.of(request.t("还没有客户。用 /customers add 名称 行业 级别 添加，或让管理员导入客户表。",
                                      "No customers yet. Add one with /customers add NAME INDUSTRY CLASS, "
                                      "or ask an admin to import the customer list."))  # fmt: skip
        lines = [_customer_line(customer, request.language) for customer in customers[:_LIST_LIMIT]]
        if len(customers) > _LIST_LIMIT:
            lines.append(request.t(f"…还有 {len(customers) - _LIST_LIMIT} 个", f"…and {len(customers) - _LIST_LIMIT} more"))
        heading = request.t(f"客户（{len(customers)}）", f"Customers ({len(customers)})")
        return Reply.of(heading).add("\n".join(lines)).add(
            request.t("发送 /customer 名称 查看客户档案。", "Send /customer NAME for a customer's card.")
        )

    @command("customer", zh="查看客户档案：/customer 华信", en="A customer's card: /customer Acme", example="/customer 华信")
    def customer(self, request: Request) -> Reply:
        """Show a customer's card: value class, contacts, latest visits, open follow-ups, objections."""
        name = request.args.strip()
        if not name:
            raise SkillError("用法：/customer 客户名称", "Usage: /customer NAME")
        return self._card_for_text(request, name)

    # answers -----------------------------------------------------------------------------------

    def card(self, request: Request, customer: Customer) -> Reply:
        """The card of one customer, with the records this user may see."""
        profile = self.profiles.profile(customer, user_id=request.user.owner_scope, today=request.local_now.date())
        return render_profile(profile, request, self.profiles.opportunities.pipeline)

    def _card_for_text(self, request: Request, text: str) -> Reply:
        exact = self.customers.find_by_name(text)
        if exact is not None:
            return self.card(request, exact)
        found = self.customers.match(text)
        if found is not None and found.status == "auto" and found.customer and found.customer.id is not None:
            return self.card(request, self.customers.get(found.customer.id))
        candidates = [
            c.customer for c in (found.candidates if found else [])
            if c.customer.id is not None and c.score >= CANDIDATE_SCORE
        ]  # fmt: skip
        if candidates:
            buttons = [[Button(label=c.name, data=self.callback(f"card:{c.id}"))] for c in candidates[:4]]
            return Reply.of(request.t("你说的是哪个客户？", "Which customer do you mean?"), buttons=buttons)
        raise SkillError(f"没找到这个客户：{text}。发送 /customers 查看客户列表。",
                         f"No customer matches “{text}”. Send /customers to see the list.")  # fmt: skip

    def _contact_company(self, request: Request, name: str) -> Reply:
        found = self.customers.find_contacts(name, user_id=request.user.owner_scope)
        if not found:
            raise SkillError(f"客户档案里还没有联系人“{name}”。拜访纪要保存后，联系人会自动记录。",
                             f"No contact called “{name}” yet. Contacts are recorded when visit notes are saved.")
        lines = []
        for contact, customer in found:
            person = format_contact(contact.name, contact.title, contact.department, request.language)
            lines.append(request.t(f"{person} — {customer.name}", f"{person} — {customer.name}"))
        heading = request.t(f"“{name}”在这些客户：" if len(found) > 1 else f"“{name}”是这家客户的：",
                            f"“{name}” is with:")  # fmt: skip
        buttons = [[Button(label=customer.name, data=self.callback(f"card:{customer.id}"))] for _, customer in found[:4]]
        return Reply.of(heading, "\n".join(lines), buttons=buttons)

    def _visited(self, request: Request, period: Period | None) -> Reply:
        today = request.local_now.date()
        period = period or Period(start=today - timedelta(days=6), end=today, zh="最近7天", en="the past 7 days")
        visits = self.visits.between(period.start, period.end, user_id=request.user.owner_scope)
        label = period.label(request.language)
        if not visits:
            return Reply.of(request.t(f"{label}没有拜访记录。", f"No visits recorded for {label}."))
        by_customer: dict[str, list[Visit]] = {}
        for visit in visits:
            by_customer.setdefault(visit.customer_name or request.t("（未指定客户）", "(no customer)"), []).append(visit)
        lines = []
        for customer_name, customer_visits in by_customer.items():
            days = request.t("、", ", ").join(sorted({format_day(v.visit_date, request.language) for v in customer_visits}))
            owner = self._owner_suffix(request, customer_visits)
            lines.append(f"• {customer_name} — {days}{owner}")
        heading = request.t(f"{label}拜访了 {len(by_customer)} 家客户（{len(visits)} 次）：",
                            f"{label.capitalize()}: {len(by_customer)} customers, {len(visits)} visits")  # fmt: skip
        return Reply.of(heading, "\n".join(lines))

    def _with_objections(
        self, request: Request, topic: tuple[re.Pattern[str], tuple[str, ...], str, str] | None, period: Period | None
    ) -> Reply:
        categories = topic[1] if topic else tuple(self.visits.objection_categories())
        if not categories:
            return Reply.of(request.t("还没有记录到客户异议。", "No customer objections recorded yet."))
        visits = self.visits.with_objection(categories, user_id=request.user.owner_scope, since=period.start if period else None)
        if period is not None:
            visits = [visit for visit in visits if visit.visit_date <= period.end]
        subject = request.t(topic[2], topic[3]) if topic else request.t("异议", "objections")
        if not visits:
            return Reply.of(request.t(f"拜访记录里没有客户提出{subject}方面的异议。",
                                      f"No visit records mention {subject} objections."))  # fmt: skip
        by_customer: dict[str, list[Visit]] = {}
        for visit in visits:
            by_customer.setdefault(visit.customer_name or request.t("（未指定客户）", "(no customer)"), []).append(visit)
        lines = []
        for customer_name, customer_visits in by_customer.items():
            details = []
            for visit in customer_visits[:3]:
                said = "；".join(o.text for o in visit.objections if o.category in categories and o.text)
                details.append(f"{visit.visit_date.isoformat()} {said}".strip())
            lines.append(f"• {customer_name}{self._owner_suffix(request, customer_visits)}\n  " + "\n  ".join(details))
        heading = request.t(f"这些客户提出过{subject}方面的异议（{len(by_customer)} 家）：",
                            f"Customers who raised {subject} objections ({len(by_customer)}):")  # fmt: skip
        return Reply.of(heading, "\n".join(lines))

    def _add(self, request: Request, args: str) -> Reply:
        name, industry, value_class = _parse_add_args(args)
        if not name:
            raise SkillError("用法：/customers add 名称 [行业] [级别 I–IV]", "Usage: /customers add NAME [INDUSTRY] [CLASS I–IV]")
        existing = self.customers.find_by_name(name)
        if existing is not None:
            return Reply.of(request.t(f"客户“{existing.name}”已存在。", f"Customer “{existing.name}” already exists.")).add(
                self.card(request, existing).text)
        data = CustomerInput(name=name, industry=industry, value_class=value_class,
                             owner_id=request.user.owner_scope)  # fmt: skip
        customer, _ = self.customers.upsert(data)
        return Reply.of(request.t(f"已添加客户：{_customer_line(customer, 'zh')}",
                                  f"Added customer: {_customer_line(customer, 'en')}"))  # fmt: skip

    def _owner_suffix(self, request: Request, visits: Iterable[Visit]) -> str:
        if not request.user.is_admin:
            return ""
        names = sorted({self.users.name_of(visit.user_id) for visit in visits})
        return f"（{'、'.join(names)}）" if request.language == "zh" else f" ({', '.join(names)})"


def render_profile(profile: CustomerProfile, request: Request, pipeline: Pipeline) -> Reply:
    """A customer card as a reply."""
    customer, language = profile.customer, request.language
    reply = Reply().add(_customer_line(customer, language), "heading")
    if customer.notes:
        reply.add(request.t(f"备注：{customer.notes}", f"Notes: {customer.notes}"))
    if profile.contacts:
        people = request.t("、", ", ").join(format_contact(c.name, c.title, c.department, language) for c in profile.contacts)
        reply.add(request.t(f"联系人：{people}", f"Contacts: {people}"))
    if profile.visits:
        lines = [f"• {visit.visit_date.isoformat()} {_visit_line(visit)}" for visit in profile.visits]
        reply.add(request.t("最近拜访：", "Latest visits:") + "\n" + "\n".join(lines))
    else:
        reply.add(request.t("还没有你的拜访记录。", "No visits of yours recorded yet.")
                  if not request.user.is_admin else request.t("还没有拜访记录。", "No visits recorded yet."))
    if profile.followups:
        lines = [f"• {format_due(f.due, zone=request.user.zone, language=language)} {f.text}" for f in profile.followups]
        reply.add(request.t("待办跟进：", "Open follow-ups:") + "\n" + "\n".join(lines))
    if profile.objections:
        lines = [
            f"• {objection.visit_date.isoformat()} {objection_label(objection.category, language)}"
            + (f"：{objection.text}" if objection.text else "") + (f"（{objection.amount}）" if objection.amount else "")
            for objection in profile.objections
        ]
        reply.add(request.t("近期异议：", "Recent objections:") + "\n" + "\n".join(lines))
    if profile.opportunities:
        lines = [
            "• " + opportunity_line(o.title, o.amount, o.currency, o.expected_close,
                                    f"{pipeline.label_of(o.stage, language)} {o.probability}%", language)
            for o in profile.opportunities
        ]
        reply.add(request.t("进行中的商机：", "Open opportunities:") + "\n" + "\n".join(lines))
    if profile.contracts_ending:
        lines = [
            f"• {contract.number or contract.title or '#' + str(contract.id)} "
            + request.t(f"{contract.end:%Y-%m-%d} 到期", f"ends {contract.end:%Y-%m-%d}")
            for contract in profile.contracts_ending
        ]
        reply.add(request.t("半年内到期的合同：", "Contracts ending within 180 days:") + "\n" + "\n".join(lines))
    if profile.open_cases:
        lines = [f"• #{case.id} {type_label(case.type, language)} · {priority_label(case.priority, language)}: "
                 f"{case.description[:40]}" for case in profile.open_cases]  # fmt: skip
        reply.add(request.t("未结的售后工单：", "Open cases:") + "\n" + "\n".join(lines))
    return reply


def _visit_line(visit: Visit) -> str:
    summary = visit.summary.strip()
    if not summary and visit.record is not None:
        summary = "；".join(visit.record.next_steps)
    return summary if len(summary) <= 80 else summary[:79] + "…"


def _customer_line(customer: Customer, language: str) -> str:
    value_class = ""
    if customer.value_class:
        value_class = f"{customer.value_class}类" if language == "zh" else f"class {customer.value_class}"
    parts = [customer.name, value_class, customer.industry or "", customer.city or ""]
    return " · ".join(part for part in parts if part)


def _contact_name(text: str) -> str | None:
    cleaned = text.strip().rstrip("?？。. ")
    for pattern in _CONTACT_QUESTIONS:
        if match := pattern.search(cleaned):
            name = match.group("name").strip()
            name = re.sub(r"^(?:请问|那个|这个)", "", name)
            if name and not re.fullmatch(r"(?:他|她|它|这|那|这个人|那个人|he|she|they|it)", name, re.I):
                return name
    return None


def _topic(text: str) -> tuple[re.Pattern[str], tuple[str, ...], str, str] | None:
    for topic in _TOPICS:
        if topic[0].search(text):
            return topic
    return None


def _parse_add_args(args: str) -> tuple[str, str | None, str | None]:
    """'明达科技 制造 II' or 'Globex Corp, Retail, 3' -> (name, industry, class)."""
    parts = [p.strip() for p in re.split(r"[,，|]", args)] if re.search(r"[,，|]", args) else args.split()
    parts = [part for part in parts if part]
    if not parts:
        return "", None, None
    value_class = None
    if len(parts) > 1:
        try:
            value_class = normalize_value_class(parts[-1])
            parts = parts[:-1]
        except ValueError:
            pass
    name = parts[0]
    industry = " ".join(parts[1:]) or None
    return name, industry, value_class
