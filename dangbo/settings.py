"""Settings for Đảng bộ số, read from the environment (healthchecks style)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def _secret_key() -> str:
    path = os.environ.get("SECRET_KEY_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # A per-checkout key for the embedded default; production sets SECRET_KEY(_FILE).
    key_file = BASE_DIR / "var" / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",  # login lockout per (account, address) and per address
    "django_otp",
    "django_otp.plugins.otp_totp",  # TOTP second factor for administrators and officers
    "ninja",  # API docs: its own Swagger UI template and static copy (no CDN)
    "django_tasks_db",  # the persistent task queue (django.tasks database backend, worker `db_worker`)
    "dangbo.core",
    "dangbo.audit",
    "dangbo.orgs",
    "dangbo.access",
    "dangbo.members",
    "dangbo.demo",
    "dangbo.reports",
    "dangbo.imports",
    "dangbo.plans",
    "dangbo.cadres",
    "dangbo.staffing",
    "dangbo.meetings",
    "dangbo.dues",
    "dangbo.grading",
    "dangbo.notifications",
    "dangbo.search",
    "dangbo.exports",
    "dangbo.synth",
    "dangbo.ops",  # backup and restore
    "dangbo.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dangbo.core.api_middleware.ApiJsonMiddleware",  # /api/: JSON errors only, NUL refused, JSON 500
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangbo.core.middleware.StampSnapshotMiddleware",  # data stamps read once per request, until it writes
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangbo.access.middleware.SessionRefreshMiddleware",  # sliding expiry, one write per interval
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "dangbo.access.middleware.CachedAuthenticationMiddleware",  # Django's, the user cached under a stamp
    "dangbo.access.middleware.CachedOTPMiddleware",  # django-otp's, the verified device cached under a stamp
    "dangbo.access.middleware.OTPRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangbo.audit.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Vietnamese lockout page
]

ROOT_URLCONF = "dangbo.urls"
WSGI_APPLICATION = "dangbo.wsgi.application"

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
                "dangbo.access.context_processors.navigation",
                "dangbo.notifications.context_processors.unread",
            ],
            "builtins": ["dangbo.core.templatetags.vn", "django.templatetags.l10n"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'dangbo.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # IMMEDIATE: a transaction takes the write lock when it begins, so a concurrent writer waits
    # (up to `timeout` seconds) instead of failing with "database is locked" when a transaction
    # that has read tries to upgrade to a write (the background import thread beside a request).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not SQLite's shared-cache memory database: the browser tests' live server and
    # background task threads write concurrently, and shared-cache memory databases lock whole
    # tables without waiting ("database table is locked"). pytest-django adds a suffix per xdist worker.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test_dangbo.sqlite3")}

# The application connects with DATABASE_URL. Where DATABASE_OWNER_URL is set (PostgreSQL in
# production), DATABASE_URL names a role with ordinary DML rights but only INSERT/SELECT on the audit
# table, and the commands that change the schema or rewrite tables wholesale (migrate, db-roles,
# restore, demo, synth, rebuild-*: dangbo.core.db_roles.OWNER_COMMANDS) connect as the owner instead:
# `manage.py`/`dangbo` set DANGBO_DB_AS_OWNER=1 for them.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
# The role the application connects as (granted by `dangbo db-roles` and after every `migrate`).
DATABASE_APP_ROLE = DATABASES["default"].get("USER", "") if DATABASE_OWNER_URL else ""
DATABASE_APP_PASSWORD = DATABASES["default"].get("PASSWORD", "") if DATABASE_OWNER_URL else ""
if DATABASE_OWNER_URL and envbool("DANGBO_DB_AS_OWNER"):
    DATABASES["default"] = dj_database_url.parse(DATABASE_OWNER_URL, conn_max_age=0)

# PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost (100.000): the tree,
# list and report queries of a large province do, and compiling costs 30–100 ms each, more than many
# of them take to run (bench/national.py, the national registry). An interactive workload gains
# nothing from it: off on the application's connections unless DB_JIT=1.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not envbool("DB_JIT"):
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()

# Parallel query: launching workers costs more than a page's query takes (a member-list page of the
# largest province: 25 ms serial, 70–110 ms with 2 workers on the national data, each worker a
# process competing with the other sessions), so the application's connections plan serially
# unless DB_PARALLEL=1; the report aggregates, where workers pay off (the annual report 690 → 400 ms),
# ask for DB_REPORT_PARALLEL_WORKERS workers per query inside `core.db.parallel_query()`.
DB_REPORT_PARALLEL_WORKERS = envint("DB_REPORT_PARALLEL_WORKERS", "2")
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not envbool("DB_PARALLEL"):
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = f"{_db_options.get('options', '')} -c max_parallel_workers_per_gather=0".strip()

# Background tasks (django.tasks): the database backend of django-tasks-db keeps the queue in the
# application database (SQLite or PostgreSQL); `dangbo db_worker` runs it (`dangbo serve` starts one).
# DANGBO_TASKS_BACKEND=immediate runs every task inside the caller (what the tests do).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[os.environ.get("DANGBO_TASKS_BACKEND", "database")]}}
# Sensitive reads are appended to an unchained staging table without the chain's lock and
# moved into the chain by the periodic job "audit.drain_reads" (and before `audit verify`, every
# checkpoint and the audit log pages), so profile reads do not serialize. Default: on when a task
# worker runs the queue; with the immediate backend (tests) each read is chained at once.
AUDIT_READS_STAGED = envbool(
    "DANGBO_AUDIT_READS_STAGED", "0" if os.environ.get("DANGBO_TASKS_BACKEND", "database") == "immediate" else "1"
)
# Periodic jobs enqueued by `dangbo scheduler` (dangbo.jobs.schedule): name -> interval in seconds.
DANGBO_PERIODIC = {
    "plans.remind": envint("DANGBO_REMIND_EVERY", "3600"),
    "members.overdue": envint("DANGBO_OVERDUE_EVERY", "86400"),
    "audit.checkpoint": envint("DANGBO_AUDIT_CHECKPOINT_EVERY", "3600"),
    "audit.drain_reads": envint("DANGBO_AUDIT_DRAIN_EVERY", "10"),
    "tasks.prune": envint("DANGBO_TASKS_PRUNE_EVERY", "86400"),
    "exports.prune": envint("DANGBO_EXPORT_PRUNE_EVERY", "3600"),
    "notifications.deliver": envint("DANGBO_NOTIFY_RETRY_EVERY", "60"),
    "dues.facts": envint("DANGBO_DUES_FACTS_EVERY", "86400"),
    "notifications.study_remind": envint("DANGBO_STUDY_REMIND_EVERY", "86400"),
    "cadres.planning_close": envint("DANGBO_PLANNING_CLOSE_EVERY", "86400"),
    "cadres.planning_sweep": envint("DANGBO_PLANNING_SWEEP_EVERY", "86400"),
}
# Notification deliveries (notifications.delivery): attempts per delivery, the first retry's delay
# in seconds (doubled at each retry), the webhook request timeout in seconds.
NOTIFICATIONS_MAX_ATTEMPTS = envint("DANGBO_NOTIFY_MAX_ATTEMPTS", "5")
NOTIFICATIONS_RETRY_BASE = envint("DANGBO_NOTIFY_RETRY_BASE", "60")
NOTIFICATIONS_WEBHOOK_TIMEOUT = envint("DANGBO_NOTIFY_WEBHOOK_TIMEOUT", "10")
# The address users open the product at (e.g. https://dangbo.tinhuy.vn): chat messages and e-mails
# end with a link to the notification's page on it; unset, they carry no link.
DANGBO_BASE_URL = os.environ.get("DANGBO_BASE_URL", "").strip()
# Large exports (exports.tasks): files written by the task worker, kept DANGBO_EXPORT_TTL hours;
# a member list longer than DANGBO_EXPORT_SYNC_MAX_ROWS goes through a job instead of the request.
DANGBO_EXPORT_DIR = Path(os.environ.get("DANGBO_EXPORT_DIR") or BASE_DIR / "var" / "exports")
# The progress a background job records inside its transaction (core.jobs), read by the polling page
DANGBO_JOB_PROGRESS_DIR = Path(os.environ.get("DANGBO_JOB_PROGRESS_DIR") or BASE_DIR / "var" / "job-progress")
DANGBO_EXPORT_TTL = envint("DANGBO_EXPORT_TTL", "24")
DANGBO_EXPORT_SYNC_MAX_ROWS = envint("DANGBO_EXPORT_SYNC_MAX_ROWS", "2000")
DANGBO_EXPORT_PROGRESS_EVERY = envint("DANGBO_EXPORT_PROGRESS_EVERY", "1000")

# An import's file is parsed once: its rows are kept (imports.rowcache) for the apply that follows
# the dry run, DANGBO_IMPORT_ROWS_TTL hours.
DANGBO_IMPORT_ROWS_DIR = Path(os.environ.get("DANGBO_IMPORT_ROWS_DIR") or BASE_DIR / "var" / "cache" / "import-rows")
DANGBO_IMPORT_ROWS_TTL = envint("DANGBO_IMPORT_ROWS_TTL", "24")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and re-saved passwords are hashed with it; older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# AxesStandaloneBackend first: it refuses locked-out attempts (it needs the request, which
# Django's LoginView passes), then the model backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = os.environ.get("DANGBO_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "dangbo" / "locale"]  # strings Django's Vietnamese catalogue lacks
USE_TZ = True
FORMAT_MODULE_PATH = ["dangbo.formats"]
USE_THOUSAND_SEPARATOR = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "/static/"
# Uploaded documents (grading attachments...), never served by the app without a scope check.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
STATIC_ROOT = BASE_DIR / "var" / "static"
# Front-end assets come from pinned npm packages (package-lock.json), never from a CDN.
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(30 * 60))  # expires after 30 min without a request
# ... counted from the last refresh: a signed-in session is saved again (pushing its expiry forward)
# at most once per SESSION_REFRESH_INTERVAL seconds (access.middleware.SessionRefreshMiddleware),
# not on every request, so reading pages writes nothing to the database.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_INTERVAL = envint("SESSION_REFRESH_INTERVAL", "300")
# Served over HTTPS (HTTPS=1 or SECURE_SSL_REDIRECT=1): redirect, HSTS, secure cookies.
HTTPS = envbool("HTTPS") or envbool("SECURE_SSL_REDIRECT")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if envbool("TRUST_X_FORWARDED_PROTO"):  # only behind a proxy that sets it
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", str(HTTPS))
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", str(HTTPS))
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp 4): no inline scripts or styles, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The client's address (dangbo.core.http.client_ip): REMOTE_ADDR unless a reverse proxy's header is
# configured here (e.g. X-Forwarded-For); a header the client sends is never believed otherwise.
DANGBO_TRUSTED_PROXY_HEADER = os.environ.get("DANGBO_TRUSTED_PROXY_HEADER", "")
DANGBO_TRUSTED_PROXY_COUNT = envint("DANGBO_TRUSTED_PROXY_COUNT", "1")

# Login lockout (django-axes, dangbo.access.lockout): 5 failures per (account, address), or 20 per
# account from any addresses, lock that account's logins for 15 min; never per address alone (one
# NAT address is shared by a whole office).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
DANGBO_LOCKOUT_ACCOUNT_LIMIT = envint("DANGBO_LOCKOUT_ACCOUNT_LIMIT", "20")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "dangbo.access.lockout.AccountAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "dangbo.core.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dangbo.access.views.lockout"  # Vietnamese page, HTTP 429
AXES_COOLOFF_MESSAGE = "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau."
AXES_VERBOSE = False

# Two-factor (django-otp, TOTP): required for administrators and officers (dangbo.access.middleware).
OTP_REQUIRED = envbool("OTP_REQUIRED", "True")
OTP_TOTP_ISSUER = "Đảng bộ số"

# Audit checkpoints (dangbo.audit.services.checkpoint_write): the head of the audit chain, signed
# with HMAC-SHA256 under a key kept outside the database, appended to a file outside the database
# (one file per database) and to the log; `dangbo audit verify` checks the table against them.
_db_label = (
    Path(DATABASES["default"]["NAME"]).stem
    if DATABASES["default"]["ENGINE"].endswith("sqlite3")
    else DATABASES["default"].get("NAME", "")
)
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("AUDIT_CHECKPOINT_FILE")
    or BASE_DIR / "var" / f"audit-checkpoints-{DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}-{_db_label}.jsonl"
)
AUDIT_CHECKPOINT_KEY = os.environ.get("AUDIT_CHECKPOINT_KEY", "")
AUDIT_CHECKPOINT_KEY_FILE = Path(
    os.environ.get("AUDIT_CHECKPOINT_KEY_FILE") or BASE_DIR / "var" / "audit-checkpoint.key"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Every audit checkpoint is also written to the log (a second copy outside the database).
    "loggers": {"dangbo.audit.checkpoint": {"level": "INFO"}},
}

# Covering indexes (INCLUDE) serve PostgreSQL; SQLite builds them without the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# E-mail (reminders): SMTP when EMAIL_HOST is set, else nothing leaves the machine (closed networks).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dang-bo-so@localhost")
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": envint("EMAIL_PORT", "587"),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", "True"),
                "timeout": envint("EMAIL_TIMEOUT", "20"),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
