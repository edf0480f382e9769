"""Visit notes: a rep's dictated note becomes a structured visit they confirm with one tap.

Flow: the note is stored raw first (its own transaction, so it is never lost), then parsed into a
draft shown as a card with Save / Edit / Discard. An unclear customer is asked with buttons. Edit
takes a typed correction ("客户是华新建材", "跟进改到周五下午", "contact is Sarah"). Save stores the
visit, objections, contacts, follow-ups and the opportunities the note proposes (one short line on
the card; "不是商机" / "No opportunity" drops them) in one transaction.
"""

from __future__ import annotations

import logging
import re

from crm.cases import priority_label, type_label
from crm.conversations import ConversationRepository
from crm.customer_import import CustomerInput
from crm.customers import CustomerNotFound, CustomerRepository
from crm.formatting import format_contact, format_day, format_due, objection_label, opportunity_line
from crm.visits.corrections import CorrectionNotUnderstood, apply_correction
from crm.visits.record import Suggestion, VisitRecord
from crm.visits.recording import NoteTaker
from crm.visits.repository import NoteAlreadyClosed, RawNote, RawNoteNotFound, VisitRepository
from skills.ask import Playbook
from skills.base import RouteScore, Skill, SkillError, StaleButton, button_row_id, command
from skills.cases import add_complaint_guidance, case_line
from skills.intent import asks_for_a_reminder, asks_how_to_handle, is_question
from skills.models import Button, Reply, Request

log = logging.getLogger(__name__)

_VISIT_VERBS = re.compile(
    r"拜访了?|拜会|走访|回访|见了|见到|去了|聊了|谈了|沟通了|约了|参加了|认识了|接待了|吃了(?:个|顿)?饭|打电话|通了电话|电话沟通|开了(?:个)?会|碰了(?:个)?面|"
    r"\b(?:met|visited|called|spoke|talked|had (?:lunch|dinner|a call|a meeting)|meeting with|caught up|"
    r"dropped by|went to|saw|demoed|presented)\b",
    re.I,
)
# What someone said: a report of a visit when the message also names who or when ("王总说…", "华信反馈…，下周三再聊");
# alone ("客户说你们比别家贵两成") it is an objection a rep wants to answer, not a visit.
_REPORTED_SPEECH = re.compile(r"反馈|说|提到|表示|要求|同意|嫌")
_TITLES = re.compile(
    r"[\u4e00-\u9fff](?:总经理|经理|总监|主任|处长|科长|部长|主管|总|工|老师|董)|"
    r"\b(?:CEO|CFO|CTO|CIO|COO|VP|director|manager|head of|Mr\.?|Ms\.?|Mrs\.?)\b",
    re.I,
)
_FOLLOWUP_TIME = re.compile(
    r"明天|后天|下周|下个?月|月底|周[一二三四五六日天]|星期[一二三四五六日天]|[0-9一二三四五六七八九十]+号|"
    r"[0-9一二三四五六七八九十两]+(?:天|周|个月)后|提前|再约|再谈|再去|跟进|回复|提醒|"
    r"\b(?:tomorrow|next (?:week|month|mon|tue|wed|thu|fri)\w*|follow[- ]?up|by (?:mon|tue|wed|thu|fri)\w*|"
    r"end of (?:the )?(?:week|month)|in \w+ (?:days|weeks))\b",
    re.I,
)
_OBJECTION_WORDS = re.compile(r"嫌|贵|太高|太长|不满|疑虑|竞争对手|友商|折|预算|故障|\b(?:too|expensive|discount|off|concern)\b", re.I)
_ACCOUNT_NEWS = re.compile(
    r"投诉|宕机|故障|报错|很生气|合同.{0,8}(?:到期|签了|签的)|续签了|续了[一二两三四五\d]年|"
    r"\b(?:complained|outage|is down|contract (?:ends|expires)|renewed|signed the contract)\b",
    re.I,
)
_QUESTION_PHRASE = re.compile(r"哪些客户|是哪家公司|是哪个公司|(?:拜访|见|去)了?哪些")
_STEPS = {
    "save": "_save", "discard": "_discard", "edit": "_edit", "nofollowup": "_drop_followups",
    "card": "_show_card", "pick": "_pick", "new": "_new", "noopp": "_drop_opportunities",
}  # fmt: skip
_WHO_DID_I = re.compile(r"我.{0,4}(?:拜访|见|去)了?哪|who did i|which customers did i", re.I)


