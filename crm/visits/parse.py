"""`parse_note`: a rep's free-text (often voice-to-text) visit note -> `VisitRecord`.

The note is normalised (full-width forms, fillers like 嗯/呃/那个/um/uh dropped), split into clauses
at punctuation, at the spaces voice-to-text leaves and at connectives (但是, 然后, "but"), and read
by the pieces of this package: customer (matching), contacts, dates, amounts and objections.
Everything is pure and deterministic; `parse_note` never raises.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from crm.language import Language, language_of
from crm.parsing.amounts import format_amount, locate_amounts
from crm.parsing.cases import find_cases
from crm.parsing.contact_tagger import customer_spans, read_again
from crm.parsing.contacts import Contact, find_people
from crm.parsing.contracts import find_contracts
from crm.parsing.dates import DateMention, find_dates, simplified
from crm.parsing.followup_model import judges, looks_like_a_followup
from crm.parsing.matching import CANDIDATE_SCORE, CustomerIndex, CustomerMatch, CustomerRef, build_index
from crm.parsing.objections import CATEGORY_PATTERNS, find_objections
from crm.parsing.objections import Objection as FoundObjection
from crm.parsing.opportunities import find_opportunities
from crm.visits.record import CustomerOption, Objection, PlannedFollowup, VisitRecord

logger = logging.getLogger(__name__)

EXCERPT_CHARS = 120

def parse_note(
    text: str,
    *,
    now: datetime,
    customers: Sequence[CustomerRef] | CustomerIndex = (),
    default_reminder_time: time = time(9, 0),
) -> VisitRecord:
    """Parse a visit note said or typed at `now` (aware, the rep's zone). Never raises."""
    try:
        return _parse(text, now=now, customers=customers, default_time=default_reminder_time)
    except Exception as error:  # the contract: a note always yields a record the rep can edit
        logger.warning("could not fully parse a note", exc_info=True)
        return failed_record(text, now=now, error=error)


def named_customer(
    text: str, index: CustomerIndex
) -> tuple[CustomerMatch | None, tuple[int, int] | None, list[str]]:
    """The customer a normalised note names, where it is said, and its names (which are not people)."""
    customer = index.match(simplified(text)) if text else None  # 錦程 is 锦程; char for char, so spans hold
    span = (customer.start, customer.end) if customer and customer.start is not None and customer.end is not None else None
    names = [customer.customer.name, *customer.customer.aliases] if customer and customer.customer else []
    if customer and customer.said:
        names.append(customer.said)
    return customer, span, names


def failed_record(text: object, *, now: object, error: BaseException) -> VisitRecord:
    """The record of a note nothing could be read from: the date, the first words, a warning."""
    words = str(text or "")
    return VisitRecord(
        visit_date=_safe_today(now),
        excerpt=_one_line(words)[:EXCERPT_CHARS],
        language=language_of(words),
        warnings=[f"parse error: {type(error).__name__}"],
    )


# the pipeline ------------------------------------------------------------------------------


def _parse(
    raw: str, *, now: datetime, customers: Sequence[CustomerRef] | CustomerIndex, default_time: time
) -> VisitRecord:
    text = normalize(raw)
    language = language_of(text)
    say = _Translator(language)
    today = now.date()
    index = customers if isinstance(customers, CustomerIndex) else build_index(list(customers))
    warnings: list[str] = []

    customer, customer_span, exclude = named_customer(text, index)
    people = find_people(text, exclude=exclude, skip_span=customer_span)
    contacts = read_again(text, people.contacts, customer_spans(text, customer_span, exclude), ours=people.ours)
    if customer_span and contacts and text.startswith(contacts[0].name) and 0 < customer_span[0] - len(contacts[0].name) <= 2:
        contacts = contacts[1:]  # "王总 青河农业这边今天…": the note opens by addressing the rep's manager

    clauses = split_clauses(text)
    amount_spans = locate_amounts(text)
    objections = find_objections(clauses, amount_spans)

    found = find_dates(text, now=now, ignore=[(span.start, span.end) for span in amount_spans], keep_invalid=True)
    invalid = [mention for mention in found if mention.invalid]
    # "明天25点再去": the day beside an impossible time is no date either (25点 is not 09:00); the rep is told
    mentions = [mention for mention in found if not mention.invalid and not _touches(mention, invalid)]
    date_problems = [
        say(f"“{words}”不是有效的日期或时间，没有按它设跟进", f"“{words}” is not a valid date or time; no follow-up was set from it")
        for words in (mention.text.strip() for mention in invalid)
    ]
    warnings += date_problems
    visit_date = _visit_date(mentions, today)
    names = [customer.said] if customer and customer.said else []
    names += [contact.name for contact in contacts]
    followups = _followups(
        text, clauses, mentions, now=now, default_time=default_time, warnings=warnings, set_nothing=date_problems,
        say=say, names=names,
    )  # fmt: skip
    next_steps = [step for step in _next_steps(clauses, followups, objections, mentions) if not _reports_the_visit(step)]
    plain = simplified(text)  # 預算 is 预算 to the account readers; char for char, so what they quote is put back as said
    opportunities = [
        found.model_copy(update={"title": _as_said(found.title, plain, text), "text": _as_said(found.text, plain, text),
                                 "lost_reason": _as_said(found.lost_reason, plain, text) if found.lost_reason else None})
        for found in find_opportunities(
            plain, now=now, amounts=amount_spans, mentions=mentions,
            skip=([customer_span] if customer_span else []) + _contact_spans(plain, contacts),
        )  # fmt: skip
    ]

    if customer is None:
        warnings.append(say("没有识别出客户", "no customer recognised"))
    elif customer.status == "ambiguous":
        names = " / ".join(candidate.customer.name for candidate in customer.candidates)
        warnings.append(say(f"客户不确定：{names}", f"customer unclear: {names}"))
    elif customer.status == "unknown":
        warnings.append(say(f"客户不在名单中：{customer.said}", f"customer not on file: {customer.said}"))
    for followup in followups:
        if followup.vague:
            warnings.append(say(f"时间较模糊，请确认：{followup.due:%m-%d}", f"vague date, please confirm: {followup.due:%m-%d}"))
        if followup.due < now:
            warnings.append(say(f"跟进时间已过：{followup.due:%m-%d %H:%M}", f"follow-up is in the past: {followup.due:%m-%d %H:%M}"))

    record = VisitRecord(
        contacts=contacts,
        visit_date=visit_date,
        objections=[
            Objection(category=o.category, text=o.text, amount=format_amount(o.amount) if o.amount else None)
            for o in objections
        ],
        next_steps=next_steps,
        followups=followups,
        amounts=[format_amount(span.amount) for span in amount_spans],
        opportunities=opportunities,
        contracts=[found.model_copy(update={"text": _as_said(found.text, plain, text)})
                   for found in find_contracts(plain, now=now, mentions=mentions)],
        cases=[found.model_copy(update={"summary": _as_said(found.summary, plain, text)})
               for found in find_cases(plain, objections=[o.category for o in objections],
                                       customer=simplified(customer.said) if customer and customer.said else "")],
        excerpt=_one_line(text)[:EXCERPT_CHARS],
        language=language,
        warnings=warnings,
        date_problems=date_problems,
    )
    return _with_customer_match(record, customer)


def _touches(mention: DateMention, others: list[DateMention]) -> bool:
    return any(other.start <= mention.end and mention.start <= other.end for other in others)


def _with_customer_match(record: VisitRecord, match: CustomerMatch | None) -> VisitRecord:
    """The record with the customer the note named: accepted, to choose among, or not on file."""
    if match is None:
        return record
    if match.status == "auto" and match.customer is not None and match.customer.id is not None:
        found = match.customer
        return record.model_copy(
            update={"customer_id": found.id, "customer_name": found.name, "customer_status": "auto",
                    "customer_said": match.said, "value_class": found.value_class}
        )  # fmt: skip
    options = [
        CustomerOption(id=c.customer.id, name=c.customer.name, score=c.score)
        for c in match.candidates
        if c.customer.id is not None and c.score >= CANDIDATE_SCORE
    ]
    said = _VERB_BEFORE_NAME.sub("", match.said) if match.status == "unknown" else match.said
    return record.model_copy(update={"customer_status": match.status, "customer_said": said, "candidates": options})


# normalising -------------------------------------------------------------------------------

_FILLERS_ZH = re.compile(r"嗯+|呃+|额(?=[，,。\s])|唔+|那个那个|这个这个|那个(?=[，,\s])|就是说|怎么说呢|然后呢|对吧|是吧(?=[，,。\s])|啊(?=[，,。\s]|$)")
_FILLERS_EN = re.compile(r"\b(?:um+|uh+|erm+|er|hmm+|ah|you know|i mean|like,)(?=[\s,.!?]|$)", re.IGNORECASE)


def normalize(text: str) -> str:
    """Full-width forms folded, fillers dropped, whitespace collapsed (one space between pieces)."""
    if not isinstance(text, str):
        text = str(text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char if char.isprintable() or char in "\n" else " " for char in text)
    text = _FILLERS_ZH.sub(" ", text)
    text = _FILLERS_EN.sub(" ", text)
    text = re.sub(r"[ \t\u3000]+", " ", text)
    text = re.sub(r" *\n[ \n]*", "\n", text)
    text = re.sub(r" ([，。；！？,;!?])", r"\1", text)
    return text.strip()


# clauses -----------------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(
    r"[，。；;！!？?\n、]|,\s*|(?-i:(?<![A-Z][a-z])(?<!\b[A-Z])(?<!\b(?:Mr|Ms|Dr|vs|St|Co)))\.(?=\s|$)"
    r"|(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff\dA-Za-z(（])"
    r"|(?<=[A-Za-z\d%)）]) (?=[\u4e00-\u9fff])"
    r"|(?=但是|不过|可是|然后|另外|而且|所以|同时|并且|还有就是|只是(?!说))"
    r"|\s(?=(?:but|then|so|also|however|although|though)\s)"
    r"|,?\s(?=and\s(?:she|he|they|we|i|will|would|need|needs|wants?|asked|follow|send|call|schedule|said)\b)",
    re.IGNORECASE,
)


