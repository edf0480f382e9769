"""The one parser of ids in button data, and lone surrogates replaced when a Request is built."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.users import User
from skills.base import parse_row_id
from skills.models import Block, Request


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1), ("0042", 42), (str(2**63 - 1), 2**63 - 1), (str(2**63), None), ("9" * 23, None), ("²", None),
     ("١٢", None), ("-1", None), ("", None), (" 1", None)],
)
def test_parse_row_id_takes_ascii_digits_within_sqlite_integers(text: str, value: int | None) -> None:
    assert parse_row_id(text) == value


def test_a_request_and_a_block_replace_lone_surrogates_but_keep_pairs() -> None:
    user = User(id=1, name="Rep")
    request = Request(user=user, text="a\ud800b\ud83d\ude00", now=datetime.now(UTC), args="\udfff",
                      callback_data="x\ud800")
    assert (request.text, request.args, request.callback_data) == ("a\ufffdb\U0001f600", "\ufffd", "x\ufffd")
    assert Block(text="\ud800").text == "\ufffd"
