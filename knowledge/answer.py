"""Answers without an LLM: the best sentences of the best passages, or an objection card's response."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.chunking import parse_sections, split_blocks, split_sentences
from knowledge.documents import Answer, Chunk, Hit, Source
from knowledge.facts import (
    CHOICE,
    DOCUMENT,
    INTERNAL,
    LIST_KIND,
    RANK,
    SYSTEM,
    AskedFact,
    announced_list_size,
    asked_fact,
    choice_asked,
    classified_noun,
    further_asked_fact,
    guessed_fact,
    list_lines,
    listed_count,
    listed_noun,
    lists_members,
    members_asked,
    names_count,
    names_size,
    names_size_without_listing,
    names_sized_noun,
    names_without_listing,
    says_a_size,
    simplified,
    sized_noun,
    spells_out,
    states_fact,
)
from knowledge.index import KnowledgeIndex
from knowledge.search import query_terms, support_model_for, term_weights
from knowledge.tokenize import Tokenizer, is_cjk, normalize

MAX_ANSWER_CHARS = 800
WHOLE_PASSAGE_CHARS = 360  # a passage this short is quoted whole
MAX_PASSAGES = 2
COMPLETE_COVERAGE = 0.75  # a best passage with this share of the query's words is answer enough
SECOND_PASSAGE_RATIO = 0.7  # a second passage joins when its score and support are this close to the best
SECTION_OVER_CARD = 0.85  # a section comes before a card for a situation with this share of the best support
CARD_SUPPORT_SHARE = 0.5  # an objection's best-ranked card answers with this share of the support threshold
LIST_TOPIC_COVERAGE = 0.5  # a passage spelling out "the twelve methods" holds most of the question's words

# Objection cards: a section with these subsections (Chinese or English headings).
RESPONSE_HEADINGS = (
    "推荐应对",
    "应对建议",
    "建议应对",
    "推荐回应",
    "recommended response",
    "how to respond",
    "response",
)
DIAGNOSIS_HEADINGS = ("诊断问题", "诊断提问", "diagnostic questions", "diagnosis", "questions to ask")
OBJECTION_HEADINGS = ("异议", "objection")
PITFALL_HEADINGS = ("不要做", "避免", "忌", "don't", "do not", "avoid", "pitfalls")
DIAGNOSIS_INLINE_LIMIT = 220  # diagnosis questions are added when this short

_MARKUP = re.compile(r"(\*\*|__|`)")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
# "English keywords: ..." / "关键词：..." lines help retrieval but are not advice to show.
_KEYWORD_LINE = re.compile(r"^\s*((english\s+)?key\s*words?|tags|关键词|关键字)\s*[:：]", re.IGNORECASE)


def compose_answer(
    query: str,
    hits: list[Hit],
    index: KnowledgeIndex,
    tokenizer: Tokenizer,
    *,
    threshold: float | None = None,
    asks_value: bool = False,
    asks_fact: bool = True,
    objection: bool | None = None,
) -> Answer:
    """An extractive answer from supported hits, or `answered=False` when none supports one.

    `asks_value`: `knowledge.value_asks` judges that the question asks for a value no passage holds; when the
    grammar of `knowledge.facts` finds no request, the answer still checks that the passages state one.
    `asks_fact`: False when `knowledge.value_asks` judges that the question asks what to do, not for a fact; a
    request the grammar reads in it (words of the rep's story) is then not checked.
    `objection`: whether the question reports an objection to answer (`knowledge.value_asks.judged_objection`);
    None reads it by the rule of `is_objection`.
    """
    if threshold is None:
        threshold = support_model_for(index).threshold
    supported = [hit for hit in hits if hit.support >= threshold]
    objection = is_objection(query) if objection is None else objection
    if hits and hits[0] not in supported and hits[0].support >= CARD_SUPPORT_SHARE * threshold and objection:
        if find_objection_card(index, index.get_chunk(hits[0].chunk_id)) is not None:  # the ranker's card for an
            supported.insert(0, hits[0])  # objection, put first (words of an English question rarely occur in a card)
    if not supported:
        return Answer(answered=False)
    terms = query_terms(index, tokenizer, query)
    weights = term_weights(index, terms)
    missing = unstated_fact(query, supported, index, terms, weights, asks_value=asks_value, asks_fact=asks_fact)
    if missing is not None:
        return _not_stated_answer(query, missing, supported[0])
    cards = {hit.chunk_id: find_objection_card(index, index.get_chunk(hit.chunk_id)) for hit in supported}
    # A card answers an objection (the ranker already weighs a card for an objection and for any other
    # question); any other question gets the section that answers, when its best passage is nearly as well
    # supported as the best of all.
    if not objection:
        sections = [hit for hit in supported if cards[hit.chunk_id] is None]
        if sections and (sections[0].support >= SECTION_OVER_CARD * supported[0].support or asks_why(query)):
            supported = sections  # a card tells how to answer, never why: a question about why gets a section
    best = supported[0]
    card = cards[best.chunk_id]
    if card is not None:
        return _card_answer(card, best, more=len(supported) > 1)

    used = [best]
    if best.coverage < COMPLETE_COVERAGE:  # the best passage misses query words: a second may help
        used += [
            hit
            for hit in supported[1:MAX_PASSAGES]
            if hit.score >= SECOND_PASSAGE_RATIO * best.score
            and hit.support >= SECOND_PASSAGE_RATIO * best.support
            and hit.heading_path != best.heading_path
        ]
    pieces: list[str] = []
    sources: list[Source] = []
    budget = MAX_ANSWER_CHARS
    truncated = False
    for hit in used:
        share = budget if hit is used[-1] else max(budget * 2 // 3, budget - 300)
        text, cut = extract(hit.text, terms, weights, share)
        if not text:
            continue
        pieces.append(text)
        sources.append(_source(hit))
        budget -= len(text) + 6  # the blank line and a "[n] " marker
        truncated = truncated or cut
        if budget < 120:
            break
    if len(pieces) > 1:  # say which source each part comes from
        pieces = [f"[{number}] {piece}" for number, piece in enumerate(pieces, start=1)]
    return Answer(
        answered=True,
        text="\n\n".join(pieces),
        sources=sources,
        more_available=truncated or len(supported) > len(sources),
        kind="extract",
    )


_TOO_MUCH = r"\btoo\s+(?:expensive|slow|complex|complicated|pricey)\b"  # "too expensive", "too slow"
# A customer's objection: what the customer says or pushes back with, not a rep's general question. The
# speaker (客户, 对方, the buyer…) may stand a few words before the verb ("客户那边又说", "the guy I deal
# with keeps saying"); a question about a customer without their words or pushback is not an objection.
_OBJECTION = re.compile(
    r"(?<!我们)(?<!我們)(?<!咱们)(?<!咱們)(?<!我的)(?:客户(?!经理)|客戶(?!經理)|对方|對方|他们|他們|老板|领导|領導|采购|採購|负责人|負責人|对接人|财务|財務|法务|法務|总监|總監|老总|老總|主管|科长|科長|处长|處長|部长|部長|主任|副总|副總|厂长|廠長|行长|行長|院长|院長|董事长|董事長|(?<![客戶户])经理|(?<![客戶户])經理)[^，,。？?！!]{0,5}?"
    r"(?:说|說|讲|講|嫌|觉得|覺得|认为|認為|表示|反映|坚持|堅持|质疑|質疑|不同意|不接受|回绝|回絕|拒绝|拒絕|推脱|推託|担心|擔心|不放心|不想|不愿|不願)|"
    r"(?:客户|客戶|对方|對方)[^，,。？?！!]{0,12}(?:再降|还要降|還要降|再让|再讓|再便宜)|(?:他|她)(?:说|說|嫌|觉得|覺得)|(?<![我咱们們])(?:(?![我咱们們])[\u4e00-\u9fff]){1,3}(?:科|處|处|科室)(?:说(?!明)|說(?!明)|觉得|覺得|认为|認為|担心|擔心)|(?:^|[。！!？?]\s*)[^。！!？?，,]{0,3}?(?:客户(?!经理)|客戶(?!經理)|对方|對方|采购|採購|对接人|他们|他們)[^。！!？?我咱]{2,30}?(?:说|說|表示|坚持|堅持|不同意|不接受|拒绝|拒絕)|嫌.{0,6}(?:贵|貴|慢|复杂|複雜|麻烦|麻煩|难用|難用)|[“「\"]|打发|打發|推脱|推託|压价|壓價|砍价|砍價|"
    r"(?<!my )(?<!our )\b(?:customers?|clients?|they|he|she|buyers?|prospects?|contacts?|guy|procurement|cfo|ceo|cio|cto|"
    r"boss|purchasing|directors?|officers?|legal|finance|managers?|heads?|owners?|gm|vp|president|chairman|supervisors?)\b"
    r"(?:\s+[\w'’]+){0,6}?\s+(?:says?|said|keeps?\s+saying|thinks?|told\s+(?:me|us)|tells\s+(?:me|us)|claims?|complains?|"
    r"insists?|pushe?s?\s+back|objects?|refuses?|worries|is\s+worried|wants?\s+(?:a\s+|way\s+|much\s+)?(?:discount|lower|longer|"
    r"more\s+time|cheaper|better))\b|\bobjection\b|"
    # "too expensive", unless one of our own people says it ("My new rep is convinced we're too pricey")
    r"^(?![^.!?]*\b(?:my|our)\s+(?:new\s+|junior\s+|own\s+)?(?:reps?|colleagues?|team(?:mates?)?|salespeople|sales\s+reps?|trainees?|juniors?)\b"
    rf"(?:(?!\b(?:customers?|clients?|buyers?|they)\b)[^.!?])*?{_TOO_MUCH})[^\n]*?{_TOO_MUCH}",
    re.IGNORECASE,
)

_ROLE = (
    r"(?:客户|客戶|对方|對方|老板娘?|老闆娘?|采购|採購|负责人|負責人|对接人|財務|财务|法务|法務|总监|總監|老总|老總|主管|科长|科長|处长|處長|部长|部長|"
    r"主任|副总|副總|厂长|廠長|行长|行長|院长|院長|校长|校長|局长|局長|店长|店長|护士长|護士長|董事长|董事長|合伙人|合夥人|总务|總務|CFO|CIO|CEO|IT)"
)
# The customer's words in other shapes: said after a comma ("处长听完点头，说…"), as a line ("合伙人就一句：…", "来一句"),
# in straight quotes or after a colon ("IT manager: 'Our provider…'"), by a department's people ("信息科的人说"),
# or an angry call ("财务总监在电话里发火"); told to the rep, not by a colleague of ours ("我们主管说").
_OBJECTION_SAID = re.compile(
    rf"(?<!我们)(?<!我們)(?<!咱们)(?<!咱們)(?<!我的){_ROLE}[^，,。？?！!]{{0,20}}[，,](?:又|就|还|還|直接|只)?(?:说(?!实话|真的|白了)|說(?!實話|真的|白了)|嫌|来了?一句|來了?一句)|"
    r"就一句[：:，,]|(?<![我咱])第一句(?:话)?(?:就)?(?:是|说|說)?[：:]|(?<![我咱])(?:来|來|撂下?|甩|扔|丢|丟|回)了?一句|(?:他|她|对方|對方)(?:每次|总是|總是|老是|一直|又|还|還|就|都|总|總|老|只){1,2}(?:说|說)|"
    r"(?:科|处|處|部|中心|局)的人(?:说|說)|(?<=[\u4e00-\u9fff，,：:])'[^'\n]{2,60}'|"
    rf"{_ROLE}[^，,。？?！!]{{0,8}}(?:发火|發火|发脾气|發脾氣|骂|罵)|"
    r"\b[\w'’-]+\s*:\s*['‘\"“]|\b(?:opened|came\s+back|replied|answered|responded|shot\s+back)\s+(?:with\s+)?['‘\"“]|"
    r"\b(?:team|department|committee|board|office|lead|chief|supervisor|partner|bursar)\s+(?:says?|said|told\s+(?:me|us)|insists?|keeps?\s+saying)\b|"
    r"(?<!my )(?<!our )\b(?:customers?|clients?|buyers?|prospects?|they|he|she|procurement|cfo|cio|ceo)\b(?:\s+[\w'’]+){0,3}?\s+"
    r"(?:asks?\s+for|asked\s+for|demands?|demanded|is\s+demanding|offers?\s+to|offered\s+to|is\s+insisting|insisted|"
    r"(?:forwarded|sent)\s+(?:me\s+|us\s+)?(?:over\s+)?(?:a|an|the|their)\s+(?:rival|competing|competitor|cheaper|lower|other))\b",
    re.IGNORECASE,
)


# The rep asks what lies behind what a customer did or said ("他到底买的是啥", "图啥呢", "这叫什么", "why is
# that"), not how to answer it: a section explains it, a card only answers it. Quoted words, and a sentence's
# words after "说，", are the customer's ("跟我说，换你们图啥？" is their objection).
_EXPLANATION_ASK = re.compile(
    r"为什么|為什麼|为啥|為啥|图啥|圖啥|图什么|圖什麼|什么道理|什麼道理|啥道理|叫啥|叫什么|叫什麼|什么原因|什麼原因|啥原因|哪些原因|"
    r"买的是(?:啥|什么)|買的是(?:啥|什麼)|说明(?:了)?(?:啥|什么)|說明(?:了)?(?:啥|什麼)|意味着什么|意味著什麼|怎么理解|怎麼理解|"
    r"\bwhy\b|what(?:'s|’s|\s+is)\s+(?:behind|going\s+on)|what\s+does\s+(?:that|this|it)\s+(?:mean|tell|say\s+about)|"
    r"what\s+(?:is|'s|’s)\s+(?:this|that|it)\s+called|"
    r"错在哪|錯在哪|(?:哪里|哪裡|哪儿|哪兒)(?:做)?错|(?:哪里|哪裡|哪儿|哪兒)(?:做)?錯|做错了(?:什么|啥)|"  # "我到底错在哪": what went wrong
    r"what\s+did\s+(?:i|we)\s+do\s+wrong|where\s+did\s+(?:i|we)\s+go\s+wrong",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"|‘[^’]*’|'[^']{3,}'|(?:说|說|讲|講|问|問)[，,：:][^。！？!?]*|\b(?:said|says|told\s+(?:me|us))\b[^.!?。！？]*", re.IGNORECASE)


def asks_why(query: str) -> bool:
    """True when the rep asks why, what it is called or what it means ("他到底买的是啥", "这是为什么"), outside the
    customer's own words."""
    return _EXPLANATION_ASK.search(_QUOTED.sub(" ", query)) is not None


def is_objection(query: str) -> bool:
    """True when the question reports what a customer objects ("客户说太贵了", "they said we'll think about it")
    and asks how to answer it, not why the customer says or does it."""
    return (_OBJECTION.search(query) is not None or _OBJECTION_SAID.search(query) is not None) and not asks_why(query)


def unstated_fact(
    query: str,
    supported: list[Hit],
    index: KnowledgeIndex,
    terms: list[str],
    weights: dict[str, float],
    *,
    asks_value: bool = False,
    asks_fact: bool = True,
) -> AskedFact | None:
    """The specific fact the question (its `terms`, `weights`) asks for when the passages an answer would
    quote do not state it."""
    known = [term for term in terms if index.lexical.document_frequency(term)]  # words a passage can hold
    return missing_fact(query, supported, known, weights, asks_value=asks_value, asks_fact=asks_fact)


def missing_fact(
    query: str,
    supported: list[Hit],
    terms: list[str],
    weights: dict[str, float],
    *,
    asks_value: bool = False,
    asks_fact: bool = True,
) -> AskedFact | None:
    """The specific fact the question asks for when none of the supporting passages states it, else None.

    `asks_value`: the learned model says the question asks for a value; it counts only where the grammar
    finds no request (`knowledge.facts.guessed_fact`). `asks_fact` False: the other learned model says the
    question asks what to do, so the grammar's request is words of the rep's story and is not checked.
    """
    fact = asked_fact(query) if asks_fact else None
    if fact is None and asks_value:
        fact = guessed_fact(query)
    best = supported[0].support
    quoted = supported[:1] + [hit for hit in supported[1:MAX_PASSAGES] if hit.support >= SECOND_PASSAGE_RATIO * best]
    further = further_asked_fact(query) if fact is not None else None  # "几项指标，每项权重怎么分": each must be stated
    for asked in (fact, further, choice_asked(query)):  # "DISC还是MBTI": a passage must name one of the options
        if asked is not None and not any(
            states_fact(asked, hit.text, terms, weights, " ".join(hit.heading_path)) for hit in quoted
        ):  # the passages an answer would quote
            return asked
    count = listed_count(query)
    sized = count is not None and names_size(query, count)  # "四个特征有哪些" is answered by "四个特点：1. … 4. …"

    counted = sized_noun(query, count) if count is not None else ""  # "五项修炼": the list must be the one it counts

    def names_the_size(hit: Hit) -> bool:
        headed = f"{' '.join(hit.heading_path)} {hit.text}"
        return names_count(headed, count) and (not counted or names_sized_noun(headed, count, counted))

    def lists_the_size(hit: Hit) -> bool:  # "What are its three parts?": a list of exactly three items is its size said
        return names_the_size(hit) or (not counted and list_lines(hit.text) == count)

    def counts_its_list(hit: Hit) -> bool:  # "哪三种管道": the best passage says "主要有三种：" and lists three
        return names_count(f"{' '.join(hit.heading_path)} {hit.text}", count) and list_lines(hit.text) == count

    counts_anything = says_a_size(query)  # "六种流失里最后那类…", "一共几项": not answered by a list of another size

    def announces_its_list(text: str) -> bool:  # "具体有哪些": the best passage says "带来三种收益：" and lists three
        announced = announced_list_size(text)
        return announced is not None and announced >= count and list_lines(text) == announced

    listing = [  # about the named list, in a passage the answer quotes
        hit
        for hit in quoted
        if hit.coverage >= LIST_TOPIC_COVERAGE
        or (sized and names_the_size(hit))
        or (sized and hit is supported[0] and counts_its_list(hit))
        or (count is not None and not sized and not counts_anything and hit is supported[0] and announces_its_list(hit.text))
    ]
    if not any(is_cjk(char) for char in query):  # English words rarely occur in a Chinese passage: the list
        listing = [  # must be one that names its size ("the five disciplines" → "五项修炼")
            hit for hit in supported[:MAX_PASSAGES] if not sized or lists_the_size(hit)
        ]
    noun = listed_noun(query) if count is not None else ""
    listing = [
        hit
        for hit in listing
        if not names_without_listing(hit.text, noun) and not names_size_without_listing(hit.text, count, counted)
    ]
    classes = count == 2 and bool(noun)  # "问题员工分哪几类": two classes are a list too, if the passage names them
    classified = classified_noun(query) if classes else []
    if classified:  # the classes of 问题员工 are listed where 问题员工 is named, not in "问题的六种类型"
        listing = [hit for hit in listing if any(word in _headed(hit) for word in classified)]
    if count is not None and (count > 2 or classes) and not any(spells_out(hit.text, count) for hit in listing):
        return AskedFact(LIST_KIND)
    for members in members_asked(query):  # "今年先改的是哪几个行业的版本": passages that name 行业 but never list them
        said = [hit for hit in quoted if members in _headed(hit)]
        if said and said[0] is supported[0]:  # the best passage names them (not: a side passage mentions 环节)
            if not any(lists_members(hit.text, " ".join(hit.heading_path), members) for hit in said):
                return AskedFact(LIST_KIND)
            break
    return None


def _headed(hit: Hit) -> str:
    """The passage with its headings, in Simplified characters: where a question's words are looked for."""
    return simplified(f"{' '.join(hit.heading_path)} {hit.text}")


def _not_stated_answer(query: str, fact: AskedFact, related: Hit) -> Answer:
    """ "The playbook covers X but does not state Y. Related: …": related reading, not an answer."""
    latin = len(re.findall(r"[A-Za-z]", query))
    english = latin > sum(is_cjk(char) for char in query)
    topic = related.section or related.title
    if english:
        if fact.own_period:
            missing = f"figures for a particular period ({fact.period})"
        elif fact.own_unit:
            missing = "the company's own figures (its units, headcounts and current state)"
        elif fact.kind is CHOICE:
            missing = f"anything about {' or '.join(fact.options)}"
        elif fact.subject:
            missing = f"{fact.kind.label_en} ({fact.subject})"
        else:
            missing = fact.kind.label_en
        text = f"The playbook covers “{topic}” but does not state {missing}."
        if fact.kind is DOCUMENT:
            text += " Please ask your manager or the company system for the file."
        elif fact.kind is SYSTEM:
            text += " Please look in the system itself or ask your manager."
        elif fact.kind is INTERNAL:
            text += " Please ask your manager or the team concerned."
        elif fact.kind not in (LIST_KIND, RANK):  # a list's items and their order are the playbook's own
            text += " Please check the current price list, policy or your manager."
        text += "\nRelated reading (not an answer):"
    else:
        if fact.own_period:
            missing = f"{fact.period}这类具体时期的数据"
        elif fact.own_unit:
            missing = "公司自己的数字（各单位的编制、现状等）"
        elif fact.kind is CHOICE:
            missing = f"{'或'.join(fact.options)}的任何内容"
        elif fact.subject:
            missing = f"{fact.subject}的{fact.kind.label_zh}"
        else:
            missing = fact.kind.label_zh
        text = f"手册里讲了「{topic}」，但没有写{missing}。"
        if fact.kind is DOCUMENT:
            text += "文件请向主管或公司系统索取。"
        elif fact.kind is SYSTEM:
            text += "请在系统里查看，或问主管。"
        elif fact.kind is INTERNAL:
            text += "请问主管或相关部门。"
        elif fact.kind not in (LIST_KIND, RANK):  # a list's items and their order are the playbook's own
            text += "请以公司最新的资费、政策或主管的答复为准。"
        text += "\n相关内容（供参考，不是答案）："
    return Answer(answered=False, not_stated=True, text=text, sources=[_source(related)], kind="not_stated")


@dataclass(frozen=True)
class _Unit:
    block: int
    text: str
    is_list: bool


def extract(text: str, terms: list[str], weights: dict[str, float], budget: int) -> tuple[str, bool]:
    """The passage's most relevant sentences (lists kept whole), in source order; and whether cut."""
    clean = clean_markdown(text)
    if len(clean) <= min(WHOLE_PASSAGE_CHARS, budget):
        return clean, False
    units = _units(text)
    if not units:
        return clean[:budget], True
    total_weight = sum(weights.values()) or 1.0
    scores = []
    for position, unit in enumerate(units):
        lowered = normalize(unit.text)
        overlap = sum(weight for term, weight in weights.items() if _contains(lowered, term)) / total_weight
        scores.append(overlap + 0.15 * (1.0 - position / len(units)) + (0.05 if unit.is_list else 0.0))
    chosen: set[int] = set()
    size = 0
    for position in sorted(range(len(units)), key=lambda i: -scores[i]):
        length = len(units[position].text) + 1
        if chosen and (size + length > budget or scores[position] < 0.2):
            continue
        chosen.add(position)
        size += length
        if size >= budget:
            break
    parts: list[str] = []
    previous: _Unit | None = None
    for position in sorted(chosen):
        unit = units[position]
        if previous is not None and unit.block == previous.block and not unit.is_list:
            parts[-1] += unit.text
        else:
            parts.append(unit.text)
        previous = unit
    answer = "\n".join(parts)
    if len(answer) > budget:
        answer = answer[: budget - 1].rstrip() + "…"
    return answer, len(chosen) < len(units)


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    heading = ""
    for number, block in enumerate(split_blocks(text)):
        match = re.match(r"^#{1,6}\s+(.+)$", block)
        if match and "\n" not in block:
            heading = match.group(1).strip()
            continue
        block = clean_markdown(block)
        if not block:
            continue
        prefix = f"{heading}：" if heading else ""
        heading = ""
        if "\n" in block:  # a list or table stays one unit
            units.append(_Unit(number, prefix + block, True))
            continue
        for index, sentence in enumerate(split_sentences(block)):
            units.append(_Unit(number, (prefix if index == 0 else "") + sentence, False))
    return units


def _contains(text: str, term: str) -> bool:
    if is_cjk(term):
        return term in text
    return re.search(rf"\b{re.escape(term)}", text) is not None


def clean_markdown(text: str) -> str:
    """Passage text for reading: heading marks become labels, emphasis marks go."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if _KEYWORD_LINE.match(line) or _TABLE_RULE.match(stripped):
            continue
        match = re.match(r"^#{1,6}\s+(.+)$", stripped)
        if match:
            lines.append(f"【{match.group(1).strip()}】")
        elif stripped.startswith("|"):  # a table row reads better without the outer pipes
            lines.append(" | ".join(cell.strip() for cell in stripped.strip("|").split("|")))
        else:
            lines.append(line.rstrip())
    return _MARKUP.sub("", "\n".join(lines)).strip()


# objection cards --------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectionCard:
    """The parts of an objection card that an answer needs."""

    heading_path: list[str]
    response: str
    diagnosis: str
    chunks: list[Chunk]
    pitfalls: str = ""


def find_objection_card(index: KnowledgeIndex, chunk: Chunk | None) -> ObjectionCard | None:
    """The objection card the chunk belongs to (a section with a 推荐应对 subsection), if any."""
    if chunk is None:
        return None
    document = index.document_chunks(chunk.source)
    for depth in range(len(chunk.heading_path), 0, -1):
        prefix = chunk.heading_path[:depth]
        members = [other for other in document if other.heading_path[:depth] == prefix]
        subsections: dict[str, str] = {}
        for member in members:
            extra = member.heading_path[depth:]
            if extra:
                subsections.setdefault(extra[0], "")
                subsections[extra[0]] += "\n\n" + member.text
            else:
                root = parse_sections(member.text, "")
                for child in root.children:
                    subsections.setdefault(child.title, "")
                    subsections[child.title] += "\n\n" + child.render(False)
        response = _pick(subsections, RESPONSE_HEADINGS)
        if response is None:
            continue
        if _pick(subsections, OBJECTION_HEADINGS + DIAGNOSIS_HEADINGS) is None:
            continue  # a "response" section alone does not make a card
        return ObjectionCard(
            heading_path=prefix,
            response=clean_markdown(response),
            diagnosis=clean_markdown(_pick(subsections, DIAGNOSIS_HEADINGS) or ""),
            chunks=members,
            pitfalls=clean_markdown(_pick(subsections, PITFALL_HEADINGS) or ""),
        )
    return None


def _pick(subsections: dict[str, str], names: tuple[str, ...]) -> str | None:
    for title, text in subsections.items():
        lowered = normalize(title).strip(" ：:")
        if any(lowered == name or lowered.startswith(name) for name in names):
            return text.strip()
    return None


def _card_answer(card: ObjectionCard, best: Hit, *, more: bool) -> Answer:
    english = not any(is_cjk(char) for char in card.response[:50])
    parts = [card.response]
    if card.diagnosis and len(card.response) + len(card.diagnosis) <= MAX_ANSWER_CHARS - 40:
        if len(card.diagnosis) <= DIAGNOSIS_INLINE_LIMIT:
            parts.append(("Questions to ask first:\n" if english else "先问清楚：\n") + card.diagnosis)
    pitfalls = ("Avoid:\n" if english else "别这样做：\n") + card.pitfalls
    if card.pitfalls and sum(len(part) + 2 for part in parts) + len(pitfalls) <= MAX_ANSWER_CHARS:
        parts.append(pitfalls)  # the card's don'ts, when the whole card fits
    text = "\n\n".join(parts)
    if len(text) > MAX_ANSWER_CHARS:
        text = text[: MAX_ANSWER_CHARS - 1].rstrip() + "…"
    card_text = "\n\n".join(chunk.text for chunk in card.chunks)
    source = Source(
        title=best.title,
        section=card.heading_path[-1],
        source=best.source,
        score=best.support,
        text=card_text,
        chunk_id=card.chunks[0].id if card.chunks else best.chunk_id,
        heading_path=card.heading_path,
    )
    return Answer(answered=True, text=text, sources=[source], more_available=more, kind="objection")


def _source(hit: Hit) -> Source:
    return Source(
        title=hit.title,
        section=hit.section,
        source=hit.source,
        score=hit.support,
        text=hit.text,
        chunk_id=hit.chunk_id,
        heading_path=hit.heading_path,
    )
