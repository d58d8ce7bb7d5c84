"""Public page benchmark: server time per page type, and cached anonymous throughput.

Builds (once, kept in benchmarks/out/) a site with 10,000 stories and 15 workstations with
500 动态 posts each, then:
1. renders each page type N times in-process, uncached, and prints the median milliseconds and
   the queries beside a plain Django view rendering the same template with the same context
   (the floor: see install_floor_views), so the ratio is Wagtail's serving cost alone;
2. serves the site with gunicorn (2 workers, threads) and loads the story index from a
   second process over loopback, anonymous and cached, printing requests per second.

    .venv/bin/python benchmarks/public_pages.py                 # full size
    .venv/bin/python benchmarks/public_pages.py --stories 500 --posts 20   # quick look

Targets (issue 19): each page within 1.2x of its floor; 1,000 cached requests/s on 2 cores.
"""

import argparse
import asyncio
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def install_floor_views(search_query):
    """Plain Django views, served through the same URLconf and middleware as the Wagtail pages,
    each rendering the page's own template with the page's own context: the base template, the
    member cards, the renditions, the page's queries (get_context, or the section's list view).
    What they skip is Wagtail's serving: the site lookup, the route from the home page down,
    the hooks and the view-restriction checks. So the ratio shows only that cost.

    The page is fetched as a plain view would: one query by its slug (a post by its id), with what the page shows
    joined in (a story with its card data). Search's floor gets the same result pages by
    primary key, in the same order, and builds the same rows. Its page of results comes from the
    same full-text match, run on each request as any view that shows search results must; it is
    handed the per-type counts and the total, which the search page works out with the match."""
    from django.template.response import TemplateResponse
    from django.urls import clear_url_caches, path

    from content import views as content_views
    from content.models import (
        HomePage,
        StoryIndexPage,
        StoryPage,
        WorkstationIndexPage,
        WorkstationPage,
        WorkstationPostPage,
    )
    from lianxin_site import urls

    def page_response(request, page):
        request.is_preview = False
        return TemplateResponse(request, page.get_template(request), page.get_context(request))

    def home(request):
        return page_response(request, HomePage.objects.get())

    def stories(request):
        index = StoryIndexPage.objects.get()
        request.is_preview = False
        return index.index(request)  # the section's own list view: its queries, template and context

    def story(request, slug):
        return page_response(request, StoryPage.objects.with_card_data().get(slug=slug))

    def stations(request):
        return page_response(request, WorkstationIndexPage.objects.get())

    def station(request, slug):
        return page_response(request, WorkstationPage.objects.get(slug=slug))

    def post(request, pk):  # a post's slug is unique only within its station
        return page_response(request, WorkstationPostPage.objects.select_related("cover").get(pk=pk))

    from django.core.paginator import Paginator
    from django.utils.http import urlencode

    counts, count = content_views.type_counts(search_query)

    def search(request):
        result_ids = [page.pk for page in content_views.search_pages(search_query, keys_only=True)[:10]]
        # the rows as the search view gets them: id and type, result_rows loading the rest
        pages = content_views.Page.objects.filter(pk__in=result_ids).only("id", "content_type_id").in_bulk()
        rows = content_views.result_rows([pages[pk] for pk in result_ids if pk in pages], search_query)
        type_filter = [
            {"key": key, "label": model._meta.verbose_name, "count": counts[key], "query": urlencode({"type": key})}
            for key, model in content_views.SEARCH_TYPES.items()
        ]
        context = {
            "query": search_query,
            "results": rows,
            "page_obj": Paginator(range(count), 10).page(1),
            "count": count,
            "chosen_type": "",
            "type_filter": type_filter,
            "all_query": urlencode({"q": search_query}),
            "filter_query": urlencode({"q": search_query}),
        }
        return TemplateResponse(request, "content/search.html", context)

    urls.urlpatterns[:0] = [
        path("__floor__/", home),
        path("__floor__/stories/", stories),
        path("__floor__/story/<slug:slug>/", story),
        path("__floor__/workstations/", stations),
        path("__floor__/station/<slug:slug>/", station),
        path("__floor__/post/<int:pk>/", post),
        path("__floor__/search/", search),
    ]
    clear_url_caches()


def query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, HTTP_HOST="localhost")  # warm: the cached lookups are in place, as in service
    with CaptureQueriesContext(connection) as queries:
        client.get(url, HTTP_HOST="localhost")
    return len(queries)


def paired_median_ms(page, floor, runs):
    """The medians of `page` and `floor`, each called `runs` times in turns (after one warming call
    each): a machine shared with other jobs slows both alike, instead of whichever ran second."""
    page(), floor()
    times = ([], [])
    for _ in range(runs):
        for fn, kept in zip((page, floor), times, strict=True):
            start = time.perf_counter()
            fn()
            kept.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def render_times(n):
    from django.test import Client

    from content.models import StoryPage, WorkstationPage, WorkstationPostPage

    client = Client()
    story = StoryPage.objects.order_by("-pk").first()
    station = WorkstationPage.objects.order_by("pk").first()
    post = WorkstationPostPage.objects.child_of(station).order_by("-pk").first()
    install_floor_views("养老")

    rows = [
        ("首页 home", "/", "/__floor__/"),
        ("委员风采列表 story index", "/stories/", "/__floor__/stories/"),
        ("委员风采 story", story.url, f"/__floor__/story/{story.slug}/"),
        ("委员工作室列表 workstation index", "/workstations/", "/__floor__/workstations/"),
        ("委员工作室 workstation", station.url, f"/__floor__/station/{station.slug}/"),
        ("动态 post", post.url, f"/__floor__/post/{post.pk}/"),
        ("搜索 search 养老", "/search/?q=养老", "/__floor__/search/"),
    ]

    def get(url):
        def run():
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)

        return run

    print(f"\n{'page':<34} {'ms':>7} {'floor ms':>9} {'ratio':>6} {'queries':>8} {'floor q':>8}")
    for label, url, floor in rows:
        ms, floor_ms = paired_median_ms(get(url), get(floor), n)
        queries, floor_queries = query_count(client, url), query_count(client, floor)
        print(f"{label:<34} {ms:>7.1f} {floor_ms:>9.1f} {ms / floor_ms:>6.2f} {queries:>8} {floor_queries:>8}")


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
            str(Path(sys.executable).parent / "gunicorn"),
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