def split_clauses(text: str) -> list[tuple[int, int, str]]:
    """Clauses with their spans: split at punctuation, at voice-to-text spaces and at connectives."""
    clauses: list[tuple[int, int, str]] = []
    start = 0
    for match in _CLAUSE_BREAK.finditer(text):
        if match.start() > start:
            clauses.append((start, match.start(), text[start : match.start()]))
        start = max(start, match.end())
    if start < len(text):
        clauses.append((start, len(text), text[start:]))
    cleaned = []
    for clause_start, _, clause in clauses:
        stripped = clause.strip()
        if not stripped:
            continue
        offset = clause.index(stripped)
        cleaned.append((clause_start + offset, clause_start + offset + len(stripped), stripped))
    return cleaned


def _clause_at(clauses: list[tuple[int, int, str]], position: int) -> int | None:
    for number, (start, end, _) in enumerate(clauses):
        if start <= position < end:
            return number
    return None


# dates -> visit date and follow-ups ---------------------------------------------------------

_REFERENCE_CLAUSE = re.compile(
    r"到期|过期|截止日|签约日|生效|签的|签了|试用期?(?:到|结束)|expir|renewal date|contract ends|ends on|\brenews\b|runs out|up for renewal|"
    r"lapses|\b(?:trial|pilot|subscription|licen[cs]e|warranty|lease|agreement)\s+(?:\w+\s+)?(?:ends|is up)\b|"
    r"\bruns (?:through|till|until|to)\b|\bcontract\s+(?:\w+\s+){0,3}(?:ends|expires)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"再|约|去|来|发|给|提交|回复|答复|联系|电话|跟进|拜访|演示|沟通|谈|见|安排|准备|确认|提醒|报价|开会|讨论|签|交流|汇报|过来|"
    r"派|处理|整理|提供|出|做|写|改|催|推进|落实|带|寄|送|对接|上线|部署|测试|培训|补|交|请|问|看|更新|复盘|申请|"
    r"\b(?:send|call|follow|meet|meeting|visit|schedule|remind|check|email|demo|submit|review|present|sign|share|"
    r"prepare|deliver|confirm|discuss|reply|get back|ping|circle back|catch up|talk)\b",
    re.IGNORECASE,
)
_LEADING_NOISE_ZH = re.compile(r"^(?:[，,。\s]|记得|别忘了|别忘记|提醒我|然后|之后|以后|之前|以前|前|的时候|左右|我说|他说|她说|说|在|要在)+")
_TRAILING_NOISE_ZH = re.compile(r"(?:[，,。\s]|之前|以前|的时候)+$")
_LEADING_NOISE_EN = re.compile(
    r"^(?:['’]s\b|[\s,.;:-]|and\b|then\b|to\b|remind me to\b|reminder to\b|please\b|pls\b)+", re.IGNORECASE
)  # "'s": what the date's possessive leaves ("tomorrow's review")
_TRAILING_NOISE_EN = re.compile(
    r"(?:[\s,.;:-]|\b(?:by|on|at|before|until|next|this|in|the|for|around|latest|no later than|till|due)\b)+$",
    re.IGNORECASE,
)


