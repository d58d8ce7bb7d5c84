"""《委员履职手册》 benchmark: the print PDF of a full year's handbook, and the editors' pool page.

On a fresh database (SQLite by default, or a PostgreSQL server given with --postgres):

- the PDF: a 300-member roster and a handbook of 40 sections, 600 入选 reflections (sentences,
  poems, stories, songs) and 30 委员风采 highlights whose photos are 4000 × 3000 JPEGs with a
  camera's grain (~4 MB each; handbook/demo.py). It prints the time to make the 31 print
  renditions ahead (handbook.pdf.make_print_renditions), the first render and the median of
  later ones, the pages and the size, beside the floor: WeasyPrint on the same text as bare
  paragraphs in the same face, without layout or photos.
  Target: < 15 s, < 10 MB.
- the pool (委员履职手册 › 履职心语, as an 编辑 through the test client) with 5,000 reflections:
  the median request beside its floor, a plain view running the same query (rules.pool_visible_to,
  the same related rows, the first 50 newest first and the count) into a minimal template of the
  same columns. Target: < 300 ms. The first look after the 5,000 arrive also compares them for
  copies (handbook/copies.py): printed apart, it is not what a request usually costs.

    .venv/bin/python benchmarks/handbook.py
    .venv/bin/python benchmarks/handbook.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench
"""

import argparse
import random
import re
import subprocess
import tempfile
import time
from pathlib import Path

from fresh_site import fresh_database, median_ms, print_figures, use_site

YEAR = 2026
TARGETS = {"pdf_s": 15, "pdf_mb": 10, "pool_ms": 300}
POOL_URL = "/admin/handbook/reflections/"
FLOOR_URL = "/floor/pool/"


