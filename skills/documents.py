"""The playbook's documents in the chat: /kb lists them; admins add one by sending a file and remove one.

Transport-neutral: a transport that receives a file asks `check_upload` first (before downloading:
who, type, size, name), then hands the downloaded file to `add_upload` with a callback that shows
progress text; both raise SkillError with a friendly message naming the file. Reps may list the
documents but never change them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crm.formatting import format_due
from knowledge.library import (
    MAX_UPLOAD_BYTES,
    DocumentLibrary,
    DocumentNotFound,
    LastDocument,
    LibraryError,
    OutsideFolder,
    TooLarge,
    Unreadable,
    UnsafeName,
    UnsupportedType,
    check_size,
    checked_name,
)
from skills.base import RouteScore, Skill, SkillError, command
from skills.models import Reply, Request

ShowProgress = Callable[[str], None]


@dataclass(frozen=True)
class Upload:
    """An upload that passed the checks made before downloading it."""

    name: str  # the file name it will be stored and cited under
    replaces: bool  # a document of that name is already in the knowledge base

    def first_progress(self, request: Request) -> str:
        """The progress message's first text (saying so when it replaces a document)."""
        note = request.t(f"已有同名文档「{self.name}」，将用新文件替换它。\n",
                         f"A document named “{self.name}” exists; the new file replaces it.\n") if self.replaces else ""
        return note + progress_text(request, self.name, "read", 0, 1)


_LIST_DOCUMENTS = re.compile(
    r"(?:知识库|手册|资料库)(?:里|中)?(?:都)?(?:有)?(?:哪些|什么|几份|几个|多少)(?:文档|文件|资料|手册)|"
    r"^(?:知识库|知识库文档|文档列表)[?？]?$|"
    r"\b(?:which|what) (?:documents|files|docs) (?:are|do you have|does the (?:knowledge base|playbook) have)\b|"
    r"\blist (?:the |your )?(?:documents|docs)\b",
    re.IGNORECASE,
)