def _visit_date(mentions: list[DateMention], today: date) -> date:
    for mention in mentions:
        if (
            mention.past
            and mention.day is not None
            and mention.granularity == "day"
            and mention.offset is None
            and today - mention.day <= timedelta(days=62)
        ):
            return mention.day
    return today


def _followups(
    text: str,
    clauses: list[tuple[int, int, str]],
    mentions: list[DateMention],
    *,
    now: datetime,
    default_time: time,
    warnings: list[str],
    set_nothing: list[str],
    say: _Translator,
    names: list[str],
) -> list[PlannedFollowup]:
    """The note's follow-ups; what to tell the rep goes to `warnings`, and a date that set none for a
    reason the rep should see (the model doubted it, nothing to count it from) to `set_nothing` as well."""
    references = {position: _reference_for(mentions, position) for position, m in enumerate(mentions) if m.offset}
    consumed = {reference for reference in references.values() if reference is not None}
    followups: list[PlannedFollowup] = []
    saids: list[str] = []  # the words each follow-up was read from
    for position, mention in enumerate(mentions):
        if mention.granularity == "year" or mention.past or position in consumed:
            continue  # 提前两天提醒我 12月20号开会: the reminder replaces the date itself
        clause_number = _clause_at(clauses, mention.start)
        clause = clauses[clause_number][2] if clause_number is not None else mention.text
        others = [other for other in mentions if other is not mention]
        action = _action_text(text, clauses, clause_number, mention, others, borrow=mention.offset is None, names=names)
        day, clock, rule = mention.day, mention.due(default_time)[1], mention.rule
        if mention.offset is not None:
            reference_position = references.get(position)
            if reference_position is None or mentions[reference_position].day is None:
                set_nothing.append(say(f"“{mention.text}”缺少参照日期，没有设跟进", f"no date to count “{mention.text}” from; no follow-up was set from it"))
                warnings.append(set_nothing[-1])
                continue  # 提前两天提醒我 with no date to count from: the card says so
            reference = mentions[reference_position]
            day, clock = reference.day - mention.offset, default_time  # type: ignore[operator]
            rule = f"{rule}({reference.text})"
            if len(action) <= 1:
                reference_clause = _clause_at(clauses, reference.start)
                action = _action_text(text, clauses, reference_clause, reference, [m for m in mentions if m is not reference])
        elif _REFERENCE_CLAUSE.search(clause) and (not mention.deadline or not _ACTION.search(_REFERENCE_CLAUSE.sub(" ", clause))):
            continue  # 合同12月10号到期, "contract renews end of June": a date to count from, not a to-do
        if day is None or day < now.date():
            continue
        clause_start = clauses[clause_number][0] if clause_number is not None else mention.start
        if _not_planned(text, clause, clause_start, mention, day, clock, now):
            continue
        if mention.vague and not _ACTION.search(clause + " " + action):
            continue  # 下个月有预算: news, not a to-do
        # the learned second opinion, asked of every date still standing (it learns from the visit's own
        # 今天 as well) and heard once the date would otherwise be a follow-up
        doubted = judges(text, mention) and not looks_like_a_followup(text, mention)
        due = datetime.combine(day, clock, tzinfo=now.tzinfo)
        moved = False
        if due <= now:
            only_the_day = (mention.clock is None and day == now.date() and _under_way(mention.part_of_day, now)
                            and _still_to_do_today(mention.text, clause))  # fmt: skip
            if not (mention.deadline or mention.vague or only_the_day):
                continue  # 今天上午拜访了…: already happened
            due, moved = _next_full_hour(now), True  # 这周五 said on Friday at 11, 今晚要回电话 at 20:00: today, soon
        followup = PlannedFollowup(due=due, text=action, has_time=mention.has_time, vague=mention.vague, rule=rule)
        if any(existing.due == followup.due and (existing.text == followup.text or existing.vague or followup.vague
                                                 or saids[number] == mention.text.strip())
               for number, existing in enumerate(followups)):  # fmt: skip
            continue  # "by the 30th … noting that by the 30th", 三月中旬 … 3月15号: one reminder
        if _reports_the_visit(action):
            continue  # 今天去了华信科技, said before nine: the visit itself, nothing to warn about
        if doubted:
            said = mention.text.strip().rstrip(".,;:!?。，；：！？")
            set_nothing.append(say(f"“{said}”看起来不是要做的事，没有设跟进", f"“{said}” does not read as a to-do; no follow-up was set from it"))
            warnings.append(set_nothing[-1])
            continue  # 他们新工厂1月20号投产: news in words the rules do not know
        if moved:
            warnings.append(say(f"今天的提醒时间已过，改为 {due:%H:%M} 提醒：{action}",
                                f"today's reminder time has passed; reminding at {due:%H:%M}: {action}"))  # fmt: skip
        followups.append(followup)
        saids.append(mention.text.strip())
    return followups


