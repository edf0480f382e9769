"""`kam quote` and `kam pricing check`: thin commands over `crm.pricing`.

Register on the main group:

    main.add_command(quote_command(lookup_factory))   # or the ready-made `quote` (no customer lookup)
    main.add_command(pricing)

`lookup_factory` is called only when `--customer` is given, and returns a `CustomerLookup`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bot.settings import SettingsError, load_settings
from crm.pricing.book import VALUE_CLASSES, PriceBook, PriceBookError, load_price_book
from crm.pricing.customers import CustomerLookup
from crm.pricing.matching import resolve_product
from crm.pricing.money import format_money
from crm.pricing.question import find_discount, read_discount
from crm.pricing.quote import (
    Inquiry,
    MaxDiscount,
    QuoteError,
    RequestedDiscount,
    compute_max_discount,
    compute_quote,
)
from crm.pricing.render import (
    lever_lines,
    max_discount_heading,
    max_discount_lines,
    quote_text,
)

LookupFactory = Callable[[], CustomerLookup | None]


def quote_command(lookup_factory: LookupFactory | None = None) -> click.Command:
    """Build `kam quote`; `lookup_factory` supplies the customer lookup for `--customer`."""

    @click.command("quote")
    @click.option("--product", "-p", "product_text", help="SKU or name: CRM-PRO, 专业版, Pro…")
    @click.option("--qty", "quantity", type=int, help="Number of units (套/user/人天…).")
    @click.option("--customer", help="Customer name; its value class comes from the customer records.")
    @click.option("--customer-class", "value_class", type=click.Choice(VALUE_CLASSES),
                  help="Value class I–IV (instead of, or overriding, the customer's).")
    @click.option("--discount", "discount_text", help="Requested discount: 八五折, 15%, 两成, 5个点, '10% off'.")
    @click.option("--extra", is_flag=True, help="The discount comes on top of the standard class and volume discounts.")
    @click.option("--max", "wants_max", is_flag=True, help="Show the most each authority level can give instead.")
    @click.option("--role", default="rep", show_default=True, help="Bot role of the asker (rep, admin).")
    @click.option("--list", "list_products", is_flag=True, help="List the products in the price book.")
    @click.option("--book", "book_path", type=click.Path(path_type=Path, dir_okay=False),
                  help="Price book file [default: KAM_PRICING_FILE, data/pricing.yaml].")
    @click.option("--lang", "language", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print the result, every step included, as JSON.")
    def quote(product_text: str | None, quantity: int | None, customer: str | None, value_class: str | None,
              discount_text: str | None, extra: bool, wants_max: bool, role: str, list_products: bool,
              book_path: Path | None, language: str, as_json: bool) -> None:
        """Price a product from the price book: breakdown, total and who must approve."""
        book = _open_book(book_path)
        if list_products:
            _print_products(book, language, as_json)
            return
        if not product_text:
            raise click.UsageError("give --product (or --list)")
        if quantity is None and not wants_max:
            raise click.UsageError("give --qty")
        inquiry = Inquiry(
            sku=_product_sku(book, product_text),
            quantity=quantity if quantity is not None else 1,
            value_class=value_class,  # type: ignore[arg-type]
            customer=customer,
            requested=_requested(discount_text, extra),
            role=role,
        )
        if customer:
            inquiry = _with_customer(inquiry, customer, value_class, lookup_factory)
        try:
            result = compute_max_discount(book, inquiry) if wants_max else compute_quote(book, inquiry)
        except QuoteError as error:
            raise click.ClickException(error.message(language)) from None
        if as_json:
            _echo_json(result.model_dump(mode="json"))
            return
        if isinstance(result, MaxDiscount):
            lines = [max_discount_heading(result, language), *max_discount_lines(result, language)]
        else:
            lines = [quote_text(book, result, language)]
        lines += lever_lines(book, result.bundles, result.payment_terms, result.currency, language)
        click.echo("\n".join(lines))

    return quote


quote = quote_command()


@click.group("pricing")
def pricing() -> None:
    """The price book (data/pricing.yaml)."""


@pricing.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """Validate a price book FILE without loading it into the bot; problems name line and field."""
    try:
        book = load_price_book(file)
    except PriceBookError as error:
        for problem in error.problems:
            click.echo(problem.describe(str(file)), err=True)
        raise click.ClickException(f"{file}: {len(error.problems)} problem(s); the price book was not accepted") from None
    effective = f", effective {book.effective_date}" if book.effective_date else ""
    click.echo(f"OK: {file} — {len(book.products)} products, {len(book.bundles)} bundles{effective}")


# helpers ------------------------------------------------------------------------------------


def _open_book(path: Path | None) -> PriceBook:
    if path is None:
        try:
            path = load_settings().pricing_file
        except SettingsError as error:
            raise click.ClickException(str(error)) from None
    try:
        return load_price_book(path)
    except PriceBookError as error:
        raise click.ClickException(f"the price book is invalid:\n{error}") from None


def _product_sku(book: PriceBook, text: str) -> str:
    products = resolve_product(book, text)
    if len(products) == 1:
        return products[0].sku
    known = ", ".join(f"{product.sku} ({product.name.zh}/{product.name.en})" for product in book.products)
    if not products:
        raise click.BadParameter(f"no product called {text!r}; products: {known}", param_hint="--product")
    several = ", ".join(product.sku for product in products)
    raise click.BadParameter(f"{text!r} could be {several}; give the SKU", param_hint="--product")


def _requested(text: str | None, extra: bool) -> RequestedDiscount | None:
    if not text:
        return None
    requested, _ = read_discount(text)
    off, said, _ = find_discount(text)
    if requested is None and off is not None:
        raise click.BadParameter(f"{said!r} is not a discount: it must be between 0 and 100%", param_hint="--discount")
    if requested is None:
        raise click.BadParameter(f"cannot read {text!r} as a discount (try 八五折, 15%, 5个点)", param_hint="--discount")
    return requested.model_copy(update={"mode": "extra"}) if extra else requested


def _with_customer(inquiry: Inquiry, customer: str, value_class: str | None,
                   lookup_factory: LookupFactory | None) -> Inquiry:
    """Fill the value class (and the customer's full name) from the lookup unless given."""
    if value_class is not None:
        return inquiry
    lookup = lookup_factory() if lookup_factory is not None else None
    if lookup is None:
        raise click.UsageError("customer records are not available here; pass --customer-class I..IV")
    found = lookup.find_value_class(customer)
    if found is None:
        raise click.BadParameter(f"no customer called {customer!r}; check the name or pass --customer-class",
                                 param_hint="--customer")
    name, found_class = found
    return inquiry.model_copy(update={"customer": name, "value_class": found_class if found_class in VALUE_CLASSES else None})


def _print_products(book: PriceBook, language: str, as_json: bool) -> None:
    if as_json:
        _echo_json([{**product.model_dump(mode="json"), "currency": book.currency_of(product)} for product in book.products])
        return
    for product in book.products:
        currency = book.currency_of(product)
        click.echo(
            f"{product.sku:<10} {product.name.get(language)} / {product.unit.get(language)}  "
            f"list {format_money(product.list_price, currency, language)}  "
            f"floor {format_money(product.floor_price, currency, language)}"
        )


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))
