"""After-sales cases: open one (`/case 华信 系统宕机 紧急`), list the open ones (`/cases`), resolve one.

A case gets a response target from its priority (KAM_CASE_TARGETS) and a reminder before it.
Resolving — the 解决 button, then the conclusion, or `/case done 12 已更换工程师` — records the
resolution and cancels the reminder. A new complaint's reply carries the playbook's
complaint-handling guidance, cited. Cases are also opened by saving a visit note (notes skill).
"""

from __future__ import annotations

import logging
import re

from crm.cases import Case, CaseClosed, CaseNotFound, CaseRepository, priority_label, status_label, type_label
from crm.conversations import ConversationRepository
from crm.customers import CustomerRepository
from crm.formatting import format_due
from crm.parsing.cases import explicit_case
from crm.parsing.matching import CustomerMatch
from skills.ask import Playbook
from skills.base import RouteScore, Skill, SkillError, command
from skills.intent import customer_asked_about
from skills.models import Button, Reply, Request
from skills.pricing import _citation, _shorten

__all__ = ["CasesSkill", "COMPLAINT_QUERY", "add_complaint_guidance", "case_line"]

log = logging.getLogger(__name__)

COMPLAINT_QUERY = "客户投诉怎么处理"
LIST_LIMIT = 10
_DONE = re.compile(r"^(?:done|resolve|close|解决|结案|关闭)\s+#?(\d+)\s*(.*)$", re.IGNORECASE | re.DOTALL)
_REJECT = re.compile(r"^(?:reject|驳回|不受理)\s+#?(\d+)\s*(.*)$", re.IGNORECASE | re.DOTALL)
_MOVE = re.compile(r"^(assigned|assign|pending|wait|已分派|分派|处理中|待客户|等客户|挂起)\s+#?(\d+)\s*$", re.IGNORECASE)
_MOVE_TO = {"assigned": "assigned", "assign": "assigned", "已分派": "assigned", "分派": "assigned", "处理中": "assigned",
            "pending": "pending", "wait": "pending", "待客户": "pending", "等客户": "pending", "挂起": "pending"}  # fmt: skip


_OPEN_CASES = re.compile(
    r"(?:哪些|有没有|还有|什么).{0,4}(?:没处理|未处理|没解决|未解决|未结|待处理|没结).{0,3}(?:的)?(?:投诉|工单|问题|售后)|"
    r"(?:open|unresolved|pending) (?:complaints|cases|tickets)|(?:any|which) (?:open )?complaints|"
    r"^(?:我的|查看|看看|全部|所有)?(?:未结|未处理|待处理|没结|开着)?(?:的)?(?:售后)?工单(?:列表|清单)?[?？]?$|^(?:my )?(?:cases|tickets)[?？]?$",
    re.IGNORECASE,
)
_CASE_WORDS = re.compile(r"工单|投诉|售后|故障|\b(?:cases?|tickets?|complaints?|incidents?)\b", re.IGNORECASE)


