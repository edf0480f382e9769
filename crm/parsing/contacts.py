"""People met, as the rep names them: 王经理, 李总, 采购部的刘工, "Sarah", "the CFO", "John from IT".

Chinese contacts are a common surname (百家姓) followed by a title, so 经理 alone or 总经理办公室 is
not a person; 小王 / 老李 count too. English contacts are capitalised names next to a role
("CFO Sarah", "Mike, their procurement manager"), after an honorific ("Mr. Sun") or a verb of
meeting ("met Sarah"), or a role on its own ("the CFO").
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from typing import NamedTuple

import names
from pydantic import BaseModel
from pypinyin import lazy_pinyin

from crm.parsing.dates import simplified
from crm.parsing.matching import COMPANY_SUFFIXES_EN

# Common single-character surnames (百家姓, the ~200 most frequent today), and compound ones.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻"
    "位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦"
    "戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但"
    "尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由于洪萧钮鄂郦宦荀"
)
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "夏侯", "尉迟", "公孙", "长孙",
    "宇文", "司徒", "西门", "独孤", "南宫", "端木", "百里", "呼延", "轩辕", "钟离", "万俟",
)  # fmt: skip
# Longest first, so 总经理 wins over 经理 and 总.
TITLES_ZH = tuple(sorted((
    "总经理", "副总经理", "副总裁", "总裁", "董事长", "副董事长", "董事", "总监", "副总监", "经理", "副经理",
    "总工", "总", "副总", "工", "主任", "副主任", "处长", "副处长", "科长", "副科长", "部长", "副部长",
    "局长", "副局长", "厅长", "院长", "副院长", "校长", "所长", "站长", "行长", "副行长", "书记", "主管",
    "组长", "队长", "老师", "教授", "博士", "医生", "大夫", "律师", "会计", "秘书", "助理", "工程师",
    "女士", "先生", "小姐", "姐", "哥", "老板", "董", "总助", "专员", "架构师", "顾问", "主席", "司长",
    "厂长", "副厂长", "会长", "副会长", "社长", "店长", "馆长", "台长", "园长", "主编", "总编", "设计师",
    "会计师", "分析师", "护士长", "总会计师", "总工程师", "场长", "矿长", "处", "生",
    "协理", "课长", "副课长", "襄理", "特助", "师傅", "机长", "阿伯", "阿姐", "阿叔", "阿姨", "大姐", "大哥",
), key=len, reverse=True))  # fmt: skip
_NOT_CONTACTS = {"施工", "包工", "童工", "华工", "石工", "金工", "时总", "全总", "明总", "方总", "高工"}
_SURNAME_WORDS_TO_SKIP = ("总经理办公室", "总经办", "总工会")
# Everyday words that open with a surname: 安排工程师进场 names no 安 (安排 is "arrange"), 马上 no 马
_WORDS_OPENING_WITH_A_SURNAME = ("安排", "安装", "安全", "高级", "方便", "马上", "应该", "关于", "包括", "管理", "费用", "常规",
                                 "程序", "时间", "成立", "付款", "钱款", "于是", "向来", "单独", "尤其")
DEPARTMENT_WORDS = (
    "IT", "信息化", "信息", "采购", "技术", "财务", "法务", "销售", "市场", "运维", "研发", "行政", "人力资源",
    "人力", "人事", "生产", "质量", "质检", "物流", "供应链", "工程", "项目", "客服", "战略", "投资", "审计",
    "风控", "安全", "网络", "数据", "数字化", "运营", "产品", "设计", "合规", "总经办", "总裁办", "招标",
    "后勤", "基建", "设备", "资产", "计划", "经营", "企划", "办公室", "信息中心", "数据中心", "业务",
    "仓储", "仓库", "车队", "调度", "理赔", "营销", "教学", "前厅", "客房", "安环", "物资", "信息科技", "科技", "集团采购",
    "品质", "品管", "QA", "QC", "工艺", "安监", "车间", "储运", "品保", "资讯", "维修", "保全",
)  # fmt: skip
_DEPARTMENT_SUFFIX = r"(?:部门|事业部|部|处|科|中心|办公室|室|组|团队|办)"
_DEPARTMENT_WORD = "|".join(sorted((re.escape(word) for word in DEPARTMENT_WORDS), key=len, reverse=True))
_DEPARTMENT = re.compile(
    r"((?:" + _DEPARTMENT_WORD + r")"
    + _DEPARTMENT_SUFFIX + r"?)(?:的|那边的|这边的)?\s*$"
)

ROLES_EN = (
    "CEO", "CFO", "CTO", "CIO", "COO", "CISO", "CMO", "CPO", "VP", "SVP", "EVP", "GM", "President",
    "Chairman", "Director", "Head", "Manager", "Engineer", "Buyer", "Architect", "Lead", "Owner",
    "Founder", "Partner", "Consultant", "Analyst", "Officer", "Administrator", "Admin", "Specialist",
    "Coordinator", "Controller", "Treasurer", "Counsel", "Lawyer", "Accountant", "Assistant",
    "Secretary", "Supervisor", "Executive", "Leader", "MD",
)  # fmt: skip
_ROLE_WORD = r"(?:" + "|".join(ROLES_EN) + r")s?"
_EN_DEPARTMENTS = (
    "IT", "procurement", "purchasing", "finance", "legal", "sales", "marketing", "engineering", "ops",
    "operations", "security", "HR", "R&D", "product", "compliance", "infrastructure", "data", "supply chain",
    "logistics", "quality", "accounting", "facilities", "admin", "QA", "claims", "purchase", "accounts", "HSE", "EHS",
    "maintenance", "production", "regulatory", "treasury",
)  # fmt: skip
_EN_DEPARTMENT = r"(?:" + "|".join(re.escape(d) for d in _EN_DEPARTMENTS) + r")"
_ROLE_PHRASE = (
    # "VP Procurement", "head IT": a senior role with its department after it
    r"(?:(?:svp|evp|vp|vice president|director|head) (?:" + _EN_DEPARTMENT + r")\b(?! (?:manager|director|lead|team)\b)|"
    # "head of IT", "head of ground ops", "director of trading"
    r"(?:head|director|vp|vice president) of (?!(?-i:the|our|their|a|an|it|them|this|that)\b)(?:"
    + _EN_DEPARTMENT + r"|(?-i:[a-z]{3,})(?:\s+" + _EN_DEPARTMENT + r")?)|"
    r"(?:(?:senior|chief|general|deputy|assistant|regional|team|section|group|shift)\s+)?(?:" + _EN_DEPARTMENT + r"\s+)?"
    + _ROLE_WORD + r")"
)
# Names keep their letters: Wójcik, Łukasz, Ciarán, Dąbrowska
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĘĚĞĪŁŃŇŌŐŒŘŚŠŞŢŤŪŮŰŸŹŻŽ\u1ea0-\u1ef8"
_LOWER = "a-zß-öø-ÿāăąćčďđēęěğīłńňōőœřśšşţťūůűźżžơư\u1ea1-\u1ef9"
_CAP = "(?:Ma?c|O')?[" + _UPPER + "][" + _LOWER + "]+"  # MacLeod, McKay, O'Brien
_NAME_EN = r"(?:" + _CAP + r"(?:[-'][" + _UPPER + r"]?[" + _LOWER + r"]+)?)(?:\s" + _CAP + r")?"
# Malay and Indonesian reps write Pak, Bu, Mbak, Encik; "Eng." is an engineer's title in the Gulf
_HONORIFIC = (
    r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Captain|Capt|Sir|Madam|Pak|Bu|Ibu|Mbak|Encik|Puan|Datuk|Eng|Engr|Uncle|Auntie|Aunty|Ah|"
    r"Khun|Chief|Herr|Frau|Ma'am|Maam|Ate|Kuya|Seu|Dona|Dom|Chị|Anh|Cô|Chú)\.?"
)
_EN_STOPWORDS = {
    "I", "We", "They", "He", "She", "It", "The", "Their", "Our", "His", "Her", "Met", "Called", "Spoke",
    "Visited", "Had", "Follow", "Send", "Today", "Tomorrow", "Yesterday", "Monday", "Tuesday", "Wednesday",
    "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December", "Next", "Last", "This", "Also",
    "Then", "But", "And", "No", "Yes", "Ok", "Okay", "Call", "Meeting", "Lunch", "Dinner", "Um", "Uh",
    "Corp", "Inc", "Ltd", "Group", "Bank", "Co", "Mr", "Mrs", "Ms", "Dr", "Discussed", "Need", "Will",
    "Asked", "Said", "Wants", "Told", "Got", "Went", "Saw", "Talked", "Quote", "Demo", "Price", "Pricing",
    "Contract", "Renewal", "Email", "Emailed", "Pinged", "Reached", "Caught", "Chatted", "Just", "Still",
    "Note", "Notes", "Client", "Customer", "Team", "Us", "Them", "Both", "All", "Some", "Great", "Good",
    "Nice", "Hi", "Hello", "Thanks", "Please", "Remind", "Reminder", "Check", "Sent", "Dropped",
}  # fmt: skip
_ROLE_WORDS_LOWER = {role.lower() for role in ROLES_EN}
_EN_DEPARTMENTS_LOWER = {department.lower() for department in _EN_DEPARTMENTS}
# First names in the census lists that are also everyday words, months, festivals, places, brands or
# romanised Chinese surnames: "Will send", "May 5", "Christmas Eve", "Sydney office", "Dell laptops", "Li"
_NAMES_THAT_ARE_WORDS = {
    "Adelaide", "Alpha", "Angel", "April", "Art", "Asia", "August", "Austin", "Bell", "Bill", "Buddy", "Carol",
    "Carolina", "Carry", "Chance", "Chase", "Chester", "China", "Cleveland", "Crystal", "Dakota", "Dallas", "Dawn",
    "Dean", "Del", "Dell", "Delta", "Denver", "Diamond", "Don", "Dot", "Earl", "Easter", "Echo", "Else", "Eve",
    "Faith", "Forest", "Gay", "Georgia", "Glory", "Golden", "Grant", "Guy", "Hilton", "Holly", "Hope", "Houston",
    "Hunter", "India", "Jade", "Jan", "Joy", "June", "Kent", "King", "Kit", "Lance", "Lane", "Lincoln", "Long",
    "Love", "Mac", "Major", "Man", "Manual", "Many", "Mark", "Max", "May", "Mercedes", "Merry", "Meta", "Miles",
    "Moon", "Newton", "Noel", "Numbers", "Omega", "Orlando", "Page", "Paris", "Pat", "Patience", "Pearl", "Penny",
    "Precious", "Prince", "Queen", "Ray", "Reed", "Regina", "Rich", "Rocky", "Rod", "Roman", "Royal", "Ruby",
    "Rusty", "Sage", "Sandy", "Savannah", "Season", "See", "Son", "Sonny", "Soon", "Spring", "Star", "Summer",
    "Sydney", "Thu", "Tiny", "Troy", "Val", "Virginia", "Ward", "Will", "Young", "German", "Irish", "Marine",
    "Chan", "Dong", "Han", "Hang", "Jin", "Lee", "Lin", "Mao", "Min", "Ping", "Song", "Sun", "Wan", "Wei", "Xiao",
    "Yan", "Yang",
}  # fmt: skip


@functools.cache
def _pinyin_surnames() -> frozenset[str]:
    """The common surnames in pinyin (Wang, Chen, Ouyang), for names written in latin letters."""
    return frozenset("".join(lazy_pinyin(surname)).title() for surname in (*SURNAMES, *COMPOUND_SURNAMES))


@functools.cache
def _given_names() -> frozenset[str]:
    """English first names ("Kevin", "Amy"): the census lists of the `names` package, less everyday words."""
    found: set[str] = set()
    for key in ("first:male", "first:female"):
        with open(names.FILES[key], encoding="ascii") as listing:
            found.update(line.split()[0].title() for line in listing if line.strip())
    return frozenset(name for name in found if len(name) >= 3) - _NAMES_THAT_ARE_WORDS


@functools.cache
def lexicons() -> dict[str, frozenset[str]]:
    """The word lists the rules read by, for the contact tagger's features (crm/parsing/contact_tagger.py)."""
    titles = {*TITLES_ZH, *_ROLE_TITLES_ZH, "负责人", "技术员", "业务员"}
    chinese = re.compile(r"[\u4e00-\u9fff]+")
    return {
        "surname": frozenset(SURNAMES),
        "compound": frozenset(COMPOUND_SURNAMES),
        "title": frozenset(title for title in titles if chinese.fullmatch(title)),
        "department_zh": frozenset(word for word in DEPARTMENT_WORDS if chinese.fullmatch(word)),
        "given": _given_names(),
        "pinyin": _pinyin_surnames(),
        "honorific": frozenset(word.lower() for word in re.findall(r"[A-Za-z'ịệ]+", _HONORIFIC) if len(word) > 1),
        "role": frozenset(role.lower() for role in ROLES_EN),
        "department_en": frozenset(_EN_DEPARTMENTS_LOWER),
        "stop": frozenset(word.lower() for word in _EN_STOPWORDS),
    }


