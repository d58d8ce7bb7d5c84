"""Do the public lists stay flat as the data grows? Queries and milliseconds per page at each size.

Builds one throwaway SQLite site (the demo site, then stories and 动态 posts added with bulk
inserts: no page save per row) and grows it step by step, measuring at each step:

- 委员风采 story index, page 1, and a deep page (the last one, reached by its key as the site's
  own links reach it; the old ?page=N by offset is printed beside it for comparison);
- the RSS feed of the stories;
- the API story list (fields=*) and the API list of one station's posts;
- a workstation page (month strip, latest posts), whose station holds the step's posts.

Each page is fetched once cold (the public cache cleared, as after a publish) and then `--runs`
times warm; the table prints the warm median, wall clock and (in brackets) this process's CPU time,
which the other jobs on a shared machine do not inflate. The last column of each page's summary is the
largest size over the smallest: the target is within 1.5x (issue 19, "Speed").

    .venv/bin/python benchmarks/public_pages_scale.py                          # 100 → 10,000 stories
    .venv/bin/python benchmarks/public_pages_scale.py --stories 100 1000 --posts 50 500   # quick look
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh_site import fresh_database, use_site  # noqa: E402

BODY = [("paragraph", "<p>委员深入基层开展调研，形成提案和社情民意信息。</p>" * 5)]


def add_children(parent, model, rows):
    """Append live pages of `model` under `parent`: `rows` are (title, slug, {field: value}) of
    the model's own fields. The tree rows go in with bulk_create, the model's rows with one INSERT
    per batch, as Django's bulk_create writes them; the tree paths follow treebeard's."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from wagtail.models import Page

    parent = Page.objects.get(pk=parent.pk)
    content_type = ContentType.objects.get_for_model(model)
    last = parent.get_last_child()
    first_step = int(last.path[-Page.steplen :], 36) + 1 if last else 1
    now = timezone.now()
    fields = model._meta.local_concrete_fields
    with transaction.atomic():
        for start in range(0, len(rows), 500):
            batch = rows[start : start + 500]
            pages = Page.objects.bulk_create(
                [
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        content_type=content_type,
                        path=Page._get_path(parent.path, parent.depth + 1, first_step + start + n),
                        depth=parent.depth + 1,
                        numchild=0,
                        url_path=f"{parent.url_path}{slug}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now,
                        last_published_at=now,
                        locale_id=parent.locale_id,
                    )
                    for n, (title, slug, _own) in enumerate(batch)
                ]
            )
            objs = [model(page_ptr_id=page.pk, **own) for page, (_t, _s, own) in zip(pages, batch, strict=True)]
            for part in range(0, len(objs), 100):
                model._base_manager._insert(objs[part : part + 100], fields=fields, using="default")
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(rows))


def grow(stories, posts):
    """Bring the site to `stories` stories and `posts` posts under each station."""
    from content.models import ActivityCategory, StoryIndexPage, StoryPage, WorkstationPage, WorkstationPostPage
    from people.models import Member

    index = StoryIndexPage.objects.get()
    members = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    have = StoryPage.objects.count()
    add_children(
        index,
        StoryPage,
        [
            (
                f"委员风采第{n}篇",
                f"scale-{n}",
                {
                    "member_id": members[n % len(members)],
                    "lead": "委员深入基层，倾听民意，推动养老、垃圾分类等民生实事落地。",
                    "body": BODY,
                    "date": datetime.date(2026, 10, 31) - datetime.timedelta(days=n % 3650),
                },
            )
            for n in range(have, stories)
        ],
    )
    categories = list(ActivityCategory)
    for station in WorkstationPage.objects.order_by("pk"):
        have = WorkstationPostPage.objects.filter(station=station).count()
        add_children(
            station,
            WorkstationPostPage,
            [
                (
                    f"动态第{k}条",
                    f"scale-post-{k}",
                    {
                        "date": datetime.date(2026, 1 + k % 12, 1 + k % 28),
                        "category": categories[k % len(categories)],
                        "text": "<p>委员接待群众，收集意见建议。</p>",
                        "station_id": station.pk,
                    },
                )
                for k in range(have, posts)
            ],
        )


