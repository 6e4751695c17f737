"""Settings for Podium, read from the environment (README "Configuration" lists every variable).

DATABASE_URL   database (default: an SQLite file in var/ of the project)
REDIS_URL      channel layer (unset: the in-memory layer, one process only)
SANDBOX_CACHE_SIZE, SANDBOX_WORKERS  clusters kept decoded, and threads for sandbox work, per process
SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS
SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD,
SECURE_PROXY_SSL_HEADER, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE   HTTPS in production
LOGIN_ATTEMPTS, LOGIN_LOCKOUT_SECONDS   the admin's login throttle
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


(BASE_DIR / "var").mkdir(exist_ok=True)

DEBUG = _env_bool("DEBUG", False)

# The development key is public (it is in this file): only DEBUG may use it. Without SECRET_KEY in the
# environment, a server that is not in DEBUG keeps a key of its own in var/secret-key, made on first start
# (every process of one machine shares it; several machines need SECRET_KEY set to one value).
DEVELOPMENT_SECRET_KEY = "podium-insecure-development-key-change-me-in-production"
SECRET_KEY_FILE = BASE_DIR / "var" / "secret-key"


def _generated_secret_key() -> str:
    if not SECRET_KEY_FILE.exists():
        draft = SECRET_KEY_FILE.with_name(f".secret-key.{os.getpid()}")
        try:
            with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            os.link(draft, SECRET_KEY_FILE)  # whole or not at all; the first process to start wins
        except FileExistsError:
            pass
        except OSError as err:
            raise ImproperlyConfigured(f"set SECRET_KEY: Podium could not keep a key of its own in "
                                       f"{SECRET_KEY_FILE} ({err})") from err
        finally:
            draft.unlink(missing_ok=True)
    return SECRET_KEY_FILE.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or (DEVELOPMENT_SECRET_KEY if DEBUG else _generated_secret_key())
if SECRET_KEY == DEVELOPMENT_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY is Podium's public development key, and DEBUG is off: set SECRET_KEY to "
                               "a long random value of your own (or unset it, and Podium makes one in var/)")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

# HTTPS in production (all off by default: a laptop or a classroom LAN serves plain HTTP). Behind a proxy that
# terminates TLS, SECURE_PROXY_SSL_HEADER names the header it sets, e.g. "X-Forwarded-Proto: https"; then
# request.is_secure() is true for those requests, and kubeconfigs say https:// and keep the token out of the URL.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE", False)


def _proxy_ssl_header(value: str) -> tuple[str, str] | None:
    if not value.strip():
        return None
    header, sep, expected = value.partition(":")
    if not sep or not header.strip() or not expected.strip():
        raise ImproperlyConfigured(f'SECURE_PROXY_SSL_HEADER must look like "X-Forwarded-Proto: https", not {value!r}')
    return "HTTP_" + header.strip().upper().replace("-", "_"), expected.strip()


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))

# Content-Security-Policy (Django's own middleware): scripts only from Podium itself or carrying the page's
# nonce; styles may be inline (the editor and the terminal inject theirs); websockets and fetches to Podium only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "channels",
    "cluster",
    "tutorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "tutorial.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"  # widgets' templates may live in templates/
ASGI_APPLICATION = "tutorial.asgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Persistent connections: each server thread keeps its connection (checked before reuse) instead of opening
# one per database call.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'podium.sqlite3'}"),
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL with synchronous=NORMAL: a commit is in the WAL before it returns (a killed process loses nothing),
        # without an fsync per commit; only a power cut can lose the last moments.
        {"timeout": 20, "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-podium.sqlite3")}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # channels-redis waits for messages with a 5 s blocking read; redis-py 8's default 5 s socket timeout
    # would end that read first and close every idle socket with 1011 (channels_redis issue #422), so the
    # socket timeout is longer than the blocking read.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 15,
                                  "socket_connect_timeout": 5}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Rate limits (cluster/limits.py) and the sign-in throttle (tutorial/auth.py) count in the `limits` cache: Redis
# when there is one, so every process shares them; this process's memory otherwise.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": ({"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": "podium"} if REDIS_URL else
               {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "podium-limits"}),
}
# Any of cluster/limits.py's DEFAULTS changed, from RATE_LIMITS="address-sandboxes=1000/3600,sandbox-api=1200/60".
RATE_LIMITS: dict[str, tuple[int, float]] = {
    name.strip(): (int(rate.split("/")[0]), float(rate.split("/")[1]))
    for name, _, rate in (item.partition("=") for item in os.environ.get("RATE_LIMITS", "").split(",") if item)
}
# An anonymous learner's sandbox unused this many days is removed by `manage.py expire_sandboxes`.
SANDBOX_IDLE_DAYS = int(os.environ.get("SANDBOX_IDLE_DAYS", "30"))

# The lessons' side of a sandbox: its checks and the state a reset starts from (cluster/hooks.py).
SANDBOX_HOOKS = "tutorial.sandboxes.LessonHooks"
SANDBOX_CACHE_SIZE = int(os.environ.get("SANDBOX_CACHE_SIZE", "256"))  # decoded clusters kept per process
SANDBOX_WORKERS = int(os.environ.get("SANDBOX_WORKERS", "4"))  # threads for sandbox work per process

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_ATTEMPTS = _env_int("LOGIN_ATTEMPTS", 5)  # wrong passwords per username and address …
LOGIN_LOCKOUT_SECONDS = _env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)  # … before that pair waits this long

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files are served by servestatic's middleware straight from Django's finders (the admin's, the project's
# built bundles), in every mode and without collectstatic; `collectstatic` into STATIC_ROOT is optional.
STATIC_URL = "/static/"
STATICFILES_DIRS = [("dist", BASE_DIR / "static" / "dist")]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
SERVESTATIC_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 365

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
