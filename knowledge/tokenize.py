"""Chinese-aware tokens for BM25: jieba search mode, CJK character bigrams, stemmed English words."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

TOKENIZER_VERSION = "jieba-search+bigrams-1"  # bump when tokens change: the BM25 leg is rebuilt
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

CHINESE_STOPWORDS = frozenset(
    """
    的 地 得 了 着 过 吗 呢 吧 啊 呀 嘛 哦 哇 啦 么 之 其 与 及 和 或 而 且 并 但 就 都 也 还 又 再 很 太 更 最 才 只
    是 为 在 于 以 对 向 从 给 跟 把 被 让 由 按 将 能 会 要 该 可 可以 应 应该 应当 需 想 得到 去 来 到 上 下 里 中 内
    我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 自己 大家 人家 别人 我该 我要 我想 我们该 该怎么 要怎么
    这 那 这个 那个 这些 那些 这样 那样 这种 那种 这里 那里 此 该 每 各 某 其他 其它 另外 一个 一些 一种 一下 一点
    什么 啥 怎么 怎样 怎么样 怎么办 如何 为什么 为何 哪 哪个 哪些 哪里 哪儿 哪几 哪几个 哪几种 哪几类 几 几个 几种
    几类 多少 多 是否 是不是 有没有 能否 可否 吗 么样 请问 请 问 告诉 知道 说说 讲讲 介绍 一下子 指 指的是 是指
    包括 包含 主要 具体 有 没有 没 不 不是 就是 还是 或者 以及 还有 等 等等 之类 方面 时候 时 情况 什么样 的话
    如果 因为 所以 但是 然而 然后 并且 而且 虽然 可是 即 即使 比如 例如 通过 关于 对于 根据 作为 进行 一般 通常
    你好 您好 哈喽 嗨 喂 谢谢 谢了 多谢 感谢 辛苦 再见 拜拜 早上好 上午好 中午好 下午好 晚上好 晚安 早安 好的 好吧
    为啥 干嘛 干啥 咋 咋办 咋样 总是 老是 一直 经常 常常 刚 刚刚 已经 正在 到底 究竟 其实 真的 特别 非常 比较 有点 有些
    平时 能不能 可不可以 行不行 好不好 对不对 怎么回事 啥样 第几 怎 么 啥 哪 谁 样 个 说 讲 做 办 弄 搞 早上 上午 中午 下午 晚上 上好 嗯 嗯嗯 哈哈 哈哈哈 呵呵 嘿嘿 好 行 对 是的 不用 没事 不客气 今天 明天 昨天 现在 刚才 最近 今年 去年 明年
    """.split()
)

ENGLISH_STOPWORDS = frozenset(
    """
    a an the and or but if then else of at by for with about against between into through during before after above
    below to from up down in out on off over under again further once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very can will just don should now is are was
    were be been being have has had having do does did doing would could ought might must shall may i me my myself we
    our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself they
    them their theirs themselves what which who whom this that these those am as until while s t d ll m o re ve y
    hello hi hey hiya thanks thank thx please pls ok okay bye goodbye cheers sorry yes yeah no nope good morning
    afternoon evening night today tomorrow yesterday tell know let lets me us say said says make makes made get
    gets got do want wants go goes give gives take takes use uses ask asks thing things way ways someone something
    """.split()
)


# Colloquial fillers of a question typed on a phone ("我该咋整", "老板让我想办法", "the guy keeps saying…"):
# they carry how the rep talks, not what the passage must hold. Query content terms only (BM25 tokens are
# unchanged), so they neither dilute a passage's coverage of the question nor count as words the corpus
# never uses.
QUERY_FILLERS = frozenset(
    """
    咋整 咋弄 咋回 咋说 该咋 怎么弄 怎么整 怎么回 怎么说 咋搞 怎么搞 要不要 算不算 靠不靠谱 靠谱 不靠 谱
    有个 有一个 有位 有家 一大堆 一堆 一大把 好多 好几个 根本 完全 实在 简直 真是 感觉 觉得 好像 似乎 估计 可能
    天天 每天 整天 一天到晚 老 总 万一 突然 这时 这时候 那时 当时 过来 先从 从哪 下手 入手 着手 办法 想办法
    头疼 头大 懵 麻烦 费劲 累死 搞不定 咋 吧 呗 哈 哎 唉 喽 帮我 给我 求助 各位 兄弟 我这 我这边 这边 那边
    手上 手里 手头 一下 点儿 啥的 什么的 之类 老板 东西 事儿 这事 那事 啥事 该怎么办 怎么办呢
    """.split()
)
ENGLISH_FILLERS = frozenset(
    """
    keep keeps kept guy guys right actually basically really still put much many nah super ton tons whole kind
    sort stuff bunch pile lot lots like anything anyone somehow honestly literally gonna wanna gotta totally
    pretty even also already ever every seem seems feel feels think thinks guess maybe probably try trying mean
    boss""".split()
)


# Characters that are (almost) always grammatical: a bigram containing one is noise.
_FUNCTION_CHARS = frozenset("的了吗呢吧啊么什怎哪我你您他她它们这那是在也都就很把被")
_QUESTION_CHARS = frozenset("几啥谁咋多少")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=1)
def _english_stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


_JIEBA_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _jieba():
    """One quiet jieba tokenizer per process (private, so other users of jieba are unaffected)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


