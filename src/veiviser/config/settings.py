"""Django settings for Veiviser, read from the environment.

Defaults give the embedded demo: SQLite under ./var/, DEBUG on, a development secret key.
With VEIVISER_ENV=production the unsafe defaults are refused (see docs/configuration.md).
"""

import re
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from veiviser.config.env import (
    ImproperSetting,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("VEIVISER_DATA_DIR", "var")).resolve()

ENVIRONMENT = env_str("VEIVISER_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperSetting(f"VEIVISER_ENV must be development or production; got {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "veiviser-development-only-secret-key-do-not-use-in-production"
SECRET_KEY = env_str("VEIVISER_SECRET_KEY", _DEV_SECRET)
DEBUG = env_bool("VEIVISER_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("VEIVISER_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Behind a reverse proxy that terminates TLS: the origins users reach the site at, and whether
# to trust the proxy's X-Forwarded-Proto header (only when the proxy always sets it).
CSRF_TRUSTED_ORIGINS = env_list("VEIVISER_CSRF_TRUSTED_ORIGINS")
if env_bool("VEIVISER_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For entries are believed
# when finding the client's address for the login lockout, the public pages' rate limit and the
# audit trail (veiviser.clientaddress). Empty: REMOTE_ADDR only.
TRUSTED_PROXIES = env_networks("VEIVISER_TRUSTED_PROXIES")
if env_str("VEIVISER_PUBLIC_CLIENT_IP_HEADER"):
    # It believed the first X-Forwarded-For entry, which any client can write.
    raise ImproperSetting(
        "VEIVISER_PUBLIC_CLIENT_IP_HEADER is replaced by VEIVISER_TRUSTED_PROXIES "
        "(the proxies' addresses; docs/configuration.md)"
    )

# Synthetic identity numbers (month + 80) are only for demo and test installations: a
# production registry must never mistake a test person for a real one.
ALLOW_SYNTHETIC_FNR = env_bool("VEIVISER_ALLOW_SYNTHETIC_FNR", default=False)

# "Min side": the youth logs in with OpenID Connect as ID-porten offers it (docs/public.md).
# Empty VEIVISER_OIDC_METADATA_URL: no OIDC login. The pid claim (fødselsnummer) finds the person.
YOUTH_OIDC = {
    "METADATA_URL": env_str("VEIVISER_OIDC_METADATA_URL", ""),
    "CLIENT_ID": env_str("VEIVISER_OIDC_CLIENT_ID", ""),
    "CLIENT_SECRET": env_str("VEIVISER_OIDC_CLIENT_SECRET", ""),
    "SCOPE": env_str("VEIVISER_OIDC_SCOPE", "openid profile"),
    "ACR_VALUES": env_str("VEIVISER_OIDC_ACR_VALUES", "idporten-loa-substantial"),
    "PID_CLAIM": env_str("VEIVISER_OIDC_PID_CLAIM", "pid"),
    "TOKEN_AUTH_METHOD": env_str("VEIVISER_OIDC_TOKEN_AUTH_METHOD", "client_secret_post"),
}
# Staff single sign-on by OpenID Connect, e.g. Microsoft Entra ID (docs/sso.md). Empty
# VEIVISER_STAFF_OIDC_METADATA_URL: password login only. The claim CLAIM of the ID token must
# equal (case-insensitively) the USER_FIELD of exactly one active staff user; nobody is created.
# TWO_FACTOR: "totp" (Veiviser's own code is still asked for), "amr" (skipped when the ID token's
# `amr` claim says "mfa"), "idp" (skipped always: the provider enforces MFA for this app).
STAFF_OIDC = {
    "METADATA_URL": env_str("VEIVISER_STAFF_OIDC_METADATA_URL", ""),
    "CLIENT_ID": env_str("VEIVISER_STAFF_OIDC_CLIENT_ID", ""),
    "CLIENT_SECRET": env_str("VEIVISER_STAFF_OIDC_CLIENT_SECRET", ""),
    "SCOPE": env_str("VEIVISER_STAFF_OIDC_SCOPE", "openid profile email"),
    "PROVIDER_NAME": env_str("VEIVISER_STAFF_OIDC_PROVIDER_NAME", "Microsoft Entra ID"),
    "CLAIM": env_str("VEIVISER_STAFF_OIDC_CLAIM", "preferred_username"),
    "USER_FIELD": env_str("VEIVISER_STAFF_OIDC_USER_FIELD", "username").strip().lower(),
    "TWO_FACTOR": env_str("VEIVISER_STAFF_OIDC_TWO_FACTOR", "totp").strip().lower(),
    "TOKEN_AUTH_METHOD": env_str("VEIVISER_STAFF_OIDC_TOKEN_AUTH_METHOD", "client_secret_post"),
}
if STAFF_OIDC["USER_FIELD"] not in {"username", "email"}:
    raise ImproperSetting(
        "VEIVISER_STAFF_OIDC_USER_FIELD must be username or email; "
        f"got {STAFF_OIDC['USER_FIELD']!r}"
    )
if STAFF_OIDC["TWO_FACTOR"] not in {"totp", "amr", "idp"}:
    raise ImproperSetting(
        f"VEIVISER_STAFF_OIDC_TWO_FACTOR must be totp, amr or idp; got {STAFF_OIDC['TWO_FACTOR']!r}"
    )
# The demo's test login on "Min side": type a synthetic identity number, no password. Only for
# demo and test installations; refused in production, here and by `veiviser check --deploy`.
YOUTH_TEST_LOGIN = env_bool("VEIVISER_YOUTH_TEST_LOGIN", default=False)
YOUTH_SESSION_SECONDS = env_int("VEIVISER_YOUTH_SESSION_SECONDS", 1800)

if PRODUCTION:
    if YOUTH_TEST_LOGIN:
        raise ImproperSetting("VEIVISER_YOUTH_TEST_LOGIN must be off in production")
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperSetting(
            "VEIVISER_SECRET_KEY must be set to a long random value in production"
        )
    if DEBUG:
        raise ImproperSetting("VEIVISER_DEBUG must be off in production")
    if ALLOW_SYNTHETIC_FNR:
        raise ImproperSetting("VEIVISER_ALLOW_SYNTHETIC_FNR must be off in production")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "veiviser.audit",
    "veiviser.accounts",
    "veiviser.codes",
    "veiviser.organisation",
    "veiviser.people",
    "veiviser.registry",
    "veiviser.casework",
    "veiviser.duties",
    "veiviser.exchange",
    "veiviser.statistics",
    "veiviser.demo",
    "django_tasks",
    "django_tasks_db",
    "veiviser.letters",
    "veiviser.privacy",
    "veiviser.jobs",
    "veiviser.quality",
    "veiviser.intake",
    "veiviser.udir",
    "veiviser.reports",
    "veiviser.public",
    "veiviser.measures",
    "veiviser.api",
    "ninja",  # the API docs page serves django-ninja's bundled Swagger UI (no CDN)
    "veiviser.exams",
    "veiviser.prevention",
    "veiviser.projects",
    "veiviser.web",
    "veiviser.tenancy",
]

# Background work: Django's tasks API (django-tasks backport). The database backend needs no
# other server; `veiviser db_worker` runs the queue (docs/letters.md).
TASKS = {
    "default": {"BACKEND": env_str("VEIVISER_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}

# REST API tokens (docs/api.md) expire this many days after they are made or renewed.
API_TOKEN_DAYS = env_int("VEIVISER_API_TOKEN_DAYS", 365)
if not 1 <= API_TOKEN_DAYS <= 3650:
    raise ImproperSetting(
        f"VEIVISER_API_TOKEN_DAYS must be between 1 and 3650 days; got {API_TOKEN_DAYS}"
    )

# Noark 5 archive extracts (docs/privacy.md): a folder with Arkivverket's official schemas
# (arkivstruktur.xsd, metadatakatalog.xsd, endringslogg.xsd, loependeJournal.xsd,
# offentligJournal.xsd, addml.xsd) that every extract is validated against and that are copied
# into it. Empty: the extract is made without them (and says so).
NOARK5_SCHEMA_DIR = env_str("VEIVISER_NOARK5_SCHEMA_DIR", "")

# E-mail: the advisors' daily digest of overdue duties (`veiviser remind`, docs/duties.md).
# The console backend (the default) prints the mail instead of sending it; in production set
# the SMTP backend and its server. VEIVISER_BASE_URL is the address users reach Veiviser at,
# for the links in the mail.
EMAIL_BACKEND = env_str("VEIVISER_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("VEIVISER_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("VEIVISER_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("VEIVISER_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("VEIVISER_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("VEIVISER_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("VEIVISER_EMAIL_FROM", "veiviser@localhost")
VEIVISER_BASE_URL = env_str("VEIVISER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# The public contact page (docs/public.md): at most PUBLIC_RATE_LIMIT submissions per client
# address in PUBLIC_RATE_WINDOW seconds (0: no limit), counted in the default cache. Behind a
# proxy, list it in VEIVISER_TRUSTED_PROXIES so that each client is counted on its own.
PUBLIC_RATE_LIMIT = env_int("VEIVISER_PUBLIC_RATE_LIMIT", 5)
PUBLIC_RATE_WINDOW = env_int("VEIVISER_PUBLIC_RATE_WINDOW", 3600)
PUBLIC_MAX_BODY_BYTES = env_int("VEIVISER_PUBLIC_MAX_BODY_BYTES", 16_384)
# A new request from the contact page sends its unit coordinators (or the county's office) a
# short e-mail with no personal data in it, only a link to the list; 0 turns it off.
PUBLIC_REFERRAL_NOTICE = env_bool("VEIVISER_PUBLIC_REFERRAL_NOTICE", default=True)
# The cache holds the rate-limit counters; with several app servers it must be shared, e.g.
# django.core.cache.backends.db.DatabaseCache with VEIVISER_CACHE_LOCATION=veiviser_cache
# (then run `veiviser createcachetable`).
CACHES = {
    "default": {
        "BACKEND": env_str(
            "VEIVISER_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": env_str("VEIVISER_CACHE_LOCATION", ""),
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:worklist"
LOGOUT_REDIRECT_URL = "login"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "veiviser.accounts.two_factor.TwoFactorMiddleware",
    "veiviser.api.middleware.ApiClientMiddleware",
    "veiviser.tenancy.middleware.TenantWallMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

# The daily reminder of overdue duties, started by `veiviser worker` (docs/duties.md): the
# local time and the weekdays (0 = Monday).
VEIVISER_REMINDER_TIME = env_str("VEIVISER_REMINDER_TIME", "07:00")
VEIVISER_REMINDER_DAYS = env_list("VEIVISER_REMINDER_DAYS", ["0", "1", "2", "3", "4"])
if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", VEIVISER_REMINDER_TIME):
    raise ImproperSetting(f"VEIVISER_REMINDER_TIME must be HH:MM; got {VEIVISER_REMINDER_TIME!r}")
if not set(VEIVISER_REMINDER_DAYS) <= set("0123456"):
    raise ImproperSetting(
        f"VEIVISER_REMINDER_DAYS must be weekday numbers 0-6; got {VEIVISER_REMINDER_DAYS!r}"
    )

# Two-factor login (TOTP, docs/security.md): the roles that must give a code after the
# password. In production by default those who see many youths and the administrator.
VEIVISER_TWO_FACTOR_ROLES = env_list(
    "VEIVISER_TWO_FACTOR_ROLES",
    ["county_leader", "office", "unit_coordinator", "administrator"] if PRODUCTION else [],
)
OTP_TOTP_ISSUER = "Veiviser"

# Content-Security-Policy (django-csp): everything from this server, nothing inline, nothing
# framed. The e2e tests fail on any violation a page reports (tests/e2e/conftest.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "veiviser.config.urls"
WSGI_APPLICATION = "veiviser.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Django's form renderer with <input> and <select> written out in Python: the same HTML,
# a fraction of the time (web/renderers.py).
FORM_RENDERER = "veiviser.web.renderers.WidgetRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'veiviser.sqlite3'}"),
        conn_max_age=env_int("VEIVISER_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the demo server read while an import writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisation.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
# English is the source language; Nynorsk joins when its catalogue exists (a browser asking
# for nn would otherwise get Django's Nynorsk mixed with our English).
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("VEIVISER_STATIC_ROOT", str(DATA_DIR / "static")))

# HTTPS only in production: redirect plain HTTP, and tell browsers to use HTTPS for a year
# (HSTS). Behind a TLS-terminating proxy, set VEIVISER_BEHIND_TLS_PROXY too, or the redirect loops.
SECURE_SSL_REDIRECT = env_bool("VEIVISER_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("VEIVISER_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("VEIVISER_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("VEIVISER_HSTS_PRELOAD", default=False)
# Submitting the domain to the browsers' HSTS preload list is the county's own decision
# (VEIVISER_HSTS_PRELOAD=1); until it is taken, the deploy check's reminder is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("VEIVISER_LOG_LEVEL", "INFO").upper()},
}
