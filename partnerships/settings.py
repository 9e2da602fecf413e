"""Settings for Partnerships, read from the environment (see .env.example and the README)."""

from datetime import timedelta
from pathlib import Path

import environ
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

# --- Core -------------------------------------------------------------------

# Off unless set: `make run` and `make test` turn it on; anything else is production.
DEBUG = env.bool("DEBUG", default=False)
LOCAL_SECRET_KEY = "django-insecure-local-development-only"
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-value"  # the value in .env.example
SECRET_KEY = env.str("SECRET_KEY", default=LOCAL_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY.startswith("django-insecure")
    or SECRET_KEY == EXAMPLE_SECRET_KEY
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DEBUG is off: set SECRET_KEY to a random value of at least 50 characters, e.g. "
        'python -c "import secrets; print(secrets.token_urlsafe(50))".'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
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
    "django_countries",  # its country names in every language
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "csp",
    "rest_framework",
    "rest_framework_api_key",
    "simple_history",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partnerships",
    "influencers",
    "contracts",
    "campaigns",
    "portal",
    # Above every app: the dashboard, reminders, the demo and the URLs of all of them.
    "partnerships.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partnerships.languages.middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "partnerships.middleware.no_store_when_signed_in",
    "partnerships.middleware.brand_time_zone",
    "partnerships.middleware.refuse_nul_in_query",
    "partnerships.audit.downloads",
    "partnerships.second_factor.middleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnerships.workspace.urls"
WSGI_APPLICATION = "partnerships.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.workspace.context_processors.brands",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database lets one writer in at a time: a transaction takes the write lock
    # when it begins and others wait for it, instead of failing with "database is locked" when
    # two requests (a save and the figures' refresh after it) write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Time and language ------------------------------------------------------

LANGUAGE_CODE = "en"
# The languages pages, e-mails and the admin speak, each named in itself (README, Languages).
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ru", "Русский"),
]
# The project-wide templates' catalogue; each app keeps its own in <app>/locale/.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date and time formats of our own (partnerships/formats/): times carry their zone.
FORMAT_MODULE_PATH = ["partnerships.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Accounts and security --------------------------------------------------

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
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins are counted per user name and address (the fifth locks that pair out) and
# per address over all user names (the twentieth locks the address out).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "partnerships.throttles.SignInAttempts"
AXES_CLIENT_IP_CALLABLE = "partnerships.throttles.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Pages allow scripts only from our own static files (and those given the request's nonce);
# styles may be inline (Bootstrap's utilities and a few style attributes), images data: URIs
# (Bootstrap's icons).
# How many reverse proxies stand in front of the application. With none, the client is the
# peer address and X-Forwarded-For / X-Forwarded-Proto are ignored (anyone could send them);
# with N, the client is the N-th address from the right of X-Forwarded-For and the proxies'
# X-Forwarded-Proto says whether the request came over HTTPS.
# The issuer authenticator apps show beside the code of a second factor.
OTP_TOTP_ISSUER = "Partnerships"

TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF, csp_constants.NONCE],
        "style-src": [csp_constants.SELF, csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:"],
        "connect-src": [csp_constants.SELF],
        "font-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Static files -----------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="partnerships@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the site is reached from outside, for links in e-mails (reminders).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# How long a portal invitation link stays valid.
PORTAL_INVITATION_DAYS = env.int("PORTAL_INVITATION_DAYS", default=7)

# --- Celery -----------------------------------------------------------------

# The broker: Redis (REDIS_URL) unless BROKER_URL names another, such as RabbitMQ
# (amqp://user:password@host:5672/vhost). Results stay in Redis. Without a broker the tasks run
# in-process, so the embedded setup needs none.
BROKER_URL = env.str("BROKER_URL", default="") or REDIS_URL
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not BROKER_URL
# The queue tasks go to and workers take them from; lets several installations share a broker.
CELERY_TASK_DEFAULT_QUEUE = env.str("TASK_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
# The product reads no task's result, so queueing a task never waits on the result store.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest any task may run, in seconds. Tasks are kept short (settlement and the ROI refresh
# are fanned out in chunks); the longest is the import of a 50 MB file. Past the soft limit the
# task stops with an error (an import is marked rejected), 30 s later its process is killed.
TASK_TIME_LIMIT = env.int("TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = TASK_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = TASK_TIME_LIMIT + 30
# Redis hands a task taken but never acknowledged (its worker died) to another worker after
# this many seconds, so it must outlast the longest task; RabbitMQ redelivers at once.
BROKER_VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=TASK_TIME_LIMIT + 60)
# Workers reconnect for as long as the broker is away; a page queueing a task while it is down
# gives up within seconds (the caller keeps the work and queues it later).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    # How often workers look for tasks whose visibility timeout has passed.
    "unacked_restore_interval": max(1, BROKER_VISIBILITY_TIMEOUT // 10),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 30,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 10
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 25
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Writes refresh the figures they change right after commit (partnerships/freshness.py); off
# only where the nightly refresh is to be the one that runs (the benchmark measures writes).
LIVE_FIGURES = env.bool("LIVE_FIGURES", default=True)

# --- API --------------------------------------------------------------------

REST_FRAMEWORK = {
    # An API key, or the session of a signed-in member (so "Try it out" on /api/docs/ works).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partnerships.apikeys.BrandAPIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["partnerships.apikeys.BrandAccess"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partnerships.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["partnerships.throttles.APIKeyRateThrottle"],
    "DEFAULT_PARSER_CLASSES": [
        "partnerships.inputs.JSONParser",
        "partnerships.inputs.FormParser",
        "partnerships.inputs.MultiPartParser",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
}
# Requests per minute (or /s, /hour, /day) past which the API answers 429 with Retry-After:
# from one address (every request, so guessing keys is slow) and with one API key.
API_RATE_PER_ADDRESS = env.str("API_RATE_PER_ADDRESS", default="300/min")
API_RATE_PER_KEY = env.str("API_RATE_PER_KEY", default="600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnerships API",
    "DESCRIPTION": (
        "Brand-scoped API: send `Authorization: Api-Key <key>` with a key made on the API keys "
        "page, or call it signed in (here, with Try it out): your session acts for the brand "
        "you work in, reading with any role and writing as an owner or manager."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "partnerships.money.CURRENCY_CHOICES",
        "PlatformEnum": "influencers.models.Platform",
        # Each model's status choices keep their own name in the schema.
        "InfluencerStatusEnum": "influencers.models.Influencer.Status",
        "PartnershipStatusEnum": "contracts.models.Partnership.Status",
        "ContractStatusEnum": "contracts.models.Contract.Status",
        "StatementStatusEnum": "contracts.models.Statement.Status",
        "ContentStatusEnum": "campaigns.models.ContentItem.Status",
        "ShipmentStatusEnum": "campaigns.models.Shipment.Status",
        "SaleStatusEnum": "campaigns.models.Sale.Status",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
