"""Checks and transforms of personal identifiers: mainland mobile numbers, GB 11643 ID numbers,
passwords, and the masks used when someone may see only part of them."""

import hashlib
import hmac
import re
from pathlib import Path

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_phone(raw: str) -> str:
    phone = re.sub(r"[\s-]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    return phone


def valid_phone(phone: str) -> bool:
    return bool(PHONE_RE.match(phone))


def normalize_id_number(raw: str) -> str:
    return (raw or "").strip().upper()


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def valid_id_number(id_number: str) -> bool:
    """GB 11643-1999: 17 digits, an ISO 7064 MOD 11-2 check character, and a real birth date."""
    if not ID_RE.match(id_number):
        return False
    year, month, day = int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    return id_check_digit(id_number[:17]) == id_number[17]


def id_hash(secret: str, id_number: str) -> str:
    """Keyed hash: lets us match the roster and blacklist without keeping the number."""
    return hmac.new(secret.encode(), normalize_id_number(id_number).encode(), hashlib.sha256).hexdigest()


def id_last4(id_number: str) -> str:
    return normalize_id_number(id_number)[-4:]


_COMMON = None


def common_passwords() -> frozenset[str]:
    global _COMMON
    if _COMMON is None:
        path = Path(__file__).with_name("common_passwords.txt")
        _COMMON = frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())
    return _COMMON


def password_problem(password: str) -> str | None:
    """None if acceptable, else a short reason key."""
    if not isinstance(password, str) or len(password) < 8:
        return "short"
    if len(password) > 128:
        return "long"
    if password.lower() in common_passwords() or len(set(password)) < 4:
        return "common"
    return None


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]
