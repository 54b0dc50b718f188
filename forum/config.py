"""Settings: defaults in classes, then FORUM_* environment overrides (DESIGN.md section 6)."""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from forum.core import limits

ROOT = Path(__file__).resolve().parent.parent
SEARCH_BACKENDS = ("whoosh", "postgres")


class ConfigError(SystemExit):
    """A wrong or missing setting: printed as one line, and the process stops."""

    def __init__(self, message: str):
        super().__init__(f"Gemellaggi configuration error: {message}")


class DefaultConfig:
    FORUM_ENV = "development"
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    BABEL_DEFAULT_LOCALE = "it"
    BABEL_DEFAULT_TIMEZONE = "Europe/Rome"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    FORUM_LANGUAGES = ("it", "en")
    FORUM_SEARCH_BACKEND = "whoosh"
    FORUM_SEARCH_INDEX_DIR = None
    FORUM_SEARCH_WRITE_TIMEOUT = 3.0
    FORUM_SEARCH_WRITE_ATTEMPTS = 3
    # Processes `search reindex` analyses documents in (Whoosh): 0 = one per CPU, at most 4.
    FORUM_SEARCH_REINDEX_PROCS = 0
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = True
    # Every FORUM_RATELIMIT_* limit, with its default, is in forum/core/limits.py (set
    # on this class just below it).
    FORUM_RATELIMIT_ACCOUNT_FREE_ATTEMPTS = limits.ACCOUNT_FREE_ATTEMPTS
    FORUM_RATELIMIT_ACCOUNT_MAX_DELAY = limits.ACCOUNT_MAX_DELAY
    FORUM_MAIL_SERVER = None
    # Development without a server: each mail is printed whole on the console when it is queued.
    FORUM_MAIL_CONSOLE = True
    FORUM_MAIL_PORT = 25
    FORUM_MAIL_SENDER = "Gemellaggi <noreply@gemellaggi.localhost>"
    FORUM_MAIL_USE_TLS = False
    FORUM_MAIL_USERNAME = None
    FORUM_MAIL_PASSWORD = None
    # Failed attempts after which a message is parked for an administrator to look at.
    FORUM_MAIL_MAX_ATTEMPTS = 10
    FORUM_UPLOAD_DIR = None
    FORUM_MAX_UPLOAD_MB = 10
    FORUM_TOKEN_MAX_AGE = 2 * 24 * 3600
    FORUM_RESET_MAX_AGE = 3600
    FORUM_MEMBERS_PER_PAGE = 20
    # None: the address `make run` serves (HOST and PORT); required in production.
    FORUM_BASE_URL = None
    # Where the footer's source link leads (AGPL-3.0 section 13); None: the archive this
    # site serves of its own code (/source.tar.gz). Set it to the repository of a fork.
    FORUM_SOURCE_URL = None
    # Proxies in front of the site whose X-Forwarded-For/-Proto/-Host are believed (ProxyFix).
    FORUM_TRUSTED_PROXIES = 0
    FORUM_CONTACT_EMAIL = None
    # Open data: who publishes the catalog (with its code in the national IPA index, if a
    # public body) and under which licence (AgID's default for public data).
    FORUM_OPENDATA_PUBLISHER_NAME = "Gemellaggi"
    FORUM_OPENDATA_IPA_CODE = ""
    FORUM_OPENDATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
    FORUM_OPENDATA_LICENSE_NAME = "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)"
    FORUM_AUTOHIDE_REPORTS = 3
    FORUM_HOLD_FIRST_POST = False
    FORUM_NEW_MEMBER_POSTS_PER_HOUR = 20
    FORUM_NEW_MEMBER_DISCUSSIONS_PER_HOUR = 3
    FORUM_NEW_MEMBER_LINKS = 2
    FORUM_REAUTH_SECONDS = 600
    # Redis for what several workers or machines must share: rate limits, the page cache.
    FORUM_REDIS_URL = None
    # How long a visitor's rendered page is kept (0: never); writes make it stale at once.
    FORUM_PAGE_CACHE_SECONDS = 30


