"""Corrections typed by the rep while a visit record is on the card.

Corrections are short texts: "客户是华新建材", "跟进改到周五下午", "联系人是采购部李总",
"customer is Acme", "follow up Friday 3pm", "contact is Sarah (CFO)", "不是商机" / "no opportunity",
"不是工单" / "no case", "工单是故障 紧急" / "case is incident urgent", "不是合同" / "no contract".
"""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from crm.customers import CustomerRepository
from crm.parsing.contacts import Contact, find_contacts
from crm.parsing.dates import DateMention, find_dates, simplified
from crm.parsing.matching import CANDIDATE_SCORE
from crm.visits.record import CustomerOption, PlannedFollowup, VisitRecord


class CorrectionNotUnderstood(ValueError):
    """The text does not say which field to change."""


_IS = r"\s*(?:应该是|改为|改成|换成|是|为|is|should be|was|=|:|：)\s*"
_CUSTOMER = re.compile(r"^(?:客户|公司|客户名称|customer|company|account|client)" + _IS + r"(?P<value>.+)$", re.I)
_CONTACT = re.compile(r"^(?:联系人|对接人|见的人|见的是|contact(?: person)?|met with|person)" + _IS + r"(?P<value>.+)$", re.I)
_VISIT_DATE = re.compile(r"^(?:拜访日期|拜访时间|拜访是|日期|visit(?:ed)?(?: date| on)?|date)(?:" + _IS + r")?(?P<value>.+)$", re.I)
_NO_FOLLOWUP = re.compile(r"(?:不用|不需要|没有|删除|去掉|取消)(?:跟进|提醒)|no follow[- ]?ups?|(?:remove|delete|drop|cancel) (?:the )?follow[- ]?ups?", re.I)
_NO_OPPORTUNITY = re.compile(
    r"不是商机|没有商机|不算商机|(?:不要|删除|删掉|去掉|取消)商机|"
    r"\bno (?:opportunity|opportunities|deal)\b|\bnot an? (?:opportunity|deal)\b|"
    r"\b(?:remove|drop|delete) (?:the )?(?:opportunity|opportunities|deal)\b",
    re.I,
)
_NO_CASE = re.compile(r"不是工单|没有工单|不算工单|(?:不要|删除|去掉|取消)工单|\bno (?:case|ticket)s?\b|\bnot an? (?:case|ticket)\b", re.I)
_NO_CONTRACT = re.compile(r"不是合同|(?:不要|删除|去掉|取消)合同|\bno contract\b|\b(?:remove|drop) (?:the )?contract\b", re.I)
_CASE = re.compile(r"^(?:工单|case|ticket)" + _IS + r"(?P<value>.+)$", re.I)
_CASE_WORDS = {"投诉": ("type", "complaint"), "complaint": ("type", "complaint"), "故障": ("type", "incident"),
               "incident": ("type", "incident"), "咨询": ("type", "question"), "question": ("type", "question"),
               "紧急": ("priority", "urgent"), "urgent": ("priority", "urgent"), "高": ("priority", "high"),
               "high": ("priority", "high"), "普通": ("priority", "normal"), "normal": ("priority", "normal"),
               "低": ("priority", "low"), "low": ("priority", "low")}  # fmt: skip
_FOLLOWUP = re.compile(r"跟进|提醒|回访|下次|再约|改到|改成|推迟|提前到|follow[- ]?up|remind|reminder|move|reschedule|due", re.I)
_DEPARTMENT = re.compile(r"^(?P<department>[\u4e00-\u9fffA-Za-z]{1,8}?(?:部|中心|处|科|办公室|组))(?P<name>[\u4e00-\u9fff].*)$")
_EN_CONTACT = re.compile(r"^(?P<name>[^,(（]+?)\s*(?:[,(（]\s*(?P<title>[^)）]+?)\s*[)）]?)?$")


