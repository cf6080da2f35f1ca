"""iDare's one settings module: every difference between a laptop and production is an
environment variable, and production fails fast when one it needs is missing.

Every value comes through a reader in idare/env.py, which refuses a bad one with a sentence naming
the variable; plain strings are read with os.environ.get."""

import base64
import hashlib
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from idare.env import env_bool, env_int, env_list, env_ranges, env_rate, env_seconds

BASE_DIR = Path(__file__).resolve().parent.parent

# --- The site -------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off: set it to a long "
            "random value (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-dev-only-never-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

# Absolute links (feeds, social cards, canonical URLs) are built from SITE_URL, never from the
# Host header, so a spoofed host cannot leak into what we publish.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(f"SITE_URL must be an absolute http(s) URL, not {SITE_URL!r}")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)

# A demo shows the invented example providers, programmes and sessions from content/ (labelled as such);
# `make run` and `make serve` set it, production does not, and readers there never see an example.
IDARE_DEMO = env_bool("IDARE_DEMO", default=False)
CONTENT_DIR = Path(os.environ.get("IDARE_CONTENT_DIR", BASE_DIR / "content"))
QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.google.com/")

# --- Applications, middleware, templates ----------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "markdownx",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "staff",
    "blog",
    "support",
    "engage",
]

MIDDLEWARE = [
    # Health probes first: no host check, no HTTPS redirect (serving/middleware.py).
    "serving.middleware.ProbesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the same security headers and policy as pages.
    "serving.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # A body too large is refused from its Content-Length, before anything reads it.
    "serving.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "serving.middleware.FriendlyErrorPagesMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "idare.urls"
WSGI_APPLICATION = "idare.wsgi.application"

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
                "core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60, unit="seconds"),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A database that is down or hanging must give readers the calm 503 page within seconds, not hold a
# worker until gunicorn kills it. Management commands (migrate, import_content, purges) may
# legitimately run long statements, so they get their own, longer limit; the web gets a short one.
RUNNING_MANAGEMENT_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
DATABASE_CONNECT_TIMEOUT = env_seconds("DATABASE_CONNECT_TIMEOUT", 2)
_web_statement_timeout = env_seconds("DATABASE_STATEMENT_TIMEOUT", 4)
_command_statement_timeout = env_seconds("DATABASE_COMMAND_STATEMENT_TIMEOUT", 600)
DATABASE_STATEMENT_TIMEOUT = _command_statement_timeout if RUNNING_MANAGEMENT_COMMAND else _web_statement_timeout
# How long we wait for any answer on an open connection (serving/postgresql/base.py), for a server
# that is frozen or gone and so never ends a statement itself. A little over the statement timeout,
# so that a server still alive answers first, with its own error, on a connection still usable.
_command_answer_timeout = _command_statement_timeout + 0.5 if _command_statement_timeout else 0
_web_answer_timeout = env_seconds("DATABASE_ANSWER_TIMEOUT",
                                  _web_statement_timeout + 0.5 if _web_statement_timeout else 0)
DATABASE_ANSWER_TIMEOUT = _command_answer_timeout if RUNNING_MANAGEMENT_COMMAND else _web_answer_timeout
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "serving.postgresql"
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if DATABASE_CONNECT_TIMEOUT:
        # libpq counts whole seconds and treats anything under 2 as 2.
        _options.setdefault("connect_timeout", max(2, round(DATABASE_CONNECT_TIMEOUT)))
    if DATABASE_STATEMENT_TIMEOUT:
        milliseconds = round(DATABASE_STATEMENT_TIMEOUT * 1000)
        _options["options"] = f"{_options.get('options', '')} -c statement_timeout={milliseconds}".strip()
        # A server that vanished from the network (no reset, no answer) is given up on as quickly.
        _options.setdefault("tcp_user_timeout", milliseconds)
    if DATABASE_ANSWER_TIMEOUT:
        _options.setdefault("answer_timeout", DATABASE_ANSWER_TIMEOUT)
    # A kept connection whose server vanished while it sat idle is found dead within about 20 s
    # (10 s idle, then 3 probes 3 s apart) instead of the kernel's two hours.
    for key, value in {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3}.items():
        _options.setdefault(key, value)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins: two votes at once then wait their turn
    # instead of one failing with "database is locked" when it tries to upgrade a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)

# --- Cache, page cache and sessions ---------------------------------------------------------------
# Django's cache: this process's memory by default; Redis, shared by every server, when REDIS_URL is
# set. serving.cache_backends.ResilientRedisCache answers as a miss while Redis is down or unreachable
# (short socket timeouts, then a few seconds without trying): everything cached can be had from the
# database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "serving.cache_backends.ResilientRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "idare",
        "OPTIONS": {"socket_connect_timeout": env_seconds("REDIS_CONNECT_TIMEOUT", 0.5),
                    "socket_timeout": env_seconds("REDIS_TIMEOUT", 0.5)},
    }}