def pdf_pages(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def bare_pdf(handbook):
    """The floor: WeasyPrint on the handbook's text (every entry and its byline, every highlight's
    title and excerpt) as bare paragraphs in the same face on A5, with no layout, header or photo.
    (A bare <table> of it, as the other benchmarks use, takes WeasyPrint longer than the handbook
    itself at 200 pages: its tables are slow across many page breaks, so it floors nothing.)"""
    from django.utils.html import escape
    from weasyprint import HTML

    from handbook.contents import contents_of

    contents = contents_of(handbook)
    texts = [
        text
        for section in contents.sections
        for entry in section.entries
        for text in (section.title, entry.text, entry.byline)
    ] + [text for h in contents.highlights for text in (h.title, h.excerpt, h.byline)]
    body = "".join(f"<p>{escape(text)}</p>" for text in texts)
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"><style>@page{size:A5}'
        '*{font-family:"Noto Serif CJK SC",serif;font-size:10.5pt}</style></head><body>'
        f"{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


def pdf_figures(args):
    from handbook.demo import build_demo_handbook
    from handbook.pdf import make_print_renditions, render_handbook

    started = time.perf_counter()
    handbook = build_demo_handbook(
        sections=args.sections,
        reflections=args.reflections,
        highlights=args.highlights,
        photo_size=(4000, 3000),
        year=YEAR,
    )
    built = time.perf_counter() - started

    started = time.perf_counter()
    images = make_print_renditions.call(handbook.pk)
    renditions = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render_handbook(handbook)
    first = time.perf_counter() - started
    warm = median_ms(lambda: render_handbook(handbook), max(1, args.runs // 3)) / 1000
    bare = median_ms(lambda: bare_pdf(handbook), max(1, args.runs // 3)) / 1000
    floor_pdf = bare_pdf(handbook)
    out = Path(tempfile.gettempdir()) / "lianxin-bench-handbook.pdf"
    out.write_bytes(pdf)
    size = len(pdf) / 1024 / 1024
    return [
        (
            "handbook",
            f"{args.sections} sections, {args.reflections} reflections, {args.highlights} highlights "
            f"with 4000 × 3000 photos (built in {built:.1f} s)",
        ),
        (
            "handbook PDF",
            f"{first:.1f} s, then {warm:.1f} s (median); {pdf_pages(pdf)} pages, "
            f"{size:.1f} MB (target < {TARGETS['pdf_s']} s, {TARGETS['pdf_mb']} MB; floor: WeasyPrint on the same "
            f"text as bare paragraphs {bare:.1f} s, {pdf_pages(floor_pdf)} pages, {len(floor_pdf) / 1024 / 1024:.1f} MB)"
            f"; written to {out}",
        ),
        (
            "print renditions",
            f"{images} images made ahead by make_print_renditions in {renditions:.1f} s "
            f"(a first PDF that has to make them too: {renditions + first:.1f} s)",
        ),
    ]


# --- the pool page


CHARACTERS = (
    "政协委员履职尽责为民建言协商议事凝聚共识社区养老垃圾分类课后服务背街小巷营商环境义诊下乡法律援助非遗传承"
    "走访群众听取意见提出建议调研座谈提案落实街道居民老人孩子学校医院企业农村田间城市胡同春风细雨晨光灯下同心"
    "协力发展改革民生百姓心声希望责任担当奉献服务基层一线实干团结进步和谐美好家园生态环保文化传承科技创新"
)


def pool_text(rng):
    """A 履职心语 of 20 to 300 characters whose bigrams overlap another's as two people's do."""
    return "".join(rng.choice(CHARACTERS) for _ in range(rng.randrange(20, 300))) + "。"


def seed_pool(count, rng):
    """`count` reflections of the year by the roster's members, every mark and source, a few
    copied word for word (切忌抄袭), through bulk_create (the load is not what is measured)."""
    from forms_app.models import Reflection
    from people.models import Member

    members = list(Member.objects.all())
    texts = [pool_text(rng) for _ in range(count)]
    for n in range(0, count, 100):  # one in a hundred copies another
        texts[n] = texts[(n * 7 + 3) % count]
    Reflection.objects.bulk_create(
        Reflection(
            member=rng.choice(members),
            year=rng.choice((YEAR, YEAR, YEAR, YEAR - 1)),
            source=rng.choice(Reflection.Source.values),
            genre=rng.choice([*Reflection.Genre.values, ""]),
            text=text,
            mark=rng.choice(Reflection.Mark.values),
        )
        for text in texts
    )


def pool_floor(request):
    """The floor: the same query and the same columns, in a minimal template."""
    from django.template import engines
    from django.utils.text import Truncator

    from handbook import rules

    rows = rules.pool_visible_to(request.user).select_related("member__sector", "member__party")
    total = rows.count()
    page = [
        (
            entry.pk,
            entry.member.name,
            " · ".join(g.name for g in (entry.member.sector, entry.member.party) if g),
            entry.year,
            entry.get_genre_display(),
            entry.get_source_display(),
            Truncator(" ".join(entry.text.split())).chars(40),
            entry.get_mark_display(),
        )
        for entry in rows.prefetch_related("copies__original__member").order_by("-year", "-pk")[:50]
    ]
    template = engines["django"].from_string(
        "<html><body><p>{{ total }}</p><table>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>"
        "{% endfor %}</tr>{% endfor %}</table></body></html>"
    )
    from django.http import HttpResponse

    return HttpResponse(template.render({"rows": page, "total": total}, request))


def route_pool_floor():
    from django.urls import clear_url_caches, path

    from lianxin_site import urls

    urls.urlpatterns.insert(0, path(FLOOR_URL.lstrip("/"), pool_floor))
    clear_url_caches()


def editor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from people import roles

    user = get_user_model().objects.create_user("bench_handbook_editor", password="x")
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def pool_figures(args, rng):
    from django.db import connection
    from django.test import Client

    from forms_app.models import Reflection
    from handbook.models import ReflectionCopy

    seed_pool(args.pool - Reflection.objects.count(), rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")
    client.force_login(editor())

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    started = time.perf_counter()
    get(POOL_URL)
    first = (time.perf_counter() - started) * 1000
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        get(POOL_URL)
    route_pool_floor()
    page = median_ms(lambda: get(POOL_URL), args.runs)
    filtered = median_ms(lambda: get(f"{POOL_URL}?year={YEAR}&mark__exact=chosen"), args.runs)
    floor = median_ms(lambda: get(FLOOR_URL), args.runs)
    return [
        (
            "pool",
            f"{Reflection.objects.count():,} reflections, {ReflectionCopy.objects.count()} copy flags; "
            f"the first look (comparing them all for copies) {first:,.0f} ms",
        ),
        (
            "履职心语 pool page (编辑)",
            f"{page:.0f} ms, filtered by year and 入选 {filtered:.0f} ms (target < {TARGETS['pool_ms']} ms; "
            f"floor: the same query and columns in a plain view and template {floor:.0f} ms); {len(queries)} queries",
        ),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", type=int, default=40)
    parser.add_argument("--reflections", type=int, default=600)
    parser.add_argument("--highlights", type=int, default=30)
    parser.add_argument("--pool", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database URL (dropped and created)")
    args = parser.parse_args()

    workdir, database_url = fresh_database(args.postgres)
    use_site(database_url, workdir)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from people.demo import seed_members, seed_reference_data

    seed_reference_data()
    seed_members(300)
    figures = [("database", connection.vendor)]
    figures += pdf_figures(args)
    figures += pool_figures(args, random.Random(20))
    print_figures(figures)


if __name__ == "__main__":
    main()
