"""Telegram rendering: everything escaped, long replies split under 4096 UTF-16 units."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.render import TELEGRAM_TEXT_LIMIT, render_messages, utf16_length
from skills.models import Block, Reply
from tests.fake_telegram import parse_html


def test_blocks_are_escaped_and_styled() -> None:
    reply = Reply(blocks=[Block(text="<b>客户</b> & co", kind="heading"), Block(text="a<b", kind="quote")])
    [message] = render_messages(reply)
    assert message == "<b>&lt;b&gt;客户&lt;/b&gt; &amp; co</b>\n\n<blockquote>a&lt;b</blockquote>"
    assert parse_html(message) == "<b>客户</b> & co\n\na<b"


def test_emoji_count_double_in_utf16() -> None:
    assert utf16_length("😀a") == 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=6),
       st.sampled_from(["paragraph", "heading", "quote", "code", "note"]))
def test_any_reply_splits_into_valid_messages(texts: list[str], kind: str) -> None:
    reply = Reply(blocks=[Block(text=text, kind=kind) for text in texts])  # type: ignore[arg-type]
    messages = render_messages(reply)
    visible = [parse_html(message) for message in messages]
    assert all(utf16_length(text) <= TELEGRAM_TEXT_LIMIT for text in visible)
    assert "".join(visible).replace("\n", "").replace(" ", "").replace("。", "") == \
        "".join(texts).replace("\n", "").replace(" ", "").replace("。", "")


def test_a_contact_reads_as_written_on_a_card():
    from crm.formatting import format_contact

    assert format_contact("Mike Chen", "IT Director", "IT", "en") == "Mike Chen (IT Director)"  # not "(IT, IT Director)"
    assert format_contact("王磊", "总监", "采购", "zh") == "王磊（采购总监）"
    assert format_contact("王经理", "经理", "采购部", "zh") == "王经理（采购部）"
    assert format_contact("Tom", "manager", "procurement", "en") == "Tom (procurement, manager)"