for _name, _value in limits.defaults().items():
    setattr(DefaultConfig, _name, _value)


class TestingConfig(DefaultConfig):
    TESTING = True
    # Tests read the outbox; the one that checks the console turns it on.
    FORUM_MAIL_CONSOLE = False
    SECRET_KEY = "testing-secret-key-not-for-production"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    # scrypt costs a quarter of a second per hash; tests check behaviour, not hash strength.
    FORUM_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = None
    FORUM_BASE_URL = "http://localhost"
    # Tests that look at the page cache turn it on themselves.
    FORUM_PAGE_CACHE_SECONDS = 0


ENV_SETTINGS = {
    "FORUM_ENV": str,
    "FORUM_SECRET_KEY": str,
    "DATABASE_URL": str,
    "FORUM_SEARCH_BACKEND": str,
    "FORUM_SEARCH_INDEX_DIR": str,
    "FORUM_SEARCH_WRITE_TIMEOUT": float,
    "FORUM_SEARCH_WRITE_ATTEMPTS": int,
    "FORUM_SEARCH_REINDEX_PROCS": int,
    "FORUM_RATELIMIT_STORAGE_URI": str,
    **{name: str for name in limits.defaults()},
    "FORUM_RATELIMIT_ACCOUNT_FREE_ATTEMPTS": int,
    "FORUM_RATELIMIT_ACCOUNT_MAX_DELAY": int,
    "FORUM_MAIL_SERVER": str,
    "FORUM_MAIL_PORT": int,
    "FORUM_MAIL_SENDER": str,
    "FORUM_MAIL_USE_TLS": lambda v: v.lower() in ("1", "true", "yes"),
    "FORUM_MAIL_USERNAME": str,
    "FORUM_MAIL_PASSWORD": str,
    "FORUM_MAIL_MAX_ATTEMPTS": int,
    "FORUM_UPLOAD_DIR": str,
    "FORUM_MAX_UPLOAD_MB": int,
    "FORUM_DEFAULT_LOCALE": str,
    "FORUM_BASE_URL": str,
    "FORUM_SOURCE_URL": str,
    "FORUM_TRUSTED_PROXIES": int,
    "FORUM_CONTACT_EMAIL": str,
    "FORUM_OPENDATA_PUBLISHER_NAME": str,
    "FORUM_OPENDATA_IPA_CODE": str,
    "FORUM_OPENDATA_LICENSE_URL": str,
    "FORUM_OPENDATA_LICENSE_NAME": str,
    "FORUM_AUTOHIDE_REPORTS": int,
    "FORUM_HOLD_FIRST_POST": lambda v: v.lower() in ("1", "true", "yes"),
    "FORUM_NEW_MEMBER_POSTS_PER_HOUR": int,
    "FORUM_NEW_MEMBER_DISCUSSIONS_PER_HOUR": int,
    "FORUM_NEW_MEMBER_LINKS": int,
    "FORUM_REAUTH_SECONDS": int,
    "FORUM_REDIS_URL": str,
    "FORUM_PAGE_CACHE_SECONDS": int,
    # Without Redis, the content version is this file's time (default instance/content-version):
    # two sites run from one checkout (a benchmark beside a load test) need one each.
    "FORUM_CONTENT_VERSION_FILE": str,
}

# Environment names that map onto Flask's own keys.
RENAMED = {
    "FORUM_SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "FORUM_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "FORUM_DEFAULT_LOCALE": "BABEL_DEFAULT_LOCALE",
}


