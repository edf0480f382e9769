"""Quotes and discount limits as plain text in Chinese or English, shared by the skill and the CLI."""

from __future__ import annotations

from decimal import Decimal

from crm.pricing.book import PriceBook, Text
from crm.pricing.money import format_money, format_percent
from crm.pricing.quote import BundleOffer, MaxDiscount, PaymentOffer, Quote


def _pick(language: str, zh: str, en: str) -> str:
    return zh if language == "zh" else en


def quantity_text(quantity: int, unit: Text, language: str) -> str:
    """'50 套' / '50 users' / '1 user'."""
    if language == "zh":
        return f"{quantity:,} {unit.zh}"
    return f"{quantity:,} {unit.en}{'' if quantity == 1 else 's'}"


def per_unit(unit: Text, language: str) -> str:
    """'/套' or ' per user'."""
    return f"/{unit.zh}" if language == "zh" else f" per {unit.en}"


def customer_text(customer: str | None, value_class: str | None, language: str) -> str:
    """'华信科技（IV 类客户）', 'Acme Corp (class II)', or '' when neither is known."""
    if customer and value_class:
        return _pick(language, f"{customer}（{value_class} 类客户）", f"{customer} (class {value_class})")
    if value_class:
        return _pick(language, f"{value_class} 类客户", f"a class {value_class} customer")
    return customer or ""


def price_list_lines(book: PriceBook, language: str) -> list[str]:
    """'• 标准版 (CRM-STD)：¥1,200.00/套', one line per product of the price book."""
    return [
        f"• {product.name.get(language)} ({product.sku})"
        + _pick(language, "：", ": ")
        + format_money(product.list_price, book.currency_of(product), language)
        + per_unit(product.unit, language)
        for product in book.products
    ]


def class_discount_line(book: PriceBook, value_class: str, language: str) -> str:
    """What a value class gets before any product is chosen: 'III 类客户的等级折扣是 4%（每个产品）…'."""
    by_rate: dict[Decimal, list[str]] = {}
    for product in book.products:
        by_rate.setdefault(book.class_discount(product, value_class), []).append(product.name.get(language))
    usual, *others = sorted(by_rate, key=lambda rate: -len(by_rate[rate]))
    rate = format_percent(usual)
    if not others:
        said = _pick(language, f"{value_class} 类客户的等级折扣是 {rate}，每个产品都一样。",
                     f"A class {value_class} customer gets a {rate} class discount on every product.")
    else:
        exceptions = [f"{_pick(language, '、', ', ').join(by_rate[other])} {format_percent(other)}" for other in others]
        said = _pick(language, f"{value_class} 类客户的等级折扣是 {rate}（{'；'.join(exceptions)}）。",
                     f"A class {value_class} customer gets a {rate} class discount ({'; '.join(exceptions)}).")
    return said + _pick(language, "批量折扣和你能额外让的另算，最多能给多少要看产品和数量。",
                        " Volume breaks and any extra discount you may give come on top, so the most you can give "
                        "depends on the product and quantity.")


def quote_heading(quote: Quote, language: str) -> str:
    """'报价：专业版 (CRM-PRO) × 50 套 · 华信科技（IV 类客户）'."""
    title = f"{quote.product.get(language)} ({quote.sku}) × {quantity_text(quote.quantity, quote.unit, language)}"
    who = customer_text(quote.customer, quote.value_class, language)
    return _pick(language, "报价：", "Quote: ") + title + (f" · {who}" if who else "")


def breakdown_lines(quote: Quote, language: str) -> list[str]:
    """Every step from list price to total, one per line."""
    money = lambda amount: format_money(amount, quote.currency, language)  # noqa: E731
    colon = _pick(language, "：", ": ")
    lines = []
    for step in quote.steps:
        if step.kind == "list":
            lines.append(f"{step.label.get(language)}{colon}{money(step.unit_price)}{per_unit(quote.unit, language)}")
        else:
            lines.append(f"{step.label.get(language)} −{format_percent(step.discount)}{colon}{money(step.unit_price)}")
    lines.append(_pick(language, "成交单价", "Unit price") + f"{colon}{money(quote.unit_price)}{per_unit(quote.unit, language)}")
    lines.append(
        _pick(language, f"合计（{quantity_text(quote.quantity, quote.unit, language)}）",
              f"Total ({quantity_text(quote.quantity, quote.unit, language)})")
        + f"{colon}{money(quote.total)}"
    )
    lines.append(
        _pick(language, f"总折扣：{format_percent(quote.total_discount)}（比牌价少 {money(quote.saving)}）",
              f"Total discount: {format_percent(quote.total_discount)} ({money(quote.saving)} off list)")
    )
    return lines


