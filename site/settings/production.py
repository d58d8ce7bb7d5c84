"""Production: every secret and host comes from the environment; HTTPS everywhere.

Required: SECRET_KEY, ALLOWED_HOSTS (comma separated), DATABASE_URL (PostgreSQL), PUBLIC_URL.
Shared state: REDIS_URL (default redis://127.0.0.1:6379), one Redis for every app server.
Mail: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS/SSL, DEFAULT_FROM_EMAIL.
`DJANGO_SETTINGS_MODULE=lianxin_site.settings.production python manage.py check --deploy`
is clean with those set.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("生产环境必须设置环境变量 SECRET_KEY。")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境必须设置环境变量 ALLOWED_HOSTS（逗号分隔的域名）。")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Cookies only over https; SECURE_COOKIES=0 only for a cluster on the loopback over plain http
# (bin/cluster), where a browser would otherwise never send them back.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Wagtail shows page previews in a same-origin iframe, which DENY would break.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W019"]  # noqa: F405

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind the reverse proxy (nginx), the client's address is the last one it appends to
# X-Forwarded-For: django-axes locks that address, not the proxy's.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", 1))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# The same proxy count for the public forms' per-address limits (intake/public.py): without it
# every citizen would share nginx's address and one limit.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", AXES_IPWARE_PROXY_COUNT))

# Mail goes out through the committee's SMTP server, from the worker only (notices/tasks.py).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))

# Shared state lives in Redis, so that every app server (gunicorn on one host or on several) sees the
# same: db 0 the short-lived shared state (job progress), db 1 the anonymous page cache (cleared whole
# on publish: lianxin_site/cache.py), db 2 Wagtail's renditions, db 3 the sessions. A session is also
# written to the database (cached_db), so a Redis restart logs nobody out.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")


def redis_cache(db, **options):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"{REDIS_URL}/{db}",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", **options},
    }


CACHES = {
    "default": redis_cache(0),
    # A page cache that cannot be reached serves the page from the database instead of a 500.
    "pages": redis_cache(1, IGNORE_EXCEPTIONS=True),
    "renditions": redis_cache(2, IGNORE_EXCEPTIONS=True),
    "sessions": redis_cache(3),
    "fragments": CACHES["fragments"],  # noqa: F405
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405

# The public address has a development default in base.py; production must name its own.
if not os.environ.get("PUBLIC_URL"):
    raise ImproperlyConfigured("生产环境必须设置环境变量 PUBLIC_URL（网站对外地址，如 https://zx.example.gov.cn）。")
