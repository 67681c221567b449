"""Settings, read from ``COMMUNITY_*`` environment variables."""

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: Path) -> str:
    """Generate the signing key once and keep it in ``instance/``."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _instance_key(instance_path: Path, name: str) -> str | None:
    """A key kept in its own file under ``instance/``, if one was written there already."""
    path = instance_path / name
    return path.read_text().strip() if path.exists() else None


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _zone(name: str) -> str:
    """A zone name the tz database knows, or refuse to start: a typo would shift every time shown."""
    from zoneinfo import ZoneInfo
    ZoneInfo(name)
    return name


def from_environment(instance_path: Path) -> dict:
    env = os.environ
    db_url = env.get("COMMUNITY_DATABASE_URL") or f"sqlite:///{instance_path / 'community.db'}"
    production = env.get("COMMUNITY_ENV", "development") == "production"
    return {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": env.get("COMMUNITY_SECRET_KEY") or _instance_secret(instance_path),
        "SOCKETIO_MESSAGE_QUEUE": env.get("COMMUNITY_SOCKETIO_MESSAGE_QUEUE") or None,
        "SOCKETIO_CHANNEL": env.get("COMMUNITY_SOCKETIO_CHANNEL") or "flask-socketio",
        "SOCKETIO_ASYNC_MODE": env.get("COMMUNITY_SOCKETIO_ASYNC_MODE") or "threading",
        "RATELIMIT_STORAGE_URI": env.get("COMMUNITY_RATELIMIT_STORAGE_URI", "memory://"),
        "SESSION_COOKIE_SECURE": _bool("COMMUNITY_SECURE_COOKIES", production),
        # How many thread pages each worker keeps between requests (``boards.pagecache``); 0 keeps none.
        "THREAD_PAGE_CACHE": int(env.get("COMMUNITY_THREAD_PAGE_CACHE", 256)),
        "MAX_CONTENT_LENGTH": int(env.get("COMMUNITY_MAX_CONTENT_LENGTH", 8 * 1024 * 1024)),
        "LOGIN_LIMIT_PER_PHONE": env.get("COMMUNITY_LOGIN_LIMIT_PER_PHONE", "5 per 5 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("COMMUNITY_LOGIN_LIMIT_PER_ADDRESS", "200 per 5 minutes"),
        # Identity: sessions, throttling, the audit anchors, uploads, retention.
        "PROXY_HOPS": int(env.get("COMMUNITY_PROXY_HOPS", 0)),
        "SESSION_IDLE_DAYS": int(env.get("COMMUNITY_SESSION_IDLE_DAYS", 30)),
        "SESSION_MAX_DAYS": int(env.get("COMMUNITY_SESSION_MAX_DAYS", 180)),
        "AUDIT_ANCHOR_PATH": env.get("COMMUNITY_AUDIT_ANCHOR_PATH") or str(instance_path / "audit_anchors.log"),
        "AUDIT_KEY": env.get("COMMUNITY_AUDIT_KEY") or _instance_key(instance_path, "audit_key"),
        "ID_HASH_KEY": env.get("COMMUNITY_ID_HASH_KEY") or _instance_key(instance_path, "id_hash_key"),
        # The estate's time zone: every time a person reads (pages, chat, notifications, CSV) is shown in it.
        "BABEL_DEFAULT_TIMEZONE": _zone(env.get("COMMUNITY_TIMEZONE") or "Asia/Shanghai"),
        "CLOSED_RETENTION_DAYS": int(env.get("COMMUNITY_CLOSED_RETENTION_DAYS", 180)),
        "UPLOADS_PER_HOUR": int(env.get("COMMUNITY_UPLOADS_PER_HOUR", 30)),
        # JPEGs are decoded at reduced scale, so they may have more pixels than PNG and WebP, which are not.
        "UPLOAD_MAX_PIXELS": int(env.get("COMMUNITY_UPLOAD_MAX_PIXELS", 50_000_000)),
        "UPLOAD_MAX_PIXELS_LOSSLESS": int(env.get("COMMUNITY_UPLOAD_MAX_PIXELS_LOSSLESS", 12_000_000)),
        "UPLOAD_CONCURRENT_DECODES": int(env.get("COMMUNITY_UPLOAD_CONCURRENT_DECODES", 2)),
        # What the pending page tells an applicant: the usual wait in working days, the front desk.
        "REVIEW_WAIT": int(env.get("COMMUNITY_REVIEW_WAIT", 2)),
        "DESK_HOURS": env.get("COMMUNITY_DESK_HOURS", "08:30–20:00"),
        "DESK_PHONE": env.get("COMMUNITY_DESK_PHONE", ""),
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "zh",
    "LANGUAGES": ("zh", "en"),
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_ENABLED": True,
    # Pages and JSON go out compressed to a client that asks (a thread page of 84 KB is about 15 KB on the wire).
    # The fastest levels: on a page this size they cost 0.2-0.4 ms, a higher one saves 2 KB for three times that.
    # Responses carrying secrets are not an oracle for BREACH here: the session cookie is SameSite=Lax (another
    # site's page cannot make a phone fetch ours with it) and the CSRF token is signed with the time, so it
    # differs from one response to the next.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 1,
    "COMPRESS_LEVEL": 1,
    "COMPRESS_MIN_SIZE": 1024,
    "COMPRESS_STREAMS": False,
    "COMPRESS_REGISTER": True,
}