else:
    CACHES = {"default": {
        "BACKEND": "serving.cache_backends.BoundedLocMemCache",
        "OPTIONS": {"MAX_BYTES": env_int("IDARE_LOCAL_CACHE_BYTES", 32 * 1024 * 1024, unit="bytes")},
    }}

# Finished reading pages, answered before Django runs (serving/page_cache.py). IDARE_PAGE_CACHE=0 turns
# it off (for measuring the cold path); a content change reaches every worker and server within
# IDARE_PAGE_CACHE_CHECK seconds. Each process keeps at most IDARE_PAGE_CACHE_ENTRIES pages and
# IDARE_PAGE_CACHE_BYTES bytes of them, the oldest kept going first.
IDARE_PAGE_CACHE = env_bool("IDARE_PAGE_CACHE", default=True)
IDARE_PAGE_CACHE_CHECK = env_seconds("IDARE_PAGE_CACHE_CHECK", 1, zero="to check on every request")
IDARE_PAGE_CACHE_ENTRIES = env_int("IDARE_PAGE_CACHE_ENTRIES", 2000, unit="pages")
IDARE_PAGE_CACHE_BYTES = env_int("IDARE_PAGE_CACHE_BYTES", 64 * 1024 * 1024, unit="bytes")  # per process
IDARE_PAGE_CACHE_ALIAS = "default"

# Sessions belong to staff only (readers get none). With REDIS_URL they are read from Redis and
# written through to the database (staff.sessions: Django's "cached_db", with Redis keys that are a
# keyed hash of the session key, not the key): every app server sees a login at once, and
# neither a Redis restart nor an eviction signs an editor out or revives a session they ended.
SESSION_ENGINE = "staff.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# --- Passwords, language and time -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-in"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

# --- Static files, uploads and what is kept outside the database ----------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The application serves uploads itself in `make run` and `make serve`; in production the proxy
# or object storage serves MEDIA_URL under the site's own origin instead.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=DEBUG)

# Uploads and their renditions: this server's MEDIA_ROOT ("filesystem", one machine) or an
# S3-compatible bucket shared by every server ("s3"), see docs/DEPLOY.md. Pages still address them
# under MEDIA_URL on the site's own origin: the proxy in front maps /media/ to the bucket and adds
# nosniff + sandbox.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    _bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not _bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (and AWS_ACCESS_KEY_ID, "
                                   "AWS_SECRET_ACCESS_KEY, AWS_S3_ENDPOINT_URL for a non-AWS service).")
    STORAGES["default"] = {"BACKEND": "serving.storage.MediaStorage", "OPTIONS": {
        "bucket_name": _bucket,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("AWS_LOCATION", ""),
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
    }}
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}")

# Editors upload photographs, nobody uploads anything bigger.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 40_000_000
# The largest body accepted at all (serving.middleware.RequestSizeLimitMiddleware): forms get
# DATA_UPLOAD_MAX_MEMORY_SIZE, requests with a (staff) session an image and its form around it.
IDARE_STAFF_UPLOAD_MAX_BYTES = IMAGE_UPLOAD_MAX_BYTES + 1024 * 1024

# What the site keeps outside the database (core/snapshots.py): the crisis helplines must show
# on /help/ and the 503 page while the database is down. Each server keeps its own copy in a file,
# written at start-up and on every change; with REDIS_URL set, the servers also share the newest
# copy through the cache.
IDARE_STATE_DIR = Path(os.environ.get("IDARE_STATE_DIR", BASE_DIR / "var"))
IDARE_SNAPSHOT_DIR = Path(os.environ.get("IDARE_SNAPSHOT_DIR", IDARE_STATE_DIR / "snapshots"))