class VisitNotesSkill(Skill):
    """Turn a dictated visit note into a confirmed visit record."""

    name = "notes"
    title_zh = "拜访纪要"
    title_en = "Visit notes"
    description_zh = "拜访后直接发一段话（或 /note 内容），我整理成拜访记录，一键保存"
    description_en = "After a visit just send what happened (or /note TEXT); I structure it and you save it with one tap"
    examples = (
        "今天下午去了华信科技 见了采购部王经理 他们嫌报价太高 下周三下午三点再约技术交流",
        "met Acme Corp's CFO Sarah today, she wants 10% off, follow up next Tuesday 3pm",
    )

    def __init__(
        self, conversations: ConversationRepository, customers: CustomerRepository, visits: VisitRepository,
        notes: NoteTaker, *, knowledge: Playbook | None = None,
    ):
        self.knowledge = knowledge  # the complaint-handling guidance when Save opens a complaint case
        self.conversations = conversations
        self.customers = customers
        self.visits = visits
        self.notes = notes

    # routing -----------------------------------------------------------------------------------

    def score(self, request: Request) -> RouteScore:
        """High for a report of a visit (visit verbs, titles, a customer, a follow-up time); low for questions."""
        text = request.text.strip()
        if len(text) < 6:
            return RouteScore(0.0)
        score, reasons = 0.0, []
        title, found, follow_up = _TITLES.search(text), self.customers.match(text), _FOLLOWUP_TIME.search(text)
        reported = _REPORTED_SPEECH.search(text)
        if _VISIT_VERBS.search(text) or reported and (title or found or follow_up or len(text) >= 30):
            score, reasons = score + 0.35, reasons + ["visit verb"]
        elif reported:
            score, reasons = score + 0.1, reasons + ["reported speech"]
        if title:
            score, reasons = score + 0.2, reasons + ["contact title"]
        if found is not None and found.status in ("auto", "ambiguous"):
            score, reasons = score + (0.3 if found.status == "auto" else 0.2), reasons + [f"customer {found.said}"]
        elif found is not None:
            score, reasons = score + 0.1, reasons + ["company name"]
        if follow_up:
            score, reasons = score + 0.2, reasons + ["follow-up time"]
        if _OBJECTION_WORDS.search(text):
            score, reasons = score + 0.1, reasons + ["objection"]
        if _ACCOUNT_NEWS.search(text):
            score, reasons = score + 0.2, reasons + ["case or contract news"]
        if len(text) >= 30:
            score += 0.05
        if request.attachment is not None and request.attachment.kind in ("voice", "audio"):
            score, reasons = score + 0.2, reasons + ["voice message"]  # reps dictate visit reports
        if asks_for_a_reminder(text):
            return RouteScore(round(min(score, 0.9) * 0.4, 3), "asks for a reminder: " + ", ".join(reasons))
        if _is_question(text):
            return RouteScore(min(score, 0.9) * 0.25, "question: " + ", ".join(reasons) if reasons else "question")
        return RouteScore(round(min(score, 0.95), 3), ", ".join(reasons))

    def handle(self, request: Request) -> Reply:
        """A free-text visit note: store it, parse it, show the card."""
        return self.take_note(request, request.text, source=_source_of(request))

    @command("note", zh="记录拜访纪要：/note 内容", en="Record a visit note: /note TEXT",
             example="/note 今天拜访了华信科技王经理 下周三再约")  # fmt: skip
    def note(self, request: Request) -> Reply:
        """Record a visit note given after the command, or ask for it."""
        if _is_blank(request.args):
            self.conversations.set(request.user.id, self.name, {"mode": "await_note"})
            return Reply.of(request.t("请发送这次拜访的情况，说话转文字就行。", "Send me what happened at the visit; dictation is fine."))
        return self.take_note(request, request.args)

    # the flow ----------------------------------------------------------------------------------

    def take_note(self, request: Request, text: str, *, source: str = "text") -> Reply:
        """Store the note raw, then parse it into a draft and show the card (a failed parse keeps the note)."""
        if _is_blank(text):
            raise SkillError("这条消息是空白的，没有记录。请发送这次拜访的情况。",
                             "That message is blank, so nothing was recorded. Send me what happened at the visit.")
        note = self.notes.take(request.user.id, text, now=request.now, zone=request.user.zone, source=source)
        return self.card(request, note)

    def resume(self, request: Request, state: dict) -> Reply:
        """The next message after Edit (a correction), after "new customer" (its name), or after /note."""
        mode = state.get("mode")
        self.conversations.clear(request.user.id)
        if mode == "await_note":
            if _is_blank(request.text):
                self.conversations.set(request.user.id, self.name, state)  # still waiting for the note
            return self.take_note(request, request.text, source=_source_of(request))
        try:
            note = self._draft_note(request, int(state.get("note_id", 0)))
        except NoteAlreadyClosed as closed:
            raise SkillError(*_closed_texts(closed)) from None
        assert note.record is not None
        if mode == "new_customer":
            return self._create_customer(request, note, request.text.strip())
        try:
            record, changed = apply_correction(
                note.record, request.text, customers=self.customers, now=request.now, zone=request.user.zone,
                default_time=self.notes.default_time,
            )
        except CorrectionNotUnderstood:
            self.conversations.set(request.user.id, self.name, state)
            return Reply.of(
                request.t("没看懂要改哪一项。可以这样说：“客户是华新建材”、“联系人是采购部李总”、“跟进改到周五下午三点”、“不用跟进”。",
                          "I couldn't tell what to change. Try: “customer is Acme Corp”, “contact is Sarah (CFO)”, "
                          "“follow up Friday 3pm”, “no follow-up”."),
                buttons=[[Button(label=request.t("完成修改", "Done editing"), data=self.callback(f"card:{note.id}"))]],
            )  # fmt: skip
        self.visits.set_record(note.id, record)
        log.info("note %s: %s corrected", note.id, changed)
        return self.card(request, self.visits.get_raw_note(note.id))

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """`<step>:<note id>[:<value>]`: save, edit, discard, pick (a customer), new (customer), …"""
        action, _, rest = payload.partition(":")
        note_id, _, value = rest.partition(":")
        step = _STEPS.get(action)
        if step is None:
            raise StaleButton()
        try:
            note = self._draft_note(request, button_row_id(note_id))
        except NoteAlreadyClosed as closed:
            return _closed_reply(request, closed)
        return getattr(self, step)(_in_note_language(request, note), note, value)

    # steps (button presses) --------------------------------------------------------------------

    def _save(self, request: Request, note: RawNote, value: str) -> Reply:
        """Save: visit, objections, contacts and follow-ups in one transaction."""
        assert note.record is not None
        if not note.record.has_customer:
            reply = self.card(request, note, replace=True)
            reply.toast = request.t("请先选择客户", "Choose the customer first")
            return reply
        saved = self.visits.save(note.id, user_id=request.user.id, now=request.now)
        self.conversations.clear(request.user.id)
        reply = self.card(request, self.visits.get_raw_note(note.id), replace=True)
        done = request.t(f"已保存拜访记录（#{saved.visit_id}）", f"Visit saved (#{saved.visit_id})")
        if saved.followup_ids:
            count = len(saved.followup_ids)
            done += request.t(f"，已创建 {count} 条跟进提醒。", f", {count} follow-up reminder(s) set.")
        if saved.opportunity_ids:
            count = len(saved.opportunity_ids)
            done += request.t(f" 已创建 {count} 个商机（/opps 查看）。",
                              f" {count} opportunit{'y' if count == 1 else 'ies'} added (see /opps).")  # fmt: skip
        if saved.contract_ids:
            done += request.t(" 已记录合同和续约提醒（/contracts 查看）。", " Contract and renewal reminders recorded (see /contracts).")
        reply.add(done, "note")
        cases = [self.visits.cases.get(case_id) for case_id in saved.case_ids]
        if cases:
            reply.add(request.t("已新建工单：", "Cases opened:") + "\n" + "\n".join(case_line(case, request) for case in cases))
        if any(case.type == "complaint" for case in cases):
            add_complaint_guidance(reply, self.knowledge, request)
        reply.toast = request.t("已保存", "Saved")
        return reply

    def _discard(self, request: Request, note: RawNote, value: str) -> Reply:
        """Discard: the note is marked discarded, its text kept."""
        self.visits.discard(note.id, user_id=request.user.id)
        self.conversations.clear(request.user.id)
        reply = Reply.of(request.t(f"已丢弃这条纪要（原文仍保留，编号 #{note.id}）。",
                                   f"Note discarded (the text is kept as #{note.id})."))  # fmt: skip
        reply.replace_message = True
        reply.toast = request.t("已丢弃", "Discarded")
        return reply

    def _edit(self, request: Request, note: RawNote, value: str) -> Reply:
        """Edit: the next message is a correction."""
        self.conversations.set(request.user.id, self.name, {"mode": "edit", "note_id": note.id})
        quick = [Button(label=request.t("取消修改", "Cancel editing"), data=self.callback(f"card:{note.id}"))]
        if note.record is not None and note.record.followups:
            label = request.t("不用跟进", "No follow-up")
            quick.insert(0, Button(label=label, data=self.callback(f"nofollowup:{note.id}")))
        if note.record is not None and note.record.opportunities:
            quick.insert(0, Button(label=request.t("不是商机", "No opportunity"), data=self.callback(f"noopp:{note.id}")))
        return Reply.of(
            request.t("请直接发送要改的内容，例如：“客户是华新建材”、“联系人是采购部李总”、“跟进改到周五下午三点”、“不用跟进”。",
                      "Send the correction, e.g. “customer is Acme Corp”, “contact is Sarah (CFO)”, "
                      "“follow up Friday 3pm”, “no follow-up”."),
            buttons=[quick],
        )  # fmt: skip

    def _drop_followups(self, request: Request, note: RawNote, value: str) -> Reply:
        """No follow-up: clear them from the record."""
        assert note.record is not None
        self.conversations.clear(request.user.id)
        self.visits.set_record(note.id, note.record.model_copy(update={"followups": []}))
        return self.card(request, self.visits.get_raw_note(note.id))

    def _drop_opportunities(self, request: Request, note: RawNote, value: str) -> Reply:
        """Not an opportunity: clear the proposed ones from the record."""
        assert note.record is not None
        self.conversations.clear(request.user.id)
        self.visits.set_record(note.id, note.record.model_copy(update={"opportunities": []}))
        reply = self.card(request, self.visits.get_raw_note(note.id), replace=True)
        reply.toast = request.t("已去掉商机", "Opportunity dropped")
        return reply

    def _show_card(self, request: Request, note: RawNote, value: str) -> Reply:
        """Done / cancel editing: show the card again."""
        self.conversations.clear(request.user.id)
        return self.card(request, note)

    def _pick(self, request: Request, note: RawNote, value: str) -> Reply:
        """A candidate customer was chosen."""
        assert note.record is not None
        try:
            customer = self.customers.get(button_row_id(value))
        except (CustomerNotFound, StaleButton):
            raise SkillError("这个客户已不存在。", "That customer no longer exists.") from None
        self.visits.set_record(note.id, note.record.with_customer(customer))
        return self.card(request, self.visits.get_raw_note(note.id), replace=True)

    def _new(self, request: Request, note: RawNote, value: str) -> Reply:
        """New customer: the name said in the note, or ask for one."""
        assert note.record is not None
        if note.record.customer_said:
            return self._create_customer(request, note, note.record.customer_said, replace=True)
        self.conversations.set(request.user.id, self.name, {"mode": "new_customer", "note_id": note.id})
        return Reply.of(request.t("请发送新客户的名称。", "Send the new customer's name."))

    def _create_customer(self, request: Request, note: RawNote, name: str, *, replace: bool = False) -> Reply:
        if not name:
            raise SkillError("客户名称不能为空。", "The customer name can't be empty.")
        assert note.record is not None
        customer = self.customers.find_by_name(name)
        if customer is None:
            owner = request.user.owner_scope
            customer, _ = self.customers.upsert(CustomerInput(name=name, owner_id=owner))
        self.visits.set_record(note.id, note.record.with_customer(customer))
        reply = self.card(request, self.visits.get_raw_note(note.id), replace=replace)
        reply.toast = request.t(f"已新建客户 {customer.name}", f"Added customer {customer.name}")
        return reply

    def _draft_note(self, request: Request, note_id: int) -> RawNote:
        try:
            note = self.visits.get_raw_note(note_id, user_id=request.user.id)
        except RawNoteNotFound:
            raise SkillError("找不到这条纪要。", "I can't find that note.") from None
        if note.status != "draft":
            raise NoteAlreadyClosed(note.status, note.visit_id)
        if note.record is None:
            note.record = VisitRecord(visit_date=request.local_now.date(), excerpt=note.text[:120])
        return note

    # the card ----------------------------------------------------------------------------------

    def card(self, request: Request, note: RawNote, *, replace: bool = False) -> Reply:
        """The compact card of a note's draft, with the buttons its state allows."""
        record = note.record
        assert record is not None
        request = _in_note_language(request, note)
        language, zone = request.language, request.user.zone
        saved = note.status == "saved"
        heading = request.t("拜访记录（已保存）" if saved else "拜访记录 · 请确认",
                            "Visit record (saved)" if saved else "Visit record · please confirm")  # fmt: skip
        reply = Reply(replace_message=replace).add(heading, "heading")
        lines = [request.t("客户：", "Customer: ") + _customer_text(record, request)]
        lines.append(request.t("日期：", "Date: ") + format_day(record.visit_date, language))
        if record.contacts:
            people = request.t("、", ", ").join(format_contact(c.name, c.title, c.department, language) for c in record.contacts)
            lines.append(request.t("联系人：", "Contacts: ") + people)
        reply.add("\n".join(lines))
        if record.objections:
            reply.add(request.t("异议：", "Objections:") + "\n" + "\n".join(
                f"• {objection_label(o.category, language)}：{o.text}" + (f"（{o.amount}）" if o.amount else "")
                if language == "zh" else
                f"• {objection_label(o.category, language)}: {o.text}" + (f" ({o.amount})" if o.amount else "")
                for o in record.objections
            ))  # fmt: skip
        steps = [step for step in record.next_steps if step not in {f.text for f in record.followups}]
        if steps:
            reply.add(request.t("下一步：", "Next steps:") + "\n" + "\n".join(f"• {step}" for step in steps))
        if record.followups:
            reply.add(request.t("跟进提醒：", "Follow-ups:") + "\n" + "\n".join(
                f"• {format_due(f.due, zone=zone, language=language)} {f.text}"
                + (request.t("（时间待定，可修改）", " (approximate — edit if needed)") if f.vague else "")
                for f in record.followups
            ))  # fmt: skip
        if record.date_problems:
            reply.add("\n".join(f"⚠️ {problem}" for problem in record.date_problems), "note")
        if record.opportunities:
            reply.add(request.t("商机：", "Opportunity: ") + self._opportunity_text(record, language))
        if record.contracts:
            reply.add(request.t("合同：", "Contract: ") + _contract_text(record, language))
        if record.cases:
            reply.add(request.t("工单：", "Case: ") + _case_text(record, language))
        if note.status == "draft":
            reply.add(_suggestions_text(record, request), "note")
        if record.read_failed:
            reply.add(request.t(f"原文已保存（#{note.id}），但没能自动整理，请点“修改”补充客户等信息。",
                                f"The note is saved as #{note.id} but I couldn't structure it; use Edit to fill in the customer."), "note")  # fmt: skip
        if note.status == "draft":
            reply.buttons = self._buttons(request, note.id, record)
        return reply

    def _opportunity_text(self, record: VisitRecord, language: str) -> str:
        """The first proposed opportunity on one line, and how many more."""
        pipeline = self.visits.opportunities.pipeline
        first = record.opportunities[0]
        stage = pipeline.get(first.stage).label(language) if first.stage and pipeline.has(first.stage) else None
        line = opportunity_line(first.title, first.amount, first.currency, first.expected_close, stage, language)
        more = len(record.opportunities) - 1
        if more > 0:
            line += f" 等{len(record.opportunities)}个" if language == "zh" else f" (+{more})"
        return line

    def _buttons(self, request: Request, note_id: int, record: VisitRecord) -> list[list[Button]]:
        rows: list[list[Button]] = []
        if not record.has_customer:
            rows += [[Button(label=option.name, data=self.callback(f"pick:{note_id}:{option.id}"))]
                     for option in record.candidates[:3]]  # fmt: skip
            label = (request.t(f"新建客户：{record.customer_said}", f"New customer: {record.customer_said}")
                     if record.customer_said else request.t("新建客户", "New customer"))  # fmt: skip
            rows.append([Button(label=label[:40], data=self.callback(f"new:{note_id}"))])
            rows.append([Button(label=request.t("修改", "Edit"), data=self.callback(f"edit:{note_id}")),
                         Button(label=request.t("丢弃", "Discard"), data=self.callback(f"discard:{note_id}"))])  # fmt: skip
            return rows
        rows.append([
            Button(label=request.t("保存", "Save"), data=self.callback(f"save:{note_id}")),
            Button(label=request.t("修改", "Edit"), data=self.callback(f"edit:{note_id}")),
            Button(label=request.t("丢弃", "Discard"), data=self.callback(f"discard:{note_id}")),
        ])  # fmt: skip
        if record.opportunities:
            rows.append([Button(label=request.t("不是商机", "No opportunity"), data=self.callback(f"noopp:{note_id}"))])
        return rows


