"""Settings for every run mode. Configuration comes from the environment only (see README)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 (a known dev default)

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("DEBUG=0 needs a SECRET_KEY of your own in the environment.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "hub",
    "catalog",
    "channels",
    "channels.feeds",
    "media",
    "orders",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_headless_preview",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hub.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the feed builder and the web process read while a writer works.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The hub's queries are short (a page, a feed chunk, an order). PostgreSQL's JIT compiles a plan when
    # its cost estimate runs high (e.g. before autovacuum has analysed a freshly loaded table) and spent
    # ~200 ms doing so on a 1,500-row feed query that runs in 50 ms: off unless DATABASE_URL asks for it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Server-side binding and prepared statements (off by default): psycopg sends parameters apart from the
    # SQL and prepares a statement once the connection has run it DB_PREPARE_THRESHOLD times, so PostgreSQL
    # parses and plans it once per connection. Measured: checkout 145 -> 169/s; but bulk inserts of thousands
    # of rows (imports, the benchmarks' catalog set-up) took a third longer, and a prepared statement may keep
    # a generic plan made while a table was small. Needs a pooler that keeps prepared statements (PgBouncer
    # 1.21 or newer in transaction mode).
    # The checkout's hand-written statements are prepared in any case (hub/prepared.py) unless DB_PREPARED_STATEMENTS=0.
    DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
    if env_bool("DB_SERVER_SIDE_BINDING", False):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 5, low=0) or None
    elif DB_PREPARED_STATEMENTS:
        # psycopg prepares nothing on a connection whose prepare_threshold is None (Django's default). Django's own
        # cursors bind on the client side, which never prepares, so this lets only prepared_cursor()'s statements be.
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (and rate-limit counters): local memory unless REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hub"}}

# Search: Wagtail's database backend unless ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch9",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX": env_str("ELASTICSEARCH_INDEX", "hub"),
            "TIMEOUT": 10,
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Background work: in-process by default; a real queue is a TASKS_BACKEND away.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Marketplace feeds: where the built files live, and the public base URL of image links in them.
FEEDS_ROOT = Path(env_str("FEEDS_ROOT", str(VAR_DIR / "feeds")))
FEEDS_BASE_URL = env_str("FEEDS_BASE_URL")
# Products read, resolved and written per step of a feed build: memory stays flat whatever the catalog.
FEEDS_CHUNK_SIZE = env_int("FEEDS_CHUNK_SIZE", 500, low=1)
# gzip level of the copy served to clients that accept it (1: fastest, as nginx's default; 9: smallest; 1–3 go
# through ISA-L, 4–9 and 0, stored, through zlib: channels/feeds/writer.py).
FEEDS_GZIP_LEVEL = env_int("FEEDS_GZIP_LEVEL", 1, low=0, high=9)
# Read a build's next chunk in a thread while it writes the current one (channels/feeds/pipeline.py, reads_ahead):
# unset, on PostgreSQL only (on SQLite it measured slower).
FEEDS_PREFETCH = env_bool("FEEDS_PREFETCH", None)
# Amazon takes at most 25,000 messages per JSON_LISTINGS_FEED document; a larger feed is a set of documents.
FEEDS_AMAZON_MAX_MESSAGES = 25_000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

# Wagtail
WAGTAIL_SITE_NAME = "The hub"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "media.CustomImage"
# Upload limits: bytes, and pixels (width × height) against decompression bombs.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("IMAGE_MAX_PIXELS", 64_000_000)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "xlsx"]
WAGTAIL_WORKFLOW_ENABLED = True
# The admin makes no calls outside: no release check, no Gravatar (which would send hashes of staff e-mails).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSNIPPETS_MENU_SHOW_ALL = False

# Content API (/api/v1/): the rendition specs storefronts may ask for (`?image=`), nothing else is rendered.
API_IMAGE_RENDITIONS = env_list(
    "API_IMAGE_RENDITIONS",
    ["fill-800x800|format-webp", "fill-400x400|format-webp", "max-1600x1600|format-webp", "fill-160x160"],
)
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)  # seconds, the Cache-Control max-age of reads
API_PREVIEW_MAX_AGE = env_int("API_PREVIEW_MAX_AGE", 3600)  # seconds a preview token is accepted
API_KEY_CACHE_SECONDS = env_int("API_KEY_CACHE_SECONDS", 10)  # key → channel look-ups kept this long
# Server-side cache of product reads, keyed by a catalog version every change moves (channels/api/cache.py).
# On by default only with a shared cache (Redis), where a change made in one process reaches every other.
API_RESPONSE_CACHE = env_bool("API_RESPONSE_CACHE", bool(REDIS_URL))
API_RESPONSE_CACHE_SECONDS = env_int("API_RESPONSE_CACHE_SECONDS", 30)
# Order events (order.created …) are POSTed here by orders.tasks.deliver_order_events; unset, they stay pending.
ORDER_EVENTS_WEBHOOK_URL = env_str("ORDER_EVENTS_WEBHOOK_URL")
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": env_str("PREVIEW_CLIENT_URL", "http://localhost:3000/preview")},
    "ENFORCE_TRAILING_SLASH": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django_tasks logs two INFO lines per task; with in-process tasks that buries everything else.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