# --- Markdown -------------------------------------------------------------------------------------
# One rendering function for saving, importing and the admin preview.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "core.markdown.render_markdown"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp")
MARKDOWNX_UPLOAD_MAX_SIZE = IMAGE_UPLOAD_MAX_BYTES
MARKDOWNX_MEDIA_PATH = "body/"
# Markdown written in the admin longer than this is refused; core/markdown.py weighs the rest of its
# shape too, so rendering any text it accepts stays well under a second.
IDARE_MARKDOWN_MAX_CHARS = env_int("IDARE_MARKDOWN_MAX_CHARS", 100000, minimum=1, unit="characters")

# --- Security -------------------------------------------------------------------------------------
# Production is the default; `make serve` turns the TLS-only parts off over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, unit="seconds")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day: staff sessions only, readers get none
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The headers below are set on every answer, static files and media included
# (serving.middleware.SecurityHeadersMiddleware).
# Nothing of the site may be embedded or loaded by another origin.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
WHITENOISE_ALLOW_ALL_ORIGINS = False  # WhiteNoise's default sends Access-Control-Allow-Origin: *
# Every powerful feature off, except what the article's share buttons use (the clipboard and the
# system share sheet), for our own pages only. Only features Chromium knows: an unknown one is a
# console error.
PERMISSIONS_POLICY = ", ".join([
    *(f"{feature}=()" for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi",
        "payment", "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
        "geolocation", "clipboard-read",
    )),
    "clipboard-write=(self)", "web-share=(self)",
])
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload (W021) is a deliberate choice, not an oversight: submitting the domain to the
    # browsers' preload lists is hard to undo, so iDare decides it once the whole domain and its
    # subdomains are known to serve HTTPS only. Everything else in --deploy stays enforced.
    "security.W021",
]

# Content-Security-Policy: only our own origin; no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],  # no data: URIs: nothing of ours uses them
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'none'"],
        "worker-src": ["'self'"],  # the service worker at /sw.js (support/offline.py)
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Staff sign-in --------------------------------------------------------------------------------
# Where the admin answers: "admin/" by default; another path keeps it out of the way of scanners.
IDARE_ADMIN_PATH = os.environ.get("IDARE_ADMIN_PATH", "admin/").strip()
if not IDARE_ADMIN_PATH.endswith("/") or IDARE_ADMIN_PATH.startswith("/") or "//" in IDARE_ADMIN_PATH:
    raise ImproperlyConfigured(f"IDARE_ADMIN_PATH must look like 'admin/' or 'office/', not {IDARE_ADMIN_PATH!r}")
# Lockout after repeated failed sign-ins (django-axes): counted per username and per visitor network,
# which is stored only as an HMAC (staff/signin.py), never as an address. A success clears the count.
# The HMAC's key changes at midnight UTC (core/ratelimit.py), which ends a lockout early at worst.
# Besides, many networks guessing one account (an IPv6 /48 alone is 65,536 networks) are stopped per
# username from anywhere: IDARE_ADMIN_ACCOUNT_FAILURES wrong passwords within one window of
# IDARE_ADMIN_ACCOUNT_WINDOW_SECONDS (windows start on the hour) pause sign-in to that account until
# the window ends. Tries while paused are refused unchecked and not counted, so no one can keep the
# owner out past the window. The username is kept only as an HMAC (staff/signin.py).
AUTHENTICATION_BACKENDS = [
    "staff.signin.AccountPausedBackend",  # first: a paused account's password is never checked
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "staff.signin.CountFailureBackend",  # last: reached only when the password was checked and was wrong
]
IDARE_ADMIN_ACCOUNT_FAILURES = env_int("IDARE_ADMIN_ACCOUNT_FAILURES", 20, minimum=1, unit="failed sign-ins")
# Under a second (0 included) is no window at all: it falls back to the hour.
IDARE_ADMIN_ACCOUNT_WINDOW_SECONDS = int(env_seconds("IDARE_ADMIN_ACCOUNT_WINDOW_SECONDS", 3600)) or 3600
# A refused `next` (another site, a scheme) falls back to this, rather than Django's /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = env_int("IDARE_ADMIN_LOGIN_FAILURES", 5, minimum=1, unit="failed sign-ins")
AXES_COOLOFF_TIME = timedelta(seconds=env_seconds("IDARE_ADMIN_LOCKOUT_SECONDS", 900) or 900)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "staff.signin.network_pseudonym"
AXES_CLIENT_STR_CALLABLE = "staff.signin.attempt_description"  # what axes logs: no username, no address
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # its log of successful sign-ins would keep addresses and user agents
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "staff.signin.locked_out"
# Two-factor sign-in (TOTP) is required of staff holding any of these permissions before the pages
# those permissions open; the issuer is the name an authenticator app shows.
IDARE_TWO_FACTOR_PERMISSIONS = ("support.handle_enquiry", "support.handle_contact_message")
OTP_TOTP_ISSUER = os.environ.get("IDARE_OTP_ISSUER", "iDare")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin lists devices (to remove a lost one), never their keys