def _is_blank(text: str) -> bool:
    """True when nothing visible is left: spaces, ideographic spaces, zero-width characters."""
    return not any(char.isprintable() and not char.isspace() for char in text)


_EVENT_ZH = {"expiring": "到期", "renewed": "已续签", "signed": "已签"}
_EVENT_EN = {"expiring": "ends", "renewed": "renewed", "signed": "signed"}


def _contract_text(record: VisitRecord, language: str) -> str:
    """The first contract item on one line: 2027-03-31 到期 · HT-1 / ends 2027-03-31 · HT-1 (+1)."""
    first = record.contracts[0]
    end = first.end.isoformat() if first.end else ""
    said = f"{end} {_EVENT_ZH[first.event]}" if language == "zh" else f"{_EVENT_EN[first.event]} {end}"
    line = " · ".join(part for part in (said.strip(), first.number or "") if part)
    more = len(record.contracts) - 1
    if more > 0:
        line += f" 等{len(record.contracts)}项" if language == "zh" else f" (+{more})"
    return line


def _case_text(record: VisitRecord, language: str) -> str:
    """The first proposed case on one line: 投诉 · 高 (+1)."""
    first = record.cases[0]
    line = f"{type_label(first.type, language)} · {priority_label(first.priority, language)}"
    more = len(record.cases) - 1
    if more > 0:
        line += f" 等{len(record.cases)}个" if language == "zh" else f" (+{more})"
    return line


