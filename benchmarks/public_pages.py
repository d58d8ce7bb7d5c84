"""Public page benchmark: server time per page type, and cached anonymous throughput.

Builds (once, kept in benchmarks/out/) a site with 10,000 stories and 15 workstations with
500 动态 posts each, then:
1. renders each page type N times in-process, uncached, and prints the median milliseconds
   beside a plain Django view that renders the same data (the floor);
2. serves the site with gunicorn (2 workers, threads) and loads the story index from a
   second process over loopback, anonymous and cached, printing requests per second.

    .venv/bin/python benchmarks/public_pages.py                 # full size
    .venv/bin/python benchmarks/public_pages.py --stories 500 --posts 20   # quick look

Targets (issue 4): each page within 1.5x of its floor; 1,000 cached requests/s on 2 cores.
"""

import argparse
import asyncio
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

from fresh_site import median_ms

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def setup_django(db_path, cache_dir):
    # Render timings measure rendering: the page cache stores nothing in this process
    # (the cached throughput is measured separately, through gunicorn).
    os.environ["CACHE_MIDDLEWARE_SECONDS"] = "0"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["CACHE_DIR"] = str(cache_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianxin_site.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log, no debug context


def build(stories, stations, posts):
    from django.conf import settings
    from django.core.management import call_command

    # Index once at the end, not on every page save.
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    call_command("migrate", verbosity=0)
    from content.demo import seed_content
    from content.models import ActivityCategory, StoryIndexPage, StoryPage, WorkstationPage, WorkstationPostPage
    from people.demo import seed_members, seed_reference_data
    from people.models import Member

    seed_reference_data()
    seed_members()
    seed_content()  # the demo site: sections, 30 stories, 15 workstations with posts
    index = StoryIndexPage.objects.get()
    members = list(Member.objects.all())
    start = time.perf_counter()
    for n in range(StoryPage.objects.count(), stories):
        index.add_child(
            instance=StoryPage(
                title=f"委员风采第{n}篇",
                slug=f"bench-{n}",
                member=members[n % len(members)],
                lead="委员深入基层，倾听民意，推动养老、垃圾分类等民生实事落地。",
                body=[("paragraph", "<p>委员深入基层开展调研，形成提案和社情民意信息。</p>" * 5)],
                date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 2000),
            )
        )
        if n % 1000 == 0:
            print(f"  stories {n}/{stories} ({time.perf_counter() - start:.0f}s)", flush=True)
    categories = list(ActivityCategory)
    for station in WorkstationPage.objects.all()[:stations]:
        have = WorkstationPostPage.objects.child_of(station).count()
        for k in range(have, posts):
            station.add_child(
                instance=WorkstationPostPage(
                    title=f"动态第{k}条",
                    slug=f"bench-post-{k}",
                    category=categories[k % 8],
                    date=datetime.date(2026, 1 + k % 12, 1 + k % 28),
                    text="<p>委员接待群众，收集意见建议。</p>",
                )
            )
        print(f"  posts of {station.title}: {posts} ({time.perf_counter() - start:.0f}s)", flush=True)


def install_floor_views():
    """Plain Django views over the same data, served through the same URLconf and
    middleware as the Wagtail pages: the lowest a page could cost."""
    from django.db.models import Count
    from django.db.models.functions import ExtractMonth
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    from content.models import StoryPage, WorkstationPage, WorkstationPostPage
    from lianxin_site import urls
    from people.models import Party, Sector, SpecialCommittee

    engine = engines["django"]
    story_list = engine.from_string(
        "{% for x in sectors %}{{ x.name }}{% endfor %}{% for x in parties %}{{ x.name }}{% endfor %}"
        "{% for x in committees %}{{ x.name }}{% endfor %}{% for y in years %}{{ y }}{% endfor %}"
        "<ul>{% for s in stories %}<li><a href='/{{ s.slug }}/'>{{ s.title }}</a> {{ s.member.name }} "
        "{{ s.member.sector.name }} {{ s.date }} {{ s.lead }}</li>{% endfor %}</ul>{{ count }}"
    )
    story_detail = engine.from_string(
        "<h1>{{ s.title }}</h1><p>{{ s.lead }}</p>{{ s.member.name }} {{ s.member.sector.name }}"
        "{% for b in s.body %}{{ b }}{% endfor %}"
    )
    station_detail = engine.from_string(
        "<h1>{{ w.title }}</h1>{{ w.address }}{% for m in months %}{{ m }}{% endfor %}"
        "{% for p in posts %}<li>{{ p.date }} {{ p.title }}</li>{% endfor %}"
    )

    def stories(request):
        rows = StoryPage.objects.live().select_related("member__sector").order_by("-date")
        return HttpResponse(
            story_list.render(
                {
                    "stories": rows[:12],
                    "count": rows.count(),
                    "sectors": Sector.objects.all(),
                    "parties": Party.objects.all(),
                    "committees": SpecialCommittee.objects.all(),
                    "years": [d.year for d in rows.dates("date", "year")],
                }
            )
        )

    def story(request, slug):
        return HttpResponse(
            story_detail.render({"s": StoryPage.objects.select_related("member__sector").get(slug=slug)})
        )

    def station(request, slug):
        w = WorkstationPage.objects.get(slug=slug)
        posts = WorkstationPostPage.objects.child_of(w).order_by("-date")
        months = posts.filter(date__year=2026).annotate(m=ExtractMonth("date")).values("m").annotate(n=Count("pk"))
        return HttpResponse(station_detail.render({"w": w, "posts": posts[:10], "months": list(months)}))

    urls.urlpatterns.insert(0, path("__floor__/stories/", stories))
    urls.urlpatterns.insert(0, path("__floor__/story/<slug:slug>/", story))
    urls.urlpatterns.insert(0, path("__floor__/station/<slug:slug>/", station))
    clear_url_caches()