# --- Rate limits and the proxies in front ---------------------------------------------------------
# Per visitor network ("30/m", "10/hour"; "off" for load tests). The network is the connecting
# address, or what the proxies in IDARE_TRUSTED_PROXY_RANGES saw (core/ratelimit.py).
IDARE_VOTE_RATE = env_rate("IDARE_VOTE_RATE", "30/m")
# What one network adds to the public counts of one article a day,
# whatever its cookies: a household or an office still counts, a script no more than they do.
IDARE_UPVOTE_COUNT_RATE = env_rate("IDARE_UPVOTE_COUNT_RATE", "3/day")
IDARE_SHARE_COUNT_RATE = env_rate("IDARE_SHARE_COUNT_RATE", "3/day")
# Enquiries and contact messages stored per visitor network: enough for a household or an office,
# too few for a flood. Over it, the form comes back (429) with what the person typed.
IDARE_ENQUIRY_RATE = env_rate("IDARE_ENQUIRY_RATE", "10/hour")
IDARE_CONTACT_RATE = env_rate("IDARE_CONTACT_RATE", "10/hour")
IDARE_REGISTRATION_RATE = env_rate("IDARE_REGISTRATION_RATE", "10/hour")
# Registrations one network makes for one session: a household or an office can still come
# together, a script cannot take a session's places (over it, the form comes back, 429).
IDARE_SESSION_REGISTRATION_RATE = env_rate("IDARE_SESSION_REGISTRATION_RATE", "4/day")
# Searches per visitor network that must run (blog/search.py keeps what each search found for
# IDARE_SEARCH_CACHE_SECONDS, for everyone, and a kept answer counts against nobody): enough for a
# person reading around, too few to keep the database busy. Over it, a calm 429 that lists the
# helplines; a search that reads as a person in crisis is never refused.
IDARE_SEARCH_RATE = env_rate("IDARE_SEARCH_RATE", "30/minute")
IDARE_SEARCH_CACHE_SECONDS = env_int("IDARE_SEARCH_CACHE_SECONDS", 60, unit="seconds")

# The proxies whose X-Forwarded-For entries are believed, by address or range (IPv4 and IPv6): the
# compose network, a load balancer's subnet, a CDN's published ranges. None by default: the visitor
# is whoever connects. Counting hops instead (IDARE_TRUSTED_PROXIES) would let a client that writes
# its own X-Forwarded-For choose its network, so a deployment still setting it is stopped here.
if "IDARE_TRUSTED_PROXIES" in os.environ:
    raise ImproperlyConfigured(
        "IDARE_TRUSTED_PROXIES is no longer read: counting proxies let any client choose the network its "
        "rate limits and admin lockout count under. Remove it and set IDARE_TRUSTED_PROXY_RANGES to the "
        "addresses or ranges of your proxies instead (e.g. 172.30.14.0/24 for compose's network), see "
        "docs/DEPLOY.md."
    )
IDARE_TRUSTED_PROXY_RANGES = env_ranges("IDARE_TRUSTED_PROXY_RANGES")