_SUGGESTION_LABELS = {
    "customer": ("客户可能是", "customer may be"), "contact": ("联系人", "contact"), "objection": ("异议", "objection"),
    "next_step": ("下一步", "next step"), "opportunity": ("商机", "opportunity"), "contract": ("合同", "contract"),
    "case": ("工单", "case"),
}  # fmt: skip


def _suggestions_text(record: VisitRecord, request: Request) -> str:
    """The model's differing reading in a few short lines ("AI 建议 / AI suggests"); the record is the rules'."""
    language, zone = request.language, request.user.zone

    def line(suggestion: Suggestion) -> str:
        zh, en = _SUGGESTION_LABELS[suggestion.kind]
        text = objection_label(suggestion.text, language) if suggestion.kind == "objection" else suggestion.text
        if suggestion.due is not None:
            due = (format_due(suggestion.due, zone=zone, language=language) if suggestion.has_time
                   else format_day(suggestion.due.astimezone(zone).date(), language))  # fmt: skip
            text = f"{due} {text}"
        return request.t(f"{zh}：{text}", f"{en}: {text}")

    current = [s for s in record.suggestions
               if not (s.kind == "customer" and s.customer_id is not None and s.customer_id == record.customer_id)]
    proposed = [f"• {line(s)}" for s in current if s.found_by == "ai"]
    missed = [line(s).replace("：", " ", 1).replace(": ", " ", 1) for s in current if s.found_by == "rules"]
    if missed:
        proposed.append(request.t("• AI 没有读出：", "• AI did not find: ") + request.t("、", ", ").join(missed))
    if not proposed:
        return ""
    return request.t("AI 建议（未采用，需要时点“修改”）：", "AI suggests (not applied; use Edit to take it):") + "\n" + "\n".join(proposed)


