"""Prices and discounts on the spot, computed from the price book — never retrieved as text."""

from __future__ import annotations

import logging
import re

from crm.pricing.book import PriceBook, ProductNotFound
from crm.pricing.customers import CustomerLookup
from crm.pricing.matching import find_products
from crm.pricing.money import format_money
from crm.pricing.question import PriceQuestion, asks_the_most, find_discount, named_value_class, read_question
from crm.pricing.quote import Inquiry, QuoteError, compute_max_discount, compute_quote
from crm.pricing.render import (
    breakdown_lines,
    class_discount_line,
    customer_text,
    decision_line,
    lever_lines,
    max_discount_heading,
    max_discount_lines,
    price_list_lines,
    quantity_text,
    quote_heading,
    requested_line,
)
from knowledge import Source
from skills.ask import Playbook
from skills.base import RouteScore, Skill, SkillError, command
from skills.intent import asks_how_to_handle, is_question
from skills.models import CALLBACK_DATA_LIMIT, Block, Button, Reply, Request

__all__ = ["CustomerLookup", "PricingSkill"]

log = logging.getLogger(__name__)

_PRICE_WORDS = re.compile(
    r"价|多少钱|报价|折|优惠|便宜|让利|几个点|个点|"
    r"\bprice|\bpricing|\bquote|\bdiscount|how much|\bcost|% off|\bthe most i can give|\bcheaper",
    re.IGNORECASE,
)
# Price words only when a product of the book is named: 实施服务怎么收费, 专业版最低能给到多少 (集团彩铃怎么收费 is
# the playbook's to answer or to say it does not state)
_PRODUCT_PRICE_WORDS = re.compile(r"收费|费用(?:是)?多少|怎么卖|卖多少|售价|定价|给到多少|最低能|最低可以|底线")
_VISIT_REPORT = re.compile(
    r"拜访|见了|去了|聊了|面谈|开会|跟进|再谈|再约|(?:采购|经理|[总工]|主任|客户)(?:问|说|提|要求)|visited|met with|meeting with|follow up",
    re.IGNORECASE,
)
_PRICE_LIST = re.compile(
    r"价格表|价目表|价格清单|有哪些产品|产品列表|\bprice ?list\b|\bprice book\b|"
    r"\blist (?:of )?(?:the )?(?:products|prices)\b|\bwhat products\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"[?？]|吗|呢|多少|能不能|可不可以|可以不|行不行|怎么|\b(?:can|could|what|how|should)\b", re.IGNORECASE)
KNOWLEDGE_QUERY = {"zh": "客户要求降价 价值 应对", "en": "customer asks for a lower price: respond with value"}
KNOWLEDGE_TEXT_LIMIT = 500
PRICE_LIST_REQUEST_CHARS = 32  # "发我一份价格表" is a request for the list; a longer sentence mentioning one is not


class PricingSkill(Skill):
    """Quotes with every step shown, discount authority checks, and the most a rep can give."""

    name = "pricing"
    title_zh = "价格与折扣"
    title_en = "Prices & discounts"
    description_zh = "按价格手册报价、算折扣、判断审批权限"
    description_en = "Quotes from the price book, discounts and who must approve them"
    examples = (
        "标准版50套多少钱?",
        "华信科技要打八五折，我能答应吗?",
        "专业版100套再让5个点可以吗",
        "What's the most I can give Acme on the Pro plan?",
        "How much are 200 Enterprise seats at 15% off?",
    )

    def __init__(self, book: PriceBook, customers: CustomerLookup | None = None, knowledge: Playbook | None = None):
        self.book = book
        self.customers = customers
        self.knowledge = knowledge

    # routing -----------------------------------------------------------------------------

    def score(self, request: Request) -> RouteScore:
        """Claim price questions that name a product or a discount."""
        text = request.text
        if not text.strip():
            return RouteScore(0.0)
        if self._asks_price_list(text):
            return RouteScore(0.9, "asks for the price list")
        product = bool(find_products(self.book, text))
        asks_price = bool(_PRICE_WORDS.search(text) or product and _PRODUCT_PRICE_WORDS.search(text))
        # a discount (an impossible one too: we say why) or a value class ("三类客户最多打几折")
        discount = asks_price and (find_discount(text)[0] is not None or named_value_class(text) is not None)
        if (product or discount) and _VISIT_REPORT.search(text) and not is_question(text):
            return RouteScore(0.3, "prices inside a visit report")  # the notes skill records those
        if asks_how_to_handle(text) and not product:
            return RouteScore(0.35, "asks how to handle a price objection, names no product")
        if asks_price and (product or discount):
            return RouteScore(0.9, "price words with a " + ("product" if product else "discount"))
        if asks_price and asks_the_most(text) and self.customers and self.customers.find_value_class(text):
            return RouteScore(0.9, "the most a named customer can get")
        if product and re.search(r"\d|[一二两三四五六七八九十百千]", text):
            return RouteScore(0.6, "a product with a number")
        if asks_price:
            return RouteScore(0.3, "price words only")
        return RouteScore(0.0)

    # entry points ------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """Answer a price question written as free text."""
        if self._asks_price_list(request.plain):
            return self._price_list(request)
        return self.answer(request, read_question(self.book, request.text, self.customers))

    def _asks_price_list(self, text: str) -> bool:
        """"价格表" / "price list?": a short request naming no product (not "when does our price list expire?")."""
        return len(text.strip()) <= PRICE_LIST_REQUEST_CHARS and bool(_PRICE_LIST.search(text)) and not find_products(self.book, text)

    def _price_list(self, request: Request) -> Reply:
        """Every product's list price, with a button to price each."""
        picker = self._ask_product(request, PriceQuestion())
        heading = request.t("价格表（牌价，未含客户等级和批量折扣）：", "Price list (list prices, before class and volume discounts):")
        prompt = request.t("点产品算报价：", "Tap a product to price it:")
        return Reply.of(heading + "\n" + "\n".join(price_list_lines(self.book, request.language)), prompt,
                        buttons=picker.buttons)

    @command("quote", zh="报价：产品、数量、客户、折扣，例如 /quote 专业版 50套 华信科技 八五折",
             en="Quote: product, quantity, customer, discount, e.g. /quote Pro 50 seats Acme 10% off",
             example="/quote 专业版 50套 八五折")
    def quote(self, request: Request) -> Reply:
        """Quote a product for a quantity, with the breakdown and the approval needed."""
        if not request.args.strip():
            return self._usage(request)
        return self.answer(request, read_question(self.book, request.args, self.customers, bare_numbers=True))

    @command("price", zh="同 /quote：查价格和折扣", en="Same as /quote: prices and discounts", example="/price 标准版 50")
    def price(self, request: Request) -> Reply:
        """Alias of /quote."""
        return self.quote(request)

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """A product or quantity button: finish the question it carries."""
        try:
            question = PriceQuestion.from_payload(payload)
        except ValueError:
            raise SkillError("这个按钮已失效，请重新提问。", "This button is no longer valid; please ask again.") from None
        return self.answer(request, question)

    # answering ---------------------------------------------------------------------------

    def answer(self, request: Request, question: PriceQuestion) -> Reply:
        """Ask for what is missing, else quote or give the discount limits."""
        if question.impossible_discount:
            said = question.impossible_discount
            raise SkillError(f"折扣“{said}”不可能：折扣要在 0 到 100% 之间，例如 八五折、15%、5个点。",
                             f"The discount “{said}” is impossible: a discount is between 0 and 100%, "
                             f"e.g. 15% or 5 points.")
        if question.sku is None:
            return self._ask_product(request, question)
        try:
            self.book.get_product(question.sku)
        except ProductNotFound:  # a button sent before the price book changed
            raise SkillError("这个产品已不在价格手册里，请重新提问。",
                             "That product is no longer in the price book; please ask again.") from None
        if question.quantity_problem is not None:
            return self._ask_quantity(request, question)
        try:
            if question.wants_max:
                return self._max_discount(request, question)
            return self._quote(request, question)
        except QuoteError as error:
            raise SkillError(error.zh, error.en) from None

    def _quote(self, request: Request, question: PriceQuestion) -> Reply:
        language = request.language
        quantity = question.quantity or 1
        quote = compute_quote(self.book, self._inquiry(request, question, quantity))
        reply = Reply(blocks=[Block(text=quote_heading(quote, language), kind="heading")])
        reply.add("\n".join(breakdown_lines(quote, language)))
        notes = [requested_line(quote, language), *self._assumptions(request, question)]
        reply.add("\n".join(note for note in notes if note))
        reply.add(decision_line(self.book, quote, language))
        if quote.decision.outcome != "within_authority" or question.pushing:
            self._add_levers(request, reply, quote.bundles, quote.payment_terms, quote.currency)
            self._add_playbook(request, reply)
        if question.quantity is None:
            reply.buttons = self._quantity_buttons(request, question)
        return reply

    def _max_discount(self, request: Request, question: PriceQuestion) -> Reply:
        language = request.language
        limits = compute_max_discount(self.book, self._inquiry(request, question, question.quantity or 1))
        reply = Reply(blocks=[Block(text=max_discount_heading(limits, language), kind="heading")])
        reply.add("\n".join(max_discount_lines(limits, language)))
        reply.add("\n".join(self._assumptions(request, question)))
        self._add_levers(request, reply, limits.bundles, limits.payment_terms, limits.currency)
        if question.pushing:
            self._add_playbook(request, reply)
        if question.quantity is None:
            reply.buttons = self._quantity_buttons(request, question)
        return reply

    def _inquiry(self, request: Request, question: PriceQuestion, quantity: int) -> Inquiry:
        return Inquiry(sku=question.sku or "", quantity=quantity, value_class=question.value_class,  # type: ignore[arg-type]
                       customer=question.customer, requested=question.requested, role=request.user.role)

    def _assumptions(self, request: Request, question: PriceQuestion) -> list[str]:
        """Say what was not given and how that shaped the numbers: nothing is assumed silently."""
        notes = []
        if question.quantity is None:
            product = self.book.get_product(question.sku or "")
            notes.append(request.t(
                f"没说数量：按 1 {product.unit.zh}计算（不含批量折扣）。点下面的数量可重新计算。",
                f"No quantity given: priced for 1 {product.unit.en} (no volume discount). Pick a quantity below to recompute.",
            ))
        if question.value_class is None:
            if question.customer:
                notes.append(request.t(f"{question.customer} 没有客户等级，未计等级折扣。",
                                       f"{question.customer} has no value class, so no class discount is included."))
            else:
                notes.append(request.t("没识别到客户，未计客户等级折扣；在消息里写上客户名称即可加上。",
                                       "No known customer named, so no value-class discount is included; "
                                       "mention the customer to add it."))
        return notes

    def _add_levers(self, request: Request, reply: Reply, bundles: list, payments: list, currency: str) -> None:
        lines = lever_lines(self.book, bundles, payments, currency, request.language)
        if lines:
            reply.add(request.t("不降价也能给的：", "Levers other than price:"), kind="heading")
            reply.add("\n".join(lines))

    def _add_playbook(self, request: Request, reply: Reply) -> None:
        """The playbook's value-based answer to price pressure, cited; skipped when there is none."""
        answer = self._playbook_answer(request.language)
        if answer is None:
            return
        text, citations = answer
        reply.add(request.t("销售手册：用价值应对降价要求", "Playbook: answer price pressure with value"), kind="heading")
        reply.add(text, kind="quote")
        if citations:
            reply.add(request.t("来源：", "Source: ") + "; ".join(citations), kind="note")

    def _playbook_answer(self, language: str) -> tuple[str, list[str]] | None:
        if self.knowledge is None:
            return None
        queries = [KNOWLEDGE_QUERY[language]] + ([KNOWLEDGE_QUERY["zh"]] if language != "zh" else [])
        for query in queries:
            try:
                answer = self.knowledge.answer(query)
            except Exception:  # the quote stands on its own; a broken knowledge base must not block it
                log.warning("knowledge answer failed for the pricing playbook query", exc_info=True)
                return None
            if answer.answered and answer.text:
                return _shorten(answer.text), [_citation(source) for source in answer.sources[:2]]
        return None

    # asking for what is missing ----------------------------------------------------------

    def _ask_product(self, request: Request, question: PriceQuestion) -> Reply:
        language = request.language
        products = [self.book.get_product(sku) for sku in question.skus] or self.book.products
        understood = []
        if question.customer:
            understood.append(customer_text(question.customer, question.value_class, language))
        class_line = class_discount_line(self.book, question.value_class, language) if question.value_class else ""
        if question.requested is not None:
            understood.append(request.t(f"要求“{question.requested.text}”", f"asking “{question.requested.text}”")
                              if question.requested.text else "")
        if question.quantity:
            understood.append(request.t(f"数量 {question.quantity}", f"quantity {question.quantity}"))
        prompt = (request.t("提到了几个产品，先算哪一个？", "You mentioned several products; which one first?")
                  if question.skus else request.t("哪个产品？", "Which product?"))
        parts = [part for part in understood if part]
        lead = request.t("我理解的是：", "I understood: ") + request.t("，", ", ").join(parts) if parts else ""
        buttons = [
            self._button(f"{product.name.get(language)} · "
                         f"{format_money(product.list_price, self.book.currency_of(product), language)}",
                         question.with_product(product.sku))
            for product in products
        ]
        return Reply.of(lead, class_line, prompt, buttons=[buttons[index:index + 2] for index in range(0, len(buttons), 2)])

    def _ask_quantity(self, request: Request, question: PriceQuestion) -> Reply:
        said, limit = question.quantity_said, f"{self.book.limits.max_quantity:,}"
        why = {
            "zero": request.t(f"数量“{said}”不行：数量必须至少为 1。", f"The quantity “{said}” won't do: it must be at least 1."),
            "fraction": request.t(f"数量“{said}”不是整数：数量要是整数。", f"The quantity “{said}” is not a whole number."),
            "negative": request.t(f"数量“{said}”不是正数：数量必须至少为 1。",
                                  f"The quantity “{said}” is not a positive number: it must be at least 1."),
            "unreadable": request.t(f"看不懂数量“{said}”：请用普通数字写，例如 50套。",
                                    f"I can't read the quantity “{said}”: write a plain number, e.g. 50 seats."),
            "too_large": request.t(f"数量“{said}”太大：机器人报价上限是 {limit}，更大的单请走大单评审流程。",
                                   f"The quantity “{said}” is too large: the bot quotes up to {limit}; "
                                   f"take bigger deals to the deal desk."),
            "several": request.t(f"消息里有几个数量（{said}），不确定是哪一个。",
                                 f"I see more than one quantity ({said}) and can't tell which."),
        }[question.quantity_problem or "several"]
        return Reply.of(why, request.t("请选择数量，或带上数量重新提问：", "Pick a quantity, or ask again with one:"),
                        buttons=self._quantity_buttons(request, question))

    def _quantity_buttons(self, request: Request, question: PriceQuestion) -> list[list[Button]]:
        product = self.book.get_product(question.sku or "")
        breaks = [step.min_qty for step in self.book.volume_schedule(product)]
        quantities = sorted({1, 10, *breaks}) if breaks else [1, 2, 5, 10]
        row = [
            self._button(quantity_text(quantity, product.unit, request.language), question.with_quantity(quantity))
            for quantity in quantities[:6]
        ]
        return [row[:3], row[3:]] if len(row) > 3 else [row]

    def _button(self, label: str, question: PriceQuestion) -> Button:
        """A button that carries the whole (partial) question back to this skill."""
        room = CALLBACK_DATA_LIMIT - len(self.callback("").encode("utf-8"))
        return Button(label=label, data=self.callback(question.to_payload(room)))

    def _usage(self, request: Request) -> Reply:
        usage = request.t("用法：/quote 产品 数量 [客户] [折扣]，例如 /quote 专业版 50套 华信科技 八五折",
                          "Usage: /quote product quantity [customer] [discount], e.g. /quote Pro 50 seats Acme 10% off")
        picker = self._ask_product(request, PriceQuestion())
        return Reply.of(usage, request.t("或者先选产品：", "Or pick a product:"), buttons=picker.buttons)


def _shorten(text: str) -> str:
    """At most KNOWLEDGE_TEXT_LIMIT characters, cut at a sentence end when there is one."""
    lines = [line for line in text.strip().splitlines() if not line.startswith("English keywords:")]  # index metadata
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if len(text) <= KNOWLEDGE_TEXT_LIMIT:
        return text
    cut = text[:KNOWLEDGE_TEXT_LIMIT]
    end = max(cut.rfind(mark) for mark in "。！？.!?\n")
    return (cut[: end + 1] if end > KNOWLEDGE_TEXT_LIMIT // 2 else cut) + "…"


def _citation(source: Source) -> str:
    title, section = source.title or "", source.section or ""
    return f"《{title}》{' · ' + section if section else ''}" if title else section
