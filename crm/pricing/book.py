"""The price book: pydantic models for `data/pricing.yaml` and a loader whose errors name the line.

`load_price_book(path)` reads the YAML with a loader that remembers where every key and value
sits, validates it with pydantic, then runs the cross checks pydantic cannot express (unknown SKUs,
floors above list prices, standard discounts beyond the first authority level). Any failure raises
`PriceBookError` whose problems each carry `file:line: field.path: why`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from crm.pricing.money import Currency, format_percent, parse_percent

ValueClass = Literal["I", "II", "III", "IV"]
VALUE_CLASSES: tuple[ValueClass, ...] = ("I", "II", "III", "IV")

Percent = Annotated[Decimal, BeforeValidator(parse_percent), Field(ge=0, lt=1)]
MAX_MONEY = Decimal(1_000_000_000)  # per unit: anything above is a typo (1e300), and overflows the math
Money = Annotated[Decimal, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]
Location = tuple[str | int, ...]


class PriceBookError(Exception):
    """The price book cannot be used; `problems` lists every reason with its line."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problem.describe(source) for problem in problems))


class ProductNotFound(LookupError):
    """No product has that SKU."""


class Problem(BaseModel):
    """One thing wrong with a price book: where (line, field path) and why."""

    line: int | None  # 1-based; None when the file could not be placed
    path: str  # "products[1].floor_price"
    message: str

    def describe(self, source: str) -> str:
        """'pricing.yaml:57: products[1].floor_price: must not exceed list_price'."""
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A phrase in both languages."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """The phrase in `language` ('zh' or 'en')."""
        return self.zh if language == "zh" else self.en


class VolumeBreak(_Strict):
    """From `min_qty` units on, `discount` more off (after the class discount)."""

    min_qty: int = Field(gt=0)
    discount: Percent


class AuthorityLevel(_Strict):
    """Who can approve how much total discount; `max_discount` None (the last level) means down to the floor."""

    level: str = Field(pattern=r"^[a-z_]+$")
    name: Text
    max_discount: Percent | None = None


class Authority(_Strict):
    """Approval levels from lowest to highest, and which bot role acts at which level."""

    levels: list[AuthorityLevel] = Field(min_length=1)
    roles: dict[str, str]

    def level_for_role(self, role: str) -> AuthorityLevel:
        """The authority level of a bot role ('rep', 'admin'); unknown roles get the lowest."""
        wanted = self.roles.get(role, self.levels[0].level)
        return self.get_level(wanted)

    def get_level(self, level: str) -> AuthorityLevel:
        """The level named `level`, or KeyError."""
        for candidate in self.levels:
            if candidate.level == level:
                return candidate
        raise KeyError(level)

    def rank(self, level: str) -> int:
        """0 for the lowest level, 1 for the next…"""
        return [candidate.level for candidate in self.levels].index(level)


class Product(_Strict):
    """One sellable item with its list and floor price per unit."""

    sku: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,23}$")
    name: Text
    aliases: list[str] = Field(default_factory=list)
    unit: Text
    description: Text | None = None
    currency: Currency | None = None  # None: the book's currency
    list_price: Money = Field(gt=0)
    floor_price: Money
    volume_schedule: str | None = None
    class_discounts: dict[ValueClass, Percent] | None = None

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, value: list[str]) -> list[str]:
        if any(not alias.strip() for alias in value):
            raise ValueError("aliases must not be blank")
        return value

    def title(self, language: str) -> str:
        """'专业版 (CRM-PRO)'."""
        return f"{self.name.get(language)} ({self.sku})"

    @property
    def terms(self) -> list[str]:
        """Everything the product may be called: SKU, both names, aliases."""
        return [self.sku, self.name.zh, self.name.en, *self.aliases]


class BundleItem(_Strict):
    """An add-on line of a bundle."""

    sku: str
    qty: int = Field(gt=0)


class Bundle(_Strict):
    """A package offered with an anchor product: add-ons at a discount instead of a price cut."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,23}$")
    name: Text
    anchor: str
    min_anchor_qty: int = Field(default=1, gt=0)
    add_ons: list[BundleItem] = Field(min_length=1)
    add_on_discount: Percent
    pitch: Text


