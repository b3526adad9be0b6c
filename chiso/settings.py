"""Settings, read from the environment in this one file (see README, "Cấu hình").

DATABASE_URL   default: SQLite file var/chiso.sqlite3 (WAL); e.g. postgres://u:p@host/db
SECRET_KEY     required when DEBUG is off
DEBUG          "1"/"true" for development; off by default
ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost
CHISO_MEDIA_ROOT  where evidence files are stored; default var/media
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CHISO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
DEFAULT_SECRET_KEY = "chiso-insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
TESTING = "pytest" in sys.modules
# Production (DEBUG off) must never run with the well-known development key: sessions and
# password-reset tokens would be forgeable. Tests and management commands that only
# prepare the system (migrate, demo, collectstatic) may run with it.
_PREPARE_COMMANDS = {"migrate", "collectstatic", "compilemessages", "makemessages", "check",
                     "demo", "makemigrations", "test", "index", "createsuperuser", "shell"}
if (not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY and not TESTING
        and not env_bool("CHISO_ALLOW_DEFAULT_SECRET")
        and not (len(sys.argv) > 1 and sys.argv[1] in _PREPARE_COMMANDS)):
    raise ImproperlyConfigured(
        "SECRET_KEY chưa được đặt: không thể chạy ở chế độ production với khóa mặc định. "
        "Đặt biến môi trường SECRET_KEY (hoặc DEBUG=1 khi phát triển). / "
        "SECRET_KEY is not set: refusing to run in production with the default key."
    )

ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
if TESTING:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "chiso.lib",
    "chiso.orgs",
    "chiso.metrics",
    # ninja is listed so that its docs page uses its bundled Swagger UI files instead of
    # a CDN (government networks are often closed).
    "ninja",
    "chiso.api",
    "chiso.rounds",
    "chiso.assessments",
    "chiso.plans",
    "chiso.dashboards",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chiso.urls"
WSGI_APPLICATION = "chiso.wsgi.application"
ASGI_APPLICATION = "chiso.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chiso.orgs.context_processors.workspace",
            ],
        },
    },
]

# Database: SQLite (WAL) by default so that `make demo` needs no server; PostgreSQL via
# DATABASE_URL in production and in the second half of `make test`.
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # whitenoise warns when STATIC_ROOT is missing
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chiso.sqlite3'}"),
        # 0: served by uvicorn (ASGI), Django opens connections in worker threads, and
        # persistent ones would pile up, one per thread (Django's docs advise against them
        # under ASGI).
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while one writer writes; IMMEDIATE transactions take the
        # write lock up front so concurrent writers queue (up to `timeout` seconds)
        # instead of failing with "database is locked" half-way through.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    if TESTING:
        # A test database in a file, not Django's shared in-memory one: there, SQLite
        # locks whole tables between connections and fails at once ("database table is
        # locked") instead of waiting, so a background job's thread and the test (or the
        # live server) reading the same table fail at random. A file has WAL and the busy
        # timeout, as in production. One file per process (pytest-xdist workers).
        import tempfile

        DATABASES["default"]["TEST"] = {
            "NAME": str(Path(tempfile.gettempdir()) / f"chiso-test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; the slow hashers add nothing to what the tests prove.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # the dashboard for leaders, else home (orgs.navigation)
LOGOUT_REDIRECT_URL = "login"

# Sessions and cookies: secure by default; DEBUG (plain http on 127.0.0.1) relaxes only
# the https-only flags.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_COOKIE_SECURE = env_bool("CHISO_SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # htmx gets the token from the page (hx-headers), never the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and SESSION_COOKIE_SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))

# Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["chiso.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from the npm registry (package.json) at set-up, never a CDN.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

MEDIA_ROOT = Path(os.environ.get("CHISO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: evidence goes through permission checks
CHISO_EVIDENCE_MAX_MB = int(os.environ.get("CHISO_EVIDENCE_MAX_MB", "20"))  # per evidence file

# E-mail (reminders, escalations, digests). With no EMAIL_HOST the messages go to the
# console, as in the demo; set EMAIL_HOST (and the rest) to send through a real server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chiso <khong-tra-loi@chiso.invalid>")
# The address people reach the app at, for links in e-mails.
CHISO_SITE_URL = os.environ.get("CHISO_SITE_URL", "http://127.0.0.1:8000")

# Background work (imports of large files) through django-tasks, see docs/import-jobs.md.
# CHISO_TASKS_BACKEND: thread (default: a daemon thread of the server process), database
# (django-tasks-db; run `chiso db_worker` beside the server) or immediate (in the request).
TASK_BACKENDS = {"thread": "chiso.lib.tasks.ThreadBackend",
                 "database": "django_tasks_db.DatabaseBackend",
                 "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
_tasks_backend = os.environ.get("CHISO_TASKS_BACKEND", "thread")
if _tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"CHISO_TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks_backend]}}
# Uploads larger than this (bytes) are imported as a background job with a progress bar.
CHISO_IMPORT_BACKGROUND_BYTES = int(os.environ.get("CHISO_IMPORT_BACKGROUND_BYTES", 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
