"""Opportunities through the Assistant (note card → Save → /opps, updates in words, scope) and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner

from bot.assistant import Assistant, build_assistant
from bot.cli.customers import customers
from bot.cli.notes import note
from bot.cli.opportunities import eval_opps, opps
from bot.settings import Settings
from crm.customers import CustomerRepository
from skills.models import Reply
from tests.conftest import ADMIN_ID, OTHER_REP_ID, REP_ID

FIXTURES = Path(__file__).parent / "fixtures"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
BUDGET_NOTE = "嗯 今天去了花信科技 见了信息部的王经理 那个 他们预算大概200万 下季度要扩容 主要是服务器这块"
ACME_NOTE = "visited Acme Corp today, Sarah from procurement says they plan to buy 500 seats in Q2, about $120k"


@pytest.fixture
def kam(settings: Settings) -> Assistant:
    assistant = build_assistant(settings)
    CustomerRepository(assistant.store).import_file(FIXTURES / "customers.csv")
    for user_id, role in ((ADMIN_ID, "admin"), (REP_ID, "rep"), (OTHER_REP_ID, "rep")):
        assistant.users.upsert(user_id, name=f"u{user_id}", role=role, timezone_name="Asia/Shanghai",  # type: ignore[arg-type]
                               registered_via="allowlist")  # fmt: skip
    return assistant


@pytest.fixture
def say(kam: Assistant) -> Callable[..., Reply]:
    def send(user_id: int, text: str = "", *, button: str | None = None) -> Reply:
        return kam.handle(kam.request(kam.users.get(user_id), text, now=NOW, callback_data=button))

    return send


def button(reply: Reply, prefix: str) -> str:
    return next(b.data for row in reply.buttons for b in row if b.data.startswith(prefix))


def save_note(say: Callable[..., Reply], user_id: int, text: str) -> Reply:
    card = say(user_id, text)
    return say(user_id, button=button(card, "notes:save:"))


def test_budget_note_card_save_and_pipeline(kam: Assistant, say: Callable[..., Reply]) -> None:
    card = say(REP_ID, BUDGET_NOTE)
    assert "商机：扩容 · 200万 CNY · 预计2027-03" in card.text
    assert button(card, "notes:noopp:")
    saved = say(REP_ID, button=button(card, "notes:save:"))
    assert "已创建 1 个商机" in saved.text
    [row] = list(kam.store.db.query("select * from opportunities"))
    [visit] = list(kam.store.db.query("select id from visits"))
    assert (row["user_id"], row["amount"], row["currency"], row["stage"], row["probability"]) == (REP_ID, "2000000", "CNY", "lead", 10)
    assert (row["expected_close"], row["source_visit_id"]) == ("2027-03-31", visit["id"])

    save_note(say, REP_ID, ACME_NOTE)
    assert "My pipeline (2 open)" in say(REP_ID, "/opps").text  # a bare command: the latest message's language
    pipeline = say(REP_ID, "我的销售漏斗").text
    assert "我的销售漏斗（2 个进行中）" in pipeline
    assert "• 线索: 2 个 · 200万 CNY + 12万 USD → 20万 CNY + 1.2万 USD" in pipeline
    assert "加权合计：20万 CNY + 1.2万 USD" in pipeline
    assert "华信科技 · 扩容" in pipeline and "@" not in pipeline

    english = say(REP_ID, "how's my pipeline?").text
    assert "My pipeline (2 open)" in english and "Weighted total: 200,000 CNY + 12,000 USD" in english
    assert "我的销售漏斗" in say(REP_ID, "我的销售漏斗怎么样?").text


def test_reps_see_only_their_own_admins_see_all_with_owner(kam: Assistant, say: Callable[..., Reply]) -> None:
    save_note(say, REP_ID, BUDGET_NOTE)
    theirs = say(OTHER_REP_ID, "/opps").text
    assert "还没有进行中的商机" in theirs and "华信" not in theirs
    everyone = say(ADMIN_ID, "/opps").text
    assert "全部销售漏斗（1 个进行中）" in everyone and f"@u{REP_ID}" in everyone
    refused = say(OTHER_REP_ID, "/opps 华信的扩容项目到谈判阶段了").text
    assert "华信科技没有你进行中的商机" in refused
    assert [row["stage"] for row in kam.store.db.query("select stage from opportunities")] == ["lead"]


def test_updates_in_words(kam: Assistant, say: Callable[..., Reply]) -> None:
    save_note(say, REP_ID, BUDGET_NOTE)
    save_note(say, REP_ID, ACME_NOTE)
    moved = say(REP_ID, "华信的扩容项目到谈判阶段了")
    assert "已更新商机" in moved.text and "谈判 75%" in moved.text and "加权金额：150万 CNY" in moved.text
    lost = say(REP_ID, "Acme deal lost to Oracle on price")
    assert "Lost 0%" in lost.text and "to Oracle on price" in lost.text
    rows = {row["title"]: row for row in kam.store.db.query("select * from opportunities")}
    assert (rows["扩容"]["stage"], rows["扩容"]["probability"]) == ("negotiation", 75)
    acme = next(row for title, row in rows.items() if title != "扩容")
    assert (acme["stage"], acme["probability"], acme["lost_reason"]) == ("lost", 0, "to Oracle on price")
    tuned = say(REP_ID, "/opps 华信扩容 概率60% 金额改成250万")
    assert "60%" in tuned.text and "250万 CNY" in tuned.text
    bad = say(REP_ID, "/opps 华信扩容 概率150%")
    assert "0–100%" in bad.text and "概率150%" in bad.text
    shown = say(REP_ID, "/opps 华信扩容 随便说说")  # no change said: that customer's opportunities
    assert "华信科技 的商机（1 个进行中）" in shown.text and "谈判 60%" in shown.text


def test_pipeline_questions_route_to_the_skill(kam: Assistant) -> None:
    user = kam.users.get(REP_ID)
    for text in ("我的销售漏斗怎么样?", "how's my pipeline?"):
        chosen, _ = kam.router.choose(kam.request(user, text, now=NOW))
        assert chosen == "opps", text


def test_no_opportunity_button_and_correction(kam: Assistant, say: Callable[..., Reply]) -> None:
    card = say(REP_ID, BUDGET_NOTE)
    dropped = say(REP_ID, button=button(card, "notes:noopp:"))
    assert "商机" not in dropped.text and not any(b.data.startswith("notes:noopp") for row in dropped.buttons for b in row)
    say(REP_ID, button=button(dropped, "notes:save:"))
    assert kam.store.db.execute("select count(*) from opportunities").fetchone()[0] == 0

    card = say(REP_ID, BUDGET_NOTE)
    prompt = say(REP_ID, button=button(card, "notes:edit:"))
    assert button(prompt, "notes:noopp:")
    corrected = say(REP_ID, "不是商机")
    assert "商机" not in corrected.text


# the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> click.Group:
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAM_CUSTOMERS_FILE", "")
    monkeypatch.setenv("KAM_EMBEDDER", "hashing")

    @click.group()
    def kam() -> None:
        """Test group."""

    @click.group("eval")
    def evaluation() -> None:
        """Evaluation commands."""

    evaluation.add_command(eval_opps)
    for command in (customers, note, opps, evaluation):
        kam.add_command(command)
    CliRunner().invoke(kam, ["customers", "import", str(FIXTURES / "customers.csv")])
    return kam


def test_note_json_lists_opportunities_and_kam_opps(cli: click.Group) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["note", BUDGET_NOTE, "--now", "2026-11-30T10:00:00+08:00", "--json", "--user", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["opportunities"] == [
        {"title": "扩容", "amount": "2000000", "currency": "CNY", "stage": None, "expected_close": "2027-03-31"}]  # fmt: skip
    plain = runner.invoke(cli, ["note", "今天拜访了华信科技王经理 聊得不错", "--dry-run", "--json"])
    assert json.loads(plain.output.strip().splitlines()[-1])["opportunities"] == []

    mine = json.loads(runner.invoke(cli, ["opps", "--user", "0", "--json"]).output)
    assert mine["scope"] == "all"  # the local operator is an admin
    [opportunity] = mine["opportunities"]
    assert (opportunity["amount"], opportunity["weighted"], opportunity["stage"]) == ("2000000", "200000", "lead")
    assert mine["weighted"] == {"CNY": "200000"} and mine["stages"][0]["count"] == 1
    missing = runner.invoke(cli, ["opps", "--user", "55", "--json"])
    assert missing.exit_code != 0 and "no user 55" in missing.output


def test_eval_opps_reports_each_field(cli: click.Group, tmp_path: Path) -> None:
    labelled = tmp_path / "opps.jsonl"
    items = [
        {"id": "a", "now": "2026-11-30T10:00:00+08:00", "text": BUDGET_NOTE,
         "expect": {"opportunities": [{"amount": "2000000", "currency": "CNY", "close_month": "2027-03", "stage": None}]}},
        {"id": "b", "now": "2026-11-30T10:00:00+08:00", "text": "友商报价才80万 要打八五折", "expect": {"opportunities": []}},
        {"id": "c", "now": "2026-11-30T10:00:00+08:00", "text": "华信科技 上个月那笔120万的款已经付了",
         "expect": {"opportunities": [{"amount": "1200000", "currency": "CNY", "close_month": None, "stage": None}]}},
    ]  # fmt: skip
    labelled.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "opps", str(labelled)])
    assert result.exit_code == 0, result.output
    assert "3 notes, 2 expected opportunities" in result.output
    assert "amount       1/2 (50%)" in result.output and "close_month  1/2 (50%)" in result.output
    assert "false opportunities 0/1" in result.output
    assert "c: expected" in result.output


def test_which_opportunity_when_a_customer_has_several(kam: Assistant, say: Callable[..., Reply]) -> None:
    customer = kam.customers.lookup("华信科技")
    assert customer is not None
    for title in ("服务器扩容", "门禁改造"):
        kam.opportunities.create(REP_ID, customer_id=customer.id, title=title)
    picked = say(REP_ID, "华信的门禁改造到谈判阶段了")
    assert "门禁改造" in picked.text and "谈判 75%" in picked.text
    asked = say(REP_ID, "华信的项目丢了")
    assert "有 2 个进行中的商机" in asked.text
    choice = button(asked, "opps:set:")
    assert len(choice.encode()) <= 64
    done = say(REP_ID, button=choice)
    assert done.replace_message and "丢单 0%" in done.text
    assert sorted(row["stage"] for row in kam.store.db.query("select stage from opportunities")) == ["lost", "negotiation"]
    assert "找不到这个商机" in say(OTHER_REP_ID, button=choice).text


def test_a_bad_pipeline_file_stops_kam_with_the_line(cli: click.Group, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import DEFAULT_PIPELINE_FILE

    bad = tmp_path / "pipeline.yaml"
    bad.write_text(DEFAULT_PIPELINE_FILE.read_text(encoding="utf-8").replace("probability: 75", "probability: -5"))
    monkeypatch.setenv("KAM_PIPELINE_FILE", str(bad))
    result = CliRunner().invoke(cli, ["opps", "--json"])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), start=1) if "probability: -5" in text)
    assert f"pipeline.yaml:{line}: stages[3].probability" in result.output and "Traceback" not in result.output


def test_one_customers_opportunities(kam: Assistant, say: Callable[..., Reply]) -> None:
    save_note(say, REP_ID, BUDGET_NOTE)
    save_note(say, REP_ID, ACME_NOTE)
    huaxin = say(REP_ID, "华信科技有哪些商机?").text
    assert "华信科技 的商机（1 个进行中）" in huaxin and "Acme" not in huaxin
    assert "Opportunities with Acme Corp (1 open)" in say(REP_ID, "/opps Acme").text
    assert "星河传媒没有你进行中的商机" in say(REP_ID, "/opps 星河传媒").text


def test_the_customer_card_shows_open_opportunities_to_their_owner_only(kam: Assistant, say) -> None:
    save_note(say, REP_ID, BUDGET_NOTE)
    assert "进行中的商机" in say(REP_ID, "/customer 华信科技").text and "200万 CNY" in say(REP_ID, "/customer 华信科技").text
    assert "进行中的商机" not in say(OTHER_REP_ID, "/customer 华信科技").text
    assert "200万 CNY" in say(ADMIN_ID, "/customer 华信科技").text


def test_team_view_for_admins_only(kam: Assistant, say) -> None:
    save_note(say, REP_ID, BUDGET_NOTE)
    save_note(say, OTHER_REP_ID, ACME_NOTE)
    team = say(ADMIN_ID, "/team").text
    assert f"u{REP_ID}: 1" in team and f"u{OTHER_REP_ID}: 1" in team  # visits this week
    assert f"u{REP_ID}: 线索 1 → 20万 CNY" in team and f"u{OTHER_REP_ID}: 线索 1 → 1.2万 USD" in team  # weighted, per rep
    assert "逾期跟进" in team
    denied = say(REP_ID, "/team").text
    assert "只对管理员开放" in denied and f"u{OTHER_REP_ID}" not in denied


def test_a_stalled_opportunity_shows_in_the_daily_digest(kam: Assistant, say) -> None:
    from datetime import timedelta

    from skills.followups import daily_digest_reply

    save_note(say, REP_ID, BUDGET_NOTE)
    rep = kam.users.get(REP_ID)
    later = NOW + timedelta(days=15)  # untouched for longer than KAM_OPPORTUNITY_STALE_DAYS (14)
    digest = kam.digests.daily(rep, now=later)
    assert digest is not None and [o.title for o in digest.stale_opportunities] == ["扩容"]
    assert "没有下一步或久未推进的商机（1）" in daily_digest_reply(digest, language="zh").text
    other = kam.digests.daily(kam.users.get(OTHER_REP_ID), now=later)
    assert other is None or other.stale_opportunities == []


def test_the_monday_summary_and_chart_add_the_pipeline(kam: Assistant, say) -> None:
    from crm.followups.chart import render_weekly_chart
    from skills.followups import weekly_reply

    save_note(say, REP_ID, BUDGET_NOTE)
    data = kam.digests.weekly_data(kam.users.get(REP_ID))
    assert [(stage.stage, stage.count, stage.weighted) for stage in data.pipeline] == [("lead", 1, {"CNY": "200000"})]
    assert data.has_activity and render_weekly_chart(data).startswith(b"\x89PNG")
    assert "销售漏斗：线索 1（加权 20万 CNY）" in weekly_reply(data, None, language="zh").text
    assert kam.digests.weekly_data(kam.users.get(OTHER_REP_ID)).pipeline == []
