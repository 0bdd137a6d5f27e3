"""Settings read from the environment; one class for tests."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me"}
DEVELOPMENT_HOSTS = ("localhost", "127.0.0.1")


def _env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no setting: 1, true, yes and on count as yes."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """Return the development key kept in instance/secret_key, creating it once."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    """Return DATABASE_URL in the psycopg 3 dialect, or the SQLite file in instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE / 'community.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _site_address(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute http(s) URL with no path, query, fragment or user in it; else None."""
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    if (
        parts.scheme not in ("http", "https")
        or not host_is_trusted(host)
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        return None
    if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)):
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def _check_site(config: dict) -> None:
    """Refuse to start without a valid SITE_URL; keep it as `scheme://host[:port]` and answer only requests for
    its host, ALLOWED_HOSTS and, outside production, localhost and 127.0.0.1 (Flask's TRUSTED_HOSTS)."""
    site = _site_address((config.get("SITE_URL") or "").strip())
    if site is None:
        raise RuntimeError(
            "SITE_URL must be the site's absolute http(s) address without a path, e.g. https://halyk-uni.kz; "
            f"it is {config.get('SITE_URL')!r}."
        )
    config["SITE_URL"] = site
    extra = [name.strip().lower() for name in (config.get("ALLOWED_HOSTS") or "").split(",") if name.strip()]
    local = [] if config.get("PRODUCTION") else list(DEVELOPMENT_HOSTS)
    config["TRUSTED_HOSTS"] = list(dict.fromkeys([urlsplit(site).hostname, *extra, *local]))


def _check_rate_limit_storage(config: dict) -> None:
    """Refuse to start in production with rate-limit counters in the process's memory (no REDIS_URL) unless
    SINGLE_PROCESS says one process serves the site: each of several workers would count only what it saw."""
    storage = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if config.get("PRODUCTION") and storage.startswith("memory://") and not config.get("SINGLE_PROCESS"):
        raise RuntimeError(
            "Rate limits need REDIS_URL when several processes serve the site (APP_ENV=production); with one "
            "process (one gunicorn worker on one machine, as `gunicorn -c gunicorn.conf.py app:app` runs without "
            "REDIS_URL) set SINGLE_PROCESS=1."
        )


class Config:
    """The settings of a running site; every one can be set in the environment."""

    ENV = os.environ.get("APP_ENV", "production").strip().lower()
    PRODUCTION = ENV == "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SITE_NAME = os.environ.get("SITE_NAME", "Халық үні")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "info@halyk-uni.kz")  # on the contact, rules and privacy pages
    DEFAULT_LOCALITY = os.environ.get("DEFAULT_LOCALITY", "almaty-region")
    # Where the site is served: every absolute URL is built from it, and requests for other hosts are refused.
    SITE_URL = os.environ.get("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:5000").strip()
    ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "")  # more host names to answer, e.g. a health check's

    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    REDIS_URL = os.environ.get("REDIS_URL", "").strip()
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # Set when one process serves the site (one worker, one machine), so counters in its memory are all there are.
    SINGLE_PROCESS = _env_bool("SINGLE_PROCESS")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "halyk")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_ATTEMPTS_LIMIT = "10 per 10 minutes"
    # Per address, high: a hall on one Wi-Fi or a mobile operator's shared address registers many people at once;
    # the per-e-mail limit and the mailed link keep one inbox from being flooded.
    REGISTRATION_LIMIT = os.environ.get("REGISTRATION_LIMIT", "60 per hour")
    REGISTRATION_EMAIL_LIMIT = "5 per hour"
    RESET_REQUEST_LIMIT = "5 per hour"
    OWN_DATA_LIMIT = "10 per hour"  # downloads of one's own data, per account
    ACCOUNT_DELETION_LIMIT = "10 per hour"  # tries to delete one's account (each checks a password), per account
    THREAD_LIMIT = os.environ.get("THREAD_LIMIT", "6 per hour")
    THREAD_LIMIT_NEW = os.environ.get("THREAD_LIMIT_NEW", "2 per hour")
    THREAD_ADDRESS_LIMIT = "20 per hour"
    COMMENT_LIMIT = os.environ.get("COMMENT_LIMIT", "40 per hour")
    COMMENT_LIMIT_NEW = os.environ.get("COMMENT_LIMIT_NEW", "10 per hour")
    COMMENT_ADDRESS_LIMIT = "120 per hour"
    ACTION_LIMIT = os.environ.get("ACTION_LIMIT", "120 per hour")  # supports, follows, flags, votes, pledge writes
    QUESTION_LIMIT = os.environ.get("QUESTION_LIMIT", "12 per hour")
    QUESTION_LIMIT_NEW = os.environ.get("QUESTION_LIMIT_NEW", "4 per hour")
    DIALOGUE_MODERATION_LIMIT = os.environ.get("DIALOGUE_MODERATION_LIMIT", "1000 per hour")
    FLAGS_TO_HIDE = 3
    APPEAL_LIMIT = os.environ.get("APPEAL_LIMIT", "10 per day")  # appeals sent, per account
    APPEAL_ANSWER_DAYS = int(os.environ.get("APPEAL_ANSWER_DAYS", "15"))  # working days a deputy has to answer

    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@halyk-uni.kz")

    BABEL_DEFAULT_LOCALE = "kk"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "community" / "translations")
    LANGUAGES = ("kk", "ru", "en")

    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PRODUCTION
    SESSION_COOKIE_NAME = "session"
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = PRODUCTION
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = True
    PASSWORD_RESET_VALID = timedelta(hours=1)
    # Days a browser that passed the second factor is remembered when its owner asks (never more than 30).
    TWO_FACTOR_REMEMBER_DAYS = int(os.environ.get("TWO_FACTOR_REMEMBER_DAYS", "30"))
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - werkzeug's scrypt, n=2**15

    HTMX_VERSION = "2.0.11"
    HTMX_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
    HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start in production without a real SECRET_KEY (fill one in for development), or anywhere
        without a valid SITE_URL, or in production with rate limits counted per process."""
        key = config.get("SECRET_KEY") or ""
        if config.get("PRODUCTION"):
            if key.lower() in WEAK_SECRET_KEYS or len(key) < 32:
                raise RuntimeError(
                    "SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production (APP_ENV=production)."
                )
        elif not key:
            config["SECRET_KEY"] = _local_secret_key()
        _check_site(config)
        _check_rate_limit_storage(config)


class TestConfig(Config):
    """Settings for the test suite: a throw-away database, mail kept in memory."""

    ENV = "testing"
    PRODUCTION = False
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - cheap hashes keep the suite quick
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_SERVER = ""
    SERVER_NAME = None
    SITE_URL = "http://localhost"  # the test client's host
    ALLOWED_HOSTS = ""