def _is_question(text: str) -> bool:
    """Asks rather than reports: a question mark or particle at the end, a question word first."""
    return bool(
        is_question(text) or asks_how_to_handle(text) or _QUESTION_PHRASE.search(text) or _WHO_DID_I.search(text)
    )


def _source_of(request: Request) -> str:
    """'voice' for a transcribed voice message, else 'text'."""
    if request.attachment is not None and request.attachment.kind in ("voice", "audio"):
        return "voice"
    return "text"


def _customer_text(record: VisitRecord, request: Request) -> str:
    if record.has_customer:
        value_class = request.t(f"（{record.value_class}类）", f" (class {record.value_class})") if record.value_class else ""
        return f"{record.customer_name}{value_class}"
    if record.customer_status == "ambiguous":
        said = f"“{record.customer_said}”" if record.customer_said else ""
        return request.t(f"{said}是哪一家？请在下面选择", f"{said} — which one? Choose below")
    if record.customer_said:
        return request.t(f"“{record.customer_said}”不在客户列表中，新建还是修改？",
                         f"“{record.customer_said}” is not on file — add it or edit?")  # fmt: skip
    return request.t("没认出客户，请点“修改”并发送“客户是…”", "No customer recognised; tap Edit and send “customer is …”")


def _in_note_language(request: Request, note: RawNote) -> Request:
    """Button presses carry no text: answer in the note's language unless the user chose one."""
    if request.user.language is None and not request.text and note.record is not None:
        language = "en" if note.record.language == "en" else "zh"
        return request.model_copy(update={"language": language})
    return request


def _closed_reply(request: Request, closed: NoteAlreadyClosed) -> Reply:
    return Reply(toast=request.t(*_closed_texts(closed)))


def _closed_texts(closed: NoteAlreadyClosed) -> tuple[str, str]:
    if closed.status == "saved":
        return "这条纪要已经保存过了。", "This note was already saved."
    return "这条纪要已经丢弃了。", "This note was already discarded."
