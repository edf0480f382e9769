"""The team view for admins: visits this week, pipeline by rep, contracts ending, late cases, overdue follow-ups."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from crm.cases import CaseRepository, priority_label, type_label
from crm.contracts import ContractRepository
from crm.followups.repository import FollowupRepository
from crm.formatting import format_money
from crm.opportunities import OpportunityRepository
from crm.users import UserRepository
from crm.visits.repository import VisitRepository
from skills.base import RouteScore, Skill, SkillError, command
from skills.models import Block, Reply, Request

CONTRACT_DAYS = 90
_TEAM_WORDS = ("团队", "全组", "大家的", "team", "everyone's", "all reps")


class TeamSkill(Skill):
    """/team: how the whole team is doing; admins only (reps see only their own records elsewhere)."""

    name = "team"
    title_zh = "团队视图"
    title_en = "Team view"
    description_zh = "管理员：本周拜访、各人销售漏斗、逾期跟进"
    description_en = "Admins: visits this week, pipeline by rep, overdue follow-ups"
    examples = ("团队这周怎么样", "how is the team doing")

    def __init__(
        self, users: UserRepository, visits: VisitRepository, followups: FollowupRepository,
        opportunities: OpportunityRepository, contracts: ContractRepository, cases: CaseRepository,
    ):
        self.users = users
        self.contracts = contracts
        self.cases = cases
        self.visits = visits
        self.followups = followups
        self.opportunities = opportunities

    def score(self, request: Request) -> RouteScore:
        """Claim "团队这周怎么样" / "how is the team doing" from admins."""
        text = request.text.lower()
        if request.user.is_admin and any(word in text for word in _TEAM_WORDS):
            return RouteScore(0.8, "asks about the team")
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Free text routed here: the team view."""
        return self.team(request)

    @command("team", zh="管理员：团队视图（本周拜访、销售漏斗、逾期跟进）",
             en="Admins: the team view (visits, pipeline, overdue follow-ups)", example="/team")  # fmt: skip
    def team(self, request: Request) -> Reply:
        """Visits per rep this week, open pipeline by stage and rep, overdue follow-ups per rep."""
        if not request.user.is_admin:
            raise SkillError("团队视图只对管理员开放；你的记录请用 /opps、/followups、/customers 查看。",
                             "The team view is for admins; see your own with /opps, /followups and /customers.")  # fmt: skip
        language = request.language
        today = request.local_now.date()
        monday = today - timedelta(days=today.weekday())
        reply = Reply(blocks=[Block(text=request.t("👥 团队视图", "👥 Team view"), kind="heading")])
        visits = Counter(visit.user_id for visit in self.visits.between(monday, today, user_id=None, limit=10_000))
        lines = [f"• {self.users.name_of(user_id)}: {count}" for user_id, count in visits.most_common()]
        reply.add(request.t(f"本周拜访（{sum(visits.values())}）：", f"Visits this week ({sum(visits.values())}):") + "\n"
                  + ("\n".join(lines) or request.t("（还没有）", "(none yet)")))  # fmt: skip
        by_rep: dict[int, Counter[str]] = defaultdict(Counter)
        weighted: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for opportunity in self.opportunities.list_open(user_id=None):
            by_rep[opportunity.user_id][opportunity.stage] += 1
            if opportunity.weighted is not None:
                weighted[opportunity.user_id][opportunity.currency or ""] += opportunity.weighted
        pipeline = self.opportunities.pipeline
        lines = []
        for user_id, stages in by_rep.items():
            counts = request.t("、", ", ").join(f"{pipeline.label_of(stage, language)} {n}"
                              for stage, n in stages.items())  # fmt: skip
            totals = ", ".join(format_money(value, currency or None, language) for currency, value in weighted[user_id].items())
            lines.append(f"• {self.users.name_of(user_id)}: {counts}" + (f" → {totals}" if totals else ""))
        reply.add(request.t("销售漏斗（按人，加权）：", "Pipeline by rep (weighted):") + "\n"
                  + ("\n".join(lines) or request.t("（没有进行中的商机）", "(no open opportunities)")))  # fmt: skip
        horizon = today + timedelta(days=CONTRACT_DAYS)
        ending = [c for c in self.contracts.list(user_id=None) if c.end is not None and c.end <= horizon]
        lines = [f"• {c.customer_name or '-'} {c.number or ''} {c.end:%Y-%m-%d} @{self.users.name_of(c.user_id)}".replace("  ", " ")
                 for c in sorted(ending, key=lambda c: c.end)]  # fmt: skip
        reply.add(request.t(f"90天内到期的合同（{len(ending)}）：", f"Contracts ending within 90 days ({len(ending)}):") + "\n"
                  + ("\n".join(lines) or request.t("（没有）", "(none)")))  # fmt: skip
        late = [case for case in self.cases.list_open(user_id=None) if case.due < request.now]
        lines = [f"• #{case.id} {case.customer_name or '-'} {type_label(case.type, language)}·"
                 f"{priority_label(case.priority, language)} @{self.users.name_of(case.user_id)}" for case in late]  # fmt: skip
        reply.add(request.t(f"超过响应时限的工单（{len(late)}）：", f"Cases past their target ({len(late)}):") + "\n"
                  + ("\n".join(lines) or request.t("（没有）", "(none)")))  # fmt: skip
        overdue = self.followups.overdue_by_user(request.now)
        lines = [f"• {self.users.name_of(user_id)}: {count}" for user_id, count in sorted(overdue.items(), key=lambda kv: -kv[1])]
        reply.add(request.t(f"逾期跟进（{sum(overdue.values())}）：", f"Overdue follow-ups ({sum(overdue.values())}):") + "\n"
                  + ("\n".join(lines) or request.t("（没有）", "(none)")))  # fmt: skip
        return reply