class PaymentOption(_Strict):
    """A payment term: days to pay, any discount it earns, and who may grant it."""

    code: str = Field(pattern=r"^[A-Z0-9_-]+$")
    name: Text
    days: int = Field(ge=0)
    discount: Percent = Decimal(0)
    approver: str


class PaymentTerms(_Strict):
    """The standard term and every allowed option."""

    standard: str
    options: list[PaymentOption] = Field(min_length=1)

    def get(self, code: str) -> PaymentOption:
        """The option with this code, or KeyError."""
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)


class Limits(_Strict):
    """Sanity limits on what the bot quotes."""

    max_quantity: int = Field(default=100_000, gt=0, le=1_000_000_000)


class PriceBook(_Strict):
    """Everything pricing needs; see the comments in data/pricing.yaml for the rules."""

    version: int = 1
    currency: Currency = "CNY"
    effective_date: date | None = None
    class_discounts: dict[ValueClass, Percent]
    volume_schedules: dict[str, list[VolumeBreak]] = Field(default_factory=dict)
    authority: Authority
    floor_policy: Text
    products: list[Product] = Field(min_length=1)
    bundles: list[Bundle] = Field(default_factory=list)
    payment_terms: PaymentTerms
    limits: Limits = Limits()

    def vocabulary(self) -> list[str]:
        """Every product name and alias, for tokenizers that should keep them whole."""
        return [term for product in self.products for term in product.terms]

    def get_product(self, sku: str) -> Product:
        """The product with this SKU (case-insensitive), or ProductNotFound."""
        wanted = sku.strip().upper()
        for product in self.products:
            if product.sku == wanted:
                return product
        raise ProductNotFound(sku)

    def currency_of(self, product: Product) -> str:
        """The product's currency, defaulting to the book's."""
        return product.currency or self.currency

    def class_discount(self, product: Product, value_class: str | None) -> Decimal:
        """The class discount for this product; 0 when the class is unknown."""
        if value_class is None:
            return Decimal(0)
        table = product.class_discounts or self.class_discounts
        return table.get(value_class, Decimal(0))  # type: ignore[call-overload]

    def volume_break(self, product: Product, quantity: int) -> VolumeBreak | None:
        """The highest break reached at `quantity` (min_qty is inclusive), or None."""
        reached = [step for step in self.volume_schedule(product) if quantity >= step.min_qty]
        return max(reached, key=lambda step: step.min_qty) if reached else None

    def volume_schedule(self, product: Product) -> list[VolumeBreak]:
        """The product's volume breaks, lowest first (empty when it has none)."""
        if product.volume_schedule is None:
            return []
        return sorted(self.volume_schedules[product.volume_schedule], key=lambda step: step.min_qty)

    def bundles_for(self, product: Product) -> list[Bundle]:
        """Bundles anchored on this product."""
        return [bundle for bundle in self.bundles if bundle.anchor == product.sku]


# loading ------------------------------------------------------------------------------------