def requested_line(quote: Quote, language: str) -> str:
    """How the requested discount was read, or '' when none was asked."""
    requested = quote.requested
    if requested is None:
        return ""
    said = f"“{requested.text}”" if requested.text else format_percent(requested.off)
    said_zh = said if requested.text else f" {said} "
    if quote.requested_met_by_standard:
        return _pick(
            language,
            f"客户要求{said_zh}（总折扣 {format_percent(requested.off)}）；标准折扣已达 "
            f"{format_percent(quote.standard_discount)}，更优惠，直接按标准价报即可。",
            f"Asked for {said} ({format_percent(requested.off)} off list); the standard terms already give "
            f"{format_percent(quote.standard_discount)}, so quote the standard price.",
        )
    if requested.mode == "extra":
        return _pick(
            language,
            f"按{said_zh}理解为：在标准折扣（等级 + 批量）之外再减 {format_percent(requested.off)}。",
            f"Read {said} as {format_percent(requested.off)} on top of the standard class and volume discounts.",
        )
    return _pick(
        language,
        f"按{said_zh}理解为：成交价 = 牌价的 {format_percent(1 - requested.off)}（总折扣 {format_percent(requested.off)}）。",
        f"Read {said} as paying {format_percent(1 - requested.off)} of list ({format_percent(requested.off)} off list in total).",
    )


def decision_line(book: PriceBook, quote: Quote, language: str) -> str:
    """Within authority / who must approve / below the floor, with the limits that decide it."""
    decision = quote.decision
    money = lambda amount: format_money(amount, quote.currency, language)  # noqa: E731
    off = format_percent(quote.total_discount)
    own = decision.level_name.get(language)
    own_limit = _limit_text(decision.limit, language)
    if decision.outcome == "below_floor":
        return _pick(
            language,
            f"⛔ 成交单价 {money(quote.unit_price)} 低于底价 {money(quote.floor_price)}，不能报。",
            f"⛔ The unit price {money(quote.unit_price)} is below the floor price {money(quote.floor_price)}: do not quote it.",
        ) + " " + book.floor_policy.get(language)
    if decision.outcome == "needs_approval" and decision.approver_name is not None:
        approver = decision.approver_name.get(language)
        approver_limit = _limit_text(book.authority.get_level(decision.approver or "").max_discount, language)
        return _pick(
            language,
            f"⚠️ 总折扣 {off} 超出你的权限（{own} {own_limit}），需要{approver}审批（{approver_limit}）。先别答应客户。",
            f"⚠️ {off} off list is beyond your authority ({own}: {own_limit}); it needs {approver} approval "
            f"({approver_limit}). Don't commit to it yet.",
        )
    if quote.requested is None or quote.requested_met_by_standard:
        return _pick(language, f"✅ 按标准政策报价，在你的权限内（{own} {own_limit}），无需审批。",
                     f"✅ Standard terms: within your authority ({own}: {own_limit}), no approval needed.")
    return _pick(
        language,
        f"✅ 总折扣 {off} 在你的权限内（{own} {own_limit}），可以直接答应。",
        f"✅ {off} off list is within your authority ({own}: {own_limit}); you can agree to it.",
    )


def _limit_text(limit: Decimal | None, language: str) -> str:
    if limit is None:
        return _pick(language, "可批到底价", "down to the floor price")
    return f"≤{format_percent(limit)}"


def lever_lines(book: PriceBook, bundles: list[BundleOffer], payments: list[PaymentOffer], currency: str,
                language: str) -> list[str]:
    """Non-price levers: bundles (eligible ones first) and payment terms."""
    money = lambda amount: format_money(amount, currency, language)  # noqa: E731
    lines = []
    for bundle in sorted(bundles, key=lambda offer: not offer.eligible):
        items = " + ".join(
            f"{book.get_product(sku).name.get(language)} × {quantity_text(qty, book.get_product(sku).unit, language)}"
            for sku, qty in bundle.add_ons
        )
        anchor_unit = book.get_product(bundle.anchor).unit
        condition = "" if bundle.eligible else _pick(
            language, f"（满 {quantity_text(bundle.min_anchor_qty, anchor_unit, language)}可用）",
            f" (from {quantity_text(bundle.min_anchor_qty, anchor_unit, language)})")
        lines.append(
            f"• {bundle.name.get(language)}{condition}{_pick(language, '：', ': ')}{items}"
            + _pick(language, f"，附加项减 {format_percent(bundle.add_on_discount)}，{money(bundle.price)}（省 {money(bundle.saving)}）。",
                    f", add-ons {format_percent(bundle.add_on_discount)} off: {money(bundle.price)} (saves {money(bundle.saving)}). ")
            + bundle.pitch.get(language)
        )
    terms = []
    for offer in payments:
        if offer.standard:
            terms.append(_pick(language, f"默认{offer.name.zh}", f"standard {offer.name.en}"))
        elif offer.discount and offer.allowed:
            terms.append(_pick(language, f"{offer.name.zh}再减 {format_percent(offer.discount)}（合计 {money(offer.total)}）",
                               f"{offer.name.en} earns {format_percent(offer.discount)} more (total {money(offer.total)})"))
        elif not offer.discount:
            terms.append(_pick(language, f"{offer.name.zh}需{offer.approver_name.zh}批准",
                               f"{offer.name.en} needs {offer.approver_name.en} approval"))
    if terms:
        lines.append(_pick(language, "• 付款条件：", "• Payment terms: ") + _pick(language, "；", "; ").join(terms)
                     + _pick(language, "。", "."))
    return lines


