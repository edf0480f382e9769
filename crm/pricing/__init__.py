"""Pricing computed from rules: the price book (`book`), quotes and discount limits (`quote`).

Money is `Decimal` throughout; see data/pricing.yaml for how discounts compose.
"""

from crm.pricing.book import (
    PriceBook,
    PriceBookError,
    Product,
    ProductNotFound,
    load_price_book,
    parse_price_book,
)
from crm.pricing.customers import CustomerLookup
from crm.pricing.quote import (
    Inquiry,
    MaxDiscount,
    Quote,
    QuoteError,
    RequestedDiscount,
    compute_max_discount,
    compute_quote,
)

__all__ = [
    "CustomerLookup",
    "Inquiry",
    "MaxDiscount",
    "PriceBook",
    "PriceBookError",
    "Product",
    "ProductNotFound",
    "Quote",
    "QuoteError",
    "RequestedDiscount",
    "compute_max_discount",
    "compute_quote",
    "load_price_book",
    "parse_price_book",
]