def pages():
    """(label, url) of each page measured, on the site as it is now."""
    from content.models import NUMBERED_PAGES, StoryIndexPage, WorkstationPage

    index = StoryIndexPage.objects.get()
    stories = index.stories()
    count = stories.count()
    last = max(1, -(-count // index.per_page))
    deep = [("委员风采 deep (offset)", f"{index.url}?page={last}")]
    if last > NUMBERED_PAGES:
        edge = stories[(last - 1) * index.per_page - 1]
        deep.insert(0, ("委员风采 deep (key)", f"{index.url}?before={edge.date.isoformat()}.{edge.pk}&page={last}"))
    station = WorkstationPage.objects.live().order_by("pk").first()
    return [
        ("委员风采 page 1", index.url),
        *deep,
        ("RSS feed", f"{index.url}feed/"),
        ("API stories fields=*", "/api/v2/pages/?type=content.StoryPage&fields=*"),
        ("API station posts", f"/api/v2/pages/?type=content.WorkstationPostPage&workstation={station.pk}"),
        ("委员工作室 workstation", station.url),
    ]


def measure(runs):
    """{label: (queries, warm median ms, cold ms)} for each page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lianxin_site.cache import clear_public_cache

    client = Client()
    found = {}
    for label, url in pages():

        def get(url=url):
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)

        clear_public_cache()
        start = time.perf_counter()
        get()
        cold = (time.perf_counter() - start) * 1000
        with CaptureQueriesContext(connection) as queries:
            get()
        found[label] = (len(queries), *warm_ms(get, runs), cold)
    return found


def warm_ms(get, runs):
    """(median wall-clock ms, median CPU ms of this process) over `runs` requests after one to warm
    up. The machine is shared: the CPU time does not count the time other jobs held the cores, so
    it shows whether a page's own work grows when the wall clock swings with the load."""
    get()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        get()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def settle():
    """Fold the bulk inserts' write-ahead log into the database file, as a site that was not just
    bulk-loaded has it: reads otherwise look each page up in a log of hundreds of megabytes."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--posts", type=int, nargs="+", default=[50, 500, 5_000], help="posts a station")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="build the site in DIR and keep it there; a later run with the same DIR starts from the site "
        "already built (to look at its queries, or to measure again without building)",
    )
    args = parser.parse_args()
    if len(args.stories) != len(args.posts):
        parser.error("--stories and --posts name the same number of steps")

    os.environ["CACHE_MIDDLEWARE_SECONDS"] = "0"  # pages are rendered, not served from the page cache
    if args.keep:
        workdir = args.keep.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        built = (workdir / "bench.sqlite3").exists()
    else:
        (workdir, database_url), built = fresh_database(), False
    use_site(database_url, workdir)
    from django.conf import settings
    from django.core.management import call_command

    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    call_command("migrate", verbosity=0)
    from content.demo import seed_content
    from content.models import WorkstationPage, WorkstationPostPage
    from people.demo import seed_members, seed_reference_data

    if not built:
        seed_reference_data()
        seed_members()
        seed_content()
    stations = WorkstationPage.objects.count()

    results = []
    for stories, posts in zip(args.stories, args.posts, strict=True):
        start = time.perf_counter()
        grow(stories, posts)
        settle()
        total_posts = WorkstationPostPage.objects.count()
        print(
            f"built {stories:,} stories, {posts:,} posts × {stations} stations ({total_posts:,} posts) "
            f"in {time.perf_counter() - start:.0f}s",
            flush=True,
        )
        results.append((stories, posts, measure(args.runs)))

    labels = list(results[-1][2])
    sizes = "  ".join(f"{f'{s:,}/{p:,}':>26}" for s, p, _ in results)
    print(f"\n{'warm median ms (CPU ms)':<26}  {sizes}   {'largest/smallest':>16}")
    print(f"{'q = queries':<26}  " + "  ".join(f"{'stories/posts':>26}" for _ in results))
    for label in labels:
        cells, first, last = [], None, None
        for _s, _p, found in results:
            if label not in found:
                cells.append(f"{'—':>26}")
                continue
            queries, ms, cpu, cold = found[label]
            cells.append(f"{f'{queries} q {ms:6.1f} ({cpu:5.1f}) ms':>26}")
            first = first or (queries, ms, cpu)
            last = (queries, ms, cpu)
        ratio = f"{last[1] / first[1]:.2f}x ms ({last[2] / first[2]:.2f}x cpu), {last[0]}/{first[0]} q" if first else ""
        print(f"{label:<26}  " + "  ".join(cells) + f"   {ratio:>16}")
    print("\ncold (first request after a publish cleared the public cache), ms:")
    for label in labels:
        cells = "  ".join(f"{found[label][3]:>26.1f}" if label in found else f"{'—':>26}" for *_x, found in results)
        print(f"{label:<26}  {cells}")


if __name__ == "__main__":
    main()