class CasesSkill(Skill):
    """After-sales cases with response targets: open, list, resolve."""

    name = "cases"
    title_zh = "售后工单"
    title_en = "After-sales cases"
    description_zh = "记录客户投诉、故障和咨询（/case 华信 系统宕机 紧急），按时限提醒，/cases 查看未结工单"
    description_en = "Record complaints, incidents and questions (/case Acme system down urgent); /cases lists open ones"

    def score(self, request: Request) -> RouteScore:
        """Claim "有哪些没处理的投诉?" / "open complaints?"."""
        if _OPEN_CASES.search(request.text):
            return RouteScore(0.85, "asks for open cases")
        if customer := self._customer_asked_about(request):
            return RouteScore(0.9, f"asks for the cases of {customer.said}")
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Free text routed here: the open cases, of the customer asked about if one is."""
        customer = self._customer_asked_about(request)
        if customer is None or customer.customer is None:
            return self.list_cases(request)
        name = customer.customer.name
        found = self.cases.list_open(user_id=request.user.owner_scope, customer_id=customer.customer.id)
        if not found:
            return Reply.of(request.t(f"{name}没有未结的售后工单。", f"No open cases for {name}."))
        return self._case_list(request, found, request.t(f"{name}的未结工单（{len(found)}）", f"{name}: open cases ({len(found)})"))

    def _customer_asked_about(self, request: Request) -> CustomerMatch | None:
        """"华信科技的工单", "华信科技有没有投诉", "open cases for Acme?": the customer asked about."""
        return customer_asked_about(request.plain, self.customers, _CASE_WORDS)

    def __init__(self, conversations: ConversationRepository, customers: CustomerRepository, cases: CaseRepository,
                 knowledge: Playbook | None = None):  # fmt: skip
        self.conversations = conversations
        self.customers = customers
        self.cases = cases
        self.knowledge = knowledge

    @command("case", zh="新建售后工单：/case 客户 问题 [紧急|高|普通|低]；/case done 编号 结论 结案；"
                         "/case 分派|待客户 编号 改状态；/case 驳回 编号 理由",
             en="Open a case: /case CUSTOMER PROBLEM [urgent|high|normal|low]; /case done ID CONCLUSION closes it; "
                "/case assigned|pending ID; /case reject ID REASON",
             example="/case 华信 系统宕机 紧急")  # fmt: skip
    def case(self, request: Request) -> Reply:
        """Open a case for a customer, or close one with `done ID conclusion`."""
        words = request.args.strip()
        if not words:
            raise SkillError("请写明客户和问题，例如：/case 华信 系统宕机 紧急",
                             "Say the customer and the problem, e.g. /case Acme system down urgent")  # fmt: skip
        done = _DONE.match(words)
        if done:
            return self._resolve(request, int(done.group(1)), done.group(2).strip())
        reject = _REJECT.match(words)
        if reject:
            return self._resolve(request, int(reject.group(1)), reject.group(2).strip(), rejected=True)
        move = _MOVE.match(words)
        if move:
            return self._move(request, int(move.group(2)), _MOVE_TO[move.group(1).lower()])
        match = self.customers.match(words)
        if match is None or match.status != "auto" or match.customer is None:
            said = match.said if match is not None and match.said else words.split()[0]
            raise SkillError(f"没找到客户“{said}”。请写客户名称，例如：/case 华信 系统宕机 紧急",
                             f"I can't find the customer “{said}”. Start with a customer name, e.g. /case Acme system down urgent")  # fmt: skip
        rest = words.replace(match.said, " ", 1) if match.said else words
        kind, priority, description = explicit_case(rest)
        if not description:
            raise SkillError("请写明是什么问题，例如：/case 华信 系统宕机 紧急",
                             "Say what the problem is, e.g. /case Acme system down urgent")  # fmt: skip
        opened = self.cases.create(
            request.user.id, customer_id=match.customer.id, type=kind, priority=priority, description=description,
            now=request.now, zone=request.user.zone, language=request.language,
        )  # fmt: skip
        reply = Reply().add(request.t(f"已新建工单 #{opened.id}", f"Case #{opened.id} opened"), "heading")
        reply.add(case_line(opened, request))
        if opened.type == "complaint":
            add_complaint_guidance(reply, self.knowledge, request)
        reply.buttons = [[self._resolve_button(request, opened)]]
        return reply

    @command("cases", zh="未结的售后工单", en="Open after-sales cases", example="/cases")
    def list_cases(self, request: Request) -> Reply:
        """Open cases, most urgent target first (admins: everyone's)."""
        found = self.cases.list_open(user_id=request.user.owner_scope)
        if not found:
            return Reply.of(request.t("没有未结的售后工单。", "No open cases."))
        return self._case_list(request, found, request.t(f"未结工单（{len(found)}）", f"Open cases ({len(found)})"))

    def _case_list(self, request: Request, found: list[Case], heading: str) -> Reply:
        reply = Reply().add(heading, "heading")
        reply.add("\n".join(case_line(case, request) for case in found[:LIST_LIMIT]))
        if len(found) > LIST_LIMIT:
            reply.add(request.t(f"…还有 {len(found) - LIST_LIMIT} 个", f"… and {len(found) - LIST_LIMIT} more"))
        reply.buttons = [[self._resolve_button(request, case)] for case in found[:3]]
        return reply

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """The 解决 button: ask for the conclusion."""
        step, _, value = payload.partition(":")
        if step != "resolve" or not value.isdigit():
            raise SkillError("这个按钮已失效。", "This button is no longer valid.")
        case = self._get(request, int(value))
        if not case.is_open:
            return Reply.of(request.t(f"工单 #{case.id} 已经结案了。", f"Case #{case.id} is already closed."))
        self.conversations.set(request.user.id, self.name, {"mode": "resolve", "case_id": case.id})
        return Reply.of(request.t(f"请发送工单 #{case.id} 的处理结论（例如：已更换工程师，客户认可）。",
                                  f"Send the resolution of case #{case.id} (e.g. replaced the engineer, customer agreed)."))  # fmt: skip

    def resume(self, request: Request, state: dict) -> Reply:
        """The conclusion after the 解决 button."""
        self.conversations.clear(request.user.id)
        return self._resolve(request, int(state["case_id"]), request.text.strip())

    def _resolve(self, request: Request, case_id: int, resolution: str, *, rejected: bool = False) -> Reply:
        case = self._get(request, case_id)
        if not resolution:
            if rejected:
                raise SkillError(f"请写明驳回工单 #{case.id} 的理由，例如：/case 驳回 {case.id} 不属于售后范围",
                                 f"Say why case #{case.id} is rejected, e.g. /case reject {case.id} not an after-sales issue")  # fmt: skip
            self.conversations.set(request.user.id, self.name, {"mode": "resolve", "case_id": case.id})
            return Reply.of(request.t(f"请发送工单 #{case.id} 的处理结论。", f"Send the resolution of case #{case.id}."))
        try:
            closed = self.cases.resolve(case.id, user_id=request.user.owner_scope, resolution=resolution, now=request.now,
                                        rejected=rejected)  # fmt: skip
        except CaseClosed:
            return Reply.of(request.t(f"工单 #{case.id} 已经结案了。", f"Case #{case.id} is already closed."))
        if rejected:
            return Reply.of(request.t(f"工单 #{closed.id} 已驳回：{closed.resolution}", f"Case #{closed.id} rejected: {closed.resolution}"))
        return Reply.of(request.t(f"工单 #{closed.id} 已结案：{closed.resolution}", f"Case #{closed.id} closed: {closed.resolution}"))

    def _move(self, request: Request, case_id: int, status: str) -> Reply:
        case = self._get(request, case_id)
        try:
            moved = self.cases.set_status(case.id, user_id=request.user.owner_scope, status=status)
        except CaseClosed:
            return Reply.of(request.t(f"工单 #{case.id} 已经结案了。", f"Case #{case.id} is already closed."))
        label = status_label(moved.status, request.language)
        return Reply.of(request.t(f"工单 #{moved.id} 状态：{label}", f"Case #{moved.id} is now {label}"))

    def _get(self, request: Request, case_id: int) -> Case:
        try:
            return self.cases.get(case_id, user_id=request.user.owner_scope)
        except CaseNotFound:
            raise SkillError(f"找不到工单 #{case_id}。", f"I can't find case #{case_id}.") from None

    def _resolve_button(self, request: Request, case: Case) -> Button:
        return Button(label=request.t(f"解决 #{case.id}", f"Resolve #{case.id}"), data=self.callback(f"resolve:{case.id}"))


def case_line(case: Case, request: Request) -> str:
    """#3 华信科技 · 故障 · 紧急 · 时限 11月30日（周一）14:00 · 系统宕机."""
    language = request.language
    due = format_due(case.due, zone=request.user.zone, language=language, now=request.now)
    status = status_label(case.status, language) if case.status != "new" else ""
    parts = [f"#{case.id}", case.customer_name or "?", type_label(case.type, language),
             priority_label(case.priority, language), status, request.t(f"时限 {due}", f"due {due}"),
             case.description]  # fmt: skip
    return " · ".join(part for part in parts if part)


def add_complaint_guidance(reply: Reply, knowledge: Playbook | None, request: Request) -> None:
    """The playbook's complaint-handling answer, shortened and cited; nothing when it has none."""
    if knowledge is None:
        return
    try:
        answer = knowledge.answer(COMPLAINT_QUERY)
    except Exception:  # the case stands on its own; a broken knowledge base must not block it
        log.warning("knowledge answer failed for the complaint guidance", exc_info=True)
        return
    if not (answer.answered and answer.text):
        return
    reply.add(request.t("销售手册：投诉处理", "Playbook: handling a complaint"), kind="heading")
    reply.add(_shorten(answer.text), kind="quote")
    citations = [_citation(source) for source in answer.sources[:2]]
    if citations:
        reply.add(request.t("来源：", "Source: ") + "; ".join(citations), kind="note")
