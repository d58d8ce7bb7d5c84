"""Settings shared by every mode. Everything that differs between machines comes from
environment variables, so the same code runs on a laptop (SQLite) and in production
(PostgreSQL via DATABASE_URL)."""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def public_url(value):
    """The site's public address as scheme://host[:port], checked. Wagtail's Site keeps only a
    hostname and a port and reads https from port 443, so https must use the default port."""
    parts = urlsplit(value.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1 or parts.path.strip("/"):
        raise ImproperlyConfigured(f"PUBLIC_URL 应为网站对外地址，如 https://zx.example.gov.cn（现为 {value!r}）。")
    if parts.scheme == "https" and port not in (None, 443):
        raise ImproperlyConfigured("PUBLIC_URL 使用 https 时只能用默认端口 443。")
    return f"{parts.scheme}://{parts.netloc}"


INSTALLED_APPS = [
    "lianxin_site",
    "people",
    "content",
    "forms_app",
    "results",
    "performance",
    "contacts",
    "stations",
    "intake",
    "schedule",
    "notices",
    "handbook",
    "jobs",
    "captcha",
    "django_tasks",
    "django_tasks_db",
    "wagtail_modeladmin",
    "wagtail.api.v2",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "import_export",
    "formtools",
    # wagtail-modeladmin uses its list helpers; its URLs are not routed.
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Wagtail's admin says 「5分钟以前」 through humanize: only an installed app loads its Chinese.
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.cache.UpdateCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors without cookies get cached pages before the rest of the stack runs;
    # everyone else passes straight through (lianxin_site/cache.py).
    "lianxin_site.cache.AnonymousFetchFromCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lianxin_site.accounts.FrontEndAccountsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lianxin_site.middleware.BusyDatabaseMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its Chinese page.
    "axes.middleware.AxesMiddleware",
]

# Four caches, each with one job (production.py puts default, pages, renditions and sessions in Redis,
# so that every app server on every host shares them):
# - default: short-lived shared state (a background job's progress); files on this host, shared by all
#   its worker processes.
# - pages: the anonymous page cache and what is derived from the published pages (the section links,
#   a story index's years), cleared whole on publish, unpublish, move and roster change
#   (lianxin_site/cache.py); its own folder, so that clearing it touches nothing else.
# - renditions: Wagtail's rendition cache (which file each {% image %} size is), read before the
#   database; process memory here, instead of a file written per image per visit.
# - fragments: pieces keyed by a hash of their own content (an iCal event's text: schedule/feeds.py).
#   A key never goes stale, so it is not cleared on publish, and each process may keep its own copy.
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / ".cache"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / "default"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / "pages"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_SECONDS = int(os.environ.get("CACHE_MIDDLEWARE_SECONDS", 300))
CACHE_MIDDLEWARE_KEY_PREFIX = "lianxin"

ROOT_URLCONF = "lianxin_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianxin_site.committee.context",
            ],
        },
    },
]

WSGI_APPLICATION = "lianxin_site.wsgi.application"

# SQLite by default; PostgreSQL (production) whenever DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people acting at once on SQLite: each write transaction takes the write lock when it
    # begins (IMMEDIATE), so the second waits for the first instead of failing with "database is
    # locked" halfway; WAL lets pages be read meanwhile; the wait is capped by the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Uploads that are not for the public (rosters, spreadsheets, attachments): a folder the web
# server never serves, outside MEDIA_ROOT; views hand them out after checking the role
# (lianxin_site/storage.py). `manage.py check` refuses a PRIVATE_ROOT inside MEDIA_ROOT.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "lianxin_site.storage.PrivateStorage", "OPTIONS": {"location": PRIVATE_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

AUTHENTICATION_BACKENDS = [
    "lianxin_site.auth.LoginThrottleBackend",  # django-axes: refuses locked-out logins first
    "django.contrib.auth.backends.ModelBackend",
]
# Six wrong passwords in a row lock the account for 15 minutes (each try during the lock starts
# the 15 minutes again); a good login clears the count. An address is locked only after many more
# wrong passwords across accounts (someone trying names), so that one person's typos do not lock
# out a whole office behind one shared address (lianxin_site/auth.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 6))
ADDRESS_FAILURE_LIMIT = int(os.environ.get("ADDRESS_FAILURE_LIMIT", 30))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username"]
# django-axes warns when addresses are not in its lockout parameters; here the address lock is our
# own (LoginThrottleBackend counts an address's failures across accounts), so the warning is moot.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lianxin_site.auth.lockout_response"
AXES_VERBOSE = False

# Every front-end view meets an anonymous user the same way: @login_required (or the wizards'
# LoginRequiredMixin) sends them to the front end's login page, which brings them back.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_home"
# Pages and documents open to logged-in users only (the 委员履职手册) send visitors to the same page,
# not to Wagtail's own login form at /_util/login/.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL

