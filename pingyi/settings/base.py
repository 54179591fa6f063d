from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
# A `.env` file beside manage.py is read when present (docker compose passes its own).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_ratelimit",
    "csp",
    "axes",
    "auditlog",
    "core",
    "accounts",
    "notifications",
    "api",
    "departments",
    "campaigns",
    "issues",
    "scoring",
    "hotline",
    "rectification",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A query cancelled by the statement timeout answers 503 (core/database.py).
    "core.database.StatementTimeoutMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzip pages and JSON (BREACH-safe, see core/compression.py): below WhiteNoise, whose
    # static files are compressed ahead of time, above everything that touches the body.
    "core.compression.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Puts the signed-in user and the client address on every audit entry of the request.
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view: a malformed address (NUL, broken UTF-8, 2**70, 100 KB values)
    # answers 400 in Chinese instead of reaching a query (core/malformed.py).
    "core.malformed.MalformedInputMiddleware",
    # After sessions, auth and messages: a replayed one-time form token does nothing.
    "core.formtokens.FormTokenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.MatrixMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pingyi.urls"
WSGI_APPLICATION = "pingyi.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
            # {% form_token %} beside {% csrf_token %} in every state-changing form.
            "builtins": ["core.templatetags.formtokens"],
        },
    },
]

# Embedded default: a SQLite file beside manage.py; DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL cancels a statement that runs longer than its process kind allows (milliseconds,
# 0: no limit; see core/database.py and docs/operations.md). gunicorn.conf.py declares its
# processes "web"; a Celery worker switches itself to "worker" (pingyi/celery.py); everything
# else (manage.py commands, migrations) is a "command" and has no limit.
DB_STATEMENT_TIMEOUT_WEB = env.int("DB_STATEMENT_TIMEOUT_WEB", default=25_000)
DB_STATEMENT_TIMEOUT_WORKER = env.int("DB_STATEMENT_TIMEOUT_WORKER", default=1_800_000)
PROCESS_KIND = env("PINGYI_PROCESS", default="command")
if DATABASES["default"]["ENGINE"].endswith("postgresql") and PROCESS_KIND == "web":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DB_STATEMENT_TIMEOUT_WEB}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username/IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object rules (api/rules.py): user.has_perm("issues.view_keyissue", issue).
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Celery: with no broker configured, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # Daily reminders of due, overdue and silent rectification (each condition once).
    "rectification-reminders": {
        "task": "rectification.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Notifications (notifications/): the daily digest of held messages and staff inbox
    # counts (once a day per user: the digest's delivery key holds the date), and a sweep
    # that sends deliveries deferred by quiet hours or a robot's rate limit.
    "notifications-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    "notifications-inbox-reminders": {
        "task": "notifications.inbox_reminders",
        "schedule": crontab(hour=8, minute=15),
    },
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": crontab(minute="*/5"),
    },
    # "Closing soon" to members who have not voted in a selection vote or scoring session
    # with a planned closing time (once per session and member).
    "campaigns-closing-soon": {"task": "campaigns.closing_soon", "schedule": crontab(minute=7)},
    "scoring-closing-soon": {"task": "scoring.closing_soon", "schedule": crontab(minute=9)},
    # Export files are kept a day (core/exports.py); expired ones are deleted hourly.
    "exports-purge": {"task": "exports.purge", "schedule": crontab(minute=17)},
}
# Exports of more rows than this are built by a worker, with a progress page (core/exports.py).
EXPORT_DIRECT_ROWS = env.int("EXPORT_DIRECT_ROWS", default=5000)
EXPORT_TTL_HOURS = 24
CELERY_IMPORTS = ["core.tasks", "rectification.tasks", "notifications.tasks"]

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="pingyi@localhost")
# The site's address as people open it, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Rectification (rectification/): attachment size limit and reminder windows.
RECTIFICATION_MAX_UPLOAD_BYTES = env.int("RECTIFICATION_MAX_UPLOAD_MB", default=10) * 1024 * 1024
RECTIFICATION_DUE_SOON_DAYS = env.int("RECTIFICATION_DUE_SOON_DAYS", default=7)
RECTIFICATION_SILENT_DAYS = env.int("RECTIFICATION_SILENT_DAYS", default=14)