class DocumentsSkill(Skill):
    """The knowledge base's documents: list for everyone; upload and remove for admins."""

    name = "documents"
    title_zh = "知识库文档"
    title_en = "Knowledge base documents"
    description_zh = "查看销售手册里的文档；管理员发送 PDF、Word、Markdown 或文本文件即可加入"
    description_en = "The playbook's documents; admins add one by sending a PDF, Word, Markdown or text file"

    def __init__(self, library: DocumentLibrary):
        self.library = library

    def score(self, request: Request) -> RouteScore:
        """Claim "知识库有哪些文档" / "which documents are in the knowledge base"."""
        if _LIST_DOCUMENTS.search(request.text):
            return RouteScore(0.9, "asks which documents the knowledge base holds")
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """The list of documents."""
        return self.list_documents(request)

    @command("kb", zh="知识库文档列表；管理员：/kb remove 文件名 删除一个", en="List the documents; admins: /kb remove NAME",
             example="/kb")  # fmt: skip
    def kb(self, request: Request) -> Reply:
        """List the documents, or remove one (admins only)."""
        words = request.args.split(maxsplit=1)
        if not words:
            return self.list_documents(request)
        if words[0].lower() in ("remove", "rm", "delete", "删除") and len(words) == 2:
            return self.remove(request, words[1])
        raise SkillError("用法：/kb 查看文档；/kb remove 文件名 删除一个（管理员）。",
                         "Usage: /kb lists the documents; /kb remove NAME removes one (admins).")  # fmt: skip

    def list_documents(self, request: Request) -> Reply:
        """Title, passages and when added, one line per document."""
        documents = self.library.documents()
        if not documents:
            return Reply.of(request.t("知识库里还没有文档。管理员可以直接把 PDF、Word、Markdown 或文本文件发给我。",
                                      "The knowledge base has no documents yet. An admin can send me a PDF, Word, "
                                      "Markdown or text file."))  # fmt: skip
        lines = []
        for document in documents:
            added = (format_due(document.added_at, zone=request.user.zone, language=request.language, now=request.now)
                     if document.added_at else "—")  # fmt: skip
            title = f"（{document.title}）" if request.language == "zh" else f" ({document.title})"
            lines.append(f"• {document.name}{title if document.title != Path(document.name).stem else ''} · "
                         + request.t(f"{document.passages} 段 · {added}", f"{document.passages} passages · {added}"))
        total = sum(document.passages for document in documents)
        reply = Reply.of(request.t(f"知识库文档（{len(documents)} 个，共 {total} 段）：",
                                   f"Knowledge base documents ({len(documents)}, {total} passages):"),
                         "\n".join(lines))  # fmt: skip
        if request.user.is_admin:
            reply.add(request.t("发送文件即可加入或替换文档；/kb remove 文件名 删除一个。",
                                "Send a file to add or replace a document; /kb remove NAME removes one."), kind="note")
        return reply

    def remove(self, request: Request, name: str) -> Reply:
        """Remove one document (admins only)."""
        _require_admin(request, "抱歉，只有管理员可以删除知识库文档。", "Sorry, only admins can remove documents.")
        try:
            removed = self.library.remove(name)
        except LibraryError as error:
            raise _friendly(error) from None
        return Reply.of(request.t(
            f"已删除「{removed.name}」（{removed.passages} 段）。知识库现在有 {removed.documents_total} 个文档，共 {removed.passages_total} 段。",
            f"Removed “{removed.name}” ({removed.passages} passages). The knowledge base now has "
            f"{removed.documents_total} documents, {removed.passages_total} passages."))  # fmt: skip

    def check_upload(self, request: Request, file_name: str | None, file_size: int | None) -> Upload:
        """Before downloading: may this user add it, and are its type, size and name acceptable?"""
        _require_admin(request, *_UPLOAD_REFUSAL)
        try:
            name = checked_name(file_name or "")
            check_size(name, file_size)
        except LibraryError as error:
            raise _friendly(error) from None
        return Upload(name=name, replaces=self.library.exists(name))

    def add_upload(self, request: Request, upload: Upload, path: Path, show: ShowProgress) -> Reply:
        """Store and index the downloaded file, calling `show(text)` as it goes; the reply says what happened."""
        _require_admin(request, *_UPLOAD_REFUSAL)

        def progress(stage: str, done: int, total: int) -> None:
            show(progress_text(request, upload.name, stage, done, total))

        try:
            added = self.library.add(path, upload.name, progress=progress)
        except LibraryError as error:
            raise _friendly(error) from None
        replaced = request.t("（已替换同名旧文档）", " (replacing the old one of that name)") if added.replaced else ""
        return Reply.of(
            request.t(f"导入「{added.name}」：完成，共 {added.passages} 段{replaced}。",
                      f"Importing “{added.name}”: done, {added.passages} passages{replaced}."),
            request.t(f"现在可以问它里面的内容了。知识库共 {added.documents_total} 个文档、{added.passages_total} 段；/kb 查看。",
                      f"Reps can ask about it now. The knowledge base has {added.documents_total} documents, "
                      f"{added.passages_total} passages; /kb lists them."),
        )  # fmt: skip


_STAGES = {"read": ("读取", "reading"), "embed": ("向量化", "embedding"), "sparse": ("向量化（段落）", "embedding passages"),
           "questions": ("向量化（问法）", "embedding questions"), "index": ("建立索引", "indexing"),
           "write": ("写入", "writing")}  # fmt: skip


def progress_text(request: Request, name: str, stage: str, done: int, total: int) -> str:
    """ "正在导入「x」：向量化 40%" / "Importing “x”: embedding 40%"."""
    zh, en = _STAGES.get(stage, (stage, stage))
    percent = f" {done * 100 // total}%" if stage in ("embed", "sparse", "questions") and total else "…"
    return request.t(f"正在导入「{name}」：{zh}{percent}", f"Importing “{name}”: {en}{percent}")