def load_price_book(path: Path | str) -> PriceBook:
    """Read and validate a price book file; PriceBookError names the line and field of each problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PriceBookError(str(path), [Problem(line=None, path="", message=f"cannot read: {error.strerror}")]) from None
    return parse_price_book(text, source=str(path))


def parse_price_book(text: str, *, source: str = "<price book>") -> PriceBook:
    """Validate price book YAML given as text; see `load_price_book`."""
    data, lines, problems = _read_yaml(text)
    if problems:
        raise PriceBookError(source, problems)
    if not isinstance(data, dict):
        raise PriceBookError(source, [Problem(line=1, path="", message="the file must be a YAML mapping of sections")])
    try:
        book = PriceBook.model_validate(data)
    except ValidationError as error:
        raise PriceBookError(source, [_problem_from_pydantic(entry, lines) for entry in error.errors()]) from None
    problems = [
        Problem(line=_line_of(location, lines), path=_dotted(location), message=message)
        for location, message in check_consistency(book)
    ]
    if problems:
        raise PriceBookError(source, problems)
    return book


def check_consistency(book: PriceBook) -> Iterator[tuple[Location, str]]:
    """Rules across sections: references resolve, floors hold, standard terms need no approval."""
    skus: dict[str, int] = {}
    for index, product in enumerate(book.products):
        if product.sku in skus:
            yield ("products", index, "sku"), f"duplicate SKU {product.sku} (also products[{skus[product.sku]}])"
        skus.setdefault(product.sku, index)
    owners: dict[str, str] = {}
    for index, product in enumerate(book.products):
        for term in product.terms:
            key = _fold(term)
            owner = owners.setdefault(key, product.sku)
            if owner != product.sku:
                yield ("products", index, "aliases"), f"{term!r} also names {owner}; a name must point to one product"
    for name, steps in book.volume_schedules.items():
        quantities = [step.min_qty for step in steps]
        if len(set(quantities)) != len(quantities):
            yield ("volume_schedules", name), "two breaks have the same min_qty"
        ordered = sorted(steps, key=lambda step: step.min_qty)
        for lower, higher in zip(ordered, ordered[1:]):
            if higher.discount < lower.discount:
                yield ("volume_schedules", name), (
                    f"the break at {higher.min_qty} gives less than the one at {lower.min_qty}"
                )
    yield from _check_authority(book)
    for index, product in enumerate(book.products):
        yield from _check_product(book, index, product)
    for index, bundle in enumerate(book.bundles):
        yield from _check_bundle(book, index, bundle)
    levels = {level.level for level in book.authority.levels}
    codes = [option.code for option in book.payment_terms.options]
    if book.payment_terms.standard not in codes:
        yield ("payment_terms", "standard"), f"{book.payment_terms.standard!r} is not one of the options {codes}"
    for index, option in enumerate(book.payment_terms.options):
        if option.approver not in levels:
            yield ("payment_terms", "options", index, "approver"), f"unknown authority level {option.approver!r}"


def _check_authority(book: PriceBook) -> Iterator[tuple[Location, str]]:
    levels = book.authority.levels
    names = [level.level for level in levels]
    if len(set(names)) != len(names):
        yield ("authority", "levels"), "level names must be unique"
    for index, level in enumerate(levels):
        last = index == len(levels) - 1
        if level.max_discount is None and not last:
            yield ("authority", "levels", index, "max_discount"), "only the last level may omit max_discount"
        if level.max_discount is not None and last:
            yield ("authority", "levels", index, "max_discount"), (
                "the last level approves down to the floor price: leave out its max_discount"
            )
    limits = [level.max_discount for level in levels if level.max_discount is not None]
    if limits != sorted(limits) or len(set(limits)) != len(limits):
        yield ("authority", "levels"), "max_discount must grow from one level to the next"
    for role, level in book.authority.roles.items():
        if level not in names:
            yield ("authority", "roles", role), f"unknown authority level {level!r} (levels: {', '.join(names)})"


def _check_product(book: PriceBook, index: int, product: Product) -> Iterator[tuple[Location, str]]:
    here: Location = ("products", index)
    if product.floor_price > product.list_price:
        yield (*here, "floor_price"), f"floor price {product.floor_price} is above the list price {product.list_price}"
        return
    if product.volume_schedule is not None and product.volume_schedule not in book.volume_schedules:
        yield (*here, "volume_schedule"), (
            f"no volume schedule named {product.volume_schedule!r} (have: {', '.join(book.volume_schedules)})"
        )
        return
    table = product.class_discounts or book.class_discounts
    missing = [value_class for value_class in VALUE_CLASSES if value_class not in table]
    if missing:
        where = (*here, "class_discounts") if product.class_discounts else ("class_discounts",)
        yield where, f"missing value class {', '.join(missing)}"
        return
    schedule = book.volume_schedule(product)
    best_volume = schedule[-1].discount if schedule else Decimal(0)
    standard = 1 - (1 - max(table.values())) * (1 - best_volume)
    first = book.authority.levels[0]
    if first.max_discount is not None and standard > first.max_discount:
        yield here, (
            f"standard discounts reach {format_percent(standard)} (best class and volume), more than "
            f"{first.level}'s limit {format_percent(first.max_discount)}: every standard quote would need approval"
        )
    if product.list_price * (1 - standard) < product.floor_price:
        yield (*here, "floor_price"), (
            f"standard discounts ({format_percent(standard)}) already take the price below the floor {product.floor_price}"
        )


def _check_bundle(book: PriceBook, index: int, bundle: Bundle) -> Iterator[tuple[Location, str]]:
    here: Location = ("bundles", index)
    known = {product.sku: product for product in book.products}
    if bundle.anchor not in known:
        yield (*here, "anchor"), f"unknown SKU {bundle.anchor!r}"
        return
    currency = book.currency_of(known[bundle.anchor])
    for item_index, item in enumerate(bundle.add_ons):
        product = known.get(item.sku)
        if product is None:
            yield (*here, "add_ons", item_index, "sku"), f"unknown SKU {item.sku!r}"
            continue
        if book.currency_of(product) != currency:
            yield (*here, "add_ons", item_index, "sku"), f"{item.sku} is priced in {book.currency_of(product)}, the anchor in {currency}"
        if product.list_price * (1 - bundle.add_on_discount) < product.floor_price:
            yield (*here, "add_on_discount"), (
                f"{format_percent(bundle.add_on_discount)} off takes {item.sku} below its floor price {product.floor_price}"
            )


# YAML with line numbers ---------------------------------------------------------------------


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as exact Decimals (1200.10 stays 1200.10)."""