class Contact(BaseModel):
    """A person at the customer, named as the rep said it."""

    name: str
    title: str | None = None
    department: str | None = None
    surname: str | None = None


class People(NamedTuple):
    contacts: list[Contact]  # the customer's people, first mention first
    ours: set[str]  # the rep's own colleagues the note names (同事小李, 小周 你…), as found


def find_contacts(text: str, *, exclude: Iterable[str] = (), skip_span: tuple[int, int] | None = None) -> list[Contact]:
    """Contacts in `text`, first mention first (see `find_people`)."""
    return find_people(text, exclude=exclude, skip_span=skip_span).contacts


def find_people(text: str, *, exclude: Iterable[str] = (), skip_span: tuple[int, int] | None = None) -> People:
    """The customer's people in `text`, and the rep's own colleagues it names.

    Words in `exclude` (the customer's names) are not people; `skip_span` (where the customer was
    named) is never read as a department, so 远大物流的李总 is not in a 物流 department.
    """
    excluded_words = {word.lower() for phrase in exclude for word in re.findall(r"[A-Za-z]+", phrase)}
    floor = skip_span[1] if skip_span else 0
    said, text = text, simplified(text)  # 黃經理 is read as 黄经理 and kept as said
    ours: set[str] = set()  # 跟我们产品经理小叶一起去的 … 小叶说: ours at every mention
    found = _chinese_contacts(text, floor, ours) + _english_contacts(text, excluded_words, ours)
    our_lines = [(line.start(), line.end()) for line in _OUR_PEOPLE_LINE.finditer(text)]
    ours.update(contact.name for start, contact in found if _one_of_ours(text, start, start + len(contact.name), our_lines))
    found = [(start, contact) for start, contact in found if contact.name not in ours]
    found.sort(key=lambda item: item[0])
    contacts: list[Contact] = []
    for start, contact in found:
        if text[start : start + len(contact.name)] == contact.name:
            contact.name = said[start : start + len(contact.name)]
        duplicate = next((c for c in contacts if _same_person(c, contact)), None)
        if duplicate is None:
            contacts.append(contact)
            continue
        if duplicate.surname is None and contact.surname and duplicate.title == contact.title:
            duplicate.name, duplicate.surname = contact.name, contact.surname  # 技术总监 … 姓邹 邹总监: the name said
        duplicate.title = duplicate.title or contact.title
        duplicate.department = duplicate.department or contact.department
    return People(contacts, ours)


