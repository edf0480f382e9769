"""Contracts: `/contracts` lists the rep's contracts, soonest end first, with the next renewal reminder;
`/contract 续签 #3 2028年3月底` records a renewal (its reminders move to the new end), `/contract 关闭 #3`
closes one (its reminders are cancelled).

Contracts come from `kam contracts import FILE` and from saved visit notes ("合同明年3月到期",
"续签了三年"); renewal reminders are follow-up rows the reminder service sends (crm.contracts).
"""

from __future__ import annotations

import re

from crm.contracts import Contract, ContractNotFound, ContractRepository
from crm.customers import CustomerRepository
from crm.formatting import format_due
from crm.parsing.contracts import read_new_end
from crm.parsing.matching import CustomerMatch
from skills.base import RouteScore, Skill, SkillError, command
from skills.intent import customer_asked_about
from skills.models import Reply, Request

__all__ = ["ContractsSkill"]

LIST_LIMIT = 12
_STATUS_ZH = {"active": "执行中", "renewed": "已续签", "closed": "已关闭"}


_RENEW = re.compile(r"^(?:renew(?:ed)?|续签|续约|已续签)\s+(?P<which>\S+)\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_CLOSE = re.compile(r"^(?:close[d]?|关闭|终止|不续)\s+(?P<which>\S+)\s*$", re.IGNORECASE)
_USAGE_ZH = "例如：/contract 续签 #3 2028年3月底，或 /contract 关闭 #3（编号见 /contracts）"
_USAGE_EN = "e.g. /contract renew #3 31 March 2028, or /contract close #3 (the numbers are in /contracts)"

_ENDING = re.compile(
    r"(?:哪些|什么|几个|我的|有没有)合同.{0,6}(?:到期|续约|续签)|(?:which|what|my) contracts?\b.{0,30}(?:end|expir|renew)|"
    r"contracts? (?:ending|expiring|up for renewal)|"
    r"^(?:我的|查看|看看|全部|所有)?合同(?:列表|清单)?[?？]?$|^(?:my |all )?contracts[?？]?$",
    re.IGNORECASE,
)
_CONTRACT_WORDS = re.compile(r"合同|\bcontracts?\b", re.IGNORECASE)


class ContractsSkill(Skill):
    """The rep's contracts and their renewal reminders."""

    name = "contracts"
    title_zh = "合同与续约"
    title_en = "Contracts & renewals"
    description_zh = "查看合同到期和续约提醒（/contracts）"
    description_en = "See contract end dates and renewal reminders (/contracts)"

    def score(self, request: Request) -> RouteScore:
        """Claim "哪些合同快到期了?" / "which contracts are ending?"."""
        if _ENDING.search(request.text):
            return RouteScore(0.95, "asks which contracts end soon")
        if customer := self._customer_asked_about(request):
            return RouteScore(0.9, f"asks for the contracts of {customer.said}")
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Free text routed here: the contract list, of the customer asked about if one is."""
        customer = self._customer_asked_about(request)
        if customer is None or customer.customer is None:
            return self.list_contracts(request)
        return self._customer_contracts(request, customer.customer.id, customer.customer.name)

    def __init__(self, contracts: ContractRepository, customers: CustomerRepository):
        self.contracts = contracts
        self.customers = customers

    def _customer_asked_about(self, request: Request) -> CustomerMatch | None:
        """"远大物流的合同什么时候到期", "when does the Acme contract end": the customer asked about."""
        return customer_asked_about(request.plain, self.customers, _CONTRACT_WORDS)

    def _customer_contracts(self, request: Request, customer_id: int | None, name: str) -> Reply:
        found = self.contracts.list(user_id=request.user.owner_scope, customer_id=customer_id)
        if not found:
            return Reply.of(request.t(f"{name}还没有合同记录。", f"No contracts on file for {name}."))
        return Reply().add(request.t(f"{name}的合同（{len(found)}）", f"{name}: contracts ({len(found)})"), "heading").add(
            "\n".join(self._line(request, contract) for contract in found[:LIST_LIMIT])
        )

    @command("contracts", zh="我的合同：到期日和下一次续约提醒", en="My contracts: end dates and the next renewal reminder",
             example="/contracts")  # fmt: skip
    def list_contracts(self, request: Request) -> Reply:
        """Contracts soonest end first (admins: everyone's), each with its next renewal reminder."""
        user = request.user
        found = self.contracts.list(user_id=user.owner_scope)
        if not found:
            return Reply.of(request.t("还没有合同。管理员可以用 kam contracts import 导入，保存提到合同到期的拜访纪要也会记录。",
                                      "No contracts yet. An admin imports them with `kam contracts import`; a saved note "
                                      "that mentions a contract's end records it too."))  # fmt: skip
        lines = [self._line(request, contract) for contract in found[:LIST_LIMIT]]
        if len(found) > LIST_LIMIT:
            lines.append(request.t(f"…还有 {len(found) - LIST_LIMIT} 个", f"… and {len(found) - LIST_LIMIT} more"))
        heading = request.t(f"合同（{len(found)}）", f"Contracts ({len(found)})")
        return Reply().add(heading, "heading").add("\n".join(lines))

    def _line(self, request: Request, contract: Contract) -> str:
        """#3 远大物流 · HT-2026-018 · 到期 2027-03-31 · 执行中 · 提醒 …"""
        name = contract.number or request.t("（无编号）", "(no number)")
        end = contract.end.isoformat() if contract.end else "?"
        status = _STATUS_ZH.get(contract.status, contract.status) if request.language == "zh" else contract.status
        line = f"#{contract.id} {contract.customer_name or '?'} · {name} · " + request.t(f"到期 {end}", f"ends {end}") + f" · {status}"
        pending = self.contracts.pending_reminders(contract.id)
        if pending:
            due = format_due(pending[0].due, zone=request.user.zone, language=request.language, now=request.now)
            line += request.t(f" · 提醒 {due}", f" · reminder {due}")
        return line

    @command("contract", zh="合同续签或关闭：/contract 续签 #编号 新到期日；/contract 关闭 #编号",
             en="Renew or close a contract: /contract renew #ID NEW-END; /contract close #ID",
             example="/contract 续签 #3 2028年3月底")  # fmt: skip
    def contract(self, request: Request) -> Reply:
        """Record a renewal (new end date, reminders moved) or close a contract (reminders cancelled)."""
        words = request.args.strip()
        renew = _RENEW.match(words)
        if renew:
            return self._renew(request, self._find(request, renew.group("which")), renew.group("rest").strip())
        close = _CLOSE.match(words)
        if close:
            contract = self._find(request, close.group("which"))
            closed = self.contracts.close(contract.id, user_id=request.user.owner_scope, now=request.now)
            return Reply.of(request.t(f"合同 #{closed.id}（{closed.customer_name or '?'}）已关闭，续约提醒已取消。",
                                      f"Contract #{closed.id} ({closed.customer_name or '?'}) closed; its renewal reminders are cancelled."))  # fmt: skip
        raise SkillError(f"请说明续签还是关闭，{_USAGE_ZH}", f"Say renew or close, {_USAGE_EN}")

    def _renew(self, request: Request, contract: Contract, rest: str) -> Reply:
        if contract.status == "closed":
            raise SkillError(f"合同 #{contract.id} 已关闭。", f"Contract #{contract.id} is closed.")
        end, invalid = read_new_end(rest, now=request.now) if rest else (None, "")
        if invalid:
            raise SkillError(f"“{invalid}”不是一个有效的日期。", f"“{invalid}” is not a valid date.")
        if end is None:
            raise SkillError(f"请写新的到期日，{_USAGE_ZH}", f"Say the new end date, {_USAGE_EN}")
        if end <= request.now.date():
            raise SkillError(f"新的到期日 {end.isoformat()} 已经过去了，请写续签后的到期日。",
                             f"The new end {end.isoformat()} is already past; say the end after the renewal.")  # fmt: skip
        renewed = self.contracts.renew(contract.id, user_id=request.user.owner_scope, end=end, now=request.now)
        reply = Reply.of(request.t(f"合同 #{renewed.id}（{renewed.customer_name or '?'}）已续签至 {end.isoformat()}。",
                                   f"Contract #{renewed.id} ({renewed.customer_name or '?'}) renewed until {end.isoformat()}."))  # fmt: skip
        pending = self.contracts.pending_reminders(renewed.id)
        if pending:
            due = format_due(pending[0].due, zone=request.user.zone, language=request.language, now=request.now)
            reply.add(request.t(f"下一次续约提醒：{due}", f"Next renewal reminder: {due}"), "note")
        return reply

    def _find(self, request: Request, which: str) -> Contract:
        """`#3` / `3` (the id shown in /contracts) or the contract number."""
        scope = request.user.owner_scope
        plain = which.lstrip("#＃")
        if plain.isdigit():
            try:
                return self.contracts.get(int(plain), user_id=scope)
            except ContractNotFound:
                pass
        found = self.contracts.find_by_number(which.upper(), user_id=scope)
        if found is None:
            raise SkillError(f"找不到合同“{which}”。{_USAGE_ZH}", f"I can't find contract “{which}”. {_USAGE_EN}")
        return found
