"""Demo public content: ~30 stories, 15 workstations with a plan and 动态 posts across the
year, and generated images (drawn here, nothing downloaded). Idempotent."""

import datetime
import io
import random

from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from people.models import Member, Sector, StreetGroup

from .models import (
    ActivityCategory,
    HomePage,
    PlanItem,
    StoryIndexPage,
    StoryPage,
    WorkstationIndexPage,
    WorkstationPage,
    WorkstationPostPage,
)

STORY_THEMES = [
    (
        "推动垃圾分类进社区",
        "垃圾分类",
        "走进社区宣讲垃圾分类新规，推动楼门院设置分类驿站，带动居民从“要我分”变成“我要分”。",
    ),
    (
        "让老人在家门口安享晚年",
        "养老",
        "围绕社区养老驿站建设开展调研，提出“嵌入式养老”提案，推动助餐、助浴服务进小区。",
    ),
    ("为中小企业纾困解难", "营商环境", "走访数十家中小微企业，梳理融资、用工难题，形成社情民意信息报送区委区政府。"),
    ("送医下乡的“白大褂委员”", "义诊", "每月带领医疗团队到山区村庄义诊，为慢病老人建立健康档案。"),
    ("守护孩子们的课后时光", "课后服务", "推动学校课后服务提质，协调科技馆、博物馆资源进校园。"),
    ("老街巷里的协商议事厅", "背街小巷", "在胡同里搭起“小院议事厅”，居民、物业、街道坐在一起商量停车难。"),
    ("把法律服务送到群众身边", "法律援助", "在委员工作室开设法律咨询日，为群众免费解答婚姻家庭、劳动争议问题。"),
    ("文化惠民的“守艺人”", "非遗", "组织非遗传承人进社区教学，让传统手艺走进寻常百姓家。"),
]
STATION_SPECIALTIES = ["社区治理", "医疗健康", "教育", "法律服务", "文化传承", "营商环境", "养老服务", "生态环保"]
POST_TEMPLATES = {
    ActivityCategory.READING: (
        "读书分享会：学习政协章程",
        "委员们围坐在一起，交流学习政协章程的体会，并向居民宣讲相关政策。",
    ),
    ActivityCategory.RESEARCH: (
        "就社区养老服务开展调研",
        "委员走访养老驿站，与老人、护理员座谈，了解助餐、助医需求，形成调研报告。",
    ),
    ActivityCategory.SUGGESTION: (
        "收集垃圾分类微建议",
        "在小区门口设立意见箱，收集居民对垃圾分类投放点设置的微建议十余条。",
    ),
    ActivityCategory.VISIT: ("走访界别群众听民声", "委员入户走访界别群众，听取对教育、医疗等民生问题的意见建议。"),
    ActivityCategory.DUTY: ("委员联动值班接待群众", "工作室开展委员接待日活动，委员轮流值班，现场解答群众咨询。"),
    ActivityCategory.CHARITY: ("爱心助学公益活动", "委员为困难家庭学生送去学习用品，并结对开展课业辅导。"),
    ActivityCategory.SECTOR: ("界别特色义诊进社区", "医药卫生界委员在社区开展义诊，为居民测量血压血糖、讲解慢病管理。"),
    ActivityCategory.OTHER: ("工作室季度例会", "工作室召开季度例会，总结上季度工作，安排下季度计划。"),
}
PALETTE = [(179, 38, 30), (11, 83, 148), (46, 125, 50), (230, 145, 56), (106, 27, 154), (0, 121, 107)]


PLAN_ACTIVITIES = ("委员接待日：{}咨询", "{}专题调研", "{}政策宣讲", "{}公益服务")


def year_plan(n, specialty, year):
    """Station n's 一站一计划: one activity a month as (date, title). Each station keeps its own
    day of the month (no two of the first 24 stations share one), and the title names the
    activity only: the date is shown beside it."""
    return [
        (
            datetime.date(year, month, 3 + (n * 5 + month * 3) % 24),
            PLAN_ACTIVITIES[(n + month) % len(PLAN_ACTIVITIES)].format(specialty),
        )
        for month in range(1, 13)
    ]