def _not_planned(
    text: str, clause: str, clause_start: int, mention: DateMention, day: date, clock: time, now: datetime
) -> bool:
    """Whether a day the note names is something other than the rep's to-do."""
    if _DAY_NOT_SET.search(re.split(r"[；;。\n]|\.\s", text[mention.end : mention.end + 30])[0]) or _HYPOTHETICAL.search(clause):
        return True  # "ping him in the new year, no date set", 一月中旬再定 具体哪天没说, 要是能晚上装就好了
    if _CONCERN.search(text[max(clause_start, mention.start - 12) : mention.start]) and not _COMMITMENT.search(clause):
        return True  # 怕赶不上春节前上线: a worry about a date
    before = text[max(0, mention.start - 24) : mention.start]
    if (_RETURNS_AFTER.match(text[mention.end : mention.end + 12]) or _RETURNS_BEFORE.search(before)
            or (_AWAY_UNTIL.match(mention.text) and _AWAY.search(before))):  # fmt: skip
        return True  # 黄主任下周四回来, "back around the 22nd", "in Sanya till end of month", "on leave until the 15th"
    if (
        mention.rule.endswith("+time_only") and day == now.date() + timedelta(days=1) and mention.start < OPENING_CHARS
        and timedelta(0) <= now.replace(tzinfo=None) - datetime.combine(now.date(), clock) <= JUST_NOW
        and not _TO_COME.search(clause + " " + text[mention.end : mention.end + 12])
    ):  # fmt: skip
        return True  # 中午跟恒同电子的采购总监吃饭, said at 12:30 as the note opens: the visit's own time, not tomorrow's
    if _NAMES_TODAY.search(text[max(0, mention.start - 8) : mention.start]):
        return True  # 今天礼拜六, 今天初八, "today is Friday": what today is, not a day to come
    after = text[mention.end : mention.end + 16]
    if _PASSED_OR_CALLED_OFF.match(after) or _SOMETIME.search(text[max(0, mention.start - 16) : mention.start]):
        return True  # 元旦过了, "the meeting on 5th Jan is postponed", "a call sometime next week"
    if mention.rule.startswith(_FESTIVAL_RULES) and (
        (day == now.date() and mention.clock is None) or (day - now.date()).days > FESTIVAL_A_YEAR_ON
        or (_CUSTOMER_SAYS.search(clause) and not _THE_REP.search(clause))
    ):
        return True  # 情人节还在写记录, 年初三咯 (read as next year's), 他说春节前必须上线 (their deadline, not the rep's)
    if _ANY_SUCH_DAY.search(text[max(0, mention.start - 8) : mention.start]):
        return True  # "yes, on a Saturday": any such day, not a date
    return _weekday_told_as_past(text, mention) or _recent_day_rolled_over(mention, day, now.date())


