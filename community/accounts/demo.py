"""Demo of identity: an owner approved with ownership unverified, a reset code issued at the desk, a closed
account whose neighbours still see its thread."""

from ..boards import services as boards
from ..core.identity import id_check_digit
from ..rules import services as rules
from . import privacy, sessions
from . import services as accounts

PASSWORD = "linli-demo-2026"


def _id_number(serial: int) -> str:
    first17 = f"3101151985{serial % 12 + 1:02d}{serial % 28 + 1:02d}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def seed(staff, units: list[dict]) -> list[tuple[str, str, str]]:
    """Answer (who, phone, password) for the logins it adds."""
    version = rules.current_version()
    unverified = accounts.register({
        "real_name": "孙丽", "phone": "13900000031", "password": PASSWORD, "id_number": _id_number(31),
        "relation": "owner", "unit": units[35]["code"], "accepted_rules_version": version,
        "display_name": "新搬来的孙姐"})
    accounts.approve(staff, unverified.id, "购房合同已看，不动产登记尚未更新到花名册", "unverified")
    sessions.issue_reset_code(staff, unverified.id)

    leaving = accounts.register({
        "real_name": "何亮", "phone": "13900000032", "password": PASSWORD, "id_number": _id_number(32),
        "relation": "tenant", "unit": units[61]["code"], "accepted_rules_version": version,
        "display_name": "租客小何"})
    accounts.approve(staff, leaving.id)
    boards.start_thread(leaving, "marketplace", "搬家转让：书架和台灯",
                        "月底搬走，书架一个、台灯两盏，免费送给邻居，自提。")
    privacy.close_own(leaving, PASSWORD)
    return [("owner, ownership unverified 产权未核实业主", unverified.phone, PASSWORD)]
