"""Settings classes. Every value comes from the environment; the classes only hold defaults."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import click
from celery.schedules import crontab

INSECURE_SECRET_KEYS = {"", "dev", "change-me", "changeme", "secret", "dev-insecure-key"}
MAIL_BACKENDS = ("smtp", "console", "outbox")
DEV_SECRET_KEY = "dev-insecure-key"  # noqa: S105 - refused by ProductionConfig.check


class ConfigurationError(click.ClickException):
    """A setting is missing or unsafe; the message names the variable.

    A ClickException so that `flask ...` commands print it as one "Error: ..." line; under
    Gunicorn it is an ordinary exception, so the worker fails to boot and the master stops.
    """


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {value!r}") from None


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgres URLs, which is what hosting platforms hand out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options_for(uri: str) -> dict:
    if uri.startswith("sqlite"):
        # Web and worker processes write at once: WAL (set in core/database.py) plus a generous
        # busy timeout; without them concurrent writers fail with "database is locked".
        return {"connect_args": {"timeout": 30}}
    return {
        # A restarted database leaves dead connections in the pool: each one is checked on
        # checkout (core/database.py, without a round trip) and replaced if the server ended it.
        "pool_recycle": 1800,
        # A gevent worker serves many requests at once: below that many pooled connections,
        # each busy moment opens (and then closes) overflow connections.
        "pool_size": env_int("DB_POOL_SIZE", 20),
        "max_overflow": env_int("DB_MAX_OVERFLOW", 10),
        # Synchronized scans start a sequential scan of a large table where the last one
        # stopped: a search for a common word ranks the first matches a scan finds, so the same
        # search would show different results each time, and its pages would not follow.
        "connect_args": {
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5),
            # Times come back in UTC whatever the server's zone, as the app keeps them.
            "options": "-c synchronize_seqscans=off -c timezone=UTC",
            # No statement is prepared on the server. psycopg would prepare one after 5 runs on
            # a connection, and the ROLLBACK ending a request dropped them all again; but a
            # read in autocommit (core/database.py) keeps them, and after 5 more runs
            # PostgreSQL may plan a search once for every word, with no word's statistics: the
            # commonest word's search then took 22 ms instead of 6 (docs/performance.md).
            "prepare_threshold": None,
        },
    }


class BaseConfig:
    ENV_NAME = "base"
    SECRET_KEY: str = ""
    SQLALCHEMY_DATABASE_URI: str = ""
    SQLALCHEMY_RECORD_QUERIES = False
    MAX_CONTENT_LENGTH = 0
    REDIS_URL: str | None = None
    CHECK_DATABASE_ON_START = True

    def __init__(self, instance_path: str) -> None:
        self.INSTANCE_PATH = instance_path
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "")
        default_db = f"sqlite:///{Path(instance_path) / 'prepdeck.db'}"
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL", default_db)
        )
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 5 * 1024 * 1024)
        self.BCRYPT_LOG_ROUNDS = env_int("BCRYPT_LOG_ROUNDS", 12)
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=env_int("SESSION_LIFETIME_HOURS", 24 * 7))
        self.REMEMBER_COOKIE_DURATION = timedelta(days=env_int("REMEMBER_DAYS", 30))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.WTF_CSRF_TIME_LIMIT = 3600 * 8
        self.CONFIRM_TOKEN_MAX_AGE = env_int("CONFIRM_TOKEN_MAX_AGE", 3 * 24 * 3600)
        self.RESET_TOKEN_MAX_AGE = env_int("RESET_TOKEN_MAX_AGE", 3600)
        self.LOGIN_LIMIT_ACCOUNT = os.environ.get("LOGIN_LIMIT_ACCOUNT", "5 per minute")
        self.LOGIN_LIMIT_IP = os.environ.get("LOGIN_LIMIT_IP", "20 per minute")
        self.LOGIN_LIMIT_SPREAD = os.environ.get("LOGIN_LIMIT_SPREAD", "30 per hour")
        self.SIGN_IN_LINK_MAX_AGE = env_int("SIGN_IN_LINK_MAX_AGE", 15 * 60)
        self.MAIL_LIMIT = os.environ.get("MAIL_LIMIT", "5 per hour")
        self.MAIL_SENDER = os.environ.get("MAIL_SENDER", "Prepdeck <no-reply@prepdeck.local>")
        # console: printed by the worker, in the terminal of `make run`; see prepdeck.core.mail.
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
        self.MAIL_PORT = env_int("MAIL_PORT", 587)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = env_bool("MAIL_USE_TLS", True)
        self.METRICS_ENABLED = env_bool("METRICS_ENABLED", True)
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
        self.PROXY_FIX_HOPS = env_int("PROXY_FIX_HOPS", 0)
        self.BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
        self.HSTS_SECONDS = 0
        # Export files and uploaded documents are kept this long after their job, then removed
        # by the "expire-job-files" beat job; a person holds at most this many of each kind.
        self.JOB_FILE_RETENTION_HOURS = env_int("JOB_FILE_RETENTION_HOURS", 24)
        self.JOB_FILES_PER_PERSON = env_int("JOB_FILES_PER_PERSON", 10)
        self._configure_realtime()
        self._configure_cache_and_limits()
        self._configure_api()
        self._configure_oauth()
        self._configure_celery()

    def _configure_realtime(self) -> None:
        # Several web processes (or a Celery worker) reach each other's sockets through it.
        self.SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or self.REDIS_URL
        # Other origins allowed to open a socket (a browser app elsewhere); by default only the
        # app's own origin may, and clients that send no Origin (non-browser) are let in.
        origins = os.environ.get("SOCKETIO_ALLOWED_ORIGINS", "")
        self.SOCKETIO_ALLOWED_ORIGINS = [o.strip() for o in origins.split(",") if o.strip()]
        # Empty: gevent when the process is patched for it (Gunicorn's gevent worker), else
        # threads with simple-websocket (`make run`, tests).
        self.SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE") or None

    def _configure_cache_and_limits(self) -> None:
        if self.REDIS_URL:
            self.CACHE_TYPE = "RedisCache"
            self.CACHE_REDIS_URL = self.REDIS_URL
            self.RATELIMIT_STORAGE_URI = self.REDIS_URL
        else:
            self.CACHE_TYPE = "SimpleCache"
            self.RATELIMIT_STORAGE_URI = "memory://"
        self.CACHE_TYPE = os.environ.get("CACHE_TYPE", self.CACHE_TYPE)
        self.CACHE_DEFAULT_TIMEOUT = env_int("CACHE_DEFAULT_TIMEOUT", 300)
        self.CACHE_KEY_PREFIX = "prepdeck:"
        # How long a shared cache (the reverse proxy) may serve an anonymous page without asking
        # again; 0: it must revalidate every time, so no one sees a page older than an edit.
        self.PAGE_SHARED_SECONDS = max(env_int("PAGE_SHARED_SECONDS", 0), 0)
        self.RATELIMIT_STORAGE_URI = os.environ.get(
            "RATELIMIT_STORAGE_URI", self.RATELIMIT_STORAGE_URI
        )
        self.RATELIMIT_KEY_PREFIX = "prepdeck"
        # X-RateLimit-* headers cost two more round trips to the limit store per request; a 429
        # carries Retry-After either way.
        self.RATELIMIT_HEADERS_ENABLED = env_bool("RATELIMIT_HEADERS_ENABLED", False)
        # A Redis outage must not turn every limited page into a 500: log and let it through.
        self.RATELIMIT_SWALLOW_ERRORS = True

    def _configure_api(self) -> None:
        self.API_TITLE = "Prepdeck API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        # Tokens are signed with SECRET_KEY unless a key of their own is given; only this one
        # algorithm is accepted when they come back (never "none", never another family).
        self.JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or None
        self.JWT_ALGORITHM = "HS256"
        self.JWT_DECODE_ALGORITHMS = ["HS256"]
        self.JWT_TOKEN_LOCATION = ["headers"]
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15))
        self.JWT_REFRESH_TOKEN_EXPIRES = timedelta(days=env_int("JWT_REFRESH_DAYS", 30))
        self.API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
        origins = os.environ.get("CORS_ORIGINS", "")
        self.CORS_ORIGINS = [o.strip().rstrip("/") for o in origins.split(",") if o.strip()]

    def _configure_oauth(self) -> None:
        # A provider's sign-in button and /login/<provider> exist only when both are set.
        for provider in ("GITHUB", "GOOGLE"):
            for part in ("CLIENT_ID", "CLIENT_SECRET"):
                name = f"{provider}_OAUTH_{part}"
                setattr(self, name, os.environ.get(name) or None)
        self.OAUTH_ENDPOINTS: dict = {}  # per provider: authorization_url, token_url, base_url

    def _configure_celery(self) -> None:
        broker = os.environ.get("CELERY_BROKER_URL") or self.REDIS_URL or "filesystem://"
        options: dict = {}
        if broker.startswith("filesystem"):
            queue = Path(
                os.environ.get("CELERY_BROKER_FOLDER") or Path(self.INSTANCE_PATH) / "broker"
            )
            options = {
                "data_folder_in": str(queue / "queue"),
                "data_folder_out": str(queue / "queue"),
                "processed_folder": str(queue / "processed"),
                "control_folder": str(queue / "control"),
                "store_processed": False,
                "polling_interval": 0.2,
            }
        elif broker.startswith("redis"):
            # Above the longest task: past it Redis hands the task to a second worker.
            options = {
                "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
                # Look for tasks of dead workers every N seconds (kombu's default is ~100 s).
                "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
                "unacked_restore_throttle": 1,
            }
        self.CELERY = {
            "broker_url": broker,
            "broker_transport_options": options,
            "broker_connection_retry_on_startup": True,
            "task_ignore_result": True,
            "task_always_eager": env_bool("CELERY_TASK_ALWAYS_EAGER", False),
            "task_eager_propagates": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "worker_hijack_root_logger": False,
            "beat_schedule": {
                "prune-task-records": {"task": "core.prune_task_records", "schedule": 3600.0},
                "requeue-mail": {"task": "core.requeue_mail", "schedule": 300.0},
                "prune-revoked-tokens": {
                    "task": "accounts.prune_revoked_tokens",
                    "schedule": 3600.0,
                },
                "prune-expired-sessions": {
                    "task": "accounts.prune_expired_sessions",
                    "schedule": 3600.0,
                },
                "expire-job-files": {"task": "decks.expire_job_files", "schedule": 900.0},
                # Nightly (UTC): personal FSRS parameters; they change slowly.
                "fit-practice-parameters": {
                    "task": "practice.fit_parameters",
                    "schedule": crontab(hour=3, minute=30),
                },
                # Each person's chosen hour, whatever their time zone's offset (some are :30, :45).
                "send-practice-reminders": {"task": "practice.send_reminders", "schedule": 900.0},
            },
        }

    def check(self) -> None:
        """Refuse settings that would be unsafe in this environment."""
        if self.MAIL_BACKEND not in MAIL_BACKENDS:
            raise ConfigurationError(
                f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, got {self.MAIL_BACKEND!r}"
            )

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"

    def __init__(self, instance_path: str) -> None:
        super().__init__(instance_path)
        self.SECRET_KEY = self.SECRET_KEY or DEV_SECRET_KEY
        self.TEMPLATES_AUTO_RELOAD = True


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self, instance_path: str) -> None:
        super().__init__(instance_path)
        self.SECRET_KEY = "testing-secret-key-that-is-long-enough"  # noqa: S105 - test-only
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
        )
        self.JWT_SECRET_KEY = None
        self.BCRYPT_LOG_ROUNDS = 4
        self.CACHE_TYPE = "SimpleCache"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.CELERY = {**self.CELERY, "task_always_eager": True, "broker_url": "memory://"}
        self.CHECK_DATABASE_ON_START = False
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
        # One process per test: the sockets of other apps in the run are not this app's.
        self.SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"

    def __init__(self, instance_path: str) -> None:
        super().__init__(instance_path)
        self.SESSION_COOKIE_SECURE = True
        self.REMEMBER_COOKIE_SECURE = True
        # The __Host- prefix pins the cookie to this host over HTTPS with Path=/.
        self.SESSION_COOKIE_NAME = "__Host-session"
        self.REMEMBER_COOKIE_NAME = "__Host-remember"
        self.PREFERRED_URL_SCHEME = "https"
        self.HSTS_SECONDS = 31536000
        self.METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
        self.PROXY_FIX_HOPS = env_int("PROXY_FIX_HOPS", 1)

    def check(self) -> None:
        super().check()
        if self.SECRET_KEY.strip() in INSECURE_SECRET_KEYS:
            raise ConfigurationError(
                "SECRET_KEY is missing or a default value: set the SECRET_KEY environment "
                "variable to a long random string (python -c 'import secrets; "
                "print(secrets.token_hex(32))')"
            )
        if len(self.SECRET_KEY) < 32:
            raise ConfigurationError("SECRET_KEY is too short: use at least 32 characters")
        if self.JWT_SECRET_KEY is not None and len(self.JWT_SECRET_KEY) < 32:
            raise ConfigurationError("JWT_SECRET_KEY is too short: use at least 32 characters")
        if self.METRICS_ENABLED and len(self.METRICS_TOKEN or "") < 16:
            raise ConfigurationError(
                "METRICS_ENABLED is set without METRICS_TOKEN: set METRICS_TOKEN to a random "
                "string of 16 characters or more, which Prometheus sends as a bearer token"
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None, instance_path: str) -> BaseConfig:
    name = name or os.environ.get("PREPDECK_ENV") or "development"
    try:
        config_class = CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"PREPDECK_ENV must be one of {', '.join(CONFIGS)}, got {name!r}"
        ) from None
    config = config_class(instance_path)
    config.check()
    return config
