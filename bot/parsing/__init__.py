"""Turning a rep's free-text visit note into a structured `VisitRecord`. Pure: no I/O, no network.

    from bot.parsing import CustomerIndex, CustomerRef, parse_note
    index = CustomerIndex.build([CustomerRef(id=1, name="华信科技")])   # once, when customers change
    record = parse_note("花信科技王经理 下周三下午三点再约", now=now, customers=index)

`warm_up()` builds the Recognizers-Text models (about a second) so the first note is fast too.
"""

from bot.parsing.amounts import Amount, Discount, find_amounts, parse_discount
from bot.parsing.contacts import Contact, find_contacts
from bot.parsing.dates import DateMention, find_dates
from bot.parsing.matching import (
    CandidateScore,
    CustomerIndex,
    CustomerMatch,
    CustomerRef,
    match_customer,
)
from bot.parsing.note import FollowUp, VisitRecord, parse_note
from bot.parsing.numbers import parse_chinese_number
from bot.parsing.objections import Objection, find_objections
from bot.parsing.recognizers import warm_up

__all__ = [
    "Amount",
    "CandidateScore",
    "Contact",
    "CustomerIndex",
    "CustomerMatch",
    "CustomerRef",
    "DateMention",
    "Discount",
    "FollowUp",
    "Objection",
    "VisitRecord",
    "find_amounts",
    "find_contacts",
    "find_dates",
    "find_objections",
    "match_customer",
    "parse_chinese_number",
    "parse_discount",
    "parse_note",
    "warm_up",
]
