"""/gaps: the knowledge-gap report for admins (what the playbook refused or got 👎 for, grouped)."""

from __future__ import annotations

import re

from crm.knowledge_gaps import MAX_DAYS, REPORT_DAYS, GapReport, InvalidGapWindow, KnowledgeGaps
from crm.language import Language
from skills.base import RouteScore, Skill, SkillError, command
from skills.models import Block, Reply, Request

GROUPS_SHOWN = 10
QUESTION_SHOWN = 80  # characters of a question in the chat report
_DAYS = re.compile(r"^\s*(\d{1,4})\s*(?:天|日|d|days?)?\s*$", re.IGNORECASE)


class KnowledgeGapsSkill(Skill):
    """The questions the playbook could not answer, grouped: what to write next. Admins only."""

    name = "gaps"
    title_zh = "知识缺口"
    title_en = "Knowledge gaps"
    description_zh = "管理员：被拒答或被点 👎 的问题，按相似度归类，按次数排序"
    description_en = "Admins: questions refused or voted 👎, grouped by similarity, most frequent first"

    def __init__(self, gaps: KnowledgeGaps):
        self.gaps = gaps

    def score(self, request: Request) -> RouteScore:
        """Only the /gaps command reaches this skill."""
        return RouteScore(0.0)

    @command("gaps", zh="管理员：知识缺口报告，例如 /gaps 或 /gaps 30（天）",
             en="Admins: the knowledge-gap report, e.g. /gaps or /gaps 30 (days)", example="/gaps")  # fmt: skip
    def gaps_report(self, request: Request) -> Reply:
        """Refused and 👎 questions of the last 7 days (or the days given), grouped by similarity."""
        if not request.user.is_admin:
            raise SkillError("知识缺口报告只对管理员开放。有手册里找不到的问题，直接问我就会记录下来。",
                             "The knowledge-gap report is for admins only. Questions the playbook cannot answer "
                             "are recorded when you ask them.")  # fmt: skip
        days = self._days(request.args)
        try:
            report = self.gaps.report(days=days, now=request.now)
        except InvalidGapWindow:
            raise self._bad_days(request.args) from None
        return gap_report_reply(report, language=request.language)

    def _days(self, text: str) -> int:
        if not text.strip():
            return REPORT_DAYS
        match = _DAYS.match(text)
        if match is None or not 1 <= int(match.group(1)) <= MAX_DAYS:
            raise self._bad_days(text)
        return int(match.group(1))

    @staticmethod
    def _bad_days(text: str) -> SkillError:
        return SkillError(f"“{text.strip()}”不是天数。请写 1 到 {MAX_DAYS} 之间的数字，例如 /gaps 30。",
                          f"“{text.strip()}” is not a number of days. Give 1 to {MAX_DAYS}, e.g. /gaps 30.")  # fmt: skip


def gap_report_reply(report: GapReport, *, language: Language, weekly: bool = False) -> Reply:
    """The report as an admin reads it: groups with counts, a representative question and examples.

    Which rep asked is never shown in the chat (only how many reps); `kam kb gaps --json` has the ids.
    """
    zh = language == "zh"
    if weekly:
        title = "📚 上周的知识缺口" if zh else "📚 Knowledge gaps last week"
    else:
        title = f"📚 知识缺口（近 {report.days} 天）" if zh else f"📚 Knowledge gaps (last {report.days} days)"
    reply = Reply(blocks=[Block(text=title, kind="heading")])
    if report.is_empty:
        reply.add("这段时间没有被拒答或被点 👎 的问题。" if zh else "No question was refused or voted 👎 in this period.")
        return reply
    reply.add(f"共 {report.total} 个问题，归为 {len(report.groups)} 类，按次数排序。下面是最值得补充进手册的内容："
              if zh else f"{report.total} questions in {len(report.groups)} groups, most frequent first: "
              "what to add to the playbook next.")  # fmt: skip
    lines = []
    for number, group in enumerate(report.groups[:GROUPS_SHOWN], start=1):
        reasons = []
        if group.refused:
            reasons.append(f"拒答 {group.refused}" if zh else f"{group.refused} refused")
        if group.downvoted:
            reasons.append(f"👎 {group.downvoted}")
        people = f"{group.users} 位同事" if zh else (f"{group.users} rep" + ("s" if group.users != 1 else ""))
        count = f"{group.count} 次" if zh else f"{group.count}×"
        line = f"{number}. {_shorten(group.representative)}\n   {count}（{'，'.join(reasons)}；{people}）" if zh else (
            f"{number}. {_shorten(group.representative)}\n   {count} ({', '.join(reasons)}; {people})")  # fmt: skip
        for example in group.examples:
            line += f"\n   · {_shorten(example)}"
        lines.append(line)
    reply.add("\n".join(lines))
    hidden = len(report.groups) - GROUPS_SHOWN
    if hidden > 0:
        reply.add(f"另有 {hidden} 类未列出；完整列表：kam kb gaps --since {report.days} --json" if zh else
                  f"{hidden} more groups not shown; the full list: kam kb gaps --since {report.days} --json",
                  kind="note")  # fmt: skip
    return reply


def _shorten(text: str, limit: int = QUESTION_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