def _weekday_told_as_past(text: str, mention: DateMention) -> bool:
    """周六跟刘总吃的饭, 周末约的, 禮拜六去蘇州… as a note opens: a bare weekday the visit happened on."""
    if not _BARE_WEEKDAY.fullmatch(simplified(mention.text).strip()):
        return False
    after = simplified(text[mention.end : mention.end + 14])
    if _DONE_WITH_DE.match(after):
        return True
    opening = simplified(text[: mention.end + 10])
    return mention.start < OPENING_CHARS and bool(_VISIT_VERB.match(after)) and not _TO_COME.search(opening)


def _recent_day_rolled_over(mention: DateMention, day: date, today: date) -> bool:
    """A month and day said without a year that passed this year less than RECENT_DAYS ago, which the
    date reader rolled to next year: in a visit note that is a report of that day."""
    if not mention.rule.startswith("rule:month_day") or re.search(r"\d{4}|年", mention.text):
        return False
    this_year = day.replace(year=today.year) if not (day.month == 2 and day.day == 29) else None
    return day.year > today.year and this_year is not None and 0 < (today - this_year).days <= RECENT_DAYS


RECENT_DAYS = 60  # a year-less day this far in the past is reported, not planned a year ahead
_FESTIVAL_RULES = ("rule:festival", "rule:holiday", "rule:lunar")
_CUSTOMER_SAYS = re.compile(r"他们|她们|佢哋|(?:说|讲|话|表示|要求)")
_THE_REP = re.compile(r"我|咱|俺|额|\b(?:I|we)\b")
_ANY_SUCH_DAY = re.compile(r"\b(?:a|every|each)\s+$|每(?:个)?$", re.IGNORECASE)
FESTIVAL_A_YEAR_ON = 300  # a festival this far ahead is this year's, just passed or under way, said in a report
_NAMES_TODAY = re.compile(r"(?:今天|今儿个?|今日|\btoday(?:'s| is))\s*(?:是|係)?\s*$", re.IGNORECASE)
_PASSED_OR_CALLED_OFF = re.compile(
    r"\s*(?:已经|都|刚)?(?:过了|过完|刚过|结束了)|\s*(?:is|was|has been|got)?\s*(?:now\s+)?"
    r"(?:postponed|cancell?ed|called off|rescheduled|pushed back|moved)\b|\s*(?:的会)?(?:取消了|推迟了|改期了)",
    re.IGNORECASE,
)
_SOMETIME = re.compile(r"\b(?:some ?time|at some point)\s+(?:in\s+)?$", re.IGNORECASE)
_BARE_WEEKDAY = re.compile(
    r"(?:(?:周|星期|礼拜)[一二三四五六日天末]|周末|(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
    r"\s*(?:上午|下午|中午|晚上|早上|morning|afternoon|evening|night)?",
    re.IGNORECASE,
)
_DONE_WITH_DE = re.compile(r"[^，,。；;\n]{0,8}?(?:[去见约吃喝聊谈碰跑来访开签]的(?!话)|咗)")  # 周日跟王经理喝的茶, 禮拜五…食咗餐飯: told as done
_VISIT_VERB = re.compile(
    r"\s*(?:加班)?(?:去|跑|见|拜访|到|碰到|(?:\w+\s+){0,2}(?:catch-up|catch up|visit|meeting|call|lunch|coffee|golf|dinner|breakfast|drinks|brunch)\b)",
    re.IGNORECASE,
)  # "Sunday golf with Kato", "Saturday morning wee coffee with Douglas"
OPENING_CHARS = 15  # where a note opens with the visit's own time (中午跟…吃饭) …
JUST_NOW = timedelta(hours=2)  # … if that time passed this recently (下午三点开会 said at 18:00 is tomorrow's)
_RETURNS_AFTER = re.compile(
    r"\s*(?:才|就|会|能)?(?:回来|回京|回公司|返回|到岗|出差回来)|\s*(?:都|要|在)?(?:出差(?![去到])|请假|休假|不在|放假)"
    r"|\s+(?:is|'s)\s+(?:a\s+)?(?:public\s+)?holiday\b",
    re.IGNORECASE,
)  # someone away, a day off: 王总这周出差, 明天放假, "tomorrow is holiday"
_RETURNS_BEFORE = re.compile(
    r"\b(?:(?:is|'s|are|'re|be|and|until|till)\s+back|returns|returning)\s+(?:on|around|by|after)\s+(?:the\s+)?$"
    r"|\b(?:till|until|til)\s+$",
    re.IGNORECASE,
)  # "travelling and back around the 22nd", "he's back on Monday", "in Sanya till end of month"; not "call her back on Monday"
_AWAY_UNTIL = re.compile(r"\s*(?:until|till|til)\b", re.IGNORECASE)
_AWAY = re.compile(
    r"\b(?:on (?:leave|holiday|vacation|annual leave|sick leave|a trip)|away|out of (?:the )?office|ooo|off|travell?ing|abroad)\s*$",
    re.IGNORECASE,
)  # "he's on leave until the 15th": when someone is back, not a to-do
_TO_COME = re.compile(r"再|要|约|准备|安排|打算|计划|\b(?:will|going to|need to|call|send|meet)\b|'ll", re.IGNORECASE)
_DAY_NOT_SET = re.compile(
    r"具体(?:哪天|哪一天|日子|时间|日期)[^，。,.]{0,10}?(?:没说|没定|再说|再定|待定|再通知|未定|不确定)|没定(?:时间|日子|日期)|"
    r"(?:没|冇)(?:有)?约(?:实|定)?时间|"
    r"^\s*(?:时间|日期)待定|\bno (?:date|day|time) (?:set|yet|fixed|agreed)\b|\bnothing (?:fixed|firm|set|confirmed|booked)\b|"
    r"^[\s,(]*(?:date|day) (?:TBC|TBD|to be (?:agreed|confirmed|decided))\b|\bexact (?:date|day) (?:TBC|TBD|not (?:set|fixed))",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(r"要是|假如|如果能|要能|就好了|\bif only\b|\bwould be (?:nice|great|good|ideal)\b", re.IGNORECASE)
_CONCERN = re.compile(
    r"怕|担心|担忧|顾虑|万一|(?:能否|能不能|是否)(?:赶上|赶得上|来得及)|\b(?:worried|concerned|afraid|fears?)\b", re.IGNORECASE
)  # 交付能否赶上4月: whether a date can be met; not 能不能下周三之前给报价, a request
_COMMITMENT = re.compile(r"再|约|安排|答应|承诺|\b(?:will|we'll|promised|agreed to|scheduled|booked)\b", re.IGNORECASE)
_TODAY = re.compile(r"今天|今日|今儿|今个|今朝|today", re.IGNORECASE)
_INTENT = re.compile(r"要|得|需要|记得|别忘|必须|务必|争取|提醒|安排|\b(?:need to|have to|must|will|remind|don't forget)\b|'ll",
                     re.IGNORECASE)  # fmt: skip
_DONE = re.compile(r"了|过|\b(?:visited|met|went|had|was|were|did|called|sent|saw)\b", re.IGNORECASE)


def _still_to_do_today(said: str, clause: str) -> bool:
    """A day said for today whose default time has passed is still a to-do: 这周五 said on a Friday,
    or 今天/"today" with an intent (要今天给答复, "need to send it today"); never a report (今天去了…)."""
    if _DONE.search(clause):
        return False
    return not _TODAY.search(said) or bool(_INTENT.search(clause))


# when a part of the day said without a clock time is over (今晚要给他回电话 said at 20:00 is still to do)
_PART_OF_DAY_ENDS = {"early_morning": time(10, 0), "morning": time(12, 0), "noon": time(14, 0), "afternoon": time(18, 0),
                     "dusk": time(19, 0), "evening": time(23, 0), "night": time(23, 59), "end_of_day": time(23, 59)}  # fmt: skip


def _under_way(part_of_day: str | None, now: datetime) -> bool:
    """Whether the part of today a date names (the whole day when none) has not ended yet."""
    return part_of_day is None or now.time().replace(tzinfo=None) < _PART_OF_DAY_ENDS.get(part_of_day, time(0, 0))


def _next_full_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _reference_for(mentions: list[DateMention], position: int) -> int | None:
    """The date an offset (提前一周) counts back from: the nearest plain date before it, else after it."""
    for candidate in range(position - 1, -1, -1):
        if mentions[candidate].offset is None and mentions[candidate].day is not None:
            return candidate
    for candidate in range(position + 1, len(mentions)):
        if mentions[candidate].offset is None and mentions[candidate].day is not None:
            return candidate
    return None


_SUBJECT_START = re.compile(r"^(?:他|她|他们|我们|我|对方|客户|老板|领导|但是|不过|另外|然后|还有|而且|所以|因为|其他)")


def _contact_spans(text: str, contacts: list[Contact]) -> list[tuple[int, int]]:
    """Where each contact is named in `text`, with the department said before the name (采购部李娜): no deal is
    titled by a person. A department named for its person (他们采购说…) is left: 采购 elsewhere is still a purchase."""
    spans = []
    for contact in contacts:
        if contact.name == contact.department:
            continue
        name = simplified(contact.name)
        for match in re.finditer(re.escape(name), text):
            start = match.start()
            department = simplified(contact.department or "")
            if department and text[:start].removesuffix("的").endswith(department):
                start = len(text[:start].removesuffix("的")) - len(department)
            spans.append((start, match.end()))
    return spans


def _action_text(
    text: str,
    clauses: list[tuple[int, int, str]],
    clause_number: int | None,
    mention: DateMention,
    others: list[DateMention],
    *,
    borrow: bool = True,
    names: list[str] | None = None,
) -> str:
    """The words around a date that say what to do, without the date, fillers and dangling words.

    With `borrow`, a bare action (再去) takes the clause before it along (今天没见到人 再去), unless
    that clause only names the customer or a contact (`names`).
    """
    if clause_number is None:
        return ""
    start, end, _ = clauses[clause_number]
    start = max([start] + [other.end for other in others if start <= other.end <= mention.start])
    end = min([end] + [other.start for other in others if mention.end <= other.start < end])
    before = text[start : mention.start]
    after = text[mention.end : end]
    if re.search(r"[\u4e00-\u9fff]", before + after) or not (before + after).strip():
        after_clean = _clean_zh(after + _spoken_continuation(text, clauses, clause_number, others))
        before_clean = "" if _ONLY_WAITING.fullmatch(_clean_zh(before)) else _clean_zh(before)
        action = after_clean if len(after_clean) >= 2 else before_clean + after_clean
        if not action and clause_number + 1 < len(clauses):
            following_start, following_end, following = clauses[clause_number + 1]
            if not _holds_date(following_start, following_end, others):
                action = _clean_zh(following + _spoken_continuation(text, clauses, clause_number + 1, others))
        if borrow and len(action) <= 2 and clause_number > 0:
            previous_start, previous_end, previous = clauses[clause_number - 1]
            remainder = previous
            for name in names or []:
                remainder = remainder.replace(name, "")
            if len(remainder.strip(" 的和跟与")) > 2 and not _holds_date(previous_start, previous_end, others):
                action = (_clean_zh(previous) + " " + action).strip()
    else:
        before_clean = _TRAILING_NOISE_EN.sub("", _LEADING_NOISE_EN.sub("", before))
        after_clean = _TRAILING_NOISE_EN.sub("", after if before_clean else _LEADING_NOISE_EN.sub("", after)).strip()
        if before_clean and re.match(r"\s*(?:and|then|also|plus)\b", after, re.IGNORECASE):
            after_clean = ""  # "send the DPA by Thursday and book a demo": the next action is another follow-up
        action = " ".join(part for part in (before_clean, after_clean) if part)
        if not action and clause_number > 0:
            action = _TRAILING_NOISE_EN.sub("", _LEADING_NOISE_EN.sub("", clauses[clause_number - 1][2]))
        elif borrow and clause_number > 0 and _BARE_STEP_EN.fullmatch(action.strip()):
            previous_start, previous_end, previous = clauses[clause_number - 1]  # "asked for references, I'll send"
            previous = _TRAILING_NOISE_EN.sub("", _LEADING_NOISE_EN.sub("", previous)).strip()
            if len(previous.split()) >= 2 and not _holds_date(previous_start, previous_end, others):
                action = f"{previous}, {action.strip()}"
    return action.strip()[:200]


# A step with nothing to act on: "I'll send", "we will follow up", "call back" - what it is about was said before
_BARE_STEP_EN = re.compile(
    r"(?:(?:i|we)(?:'ll|’ll| will| shall| can| need to| have to)?\s+)?(?:send|call|email|follow up|ping|reply|revert|confirm|"
    r"get back|call back|circle back)(?:\s+(?:it|them|that|this|over|back|him|her|across))*",
    re.IGNORECASE,
)


_ONLY_WAITING = re.compile(r"(?:说|还|大概|大约|差不多|估计)*(?:需要|要|得)?等?")  # 大概要两周 到时候…: the step comes after


def _spoken_continuation(
    text: str, clauses: list[tuple[int, int, str]], clause_number: int, others: list[DateMention]
) -> str:
    """Short pieces voice-to-text split off with spaces (给他们 一个 付款方案), joined back."""
    pieces: list[str] = []
    last_end = clauses[clause_number][1]
    for following_start, following_end, following in clauses[clause_number + 1 :]:
        if text[last_end:following_start].strip() or len(following) > 8 or _SUBJECT_START.match(following):
            break  # a punctuation mark, a long clause or a new subject ends the action
        if _holds_date(following_start, following_end, others) or sum(map(len, pieces)) + len(following) > 24:
            break
        pieces.append(following)
        last_end = following_end
    return "".join(pieces)


def _holds_date(start: int, end: int, mentions: list[DateMention]) -> bool:
    return any(start <= mention.start < end for mention in mentions)


def _clean_zh(text: str) -> str:
    text = _LEADING_NOISE_ZH.sub("", text.strip())
    return _TRAILING_NOISE_ZH.sub("", text).strip()


# next steps --------------------------------------------------------------------------------

_TASK = re.compile(
    r"^(?:需要|准备|计划|打算|安排|记得|跟进|回头|下次|待办|我(?:们)?(?:要|会|得|需要)|要(?:给|把|跟|去|再))|"
    r"\b(?:need to|will|should|plan to|next step|todo|to-do|going to|action item|i'll|we'll|let's)\b",
    re.IGNORECASE,
)


def _next_steps(
    clauses: list[tuple[int, int, str]],
    followups: list[PlannedFollowup],
    objections: list[FoundObjection],
    mentions: list[DateMention],
) -> list[str]:
    """The follow-ups' actions, then undated tasks the rep set (需要出一版新报价, "need to loop in legal")."""
    steps = [followup.text for followup in followups if followup.text]
    objection_texts = {objection.text for objection in objections}
    for start, end, clause in clauses:
        if clause in objection_texts or any(clause in step or step in clause for step in steps):
            continue
        if _holds_date(start, end, mentions):
            continue  # dated: already a follow-up, or deliberately not one (合同12月10号到期)
        if any(pattern.search(clause) for pattern in CATEGORY_PATTERNS.values()):
            continue
        if _TASK.search(clause.strip()):
            steps.append(_clean_zh(clause) if re.search(r"[\u4e00-\u9fff]", clause) else clause.strip())
    unique: list[str] = []
    for step in steps:
        if step and step not in unique:
            unique.append(step)
    return unique


# "今天下午去了X" reports the visit itself, and an unknown company's name starts with the verb before it
# ("去了明达科技"): neither is a follow-up or part of the name.
_PAST_VISIT = re.compile(
    r"^(?:今天|刚才|上午|下午|早上)?(?:去了|见了|拜访了|聊了|谈了|见到了?|"
    r"(?:去|跟|和|到|在)[^，,。；;\s]{0,14}?(?:见了|聊了|谈了|通了电话|打了电话|拜访了|开了会|吃了饭))"
)
_VERB_BEFORE_NAME = re.compile(r"^(?:今天|刚才|上午|下午)?(?:去了|见了|拜访了?|聊了|谈了|到了|跟|和|与|在|去|到)")


def _reports_the_visit(text: str) -> bool:
    return bool(_PAST_VISIT.match(text)) and not re.search(r"再|要|将|会|记得|提醒", text)


def _as_said(words: str, plain: str, text: str) -> str:
    """`words` quoted from the note in Simplified (`plain`), in the characters the rep used (預算, not 预算)."""
    if plain == text or not words:
        return words
    body, ellipsis = (words[:-1], "…") if words.endswith("…") else (words, "")
    at = plain.find(body)
    if at >= 0:
        return text[at : at + len(body)] + ellipsis
    if " " not in body:
        return words
    return " ".join(_as_said(part, plain, text) for part in body.split(" ")) + ellipsis  # a title joined from clauses


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _Translator:
    """Picks the Chinese or English wording for the note's language."""

    def __init__(self, language: Language):
        self.language = language

    def __call__(self, zh: str, en: str) -> str:
        return zh if self.language == "zh" else en


def _safe_today(now: object) -> date:
    if isinstance(now, datetime):
        return now.date()
    return date.today()