def contact_named(name: str) -> Contact:
    """A contact from a name alone, with the surname and title its shape says: 王经理, 老李, Mr. Tan, Sarah."""
    plain = simplified(name)
    chinese = _CHINESE_CONTACT.fullmatch(plain)
    if chinese and _plausible_given_name(chinese.group("given")):
        return Contact(name=name, title=chinese.group("title"), surname=chinese.group("surname"))
    familiar = _FAMILIAR.fullmatch(plain)
    if familiar:
        return Contact(name=name, surname=familiar.group("surname"))
    honorific = re.fullmatch(r"(?:" + _HONORIFIC + r"\s+)+(?P<rest>.+)", name)
    if honorific:
        return Contact(name=name, surname=honorific.group("rest").split()[-1])
    return Contact(name=name)


def names_one_person(said: str, name: str, surname: str | None = None) -> bool:
    """Whether `said` names the contact called `name`: one holds the other ("Sun", "Mr. Sun"; 老王, 王),
    or it is the surname."""
    said, name = said.strip().lower(), name.strip().lower()
    return said in name or name in said or (surname is not None and said == surname.lower())


def _said_as_ours(text: str, start: int) -> bool:
    """我们的王经理, 我们区域经理老孙, 我哋 account manager Karen; not 想找我们 老包说 (我们 ends a clause)."""
    match = _OUR_SIDE_ZH.search(text[max(0, start - 24) : start])
    return match is not None and not re.fullmatch(r"(?:我们|咱们|咱|我哋|我地|我司|我方)\s+", match.group())


def _one_of_ours(text: str, start: int, end: int, our_lines: list[tuple[int, int]]) -> bool:
    """跟小叶一起去的, 我方同行：郭总, 小周 你… — the rep's own people, wherever the rules found them."""
    if _inside(start, our_lines):
        return True
    after = text[end : end + 14]
    if _SPOKEN_TO.match(after) or (text[start] in "小老" and _GOES_ALONG.match(after)):
        return True  # 小周 你…; 小陈和老杨都要去 (the customer's 王总和李工都要去参观 are theirs)
    return bool(_WENT_ALONG_BEFORE.search(text[max(0, start - 3) : start]) and _WENT_ALONG_AFTER.match(text[end : end + 10]))


def _same_person(first: Contact, second: Contact) -> bool:
    if first.name.lower().removeprefix("阿") == second.name.lower().removeprefix("阿"):
        return True  # 阿Ken … Ken
    if re.fullmatch(r"[A-Za-z]+", first.name.split()[0]) and first.name.split()[0] == second.name.split()[0]:
        return True  # "Helen Wu (Head of Trading Tech)" … "Helen is satisfied"
    if first.title and first.title == second.title and (first.surname is None) != (second.surname is None):
        role, named = (first, second) if first.surname is None else (second, first)
        return role.name.endswith(role.title or "") and not re.search(r"[A-Za-z]", role.name) and named.surname is not None
    if first.surname and second.surname and first.surname == second.surname:
        return first.title == second.title or not first.title or not second.title
    return False


