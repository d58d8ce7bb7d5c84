"""A demo 《委员履职手册》 of any size, drawn here (nothing downloaded): members, 入选 reflections of
every 体裁 (a sentence, a poem, a story, a song), sections by 界别 and 党派, and 委员风采 highlights
whose stories carry a generated photo. tests/test_handbook_pdf.py builds a small one,
benchmarks/handbook.py a 120-page one with 4000 × 3000 photos.

The rows are written directly (bulk_create): this is a fixture for a draft handbook, not the
editors' way in (the pool, the 编排 page), so it does not pass through their rules."""

import datetime
import io
import random

from django.core.files.images import ImageFile
from django.utils.html import format_html
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from wagtail.images import get_image_model

from content.models import HomePage, StoryIndexPage, StoryPage
from forms_app.models import Reflection
from people.models import Member, Party, Sector

from .models import Handbook, HandbookItem, HandbookSection, HandbookStory

PHRASES = [
    "政协委员要把群众的事放在心上",
    "深入基层听民声",
    "一件件提案连着千家万户",
    "协商议事要议到点子上",
    "为民履职不停步",
    "走进社区才知道老人最盼什么",
    "把调研做在田间地头",
    "建言要有真知灼见",
    "凝聚共识是政协委员的本分",
    "每一次走访都是一堂课",
    "在界别群众中当好代表",
    "小切口里有大民生",
    "履职尽责不负使命",
    "把论文写在城市的街巷里",
    "办好群众家门口的小事",
    "让协商成果落地见效",
]
POEM_LINES = [
    "晨光初照胡同口",
    "委员走访到门前",
    "一杯热茶话家常",
    "民情记在本子间",
    "春风化雨润无声",
    "提案一件暖万家",
    "街巷深处听民意",
    "灯下细读百姓言",
    "不负人民托付重",
    "同心协力谱新篇",
    "老街新貌换人间",
    "笔底春秋写民生",
]
SONG_LINES = [
    "我们是政协委员",
    "走在大街小巷",
    "听一听百姓的心声",
    "把希望写进提案",
    "啦啦啦 同心向前",
    "为民履职 我们在路上",
]
THEMES = ["社区养老", "垃圾分类", "课后服务", "背街小巷", "营商环境", "义诊下乡", "法律援助", "非遗传承"]
# A sentence is put together from when, where, what and what the member took from it: thousands of
# different ones, so that the pool's copy check (handbook/copies.py) flags what it would in life.
WHEN = ["今年春天", "入夏以来", "去年冬天", "换届以后", "每个周三", "汛期前后", "开学前夕", "年底之前"]
WHERE = ["在胡同里", "在养老驿站", "在学校门口", "在菜市场", "在委员工作室", "在田间地头", "在企业车间", "在议事厅"]
DID = [
    "听老人讲了半天停车难",
    "和家长们商量接送的事",
    "把居民的意见一条条记下",
    "帮商户算了一笔房租账",
    "陪医生走了三个村",
    "和年轻人聊就业",
    "看了垃圾分类的新驿站",
    "把提案的答复念给大家听",
]


def sentence(rng):
    return f"{rng.choice(WHEN)}，{rng.choice(WHERE)}{rng.choice(DID)}，{rng.choice(PHRASES)}。"


def reflection_text(genre, rng):
    """A 履职心语 of `genre` as a member would write it: mostly a sentence or two; a poem (lines, a
    blank line between stanzas), a song, or a story of a few paragraphs (one line each)."""
    if genre == Reflection.Genre.POEM:
        stanzas = [rng.sample(POEM_LINES, 4) for _ in range(rng.choice((1, 2)))]
        return "\n\n".join(
            "\n".join(f"{line}{'，' if n % 2 == 0 else '。'}" for n, line in enumerate(s)) for s in stanzas
        )
    if genre == Reflection.Genre.LYRICS:
        return "\n".join(rng.sample(SONG_LINES, rng.choice((4, 5, 6))))
    if genre == Reflection.Genre.STORY:
        theme = rng.choice(THEMES)
        return "\n".join(f"围绕{theme}，{sentence(rng)}{sentence(rng)}" for _ in range(rng.choice((1, 2, 3))))
    return sentence(rng) + (sentence(rng) if rng.random() < 0.4 else "")


# Most 履职心语 are a sentence or two (seed 000: 可以是一句话、一首诗、一篇故事、一首歌).
GENRES = [Reflection.Genre.SENTENCE] * 14 + [Reflection.Genre.POEM] * 2 + [Reflection.Genre.STORY] * 2
GENRES += [Reflection.Genre.LYRICS, ""]


