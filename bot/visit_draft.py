"""A visit note being confirmed: the parser's record made editable, and corrections typed by the rep.

`VisitDraft` is what the card shows and what Save stores; it is kept as JSON on the raw note so a
draft survives restarts. Corrections are short texts: "客户是华新建材", "跟进改到周五下午",
"联系人是采购部李总", "customer is Acme", "follow up Friday 3pm", "contact is Sarah (CFO)".
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from bot.customers import Customer, CustomerRepository
from bot.parsing.contacts import find_contacts
from bot.parsing.dates import DateMention, find_dates
from bot.parsing.matching import CANDIDATE_SCORE
from bot.visit_text import objection_label

CustomerStatus = Literal["auto", "ambiguous", "unknown", "chosen"]


class CustomerOption(BaseModel):
    """A customer the rep may have meant."""

    id: int
    name: str
    score: float = 0.0


class ContactDraft(BaseModel):
    """A person met, as said (王经理, Sarah), with title and department when said."""

    name: str
    title: str | None = None
    department: str | None = None


class ObjectionDraft(BaseModel):
    """A concern raised: category (price, competitor, …), the words, an amount when said."""

    category: str
    text: str = ""
    amount: str | None = None


class FollowupDraft(BaseModel):
    """Something to do by a time; `due` is aware, in the rep's zone."""

    due: datetime
    text: str
    has_time: bool = False
    vague: bool = False


class VisitDraft(BaseModel):
    """Everything the card shows and Save stores."""

    customer_id: int | None = None
    customer_name: str | None = None
    customer_status: CustomerStatus = "unknown"
    customer_said: str = ""
    value_class: str | None = None
    candidates: list[CustomerOption] = Field(default_factory=list)
    contacts: list[ContactDraft] = Field(default_factory=list)
    visit_date: date
    objections: list[ObjectionDraft] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    followups: list[FollowupDraft] = Field(default_factory=list)
    amounts: list[str] = Field(default_factory=list)
    summary: str = ""
    language: str = "zh"
    warnings: list[str] = Field(default_factory=list)

    @property
    def has_customer(self) -> bool:
        """A customer on file is set, so the visit can be saved."""
        return self.customer_id is not None

    def with_customer(self, customer: Customer) -> VisitDraft:
        """The draft about `customer`, chosen by the rep."""
        return self.model_copy(
            update={"customer_id": customer.id, "customer_name": customer.name, "customer_status": "chosen",
                    "value_class": customer.value_class, "candidates": []}
        )  # fmt: skip


class CorrectionNotUnderstood(ValueError):
    """The text does not say which field to change."""


_IS = r"\s*(?:应该是|改为|改成|换成|是|为|is|should be|was|=|:|：)\s*"
_CUSTOMER = re.compile(r"^(?:客户|公司|客户名称|customer|company|account|client)" + _IS + r"(?P<value>.+)$", re.I)
_CONTACT = re.compile(r"^(?:联系人|对接人|见的人|见的是|contact(?: person)?|met with|person)" + _IS + r"(?P<value>.+)$", re.I)
_VISIT_DATE = re.compile(r"^(?:拜访日期|拜访时间|拜访是|日期|visit(?:ed)?(?: date| on)?|date)(?:" + _IS + r")?(?P<value>.+)$", re.I)
_NO_FOLLOWUP = re.compile(r"(?:不用|不需要|没有|删除|去掉|取消)(?:跟进|提醒)|no follow[- ]?ups?|(?:remove|delete|drop|cancel) (?:the )?follow[- ]?ups?", re.I)
_FOLLOWUP = re.compile(r"跟进|提醒|回访|下次|再约|改到|改成|推迟|提前到|follow[- ]?up|remind|reminder|move|reschedule|due", re.I)
_DEPARTMENT = re.compile(r"^(?P<department>[\u4e00-\u9fffA-Za-z]{1,8}?(?:部|中心|处|科|办公室|组))(?P<name>[\u4e00-\u9fff].*)$")
_EN_CONTACT = re.compile(r"^(?P<name>[^,(（]+?)\s*(?:[,(（]\s*(?P<title>[^)）]+?)\s*[)）]?)?$")


