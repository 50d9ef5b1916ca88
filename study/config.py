"""Configuration: defaults here, overridden by environment variables (see README)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalize_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` spellings and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


#: a Redis that does not answer holds a request this long at most (then the limits fall back to memory)
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def rate_limit_storage(environ=os.environ) -> tuple[str, dict]:
    """The limits' storage: RATELIMIT_STORAGE_URI, else REDIS_URL, else memory (one process only);
    with the storage's connection options."""
    uri = environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL") or "memory://"
    options = dict(REDIS_TIMEOUTS) if uri.startswith(("redis://", "rediss://", "redis+unix://")) else {}
    return uri, options


def from_environment(instance_path: str) -> dict:
    """The configuration for a normal (non-test) run."""
    default_db = "sqlite:///" + str(Path(instance_path) / "codeprep.sqlite")
    https = _bool(os.environ.get("HTTPS"), False)
    storage_uri, storage_options = rate_limit_storage()
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(os.environ.get("DATABASE_URL", default_db)),
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_STORAGE_OPTIONS": storage_options,
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "DEBUG": _bool(os.environ.get("DEBUG"), False),
        # how many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none)
        "TRUSTED_PROXY_HOPS": int(os.environ.get("TRUSTED_PROXY_HOPS") or 0),
        "QUESTION_BANK": os.environ.get("QUESTION_BANK", str(Path(__file__).resolve().parent.parent / "question_bank")),
    }


class Defaults:
    """Settings that hold whatever the environment says."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    # if the limits' storage (Redis) is down, never fail a request: each process counts the limits
    # in its own memory until Redis answers again (and if even that fails, the request goes through).
    # The sign-in back-off fails open (study.services.signin_guard). docs/deploy.md, "When Redis is down"
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # every sign-in request from one address, right or wrong: a flood guard only (a class behind
    # one school address signs in at once); wrong passwords back off in study.services.signin_guard
    LOGIN_LIMIT_PER_IP = "120 per minute"
    SIGNIN_FREE_FAILURES = 5
    SIGNIN_FREE_FAILURES_PER_ADDRESS = 30
    SIGNIN_FIRST_WAIT = 30
    SIGNIN_MAX_WAIT = 900
    SIGNUP_LIMIT_PER_IP = "10 per hour"
    EXAM_START_LIMIT = "10 per hour;30 per day"  # per learner
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # answers still on their way when an exam's time runs out are accepted this long after it
    EXAM_TOLERANCE_SECONDS = 10
    # item analysis raises no flag (nor "possible wrong key") on an item with fewer responses
    ITEM_ANALYSIS_MIN_RESPONSES = 20
    # the bank list's stored figures (study/services/bank_stats.py) are recomputed on a page view
    # when older than this and an exam was submitted since (or by `flask bank stats`)
    BANK_STATS_MAX_AGE_MINUTES = 60