# "几倍" asks for a multiple, "哪类" for a kind: the unit is the content, the question mark is not.
_QUESTION_PREFIX = re.compile(r"^(几|多少|哪|第几)(?=[\u4e00-\u9fff])")

_AFFIX_LENGTHS = sorted({len(word) for word in CHINESE_STOPWORDS if len(word) >= 2}, reverse=True)


_DEGREE_PREFIXES = tuple("太很最更挺蛮超")


def _strip_stop_affixes(word: str) -> str:
    """ "今天天气" -> "天气", "太贵" -> "贵": drop stopwords glued to the start or end of a word."""
    if len(word) >= 2 and word.startswith(_DEGREE_PREFIXES):
        word = word[1:]
    changed = True
    while changed and len(word) > 2:
        changed = False
        for length in _AFFIX_LENGTHS:
            if len(word) > length and word[:length] in CHINESE_STOPWORDS:
                word, changed = word[length:], True
                break
            if len(word) > length and word[-length:] in CHINESE_STOPWORDS:
                word, changed = word[:-length], True
                break
    return word


def is_cjk(text: str) -> bool:
    """True when the text is made only of CJK ideographs."""
    return bool(text) and _CJK_RUN.fullmatch(text) is not None


def to_simplified(text: str) -> str:
    """The text with Traditional characters written in Simplified, one character at a time (length kept).

    The playbook is in Simplified Chinese; a question typed on a Hong Kong or Taiwan keyboard
    ("客戶說價格太高") should find the same passages as its Simplified twin.
    """
    return "".join(_simplified_char(char) for char in text)


@lru_cache(maxsize=8192)
def _simplified_char(char: str) -> str:
    if not _CJK_RUN.fullmatch(char):
        return char
    import zhconv  # a core dependency; imported here so that tokenizing documents never pays for it

    converted = zhconv.convert(char, "zh-cn")
    return converted if len(converted) == 1 else char


class Tokenizer:
    """Turns text into BM25 tokens and into query content terms; knows extra words (names)."""

    def __init__(self, user_words: Iterable[str] = ()):
        self._user_words: set[str] = set()
        self.add_user_words(user_words)

    def add_user_words(self, words: Iterable[str]) -> None:
        """Teach the word segmenter customer and product names so they stay whole."""
        new = sorted({normalize(word).strip() for word in words if word and word.strip()} - self._user_words)
        if not new:
            return
        tokenizer = _jieba()
        with _JIEBA_LOCK:
            for word in new:
                tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word, tune=False), 1000))
        self._user_words.update(new)

    @property
    def fingerprint(self) -> str:
        """Identifies the tokenizer version and user words, so an index built otherwise is re-tokenized."""
        words = "\n".join([TOKENIZER_VERSION, *sorted(self._user_words)])
        return hashlib.sha1(words.encode("utf-8")).hexdigest()[:12]

    def tokenize(self, text: str) -> list[str]:
        """BM25 tokens: jieba search-mode words and CJK bigrams, stemmed English; no stopwords."""
        text = normalize(text)
        tokens = [token for token in self._words(text) if token]
        for run in _CJK_RUN.findall(text):
            tokens += [
                run[i : i + 2]
                for i in range(len(run) - 1)
                if run[i] not in _FUNCTION_CHARS and run[i + 1] not in _FUNCTION_CHARS
            ]
        return tokens

    def content_terms(self, text: str) -> list[str]:
        """The distinct meaningful words of a query, longest forms only (stemmed English)."""
        words = list(dict.fromkeys(self._words(normalize(text), query=True)))
        return [word for word in words if not any(word != other and word in other for other in words)]

    def is_user_word(self, word: str) -> bool:
        """True for a customer or product name taught with `add_user_words`."""
        return normalize(word) in self._user_words

    def _words(self, text: str, *, query: bool = False) -> list[str]:
        tokenizer = _jieba()
        with _JIEBA_LOCK:
            pieces = tokenizer.lcut_for_search(text)
        words: list[str] = []
        stem = _english_stemmer().stemWord
        single = False  # the previous query word was a lone character jieba could not place
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                single = False
                continue
            if _CJK_RUN.search(piece):
                cjk = "".join(_CJK_RUN.findall(piece))
                if query:
                    cjk = _strip_stop_affixes(_QUESTION_PREFIX.sub("", cjk) or cjk)
                lone = query and single and len(piece) == 1 and cjk not in _FUNCTION_CHARS | _QUESTION_CHARS
                if lone:  # "年" "会" -> "年会": jieba split a word it does not know
                    words[-1] += cjk
                    if words[-1] in QUERY_FILLERS:  # "先" + "从" -> "先从", a filler
                        words.pop()
                    single = False
                    continue
                if not cjk or cjk in CHINESE_STOPWORDS or (query and cjk in QUERY_FILLERS):
                    single = False
                    continue
                words.append(cjk)
                single = query and len(piece) == 1 and cjk not in _QUESTION_CHARS
                continue
            single = False
            for word in _LATIN.findall(piece):
                if query and word in ENGLISH_FILLERS:
                    continue
                if word not in ENGLISH_STOPWORDS and (len(word) > 1 or word.isdigit()):
                    words.append(stem(word.replace("’", "'")))
        return words
