"""zhaoshang settings, read from environment variables (see docs/CONFIGURATION.md).

ZHAOSHANG_ENV=production turns on the production profile: DEBUG off, a SECRET_KEY and
ALLOWED_HOSTS required, secure cookies, HSTS and HTTPS redirects.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from zhaoshang.env import (
    database_config,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_rates,
    env_settings_file,
    env_str,
    env_tile_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("ZHAOSHANG_VAR_DIR", str(Path.cwd() / "var")))

ENVIRONMENT = env_choice("ZHAOSHANG_ENV", "development", ("development", "production", "test"))
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("ZHAOSHANG_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("ZHAOSHANG_DEBUG must be off when ZHAOSHANG_ENV=production.")

if PRODUCTION:
    SECRET_KEY = env_str("ZHAOSHANG_SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "ZHAOSHANG_SECRET_KEY must be at least 50 characters with at least 5 distinct ones."
        )
    ALLOWED_HOSTS = env_list("ZHAOSHANG_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ZHAOSHANG_ALLOWED_HOSTS is required when ZHAOSHANG_ENV=production.")
else:
    SECRET_KEY = env_str(
        "ZHAOSHANG_SECRET_KEY", "dev-only-insecure-key-zhaoshang-not-for-production-use-0123456789"
    )
    ALLOWED_HOSTS = env_list("ZHAOSHANG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])

CSRF_TRUSTED_ORIGINS = env_list("ZHAOSHANG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "axes",
    "zhaoshang.core",
    "zhaoshang.accounts",
    "zhaoshang.web",
    "zhaoshang.api",
    "zhaoshang.registry",
    "zhaoshang.chains",
    "zhaoshang.pipeline",
    "zhaoshang.places",
    "zhaoshang.insight",
    "zhaoshang.approvals",
    "zhaoshang.policies",
    "zhaoshang.service",
    "huey.contrib.djhuey",
    "zhaoshang.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhaoshang.web.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhaoshang.accounts.middleware.LoginRequiredEverywhereMiddleware",
    "zhaoshang.web.security.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "zhaoshang.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "zhaoshang.urls"
WSGI_APPLICATION = "zhaoshang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhaoshang.web.context.navigation",
                "zhaoshang.notifications.context.unread",
            ],
        },
    }
]

if not PRODUCTION:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", ""), default_sqlite_path=str(VAR_DIR / "zhaoshang.sqlite3")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "zhaoshang.accounts.throttle.IpThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:workbench"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username+IP pair after repeated failures, and an IP address after more failures across
# usernames (one password sprayed over many accounts; zhaoshang.accounts.throttle).
AXES_FAILURE_LIMIT = env_int("ZHAOSHANG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("ZHAOSHANG_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
LOGIN_IP_FAILURE_LIMIT = env_int("ZHAOSHANG_LOGIN_IP_FAILURE_LIMIT", 20, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("ZHAOSHANG_LOGIN_THROTTLING", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("ZHAOSHANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = []
_echarts = find_spec("instaui_echarts")
if _echarts and _echarts.submodule_search_locations:
    # instaui-echarts ships Apache ECharts' ESM build; we serve only that file, under echarts/.
    STATICFILES_DIRS.append(
        ("echarts", str(Path(next(iter(_echarts.submodule_search_locations))) / "static"))
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve from app dirs without collectstatic (demo, development)
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_UPLOAD_MB = env_int("ZHAOSHANG_IMPORT_MAX_UPLOAD_MB", 500, minimum=1)
# What an imported file may hold (zhaoshang.tabular.safety reads these variables at each import; checked here so
# that a bad value stops the program at start-up, naming the variable).
IMPORT_MAX_ROWS = env_int("ZHAOSHANG_IMPORT_MAX_ROWS", 2_000_000, minimum=1)
IMPORT_MAX_UNCOMPRESSED_MB = env_int("ZHAOSHANG_IMPORT_MAX_UNCOMPRESSED_MB", 4096, minimum=1)
IMPORT_MAX_COMPRESSION_RATIO = env_int("ZHAOSHANG_IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=2)
IMPORT_MAX_CELLS = env_int("ZHAOSHANG_IMPORT_MAX_CELLS", 100_000_000, minimum=1)

REST_FRAMEWORK = {
    # Token first: an anonymous call then answers 401 with "WWW-Authenticate: Token" (the first class names the
    # scheme); a session still authenticates.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["zhaoshang.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhaoshang.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "zhaoshang.api.schema.add_error_responses",
    ],
    "TITLE": "zhaoshang API",
    "DESCRIPTION": "招商 — investment promotion and enterprise service. Session or token authentication.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("ZHAOSHANG_LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
}

# The city this installation serves (GB/T 2260): firms registered within it are "local".
HOME_REGION = env_str("ZHAOSHANG_HOME_REGION", "430200")

# Exchange rates (CNY per unit) for comparing registered capital across currencies; the stored
# values keep their own currency. Override with ZHAOSHANG_FX="USD=7.1,HKD=0.91".
FX_RATES_TO_CNY = env_rates("ZHAOSHANG_FX")

# The pipeline's rules (stage list and requirements, ranking points, callback and new-firm windows, meeting-pack
# table size) may be set per city in a YAML file; see docs/PIPELINE.md. Checked when the pipeline reads them.
_PIPELINE_FILE = env_settings_file(
    "ZHAOSHANG_PIPELINE_CONFIG",
    {
        "stages": list,
        "points": dict,
        "callback_working_days": int,
        "new_firm_days": int,
        "meeting_max_rows": int,
        "meeting_period": str,
        "evidence": dict,
        "targets": dict,
        "key_project_wan": int,
    },
)
for _key, _value in _PIPELINE_FILE.items():
    globals()[f"PIPELINE_{_key.upper()}"] = _value

# Behind a reverse proxy that terminates TLS: `zhaoshang serve` trusts its X-Forwarded-* headers (waitress).
BEHIND_PROXY = env_bool("ZHAOSHANG_BEHIND_PROXY", False)
TRUSTED_PROXY = env_str("ZHAOSHANG_TRUSTED_PROXY", "127.0.0.1")

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ZHAOSHANG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ZHAOSHANG_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("ZHAOSHANG_SESSION_HOURS", 12, minimum=1) * 3600

# Notifications (docs/NOTIFICATIONS.md). The task queue: Huey on SQLite under ZHAOSHANG_VAR_DIR by default (no extra
# server), on Redis in production (ZHAOSHANG_TASK_QUEUE=redis://127.0.0.1:6379/11). `zhaoshang worker` consumes it.
_TASK_QUEUE = env_str("ZHAOSHANG_TASK_QUEUE", "")
HUEY = {
    "name": "zhaoshang",
    "immediate": env_bool("ZHAOSHANG_TASK_QUEUE_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if _TASK_QUEUE.startswith(("redis://", "rediss://", "unix://")):
    HUEY.update(huey_class="huey.RedisHuey", url=_TASK_QUEUE)
elif _TASK_QUEUE in ("", "sqlite"):
    HUEY.update(huey_class="huey.SqliteHuey", filename=str(VAR_DIR / "tasks.sqlite3"))
else:
    raise ImproperlyConfigured(
        "ZHAOSHANG_TASK_QUEUE must be empty (SQLite under ZHAOSHANG_VAR_DIR) or a redis:// URL."
    )
# Absolute links in e-mails and group-bot messages.
BASE_URL = env_str("ZHAOSHANG_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_HOST = env_str("ZHAOSHANG_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("ZHAOSHANG_SMTP_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("ZHAOSHANG_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("ZHAOSHANG_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZHAOSHANG_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("ZHAOSHANG_SMTP_SSL", False)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env_str("ZHAOSHANG_MAIL_FROM", "zhaoshang@localhost")
# places: walking speed for access counts (metres per minute); a YAML life-circle standard replacing the
# GB 50180-2018 defaults (docs/PLACES.md).
PLACES_WALK_SPEED_M_PER_MIN = env_int("ZHAOSHANG_WALK_SPEED", 80, minimum=1)
PLACES_STANDARD_FILE = env_str("ZHAOSHANG_PLACES_STANDARD", "")
# places: an optional intranet XYZ tile server drawn under the maps' vector layers (none: nothing is fetched from
# anywhere but zhaoshang); its tiles' datum: wgs84 (Tianditu, OSM) or gcj02 (Amap-style tiles).
PLACES_MAP_TILE_URL = env_tile_url("ZHAOSHANG_MAP_TILE_URL")
PLACES_MAP_TILE_CRS = env_choice("ZHAOSHANG_MAP_TILE_CRS", "wgs84", ("wgs84", "gcj02"))