def apply_correction(
    draft: VisitDraft, text: str, *, customers: CustomerRepository, now: datetime, zone: ZoneInfo,
    default_time: time,
) -> tuple[VisitDraft, str]:
    """The draft with the correction in `text` applied, and which field changed; CorrectionNotUnderstood otherwise."""
    text = text.strip().rstrip("。.!！")
    local_now = now.astimezone(zone)
    if match := _CUSTOMER.match(text):
        return set_customer_by_name(draft, match.group("value").strip(), customers), "customer"
    if match := _CONTACT.match(text):
        return draft.model_copy(update={"contacts": parse_contacts(match.group("value"))}), "contacts"
    if _NO_FOLLOWUP.search(text):
        return draft.model_copy(update={"followups": []}), "followups"
    mentions = find_dates(text, now=local_now)
    if mentions and _VISIT_DATE.match(text) and not _FOLLOWUP.search(text):
        day = mentions[0].day
        if day is not None:
            return draft.model_copy(update={"visit_date": day}), "visit_date"
    if mentions:
        return _move_followup(draft, text, mentions[0], zone=zone, default_time=default_time), "followups"
    raise CorrectionNotUnderstood(text)


def set_customer_by_name(draft: VisitDraft, name: str, customers: CustomerRepository) -> VisitDraft:
    """The draft about the customer `name` names: on file, to choose among, or new."""
    found = customers.lookup(name)
    if found is not None:
        return draft.with_customer(found)
    match = customers.match(name)
    options = [
        CustomerOption(id=candidate.customer.id, name=candidate.customer.name, score=candidate.score)
        for candidate in (match.candidates if match else [])
        if candidate.customer.id is not None and candidate.score >= CANDIDATE_SCORE
    ]
    return draft.model_copy(
        update={"customer_id": None, "customer_name": None, "value_class": None, "customer_said": name,
                "customer_status": "ambiguous" if options else "unknown", "candidates": options}
    )  # fmt: skip


def parse_contacts(value: str) -> list[ContactDraft]:
    """'采购部李总、张工' -> contacts; 'Sarah (CFO)' -> Sarah with title CFO."""
    found = find_contacts(value)
    if found:
        return [ContactDraft(name=c.name, title=c.title, department=c.department) for c in found]
    contacts = []
    for part in re.split(r"[、,，;；和]|\band\b", value) if re.search(r"[\u4e00-\u9fff]", value) else [value]:
        part = part.strip()
        if not part:
            continue
        department = None
        title = None
        if match := _DEPARTMENT.match(part):
            department, part = match.group("department"), match.group("name")
        elif match := _EN_CONTACT.match(part):
            part, title = match.group("name").strip(), match.group("title")
        title = title or _title_of(part)
        contacts.append(ContactDraft(name=part, title=title, department=department))
    return contacts


_TITLES = ("总经理", "副总", "经理", "总监", "主任", "处长", "科长", "部长", "主管", "总", "工", "老师", "博士")


def _title_of(name: str) -> str | None:
    for title in _TITLES:
        if name.endswith(title) and len(name) > len(title):
            return title
    return None


def _move_followup(
    draft: VisitDraft, text: str, mention: DateMention, *, zone: ZoneInfo, default_time: time
) -> VisitDraft:
    day, clock = mention.due(default_time)
    followups = list(draft.followups)
    current = followups[0] if followups else None
    if day is None or (mention.granularity == "time" and current is not None):  # only a time was said
        day = current.due.astimezone(zone).date() if current else day or draft.visit_date
    due = datetime.combine(day, clock, tzinfo=zone)
    if current is not None:
        followups[0] = current.model_copy(update={"due": due, "has_time": mention.has_time, "vague": mention.vague})
    else:
        label = draft.customer_name or draft.customer_said
        words = text.replace(mention.text, "").strip(" ，,")
        followups.append(FollowupDraft(due=due, text=words or (f"跟进{label}" if label else "跟进"),
                                       has_time=mention.has_time, vague=mention.vague))  # fmt: skip
    return draft.model_copy(update={"followups": followups})


def summarize_draft(draft: VisitDraft) -> str:
    """One line for lists: contacts | objections | first follow-up (the customer is shown beside it)."""
    zh = draft.language != "en"
    parts = []
    if draft.contacts:
        parts.append(("、" if zh else ", ").join(contact.name for contact in draft.contacts[:3]))
    if draft.objections:
        labels = ("、" if zh else ", ").join(objection_label(o.category, "zh" if zh else "en") for o in draft.objections)
        parts.append(("异议：" if zh else "objections: ") + labels)
    if draft.followups:
        first = draft.followups[0]
        moment = f"{first.due:%m-%d %H:%M}" if first.has_time else f"{first.due:%m-%d}"
        parts.append(("跟进：" if zh else "follow-up: ") + f"{moment} {first.text}".strip())
    elif draft.next_steps:
        parts.append(draft.next_steps[0])
    return " | ".join(parts) or draft.summary