def render_times(n):
    from django.test import Client

    from content.models import StoryPage, WorkstationPage, WorkstationPostPage

    client = Client()
    story = StoryPage.objects.order_by("-pk").first()
    station = WorkstationPage.objects.order_by("pk").first()
    post = WorkstationPostPage.objects.child_of(station).order_by("-pk").first()
    install_floor_views()

    def get(url):
        def run():
            assert client.get(url, HTTP_HOST="localhost").status_code == 200

        return run

    rows = [
        ("首页 home", get("/"), None),
        ("委员风采列表 story index", get("/stories/"), get("/__floor__/stories/")),
        ("委员风采 story", get(story.url), get(f"/__floor__/story/{story.slug}/")),
        ("委员工作室列表 workstation index", get("/workstations/"), None),
        ("委员工作室 workstation", get(station.url), get(f"/__floor__/station/{station.slug}/")),
        ("动态 post", get(post.url), None),
        ("搜索 search 养老", get("/search/?q=养老"), None),
    ]
    print(f"\n{'page':<34} {'median ms':>10} {'floor ms':>9} {'ratio':>6}")
    for label, fn, floor in rows:
        ms = median_ms(fn, n)
        if floor:
            floor_ms = median_ms(floor, n)
            print(f"{label:<34} {ms:>10.1f} {floor_ms:>9.1f} {ms / floor_ms:>6.2f}")
        else:
            print(f"{label:<34} {ms:>10.1f} {'':>9} {'':>6}")


async def load(port, path, seconds, connections):
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n".encode()
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker():
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head[:40]
            length = int(
                next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
            )
            await reader.readexactly(length)
            done += 1
        writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / seconds


def throughput(db, cache_dir, seconds):
    env = {
        **os.environ,
        "CACHE_MIDDLEWARE_SECONDS": "300",
        "DATABASE_URL": f"sqlite:///{db}",
        "CACHE_DIR": str(cache_dir),
        "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.dev",
    }
    port = 8765
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "lianxin_site.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                asyncio.run(load(port, "/stories/", 0.2, 1))
                break
            except OSError:
                time.sleep(0.2)
        rate = asyncio.run(load(port, "/stories/", seconds, 16))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\ncached anonymous /stories/ via gunicorn (2 workers × 4 threads): {rate:,.0f} requests/s "
        f"over {seconds}s, 16 keep-alive connections from one load process"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--stations", type=int, default=15)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"pages-{args.stories}-{args.stations}-{args.posts}.sqlite3"
    cache_dir = OUT / "cache"
    fresh = not db.exists()
    setup_django(db, cache_dir)
    if not fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # a kept database gets new indexes too
    if fresh:
        print(f"building {args.stories} stories, {args.stations} workstations × {args.posts} posts (once) …")
        try:
            build(args.stories, args.stations, args.posts)
        except BaseException:
            db.unlink(missing_ok=True)
            raise
        from django.core.management import call_command

        call_command("update_index", verbosity=0)
    render_times(args.requests)
    throughput(db, cache_dir, args.seconds)


if __name__ == "__main__":
    main()