def add_year_plan(station, n, specialty, year):
    PlanItem.objects.bulk_create(
        PlanItem(workstation=station, date=date, title=title, participants="工作室全体委员", sort_order=month)
        for month, (date, title) in enumerate(year_plan(n, specialty, year))
    )


def _png(draw_fn, size=(800, 600), seed=0):
    rng = random.Random(seed)
    image = PILImage.new("RGB", size, (245, 240, 230))
    draw_fn(ImageDraw.Draw(image), size, rng)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _portrait(draw, size, rng):
    w, h = size
    color = rng.choice(PALETTE)
    draw.rectangle([0, 0, w, h], fill=tuple(min(255, c + 150) for c in color))
    draw.ellipse([w * 0.35, h * 0.18, w * 0.65, h * 0.5], fill=(240, 200, 170))
    draw.pieslice([w * 0.2, h * 0.55, w * 0.8, h * 1.3], 180, 360, fill=color)


def _scene(draw, size, rng):
    w, h = size
    sky = rng.choice(PALETTE)
    draw.rectangle([0, 0, w, h * 0.6], fill=tuple(min(255, c + 120) for c in sky))
    draw.rectangle([0, h * 0.6, w, h], fill=(200, 190, 160))
    for _ in range(6):
        x = rng.randrange(0, w - 120)
        bh = rng.randrange(80, 260)
        draw.rectangle([x, h * 0.6 - bh, x + rng.randrange(60, 140), h * 0.6], fill=rng.choice(PALETTE))
    for _ in range(5):
        x = rng.randrange(40, w - 40)
        draw.ellipse([x - 18, h * 0.62, x + 18, h * 0.62 + 36], fill=(240, 200, 170))
        draw.rectangle([x - 16, h * 0.62 + 36, x + 16, h * 0.62 + 110], fill=rng.choice(PALETTE))


def _sign(draw, size, rng):
    w, h = size
    draw.rectangle([0, 0, w, h], fill=(120, 110, 100))
    draw.rectangle([w * 0.2, h * 0.1, w * 0.8, h * 0.9], fill=(179, 38, 30), outline=(212, 175, 55), width=12)
    for i in range(5):
        y = h * (0.25 + i * 0.12)
        draw.rectangle([w * 0.3, y, w * 0.7, y + 22], fill=(212, 175, 55))


def make_image(title, kind, seed):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    painter = {"portrait": _portrait, "scene": _scene, "sign": _sign}[kind]
    size = (600, 600) if kind == "portrait" else (800, 600)
    data = _png(painter, size=size, seed=seed)
    image = Image(title=title)
    image.file = ImageFile(io.BytesIO(data), name=f"demo-{kind}-{seed}.png")
    image.save()
    return image


