"""Contacts: surname + title in Chinese, names and roles in English."""

import pytest

from crm.parsing.contacts import find_contacts, find_people


def names(text, **kwargs):
    return [(c.name, c.title, c.department) for c in find_contacts(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("见了采购部王经理", [("王经理", "经理", "采购部")]),
        ("李总 刘工 张主任 周处长 钱总监", [("李总", "总", None), ("刘工", "工", None), ("张主任", "主任", None),
                                            ("周处长", "处长", None), ("钱总监", "总监", None)]),
        ("周女士和陈先生", [("周女士", "女士", None), ("陈先生", "先生", None)]),
        ("赵老师 孙部长", [("赵老师", "老师", None), ("孙部长", "部长", None)]),
        ("IT部门的张主任", [("张主任", "主任", "IT部门")]),
        ("财务的李总说", [("李总", "总", "财务")]),
        ("天际航空信息中心周处长", [("周处长", "处长", "信息中心")]),
        ("欧阳经理", [("欧阳经理", "经理", None)]),
        ("小王说下周给答复", [("小王", None, None)]),
    ],
)  # fmt: skip
def test_chinese(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text", ["总经理办公室的人说经理不在", "李总结了一下", "刘工作很忙", "老板觉得太贵", "施工队下周进场", "一个小时后"]
)
def test_chinese_non_contacts(text):
    assert names(text) == []


def test_customer_name_is_not_a_department():
    assert names("跟远大物流的李总吃饭", skip_span=(1, 5)) == [("李总", "总", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("met Acme Corp's CFO Sarah today", [("Sarah", "CFO", None)]),
        ("John from IT wants a demo", [("John", None, "IT")]),
        ("their procurement manager Mike said no", [("Mike", "procurement manager", "procurement")]),
        ("the CFO is worried about price", [("CFO", "CFO", None)]),
        ("spoke with Mr. Sun in IT", [("Mr. Sun", None, "IT")]),
        ("met with Sarah Lee, the CFO, and David from procurement",
         [("Sarah Lee", "CFO", None), ("David", None, "procurement")]),
    ],
)  # fmt: skip
def test_english(text, expected):
    assert names(text, exclude=["Acme Corp"]) == expected


