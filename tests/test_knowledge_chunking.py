"""Chunking keeps headings as a path, lists whole, and cuts long prose at Chinese sentence ends."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.chunking import MAX_CHARS, chunk_document, chunk_views, split_blocks, split_sentences
from knowledge.documents import Document, plain_text


def make_document(text: str, title: str = "手册") -> Document:
    return Document(path=Path("x.md"), source="x.md", title=title, text=text)


def test_heading_path_runs_from_title_to_subsection():
    text = "# 手册\n\n## 价格\n\n" + "价格说明。" * 200 + "\n\n### 折扣\n\n折扣规则。"
    chunks = chunk_document(make_document(text))
    assert chunks[-1].heading_path == ["手册", "价格", "折扣"]
    assert chunks[-1].section == "折扣"
    assert chunks[-1].citation == "手册 › 价格 › 折扣"
    assert all(chunk.heading_path[:2] == ["手册", "价格"] for chunk in chunks)


def test_a_small_section_stays_one_chunk_with_its_subsections():
    text = "# 手册\n\n## 价格异议\n\n### 异议\n\n- 太贵了\n\n### 推荐应对\n\n- 讲价值"
    (chunk,) = chunk_document(make_document(text))
    assert chunk.heading_path == ["手册", "价格异议"]
    assert "### 推荐应对" in chunk.text


def test_long_prose_is_cut_at_sentence_ends():
    sentence = "客户关系的维护绝不是一朝一夕的事情，需要长期投入。"
    chunks = chunk_document(make_document("# 手册\n\n" + sentence * 80))
    assert len(chunks) > 1
    assert all(len(chunk.text) <= MAX_CHARS for chunk in chunks)
    assert all(chunk.text.endswith("。") for chunk in chunks)


def test_a_list_stays_together_with_its_lead_in():
    blocks = split_blocks("三种手段：\n\n1. 电话\n2. 网站\n\n3. 呼叫中心\n\n另一段。")
    assert blocks == ["三种手段：\n1. 电话\n2. 网站\n3. 呼叫中心", "另一段。"]


def test_sentences_split_on_chinese_and_western_ends():
    assert split_sentences("先问原因。再讲价值！行吗？好；OK. Done!") == [
        "先问原因。",
        "再讲价值！",
        "行吗？",
        "好；",
        "OK.",
        "Done!",
    ]


def test_content_hash_and_id_are_stable_and_change_with_text():
    first = chunk_document(make_document("# 手册\n\n## A\n\n内容一。"))
    again = chunk_document(make_document("# 手册\n\n## A\n\n内容一。"))
    changed = chunk_document(make_document("# 手册\n\n## A\n\n内容二。"))
    assert [c.id for c in first] == [c.id for c in again]
    assert first[0].content_hash != changed[0].content_hash
    assert len(first[0].id) == 12


def test_plain_text_drops_markup():
    assert plain_text("## 标题\n| a | b |\n|---|---|\n| **x** | y |") == "标题\na  b\nx  y"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "## 一", "## 二", "### 三"]),
            st.text(alphabet="客户价值关系。！？；abc \n-1.", min_size=0, max_size=900),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_chunks_are_bounded_and_lose_no_text(parts):
    text = "\n\n".join(f"{heading}\n\n{body}" if heading else body for heading, body in parts)
    chunks = chunk_document(make_document(text))
    joined = "".join("".join(chunk.text.split()) for chunk in chunks)
    body = "".join("".join(line.split()) for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert sum(1 for char in body if char in "客户价值关系abc") <= sum(
        1 for char in joined if char in "客户价值关系abc"
    )
    assert all(len(chunk.text) <= 2 * MAX_CHARS for chunk in chunks)
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))


def test_views_know_where_they_sit_in_their_chunk_and_which_state_a_figure():
    figures = (
        "客户保持比开发新客户划算得多，这是培训材料反复强调的一个观点，也是大客户经理日常工作的出发点，值得每个人记住。"
        "向老客户推销的成功率是 50%，向新客户推销只有 15%，花费却相差好几倍，这组数字常被引用来说明问题。"
        "客户经理的素质分为四个台阶，很多销售员停在第三级，原因各不相同，需要逐一分析和改进，才能继续往上走。"
    )
    words = (
        "- 主动询问客户的意见，不要等客户来投诉，沉默的不满最危险，要在问题变大之前发现它并且当面解决掉\n"
        "- 定期回访重点客户，了解他们的业务变化和新的需求，及时调整方案，让客户感到被重视和被理解\n"
    )
    text = f"# 客户保持\n\n## 关键数字\n\n{figures}\n\n{words}"
    chunk = chunk_document(make_document(text, title="客户保持"))[0]
    views = chunk_views(chunk)
    assert len(views) >= 3
    for view in views:
        assert view.text.startswith("关键数字：")
        body = view.text.split("：", 1)[1]
        assert "".join(chunk.embed_text[view.start : view.end].split()) == "".join(body.split())
        assert view.states_figure == ("50%" in body or "四个台阶" in body)
    assert {view.states_figure for view in views} == {True, False}


def test_a_questions_block_is_taken_out_of_the_text_and_kept_with_its_section():
    text = (
        "# 手册\n\n## 客户关怀\n\n<!-- questions:\n- 客户关怀就是逢年过节送礼吗\n- Is customer care a campaign?\n-->\n\n"
        "客户关怀不是市场活动。\n\n## 转移成本\n\n<!-- questions:\n- 客户说换一家也没啥损失\n-->\n\n提高转移成本的方法。"
    )
    care, switching = chunk_document(make_document(text))
    assert care.questions == ["客户关怀就是逢年过节送礼吗", "Is customer care a campaign?"]
    assert switching.questions == ["客户说换一家也没啥损失"]
    assert "questions" not in care.text and "<!--" not in care.text + switching.text
    assert care.text == "客户关怀不是市场活动。"
    # the questions are never embedded with the text: the chunk's hash is that of its text alone
    assert care.content_hash == chunk_document(make_document(re.sub(r"<!--.*?-->\n\n", "", text, flags=re.S)))[0].content_hash


def test_questions_follow_their_section_into_whichever_chunk_holds_it():
    long_intro = "集团客户的管理要分层分级。" * 70  # too long to share a chunk with its subsections
    text = (
        f"# 手册\n\n## 集团客户\n\n<!-- questions:\n- 集团客户怎么管\n-->\n\n{long_intro}\n\n"
        "### 小分支\n\n<!-- questions:\n- 下面一堆小分支跑不过来\n-->\n\n分流到合作厅。\n\n"
        "### 首脑机关\n\n<!-- questions:\n- 总部在外地怎么办\n-->\n\n在首脑机关所在地签约。"
    )
    chunks = chunk_document(make_document(text))
    owners = {question: chunk.heading_path for chunk in chunks for question in chunk.questions}
    assert owners["集团客户怎么管"] == ["手册", "集团客户"]
    assert {owners["下面一堆小分支跑不过来"][-1], owners["总部在外地怎么办"][-1]} <= {"集团客户", "小分支", "首脑机关"}
    carrier = next(chunk for chunk in chunks if "下面一堆小分支跑不过来" in chunk.questions)
    assert "分流到合作厅" in carrier.text  # with the text that answers it
    assert sum(len(chunk.questions) for chunk in chunks) == 3


def test_a_questions_block_in_code_or_left_open_loses_no_text():
    in_code = "# 手册\n\n## 示例\n\n```\n<!-- questions:\n- 不是问题\n-->\n```\n"
    (chunk,) = chunk_document(make_document(in_code))
    assert chunk.questions == [] and "- 不是问题" in chunk.text
    left_open = "# 手册\n\n## 价格\n\n价格说明。\n\n<!-- questions:\n- 客户嫌贵怎么办\n"
    (chunk,) = chunk_document(make_document(left_open))
    assert chunk.questions == ["客户嫌贵怎么办"] and chunk.text == "价格说明。"
