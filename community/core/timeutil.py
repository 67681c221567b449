from contextlib import contextmanager
from datetime import UTC, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp column holds."""
    return _frozen or datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def frozen(at: datetime):
    """Move the clock for the whole process: tests (expiry without waiting) and the demo seed (a made-up history
    written through the real services). Never inside a serving process."""
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
