"""Realistic demo people for a district CPPCC: the reference data and ~200 members.
Deterministic and idempotent: running it again changes nothing."""

import random

from django.db import transaction

from lianxin_site.cache import clear_public_cache_once

from .models import Member, Party, Post, Sector, Side, SpecialCommittee, StreetGroup, StreetGroupPosition

# 专委会, its working office, and the sectors it contacts (专委会联系界别).
COMMITTEES = [
    ("提案委员会", "专委会工作一室", ["特邀人士", "无党派人士"]),
    ("经济委员会", "专委会工作二室", ["经济界", "工商联", "农业界"]),
    ("城市建设和管理委员会", "专委会工作三室", ["科技界", "工会"]),
    ("教科文卫体委员会", "专委会工作四室", ["教育界", "文化艺术界", "医药卫生界", "体育界", "新闻出版界"]),
    ("社会和法制委员会", "专委会工作五室", ["社会福利和社会保障界", "妇联", "共青团", "青联"]),
    ("文史和学习委员会", "专委会工作六室", ["社会科学界", "少数民族和宗教界"]),
]
PARTIES = ["中国共产党", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"]
# Dongcheng's 17 streets, one 委员街道活动小组 each (seed 003, annex 2).
STREETS = [
    "东华门",
    "景山",
    "交道口",
    "安定门",
    "北新桥",
    "东四",
    "朝阳门",
    "建国门",
    "东直门",
    "和平里",
    "前门",
    "崇文门外",
    "东花市",
    "龙潭",
    "体育馆路",
    "天坛",
    "永定门外",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩凯欣悦思雨晨瑞博宁佳雪琳慧晓峰海波志国庆春燕云"
EMPLOYERS = {
    "教育界": ["区第一中学 校长", "区实验小学 副校长", "北京市第五十五中学 教师", "区教师进修学校 教研员"],
    "医药卫生界": ["区人民医院 副院长", "区中医医院 主任医师", "区疾病预防控制中心 副主任", "社区卫生服务中心 主任"],
    "经济界": ["区属国有资产经营公司 总经理", "某银行东城支行 行长", "某会计师事务所 合伙人"],
    "工商联": ["某商贸有限公司 董事长", "某餐饮连锁企业 总经理", "区商会 副会长"],
    "科技界": ["某科技股份有限公司 总工程师", "某研究院 研究员", "区科学技术协会 副主席"],
    "文化艺术界": ["区文化馆 馆长", "某剧院 演员", "区图书馆 副馆长", "某画院 画家"],
    "社会科学界": ["某大学 教授", "区委党校 副校长", "某研究所 副研究员"],
    "新闻出版界": ["区融媒体中心 主任", "某出版社 编审", "某报社 记者"],
    "体育界": ["区体育运动学校 校长", "区全民健身中心 主任"],
    "农业界": ["某农业合作社 理事长", "区农业服务中心 高级农艺师"],
    "工会": ["区总工会 副主席", "某企业工会 主席"],
    "妇联": ["区妇女联合会 副主席", "某社区 党委书记"],
    "共青团": ["团区委 副书记", "某中学 团委书记"],
    "青联": ["区青年联合会 副主席", "某青年创业企业 创始人"],
    "社会福利和社会保障界": ["区养老服务指导中心 主任", "区残疾人联合会 理事长", "某社会工作事务所 所长"],
    "少数民族和宗教界": ["区民族联合会 副会长", "某清真寺 教长"],
    "特邀人士": ["区律师协会 会长", "某律师事务所 主任", "区人民调解委员会 委员"],
    "无党派人士": ["某大学 副教授", "某设计院 总设计师"],
}
SPECIALTIES = {
    "教育界": "基础教育、课后服务",
    "医药卫生界": "基层医疗、健康科普",
    "经济界": "金融服务、企业管理",
    "工商联": "民营经济、商户服务",
    "科技界": "科技创新、科普宣传",
    "文化艺术界": "群众文化、非遗传承",
    "社会科学界": "基层治理研究",
    "新闻出版界": "融媒体传播",
    "体育界": "全民健身",
    "农业界": "都市农业",
    "工会": "职工权益",
    "妇联": "妇女儿童权益、家庭教育",
    "共青团": "青少年成长",
    "青联": "青年创业",
    "社会福利和社会保障界": "养老服务、助残服务",
    "少数民族和宗教界": "民族团结",
    "特邀人士": "法律咨询、人民调解",
    "无党派人士": "城市规划、建筑设计",
}
SECTORS = [name for _, _, sectors in COMMITTEES for name in sectors]
MEMBER_COUNT = 200


@transaction.atomic
def seed_reference_data():
    committees = {}
    for order, (name, office, _) in enumerate(COMMITTEES, start=1):
        committees[name], _created = SpecialCommittee.objects.update_or_create(
            name=name, defaults={"office": office, "sort_order": order}
        )
    order = 0
    for name, _office, sectors in COMMITTEES:
        for sector in sectors:
            order += 1
            Sector.objects.update_or_create(
                name=sector, defaults={"contact_committee": committees[name], "sort_order": order}
            )
    for order, name in enumerate(PARTIES, start=1):
        Party.objects.update_or_create(name=name, defaults={"sort_order": order})
    committee_list = list(committees.values())
    for order, street in enumerate(STREETS, start=1):
        group, _created = StreetGroup.objects.update_or_create(
            name=f"{street}街道活动小组",
            defaults={
                "street": f"{street}街道",
                "sort_order": order,
                "committee": committee_list[(order - 1) % len(committee_list)],
                "incomplete": False,
            },
        )
        for (post, side), title in street_group_posts(street).items():
            StreetGroupPosition.objects.update_or_create(
                group=group,
                post=post,
                side=side,
                defaults={"name": f"{street}{Post(post).label}{'甲' if side == Side.CPPCC else '乙'}", "title": title},
            )


def street_group_posts(street):
    """双组长、双副组长、双联络员 of a demo street group: {(post, side): 单位及职务}."""
    return {
        (Post.LEADER, Side.CPPCC): "区政协委（室）主任",
        (Post.LEADER, Side.STREET): f"{street}街道工委书记",
        (Post.DEPUTY, Side.CPPCC): "区政协委（室）副主任",
        (Post.DEPUTY, Side.STREET): f"{street}街道办事处副主任",
        (Post.LIAISON, Side.CPPCC): "政协委室干部",
        (Post.LIAISON, Side.STREET): f"{street}街道统战干部",
    }


def demo_member_rows(count=MEMBER_COUNT, seed=2026):
    """Deterministic roster rows, keyed by 委员证号, in the import's own terms."""
    rng = random.Random(seed)
    committees = {sector: name for name, _, sectors in COMMITTEES for sector in sectors}
    rows = []
    used_names = set()
    for number in range(1, count + 1):
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            if name not in used_names:
                used_names.add(name)
                break
        sector = SECTORS[(number - 1) % len(SECTORS)]
        rows.append(
            {
                "code": f"14{number:03d}",
                "name": name,
                "gender": rng.choice([Member.Gender.MALE, Member.Gender.FEMALE]),
                "sector": sector,
                "party": rng.choice(PARTIES[1:] + [None] * 4 + ["中国共产党"] * 3),
                "committee": committees[sector],
                "employer_title": rng.choice(EMPLOYERS[sector]),
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "is_standing": number % 6 == 1,
                "street_group": f"{STREETS[(number - 1) % len(STREETS)]}街道活动小组",
            }
        )
    return rows


@transaction.atomic
def seed_members(count=MEMBER_COUNT):
    with clear_public_cache_once():  # each member's save asks for a clear
        _seed_members(count)


def _seed_members(count):
    sectors = Sector.objects.by_name()
    parties = Party.objects.by_name()
    committees = SpecialCommittee.objects.by_name()
    groups = StreetGroup.objects.by_name()
    for row in demo_member_rows(count):
        Member.objects.update_or_create(
            code=row["code"],
            defaults={
                **row,
                "sector": sectors[row["sector"]],
                "party": parties.get(row["party"]),
                "committee": committees[row["committee"]],
                "street_group": groups[row["street_group"]],
                "specialties": SPECIALTIES[row["sector"]],
            },
        )