_YAML_SPECIAL_FLOATS = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    """A YAML float as an exact Decimal; .inf and .nan become Decimal's own (the models refuse them by field)."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(_YAML_SPECIAL_FLOATS.get(text.lower(), text))
    except ArithmeticError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a number this price book can use", node.start_mark
        ) from None


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _read_yaml(text: str) -> tuple[Any, dict[Location, int], list[Problem]]:
    """The data, the 1-based line of every key/item path, and syntax or duplicate-key problems."""
    loader = _DecimalLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [Problem(line=1, path="", message="the file is empty")]
        lines: dict[Location, int] = {}
        problems: list[Problem] = []
        _index_lines(node, (), lines, problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        reason = " ".join(part for part in (error.context, error.problem) if part)
        if error.context_mark is not None and mark is not None and error.context_mark.line != mark.line:
            reason += f" (the construct started on line {error.context_mark.line + 1})"
        return None, {}, [Problem(line=line, path="", message=f"not valid YAML: {reason}")]
    except (ArithmeticError, ValueError) as error:
        return None, {}, [Problem(line=None, path="", message=f"not valid YAML: {error}")]
    finally:
        loader.dispose()
    return data, lines, problems


def _index_lines(node: yaml.Node, location: Location, lines: dict[Location, int], problems: list[Problem]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*location, key)
            if key in seen:
                problems.append(Problem(line=key_node.start_mark.line + 1, path=_dotted(child), message="duplicate key"))
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _index_lines(value_node, child, lines, problems)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            child = (*location, position)
            lines[child] = item.start_mark.line + 1
            _index_lines(item, child, lines, problems)


def _line_of(location: Location, lines: dict[Location, int]) -> int | None:
    """The line of the deepest part of `location` that exists in the file."""
    for end in range(len(location), 0, -1):
        line = lines.get(tuple(location[:end]))
        if line is not None:
            return line
    return None


def _problem_from_pydantic(entry: Any, lines: dict[Location, int]) -> Problem:
    location = tuple(part for part in entry["loc"] if part not in ("[key]",) and not _is_validator_name(part))
    message = str(entry["msg"]).removeprefix("Value error, ")
    if entry["type"] == "missing":
        message = "required field is missing"
    elif entry["type"] == "extra_forbidden":
        message = "unknown field (check the spelling)"
    if entry["type"] == "missing" and location:
        line = _line_of(location[:-1], lines)
    else:
        line = _line_of(location, lines)
    return Problem(line=line, path=_dotted(location), message=message)


def _is_validator_name(part: object) -> bool:
    """pydantic puts names like 'function-before[parse_percent()]' into locations; drop them."""
    return isinstance(part, str) and "[" in part and "(" in part


def _dotted(location: Location) -> str:
    """('products', 1, 'floor_price') -> 'products[1].floor_price'."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _fold(term: str) -> str:
    """How names are compared: case, spaces and hyphens do not count."""
    return re.sub(r"[\s\-_·]+", "", term).casefold()
