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


def fresh_site():
    workdir = Path(tempfile.mkdtemp(prefix="lianxin-bench-"))
    use_site(f"sqlite:///{workdir / 'bench.sqlite3'}", workdir)
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