_UPLOAD_REFUSAL = ("抱歉，只有管理员可以更新知识库，文件没有保存。有想补充的资料，请发给管理员。",
                   "Sorry, only admins can change the knowledge base; nothing was stored. "
                   "Please send material you'd like added to an admin.")


def _require_admin(request: Request, zh: str, en: str) -> None:
    if not request.user.is_admin:
        raise SkillError(zh, en)


def _friendly(error: LibraryError) -> SkillError:
    """The library's failure as a message naming the file, in both languages."""
    name = error.name
    if isinstance(error, UnsupportedType):
        return SkillError(f"「{name}」的格式不支持。请发送 PDF、Word（.docx）、Markdown（.md）或文本（.txt）文件。",
                          f"“{name}” is not a supported type. Please send a PDF, Word (.docx), Markdown (.md) "
                          "or text (.txt) file.")  # fmt: skip
    if isinstance(error, TooLarge):
        size, limit = error.size / 1024 / 1024, MAX_UPLOAD_BYTES // 1024 // 1024
        return SkillError(f"「{name}」太大了（{size:.1f} MB），上限是 {limit} MB。请拆成几个文件再发。",
                          f"“{name}” is too big ({size:.1f} MB); the limit is {limit} MB. Please split it.")
    if isinstance(error, UnsafeName) and not name.strip():
        return SkillError("这个文件没有文件名。请给它起一个以 .pdf、.docx、.md 或 .txt 结尾的名字再发。",
                          "That file has no name. Please name it with a .pdf, .docx, .md or .txt ending and send it again.")
    if isinstance(error, UnsafeName):
        return SkillError(f"文件名「{name}」不能用（不能为空、以点开头、含路径或控制字符，最长 120 字）。请改名后再发。",
                          f"The file name “{name}” can't be used (it must not be empty, start with a dot, hold a path "
                          "or control characters, or exceed 120 characters). Please rename it and send it again.")
    if isinstance(error, Unreadable):
        hint_zh, hint_en = ("如果是扫描版 PDF，请发可复制文字的版本。", " If it is a scanned PDF, please send one with "
                            "selectable text.") if name.lower().endswith(".pdf") else ("", "")
        return SkillError(f"读不出「{name}」里的文字（{_reason_zh(error.detail)}），没有保存。{hint_zh}",
                          f"I couldn't read any text from “{name}” ({error.detail}); nothing was stored.{hint_en}")
    if isinstance(error, DocumentNotFound):
        return SkillError(f"没有叫「{name}」的文档。发送 /kb 查看文档名。",
                          f"There is no document called “{name}”. Send /kb to see the names.")
    if isinstance(error, LastDocument):
        return SkillError(f"「{name}」是知识库里唯一的文档，不能删除（先发一个新文档再删）。",
                          f"“{name}” is the only document in the knowledge base and can't be removed "
                          "(add another one first).")  # fmt: skip
    if isinstance(error, OutsideFolder):
        others = "、".join(error.others[:5])
        return SkillError(f"没有删除「{name}」：知识库里还有不在知识文件夹中的文档（{others}），"
                          "在聊天里删除会把它们一起移除。请在服务器上用 kam ingest 整理。",
                          f"“{name}” was not removed: the knowledge base also holds documents outside the knowledge "
                          f"folder ({', '.join(error.others[:5])}) that this would drop. Use kam ingest on the server.")
    return SkillError(f"「{name}」：{error.detail}", f"“{name}”: {error.detail}")


_REASONS_ZH = (("encrypted", "PDF 已加密"), ("no extractable text", "没有可提取的文字，可能是扫描件"),
               ("no text", "文件是空的"), ("binary", "不是文本文件"), ("not utf-8", "编码不是 UTF-8 或 GB18030"),
               ("unreadable", "文件已损坏或格式不对"))


def _reason_zh(detail: str) -> str:
    """The loader's reason in Chinese (the English one when it is not a known one)."""
    lowered = detail.lower()
    return next((zh for key, zh in _REASONS_ZH if key in lowered), detail)
