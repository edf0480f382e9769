"""Welcome, help generated from the skill registry, and per-user preferences."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from crm.language import detect_language
from crm.users import UserRepository
from skills.base import RouteScore, Skill, SkillError, command
from skills.models import Block, Reply, Request


class SystemSkill(Skill):
    """/start, /help and /lang."""

    name = "system"
    title_zh = "帮助"
    title_en = "Help"
    description_zh = "欢迎、帮助和语言设置"
    description_en = "Welcome, help and language settings"
    examples = ("你能做什么", "帮助", "help", "what can you do")

    def __init__(self, users: UserRepository, registry: Callable[[], Sequence[Skill]]):
        self.users = users
        self.registry = registry

    def score(self, request: Request) -> RouteScore:
        """Claim help requests, greetings and thanks."""
        text = _bare(request.text)
        if text in _HELP_WORDS:
            return RouteScore(0.95, "asks for help")
        if text in _GREETINGS or text in _THANKS:
            return RouteScore(0.9, "greeting or thanks")
        return RouteScore(0.0)

    def handle(self, request: Request) -> Reply:
        """Greetings get a greeting; anything else routed here gets the help text."""
        text = _bare(request.text)
        if text in _THANKS:
            return Reply.of(request.t("不客气！还有什么需要随时发给我。", "You're welcome! Send me anything else you need."))
        if text in _GREETINGS:
            return Reply.of(request.t("你好！可以直接问我销售问题、发拜访纪要，或者发送 /help 看看我能做什么。",
                                      "Hello! Ask me a sales question, send a visit note, or send /help to see what I can do."))
        return self.help(request)

    @command("start", zh="开始使用、注册", en="Start and register", example="/start")
    def start(self, request: Request) -> Reply:
        """Welcome the rep."""
        name = request.user.name or request.t("你", "there")
        welcome = request.t(
            f"你好，{name}！我是大客户经理助手：问销售打法、记拜访纪要、管跟进提醒、查价格折扣，都可以直接发消息给我。",
            f"Hi {name}! I'm your key-account assistant: ask the sales playbook, record visit notes, "
            "track follow-ups and check prices — just send me a message.",
        )
        return Reply.of(welcome).add(request.t("发送 /help 查看全部功能。", "Send /help to see everything I can do."))

    @command("help", zh="查看全部功能和示例", en="List everything I can do, with examples", example="/help")
    def help(self, request: Request) -> Reply:
        """List every registered skill with its commands and an example."""
        reply = Reply(blocks=[Block(text=request.t("我能帮你做这些：", "Here is what I can do:"), kind="heading")])
        for skill in self.registry():
            lines = [f"{skill.title(request.language)} — {skill.description(request.language)}"]
            for spec in skill.commands:
                description = spec.description_zh if request.language == "zh" else spec.description_en
                lines.append(f"/{spec.name} — {description}")
            example = _example_in(skill.examples, request.language)
            if example:
                lines.append(request.t(f"例如：“{example}”", f'e.g. "{example}"'))
            reply.add("\n".join(lines))
        return reply

    @command("lang", zh="设置回复语言：/lang zh、/lang en 或 /lang auto", en="Reply language: /lang zh, en or auto", example="/lang en")
    def lang(self, request: Request) -> Reply:
        """Set the reply language, or follow each message's language with 'auto'."""
        choice = request.args.strip().lower()
        if choice not in {"zh", "en", "auto"}:
            raise SkillError("用法：/lang zh、/lang en 或 /lang auto", "Usage: /lang zh, /lang en or /lang auto")
        self.users.update(request.user.id, language=None if choice == "auto" else choice)
        if choice == "auto":
            return Reply.of(request.t("好的，我会用你发消息的语言回复。", "OK, I'll reply in the language you write in."))
        return Reply.of("好的，以后用中文回复。" if choice == "zh" else "OK, I'll reply in English from now on.")


_HELP_WORDS = {"help", "帮助", "你能做什么", "what can you do", "怎么用", "菜单", "menu", "功能"}
_GREETINGS = {"你好", "您好", "hi", "hello", "hey", "在吗", "早", "早上好", "下午好", "晚上好", "嗨", "哈喽",
              "good morning", "good afternoon", "how are you", "你好吗"}
_THANKS = {"谢谢", "多谢", "谢了", "thanks", "thank you", "thx", "好的谢谢", "感谢"}


def _bare(text: str) -> str:
    return text.strip().lower().rstrip("?？!！。.~～ ")


def _example_in(examples: Sequence[str], language: str) -> str:
    for example in examples:
        if detect_language(example) == language:
            return example
    return examples[0] if examples else ""