_TITLE_PATTERN = "|".join(TITLES_ZH)
_SURNAME_PATTERN = (
    "(?:" + "|".join(COMPOUND_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
)
_CHINESE_CONTACT = re.compile(
    r"(?P<surname>" + _SURNAME_PATTERN + r")(?P<given>[\u4e00-\u9fff]{0,2}?)(?P<title>" + _TITLE_PATTERN + r")"
)
_FAMILIAR = re.compile(r"(?P<prefix>[小老])(?P<surname>" + _SURNAME_PATTERN + r")(?![\u4e00-\u9fff]{0,1}(?:" + _TITLE_PATTERN + "))")
_FAMILIAR_FOLLOW = re.compile(
    r"^(?:说|讲|聊|那边|这边|反馈|表示|提到|问|觉得|认为|答应|同意|负责|帮|陪|带|接待|在|刚|已经|还|就|也|又|会|要|"
    r"吃|喝|请|打|发|来|去|私下|让|叫|找|给|把|被|都|一直|老是|提|"
    r"\s|，|,|。|、|和|跟|的|他|她|$)"
)
# 秘书小张, 仓储的小刘, 见了小王: what may stand right before a nickname (other characters make a word: 大小李, 很老王)
_FAMILIAR_AFTER = set("的和跟与同及见约找问叫请给带让有是了书理下手部处科室组门+，,、。 ")
# Nicknames that are ordinary words: 小区, 老师, 小时 (区 / 师 / 时 are surnames too)
_FAMILIAR_WORDS = {"小区", "小时", "小于", "小米", "小车", "小康", "小吃", "小组", "小计", "小姐", "小弟", "小哥", "小商",
                   "老师", "老公", "老婆", "老乡", "老家", "老年", "老弟", "老大", "老于", "老成", "老练", "老司"}  # fmt: skip
# 我们的王经理, 同事小李, 我司张工, 我们区域经理老孙, 售前刘工: our own colleagues, not the customer's people
_OUR_ROLE_ZH = "经理|总监|主管|工程师|顾问|专员|助理|同事|销售|实施|技术支持|领导|老大"
_OUR_SIDE_ZH = re.compile(
    r"(?:(?:我们|我司|我方|咱们|咱|我哋|我地|同事|我的|本公司|我们公司|我们这边)(?:的|嘅)?\s*"
    r"(?:大区|区域|分公司|公司|团队|这边|组|部门|厂里|厂|team|(?:[A-Za-z]+\s+){0,2}(?:manager|engineer|team|guy|lead))?\s*(?:的|嘅)?\s*"
    r"(?:(?:" + _DEPARTMENT_WORD + r")?"
    + _DEPARTMENT_SUFFIX + r"?\s*(?:的)?)?\s*(?:" + _OUR_ROLE_ZH + r")?|售前(?:的)?)\s*$"
)
# 跟小叶一起去的: who went along with the rep is ours
_WENT_ALONG_BEFORE = re.compile(r"(?:跟|和|带着|带上|同)\s*$")
_WENT_ALONG_AFTER = re.compile(r"^\s*(?:跟我|和我)?\s*(?:一起|一块儿?|一同)\s*(?:去|过去|跑|拜访|上门)")
# 小周 你下周一把报价拆开做一下: a colleague the rep speaks to; 小陈和老杨都要去, 老何要跟着: one who goes along
_SPOKEN_TO = re.compile(r"^\s*[，,]?\s*你(?![们的])")
_GOES_ALONG = re.compile(r"^\s*(?:(?:和|跟|还有|、)[^\s，,。]{1,6}?)?(?:也|都)\s*(?:要|会|得)?\s*(?:去|跟着)|^\s*(?:要|会|得)\s*跟着")
# 我方同行：销售总监郭总 — a labelled line of our own people
_OUR_PEOPLE_LINE = re.compile(r"(?:我方|我们|我司)?(?:同行|陪同|随行|参与)(?:人员)?\s*[:：][^\n]*")
# 总 / 工 / 董 followed by these characters make ordinary words (总结, 工作, 董事会), not titles.
_WORD_AFTER_SHORT_TITLE = {
    "总": set("结共是体部算之量额价包数计裁监经线台账能归务"),  # 李总和张工 is two people, not 总和
    "处": set("理于在置罚分境事长"),
    # Cantonese 黄生 (Mr Wong); not 生产 (梁太 is left out: 国太, 来太 are too often not people)
    "生": set("产活意日效命成存态物病气长"),
    "工": set("作程资厂具艺期人业商位时单会序种地夫件装具"),
    "董": set("事"),
    "老师": set("傅"),  # 车间老师傅: an old hand, not a teacher
}
_FUNCTION_WORD_SURNAMES = set("和向于从与对把给被让在跟同及")
_WORDS_ENDING_IN_SURNAME = {"对方", "甲方", "乙方", "双方", "各方", "校方", "院方", "厂方", "官方", "分管", "主管", "监管", "接管", "托管", "大区", "小区", "社区", "园区", "片区",
                            # 由于主任不在: 于 ends a word here, not a surname
                            "由于", "关于", "对于", "至于", "等于", "属于", "位于", "处于", "基于", "鉴于", "终于", "过于", "大于",
                            "小于", "高于", "低于", "多于", "少于", "用于", "便于", "出于", "免于", "限于", "忙于", "急于", "敢于"}
# A contact named only by role: 对方财务总监, 他们的CIO, 客户的采购经理 (the person, not a surname + title).
_ROLE_TITLES_ZH = ("总经理", "副总经理", "副总裁", "总裁", "董事长", "总监", "副总监", "经理", "主任", "处长", "科长",
                   "部长", "厂长", "负责人", "主管", "总工", "总工程师", "CIO", "CFO", "CTO", "CEO", "COO", "CISO", "CMO", "VP", "课长", "协理")  # fmt: skip
_ROLE_TITLE_ZH = "(?P<title>" + "|".join(sorted(_ROLE_TITLES_ZH, key=len, reverse=True)) + ")"
_ROLE_ONLY_ZH = re.compile(
    r"(?:对方|甲方|客户|他们|她们|人家|那边)(?:的|那边的)?\s*"
    r"(?:(?P<department>" + _DEPARTMENT_WORD + r")" + _DEPARTMENT_SUFFIX + r"?的?)?" + _ROLE_TITLE_ZH
    # 还有调度主管, 见了采购经理: after a listing word the department must be said
    + r"|(?:还有|以及|和|跟|与|及|见了|约了|见的是|见的|找的是|碰到|、|的)\s*(?P<department2>" + _DEPARTMENT_WORD + r")"
    + _DEPARTMENT_SUFFIX + r"?的?" + _ROLE_TITLE_ZH.replace("?P<title>", "?P<title2>")
    # 见了厂长老黄 仓库主管也在场: a role after a pause, said to be there or to speak
    + r"|(?:^|(?<=[\s，,。；;]))(?P<department3>" + _DEPARTMENT_WORD + r")" + _DEPARTMENT_SUFFIX + r"?的?"
    + _ROLE_TITLE_ZH.replace("?P<title>", "?P<title3>")
    + r"(?=\s?(?:也|都|还|亲自)?(?:在场|在|来了|过来|参加|出席|陪同|说|讲|问|提|觉得|认为|带|接待))"
)
# 采购总监王磊, 王磊（采购总监）: a full name beside the role that says who the person is
_FULL_NAME = r"(?P<name>(?P<surname>" + _SURNAME_PATTERN + r")[\u4e00-\u9fff]{1,2})"
_ROLE_BESIDE_NAME = r"(?:(?P<department>" + _DEPARTMENT_WORD + r")" + _DEPARTMENT_SUFFIX + r"?的?)?" + _ROLE_TITLE_ZH
_ROLE_THEN_FULL_NAME_ZH = re.compile(_ROLE_BESIDE_NAME + r"\s?(?:叫|名叫|是)?" + _FULL_NAME)  # CTO叫陈晓明
# 采购部李娜, 信息中心的王建国: a department said with its suffix, then a full name; 采购王磊说: without it, when the
# person speaks next
_DEPARTMENT_THEN_FULL_NAME_ZH = re.compile(
    r"(?P<department>(?:" + _DEPARTMENT_WORD + r")" + _DEPARTMENT_SUFFIX + r")的?(?P<title>)" + _FULL_NAME
)
_DEPARTMENT_WORD_THEN_FULL_NAME_ZH = re.compile(
    r"(?<=的)(?P<department>" + _DEPARTMENT_WORD + r")(?P<title>)" + _FULL_NAME + r"(?=说|讲|表示|提出|反馈|觉得|认为|问)"
)
_FULL_NAME_THEN_ROLE_ZH = re.compile(_FULL_NAME + r"\s?[（(]\s?" + _ROLE_BESIDE_NAME + r"\s?[）)]")
_AFTER_A_FULL_NAME = set("吗呢吧啊呀嘛说讲表问提认觉希要想同和跟及与也都很对的在是称答会让还就已刚那这来去，,。、；;：:!！?？ ")
# 他们财务说要走流程: a department speaking is its person
_DEPARTMENT_SPEAKS = re.compile(
    r"(?:对方|客户|他们|她们|人家)(?:的)?\s?(?P<department>财务|法务|采购|人事|HR|IT|审计|合规)(?=\s?(?:那边)?(?:说|讲|反馈|提出|问|话))"
)
# 見咗工程部嘅陳太: Mrs Chan, where the words around say it is a person (国太, 来太 are not)
_MRS_ZH = re.compile(r"(?<=[的嘅同和跟与部见咗了\s])(?P<surname>" + "[" + "".join(sorted(SURNAMES)) + r"])太(?=[话说讲觉问同和\s，,。]|$)")
_AH_NAME = re.compile(r"阿(?:[A-Z][a-z]+|[\u4e00-\u9fff](?=[\s，,。、说讲话问想觉倒就也都和跟同的嘅]|$))")
_AH_WORDS = {"阿姨", "阿里", "阿拉", "阿根", "阿联", "阿富", "阿胶", "阿婆", "阿公", "阿爸", "阿妈", "阿伯", "阿叔", "阿哥", "阿嫂"}
# 大家都叫她芳姐, 叫他胖哥: a nickname the customer's people go by
_CALLED_ZH = re.compile(r"叫(?:他|她)\s*(?P<nickname>[\u4e00-\u9fff]{1,2}(?:姐|哥|叔|姨|总|工|爷|老师))")


_NICKNAME_AFTER_TITLES = tuple(sorted(
    {*TITLES_ZH, *_ROLE_TITLES_ZH, "站长", "负责人", "技术员", "业务员", "调度员", "操作员", "采购员", "质检员", "小伙子", "姑娘"}
    - {"总", "工", "董", "姐", "哥"}, key=len
))  # fmt: skip


def _chinese_contacts(text: str, floor: int, ours: set[str]) -> list[tuple[int, Contact]]:
    found: list[tuple[int, Contact]] = []
    taken: list[tuple[int, int]] = []
    for start in range(len(text)):
        match = _CHINESE_CONTACT.match(text, start)
        if match is None or any(s <= start < e for s, e in taken):
            continue
        surname, given, title = match.group("surname"), match.group("given"), match.group("title")
        name = match.group()
        if name in _NOT_CONTACTS or any(text.startswith(word, match.start("given")) for word in _SURNAME_WORDS_TO_SKIP):
            continue
        near = text[max(0, match.start() - 6) : match.start() + 1]
        if any(text.startswith(word, match.start()) or near.endswith(word) for word in DEPARTMENT_WORDS if len(word) > 1):
            continue  # 项目经理, 车队队长, 仓储主管: 项 / 车 / 储 start or end a department, not a surname
        if given and (not _plausible_given_name(given) or _WEEKDAY_SURNAME.match(surname + given)
                      or (surname + given).startswith(_WORDS_OPENING_WITH_A_SURNAME)):
            continue
        if any(given.startswith(word) or word.startswith(given) for word in DEPARTMENT_WORDS if given) or (
            match.start() > 0 and text[match.start() - 1 : match.start() + 1] in _WORDS_ENDING_IN_SURNAME
        ):
            continue  # 对方财务总监: 方 ends 对方, 财务 is a department; the role alone is found below
        if title in ("总", "工", "董", "姐", "哥", "处", "生") and given:
            continue  # 王建国总 is rare; 王小工 is noise
        following = text[match.end() : match.end() + 1]
        if title in _WORD_AFTER_SHORT_TITLE and following in _WORD_AFTER_SHORT_TITLE[title]:
            continue  # 李总结 / 刘工作 are words, not people
        if given and (given[0] in SURNAMES or surname in _FUNCTION_WORD_SURNAMES):
            continue  # 和陈先生: the person is 陈先生, found at the next position
        taken.append((match.start(), match.end()))
        department = _department_before(text, match.start(), floor)
        found.append((match.start(), Contact(name=name, title=title, department=department, surname=surname)))
    for match in (*_ROLE_THEN_FULL_NAME_ZH.finditer(text), *_FULL_NAME_THEN_ROLE_ZH.finditer(text),
                  *_DEPARTMENT_THEN_FULL_NAME_ZH.finditer(text), *_DEPARTMENT_WORD_THEN_FULL_NAME_ZH.finditer(text)):  # fmt: skip
        name = _full_name_said(text, match)
        if name is None or any(s < match.end() and match.start() < e for s, e in taken):
            continue
        surname = match.group("surname")
        found.append((match.start("name"), Contact(name=name, title=match.group("title") or None,
                                                   department=match.group("department"), surname=surname)))  # fmt: skip
        taken.append((match.start(), match.end()))
    for match in _ROLE_ONLY_ZH.finditer(text):
        suffix = next(suffix for suffix in ("", "2", "3") if match.group("title" + suffix))
        title_group, department_group = "title" + suffix, "department" + suffix
        title, department = match.group(title_group), match.group(department_group)
        if any(s < match.end() and match.start(title_group) < e for s, e in taken):
            continue
        if any(s == match.end() for s, _ in taken) or re.match(
            r"(?:\s?(?:叫|是|名叫)?\s?[A-Z][a-z]+|[小老]" + _SURNAME_PATTERN + ")", text[match.end() : match.end() + 12]
        ):
            continue  # 他们厂长雷总, 他们CTO Kevin: the person is named right after
        start = match.start(department_group) if department else match.start(title_group)
        role = re.sub(r"的$", "", text[start : match.start(title_group)]) + title  # 安全部负责人, 财务总监
        found.append((start, Contact(name=role, title=title, department=department)))
        taken.append((match.start(), match.end()))
    for match in _DEPARTMENT_SPEAKS.finditer(text):
        if not any(s <= match.start("department") < e for s, e in taken):
            department = match.group("department")
            found.append((match.start("department"), Contact(name=department, department=department)))
            taken.append((match.start("department"), match.end()))
    for match in _MRS_ZH.finditer(text):
        if not any(s <= match.start() < e for s, e in taken):
            found.append((match.start(), Contact(name=match.group(), title="太", surname=match.group("surname"))))
            taken.append((match.start(), match.end()))
    for match in _AH_NAME.finditer(text):  # 阿杰, 阿May: Cantonese and southern nicknames
        if any(s <= match.start() < e for s, e in taken) or match.group() in _AH_WORDS:
            continue
        found.append((match.start(), Contact(name=match.group())))
        taken.append((match.start(), match.end()))
    for match in _CALLED_ZH.finditer(text):
        if not any(s <= match.start("nickname") < e for s, e in taken):
            found.append((match.start("nickname"), Contact(name=match.group("nickname"))))
            taken.append((match.start("nickname"), match.end()))
    for match in _FAMILIAR.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        after_title = text[max(0, match.start() - 6) : match.start()].endswith(_NICKNAME_AFTER_TITLES + DEPARTMENT_WORDS)
        if match.start() > 0 and text[match.start() - 1] not in _FAMILIAR_AFTER and not after_title:
            continue  # 大小李 / 很老王: part of another word (IT总监老方, 站长老韩, 主管小蒋 are people)
        if match.group() in _FAMILIAR_WORDS and not re.search(r"[部处科室组]的?$", text[max(0, match.start() - 2) : match.start()]):
            continue  # 小于 is "less than", but 质检部小于 is a person
        if not after_title and not _FAMILIAR_FOLLOW.match(text[match.end() : match.end() + 4]):
            continue  # 小时 / 老板: ordinary words (厂长老钱中途过来 is a person whatever follows)
        name = match.group()
        found.append((match.start(), Contact(name=name, surname=match.group("surname"),
                                             department=_department_before(text, match.start(), floor))))  # fmt: skip
    ours.update(contact.name for start, contact in found if _said_as_ours(text, start))
    return found


def _full_name_said(text: str, match: re.Match[str]) -> str | None:
    """The full name in `match` (采购总监王磊说 → 王磊, 王建国说 → 王建国), or None when the characters after
    the title make an everyday word (总监马上, 经理曾经说) or run on into one."""
    start, end = match.start("name"), match.end("name")
    bracketed = match.end() > end
    surname = match.group("surname")
    if start > 0 and _is_an_everyday_word(text[start - 1 : start + 1]):
        return None  # 合规部门卡得很严: 部门 is one word, 门卡得 no name
    for length in (end - start, end - start - 1) if not bracketed else (end - start,):
        if length <= len(surname):
            continue
        name = text[start : start + length]
        if not bracketed and length > len(surname) + 1 and name[-1] in _AFTER_A_FULL_NAME:
            continue  # 刘洋都在: 都 is not his name
        following = text[start + length : start + length + 1]
        if not bracketed and following and following not in _AFTER_A_FULL_NAME and re.match(r"[\u4e00-\u9fff]", following):
            continue
        given = name[len(surname) :]
        if not _plausible_given_name(given) or name.startswith(_WORDS_OPENING_WITH_A_SURNAME) or given[0] in _AFTER_A_FULL_NAME:
            return None
        if any(_is_an_everyday_word(name[:size]) for size in range(2, len(name) + 1)):
            return None
        return name
    return None


def _is_an_everyday_word(word: str) -> bool:
    """A word in jieba's dictionary tagged as anything but a person's name (曾经, 马上, 周一; not 李娜)."""
    tag = _word_tags().get(word)
    return tag is not None and not tag.startswith("nr")


def warm_up() -> None:
    """Load jieba's word tags now (a few tenths of a second), not on the first note that names someone by role."""
    _word_tags()


@functools.lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.dt.word_tag_tab


def _plausible_given_name(given: str) -> bool:
    return not re.search(r"[的了是在和与跟说个们部门司科技处中心总经理嘅咗哋啲]", given)


_WEEKDAY_SURNAME = re.compile(r"周[一二三四五六日天末]")  # 上周五邓部长: 周 is a weekday here, not a surname


def _department_before(text: str, start: int, floor: int) -> str | None:
    before = text[max(0, floor if floor <= start else 0, start - 12) : start]
    match = _DEPARTMENT.search(before)
    if match:
        return match.group(1)
    return None


# English -------------------------------------------------------------------------------------

_EN_ROLE_THEN_NAME = re.compile(
    r"(?P<role>(?i:" + _ROLE_PHRASE + r"))(?:,)?\s+(?P<name>" + _NAME_EN + r")\b"
)
_EN_NAME_THEN_ROLE = re.compile(
    r"(?P<name>" + _NAME_EN + r"),?\s+(?i:the|their|our|who is (?:the|their)|,)\s*(?P<role>(?i:(?-i:[a-z]+\s+)?" + _ROLE_PHRASE + r"))\b"
)
# 佢上司Mr. Ho: no word boundary after a Chinese character; "K. Anong": an initial
# "Herr Dr. Schneider", "sir Paolo", "ate Marites": honorifics stack, and Filipino ones are written in lower case
_EN_HONORIFIC = re.compile(
    r"(?<![A-Za-z])(?P<honorific>(?:(?:" + _HONORIFIC + r"|(?-i:sir|ma'am|ate|kuya))\s+){0,2}(?:" + _HONORIFIC
    + r"|(?-i:sir|ma'am|ate|kuya)|[A-Z]\.))\s+(?P<name>" + _NAME_EN + r")"
)
_EN_NAME_FROM = re.compile(
    r"(?P<name>" + _NAME_EN + r")(?:\s+(?:from|in|of|at)\s+(?:the\s+|their\s+)?(?P<department>" + _EN_DEPARTMENT
    + r"|\S+(?=\s+team\b))|\s*\(\s*(?P<department2>(?i:" + _EN_DEPARTMENT + r"))\s*\))"  # "Rahul from their dev team", "Li Na (operations)"
)
_EN_AFTER_VERB = re.compile(
    r"\b(?i:met|meet|meeting|called|call|spoke (?:to|with)|talked (?:to|with)|emailed|email|saw|"
    r"(?:lunch|dinner|coffee|call|meeting|chat|chatted|chatting|sat down|caught up|catch-up|catch up|sync|yarn|beers) with|"
    r"ping|pinged|visited|contact|reached|w/)"
    r"\s*(?i:with\s+)?(?P<name>" + _NAME_EN + r")\b"
    # "his son Arjun", "her deputy Mei": a person named after who they are to someone there
    r"|\b(?i:his|her|their|a|an|the)\s+(?:(?i:young|old|new)\s+)?(?i:son|daughter|wife|husband|brother|sister|deputy|assistant|secretary|boss|"
    r"fella|guy|bloke|lad|chap|lady|gentleman)\s+(?:(?i:called|named)\s+)?(?P<name2>"
    + _NAME_EN + r")\b"
)
# "Sarah Lee, CFO of Initech", "Jane Park, VP Procurement, said…": a name, a comma, and who they are
_EN_NAME_COMMA_ROLE = re.compile(
    r"(?P<name>" + _NAME_EN + r"),\s+(?:the\s+|their\s+)?(?P<role>(?i:" + _ROLE_PHRASE + r"))"
    r"(?=\s+(?:of|at|from|for|with)\b|\s*[,.;:)]|\s*$)"
)
# "Tiff (warehouse supervisor)", "K. Anong (GM)": any capitalised name, with who they are in brackets
_EN_NAME_ROLE_BRACKETS = re.compile(
    r"(?<![A-Za-z'.-])(?P<name>" + _NAME_EN + r")\s*\(\s*(?P<role>(?i:(?-i:[a-z]+\s+)?" + _ROLE_PHRASE + r"))\s*\)"
)
# "walked Sipho and Emily through it": a capitalised word joined by "and" to a person already found
_EN_AND_BEFORE = re.compile(r"(?<![A-Za-z'.-])(?P<name>" + _CAP + r")\s+(?:and|&)\s+$")
_EN_AND_AFTER = re.compile(r"^\s+(?:and|&)\s+(?P<name>" + _CAP + r")(?![A-Za-z'-])")
# A first name on its own: "Kevin asked for an extension", "前厅经理 Amy 说", "IT的Jason"
_EN_GIVEN_NAME = re.compile(r"(?<![A-Za-z'&.-])(?P<name>[A-Z][a-z]{2,}(?:\s[A-Z][a-z]+)?)(?![A-Za-z&'-])")
# Japanese names with their honorific or title: "Kobayashi-san", "Kato Buchou"
_JAPANESE_NAME = re.compile(r"\b(?P<name>[A-Z][a-z]+(?:-(?:san|sama|sensei)|\s+(?:Buchou|Bucho|Kachou|Kacho|Shachou|Shacho|Senmu|Joumu)))\b")
# Chinese people named in pinyin: "Wang Zong", "Chen Gong", "Lao Zhang", "Xiao Fang"
_PINYIN_TITLES = ("Zong", "Gong", "Jingli", "Zhuren", "Chuzhang", "Laoshi", "Jie", "Ge", "Shifu")
_PINYIN_NAME = re.compile(r"\b(?P<name>(?:Lao|Xiao)\s+(?P<surname>[A-Z][a-z]+)|(?P<surname2>[A-Z][a-z]+)\s+(?:" + "|".join(_PINYIN_TITLES) + r"))\b")
# "Siti and their finance director", "Mere who does their books": a capitalised word beside a person
_EN_NAME_BESIDE = re.compile(
    r"\b(?P<name>(?-i:[A-Z][a-z]+))(?:\s+(?:and|&|\+)\s+(?:their|the|his|her)\s+(?=" + _ROLE_PHRASE + r"|[a-z]+\s+" + _ROLE_PHRASE
    + r")|\s+(?:who\s+)?(?:runs|handles|heads|manages|looks after)\s+(?:the|their|our)\b|\s+who\s+(?:does|is)\b)",
    re.IGNORECASE,
)
# "our presales engineer Tom", "my colleague Sarah", "Tom from our team": our own people, not the customer's
_OUR_SIDE_BEFORE_EN = re.compile(
    r"\b(?:our|my|(?<!her )(?<!his )(?<!their )colleagues?)\s+(?:[a-z-]+\s+){0,2}$|\b(?:our|my)\s+$", re.IGNORECASE
)  # "her colleague Joe" is theirs
_OUR_SIDE_AFTER_EN = re.compile(r"^,?\s+\(?(?:(?:from|of|on|in)\s+)?(?:our|my)\b", re.IGNORECASE)
# "the hub manager", "their risk officer": one plain word may say what the role is over; "our CFO" is ours
_ROLE_MODIFIER = (
    r"(?:(?!(?:new|old|former|current|same|other|whole|entire|own|main|key|top|big|real|actual|very)\b)(?-i:[a-z]+)\s+)?"
)
_EN_ROLE_ALONE = re.compile(
    r"\b(?:the|their|its|his|her)\s+(?:(?:new|current|former|acting|interim)\s+)?(?P<role>" + _ROLE_MODIFIER
    + _ROLE_PHRASE + r")\b(?!\s+(?:" + _EN_DEPARTMENT + r"\s+)?(?-i:[A-Z][a-z]))",  # "the plant manager Mr. Wu", "their VP engineering Samantha"
    re.IGNORECASE,
)
_EN_POSSESSIVE_ROLE = re.compile(r"'s\s+(?P<role>" + _ROLE_PHRASE + r")\b(?!\s+[A-Z][a-z])")
# 天機航空嘅 station manager, 同州保險嘅 operations head: an English role after a Chinese possessive
_EN_ROLE_AFTER_ZH = re.compile(
    r"(?:的|嘅)\s*(?P<role>(?-i:[a-z]+\s+)?(?i:" + _ROLE_PHRASE + r"))\b(?!\s*(?:[A-Z][a-z]|叫|是|名叫))"
)
# "the Acme CFO", "their Globex procurement manager": a company name between the article and the role
_EN_COMPANY_ROLE = re.compile(
    r"\b(?i:the|their|our)\s+(?:[A-Z][\w&'-]*\s+){1,3}(?P<role>(?i:" + _ROLE_PHRASE + r"))\b(?!\s+[A-Z][a-z])"
)


# After a possessive: a role or a department, so the owner is an organisation ("Acme's CFO", "Initech's head of IT")
_ROLE_OF_OWNER = re.compile(
    r"\s+(?:new\s+|former\s+)?(?:" + "|".join(re.escape(word) for word in (*ROLES_EN, *_EN_DEPARTMENTS)) + r")\b",
    re.IGNORECASE,
)


def _english_contacts(text: str, excluded_words: set[str], ours: set[str]) -> list[tuple[int, Contact]]:
    if not re.search(r"[A-Za-z]", text):
        return []
    found: list[tuple[int, Contact]] = []
    named_spans: list[tuple[int, int]] = []

    def usable(name: str) -> str | None:
        words = name.split()
        if len(words) > 1 and re.search(r"['’]s$", words[0]):  # "Huaxin's Wang": the person is Wang
            words = words[1:]
        if words and re.search(r"['’]s$", words[-1]):  # "Sarah's assistant": Sarah; "Acme's CFO": no one
            words[-1] = words[-1][:-2]
        while words and (words[-1] in _EN_STOPWORDS or words[-1].lower() in excluded_words
                         or words[-1].lower() in _ROLE_WORDS_LOWER):
            words.pop()  # fmt: skip
        if not words or words[0] in _EN_STOPWORDS or words[0].lower() in excluded_words:
            return None
        if words[0].lower() in _ROLE_WORDS_LOWER or words[0].lower() in _EN_DEPARTMENTS_LOWER:
            return None  # "VP Operations": a department, not a name
        return " ".join(words)

    for match in _EN_HONORIFIC.finditer(text):
        name = usable(match.group("name"))
        if match.group("honorific") == "Chief" and name != match.group("name"):
            continue  # "Chief Financial Officer": a role, not Chief Okafor
        if name:
            honorific = match.group("honorific")
            department = _english_department_after(text, match.end())
            surname = name.split()[-1]
            contact = Contact(name=f"{honorific} {name}", surname=surname, department=department)
            found.append((match.start(), contact))
            named_spans.append((match.start(), match.end()))
    for match in (*_EN_ROLE_THEN_NAME.finditer(text), *_EN_NAME_ROLE_BRACKETS.finditer(text)):  # "CFO Sarah", "Tiff (GM)"
        name = usable(match.group("name"))
        if not name or _inside(match.start("name"), named_spans):
            continue
        role = _clean_role(match.group("role"))
        found.append((match.start("name"), Contact(name=name, title=role, department=_department_of_role(role))))
        named_spans.append((match.start(), match.end()))
    for match in (*_EN_NAME_THEN_ROLE.finditer(text), *_EN_NAME_COMMA_ROLE.finditer(text)):
        raw_name = match.group("name")
        if not raw_name[0].isupper():
            continue
        name = usable(raw_name)
        if not name or _inside(match.start("name"), named_spans):
            continue
        role = _clean_role(match.group("role"))
        found.append((match.start("name"), Contact(name=name, title=role, department=_department_of_role(role))))
        named_spans.append((match.start(), match.end()))
    for match in _EN_NAME_FROM.finditer(text):
        name = usable(match.group("name"))
        if not name or _inside(match.start("name"), named_spans):
            continue
        department = match.group("department") or match.group("department2")
        found.append((match.start("name"), Contact(name=name, department=department)))
        named_spans.append((match.start(), match.end()))
    for match in _EN_AFTER_VERB.finditer(text):
        group = "name" if match.group("name") else "name2"
        raw_name = match.group(group)
        if not raw_name[0].isupper():
            continue
        name = usable(raw_name)
        if not name or _inside(match.start(group), named_spans) or _is_company_word(text, match.start(group)):
            continue
        if (re.search(r"['’]s$", raw_name) and name.split()[0] not in _given_names()
                and _ROLE_OF_OWNER.match(text, match.end(group))):
            continue  # "met Northwind's procurement lead": a company's role, said before the person
        found.append((match.start(group), Contact(name=name, department=_english_department_after(text, match.end()))))
        named_spans.append((match.start(group), match.end()))
    for match in _JAPANESE_NAME.finditer(text):
        if not _inside(match.start(), named_spans):
            found.append((match.start(), Contact(name=match.group("name"), surname=match.group("name").split("-")[0].split()[0])))
            named_spans.append((match.start(), match.end()))
    for match in _PINYIN_NAME.finditer(text):
        surname = match.group("surname") or match.group("surname2")
        if surname in _pinyin_surnames() and not _inside(match.start(), named_spans):
            found.append((match.start(), Contact(name=match.group("name"), surname=surname)))
            named_spans.append((match.start(), match.end()))
    for match in _EN_NAME_BESIDE.finditer(text):
        name = usable(match.group("name"))
        if name and not _inside(match.start("name"), named_spans) and not _is_company_word(text, match.start("name")):
            found.append((match.start("name"), Contact(name=name)))
            named_spans.append((match.start("name"), match.end("name")))
    for match in _EN_GIVEN_NAME.finditer(text):
        first = match.group("name").split()[0]
        if first not in _given_names() or _inside(match.start("name"), named_spans):
            continue
        name = usable(match.group("name"))
        if not name or _is_company_word(text, match.start("name")):
            continue
        role = re.match(r"\s*\((" + _ROLE_PHRASE + r")\)", text[match.end() :], re.IGNORECASE)  # "Sarah (CFO)"
        title = _clean_role(role.group(1)) if role else None
        department = _department_of_role(title) if title else _english_department_after(text, match.end())
        found.append((match.start("name"), Contact(name=name, title=title, department=department)))
        named_spans.append((match.start("name"), match.end() + (role.end() if role else 0)))
    for start, contact in list(found):
        partner = _EN_AND_BEFORE.search(text[max(0, start - 30) : start])
        partner_start = start - len(partner.group()) if partner else None
        if partner is None:
            partner = _EN_AND_AFTER.match(text[start + len(contact.name) : start + len(contact.name) + 30])
            partner_start = start + len(contact.name) + partner.start("name") if partner else None
        if partner is None or partner_start is None or _inside(partner_start, named_spans):
            continue
        name = usable(partner.group("name"))
        if name == partner.group("name") and not _is_company_word(text, partner_start) and name.lower() not in _EN_DEPARTMENTS_LOWER:
            found.append((partner_start, Contact(name=name)))
            named_spans.append((partner_start, partner_start + len(name)))
    # 我让我们法务 Jason 寄过去, 我哋 account manager Karen: ours at every mention
    ours.update(contact.name for start, contact in found if _said_as_ours(text, start))
    found = [
        (start, contact) for start, contact in found
        if not _OUR_SIDE_BEFORE_EN.search(text[max(0, start - 40) : start])  # "our presales engineer Tom": this mention
        and not _OUR_SIDE_AFTER_EN.match(text[start + len(contact.name) : start + len(contact.name) + 40])
        and not _a_place(text, start, start + len(contact.name), contact.name)
    ]  # fmt: skip
    for pattern in (_EN_ROLE_ALONE, _EN_POSSESSIVE_ROLE, _EN_COMPANY_ROLE, _EN_ROLE_AFTER_ZH):
        for match in pattern.finditer(text):
            if _inside(match.start("role"), named_spans) or _near(match.start("role"), named_spans):
                continue
            if any(end <= match.start() and re.fullmatch(r",?\s*(?:(?:he|she)(?:\s+is|'s)\s*)?|[^.;]{0,40}?,\s*(?:he|she)(?:\s+is|'s)\s*",
                                                         text[end : match.start()], re.IGNORECASE)
                   for _, end in named_spans):  # fmt: skip
                continue  # "Mr. Wong the plant manager": who Mr. Wong is, not another person
            role = _clean_role(match.group("role"))
            if role.lower() in ("head", "lead", "owner", "partner", "executive", "admin", "assistant", "president"):
                continue
            if role.endswith("s") and role.split()[-1][:-1].lower() in _ROLE_WORDS_LOWER:
                continue  # "the engineers liked it": a group, not a contact
            if any(other.title == other.name and other.name.lower().endswith(" " + role.lower()) for _, other in found):
                continue  # "their site controller … the controller": the same person again
            found.append((match.start("role"), Contact(name=role, title=role, department=_department_of_role(role))))
            named_spans.append((match.start("role"), match.end()))
    return found


_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|around|into|via|across|outside)\s+(?:the\s+)?$", re.IGNORECASE)
_PLACE_AFTER = re.compile(
    r"^['’]?s?\s+(?:office|plant|site|branch|hq|headquarters|store|shop|factory|campus|warehouse|hub|centre|center|"
    r"mall|port|airport|station|district|park|tower|building|road|street)s?\b",
    re.IGNORECASE,
)


