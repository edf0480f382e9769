"""Opportunities: the rep's pipeline by stage (`/opps`, "我的销售漏斗怎么样?") and updates said in words.

"华信的扩容项目到谈判阶段了" moves that opportunity to negotiation (its probability follows the
stage); "Acme deal lost to Oracle on price" closes it as lost with the reason; an amount, a close
month or "概率60%" said with it changes those too. A rep sees and changes their own opportunities;
admins see everyone's, with the owner. Opportunities are created by saving a visit note (notes skill).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from crm.customers import CustomerRepository
from crm.opportunities import Opportunity, OpportunityNotFound, OpportunityRepository, PipelineSummary, format_money
from crm.parsing.amounts import locate_amounts
from crm.parsing.opportunities import MINIMUM_AMOUNT, find_opportunities, is_business_amount, lost_reason_in, stage_in
from crm.users import UserRepository
from skills.base import RouteScore, Skill, SkillError, command
from skills.intent import is_question
from skills.models import Button, Reply, Request

_PIPELINE_QUESTION = re.compile(
    r"销售漏斗|漏斗|商机|管道|赢单率|\b(?:pipeline|opportunit(?:y|ies)|opps|forecast|deals? (?:in progress|open))\b",
    re.IGNORECASE,
)
_DEAL_WORDS = re.compile(r"项目|单子|商机|扩容|二期|招标|\b(?:deal|project|opportunity|tender|bid)\b", re.IGNORECASE)
_PROBABILITY = re.compile(
    r"(?:概率|把握|可能性|赢率|probability|chance|likelihood)\D{0,8}?(\d{1,3})\s*%|(\d{1,3})\s*%\s*(?:的)?(?:把握|概率|可能|chance|probability)",
    re.IGNORECASE,
)
LIST_LIMIT = 12


class OpportunitiesSkill(Skill):
    """The sales pipeline: open opportunities by stage, and stage updates in words."""

    name = "opps"
    title_zh = "商机"
    title_en = "Opportunities"
    description_zh = "看我的销售漏斗（/opps），或直接说“华信的扩容项目到谈判阶段了”更新商机"
    description_en = "See your pipeline (/opps), or say “Acme deal lost to Oracle on price” to update a deal"
    examples = ("我的销售漏斗怎么样?", "how's my pipeline?", "华信的扩容项目到谈判阶段了", "Acme deal lost to Oracle on price")

    def __init__(self, users: UserRepository, customers: CustomerRepository, opportunities: OpportunityRepository):
        self.users = users
        self.customers = customers
        self.opportunities = opportunities

    # routing -----------------------------------------------------------------------------------

    def score(self, request: Request) -> RouteScore:
        """High for a pipeline question, and for a stage said about a customer the rep has an open deal with."""
        text = request.text.strip()
        if not text:
            return RouteScore(0.0)
        if _PIPELINE_QUESTION.search(text) and (is_question(text) or len(text) <= 40):
            return RouteScore(0.9, "asks about the pipeline")
        stage = stage_in(text, has_amount=True)
        if stage is None and not _PROBABILITY.search(text):
            return RouteScore(0.0)
        customer = self.customers.match(text)
        if customer is None or customer.status != "auto" or customer.customer is None:
            return RouteScore(0.2 if _DEAL_WORDS.search(text) else 0.0, f"stage {stage}, no customer")
        open_deals = self.opportunities.list_open(user_id=request.user.owner_scope, customer_id=customer.customer.id)
        if not open_deals:
            return RouteScore(0.1, f"stage {stage}, {customer.said} has no open opportunity")
        return RouteScore(0.85, f"stage {stage} for an open opportunity of {customer.customer.name}")

    def handle(self, request: Request) -> Reply:
        """An update in words when the text names a stage, else the pipeline."""
        text = request.text.strip()
        if _PIPELINE_QUESTION.search(text) and is_question(text):
            return self.pipeline(request)
        if stage_in(text, has_amount=True) is not None or _PROBABILITY.search(text):
            return self.update_in_words(request, text)
        return self.pipeline(request)

    # the pipeline ------------------------------------------------------------------------------

    @command("opps", zh="我的销售漏斗：各阶段商机数、金额和加权合计", en="My pipeline: opportunities by stage, amounts, weighted total",
             example="/opps")  # fmt: skip
    def opps(self, request: Request) -> Reply:
        """The pipeline by stage (of one customer when named), or an update when a stage follows the command."""
        words = request.args.strip()
        if words and (stage_in(words, has_amount=True) is not None or _PROBABILITY.search(words) or _changes_money(words)):
            return self.update_in_words(request, words)
        return self.pipeline(request)

    def pipeline(self, request: Request) -> Reply:
        """Open opportunities by stage with counts, amounts and the weighted total (admins: everyone's)."""
        everyone = request.user.is_admin
        match = self.customers.match(request.args or request.text) if (request.args or request.text) else None
        customer = match.customer if match is not None and match.status == "auto" else None
        summary = self.opportunities.summary(user_id=request.user.owner_scope, customer_id=customer.id if customer else None)
        language = request.language
        if customer is not None and not summary.count:
            return Reply.of(request.t(f"{customer.name}没有{'' if everyone else '你'}进行中的商机。",
                                      f"No open opportunities with {customer.name}."))  # fmt: skip
        if not summary.count:
            return Reply.of(request.t(
                "还没有进行中的商机。保存一条提到预算、采购或扩容的拜访纪要，就会生成商机。",
                "No open opportunities yet. Save a visit note that mentions a budget, a purchase or an expansion to add one."))  # fmt: skip
        heading = request.t(
            f"{'全部' if everyone else '我的'}销售漏斗（{summary.count} 个进行中）",
            f"{'Team' if everyone else 'My'} pipeline ({summary.count} open)",
        )
        if customer is not None:
            heading = request.t(f"{customer.name} 的商机（{summary.count} 个进行中）",
                                f"Opportunities with {customer.name} ({summary.count} open)")  # fmt: skip
        reply = Reply().add(heading, "heading")
        reply.add("\n".join(self._stage_lines(summary, language)))
        reply.add(request.t("加权合计：", "Weighted total: ") + _totals(summary.weighted, language))
        lines = [self._line(o, language, owner=everyone) for o in summary.opportunities[:LIST_LIMIT]]
        more = summary.count - LIST_LIMIT
        if more > 0:
            lines.append(request.t(f"…还有 {more} 个", f"… and {more} more"))
        reply.add("\n".join(lines))
        return reply

    def _stage_lines(self, summary: PipelineSummary, language: str) -> list[str]:
        lines = []
        for total in summary.stages:
            label = self.opportunities.pipeline.label_of(total.stage, language)
            amounts = _totals(total.amounts, language) if total.amounts else "—"
            count = f"{total.count} 个" if language == "zh" else f"{total.count}"
            weighted = _totals(total.weighted, language) if total.weighted else "—"
            lines.append(f"• {label}: {count} · {amounts} → {weighted}")
        return lines

    def _line(self, opportunity: Opportunity, language: str, *, owner: bool = False) -> str:
        parts = [_name(opportunity)]
        if opportunity.amount is not None:
            parts.append(format_money(opportunity.amount, opportunity.currency, language))
        parts.append(f"{self.opportunities.pipeline.label_of(opportunity.stage, language)} {opportunity.probability}%")
        if opportunity.expected_close:
            parts.append(f"{opportunity.expected_close:%Y-%m}")
        if owner:
            parts.append("@" + self.users.name_of(opportunity.user_id))
        return f"#{opportunity.id} " + " · ".join(parts)

    # updates in words --------------------------------------------------------------------------

    def update_in_words(self, request: Request, text: str) -> Reply:
        """Apply a stage, amount, close month or probability said about one of the rep's opportunities."""
        changes = self._changes(request, text)
        if not changes:
            raise SkillError(
                f"没看懂“{text}”要把商机改成什么。可以说：“华信的扩容项目到谈判阶段了”、“Acme的单子丢了 输给了友商”。",
                f"I couldn't tell what to change in “{text}”. Try “Huaxin expansion is in negotiation” or "
                "“Acme deal lost to Oracle on price”.",
            )
        target = self._target(request, text)
        if isinstance(target, Reply):
            target.buttons = [[Button(label=_name(o)[:40], data=self.callback(f"set:{o.id}:{_encode(changes)}"))]
                              for o in self._candidates(request, text)[:5]]  # fmt: skip
            return target
        return self._apply(request, target, changes)

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """`set:<opportunity id>:<changes>` from the "which one?" buttons."""
        action, _, rest = payload.partition(":")
        opportunity_id, _, encoded = rest.partition(":")
        if action != "set" or not opportunity_id.isdigit():
            raise SkillError("这个按钮已失效。", "This button is no longer valid.")
        try:
            opportunity = self.opportunities.get(int(opportunity_id), user_id=request.user.owner_scope)
        except OpportunityNotFound:
            raise SkillError("找不到这个商机。", "I can't find that opportunity.") from None
        reply = self._apply(request, opportunity, _decode(encoded))
        reply.replace_message = True
        return reply

    def _changes(self, request: Request, text: str) -> dict[str, str]:
        changes: dict[str, str] = {}
        spans = [s for s in locate_amounts(text) if s.amount.kind == "money" and s.amount.value >= MINIMUM_AMOUNT]
        business = [s for s in spans if is_business_amount(text, s)]
        stage = stage_in(text, has_amount=True)
        if stage is not None and self.opportunities.pipeline.has(stage):
            changes["stage"] = stage
        if stage == "lost" and (reason := lost_reason_in(text)):
            changes["lost_reason"] = reason[:100]
        if business:
            changes["amount"] = f"{business[0].amount.value:f}"
            if business[0].amount.currency:
                changes["currency"] = business[0].amount.currency
        if match := _PROBABILITY.search(text):
            value = int(match.group(1) or match.group(2))
            if not 0 <= value <= 100:
                raise SkillError(f"概率要在 0–100% 之间，“{match.group(0)}”不行。",
                                 f"A probability is 0–100%, not “{match.group(0)}”.")  # fmt: skip
            changes["probability"] = str(value)
        proposed = find_opportunities(text, now=request.local_now)
        close = next((o.expected_close for o in proposed if o.expected_close), None)
        if close is not None and stage not in ("lost",):
            changes["expected_close"] = close.isoformat()
        return changes

    def _candidates(self, request: Request, text: str) -> list[Opportunity]:
        match = self.customers.match(text)
        if match is None or match.status != "auto" or match.customer is None:
            return self.opportunities.list_open(user_id=request.user.owner_scope)
        return self.opportunities.list_open(user_id=request.user.owner_scope, customer_id=match.customer.id)

    def _target(self, request: Request, text: str) -> Opportunity | Reply:
        """The one opportunity the words are about, or a reply asking which one."""
        match = self.customers.match(text)
        if match is None or match.status != "auto" or match.customer is None:
            raise SkillError("是哪个客户的商机？请带上客户名，例如“华信的扩容项目到谈判阶段了”。",
                             "Which customer's opportunity? Name the customer, e.g. “Acme deal lost to Oracle”.")  # fmt: skip
        customer = match.customer
        candidates = self.opportunities.list_open(user_id=request.user.owner_scope, customer_id=customer.id)
        if not candidates:
            raise SkillError(f"{customer.name}没有你进行中的商机。保存一条提到预算或采购的拜访纪要就会生成。",
                             f"You have no open opportunity with {customer.name}. Save a visit note with the budget or purchase first.")  # fmt: skip
        if len(candidates) == 1:
            return candidates[0]
        scored = sorted(((_overlap(o.title, text), o) for o in candidates), key=lambda pair: -pair[0])
        if scored[0][0] > 0 and scored[0][0] > scored[1][0]:
            return scored[0][1]
        return Reply.of(request.t(f"{customer.name}有 {len(candidates)} 个进行中的商机，是哪一个？",
                                  f"{customer.name} has {len(candidates)} open opportunities; which one?"))  # fmt: skip

    def _apply(self, request: Request, opportunity: Opportunity, changes: dict[str, str]) -> Reply:
        updates: dict[str, object] = {}
        if "stage" in changes:
            updates["stage"] = changes["stage"]
        if "probability" in changes:
            updates["probability"] = int(changes["probability"])
        if "amount" in changes:
            updates["amount"] = Decimal(changes["amount"])
            updates["currency"] = changes.get("currency", opportunity.currency)
        if "expected_close" in changes:
            updates["expected_close"] = date.fromisoformat(changes["expected_close"])
        if "lost_reason" in changes:
            updates["lost_reason"] = changes["lost_reason"]
        updated = self.opportunities.update(opportunity.id, user_id=request.user.owner_scope, **updates)  # type: ignore[arg-type]
        language = request.language
        reply = Reply.of(request.t("已更新商机：", "Opportunity updated: ") + self._line(updated, language))
        if updated.lost_reason and updated.stage == "lost":
            reply.add(request.t("丢单原因：", "Lost: ") + updated.lost_reason)
        if updated.weighted is not None and updated.stage not in ("won", "lost"):
            reply.add(request.t("加权金额：", "Weighted: ") + format_money(updated.weighted, updated.currency, language))
        reply.toast = request.t("已更新", "Updated")
        return reply


def _changes_money(words: str) -> bool:
    """Says a new amount for a deal (金额改成250万, "amount is now 300k")."""
    return bool(re.search(r"金额|总价|改成|改为|\bamount\b|\bnow\b", words, re.I) and locate_amounts(words))


def _name(opportunity: Opportunity) -> str:
    if opportunity.customer_name and opportunity.customer_name not in opportunity.title:
        return f"{opportunity.customer_name} · {opportunity.title}"
    return opportunity.title


def _totals(amounts: dict[str, Decimal], language: str) -> str:
    if not amounts:
        return "—"
    return " + ".join(format_money(value, currency or None, language) for currency, value in sorted(amounts.items()))


def _overlap(title: str, text: str) -> int:
    """How many of the title's words (or 2-character pieces) the text repeats."""
    if re.search(r"[\u4e00-\u9fff]", title):
        pieces = {title[i : i + 2] for i in range(len(title) - 1)}
    else:
        pieces = {word for word in re.findall(r"[a-z0-9]{3,}", title.lower())}
    lowered = text.lower()
    return sum(1 for piece in pieces if piece in lowered)


_KEYS = {"stage": "s", "probability": "p", "amount": "a", "currency": "c", "expected_close": "d"}


def _encode(changes: dict[str, str]) -> str:
    """Changes as short callback data (lost reasons are too long for 64 bytes and are left out)."""
    parts: list[str] = []
    for key, value in changes.items():
        if key in _KEYS and len(",".join([*parts, f"{_KEYS[key]}={value}"])) <= 40:
            parts.append(f"{_KEYS[key]}={value}")
    return ",".join(parts)


def _decode(encoded: str) -> dict[str, str]:
    names = {short: key for key, short in _KEYS.items()}
    changes = {}
    for part in encoded.split(","):
        short, _, value = part.partition("=")
        if short in names and value:
            changes[names[short]] = value
    return changes