# Uploaded rosters can be large spreadsheets.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_UPLOAD_MAX_BYTES = int(os.environ.get("ROSTER_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))
ROSTER_MAX_ROWS = int(os.environ.get("ROSTER_MAX_ROWS", 200_000))
# A roster with more rows than this is previewed and imported by the worker (jobs/), the admin
# watching a progress bar; smaller files stay inside the request.
ROSTER_WORKER_ROWS = int(os.environ.get("ROSTER_WORKER_ROWS", 5_000))
# An .xlsx upload may unpack to at most this much before it is refused unread (lianxin_site/uploads.py).
UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("UPLOAD_MAX_UNPACKED_BYTES", 256 * 1024 * 1024))
# A 履职成果 attachment (a proposal's text, a report) may be at most this large (results/rules.py).
RESULT_ATTACHMENT_MAX_BYTES = int(os.environ.get("RESULT_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
# A 履职成果 import file (results/sheets.py): its size as uploaded, and its rows.
RESULTS_UPLOAD_MAX_BYTES = int(os.environ.get("RESULTS_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
RESULTS_IMPORT_MAX_ROWS = int(os.environ.get("RESULTS_IMPORT_MAX_ROWS", 50_000))
# A 签到表 (sign-in sheet) of one 履职活动 (performance/sheets.py), as uploaded.
SIGN_IN_UPLOAD_MAX_BYTES = int(os.environ.get("SIGN_IN_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))

# The committee's name as it heads its paper forms.
# Whose platform this is: the district (or city, province), the committee's level, and its name
# as it heads the paper forms. Headings that depend on the level (the 附件2 table is filled by
# the bodies one level down) follow lianxin_site/committee.py.
COMMITTEE_DISTRICT = os.environ.get("COMMITTEE_DISTRICT", "东城区")
COMMITTEE_LEVEL = os.environ.get("COMMITTEE_LEVEL", "区")  # 省, 市, 区 or 县
COMMITTEE_NAME = os.environ.get("COMMITTEE_NAME", f"{COMMITTEE_DISTRICT}政协")

WAGTAIL_SITE_NAME = "连心 · 区政协委员联系群众平台"
# The one public address: canonical links, share cards, feeds, the sitemap and the API all
# read it (content/site_url.py keeps the default Wagtail Site in step). Required in production.
PUBLIC_URL = public_url(os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000"))
WAGTAILADMIN_BASE_URL = PUBLIC_URL
WAGTAILAPI_BASE_URL = PUBLIC_URL
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# Documents go out only through Wagtail's view at /documents/<id>/<name>, which checks the collection's
# restriction (the 委员履职手册 are for logged-in users) and streams the file: never a redirect to
# /media/documents/, which nginx refuses (deploy/nginx.conf) and the dev server does not serve (urls.py).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Every document form of the admin refuses to change a published 《委员履职手册》 or to put a document
# into its collection: only publishing writes them (handbook/protection.py).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "handbook.protection.HandbookDocumentForm"
# PostgreSQL's "simple" configuration: no English stemming; Chinese is indexed as
# bigrams by content/cjk.py, which both databases then match the same way.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}}

# Background work (mail, reminders, Wagtail's own index and reference updates) runs in the worker,
# `manage.py db_worker`, which reads its queue from the database: no other server. Tests run tasks
# at once (ImmediateBackend, settings/test.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job's worker writes a heartbeat this often; a job whose heartbeat is older than
# JOBS_STALE_SECONDS reads 任务中断 and may be run again (jobs/services.py).
JOBS_HEARTBEAT_SECONDS = int(os.environ.get("JOBS_HEARTBEAT_SECONDS", 5))
JOBS_STALE_SECONDS = int(os.environ.get("JOBS_STALE_SECONDS", 60))

# Mail: the console in development; SMTP from the environment in production (settings/production.py).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{COMMITTEE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# 委员信箱 and the other public forms (intake/public.py). The CAPTCHA is django-simple-captcha:
# Pillow draws it with the package's own font and its answers live in its own table.
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_IMAGE_SIZE = (120, 44)
CAPTCHA_FONT_SIZE = 30
# How many proxies in front of the site append to X-Forwarded-For (nginx: 1). 0 trusts none and
# reads REMOTE_ADDR, so a client cannot choose its own address for the submission limits.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Whether Django itself serves uploaded files (dev and tests only).
SERVE_MEDIA = False

# A mail the server refused is tried again by a new task this many seconds later (3 retries, then
# 发送失败 for 系统管理员: notices/tasks.py).
NOTICES_RETRY_SECONDS = int(os.environ.get("NOTICES_RETRY_SECONDS", "60"))