def test_english_surname_is_kept():
    [contact] = find_contacts("spoke with Mr. Sun in IT")
    assert contact.surname == "Sun"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Acme CFO said the budget is frozen", [("CFO", "CFO", None)]),
        ("call their CIO tomorrow", [("CIO", "CIO", None)]),
        ("对方财务总监说再等等", [("财务总监", "总监", "财务")]),
        ("客户的采购经理下周来", [("采购经理", "经理", "采购")]),
        ("见了对方王总", [("王总", "总", None)]),
    ],
)  # fmt: skip
def test_contacts_named_only_by_role(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # nicknames after a role, a department or 的
        ("刘总出差了 跟他秘书小张聊了几句", ["刘总", "小张"]),
        ("见了黄经理 和 仓储的小刘", ["黄经理", "小刘"]),
        ("理赔中心的邵主任+她手下小樊", ["邵主任", "小樊"]),
        ("仓储主管冯姐、信息部小欧", ["冯姐", "小欧"]),
        ("大家都叫她芳姐", ["芳姐"]),
        ("厂长姓罗 罗厂长说", ["罗厂长"]),
        # a role said right before the person's name is that person
        ("他们厂长雷总今天不在", ["雷总"]),
        ("他们CTO Kevin 还有产品线的 Linda 都在", ["Kevin", "Linda"]),
        ("第一次见他们技术总监 姓邹 邹总监说", ["邹总监"]),
        # a role alone keeps its department as said
        ("但他们安全部负责人要求先做渗透测试", ["安全部负责人"]),
        ("还有调度主管 聊了一下", ["调度主管"]),
        # Traditional characters: read, and kept as said
        ("見了資訊部的黃經理和他們的合規主管", ["黃經理", "合規主管"]),
        # English first names on their own, in English and in Chinese notes
        ("trial going well Kevin asked for an extension", ["Kevin"]),
        ("前厅经理 Amy 说 价格没问题", ["Amy"]),
        ("跟IT的Jason 和他们CIO 吃了个饭", ["Jason", "CIO"]),
        ("Wendy and her boss Mr. Zhang loved the demo", ["Wendy", "Mr. Zhang"]),
        ("met Ms. Liu and Captain Zhou", ["Ms. Liu", "Captain Zhou"]),
        ("met the owner Mr. Reddy and his son Arjun", ["Mr. Reddy", "Arjun"]),
        ("met Priya and Rahul from their dev team", ["Priya", "Rahul"]),
        ("Present: Li Na (operations) and their IT coordinator", ["Li Na", "IT coordinator"]),
        ("Helen Wu (Head of Trading Tech) and their risk officer; Helen is satisfied", ["Helen Wu", "risk officer"]),
        ("spoke with Mr. Dela Cruz and the hub manager", ["Mr. Dela Cruz", "hub manager"]),
        ("met the plant manager Mr. Wu and procurement lead Jenny", ["Mr. Wu", "Jenny"]),
        ("Dr. Hollis (VP Operations) joined", ["Dr. Hollis"]),
        # a role said beside the name is who that person is
        ("went with uh Mr. Wong the plant manager and Siti from purchasing", ["Mr. Wong", "Siti"]),
        ("spent the afternoon with their VP engineering Samantha and uh Raj their security architect", ["Samantha", "Raj"]),
        ("见了他们的 CTO 叫 Eric 还有采购的黄小姐", ["Eric", "黄小姐"]),
        # nicknames after a title, and role-only people after 的
        ("见了他们的 IT 总监老方 还有运维的小秦", ["老方", "小秦"]),
        ("苗主任的副手小宁说两周后再测", ["苗主任", "小宁"]),
        ("中午跟恒同电子的采购总监吃饭 还有他们采购部的小梅", ["采购总监", "小梅"]),
        # places are not people
        ("came out of Globex at their Marina Bay office met Priya", ["Priya"]),
        ("lunch with the team here in Singapore, their head of trading Marcus", ["Marcus"]),
        # pinyin names and titles, Malay/Indonesian and Gulf honorifics, names beside a role
        ("caught Wang Zong and Chen Gong at their office", ["Wang Zong", "Chen Gong"]),
        ("Ms. Qian plus Xiao Fang from claims", ["Ms. Qian", "Xiao Fang"]),
        ("Pak Agus was out so I sat w/ Mbak Yuli from admin", ["Pak Agus", "Mbak Yuli"]),
        ("Eng. Khalid, their site engineer, sat in", ["Eng. Khalid"]),
        ("Siti and their finance director were both there", ["Siti", "finance director"]),
        ("Tama (head winemaker) and Mere who does their books", ["Tama", "Mere"]),
        ("见了科技部的邹处 还有采购的小孙", ["邹处", "小孙"]),
        ("中午在食堂跟周场长边吃边聊", ["周场长"]),
        ("Mr. Zhou the station manager plus their head of ground ops", ["Mr. Zhou", "head of ground ops"]),
        ("郑总说方案可以 但是他们CISO那关不好过", ["郑总", "CISO"]),
        # Cantonese, Malaysian and Australian ways of naming people
        ("见到佢哋IT主管黄生 同埋行政嘅阿May 黄生话", ["黄生", "阿May"]),
        ("见了陆总还有调度员阿珍 陆总讲话很直", ["陆总", "阿珍"]),
        ("met Mr. Lim the regional IT manager and his fella Ah Keong who handle the POS", ["Mr. Lim", "Ah Keong"]),
        ("Mr. Gan from their service centre and Uncle Chong the workshop supervisor", ["Mr. Gan", "Uncle Chong"]),
        ("Had a yarn with Bazza at the warehouse, plus their head of quality came along", ["Bazza", "head of quality"]),
        ("Macca runs the ramp crew and Mrs. Papadopoulos looks after their budget", ["Macca", "Mrs. Papadopoulos"]),
        ("Jonno from the 采购 team and their CFO", ["Jonno", "CFO"]),
        ("Meet Mr. Duc, he is the purchasing manager, and Linh from warehouse team.", ["Mr. Duc", "Linh"]),
        ("Mr. Teoh the plant director and Kumar the maintenance lead both there", ["Mr. Teoh", "Kumar"]),
        ("厂长老钱中途过来坐了二十分钟", ["老钱"]),
        ("见了农科长 还有他们的总工", ["农科长", "总工"]),
        # roles said bare after a pause or after 见的, and the department's own people
        ("见了厂长老黄 仓库主管也在场", ["老黄", "仓库主管"]),
        ("另一路见的是品质经理", ["品质经理"]),
        ("还有他们运营VP 也来了", ["运营VP"]),
        ("对方说没问题 他们财务说要走流程", ["财务"]),
        ("见了吕经理 还有采购小彭", ["吕经理", "小彭"]),
        ("车间老师傅用不惯 车间主任说再培训一次", ["车间主任"]),
        ("主管副总 乔总 也来了", ["乔总"]),
        ("見咗工程部嘅陳太同埋何生", ["陳太", "何生"]),
        # honorifics and names from more places, letters beyond ASCII, a name between brackets
        ("Sat down with Khun Somchai and the finance manager", ["Khun Somchai", "finance manager"]),
        ("the chairman Chief Adeyemi was away", ["Chief Adeyemi"]),
        ("met K. Anong (GM) this morning", ["K. Anong"]),
        ("Ms. Wójcik and Łukasz from logistics", ["Ms. Wójcik", "Łukasz"]),
        ("佢上司Mr. Ho覺得太貴", ["Mr. Ho"]),
        ("Tiff (warehouse supervisor) showed us round", ["Tiff"]),
        ("I spoke with Radek, he is IT manager", ["Radek"]),
        ("walked Sipho and Emily through it", ["Sipho", "Emily"]),
        ("Section Leader Park will join next time", ["Park"]),
        ("their site controller said fine, the controller wants a copy", ["site controller"]),
        ("见了田总+质检部小于", ["田总", "小于"]),
        ("跟資訊部的吳協理還有採購的蔡課長開會", ["吳協理", "蔡課長"]),
        ("met Mr. Rao and Divya from purchase", ["Mr. Rao", "Divya"]),
        ("还有个技术员小谭 和他们那个小伙子小普", ["小谭", "小普"]),
        ("见了他们的储运科长", ["储运科长"]),
        ("meeting with their MD next week", ["MD"]),
        ("上周五邓部长那边盖的章", ["邓部长"]),
        ("met Herr Dr. Brandt and Frau Vogt from IT", ["Herr Dr. Brandt", "Frau Vogt"]),
        ("met sir Nonoy and ate Rowena po", ["sir Nonoy", "ate Rowena"]),
        ("met Mr. Al-Harbi the GM", ["Mr. Al-Harbi"]),
        ("chatted with Mere Walker and a young fella Rangi", ["Mere Walker", "Rangi"]),
        ("见了维修的江师傅 还有林阿伯", ["江师傅", "林阿伯"]),
        ("见了机务部的洪机长", ["洪机长"]),
        ("met Sipho from claims, he's the ops head, all fine", ["Sipho"]),
        ("見咗德昌嘅老闆何生 同佢哋 IT 嘅 Kelvin", ["何生", "Kelvin"]),
        ("met Yamada-san and Sato Kachou at the plant", ["Yamada-san", "Sato Kachou"]),
        ("met Seu Jorge and Dona Rita from finance", ["Seu Jorge", "Dona Rita"]),
        ("met Anh Tuấn and Chị Hoa", ["Anh Tuấn", "Chị Hoa"]),
        ("coffee with Ewan MacLeod, a German rival was mentioned", ["Ewan MacLeod"]),
        ("met Aoife and her colleague Joe; Joe liked it", ["Aoife", "Joe"]),
        ("同州保險嘅 operations head 同埋 IT 嘅阿Ken 阿Ken話 Ken 會跟", ["operations head", "阿Ken"]),
        ("他们也想找我们 老包说价格可以", ["老包"]),
    ],
)  # fmt: skip
def test_contacts_as_reps_name_them(text, expected):
    assert [contact.name for contact in find_contacts(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "同事小王说下周去", "我们的王经理陪我去的", "我们技术部的张工也去了", "今天跟我们部门的孔经理一起去了",
        "我让我们法务 Jason 周五之前寄过去", "went with our presales engineer Tom", "Tom from our team joined",
        "call with our regional head on Monday", "Will send the quote by May 5", "Christmas Eve party at 7pm",
        "Sydney office visit went well", "visited Kaveri Textiles in Peenya", "小区的门卫说", "他们的老师说",
        "Frank (my boss) came along", "我们大区的孙经理也去了", "他们处理得很快", "跟我们组刘姐一起去了", "阿姨说", "他们生产部",
        "这个太贵了", "Visited Sunrise Glove Sdn Bhd at Bayan Lepas",
        "跟售前刘工一起去的", "我们大区经理老林跟我一起去的", "我方同行：销售总监郭总", "拉了我们 IT 的 Kevin 一起看",
        "the operators liked it", "the heaters are fine", "Chief Financial Officer on leave",
        "带上咱公司的老周", "我们厂里生产部的刘姐说", "由于主任不在", "Sir, we need a quote",
        "我哋 team 嘅 Ivan 會 join", "我哋 account manager Karen 會跟", "跟我们产品经理小叶一起去的 小叶说有货",
        "我们下周一安排工程师进场", "安装工程师下午到",  # 安排 and 安装 are verbs, not 安 the surname
    ],
)  # fmt: skip
def test_our_people_and_words_are_not_contacts(text):
    assert find_contacts(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Met Acme's procurement lead, Tom. He asked for a discount", ["Tom"]),
        ("met Acme's CFO Linda today", ["Linda"]),
        ("spoke with Initech's head of IT, Raj", ["Raj"]),
        ("called Sarah's assistant at Globex", ["Sarah"]),
        ("met Northwind's CFO today", ["CFO"]),  # a company not on file, named before its role
        ("Called Huaxin's Wang, he's on leave", ["Wang"]),
    ],
)
def test_a_companys_possessive_is_not_a_person(text, expected):
    assert [c.name for c in find_people(text, exclude=["Acme Corp", "Initech Systems", "Globex Corporation"]).contacts] == expected



