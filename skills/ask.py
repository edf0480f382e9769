"""Ask the playbook: cited extractive answers, honest refusals, next passage, 👍/👎 feedback."""

from __future__ import annotations

import logging
import re
from typing import Protocol

from crm.answers import AnswerLog, AnswerNotFound, RecordedAnswer
from knowledge import Answer, Chunk, ChunkNotFound, IndexBuilding, IndexNotFound, QueryTooLong, Source
from knowledge.answer import is_objection
from knowledge.llm import LLMFailed
from knowledge.rewrite import QueryRewriter
from knowledge.synthesis import Synthesizer
from skills.base import RouteScore, Skill, SkillError, StaleButton, button_row_id, command
from skills.conversation import ConversationContext, Topic, carried_question, looks_like_follow_up
from skills.intent import asks_for_a_form, asks_how_to_handle, is_question
from skills.models import Block, Button, Reply, Request, Stream

log = logging.getLogger(__name__)

_QUESTION_WORD = re.compile(r"怎么|怎样|如何|什么|为什么|为何|哪些|哪几|几倍|几种|\b(?:how|what|why|which)\b", re.IGNORECASE)
SOURCE_PREVIEW = 700
_SHORT_OBJECTION = 40  # a customer's words alone, with nothing else a visit note would hold
SYNTHESIS_PASSAGES = 3  # cited passages a model may phrase an answer from


class Playbook(Protocol):
    """What skills need from `knowledge.KnowledgeBase`: cited answers and the passages behind them."""

    def answer(self, query: str) -> Answer: ...

    def passage(self, chunk_id: str) -> Chunk: ...


