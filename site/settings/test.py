import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-lianxin"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="lianxin-test-media-")
PRIVATE_ROOT = tempfile.mkdtemp(prefix="lianxin-test-private-")
STORAGES = {**STORAGES, "private": {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_ROOT}}}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inside the call that enqueues them; the worker tests start `db_worker` themselves
# with the database backend (tests/test_notices_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Serve static files from the app folders (no collectstatic outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Every cache in process memory: the tests need no Redis and no folder (each alias its own store).
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
    for alias in ("default", "pages", "renditions", "fragments")
}

SERVE_MEDIA = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than Django's shared in-memory database: threads in the concurrency tests
    # then lock and wait exactly as two requests do on a real SQLite site.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.mkdtemp(prefix="lianxin-test-db-"), "test.sqlite3")}  # noqa: F405

# The worker tests (tests/test_notices_worker.py) start `manage.py db_worker` as a separate process
# on the test database they are using: these variables, set only for that child, name it and switch
# the child to the database task backend and to a file or SMTP mailbox.
NOTICES_RETRY_SECONDS = 0  # a failed send is retried by the next task at once (the worker's --batch run sees it)
if os.environ.get("LIANXIN_TEST_DB"):
    DATABASES["default"]["NAME"] = os.environ["LIANXIN_TEST_DB"]  # noqa: F405
if os.environ.get("LIANXIN_TASKS_DB"):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if os.environ.get("LIANXIN_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["LIANXIN_EMAIL_FILE_PATH"]
if os.environ.get("LIANXIN_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["LIANXIN_SMTP_PORT"])
    EMAIL_TIMEOUT = 10