def photo_bytes(size, seed, noise=60, grain=0.3):
    """A JPEG of a street scene at `size`, with texture and sensor-like grain so that it compresses
    as a photograph does: a 4000 × 3000 one is about 4 MB, as a camera's is, and its 1200 px print
    rendition about 200 KB (a flat drawing would be a few kilobytes and flatter every figure)."""
    rng = random.Random(seed)
    small = (400, 300)
    scene = PILImage.new("RGB", small, (245, 240, 230))
    draw = ImageDraw.Draw(scene)
    sky = rng.choice([(120, 160, 210), (170, 190, 220), (210, 180, 150)])
    draw.rectangle([0, 0, small[0], small[1] * 0.6], fill=sky)
    draw.rectangle([0, small[1] * 0.6, small[0], small[1]], fill=(150, 140, 120))
    for _ in range(12):
        x = rng.randrange(0, small[0] - 40)
        top = rng.randrange(40, 170)
        colour = tuple(rng.randrange(60, 220) for _ in range(3))
        draw.rectangle([x, top, x + rng.randrange(20, 70), small[1] * 0.62], fill=colour)
    for _ in range(8):
        x = rng.randrange(10, small[0] - 10)
        draw.ellipse([x - 6, 190, x + 6, 202], fill=(235, 195, 165))
        draw.rectangle([x - 6, 202, x + 6, 235], fill=tuple(rng.randrange(30, 200) for _ in range(3)))
    image = scene.resize(size, PILImage.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    quarter = (max(1, size[0] // 4), max(1, size[1] // 4))
    texture = PILImage.merge("RGB", [PILImage.effect_noise(quarter, noise) for _ in range(3)])
    image = PILImage.blend(image, texture.resize(size, PILImage.BICUBIC), grain)
    image = PILImage.blend(
        image, PILImage.merge("RGB", [PILImage.effect_noise(size, noise) for _ in range(3)]), grain / 2
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def demo_image(title, size, seed):
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(photo_bytes(size, seed)), name=f"handbook-demo-{seed}.jpg")
    image.save()
    return image


def _story_index():
    index = StoryIndexPage.objects.first()
    if index is None:
        index = StoryIndexPage(title="委员风采", slug="stories")
        HomePage.objects.first().add_child(instance=index)
        index.save_revision().publish()
    return index


def _story(index, handbook, member, number, photo, rng):
    year = handbook.year
    theme = rng.choice(THEMES)
    page = StoryPage(
        title=f"{member.name}：{theme}的事就是身边的事",
        slug=f"handbook-demo-{handbook.pk}-{number}",
        member=member,
        lead=f"{member.name}委员围绕{theme}深入调研，提出的建议被有关部门采纳，{rng.choice(PHRASES)}。",
        date=datetime.date(year, 1 + number % 12, 1 + number % 27),
        body=[
            ("paragraph", format_html("<p>{}委员来自{}。</p>", member.name, member.sector.name)),
            ("image", {"image": photo, "caption": f"{member.name}委员在活动现场", "alt": ""}),
        ],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def build_demo_handbook(
    sections=6,
    reflections=40,
    highlights=3,
    photo_size=(1600, 1200),
    year=2026,
    issue=1,
    subtitle="履职心语选编",
    preface=None,
    cover=True,
    seed=20,
):
    """A draft Handbook of `sections` sections (界别 first, then 党派, then 专题) holding
    `reflections` 入选 entries between them, and `highlights` 委员风采 stories with a photo of
    `photo_size` each. Members come from the roster (people.demo seeds one when it is short)."""
    from people.demo import seed_members, seed_reference_data

    rng = random.Random(seed)
    if Member.objects.count() < 40:
        seed_reference_data()
        seed_members(80)
    members = list(Member.objects.select_related("sector", "party").order_by("code"))
    handbook = Handbook.objects.create(
        year=year,
        issue=issue,
        subtitle=subtitle,
        preface=preface
        if preface is not None
        else (
            "履职心语是委员履职的心声。\n\n本期选登各界别、各党派委员的履职心语，并附委员风采。"
            "希望全体委员读有所得，履职有为。"
        ),
        cover_image=demo_image(f"{year}年履职手册封面", photo_size, seed) if cover else None,
    )

    groups = [("sector", s) for s in Sector.objects.order_by("sort_order", "pk")]
    groups += [("party", p) for p in Party.objects.order_by("sort_order", "pk")]
    built = []
    for n in range(sections):
        kind, group = groups[n] if n < len(groups) else ("topic", None)
        built.append(
            HandbookSection(
                handbook=handbook,
                title=group.name if group else f"专题{n + 1}",
                kind=kind,
                sector=group if kind == "sector" else None,
                party=group if kind == "party" else None,
                intro=f"本组收录{group.name if group else '各界'}委员的履职心语。",
                order=n,
            )
        )
    built = HandbookSection.objects.bulk_create(built)

    entries, homes = [], []
    for n in range(reflections):
        section = built[n % len(built)]
        own = [
            m
            for m in members
            if (section.sector_id and m.sector_id == section.sector_id)
            or (section.party_id and m.party_id == section.party_id)
        ]
        genre = GENRES[n % len(GENRES)]
        entries.append(
            Reflection(
                member=rng.choice(own or members),
                year=year,
                source=Reflection.Source.MEMBER,
                genre=genre,
                text=reflection_text(genre, rng),
                mark=Reflection.Mark.CHOSEN,
            )
        )
        homes.append(section)
    entries = Reflection.objects.bulk_create(entries)
    HandbookItem.objects.bulk_create(
        HandbookItem(handbook=handbook, section=section, reflection=entry, order=n)
        for n, (entry, section) in enumerate(zip(entries, homes, strict=True))
    )

    index = _story_index() if highlights else None
    for n in range(highlights):
        member = members[(n * 7) % len(members)]
        photo = demo_image(f"{member.name}委员活动现场", photo_size, seed + 100 + n)
        HandbookStory.objects.create(
            handbook=handbook, story=_story(index, handbook, member, n + 1, photo, rng), order=n
        )
    return handbook
