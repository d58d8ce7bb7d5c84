"""A throwaway Django site for a benchmark: a fresh SQLite database, cache and media folder in
a temporary directory, the dev settings without DEBUG, migrated."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fresh_site():
    workdir = Path(tempfile.mkdtemp(prefix="lianxin-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["CACHE_DIR"] = str(workdir / "cache")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lianxin_site.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    return workdir
