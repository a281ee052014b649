"""KSTT settings: one module, read from the environment (see docs/it/configuration.md)."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from kstt import conf

BASE_DIR = Path(__file__).resolve().parent.parent

KSTT_ENV = conf.env_choice("KSTT_ENV", ("development", "production"), default="development")
PRODUCTION = KSTT_ENV == "production"
DEBUG = conf.env_bool("KSTT_DEBUG", default=not PRODUCTION)
SECRET_KEY = conf.secret_key(production=PRODUCTION)
ALLOWED_HOSTS = conf.env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = conf.env_list("CSRF_TRUSTED_ORIGINS", [])

#: Where the shared reference data lives (units, procedure fields) for the demo and tests.
KSTT_SHARED_DATA = Path(conf.env_str("KSTT_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))
#: The province's time zone: every date rule is judged in it (rules.md). Storage is UTC.
KSTT_TIME_ZONE = conf.env_str("KSTT_TIME_ZONE", "Asia/Ho_Chi_Minh")
#: A fixed instant for the one clock (kstt.clock) in training and demos; None for the real time.
#: Production refuses it (check --deploy, kstt/checks.py).
KSTT_CLOCK = conf.env_instant("KSTT_CLOCK")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "axes",
    "kstt.audit",
    "kstt.units",
    "kstt.accounts",
    "kstt.catalogue",
    "kstt.incidents",
    "kstt.reports",
    "kstt.compliance",
    "kstt.dossiers",
    "kstt.compilation",
    "kstt.exports",
    "kstt.notifications",
    "kstt.demo",
    "kstt.backup",
    "django_tasks",
    "django_tasks.backends.database",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kstt.middleware.ChosenLanguageMiddleware",
    "kstt.middleware.RequestSizeLimit",  # before anything reads a body (CsrfViewMiddleware reads form posts)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kstt.urls"
WSGI_APPLICATION = "kstt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kstt" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kstt.accounts.context_processors.navigation",
                "kstt.notifications.context_processors.bell",
                "kstt.reports.context_processors.review",
                "kstt.browser_texts.browser_texts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        conf.env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=conf.env_int("KSTT_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        # A kept connection is checked before a request reuses it: after the database restarted, the first
        # request reconnects instead of failing on the dead connection (docs/it/faults.md).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every transaction takes SQLite's write lock when it begins (BEGIN IMMEDIATE), and a writer waits up to
    # KSTT_SQLITE_TIMEOUT seconds for it: two submits at once are then one after the other, as PostgreSQL's row
    # locks make them, instead of "database is locked" when a reading transaction tries to write (issue 13, 9).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=conf.env_int("KSTT_SQLITE_TIMEOUT", 20)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = conf.env_int("KSTT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=conf.env_int("KSTT_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kstt" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
#: dd/mm/yyyy and dd/mm/yyyy HH:MM in every language, shown and typed (kstt/formats/).
FORMAT_MODULE_PATH = ["kstt.formats"]

STATIC_URL = "static/"
#: collectstatic's target; production serves it through WhiteNoise. Development serves from the finders.
STATIC_ROOT: Path | None = (
    Path(conf.env_str("KSTT_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
    if PRODUCTION or conf.env_str("KSTT_STATIC_ROOT", "")
    else None
)
#: Front-end assets come from the npm registry (package.json), never a CDN.
STATICFILES_DIRS: list[tuple[str, Path] | Path] = [
    BASE_DIR / "kstt" / "static",  # the project's own assets (kstt/app.css); kstt itself is not an app
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),  # the compliance dashboard's chart
]
#: Development (`make run` included, which serves with DEBUG off to show the error pages people see): WhiteNoise
#: serves the assets from the finders, looked up per request, so no collectstatic and edits show at once.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(conf.env_str("KSTT_MEDIA_ROOT", str(BASE_DIR / "media")))

REST_FRAMEWORK = {
    # The token first: a request with neither answers 401 naming the Token scheme (WWW-Authenticate), not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Systems: `Authorization: Token <key>`, keys from `kstt create-token USER` (expiring, revocable).
        "kstt.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "kstt.api_errors.handle",
    # One JSON parser for the whole API: the size limit, UTF-8, the nesting depth, no lone surrogates.
    "DEFAULT_PARSER_CLASSES": [
        "kstt.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "kstt.api_paging.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KSTT API",
    "DESCRIPTION": "Reporting information system for administrative procedure control.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its browser need a login, a session or a token (README, API): anonymous, /api/schema/
    # answers 401 and /api/docs/ sends the browser to the login page (kstt/api_errors.py).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Every error answer documented in the one shape, the parameters' bounds (kstt/api_schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "kstt.api_schema.document_errors"],
}

#: How many days an API token made by `kstt create-token` is valid when --days is not given.
KSTT_API_TOKEN_DAYS = conf.env_int_between("KSTT_API_TOKEN_DAYS", 365, low=1, high=3650)

#: The signed narrative document of a report (kstt/reports/documents.py): its size limit, and the root
#: certificates (PEM or DER files, comma-separated paths) its signatures are checked against; none: not checked.
KSTT_MAX_DOCUMENT_BYTES = conf.env_int("KSTT_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024)
KSTT_DOCUMENT_TRUST_ROOTS = conf.env_list("KSTT_DOCUMENT_TRUST_ROOTS", [])

#: The largest request body (JSON, a form post): a pushed batch of 10,000 dossier records is a few MB of JSON.
#: A multipart upload may be up to KSTT_MAX_UPLOAD_BYTES (five appeal files of 10 MB, a signed PDF), its form
#: fields within KSTT_MAX_REQUEST_BYTES. Over either: 413 (kstt.middleware.RequestSizeLimit, kstt/api_parsers.py).
KSTT_MAX_REQUEST_BYTES = conf.env_int("KSTT_MAX_REQUEST_BYTES", 16 * 1024 * 1024)
KSTT_MAX_UPLOAD_BYTES = conf.env_int("KSTT_MAX_UPLOAD_BYTES", 64 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = KSTT_MAX_REQUEST_BYTES
#: The longest text of one narrative section (characters; a line break counts one): saving a longer one is refused.
KSTT_MAX_SECTION_CHARS = conf.env_int("KSTT_MAX_SECTION_CHARS", 50_000)

#: Every uploaded ZIP archive (the form 06 workbook, an appeal's office files) is checked before it is read
#: (kstt/archives.py): at most so many members, each unpacking to at most so many bytes, all of them to at
#: most so many, and none packed tighter than the ratio (a zip bomb). A form 06 workbook unpacks to ~40 kB.
KSTT_ARCHIVE_MAX_MEMBERS = conf.env_positive("KSTT_ARCHIVE_MAX_MEMBERS", 1000)
KSTT_ARCHIVE_MAX_MEMBER_BYTES = conf.env_positive("KSTT_ARCHIVE_MAX_MEMBER_BYTES", 32 * 1024 * 1024)
KSTT_ARCHIVE_MAX_BYTES = conf.env_positive("KSTT_ARCHIVE_MAX_BYTES", 64 * 1024 * 1024)
KSTT_ARCHIVE_MAX_RATIO = conf.env_positive("KSTT_ARCHIVE_MAX_RATIO", 100)

# The background worker (`kstt worker`): the django-tasks backport of django.tasks, its database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

#: Reminders (kstt/notifications/rules.py): days before the deadline, and days after it, on which the
#: unit is reminded (none: no such reminders); how often the worker looks for reminders due (seconds).
KSTT_REMINDER_DAYS_BEFORE = conf.env_days("KSTT_REMINDER_DAYS_BEFORE", (7, 3, 1), low=0, high=60)
KSTT_REMINDER_DAYS_AFTER = conf.env_days("KSTT_REMINDER_DAYS_AFTER", (1,), low=1, high=365)
KSTT_REMINDER_INTERVAL = conf.env_seconds("KSTT_REMINDER_INTERVAL", 600)
#: Every `kstt worker` records it is alive every KSTT_WORKER_HEARTBEAT seconds; the health endpoint (/health/)
#: calls the worker stale when the newest heartbeat is older than KSTT_WORKER_STALE_SECONDS.
KSTT_WORKER_HEARTBEAT = conf.env_seconds("KSTT_WORKER_HEARTBEAT", 30)
KSTT_WORKER_STALE_SECONDS = conf.env_seconds("KSTT_WORKER_STALE_SECONDS", 180)
#: The health endpoint calls the disk low when the file system of MEDIA_ROOT has less free space than this.
KSTT_HEALTH_MIN_FREE_BYTES = conf.env_positive("KSTT_HEALTH_MIN_FREE_BYTES", 1024 * 1024 * 1024)
#: Quiet hours (local time, KSTT_TIME_ZONE): no reminder is sent from KSTT_QUIET_FROM until KSTT_QUIET_UNTIL
#: (across midnight when FROM is later than UNTIL); the first run after it sends what waited. Equal: none.
KSTT_QUIET_FROM = conf.env_clock_time("KSTT_QUIET_FROM", time(17, 30))
KSTT_QUIET_UNTIL = conf.env_clock_time("KSTT_QUIET_UNTIL", time(7, 30))
#: Reviewers' own deadline (rules.md §5): a submitted version is to be reviewed within so many calendar days
#: (by the end of the local day that many days after the day it was submitted); later it is overdue for review.
KSTT_REVIEW_DAYS = conf.env_int_between("KSTT_REVIEW_DAYS", 10, low=1, high=365)
#: The address the links of e-mails start with.
KSTT_BASE_URL = conf.env_url("KSTT_BASE_URL", "http://127.0.0.1:8000")

# E-mail (reminders): SMTP in production; the console in development unless EMAIL_HOST or KSTT_EMAIL_BACKEND
# says otherwise (kstt.conf.email_backend), so a developer never sends a real e-mail by accident.
EMAIL_BACKEND = conf.email_backend(production=PRODUCTION)
EMAIL_HOST = conf.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = conf.env_port("EMAIL_PORT", 25)
EMAIL_HOST_USER = conf.env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = conf.env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = conf.env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = conf.env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = conf.env_seconds("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = conf.env_str("KSTT_EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = conf.env_email("DEFAULT_FROM_EMAIL", "KSTT <kstt@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Every cookie KSTT sets (session, csrftoken, django_language) is SameSite=Lax, and Secure in production.
SESSION_COOKIE_HTTPONLY = True
#: The Content-Security-Policy of every response (django-csp): scripts and styles only from KSTT's own static
#: files, never inline (no 'unsafe-inline', no 'unsafe-eval', no nonce needed), nothing from another site, no
#: framing. Images may be data: URIs (Bootstrap's and Swagger UI's icons are SVG data in their CSS). The API
#: docs take their start-up script from a separate URL (SpectacularSwaggerSplitView). kstt/tests/test_csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it; the language menu posts to Django's set_language
SESSION_COOKIE_AGE = conf.env_int("KSTT_SESSION_SECONDS", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = conf.env_bool("KSTT_SSL_REDIRECT", True)
    # The health endpoint answers plain HTTP too, for a monitor on the machine or behind the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = conf.env_int("KSTT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = conf.env_bool("KSTT_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True

# HSTS preload is a commitment a province makes for its own domain (KSTT_HSTS_PRELOAD), not a default.
SILENCED_SYSTEM_CHECKS = [] if conf.env_bool("KSTT_HSTS_PRELOAD", False) else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": conf.env_str("KSTT_LOG_LEVEL", "INFO")},
    # pyHanko logs every untrusted or altered signature as a warning with a traceback; the narrative
    # document's check (kstt/reports/documents.py) records that outcome itself, for the reviewer.
    "loggers": {"pyhanko": {"level": "ERROR"}, "pyhanko_certvalidator": {"level": "ERROR"}},
}
# Swagger UI from the npm package swagger-ui-dist (package.json), served locally: offices are offline.
SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"] = f"/{STATIC_URL}vendor/swagger-ui"
SPECTACULAR_SETTINGS["SWAGGER_UI_FAVICON_HREF"] = f"/{STATIC_URL}vendor/swagger-ui/favicon-32x32.png"
STATICFILES_DIRS.append(("vendor/swagger-ui", BASE_DIR / "node_modules" / "swagger-ui-dist"))