def _a_place(text: str, start: int, end: int, name: str) -> bool:
    """"here in Singapore", "their Marina Bay office": a place, not a person (Mr. Tan in IT is a person)."""
    if re.match(_HONORIFIC + r"\s", name):
        return False
    return bool(_PLACE_BEFORE.search(text[max(0, start - 12) : start]) or _PLACE_AFTER.match(text[end : end + 40]))


def _clean_role(role: str) -> str:
    role = role.strip()
    if role.isupper() or len(role) <= 4:
        return role.upper() if role.lower() in {r.lower() for r in ROLES_EN if r.isupper()} else role
    return role


def _department_of_role(role: str) -> str | None:
    match = re.search(_EN_DEPARTMENT, role, re.IGNORECASE)
    return match.group() if match else None


def _english_department_after(text: str, end: int) -> str | None:
    match = re.match(r"\s+(?:from|in|of)\s+(?:the\s+)?(" + _EN_DEPARTMENT + r")\b", text[end : end + 40])
    return match.group(1) if match else None


_COMPANY_WORDS = "|".join(sorted({suffix.capitalize() for suffix in COMPANY_SUFFIXES_EN} | {
    "Textiles", "Foods", "Food", "Insurance", "Energy", "Electric", "Electronics", "Motors", "Auto", "Hotels", "Hotel",
    "Manufacturing", "Chemicals", "Steel", "Mining", "Retail", "Airways", "Shipping", "Paper", "Printing", "Environmental",
    "Agriculture", "Education", "Construction", "Pharmaceutical", "Healthcare", "Hospital", "Telecom", "Power",
    "Glove", "Gloves", "Sdn", "Bhd", "Pte", "Pty", "Tbk", "Supplies", "Supply", "Marine",
}, key=len, reverse=True))  # fmt: skip


def _is_company_word(text: str, start: int) -> bool:
    after = text[start : start + 80]
    return bool(re.match(r"[A-Z][a-z]+\s+(?:" + _COMPANY_WORDS + r")\b", after))


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _near(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(abs(position - end) <= 2 or abs(position - start) <= 2 for start, end in spans)
