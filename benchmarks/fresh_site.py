"""What the benchmarks share: a throwaway Django site (a fresh SQLite database, cache, media and
private folders in a temporary directory, the dev settings without DEBUG, migrated), and the
median of timed runs."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_site(database_url, workdir):
    """Set Django up on `database_url`, with the cache and files under `workdir`, DEBUG off."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["CACHE_DIR"] = str(workdir / "cache")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["PRIVATE_ROOT"] = str(workdir / "private")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lianxin_site.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def recreate_postgres(url):
    """Drop and create the database named in `url`, connecting to the server's `postgres` database."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def fresh_database(postgres=None):
    """(workdir, database URL): a temporary folder, and the PostgreSQL database named by
    `postgres` dropped and created again, or a new SQLite file in the folder."""
    workdir = Path(tempfile.mkdtemp(prefix="lianxin-bench-"))
    if postgres:
        recreate_postgres(postgres)
        return workdir, postgres
    return workdir, f"sqlite:///{workdir / 'bench.sqlite3'}"


def fresh_site():
    workdir, database_url = fresh_database()
    use_site(database_url, workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def median_ms(fn, runs):
    """Call `fn` once to warm it, then `runs` times; the median in milliseconds."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --- a page beside its floor: the same template and context rendered by a plain view

FLOOR = "/floor/"
_floor = {}


def floor_view(request):
    """A plain view: the captured template and context, rendered, nothing counted."""
    from django.shortcuts import render

    return render(request, _floor["template"], _floor["context"])


def route_floor():
    """Serve floor_view at FLOOR, behind the site's own middleware."""
    from django.urls import clear_url_caches, path

    from lianxin_site import urls

    if not any(getattr(p, "callback", None) is floor_view for p in urls.urlpatterns):
        urls.urlpatterns.insert(0, path(FLOOR.lstrip("/"), floor_view))
        clear_url_caches()


def capture(module, client, url):
    """GET `url` once, keeping the template and context the view in `module` hands to render()."""
    original = module.render

    def spy(request, template, context=None, *args, **kwargs):
        _floor.update(template=template, context=context)
        return original(request, template, context, *args, **kwargs)

    module.render = spy
    try:
        response = client.get(url)
    finally:
        module.render = original
    assert response.status_code == 200, (url, response.status_code)


def page_and_floor(module, client, url, runs):
    """(ms for `url`, ms for the same template and context from floor_view), medians."""
    route_floor()
    capture(module, client, url)

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return median_ms(lambda: get(url), runs), median_ms(lambda: get(FLOOR), runs)


def display_width(text):
    """Columns `text` takes in a terminal: Chinese characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_figures(figures):
    """[(name, value)] as two aligned columns."""
    width = max(display_width(name) for name, _ in figures)
    for name, value in figures:
        print(f"{name}{' ' * (width - display_width(name))}  {value}")
