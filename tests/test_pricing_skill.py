"""The pricing skill, called directly: the three example questions, buttons, missing facts, the playbook."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.settings import DEFAULT_PRICING_FILE, PROJECT_ROOT
from crm.pricing.book import load_price_book
from skills.base import SkillError
from skills.models import CALLBACK_DATA_LIMIT, Reply, Request, User
from skills.pricing import PricingSkill
from tests.test_pricing_question import Customers


class Playbook:
    """A stand-in knowledge base with the `answer(query)` shape; records the queries it got."""

    def __init__(self, answered: bool = True):
        self.answered = answered
        self.queries: list[str] = []

    def answer(self, query: str) -> SimpleNamespace:
        self.queries.append(query)
        return SimpleNamespace(
            answered=self.answered,
            text="先问清客户要求降价的真实原因，再把话题从价格拉回价值：讲清方案给客户业务带来什么。",
            sources=[SimpleNamespace(title="异议处理卡片：价格类", section="价格异议：你们的价格太高了")],
        )


class BrokenPlaybook:
    def answer(self, query: str) -> SimpleNamespace:
        raise RuntimeError("index missing")


@pytest.fixture(scope="module")
def book():
    return load_price_book(DEFAULT_PRICING_FILE)


@pytest.fixture
def playbook() -> Playbook:
    return Playbook()


@pytest.fixture
def skill(book, playbook: Playbook) -> PricingSkill:
    return PricingSkill(book, Customers(), playbook)


def _request(text: str = "", *, language: str = "zh", role: str = "rep", callback: str | None = None,
             command: str | None = None, args: str = "") -> Request:
    return Request(user=User(id=7, name="小王", role=role), text=text, now=datetime(2025, 3, 3, tzinfo=UTC),
                   language=language, callback_data=callback, command=command, args=args)  # type: ignore[arg-type]


def _press(skill: PricingSkill, reply: Reply, label: str, *, language: str = "zh", role: str = "rep") -> Reply:
    button = next(button for row in reply.buttons for button in row if button.label.startswith(label))
    target, _, payload = button.data.partition(":")
    assert target == "pricing"
    return skill.handle_callback(_request(language=language, role=role, callback=button.data), payload)


def _all_buttons(reply: Reply) -> list[str]:
    return [button.data for row in reply.buttons for button in row]


# the three questions from the issue --------------------------------------------------------


def test_standard_edition_50_seats(skill: PricingSkill) -> None:
    reply = skill.handle(_request("标准版50套多少钱?"))
    text = reply.text
    assert reply.blocks[0].text == "报价：标准版 (CRM-STD) × 50 套"
    assert "牌价：¥1,200.00/套" in text
    assert "批量 ≥50 −2%：¥1,176.00" in text
    assert "合计（50 套）：¥58,800.00" in text
    assert "没识别到客户，未计客户等级折扣" in text  # said, not silently assumed
    assert "✅ 按标准政策报价" in text
    assert "销售手册" not in text  # nobody pushed on price
    assert reply.buttons == []


def test_huaxin_85_percent_asks_for_the_product_then_needs_a_manager(skill: PricingSkill, playbook: Playbook) -> None:
    ask = skill.handle(_request("华信科技要打八五折，我能答应吗?"))
    assert "华信科技（IV 类客户）" in ask.text and "打八五折" in ask.text and "哪个产品" in ask.text
    data = _all_buttons(ask)
    assert "pricing:p:CRM-PRO;kIV;d0.15;n华信科技" in data
    assert all(len(item.encode("utf-8")) <= CALLBACK_DATA_LIMIT for item in data)

    quote = _press(skill, ask, "专业版")
    text = quote.text
    assert quote.blocks[0].text == "报价：专业版 (CRM-PRO) × 1 套 · 华信科技（IV 类客户）"
    assert "客户等级 IV 类 −6%：¥2,256.00" in text
    assert "成交单价：¥2,040.00/套" in text
    assert "成交价 = 牌价的 85%（总折扣 15%）" in text
    assert "⚠️ 总折扣 15% 超出你的权限（客户经理 ≤12%），需要销售经理审批（≤20%）" in text
    assert "没说数量：按 1 套计算" in text
    # out of authority: non-price levers and the playbook, cited
    assert "专业版快速上线包（满 20 套可用）" in text
    assert "年度预付再减 2%" in text and "账期 60 天需销售经理批准" in text
    assert "把话题从价格拉回价值" in text
    assert "来源：《异议处理卡片：价格类》 · 价格异议：你们的价格太高了" in text
    assert playbook.queries == ["客户要求降价 价值 应对"]

    with_quantity = _press(skill, quote, "50 套")
    assert "批量 ≥50 −2%：¥2,210.88" in with_quantity.text
    assert "合计（50 套）：¥102,000.00" in with_quantity.text
    assert "没说数量" not in with_quantity.text


def test_most_i_can_give_acme_on_pro(skill: PricingSkill) -> None:
    reply = skill.handle(_request("What's the most I can give Acme on the Pro plan?", language="en"))
    text = reply.text
    assert reply.blocks[0].text == "The most you can give: Pro (CRM-PRO) · Acme Corp (class II)"
    assert "List price CNY 2,400.00 per user; CNY 2,352.00 after the standard 2%." in text
    assert "You (account manager) can give up to 12% off list on your own: CNY 2,112.00 per user" in text
    assert "A sales manager can approve up to 20%: CNY 1,920.00 per user." in text
    assert "A sales director can approve down to the floor, CNY 1,560.00 per user (35% off)." in text
    assert "Floor price CNY 1,560.00 per user: nobody can go below it." in text
    assert "Pro Fast-Start package" in text  # value to offer instead of a deeper cut
    assert any(button.label == "100 users" for row in reply.buttons for button in row)


# authority by role, floor, language ---------------------------------------------------------


def test_admin_has_manager_authority(skill: PricingSkill) -> None:
    reply = skill.handle(_request("华信科技 专业版 50套 打八五折", role="admin"))
    assert "✅ 总折扣 15% 在你的权限内（销售经理 ≤20%），可以直接答应。" in reply.text


def test_below_the_floor_is_refused_with_alternatives(skill: PricingSkill) -> None:
    reply = skill.handle(_request("专业版 100套 打六折可以吗"))
    text = reply.text
    assert "⛔ 成交单价 ¥1,440.00 低于底价 ¥1,560.00，不能报。" in text
    assert "总经理特批" in text
    assert "不降价也能给的" in text and "销售手册" in text


def test_english_quote_with_extra_discount(skill: PricingSkill) -> None:
    reply = skill.handle(_request("Quote 100 Enterprise seats for Acme with an extra 5% on top", language="en"))
    text = reply.text
    assert reply.blocks[0].text == "Quote: Enterprise (CRM-ENT) × 100 users · Acme Corp (class II)"
    assert "Read “5%” as 5% on top of the standard class and volume discounts." in text
    assert "Unit price: CNY 4,290.05 per user" in text  # 4800 × 0.98 × 0.96 × 0.95 = 4290.048
    assert "✅ 10.62% off list is within your authority (account manager: ≤12%); you can agree to it." in text


def test_customer_pushing_gets_the_playbook_even_within_authority(skill: PricingSkill) -> None:
    reply = skill.handle(_request("客户嫌标准版太贵，50套"))
    assert "✅" in reply.text and "销售手册" in reply.text


# missing or unusable information ------------------------------------------------------------


def test_unknown_product_asks_with_every_product(skill: PricingSkill, book) -> None:
    reply = skill.handle(_request("旗舰版100套多少钱"))
    assert "哪个产品" in reply.text and "数量 100" in reply.text
    assert len(_all_buttons(reply)) == len(book.products)
    chosen = _press(skill, reply, "企业版")
    assert "合计（100 套）：¥460,800.00" in chosen.text


def test_a_value_class_alone_is_told_its_class_discount_before_the_product(skill: PricingSkill) -> None:
    reply = skill.handle(_request("三类客户最多能打几折"))
    assert "III 类客户的等级折扣是 4%（移动销售终端 2%）" in reply.text and "哪个产品" in reply.text
    english = skill.handle(_request("What discount can a class III customer get?", language="en"))
    assert "A class III customer gets a 4% class discount (Field sales tablet 2%)" in english.text
    chosen = _press(skill, reply, "专业版")
    assert "III 类客户" in chosen.text


def test_the_price_list_and_a_floor_price(skill: PricingSkill, book) -> None:
    listing = skill.handle(_request("价格表"))
    assert "• 专业版 (CRM-PRO)：¥2,400.00/套" in listing.text and len(_all_buttons(listing)) == len(book.products)
    english = skill.handle(_request("price list", language="en"))
    assert "• Pro (CRM-PRO): CNY 2,400.00 per user" in english.text
    floor = skill.handle(_request("标准版底价多少"))
    assert "底价 ¥840.00/套" in floor.text  # the floor, not a one-unit quote at list price
    assert "Floor price CNY 840.00 per user" in skill.handle(_request("floor price of the standard edition", language="en")).text


@pytest.mark.parametrize("text", ["实施服务怎么收费", "培训怎么收费", "专业版怎么卖", "IV类客户专业版最低能给到多少", "实施费用多少"])
def test_a_fee_asked_of_a_product_in_the_book_is_a_price_question(skill: PricingSkill, text: str) -> None:
    assert skill.score(_request(text)).score >= 0.9


@pytest.mark.parametrize("text", ["集团彩铃怎么收费", "培训费用谁出", "实施需要多少人天"])
def test_a_fee_of_something_not_in_the_book_is_left_to_the_playbook(skill: PricingSkill, text: str) -> None:
    assert skill.score(_request(text)).score < 0.5


def test_several_products_ask_which_one(skill: PricingSkill) -> None:
    reply = skill.handle(_request("专业版加实施多少钱"))
    assert "先算哪一个" in reply.text
    assert [button.label.split(" · ")[0] for row in reply.buttons for button in row] == ["专业版", "实施服务"]


def test_unknown_customer_gets_no_class_discount_and_is_told(skill: PricingSkill) -> None:
    reply = skill.handle(_request("某某集团 专业版 50套 打九折"))
    assert "客户等级" not in reply.blocks[1].text
    assert "没识别到客户" in reply.text


def test_zero_quantity_asks_again(skill: PricingSkill) -> None:
    reply = skill.handle(_request("标准版0套多少钱"))
    assert "数量必须至少为 1" in reply.text
    assert _all_buttons(reply)[0] == "pricing:p:CRM-STD;q1"


def test_huge_quantity_goes_to_the_deal_desk(skill: PricingSkill) -> None:
    with pytest.raises(SkillError) as caught:
        skill.handle(_request("标准版1000000套多少钱"))
    assert "大单评审" in caught.value.message("zh")
    assert "deal desk" in caught.value.message("en")


def test_stale_button_is_a_friendly_error(skill: PricingSkill) -> None:
    with pytest.raises(SkillError):
        skill.handle_callback(_request(callback="pricing:zz"), "zz")
    with pytest.raises(SkillError):  # a SKU removed from the price book since the button was sent
        skill.handle_callback(_request(callback="pricing:p:OLD-SKU;q5"), "p:OLD-SKU;q5")


# commands -----------------------------------------------------------------------------------


def test_quote_and_price_commands(skill: PricingSkill) -> None:
    assert {spec.name for spec in skill.commands} == {"quote", "price"}
    usage = skill.quote(_request("/quote", command="quote"))
    assert "用法" in usage.text and len(_all_buttons(usage)) == 7
    reply = skill.price(_request("/price 专业版 50", command="price", args="专业版 50"))
    assert "合计（50 套）：¥117,600.00" in reply.text


# the knowledge base is optional -------------------------------------------------------------


@pytest.mark.parametrize("knowledge", [None, BrokenPlaybook(), Playbook(answered=False), object()])
def test_quote_stands_without_a_working_playbook(book, knowledge: object) -> None:
    skill = PricingSkill(book, Customers(), knowledge)
    reply = skill.handle(_request("专业版 100套 打六折可以吗"))
    assert "⛔" in reply.text and "不降价也能给的" in reply.text
    assert "销售手册" not in reply.text


def test_english_falls_back_to_the_chinese_playbook_query(book) -> None:
    class ChineseOnly(Playbook):
        def answer(self, query: str) -> SimpleNamespace:
            answer = super().answer(query)
            answer.answered = query.startswith("客户")
            return answer

    playbook = ChineseOnly()
    reply = PricingSkill(book, Customers(), playbook).handle(_request("Pro 50 seats at 30% off for Acme", language="en"))
    assert playbook.queries == ["customer asks for a lower price: respond with value", "客户要求降价 价值 应对"]
    assert "Source: 《异议处理卡片：价格类》" in reply.text


def test_without_a_customer_lookup_the_class_is_not_guessed(book) -> None:
    reply = PricingSkill(book, None, None).handle(_request("华信科技 专业版 50套"))
    assert "客户等级 IV" not in reply.text and "没识别到客户" in reply.text


# routing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("标准版50套多少钱?", 0.85, 1.0),
        ("华信科技要打八五折，我能答应吗?", 0.85, 1.0),
        ("What's the most I can give Acme on the Pro plan?", 0.85, 1.0),
        ("专业版 50套", 0.5, 0.7),
        ("客户要求再降价，我该怎么应对？", 0.2, 0.4),  # a playbook question: leave it to the knowledge skill
        ("明天提醒我给华信打电话", 0.0, 0.0),
        ("今天拜访华信科技王总，客户嫌专业版太贵，要求打八五折，下周三再跟进", 0.0, 0.4),  # a visit note
        ("拜访完华信，他们要打八五折，我能答应吗", 0.85, 1.0),
        ("三类客户最多能打几折", 0.85, 1.0),  # a value class named without a customer
        ("华信科技最多能打几折", 0.85, 1.0),  # the most a named customer can get: no product needed to claim it
        ("价格表", 0.85, 1.0),
        ("can you send me the price list?", 0.85, 1.0),
        ("When does our current price list expire? Who decides the next one?", 0.0, 0.4),  # about the list, not for it
        ("华信科技最近怎么样", 0.0, 0.0),
        ("What discount can a class III customer get?", 0.85, 1.0),
        ("what discount can a class-III customer get", 0.85, 1.0),  # the hyphen of a phone keyboard
        ("", 0.0, 0.0),
    ],
)
def test_score(skill: PricingSkill, text: str, low: float, high: float) -> None:
    assert low <= skill.score(_request(text)).score <= high


def test_pricing_code_never_imports_telegram_or_click() -> None:
    files = [PROJECT_ROOT / "skills" / "pricing.py", *sorted((PROJECT_ROOT / "bot" / "pricing").glob("*.py"))]
    for path in files:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.split(".")[0] in {"telegram", "click"} for name in modules), path
