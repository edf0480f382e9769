"""The knowledge folder as a library (add, replace, remove, checks) and the /kb skill over it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crm.users import User
from knowledge import KnowledgeBase, make_embedder
from knowledge.library import (
    MAX_UPLOAD_BYTES,
    DocumentLibrary,
    DocumentNotFound,
    LastDocument,
    OutsideFolder,
    TooLarge,
    Unreadable,
    UnsafeName,
    UnsupportedType,
    checked_name,
)
from skills.base import SkillError
from skills.documents import DocumentsSkill, Upload
from skills.models import Request
from tests.knowledge_fixtures import write_docx, write_pdf

ADMIN = User(id=1, name="Admin", role="admin")
REP = User(id=2, name="Rep", role="rep")
FACT = "# Warranty terms\n\n## Extended warranty\n\nThe Aurora line carries a seven-year extended warranty on every pump.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A knowledge folder with two small documents, indexed."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "retention.md").write_text("# Retention\n\n## Churn\n\nCall every key account each quarter.\n", "utf-8")
    (folder / "pricing.md").write_text("# Pricing\n\n## Discounts\n\nSell value before discussing discounts.\n", "utf-8")
    return folder


@pytest.fixture
def library(tmp_path: Path, folder: Path) -> DocumentLibrary:
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None))
    kb.ingest([folder])
    return DocumentLibrary(folder, kb)


@pytest.fixture
def skill(library: DocumentLibrary) -> DocumentsSkill:
    return DocumentsSkill(library)


def upload(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / "downloads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def request(user: User = ADMIN, text: str = "", language: str = "zh") -> Request:
    return Request(user=user, text=text, now=datetime(2026, 11, 30, 9, 0, tzinfo=UTC), language=language)


def folder_files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def test_an_added_document_is_stored_indexed_and_searchable_without_re_embedding_the_others(
    tmp_path: Path, library: DocumentLibrary, folder: Path
) -> None:
    stages: list[tuple[str, int, int]] = []
    added = library.add(upload(tmp_path, "warranty.md", FACT), "warranty.md",
                        progress=lambda *args: stages.append(args))  # fmt: skip
    assert (added.name, added.title, added.replaced) == ("warranty.md", "Warranty terms", False)
    assert added.passages >= 1 and added.documents_total == 3
    assert (folder / "warranty.md").read_text("utf-8") == FACT
    assert folder_files(folder) == ["pricing.md", "retention.md", "warranty.md"]  # the work dir is left empty
    assert {stage for stage, _, _ in stages} >= {"read", "embed", "write"}
    assert stages[-1] == ("write", 1, 1)
    hits = library.knowledge.search("seven-year extended warranty Aurora pump", include_unsupported=True)
    assert hits[0].source == "warranty.md"
    assert [document.name for document in library.documents()] == ["pricing.md", "retention.md", "warranty.md"]
    [warranty] = [document for document in library.documents() if document.name == "warranty.md"]
    assert warranty.passages == added.passages and warranty.added_at is not None


def test_a_document_of_the_same_name_is_replaced(tmp_path: Path, library: DocumentLibrary, folder: Path) -> None:
    library.add(upload(tmp_path, "warranty.md", FACT), "warranty.md")
    newer = FACT.replace("seven-year", "ten-year")
    added = library.add(upload(tmp_path, "warranty.md", newer), "warranty.md")
    assert added.replaced and added.documents_total == 3
    assert (folder / "warranty.md").read_text("utf-8") == newer
    texts = [chunk.text for chunk in library.knowledge.index.document_chunks("warranty.md")]
    assert any("ten-year" in text for text in texts) and not any("seven-year" in text for text in texts)


def test_docx_and_pdf_uploads_are_read(tmp_path: Path, library: DocumentLibrary) -> None:
    docx = write_docx(tmp_path / "guide.docx")
    pdf = write_pdf(tmp_path / "checklist.pdf", ["Before a visit, review the account plan."])
    assert library.add(docx, "guide.docx").title == "大客户拜访指南"
    assert library.add(pdf, "checklist.pdf").passages >= 1


@pytest.mark.parametrize("name", ["../evil.md", "sub/evil.md", "..\\evil.md", ".hidden.md", "", "   ", "a\x00b.md",
                                  "line\nbreak.md", "x" * 200 + ".md"])  # fmt: skip
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(UnsafeName):
        checked_name(name)


@pytest.mark.parametrize("name", ["photo.jpg", "sheet.xlsx", "notes", "script.md.exe", "README.doc"])
def test_unsupported_types_are_refused(name: str) -> None:
    with pytest.raises(UnsupportedType):
        checked_name(name)


def test_names_are_kept_as_sent_when_safe() -> None:
    assert checked_name(" 价格异议 应对.PDF ") == "价格异议 应对.PDF"
    assert checked_name("Q3 playbook (v2).docx") == "Q3 playbook (v2).docx"


@pytest.mark.parametrize(("name", "content", "error"), [
    ("scan.pdf", b"%PDF-1.4 not really a pdf", Unreadable),
    ("empty.txt", b"   \n\n", Unreadable),
    ("binary.txt", b"\x00\x01\x02 data", Unreadable),
    ("big.md", b"# Big\n\n" + b"a" * (MAX_UPLOAD_BYTES + 1), TooLarge),
    ("../up.md", b"# Up\n\ntext", UnsafeName),
])  # fmt: skip
def test_a_bad_upload_writes_nothing(tmp_path: Path, library: DocumentLibrary, folder: Path, name: str,
                                     content: bytes, error: type[Exception]) -> None:  # fmt: skip
    before, documents = folder_files(folder), library.documents()
    path = upload(tmp_path, "upload.bin", content)
    with pytest.raises(error):
        library.add(path, name)
    assert folder_files(folder) == before
    assert library.documents() == documents
    assert not (tmp_path / "up.md").exists()


def test_a_failed_ingest_puts_the_folder_back(tmp_path: Path, library: DocumentLibrary, folder: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    library.add(upload(tmp_path, "warranty.md", FACT), "warranty.md")

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("model crashed")

    monkeypatch.setattr(library.knowledge, "ingest", crash)
    with pytest.raises(RuntimeError):
        library.add(upload(tmp_path, "warranty.md", "# Other\n\ntext"), "warranty.md")
    with pytest.raises(RuntimeError):
        library.add(upload(tmp_path, "new.md", "# New\n\ntext"), "new.md")
    assert (folder / "warranty.md").read_text("utf-8") == FACT
    assert folder_files(folder) == ["pricing.md", "retention.md", "warranty.md"]
    with pytest.raises(RuntimeError):
        library.remove("warranty.md")
    assert (folder / "warranty.md").read_text("utf-8") == FACT


def test_remove_deletes_the_file_and_its_passages_and_keeps_the_other_vectors(
    tmp_path: Path, library: DocumentLibrary, folder: Path
) -> None:
    library.add(upload(tmp_path, "warranty.md", FACT), "warranty.md")
    embedded: list[int] = []
    original = library.knowledge.embedder.embed_passages
    library.knowledge.embedder.embed_passages = lambda texts: embedded.append(len(texts)) or original(texts)  # type: ignore[method-assign]
    removed = library.remove("Warranty")  # the stem, any case
    assert (removed.name, removed.title, removed.documents_total) == ("warranty.md", "Warranty terms", 2)
    assert not (folder / "warranty.md").exists()
    assert [document.name for document in library.documents()] == ["pricing.md", "retention.md"]
    assert "warranty.md" not in library.knowledge.index.manifest.sources
    assert embedded == []  # nothing was embedded again
    with pytest.raises(DocumentNotFound):
        library.remove("warranty.md")


def test_the_last_document_and_documents_outside_the_folder_are_not_removed(
    tmp_path: Path, library: DocumentLibrary, folder: Path
) -> None:
    outside = tmp_path / "elsewhere" / "memo.md"
    outside.parent.mkdir()
    outside.write_text("# Memo\n\nA memo indexed from another folder.\n", "utf-8")
    library.knowledge.ingest([outside], add=True)
    with pytest.raises(OutsideFolder) as raised:
        library.remove("pricing.md")
    assert raised.value.others == ["memo.md"]
    assert (folder / "pricing.md").exists()
    library.knowledge.ingest([folder])  # the index holds the folder again
    library.remove("pricing.md")
    with pytest.raises(LastDocument):
        library.remove("retention.md")
    assert (folder / "retention.md").exists()


# the skill ---------------------------------------------------------------------------------------


def test_kb_lists_title_passages_and_when_added(skill: DocumentsSkill, tmp_path: Path) -> None:
    skill.library.add(upload(tmp_path, "warranty.md", FACT), "warranty.md")
    reply = skill.kb(request(REP))
    assert "知识库文档（3 个" in reply.text
    line = next(line for line in reply.text.splitlines() if "warranty.md" in line)
    assert "（Warranty terms）" in line and "段" in line and "—" not in line
    assert "/kb remove" not in reply.text  # reps are not offered what they cannot do
    english = skill.kb(request(ADMIN, language="en"))
    assert "Knowledge base documents (3" in english.text and "/kb remove NAME" in english.text


def test_reps_cannot_add_or_remove(skill: DocumentsSkill, folder: Path, tmp_path: Path) -> None:
    before = folder_files(folder)
    with pytest.raises(SkillError) as refused:
        skill.check_upload(request(REP), "warranty.md", 100)
    assert "只有管理员" in refused.value.message("zh") and "only admins" in refused.value.message("en")
    with pytest.raises(SkillError):
        skill.add_upload(request(REP), Upload("warranty.md", False), upload(tmp_path, "w.md", FACT), lambda text: None)
    with pytest.raises(SkillError) as remove:
        skill.kb(request(REP).model_copy(update={"args": "remove pricing.md"}))
    assert remove.value.message("zh") == "抱歉，只有管理员可以删除知识库文档。"
    assert folder_files(folder) == before


def test_checks_before_download_name_the_file(skill: DocumentsSkill) -> None:
    for name, size, zh, en in [
        ("photo.jpg", 10, "「photo.jpg」的格式不支持", "“photo.jpg” is not a supported type"),
        ("big.pdf", 11 * 1024 * 1024, "「big.pdf」太大了（11.0 MB），上限是 10 MB", "“big.pdf” is too big"),
        ("../x.md", 10, "文件名「../x.md」不能用", "The file name “../x.md” can't be used"),
    ]:
        with pytest.raises(SkillError) as refused:
            skill.check_upload(request(), name, size)
        assert zh in refused.value.message("zh") and en in refused.value.message("en")
    assert skill.check_upload(request(), "pricing.md", 10) == Upload("pricing.md", True)
    assert skill.check_upload(request(), "new.md", None) == Upload("new.md", False)


def test_upload_shows_progress_then_done(skill: DocumentsSkill, tmp_path: Path) -> None:
    shown: list[str] = []
    plan = skill.check_upload(request(), "warranty.md", 100)
    assert plan.first_progress(request()) == "正在导入「warranty.md」：读取…"
    reply = skill.add_upload(request(), plan, upload(tmp_path, "warranty.md", FACT), shown.append)
    assert "正在导入「warranty.md」：读取…" in shown and "正在导入「warranty.md」：向量化 100%" in shown
    assert reply.text.startswith("导入「warranty.md」：完成，共 ")
    replacing = skill.check_upload(request(language="en"), "warranty.md", 100)
    assert replacing.first_progress(request(language="en")).startswith("A document named “warranty.md” exists")
    again = skill.add_upload(request(language="en"), replacing, upload(tmp_path, "warranty.md", FACT), shown.append)
    assert "Importing “warranty.md”: done" in again.text and "replacing the old one" in again.text


def test_unreadable_pdf_gets_a_friendly_message(skill: DocumentsSkill, tmp_path: Path) -> None:
    plan = skill.check_upload(request(), "scan.pdf", 100)
    with pytest.raises(SkillError) as refused:
        skill.add_upload(request(), plan, upload(tmp_path, "scan.pdf", b"%PDF-1.4 garbage"), lambda text: None)
    assert "读不出「scan.pdf」里的文字" in refused.value.message("zh") and "扫描版 PDF" in refused.value.message("zh")
    assert "couldn't read any text from “scan.pdf”" in refused.value.message("en")


def test_remove_through_the_command(skill: DocumentsSkill, folder: Path) -> None:
    reply = skill.kb(request().model_copy(update={"args": "remove 「pricing.md」"}))
    assert reply.text.startswith("已删除「pricing.md」") and not (folder / "pricing.md").exists()
    with pytest.raises(SkillError) as missing:
        skill.kb(request().model_copy(update={"args": "remove xx"}))
    assert missing.value.message("zh") == "没有叫「xx」的文档。发送 /kb 查看文档名。"
    with pytest.raises(SkillError) as last:
        skill.kb(request().model_copy(update={"args": "remove retention"}))
    assert "唯一的文档" in last.value.message("zh")
    with pytest.raises(SkillError) as usage:
        skill.kb(request().model_copy(update={"args": "purge"}))
    assert "用法" in usage.value.message("zh")


# the CLI -----------------------------------------------------------------------------------------


def test_kam_kb_list_and_remove(tmp_path: Path, folder: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_KNOWLEDGE_DIR": str(folder)}
    runner = CliRunner()
    assert "no documents yet" in runner.invoke(main, ["kb", "list"], env=env).output
    assert runner.invoke(main, ["ingest"], env=env).exit_code == 0
    listed = runner.invoke(main, ["kb", "list", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert [(item["name"], item["title"], item["passages"]) for item in json.loads(listed.stdout)] == [
        ("pricing.md", "Pricing", 1), ("retention.md", "Retention", 1)]
    missing = runner.invoke(main, ["kb", "remove", "warranty"], env=env)
    assert missing.exit_code == 1 and "no document called 'warranty'" in missing.output
    removed = runner.invoke(main, ["kb", "remove", "pricing"], env=env)
    assert removed.exit_code == 0 and "removed pricing.md (1 passages)" in removed.output
    assert not (folder / "pricing.md").exists()
    assert "retention.md\tRetention\t1 passages\t" in runner.invoke(main, ["kb", "list"], env=env).output
    last = runner.invoke(main, ["kb", "remove", "retention.md"], env=env)
    assert last.exit_code == 1 and "only document" in last.output