def max_discount_heading(limits: MaxDiscount, language: str) -> str:
    """'最多能给多少：专业版 (CRM-PRO) · Acme Corp（II 类客户）'."""
    who = customer_text(limits.customer, limits.value_class, language)
    title = f"{limits.product.get(language)} ({limits.sku})" + (f" · {who}" if who else "")
    return _pick(language, f"最多能给多少：{title}", f"The most you can give: {title}")


def max_discount_lines(limits: MaxDiscount, language: str) -> list[str]:
    """The asker's own limit, then each higher level's, then the floor."""
    money = lambda amount: format_money(amount, limits.currency, language)  # noqa: E731
    unit = per_unit(limits.unit, language)
    standard = (
        _pick(language, f"标准折扣 {format_percent(limits.standard_discount)} 后 {money(limits.standard_unit_price)}",
              f"{money(limits.standard_unit_price)} after the standard {format_percent(limits.standard_discount)}")
        if limits.standard_discount else _pick(language, "无标准折扣", "no standard discount applies")
    )
    lines = [_pick(language, f"牌价 {money(limits.list_price)}{unit}，{standard}。",
                   f"List price {money(limits.list_price)}{unit}; {standard}.")]
    own = limits.own
    room = (_pick(language, f"，即标准价之外再让 {format_percent(limits.extra_room)}",
                  f", i.e. {format_percent(limits.extra_room)} on top of the standard price")
            if limits.standard_discount and limits.extra_room else "")
    floor_note = _pick(language, "（已到底价）", " (that is the floor)") if own.capped_by_floor else ""
    lines.append(_pick(
        language,
        f"你（{own.name.zh}）自己最多可给到总折扣 {format_percent(own.max_discount)}：{money(own.unit_price)}{unit}{floor_note}{room}。",
        f"You ({own.name.en}) can give up to {format_percent(own.max_discount)} off list on your own: "
        f"{money(own.unit_price)}{unit}{floor_note}{room}.",
    ))
    if limits.quantity > 1:
        lines[-1] += _pick(language, f" {quantity_text(limits.quantity, limits.unit, language)}合计 {money(own.total)}。",
                           f" For {quantity_text(limits.quantity, limits.unit, language)}: {money(own.total)}.")
    for higher in limits.higher:
        if higher.capped_by_floor:
            lines.append(_pick(language, f"{higher.name.zh}可批到底价 {money(higher.unit_price)}{unit}（总折扣 {format_percent(higher.max_discount)}）。",
                               f"A {higher.name.en} can approve down to the floor, {money(higher.unit_price)}{unit} "
                               f"({format_percent(higher.max_discount)} off)."))
        else:
            lines.append(_pick(language, f"{higher.name.zh}可批到 {format_percent(higher.max_discount)}：{money(higher.unit_price)}{unit}。",
                               f"A {higher.name.en} can approve up to {format_percent(higher.max_discount)}: {money(higher.unit_price)}{unit}."))
    lines.append(_pick(language, f"底价 {money(limits.floor_price)}{unit}，低于底价谁都不能批。",
                       f"Floor price {money(limits.floor_price)}{unit}: nobody can go below it."))
    return lines


def quote_text(book: PriceBook, quote: Quote, language: str) -> str:
    """The whole quote as plain text (the CLI's output)."""
    parts = [quote_heading(quote, language), *breakdown_lines(quote, language)]
    for line in (requested_line(quote, language), decision_line(book, quote, language)):
        if line:
            parts.append(line)
    return "\n".join(parts)