def apply_correction(
    record: VisitRecord, text: str, *, customers: CustomerRepository, now: datetime, zone: ZoneInfo,
    default_time: time,
) -> tuple[VisitRecord, str]:
    """The record with the correction in `text` applied, and which field changed; CorrectionNotUnderstood otherwise."""
    text = text.strip().rstrip("。.!！")
    plain = simplified(text)  # 聯繫人是… reads as 联系人是…; char for char, so a value is sliced from the text as typed
    local_now = now.astimezone(zone)
    if match := _CUSTOMER.match(plain):
        return set_customer_by_name(record, text[match.start("value") :].strip(), customers), "customer"
    if match := _CONTACT.match(plain):
        return record.model_copy(update={"contacts": parse_contacts(text[match.start("value") :])}), "contacts"
    if _NO_OPPORTUNITY.search(plain):
        return record.model_copy(update={"opportunities": []}), "opportunities"
    if _NO_CASE.search(plain):
        return record.model_copy(update={"cases": []}), "cases"
    if _NO_CONTRACT.search(plain):
        return record.model_copy(update={"contracts": []}), "contracts"
    if (match := _CASE.match(plain)) and record.cases:
        changes = dict(_CASE_WORDS[word] for word in re.split(r"[\s,，、·]+", match.group("value").lower()) if word in _CASE_WORDS)
        if changes:  # 工单是故障 紧急 / "case is incident, urgent": the first case's type and priority
            cases = [record.cases[0].model_copy(update=changes), *record.cases[1:]]
            return record.model_copy(update={"cases": cases}), "cases"
    if _NO_FOLLOWUP.search(plain):
        return record.model_copy(update={"followups": []}), "followups"
    mentions = find_dates(text, now=local_now)
    if mentions and _VISIT_DATE.match(plain) and not _FOLLOWUP.search(plain):
        day = mentions[0].day
        if day is not None:
            return record.model_copy(update={"visit_date": day}), "visit_date"
    if mentions:
        return _move_followup(record, text, mentions[0], zone=zone, default_time=default_time), "followups"
    raise CorrectionNotUnderstood(text)


def set_customer_by_name(record: VisitRecord, name: str, customers: CustomerRepository) -> VisitRecord:
    """The record about the customer `name` names: on file, to choose among, or new."""
    found = customers.lookup(name)
    if found is not None:
        return record.with_customer(found)
    match = customers.match(name)
    options = [
        CustomerOption(id=candidate.customer.id, name=candidate.customer.name, score=candidate.score)
        for candidate in (match.candidates if match else [])
        if candidate.customer.id is not None and candidate.score >= CANDIDATE_SCORE
    ]
    return record.model_copy(
        update={"customer_id": None, "customer_name": None, "value_class": None, "customer_said": name,
                "customer_status": "ambiguous" if options else "unknown", "candidates": options}
    )  # fmt: skip


def parse_contacts(value: str) -> list[Contact]:
    """'采购部李总、张工' -> contacts; 'Sarah (CFO)' -> Sarah with title CFO."""
    found = find_contacts(value)
    if found:
        return found
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
        contacts.append(Contact(name=part, title=title, department=department))
    return contacts


_TITLES = ("总经理", "副总", "经理", "总监", "主任", "处长", "科长", "部长", "主管", "总", "工", "老师", "博士")


def _title_of(name: str) -> str | None:
    for title in _TITLES:
        if name.endswith(title) and len(name) > len(title):
            return title
    return None


def _move_followup(
    record: VisitRecord, text: str, mention: DateMention, *, zone: ZoneInfo, default_time: time
) -> VisitRecord:
    day, clock = mention.due(default_time)
    followups = list(record.followups)
    current = followups[0] if followups else None
    if day is None or (mention.granularity == "time" and current is not None):  # only a time was said
        day = current.due.astimezone(zone).date() if current else day or record.visit_date
    due = datetime.combine(day, clock, tzinfo=zone)
    if current is not None:
        followups[0] = current.model_copy(update={"due": due, "has_time": mention.has_time, "vague": mention.vague})
    else:
        label = record.customer_name or record.customer_said
        words = text.replace(mention.text, "").strip(" ，,")
        followups.append(PlannedFollowup(due=due, text=words or (f"跟进{label}" if label else "跟进"),
                                       has_time=mention.has_time, vague=mention.vague))  # fmt: skip
    return record.model_copy(update={"followups": followups})