@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("见了华信科技采购总监王磊", [("王磊", "总监", "采购")]),
        ("华信科技：王磊（采购总监）说下周定", [("王磊", "总监", "采购")]),
        ("见了王建国(IT经理)，他说下周定", [("王建国", "经理", "IT")]),
        ("采购经理张伟和技术总监刘洋都在", [("张伟", "经理", "采购"), ("刘洋", "总监", "技术")]),
        ("他们CIO王磊说预算没问题", [("王磊", "CIO", None)]),
        ("今天见了远大物流采购部李娜，她说预算还没批", [("李娜", None, "采购部")]),
        ("信息中心的王建国说下周定", [("王建国", None, "信息中心")]),
        ("恒通电子的采购王磊说我们的交货太慢了", [("王磊", None, "采购")]),
        ("北辰软件新来的CTO叫陈晓明，技术出身", [("陈晓明", "CTO", None)]),
        ("他们的CTO是王磊吗", [("王磊", "CTO", None)]),
        ("Met Jane Park (VP Procurement) at Acme", [("Jane Park", "VP Procurement", "Procurement")]),
        ("Lunch with Sarah Lee, CFO of Initech. They renewed", [("Sarah Lee", "CFO", None)]),
        ("Met Jane Park, VP Procurement, at Acme.", [("Jane Park", "VP Procurement", "Procurement")]),
        ("met Tom, CFO Sarah and Bill", [("Tom", None, None), ("Sarah", "CFO", None), ("Bill", None, None)]),
    ],
)
def test_a_full_name_beside_the_role_that_says_who_they_are(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text", ["技术总监马上就到", "项目经理曾经说过", "采购经理周一来", "采购经理安排下周演示", "总经理高兴地说",
             "说合规部门卡得很严", "技术部马上安排", "采购部周一开会"]
)
def test_words_after_a_role_that_open_with_a_surname_are_not_its_name(text):
    assert all(title is None or name.endswith(title) for name, title, _ in names(text))