def _child(parent, model, slug, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page:
        return page, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _rich(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


@transaction.atomic
def seed_content(today=None):
    today = today or datetime.date.today()
    home = HomePage.objects.first()
    stories_index, _ = _child(
        home,
        StoryIndexPage,
        "stories",
        title="委员风采",
        intro=_rich("展示委员在本职工作中的带头作用、政协工作中的主体作用、界别群众中的代表作用。"),
    )
    stations_index, _ = _child(
        home,
        WorkstationIndexPage,
        "workstations",
        title="委员工作室",
        intro=_rich("委员联系群众的直通车、服务群众的新品牌：一站一计划、月月有活动。"),
    )
    members = list(Member.objects.select_related("sector").order_by("code"))
    rng = random.Random(2024)

    for n in range(30):
        member = members[(n * 7) % len(members)]
        if member.photo_id is None:
            # Titled by name only: a 委员证号 in a title would be searchable through the API.
            member.photo = make_image(member.name, "portrait", seed=n)
            member.save(update_fields=["photo"])
        elif member.photo.title == f"委员照片 {member.code}":  # demo sites seeded before
            member.photo.title = member.name
            member.photo.save(update_fields=["title"])
        title, keyword, lead = STORY_THEMES[n % len(STORY_THEMES)]
        scene = make_image(f"风采配图 {n + 1}", "scene", seed=100 + n)
        _child(
            stories_index,
            StoryPage,
            f"story-{n + 1}",
            title=f"{member.name}：{title}",
            member=member,
            date=today - datetime.timedelta(days=11 * n + 3),
            lead=lead,
            body=[
                ("paragraph", _rich(f"{member.name}委员来自{member.sector.name}，现任{member.employer_title}。{lead}")),
                ("image", {"image": scene, "caption": f"{member.name}委员在活动现场", "alt": ""}),
                (
                    "quote",
                    {
                        "text": f"委员就要到群众中去，{keyword}的事就是身边的事。",
                        "source": f"{member.name}委员的履职心语",
                    },
                ),
                (
                    "paragraph",
                    _rich(
                        f"围绕{keyword}，{member.name}委员今年提交提案一件、社情民意信息两条，多项建议被有关部门采纳。"
                    ),
                ),
                (
                    "video",
                    {"url": "https://example.com/videos/weiyuan-fengcai.mp4", "title": f"{member.name}委员履职纪实"},
                ),
            ],
        )

    streets = list(StreetGroup.objects.order_by("sort_order"))
    sectors = list(Sector.objects.order_by("sort_order"))
    for n in range(15):
        lead_member = members[(n * 13 + 5) % len(members)]
        specialty = STATION_SPECIALTIES[n % len(STATION_SPECIALTIES)]
        if n % 3 == 0:
            basis, extra, name = (
                WorkstationPage.Basis.STREET,
                {"street_group": streets[n % len(streets)]},
                f"{streets[n % len(streets)].street}委员工作室",
            )
        elif n % 3 == 1:
            sector = sectors[n % len(sectors)]
            basis, extra, name = WorkstationPage.Basis.SECTOR, {"sector": sector}, f"{sector.name}委员工作室"
        else:
            basis, extra, name = (
                WorkstationPage.Basis.COMMITTEE,
                {"committee": lead_member.committee},
                f"{lead_member.name}委员工作室",
            )
        extra.setdefault("committee", lead_member.committee)  # every station has its 对口委室
        station, created = _child(
            stations_index,
            WorkstationPage,
            f"station-{n + 1}",
            title=name,
            address=f"区{['东四', '和平里', '前门', '天坛', '景山'][n % 5]}大街{10 + n}号",
            mode=[WorkstationPage.Mode.OFFLINE, WorkstationPage.Mode.BOTH][n % 2],
            basis=basis,
            lead_member=lead_member,
            specialties=specialty,
            public_contact=f"010-6401{n:04d}",
            reception_note="每月第一个周三 9:00—11:30",
            sign_photo=make_image(f"{name} 标识牌", "sign", seed=200 + n),
            duties=_rich("宣传政策，解疑释惑；收集社情，反映民意；开展协商，跟踪监督；发挥所长，服务民生。"),
            workflow=_rich("群众来访登记 → 委员接待 → 分类办理 → 跟踪反馈 → 归档。"),
            rules=_rich(
                "信息报告制度；季度例会制度；履职日志制度；收集社情民意制度；接待办理与反馈制度；廉洁自律制度。"
            ),
            **extra,
        )
        if not created:
            continue
        station.members.set([members[(n * 13 + k) % len(members)] for k in range(6, 10)])
        add_year_plan(station, n, specialty, today.year)
        station.save_revision().publish()
        categories = list(ActivityCategory)
        for month in range(1, today.month + 1):
            if rng.random() < 0.15:  # a few months without activity, as in real life
                continue
            for k in range(rng.choice((1, 1, 2))):
                category = categories[(n + month + k) % len(categories)]
                title, text = POST_TEMPLATES[category]
                day = min(28, 5 + k * 10 + n % 5)
                _child(
                    station,
                    WorkstationPostPage,
                    f"post-{month}-{k}",
                    title=title,
                    date=datetime.date(today.year, month, day),
                    category=category,
                    text=_rich(f"{station.title}：{text}"),
                    cover=make_image(f"动态配图 {n + 1}-{month}-{k}", "scene", seed=300 + n * 40 + month * 3 + k),
                )
