"""Loaders: every supported format becomes Markdown-like text with a title; bad files raise LoadError."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loaders import LoadError, iter_files, load_document
from tests.knowledge_fixtures import FIXTURE_DOCS, write_docx, write_pdf


def test_markdown_title_comes_from_the_first_heading():
    document = load_document(FIXTURE_DOCS / "customer-care.md")
    assert document.title == "客户关怀 (Customer care)"
    assert "## 客户关怀的手段" in document.text


def test_text_file_outline_markers_become_headings():
    document = load_document(FIXTURE_DOCS / "churn.txt")
    assert document.title == "churn"
    assert "## 第一章 客户流失" in document.text
    assert "### 一、流失的类型" in document.text


def test_gb18030_text_is_decoded(tmp_path: Path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("客户关怀很重要。".encode("gb18030"))
    assert load_document(path).text == "客户关怀很重要。"


def test_docx_headings_lists_and_tables(tmp_path: Path):
    document = load_document(write_docx(tmp_path / "guide.docx"))
    assert document.title == "大客户拜访指南"
    assert "## 拜访前的准备" in document.text
    assert "- 准备三个开放式问题" in document.text
    assert "| 会议纪要 | 24 小时 |" in document.text


def test_pdf_text_and_title(tmp_path: Path):
    document = load_document(write_pdf(tmp_path / "list.pdf", ["Review the account plan.", "Send the minutes."]))
    assert document.title == "Visit checklist"
    assert "Review the account plan." in document.text
    assert "Send the minutes." in document.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.docx", b"PK\x03\x04 not a zip", "unreadable docx"),
        ("broken.pdf", b"%PDF-1.4 garbage", "pdf"),
        ("empty.md", b"   \n", "no text"),
        ("binary.txt", b"\x00\x01\x02\x03", "binary"),
        ("notes.rtf", b"{\\rtf1}", "unsupported"),
    ],
)
def test_bad_files_raise_load_error(tmp_path: Path, name: str, content: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load_document(path)


def test_iter_files_walks_folders_and_skips_hidden_and_unsupported(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("# A\n\ntext", encoding="utf-8")
    (tmp_path / ".hidden.md").write_text("# H", encoding="utf-8")
    (tmp_path / "data.json").write_text("{}", encoding="utf-8")
    found = [source for _, source in iter_files([tmp_path])]
    assert found == ["sub/a.md"]
