"""Contracts: `/contracts` lists the rep's contracts, soonest end first, with the next renewal reminder.

Contracts come from `kam contracts import FILE` and from saved visit notes ("合同明年3月到期",
"续签了三年"); renewal reminders are follow-up rows the reminder service sends (crm.contracts).
"""

from __future__ import annotations

import re

from crm.contracts import ContractRepository
from crm.formatting import format_due
from skills.base import RouteScore, Skill, command
from skills.models import Reply, Request

__all__ = ["ContractsSkill"]

LIST_LIMIT = 12
_STATUS_ZH = {"active": "执行中", "renewed": "已续签", "closed": "已关闭"}


_ENDING = re.compile(
    r"(?:哪些|什么|几个|我的|有没有)合同.{0,6}(?:到期|续约|续签)|(?:which|what|my) contracts?\b.{0,30}(?:end|expir|renew)|"
    r"contracts? (?:ending|expiring|up for renewal)",
    re.IGNORECASE,
)


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
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Free text routed here: the contract list."""
        return self.list_contracts(request)

    def __init__(self, contracts: ContractRepository):
        self.contracts = contracts

    @command("contracts", zh="我的合同：到期日和下一次续约提醒", en="My contracts: end dates and the next renewal reminder",
             example="/contracts")  # fmt: skip
    def list_contracts(self, request: Request) -> Reply:
        """Contracts soonest end first (admins: everyone's), each with its next renewal reminder."""
        user = request.user
        found = self.contracts.list(user_id=None if user.is_admin else user.id)
        if not found:
            return Reply.of(request.t("还没有合同。管理员可以用 kam contracts import 导入，保存提到合同到期的拜访纪要也会记录。",
                                      "No contracts yet. An admin imports them with `kam contracts import`; a saved note "
                                      "that mentions a contract's end records it too."))  # fmt: skip
        lines = []
        for contract in found[:LIST_LIMIT]:
            name = contract.number or request.t("（无编号）", "(no number)")
            end = contract.end.isoformat() if contract.end else "?"
            status = _STATUS_ZH.get(contract.status, contract.status) if request.language == "zh" else contract.status
            line = f"{contract.customer_name or '?'} · {name} · " + request.t(f"到期 {end}", f"ends {end}") + f" · {status}"
            pending = self.contracts.pending_reminders(contract.id)
            if pending:
                due = format_due(pending[0].due, zone=user.zone, language=request.language, now=request.now)
                line += request.t(f" · 提醒 {due}", f" · reminder {due}")
            lines.append(line)
        if len(found) > LIST_LIMIT:
            lines.append(request.t(f"…还有 {len(found) - LIST_LIMIT} 个", f"… and {len(found) - LIST_LIMIT} more"))
        heading = request.t(f"合同（{len(found)}）", f"Contracts ({len(found)})")
        return Reply().add(heading, "heading").add("\n".join(lines))