# --- How long personal data is kept ---------------------------------------------------------------
# Closed enquiries and contact messages are deleted this many days after they were closed
# (`manage.py purge_enquiries`, run daily). The privacy notice states the period: change both.
IDARE_ENQUIRY_RETENTION_DAYS = env_int("IDARE_ENQUIRY_RETENTION_DAYS", 90, minimum=1, unit="days")
# Engage registrations are deleted this many days after their session ends (manage.py purge_registrations).
IDARE_REGISTRATION_RETENTION_DAYS = env_int("IDARE_REGISTRATION_RETENTION_DAYS", 30, minimum=1, unit="days")
# A registration holds a place only once the person confirms it from the e-mail, within this many
# hours; unconfirmed ones then expire, and purge_registrations deletes them.
IDARE_REGISTRATION_CONFIRM_HOURS = env_int("IDARE_REGISTRATION_CONFIRM_HOURS", 24, minimum=1, unit="hours")
# Images uploaded into a text box but never saved in any article, page or other text are deleted
# (with their renditions) once they are this many hours old (manage.py purge_unused_uploads).
IDARE_UNUSED_UPLOAD_HOURS = env_int("IDARE_UNUSED_UPLOAD_HOURS", 24, minimum=1, unit="hours")

# --- E-mail ---------------------------------------------------------------------------------------
# Outgoing e-mail: staff notices (a link to the admin, never what people wrote) and confirmations.
# "smtp" in production; "file" keeps each message as a file in DJANGO_EMAIL_FILE_PATH (`make run`
# and `make serve`). There is deliberately no console backend: e-mails must never reach the log.
EMAIL_BACKENDS = {"smtp": "django.core.mail.backends.smtp.EmailBackend",
                  "file": "django.core.mail.backends.filebased.EmailBackend"}
_email_backend = os.environ.get("DJANGO_EMAIL_BACKEND", "file" if DEBUG else "smtp")
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"DJANGO_EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}, "
                               f"not {_email_backend!r}")
EMAIL_BACKEND = EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = Path(os.environ.get("DJANGO_EMAIL_FILE_PATH", IDARE_STATE_DIR / "mail"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", default=EMAIL_PORT == 465)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", f"iDare <no-reply@{urlsplit(SITE_URL).hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Encryption of what people send us ------------------------------------------------------------
# Keys for core/crypto.py: comma-separated Fernet keys, newest first.
# Make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'
IDARE_ENCRYPTION_KEYS = env_list("IDARE_ENCRYPTION_KEYS", "")
if not IDARE_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "IDARE_ENCRYPTION_KEYS is not set. It is required when DJANGO_DEBUG is off: see the README "
            "(`make serve` makes a local one in .encryption_key)."
        )
    # Development only: a key derived from the development secret, stable across restarts.
    IDARE_ENCRYPTION_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()]
try:
    for _key in IDARE_ENCRYPTION_KEYS:
        Fernet(_key)
except ValueError as exc:
    raise ImproperlyConfigured(
        "IDARE_ENCRYPTION_KEYS must be comma-separated Fernet keys (32 url-safe base64-encoded bytes each)."
    ) from exc

# --- Logging --------------------------------------------------------------------------------------
# Logs carry no personal data: no IP addresses, no user agents, no query strings of forms, no Host
# values. Requests refused on purpose (django.security: DisallowedHost, ...) are one line each,
# without a traceback (serving/logging_privacy.py); gunicorn's own log is scrubbed by its logger class.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"security_one_line": {"()": "serving.logging_privacy.OneLineSecurityFilter"},
                "no_query_string": {"()": "serving.logging_privacy.NoQueryStringFilter"},
                "no_capability": {"()": "serving.logging_privacy.NoCapabilityFilter"}},
    "formatters": {"plain": {"format": "{levelname} {name} {message}", "style": "{"}},
    # Every handler ends with no_capability: "Not Found: /support/request/withdraw/…/" and its kind
    # would otherwise write a link that deletes an enquiry.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_capability"]},
        "security": {"class": "logging.StreamHandler", "formatter": "plain",
                     "filters": ["security_one_line", "no_capability"]},
        "server": {"class": "logging.StreamHandler", "formatter": "plain",
                   "filters": ["no_query_string", "no_capability"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
                   "propagate": False},
        "django.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