REST_FRAMEWORK = {
    # Systems send `Authorization: Token <key>` (api.ApiClient, with scopes); the browser
    # uses its session (with CSRF on writes).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PingyiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Public read endpoints per client address, and per account/token: enough for a big
    # screen polling every few seconds, not for scraping.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="120/min"),
        "user": env("API_USER_RATE", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "评议 pingyi API",
    "DESCRIPTION": "评议活动、票决结果、意见建议、重点整改问题、测评结果的只读接口；"
    "公开接口只提供公开页面上展示的内容。认证方式见 docs/api.md。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.only_v1"],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from our own origin, never
# inline. Every page's JavaScript lives in static/js/ and static/vendor/ (tests/security
# checks the templates for inline scripts, styles and on* handlers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Audit trail (django-auditlog): before/after as JSON, so entries can be filtered and
# exported field by field.
AUDITLOG_STORE_JSON_CHANGES = True

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for AXES_COOLOFF_MINUTES. Keyed on the pair so
# an attacker cannot lock a known user out from elsewhere just by guessing.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# Uploads (docs/security.md "Upload limits"): request bodies other than files are capped at
# 2.5 MB (Django's default, made explicit); files of requests above 5 MB go to a temporary
# file instead of memory. core.upload_handlers.LimitedUploadHandler enforces the limits while
# the body is read: a declared Content-Length above UPLOAD_MAX_REQUEST_MB is refused before
# anything is read (413), and a file above its view's limit (UPLOAD_MAX_FILE_MB unless the
# view sets its own: hotline files, attachments) is dropped as it streams in. Each form then
# gives its own message (suggestion import 20 MB, statements 10 MB, hotline files).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.upload_handlers.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_MB", default=20) * 1024 * 1024
# The whole body of one request; must leave room for the largest hotline file.
UPLOAD_MAX_REQUEST_BYTES = (
    env.int("UPLOAD_MAX_REQUEST_MB", default=env.int("HOTLINE_UPLOAD_MAX_MB", default=200) + 10)
    * 1024
    * 1024
)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# HTTPS hardening: on in production (see production.py), switchable for a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Cache: rate limits of the public suggestion form count requests here, and scoring keeps
# its recompute debouncing and one-recompute-at-a-time lock here (the public vote's own
# limits live in the database). The embedded default is per process; with several
# processes set CACHE_URL to Redis so every gunicorn worker and Celery worker shares it
# (CACHE_URL=redis://127.0.0.1:6379/1).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# django-ratelimit refuses LocMemCache (E003, "not shared") and warns about Django's own
# RedisCache (W001, "not officially supported", it works: atomic INCR). See the comment above.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_VIEW = "issues.views.rate_limited"
# Accepted public suggestions per client IP; hourly and daily windows.
SUGGESTION_RATE_LIMITS = env.list("SUGGESTION_RATE_LIMITS", default=["5/h", "20/d"])
# Proof of work of the public form: the client tries up to this many SHA-256 hashes
# (ALTCHA). 100,000 takes well under a second in a browser.
ALTCHA_MAX_NUMBER = env.int("ALTCHA_MAX_NUMBER", default=100_000)

# Seconds /healthz waits for the database or the broker before it calls it down.
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=2.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Public page cache (core/publiccache.py): anonymous public pages and the public API, kept
# until the campaign's publication generation moves. Several gunicorn workers must share it
# (CACHE_URL=redis://…): with a per-process cache a worker would keep serving a page that
# another worker's write changed. PUBLIC_CACHE_ENABLED=0 turns it off.
CACHES["public"] = {
    **env.cache("CACHE_URL", default="locmemcache://pingyi-public"),
    "KEY_PREFIX": "public",
}
PUBLIC_CACHE_ENABLED = env.bool("PUBLIC_CACHE_ENABLED", default=True)
# bench/web_load.py's baseline view /bench/bare/ (404 unless set).
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

# --- Scoring ---
# Recompute a campaign's score sheet this many seconds after the first input change (with a
# broker; without one staff press 重新计算).
SCORING_AUTO_RECOMPUTE = True
SCORING_RECOMPUTE_DELAY = env.int("SCORING_RECOMPUTE_DELAY", default=30)
# Public vote: the voter's identity is HMAC(VOTER_HASH_SECRET, phone number). Changing it
# mid-campaign lets every number vote again, so set it once and keep it.
VOTER_HASH_SECRET = env("VOTER_HASH_SECRET", default=f"voter-{SECRET_KEY}")
SMS_BACKEND = env("SMS_BACKEND", default="core.sms.ConsoleSmsBackend")
SMS_CODE_MINUTES = 10
SMS_CODE_MAX_ATTEMPTS = 5
SMS_CODES_PER_PHONE_HOUR = 5
SMS_CODES_PER_CLIENT_HOUR = env.int("SMS_CODES_PER_CLIENT_HOUR", default=20)
# Anomaly signals shown to staff (not automatic refusals).
PUBLIC_VOTE_BURST_PER_MINUTE = 10
PUBLIC_VOTE_NUMBERS_PER_CLIENT = 5
# Form submissions (code requests and ballots) of the public vote per client address.
PUBLIC_VOTE_POST_RATE_LIMITS = env.list("PUBLIC_VOTE_POST_RATE_LIMITS", default=["30/10m", "200/d"])

# --- Hotline (hotline/conf.py reads these) ---
# Rows per transaction in the import's READ and MERGE phases: 50,000 rows is about 12 MB of
# COPY text at a time and a progress step every half second on PostgreSQL.
HOTLINE_CHUNK_ROWS = env.int("HOTLINE_CHUNK_ROWS", default=50_000)
# Key of the caller hash; empty: no hash of the caller's number is kept.
HOTLINE_PHONE_SECRET = env("HOTLINE_PHONE_SECRET", default="")
# Upload limit of the import form, in MB.
HOTLINE_UPLOAD_MAX_MB = env.int("HOTLINE_UPLOAD_MAX_MB", default=200)

# Notifications (notifications/, docs/notifications.md): each channel is a dotted path, like
# SMS_BACKEND; the defaults need nothing configured (in-app rows, the console SMS backend,
# EMAIL_BACKEND, and group robots only where staff entered a webhook).
NOTIFY_CHANNELS = {
    "inapp": "notifications.channels.InAppChannel",
    "wecom": "notifications.channels.WeComRobotChannel",
    "dingtalk": "notifications.channels.DingTalkRobotChannel",
    "sms": "notifications.channels.SmsChannel",
    "email": "notifications.channels.EmailChannel",
}
# A failed send is tried this many times in all (backoff 30 s, 60 s, 120 s ...), then the
# next channel of the person's choice takes over.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=4)
NOTIFY_RETRY_SECONDS = env.int("NOTIFY_RETRY_SECONDS", default=30)
# Both platforms allow a group robot 20 messages a minute; counted in CACHES["default"]
# (Redis in production, so every worker shares the count).
NOTIFY_ROBOT_PER_MINUTE = env.int("NOTIFY_ROBOT_PER_MINUTE", default=20)
# Webhook addresses staff may enter: the platforms' hosts (a government edition deployed
# on premises adds its own host here).
NOTIFY_ROBOT_HOSTS = env.list(
    "NOTIFY_ROBOT_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
)
NOTIFY_HTTP_TIMEOUT = env.float("NOTIFY_HTTP_TIMEOUT", default=5.0)
NOTIFY_DUE_DAYS = env.int("NOTIFY_DUE_DAYS", default=3)
# Hours before a vote's or scoring session's planned closing time (计划截止时间) that members
# who have not voted hear it is closing soon (checked hourly).
NOTIFY_CLOSING_SOON_HOURS = env.int("NOTIFY_CLOSING_SOON_HOURS", default=24)
# Members of the public who opted in get no SMS between these times (Asia/Shanghai).
NOTIFY_PUBLIC_QUIET_HOURS = ("21:00", "08:00")
