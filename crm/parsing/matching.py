"""Which customer a note is about: fuzzy matching on characters and on toneless pinyin.

Voice-to-text writes homophones (花信科技 for 华信科技), reps drop suffixes (华信 for 华信科技) and
mix scripts ("Beichen Software (北辰软件)", "Acme Corp's CFO"). Each customer name and alias is
indexed once (`CustomerIndex`): its characters, its pinyin syllables, its core without the company
suffix, and that core's pinyin spelled as one latin word (beichen). A parse then looks only at
text windows that share a (fuzzy) syllable pair with some name, so 500 customers cost little.

Score of a window against a name: the mean of the character similarity and the pinyin similarity
(rapidfuzz `ratio`, 0-100); latin names compare case-insensitively on characters. A core-only
mention (华信) scores 95 % of a full one. The best customer is accepted ("auto") only with a score
of at least `AUTO_SCORE` and a lead of `AUTO_MARGIN` over the runner-up; from `CANDIDATE_SCORE` it
is "ambiguous"; below that the note names an "unknown" company when a company-like name is there.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field
from pypinyin import Style, lazy_pinyin, pinyin
from rapidfuzz import fuzz

AUTO_SCORE = 85.0
AUTO_MARGIN = 8.0
CANDIDATE_SCORE = 62.0
CORE_WEIGHT = 0.95
HOMOPHONE_LENGTH, HOMOPHONE_SCORE = 4, 90.0  # a whole name of 4+ characters that sounds the same is that name
SOUND_SPELLING_FLOOR = 70.0  # a latin name heard, not read, must still be spelt at least this close

MatchStatus = Literal["auto", "ambiguous", "unknown"]

COMPANY_SUFFIXES_ZH = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "科技", "技术", "建材",
    "物流", "医药", "制药", "银行", "证券", "保险", "软件", "电子", "传媒", "航空", "农业", "重工",
    "控股", "实业", "能源", "汽车", "电气", "电力", "通信", "信息", "网络", "化工", "食品", "地产",
    "置业", "环保", "机械", "制造", "材料", "贸易", "商贸", "医疗", "生物", "教育", "文化", "物业",
    "咨询", "工业", "钢铁", "建设", "工程", "航运", "运输", "数据", "智能", "光电", "新能源", "药业",
    "健康", "投资", "基金", "信托", "租赁", "零售", "超市", "百货", "酒店", "医院", "大学", "研究院",
    "电器", "家电", "仪器", "设备", "纺织", "服饰", "家居", "建筑", "装饰", "水务", "燃气", "港务", "矿业",
    "化学", "包装", "印刷", "电商", "半导体", "微电子", "光伏", "新材料", "生物科技", "信息技术", "网络科技",
)  # fmt: skip
COMPANY_SUFFIXES_EN = (
    "corporation", "corp", "inc", "incorporated", "ltd", "limited", "llc", "plc", "gmbh", "co",
    "company", "group", "holdings", "bank", "technologies", "technology", "tech", "software",
    "systems", "logistics", "pharma", "pharmaceuticals", "industries", "international", "media",
    "airlines", "airline", "securities", "capital", "partners", "labs", "solutions",
)  # fmt: skip
_EN_SUFFIX_SET = frozenset(COMPANY_SUFFIXES_EN)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9&\-]*(?:'s|’s)?|\d+[A-Za-z][A-Za-z0-9]*")
_UNKNOWN_ZH = re.compile(
    r"([\u4e00-\u9fff]{2,6}?(?:" + "|".join(sorted(COMPANY_SUFFIXES_ZH, key=len, reverse=True)) + r"))"
)
_UNKNOWN_EN = re.compile(
    r"\b((?:[A-Z][\w&\-]*\s){1,3}(?:"
    + "|".join(suffix.capitalize() for suffix in sorted(COMPANY_SUFFIXES_EN, key=len, reverse=True))
    + r"|"
    + "|".join(suffix.upper() for suffix in ("llc", "plc", "gmbh"))
    + r")\b\.?)"
)
_NOT_COMPANY_PREFIX = re.compile(
    r"^(?:(?:新|老|潜在|意向|大)?客户|我们|他们|你们|咱们|[这那一]家|这个|那个|对方|竞争对手|友商|别的|其他|叫|去了?|拜访了?|见了?|"
    r"跟|和|在|本|贵|该|我|他|她|的)+"
)


class CustomerRef(BaseModel):
    """A customer the parser may match: id, name, aliases (简称, English name) and value class."""

    id: int | None = None
    name: str
    aliases: list[str] = Field(default_factory=list)
    value_class: str | None = None


class CandidateScore(BaseModel):
    """One customer considered for a note, with its best score (0-100) and the words matched."""

    customer: CustomerRef
    score: float
    said: str


class CustomerMatch(BaseModel):
    """The customer a note is about: accepted ("auto"), to be confirmed ("ambiguous") or not on file."""

    customer: CustomerRef | None = None
    score: float = 0.0
    status: MatchStatus
    candidates: list[CandidateScore] = Field(default_factory=list)
    said: str = ""
    start: int | None = None  # where `said` sits in the normalised note
    end: int | None = None


@dataclass(frozen=True)
class _Key:
    """One spelling of a customer: a name, an alias, a core or a romanised core."""

    customer: int  # position in CustomerIndex.customers
    text: str  # normalised: lower case, no spaces inside latin names kept as single spaces
    syllables: tuple[str, ...]  # toneless pinyin per character (latin: words)
    pinyin: str  # syllables joined by spaces
    latin: bool
    weight: float  # 1.0 for names and aliases, CORE_WEIGHT for cores
    readings: tuple[frozenset[str], ...] = ()  # every reading per character: 长 is zhang and chang (长风汽车)


@dataclass
class CustomerIndex:
    """Customer names prepared once for fast matching (pinyin computed here, never per parse)."""

    customers: list[CustomerRef]
    keys: list[_Key] = field(default_factory=list)
    _by_pair: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)
    _by_single: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _by_sound: dict[str, list[int]] = field(default_factory=dict)  # latin keys by the start of their sound

    @classmethod
    def build(cls, customers: Iterable[CustomerRef]) -> CustomerIndex:
        """Index every name, alias and name core of `customers`."""
        index = cls(customers=list(customers))
        by_pair: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        by_single: dict[str, list[tuple[int, int]]] = defaultdict(list)
        seen: set[tuple[int, str]] = set()
        for position, customer in enumerate(index.customers):
            for spelling, weight in _spellings(customer):
                key = _make_key(position, spelling, weight)
                if key is None or (position, key.text) in seen:
                    continue
                seen.add((position, key.text))
                key_id = len(index.keys)
                index.keys.append(key)
                fuzzy = [{_fuzzy_syllable(syllable), *(_fuzzy_syllable(r) for r in readings)}
                         for syllable, readings in zip(key.syllables, key.readings or [()] * len(key.syllables), strict=True)]  # fmt: skip
                for offset in range(len(fuzzy) - 1):
                    for pair in {(first, second) for first in fuzzy[offset] for second in fuzzy[offset + 1]}:
                        by_pair[pair].append((key_id, offset))
                if len(fuzzy) == 1:
                    for single in fuzzy[0]:
                        by_single[single].append((key_id, 0))
        index._by_pair = dict(by_pair)
        index._by_single = dict(by_single)
        by_sound: dict[str, list[int]] = defaultdict(list)
        for key_id, key in enumerate(index.keys):
            if key.latin:
                by_sound[_sound(key.text.replace(" ", ""))[:3]].append(key_id)
        index._by_sound = dict(by_sound)
        return index

    def match(self, text: str) -> CustomerMatch | None:
        """The customer `text` talks about, or an unknown company name, or None."""
        best = self._best_per_customer(text)
        ranked = sorted(best.values(), key=lambda hit: (-hit.score, hit.start))
        candidates = [
            CandidateScore(customer=self.customers[hit.customer], score=round(hit.score, 1), said=hit.said)
            for hit in ranked[:3]
        ]
        if ranked and ranked[0].score >= CANDIDATE_SCORE:
            top = ranked[0]
            # "Huaxin Building Materials" holds "Huaxin" (another customer's alias): the longer name said wins
            rivals = [hit for hit in ranked[1:] if not (top.start <= hit.start and hit.end <= top.end and top.end - top.start > hit.end - hit.start)]
            runner_up = rivals[0].score if rivals else 0.0
            status: MatchStatus = (
                "auto" if top.score >= AUTO_SCORE and top.score - runner_up >= AUTO_MARGIN else "ambiguous"
            )
            said, end = top.said, top.end
            if other := _another_line_of_business(text, top.end, self.customers[top.customer]):
                status, said, end = "ambiguous", said + other, end + len(other)  # 恒通制造 is not surely 恒通电子
            return CustomerMatch(
                customer=self.customers[top.customer] if status == "auto" else None,
                score=round(top.score, 1),
                status=status,
                candidates=[c for c in candidates if c.score >= CANDIDATE_SCORE],
                said=said,
                start=top.start,
                end=end,
            )
        unknown = find_company_name(text)
        if unknown is None:
            return None
        said, start, end = unknown
        return CustomerMatch(
            status="unknown", candidates=candidates, said=said, start=start, end=end,
            score=round(ranked[0].score, 1) if ranked else 0.0,
        )  # fmt: skip

    def _best_per_customer(self, text: str) -> dict[int, _Hit]:
        units = _units(text)
        if not units:
            return {}
        fuzzy = [_fuzzy_syllable(unit.syllable) for unit in units]
        tried: set[tuple[int, int]] = set()
        best: dict[int, _Hit] = {}
        for position in range(len(units)):
            starts: list[tuple[int, int]] = []
            if position + 1 < len(units):
                for key_id, offset in self._by_pair.get((fuzzy[position], fuzzy[position + 1]), ()):
                    starts.append((key_id, position - offset))
            for key_id, offset in self._by_single.get(fuzzy[position], ()):
                starts.append((key_id, position - offset))
            for key_id, start in starts:
                if start < 0 or (key_id, start) in tried:
                    continue
                tried.add((key_id, start))
                hit = self._score_at(key_id, units, start, text)
                if hit is not None:
                    current = best.get(hit.customer)
                    if current is None or hit.score > current.score:
                        best[hit.customer] = hit
        for hit in self._latin_sound_hits(units, text):
            current = best.get(hit.customer)
            if current is None or hit.score > current.score:
                best[hit.customer] = hit
        return best

    def _latin_sound_hits(self, units: list[_Unit], text: str) -> list[_Hit]:
        """Latin names misspelt by ear ("Initek", "Tianjee Airlines", "Tong Zhou Insurance"): one to three
        words run together, scored like Chinese names - the mean of the spelling's and the sound's similarity."""
        hits: list[_Hit] = []
        for first in range(len(units)):
            if not units[first].latin:
                continue
            for last in range(first, min(first + 3, len(units))):
                window = units[first : last + 1]
                if not window[-1].latin or len(window[-1].text) < 2 or any(
                    text[window[i].end : window[i + 1].start].strip() for i in range(len(window) - 1)
                ):
                    break  # words of one name stand side by side
                joined = "".join(unit.text for unit in window)
                sound = _sound(joined)
                for key_id in self._by_sound.get(sound[:3], ()) if len(joined) >= 4 else ():
                    key = self.keys[key_id]
                    name = key.text.replace(" ", "")
                    spelling = fuzz.ratio(joined, name)
                    if spelling < SOUND_SPELLING_FLOOR:
                        continue  # the sound lifts a near spelling; it never makes one ("get" is not guotai)
                    score = (0.5 * spelling + 0.5 * fuzz.ratio(sound, _sound(name))) * key.weight
                    said = text[window[0].start : window[-1].end]
                    hits.append(_Hit(customer=key.customer, score=score, said=said, start=window[0].start, end=window[-1].end))
        return hits

    def _score_at(self, key_id: int, units: list[_Unit], start: int, text: str) -> _Hit | None:
        key = self.keys[key_id]
        size = len(key.syllables)
        best: _Hit | None = None
        for length in (size, size - 1, size + 1):
            end = start + length
            if length < 1 or end > len(units):
                continue
            if length != size and (best is None or best.score < 50 or best.score >= 99):
                break  # near lengths only matter for a near miss
            window = units[start:end]
            if any(unit.latin != key.latin for unit in window):
                continue
            if len(window) > 1 and any(
                window[i].end != window[i + 1].start and not key.latin for i in range(len(window) - 1)
            ):
                continue  # a Chinese name is not split by spaces or punctuation
            score = _similarity(key, window) * key.weight
            if length != size:
                score -= 2.0  # prefer windows of the name's own length
            if best is None or score > best.score:
                best = _Hit(
                    customer=key.customer,
                    score=score,
                    said=text[window[0].start : window[-1].end],
                    start=window[0].start,
                    end=window[-1].end,
                )
        return best


@dataclass(frozen=True)
class _Unit:
    """A matching unit of the text: one Chinese character or one latin word."""

    text: str
    syllable: str
    start: int
    end: int
    latin: bool


@dataclass(frozen=True)
class _Hit:
    customer: int
    score: float
    said: str
    start: int
    end: int


def match_customer(text: str, customers: Sequence[CustomerRef] | CustomerIndex) -> CustomerMatch | None:
    """Match `text` against customers (a prepared `CustomerIndex` is reused as is)."""
    index = customers if isinstance(customers, CustomerIndex) else build_index(customers)
    return index.match(text)


def build_index(customers: Sequence[CustomerRef]) -> CustomerIndex:
    """A `CustomerIndex`, reused while the same list of customers is passed in again."""
    key = tuple((c.id, c.name, tuple(c.aliases), c.value_class) for c in customers)
    return _cached_index(key)


@lru_cache(maxsize=8)
def _cached_index(key: tuple[tuple[int | None, str, tuple[str, ...], str | None], ...]) -> CustomerIndex:
    return CustomerIndex.build(
        CustomerRef(id=id_, name=name, aliases=list(aliases), value_class=value_class)
        for id_, name, aliases, value_class in key
    )


# Words naming a line of business: "恒通" said as "恒通制造" may be another company than 恒通电子
_LINES_OF_BUSINESS_ZH = (
    "科技", "建材", "物流", "医药", "制药", "银行", "证券", "保险", "软件", "电子", "传媒", "航空", "重工", "控股",
    "实业", "能源", "汽车", "电气", "电力", "化工", "食品", "地产", "置业", "环保", "机械", "制造", "贸易", "商贸",
    "钢铁", "航运", "光电", "药业", "纺织", "服饰", "家居", "矿业", "燃气", "水务", "港务", "酒店", "百货", "超市",
    "半导体", "光伏",
)  # fmt: skip
_LINE_OF_BUSINESS_ZH = re.compile(
    "(?:" + "|".join(sorted(_LINES_OF_BUSINESS_ZH, key=len, reverse=True)) + r")(?![部处科组室师化厂])"
)
# The same in English, each with the Chinese words for it: "Hengtong Electronics" is 恒通电子
_LINE_OF_BUSINESS_IN_CHINESE = {
    "bank": ("银行",), "tech": ("科技", "技术"), "technology": ("科技", "技术"), "technologies": ("科技", "技术"),
    "software": ("软件",), "systems": ("系统", "软件"), "logistics": ("物流",), "pharma": ("医药", "制药", "药业"),
    "pharmaceuticals": ("医药", "制药", "药业"), "industries": ("工业", "实业", "重工"), "media": ("传媒",),
    "airlines": ("航空",), "securities": ("证券",), "capital": ("投资", "资本"), "motors": ("汽车",), "energy": ("能源",),
    "foods": ("食品",), "steel": ("钢铁",), "chemicals": ("化工",), "insurance": ("保险",), "electronics": ("电子",),
    "labs": (),
}  # fmt: skip
_LINE_OF_BUSINESS_EN = re.compile(
    " (?:" + "|".join(word.capitalize() for word in sorted(_LINE_OF_BUSINESS_IN_CHINESE, key=len, reverse=True)) + r")\b"
)


def _another_line_of_business(text: str, end: int, customer: CustomerRef) -> str:
    """The line-of-business word right after a matched name when the customer's names never carry it
    (恒通制造 for 恒通电子, "Acme Logistics" for Acme Corp); "" otherwise."""
    match = _LINE_OF_BUSINESS_ZH.match(text, end) or _LINE_OF_BUSINESS_EN.match(text, end)
    if match is None:
        return ""
    said = match.group()
    names = [name.lower().replace(" ", "") for name in (customer.name, *customer.aliases)]
    word = said.strip().lower()
    own = (word[:4], *_LINE_OF_BUSINESS_IN_CHINESE.get(word, ()))  # "Technology" for "Huaxin Tech"; 电子 for "Electronics"
    if any(part in name for part in own for name in names):
        return ""  # 华信 then 科技: its own name
    return said


def find_company_name(text: str) -> tuple[str, int, int] | None:
    """A company-like name in `text` (…科技, …公司, … Corp), with its span, or None."""
    for match in _UNKNOWN_ZH.finditer(text):
        name = match.group(1)
        prefix = _NOT_COMPANY_PREFIX.match(name)
        start = match.start(1) + (prefix.end() if prefix else 0)
        name = text[start : match.end(1)]
        if len(name) - _suffix_length(name) >= 2:
            return name, start, match.end(1)
    match = _UNKNOWN_EN.search(text)
    if match:
        name = match.group(1).rstrip(".")
        return name, match.start(1), match.start(1) + len(name)
    return None


def core_of(name: str) -> str:
    """The name without its company suffix: 华信科技 -> 华信, Acme Corp -> Acme."""
    stripped = name.strip()
    if _CJK.search(stripped):
        for _ in range(2):
            for suffix in sorted(COMPANY_SUFFIXES_ZH, key=len, reverse=True):
                if stripped.endswith(suffix) and len(stripped) - len(suffix) >= 2:
                    stripped = stripped[: -len(suffix)]
                    break
        return stripped
    words = stripped.replace(",", " ").replace(".", " ").split()
    while len(words) > 1 and words[-1].lower() in _EN_SUFFIX_SET:
        words.pop()
    return " ".join(words)


def _suffix_length(name: str) -> int:
    for suffix in sorted(COMPANY_SUFFIXES_ZH, key=len, reverse=True):
        if name.endswith(suffix):
            return len(suffix)
    return 0


def _spellings(customer: CustomerRef) -> list[tuple[str, float]]:
    spellings: list[tuple[str, float]] = []
    for name in [customer.name, *customer.aliases]:
        name = name.strip()
        if not name:
            continue
        spellings.append((name, 1.0))
        core = core_of(name)
        if core and core != name and len(core) >= 2:
            spellings.append((core, CORE_WEIGHT))
        if _CJK.search(core) and not re.search(r"[A-Za-z]", core):
            romanised = "".join(_syllable(char) for char in core)
            if romanised.isascii() and len(romanised) >= 4:
                spellings.append((romanised, CORE_WEIGHT))
    return spellings


def _make_key(customer: int, spelling: str, weight: float) -> _Key | None:
    units = _units(spelling)
    if not units:
        return None
    latin = all(unit.latin for unit in units)
    if not latin and any(unit.latin for unit in units):
        units = [unit for unit in units if not unit.latin]  # 华为 Huawei: index the Chinese part
        latin = False
    syllables = tuple(unit.syllable for unit in units)
    text = " ".join(unit.text for unit in units) if latin else "".join(unit.text for unit in units)
    readings = () if latin else tuple(_readings(unit.text) for unit in units)
    return _Key(
        customer=customer, text=text, syllables=syllables, pinyin=" ".join(syllables), latin=latin, weight=weight,
        readings=readings,
    )  # fmt: skip


@lru_cache(maxsize=8192)
def _readings(char: str) -> frozenset[str]:
    """Every toneless reading pypinyin knows for `char` (长: chang, zhang)."""
    return frozenset(reading.lower() for reading in pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _units(text: str) -> list[_Unit]:
    """Chinese characters (with their pinyin) and latin words (lower case, possessive dropped)."""
    units: list[_Unit] = []
    position = 0
    length = len(text)
    cjk_positions: list[int] = []
    while position < length:
        char = text[position]
        if _CJK.match(char):
            cjk_positions.append(len(units))
            units.append(_Unit(char, "", position, position + 1, False))
            position += 1
            continue
        latin = _LATIN_TOKEN.match(text, position)
        if latin:
            word = latin.group().lower()
            word = re.sub(r"(?:'s|’s)$", "", word)
            units.append(_Unit(word, word, position, position + len(word), True))
            position = latin.end()
            continue
        position += 1
    if cjk_positions:
        chinese = "".join(units[i].text for i in cjk_positions)
        syllables = _pinyin_of(chinese)
        for unit_position, syllable in zip(cjk_positions, syllables, strict=False):
            unit = units[unit_position]
            units[unit_position] = _Unit(unit.text, syllable, unit.start, unit.end, False)
    return units


def _pinyin_of(chinese: str) -> list[str]:
    syllables = lazy_pinyin(chinese, errors=lambda chars: list(chars))
    if len(syllables) != len(chinese):
        return [_syllable(char) for char in chinese]
    return [syllable.lower() for syllable in syllables]


@lru_cache(maxsize=8192)
def _syllable(char: str) -> str:
    result = lazy_pinyin(char, errors=lambda chars: list(chars))
    return result[0].lower() if result else char


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


@lru_cache(maxsize=8192)
def _fuzzy_syllable(syllable: str) -> str:
    """Syllables voice-to-text confuses map to one form: zh/z, ch/c, sh/s, -ng/-n, l/n, f/h."""
    if not syllable.isascii() or not syllable.isalpha():
        return syllable
    for retroflex, flat in _FUZZY_INITIALS:
        if syllable.startswith(retroflex):
            syllable = flat + syllable[len(retroflex) :]
            break
    if syllable.endswith("ng") and len(syllable) > 2:
        syllable = syllable[:-1]
    if syllable.startswith("l"):
        syllable = "n" + syllable[1:]
    if syllable.startswith("f"):
        syllable = "h" + syllable[1:]
    return syllable


# Pinyin spellings too: x and sh sound alike to an English ear (Xinghe, "Shinghe"), q is ch
_SOUNDS = (("ch", "k"), ("ck", "k"), ("ph", "f"), ("zh", "j"), ("sh", "s"), ("q", "k"), ("c", "k"), ("x", "s"), ("z", "s"))


@lru_cache(maxsize=8192)
def _sound(word: str) -> str:
    """A rough sound of a latin word: its first letter and its consonants, c/ch/q as k ("initech", "initek": intk)."""
    word = word.lower()
    for written, heard in _SOUNDS:
        word = word.replace(written, heard)
    skeleton = word[:1] + re.sub(r"[aeiouyhw]", "", word[1:])
    return re.sub(r"(.)\1+", r"\1", skeleton)


def _similarity(key: _Key, window: list[_Unit]) -> float:
    if key.latin:
        said = " ".join(unit.text for unit in window)
        return fuzz.ratio(said, key.text)
    said_chars = "".join(unit.text for unit in window)
    said_pinyin = " ".join(unit.syllable for unit in window)
    key_pinyin = key.pinyin
    if len(window) == len(key.syllables) and key.readings:
        # 常风 said for 长风: the name's other reading (chang) is the one heard
        key_pinyin = " ".join(
            unit.syllable if unit.syllable in readings else syllable
            for unit, syllable, readings in zip(window, key.syllables, key.readings, strict=True)
        )
    score = 0.5 * fuzz.ratio(said_chars, key.text) + 0.5 * fuzz.ratio(said_pinyin, key_pinyin)
    if said_pinyin == key_pinyin and len(window) >= HOMOPHONE_LENGTH:
        return max(score, HOMOPHONE_SCORE)  # 清和农业 for 青禾农业: every syllable heard right, the characters guessed
    return score