class AskSkill(Skill):
    """Answers questions from the company playbook with citations."""

    name = "ask"
    title_zh = "问销售手册"
    title_en = "Ask the playbook"
    description_zh = "从公司销售手册中找答案，并注明出处"
    description_en = "Answers from the company playbook, with citations"
    examples = (
        "客户嫌价格太高怎么办？",
        "怎样提高客户的转移成本？",
        "客户价值矩阵分哪几类？",
        "How do I handle a customer who says a competitor is cheaper?",
        "What are the types of customer churn?",
    )

    def __init__(self, knowledge: Playbook, answers: AnswerLog, *, synthesizer: Synthesizer | None = None,
                 context: ConversationContext | None = None, rewriter: QueryRewriter | None = None):
        self.knowledge = knowledge
        self.answers = answers
        self.synthesizer = synthesizer  # None (KAM_LLM=none): extractive answers only
        self.context = context or ConversationContext()  # each rep's previous topic, for follow-ups
        self.rewriter = rewriter  # None (KAM_LLM=none): follow-ups carry the previous topic's words over

    def score(self, request: Request) -> RouteScore:
        """Questions are this skill's; other free text reaches it only as the router's fallback."""
        if asks_how_to_handle(request.text):
            return RouteScore(0.75, "asks how to handle something")
        if is_question(request.text):
            return RouteScore(0.6, "reads like a question")
        if asks_for_a_form(request.text):
            return RouteScore(0.6, "asks for a template or form")
        if len(request.text) <= _SHORT_OBJECTION and is_objection(request.text):  # "客户说太贵了": maybe how to answer
            return RouteScore(0.45, "quotes a customer's objection")
        if _QUESTION_WORD.search(request.text):
            return RouteScore(0.4, "has a question word")
        return RouteScore(0.0)

    @command("ask", zh="问销售手册，例如 /ask 客户嫌贵怎么办", en="Ask the playbook, e.g. /ask how to handle price objections",
             example="/ask 客户嫌价格太高怎么办")
    def ask(self, request: Request) -> Reply:
        """Answer the question after /ask."""
        if not request.args.strip():
            raise SkillError("请在 /ask 后面写上问题，例如：/ask 客户嫌价格太高怎么办",
                             "Put your question after /ask, e.g. /ask how do I handle a price objection")
        return self.answer(request, request.args)

    def handle(self, request: Request) -> Reply:
        """Free text routed here is a question for the playbook."""
        return self.answer(request, request.text)

    def answer(self, request: Request, question: str) -> Reply:
        """Answer, record what was cited, and offer feedback and more buttons.

        The question as asked decides first. Only when it has no answer and reads like a follow-up
        ("具体怎么说?") is it asked again with the same rep's previous topic carried over; and only when
        that carried-over question has an answer may a configured model rewrite the two questions
        into one (no model call of any kind for a question retrieval cannot support).
        """
        asked, result = question, self._retrieve(question)
        note = None
        if result.answered:
            self.context.remember(request.user.id, question, request.now)
        else:
            topic = self.context.topic(request.user.id, request.now)
            if topic is not None and looks_like_follow_up(question):
                carried = carried_question(topic, question)
                retried = self._retrieve_or(carried, result)  # too long together: the question as asked
                if retried.answered:
                    remembered = topic.question
                    note = request.t(f"（接着上一个问题：{topic.label}）", f"(Following on from your last question: {topic.label})")
                    result, question = retried, carried
                    rewritten = self._rewritten(topic, asked)
                    if rewritten is not None:
                        again = self._retrieve_or(rewritten, retried)
                        if again.answered:  # the model's reading is supported too: use it
                            result, question, remembered = again, rewritten, rewritten
                            note = request.t(f"（接着上一个问题，理解为：{rewritten}）",
                                             f"(Following on from your last question, read as: {rewritten})")
                    self.context.remember(request.user.id, remembered, request.now)
            if note is None and not result.not_stated:
                self.context.forget(request.user.id)  # a topic the playbook does not cover: start afresh
        reply = self._reply(request, question, result)
        if note is not None:  # after the answer, whether the extract or the model's phrasing of it
            reply.blocks.insert(1, Block(text=note, kind="note"))
            if reply.stream is not None:
                reply.stream = reply.stream.model_copy(update={"tail": [Block(text=note, kind="note"), *reply.stream.tail]})
        return reply

    def _rewritten(self, topic: Topic, question: str) -> str | None:
        """The model's standalone reading of a follow-up with the same rep's previous question, or None."""
        if self.rewriter is None:
            return None
        try:
            return self.rewriter.rewrite(topic.question, question)
        except LLMFailed as error:  # the carried-over question stands; why is logged, never the text
            log.warning("follow-up not rewritten, the carried-over question is used: %s", error.reason)
            return None

    def _retrieve_or(self, question: str, fallback: Answer) -> Answer:
        """The playbook's answer to `question`, or `fallback` when the question is too long to ask."""
        try:
            return self.knowledge.answer(question)
        except QueryTooLong:
            return fallback

    def _retrieve(self, question: str) -> Answer:
        """The playbook's answer to `question`, with its failures in the user's words."""
        try:
            return self.knowledge.answer(question)
        except IndexBuilding as building:
            raise SkillError(f"知识库正在建立（已完成 {building.percent}%），请稍后再问。其他功能（拜访纪要、跟进、报价…）现在就能用。",
                             f"The playbook index is being built ({building.percent}% done) — ask again in a minute. "
                             "Everything else (visit notes, follow-ups, quotes…) works now.") from None
        except IndexNotFound:
            raise SkillError("知识库还没有建立索引，请管理员先运行 kam ingest。",
                             "The knowledge base has not been indexed yet; ask an admin to run `kam ingest`.") from None
        except QueryTooLong as error:
            raise SkillError(
                f"这个问题有 {error.length} 个字，太长了（最多 {error.limit} 字）。请用一两句话问，例如“客户嫌价格太高怎么办”。"
                "如果这是拜访纪要，请用 /note 开头发送。",
                f"That question is {error.length} characters long (the limit is {error.limit}). Ask it in a sentence "
                "or two, e.g. “how do I handle a price objection?”. If it is a visit note, start it with /note.",
            ) from None

    def _reply(self, request: Request, question: str, result: Answer) -> Reply:
        """The cited extract (or the honest refusal) for `result`, recorded with its buttons."""
        chunk_ids = [source.chunk_id for source in result.sources]
        answer_id = self.answers.record(request.user.id, question, answered=result.answered, chunk_ids=chunk_ids)
        if result.not_stated:  # the playbook covers the topic but not the fact asked for: say so, offer reading
            reply = Reply(blocks=[Block(text=result.text)])
            related = "\n".join(f"📄 {source.citation}" for source in result.sources[:2])
            reply.add(related, kind="note")
            reply.buttons.append([Button(label=request.t("相关原文", "Related passage"),
                                         data=self.callback(f"p:{answer_id}:0"))])
            return reply
        if not result.answered:
            return Reply.of(
                request.t("知识库里没有找到能回答这个问题的内容，我不想瞎猜。",
                          "The knowledge base has nothing on this, and I'd rather not guess."),
                request.t("我可以：回答销售手册里的问题（异议处理、客户分级、客户关怀…）、整理拜访纪要、设置跟进提醒、算报价折扣。发送 /help 查看全部。",
                          "I can answer playbook questions (objections, customer classes, care…), turn visit notes "
                          "into records, set follow-up reminders and compute quotes. Send /help for everything."),
            )
        reply = Reply(blocks=[Block(text=result.text)])
        if request.language == "en" and self.synthesizer is None and _mostly_chinese(result.text):
            reply.blocks.insert(0, Block(text="The playbook is written in Chinese; the passage is quoted as written.", kind="note"))
        citations = "\n".join(f"📄 {source.citation}" for source in result.sources[:2])
        reply.add(request.t(f"出处：\n{citations}", f"Source:\n{citations}"), kind="note")
        reply.buttons.append([
            Button(label="👍", data=self.callback(f"v:{answer_id}:1")),
            Button(label="👎", data=self.callback(f"v:{answer_id}:-1")),
        ])
        more_row = [Button(label=request.t("原文", "Full source"), data=self.callback(f"p:{answer_id}:0"))]
        if len(chunk_ids) > 1:
            more_row.append(Button(label=request.t("下一段", "Next passage"), data=self.callback(f"p:{answer_id}:1")))
        reply.buttons.append(more_row)
        if self.synthesizer is not None:
            reply.stream = self._synthesis(request, question, result.sources[:SYNTHESIS_PASSAGES])
        return reply

    def _synthesis(self, request: Request, question: str, sources: list[Source]) -> Stream:
        """The model's phrasing of an answered question, from the cited passages only; not cached."""
        synthesizer = self.synthesizer
        assert synthesizer is not None
        numbered = "\n".join(f"[{number}] 📄 {source.citation}" for number, source in enumerate(sources, start=1))
        return Stream(
            placeholder=request.t("正在查找…", "Looking it up…"),
            pieces=lambda: synthesizer.sentences(question, sources),
            complete=lambda: synthesizer.answer(question, sources),
            tail=[Block(text=request.t(f"出处：\n{numbered}", f"Source:\n{numbered}"), kind="note")],
            failure_note=request.t("（这次没能组织成口语回答，以上是手册原文摘录。）",
                                   "(A spoken-style answer was not available this time; above is the playbook text.)"),
            timeout=synthesizer.timeout,
        )

    def handle_callback(self, request: Request, payload: str) -> Reply:
        """Votes (v:answer:±1) and passages (p:answer:index)."""
        action, _, rest = payload.partition(":")
        answer_id_text, _, value = rest.partition(":")
        answer_id = button_row_id(answer_id_text)
        if action == "v" and value in ("1", "-1"):
            return self._vote(request, self._answer(answer_id, request.user.id), int(value))
        if action == "p":
            index = button_row_id(value)
            return self._passage(request, self._answer(answer_id, request.user.id), index)
        raise StaleButton()

    # --------------------------------------------------------------------------------------------

    def _answer(self, answer_id: int, user_id: int) -> RecordedAnswer:
        try:
            return self.answers.get(answer_id, user_id=user_id)
        except AnswerNotFound:
            raise SkillError("找不到这条回答了。", "That answer is no longer available.") from None

    def _vote(self, request: Request, answer: RecordedAnswer, vote: int) -> Reply:
        self.answers.vote(answer, user_id=request.user.id, vote=vote)
        return Reply(toast=request.t("谢谢反馈！", "Thanks for the feedback!"))

    def _passage(self, request: Request, answer: RecordedAnswer, index: int) -> Reply:
        chunk_ids = answer.chunk_ids
        if not 0 <= index < len(chunk_ids):
            raise SkillError("没有更多相关段落了。", "There are no more related passages.")
        try:
            chunk = self.knowledge.passage(chunk_ids[index])
        except ChunkNotFound:
            raise SkillError("这段原文已不在知识库中（可能已重新导入）。",
                             "That passage is no longer in the knowledge base (it may have been re-ingested).") from None
        text = chunk.text if len(chunk.text) <= SOURCE_PREVIEW * 4 else chunk.text[: SOURCE_PREVIEW * 4] + "…"
        reply = Reply(blocks=[Block(text=f"📄 {chunk.citation}", kind="heading"), Block(text=text)])
        if index + 1 < len(chunk_ids):
            reply.buttons.append([Button(label=request.t("下一段", "Next passage"),
                                         data=self.callback(f"p:{answer.id}:{index + 1}"))])
        return reply


def _mostly_chinese(text: str) -> bool:
    """More Chinese characters than Latin letters: a passage an English reader is told is in Chinese."""
    chinese = len(re.findall(r"[\u4e00-\u9fff]", text))
    return chinese > len(re.findall(r"[A-Za-z]", text))