def read_environment(environ=os.environ) -> dict:
    """The FORUM_* settings present in the environment, converted to their types."""
    values = {}
    for name, convert in ENV_SETTINGS.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            values[RENAMED.get(name, name)] = convert(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not valid.")
    return values


def normalise_database_url(url: str) -> str:
    """Check DATABASE_URL and pick psycopg 3 for PostgreSQL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL {url!r} is not a database URL (postgresql://… or sqlite:///…).")
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise ConfigError(f"DATABASE_URL uses {parsed.drivername!r}; use postgresql or sqlite.")
    return parsed.render_as_string(hide_password=False)


def finalise(config, instance_path: str) -> None:
    """Fill derived settings and stop with one clear line on a wrong one."""
    env = config.get("FORUM_ENV", "development")
    if env not in ("development", "production", "testing"):
        raise ConfigError(f"FORUM_ENV must be development, production or testing, not {env!r}.")
    instance = Path(instance_path)
    if not config.get("SECRET_KEY"):
        if env == "production":
            raise ConfigError("FORUM_SECRET_KEY must be set when FORUM_ENV=production.")
        config["SECRET_KEY"] = _development_secret(instance)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'forum.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config.get("FORUM_SEARCH_BACKEND") not in SEARCH_BACKENDS:
        raise ConfigError(f"FORUM_SEARCH_BACKEND must be one of {', '.join(SEARCH_BACKENDS)}.")
    if config["FORUM_SEARCH_BACKEND"] == "postgres" and \
            not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise ConfigError("FORUM_SEARCH_BACKEND=postgres needs DATABASE_URL on PostgreSQL.")
    if config.get("BABEL_DEFAULT_LOCALE") not in config["FORUM_LANGUAGES"]:
        raise ConfigError("FORUM_DEFAULT_LOCALE must be 'it' or 'en'.")
    config.setdefault("FORUM_UPLOAD_DIR", None)
    config["FORUM_UPLOAD_DIR"] = config["FORUM_UPLOAD_DIR"] or str(instance / "uploads")
    config["FORUM_SEARCH_INDEX_DIR"] = config["FORUM_SEARCH_INDEX_DIR"] or str(instance / "index")
    if config.get("FORUM_REDIS_URL") and config.get("RATELIMIT_STORAGE_URI") == "memory://":
        # Counted per process in memory; with Redis every worker and machine counts together.
        config["RATELIMIT_STORAGE_URI"] = config["FORUM_REDIS_URL"]
    if int(config.get("FORUM_MAIL_MAX_ATTEMPTS", 10)) < 1:
        raise ConfigError("FORUM_MAIL_MAX_ATTEMPTS must be 1 or more.")
    config["MAX_CONTENT_LENGTH"] = config["FORUM_MAX_UPLOAD_MB"] * 1024 * 1024
    _site_address(config, env)
    if env == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True


def development_base_url(environ=os.environ) -> str:
    """The address `make run` serves: its HOST and PORT (a wildcard host is reached locally)."""
    host = environ.get("HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):
        host = "127.0.0.1"
    return f"http://{host}:{environ.get('PORT') or 5000}"


def _site_address(config, env: str) -> None:
    """FORUM_BASE_URL checked; in production the only Host the site answers to."""
    base = config.get("FORUM_BASE_URL")
    if not base:
        if env == "production":
            raise ConfigError("FORUM_BASE_URL must be set when FORUM_ENV=production "
                              "(the public address, e.g. https://gemellaggi.example.org).")
        base = development_base_url()
    parsed = urlsplit(base)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query \
            or parsed.fragment:
        raise ConfigError(f"FORUM_BASE_URL={base!r} is not an http(s) address "
                          "such as https://gemellaggi.example.org.")
    config["FORUM_BASE_URL"] = base.rstrip("/")
    if config.get("FORUM_TRUSTED_PROXIES", 0) < 0:
        raise ConfigError("FORUM_TRUSTED_PROXIES must be 0 or more.")
    # Behind the configured address only: a request for any other Host gets a 400, so nothing
    # the site builds can carry a name an attacker chose.
    if env == "production" and config.get("TRUSTED_HOSTS") is None:
        config["TRUSTED_HOSTS"] = [parsed.hostname]


def _development_secret(instance: Path) -> str:
    """A per-checkout secret kept in the instance folder, so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
