"""The estate roster: buildings, units and their owners, imported and upserted by staff."""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ..audit import services as audit
from ..core import identity, policy
from ..core.errors import Invalid
from ..core.i18n import gettext as _
from ..core.policy import SYSTEM_CHANNELS
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Building, Owner, Unit

CODE_RE = re.compile(r"[0-9A-Za-z]{1,8}(-[0-9A-Za-z]{1,8}){0,3}")
UNIT_CODE_MAX, BUILDING_CODE_MAX = 32, 16  # their columns' lengths
MAX_UNITS_PER_IMPORT = 20000
CSV_COLUMNS = ("code", "building", "area", "developer_held", "owner_name", "owner_id_number")


def format_area(centi: int) -> str:
    return f"{centi // 100}.{centi % 100:02d}"


def parse_area(raw, field: str) -> int:
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value >= 100000 \
            or value != value.quantize(Decimal("0.01")):
        raise Invalid(_("Area must be a positive number of square metres with at most two decimals."), field=field)
    return int(value * 100)


def _parse_bool(raw, field: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None or raw == "":
        return False
    if isinstance(raw, str) and raw.strip().lower() in {"1", "true", "yes", "y", "是"}:
        return True
    if isinstance(raw, str) and raw.strip().lower() in {"0", "false", "no", "n", "否"}:
        return False
    raise Invalid(_("Expected true or false."), field=field)


@dataclass
class UnitRow:
    code: str
    building: str
    area_centi: int
    developer_held: bool
    owners: list[tuple[str, str, str]]  # (name, id_hash, last4)


def parse_units(payload, secret: str) -> list[UnitRow]:
    """Validate an API or CSV payload completely before anything is written."""
    if not isinstance(payload, list) or not payload:
        raise Invalid(_("Give a non-empty list of units."), field="units")
    if len(payload) > MAX_UNITS_PER_IMPORT:
        raise Invalid(_("Too many units in one import."), field="units")
    rows: dict[str, UnitRow] = {}
    for i, item in enumerate(payload):
        where = f"units[{i}]"
        if not isinstance(item, dict):
            raise Invalid(_("Each unit must be an object."), field=where)
        code = item.get("code")
        if not isinstance(code, str) or not CODE_RE.fullmatch(code.strip()) or len(code.strip()) > UNIT_CODE_MAX:
            raise Invalid(_("Unit code must look like 3-2-1201."), field=f"{where}.code")
        code = code.strip()
        building = item.get("building")
        if building is None or building == "":
            building = code.split("-")[0]
        if not isinstance(building, (str, int)) or isinstance(building, bool) \
                or not CODE_RE.fullmatch(str(building)) or len(str(building)) > BUILDING_CODE_MAX:
            raise Invalid(_("Building must be a short code such as 3."), field=f"{where}.building")
        area = parse_area(item.get("area"), f"{where}.area")
        developer_held = _parse_bool(item.get("developer_held", False), f"{where}.developer_held")
        owners_raw = item.get("owners", [])
        if not isinstance(owners_raw, list):
            raise Invalid(_("Owners must be a list."), field=f"{where}.owners")
        owners = []
        for j, owner in enumerate(owners_raw):
            ow = f"{where}.owners[{j}]"
            if not isinstance(owner, dict):
                raise Invalid(_("Each owner must be an object."), field=ow)
            name = owner.get("name")
            if not isinstance(name, str) or not name.strip() or len(name.strip()) > 64:
                raise Invalid(_("Owner name is required."), field=f"{ow}.name")
            raw_number = owner.get("id_number")
            number = identity.normalize_id_number(raw_number if isinstance(raw_number, str) else "")
            if not identity.valid_id_number(number):
                raise Invalid(_("The ID number is not valid."), field=f"{ow}.id_number")
            owners.append((name.strip(), identity.id_hash(secret, number), identity.id_last4(number)))
        if code in rows:
            raise Invalid(_("The same unit code appears twice."), field=f"{where}.code")
        rows[code] = UnitRow(code, str(building), area, developer_held, owners)
    return list(rows.values())


def parse_csv(data: bytes | str) -> list[dict]:
    """One row per owner; a unit with several owners repeats its code; a unit with none leaves them blank."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data = data.decode("gb18030")
            except UnicodeDecodeError:
                raise Invalid(_("The file must be UTF-8 or GB18030 text."), field="file") from None
    reader = csv.DictReader(io.StringIO(data))
    missing = {"code", "area"} - set(reader.fieldnames or [])
    if missing:
        raise Invalid(_("The CSV needs the columns: %(columns)s", columns=", ".join(CSV_COLUMNS)), field="file")
    units: dict[str, dict] = {}
    for row in reader:
        code = (row.get("code") or "").strip()
        unit = units.setdefault(code, {
            "code": code, "building": (row.get("building") or "").strip(), "area": (row.get("area") or "").strip(),
            "developer_held": (row.get("developer_held") or "").strip(), "owners": []})
        name = (row.get("owner_name") or "").strip()
        number = (row.get("owner_id_number") or "").strip()
        if name or number:
            unit["owners"].append({"name": name, "id_number": number})
    return list(units.values())


def import_units(actor, payload, *, via: str = "api") -> dict:
    """Upsert units by code. A changed owner list ends the old owners' rights tied to that unit."""
    from ..accounts.services import end_unit_rights, grant_owner_rights, id_key

    if via not in SYSTEM_CHANNELS:
        policy.require(actor, "roster.import")
    rows = parse_units(payload, id_key())
    now = utcnow()
    buildings = {b.code: b for b in db.session.scalars(select(Building))}
    existing = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_([r.code for r in rows])))}
    current: dict[int, list[Owner]] = {}
    if existing:
        ids = [u.id for u in existing.values()]
        for owner in db.session.scalars(select(Owner).where(Owner.unit_id.in_(ids), Owner.ended_at.is_(None))):
            current.setdefault(owner.unit_id, []).append(owner)
    created = updated = 0
    changes = []
    changed: list[tuple[Unit, dict[str, Owner], dict[str, tuple[str, str]]]] = []
    for row in rows:
        building = buildings.get(row.building)
        if building is None:
            building = buildings[row.building] = Building(code=row.building)
            db.session.add(building)
        unit = existing.get(row.code)
        if unit is None:
            unit = Unit(code=row.code, building=building, area_centi=row.area_centi,
                        developer_held=row.developer_held, created_at=now, updated_at=now)
            db.session.add(unit)
            created += 1
            old_owners = []
        else:
            if (unit.building_id, unit.area_centi, unit.developer_held) \
                    != (building.id, row.area_centi, row.developer_held):
                unit.building, unit.area_centi, unit.developer_held, unit.updated_at = (
                    building, row.area_centi, row.developer_held, now)
            updated += 1
            old_owners = current.get(unit.id, [])
        old = {o.id_hash: o for o in old_owners}
        new = {h: (name, last4) for name, h, last4 in row.owners}
        for h, owner in old.items():
            if h in new and owner.name != new[h][0]:
                owner.name = new[h][0]
        if set(old) != set(new):
            changed.append((unit, old, new))
    # One flush gives every new unit its id; flushing per unit made a 5,000-unit import take 10-25 s.
    db.session.flush()
    grants: dict[int, list[str]] = {}
    for unit, old, new in changed:
        ended = set(old) - set(new)
        for h in ended:
            old[h].ended_at = now
        added = [h for h in new if h not in old]
        db.session.add_all([Owner(unit_id=unit.id, name=new[h][0], id_hash=h, id_last4=new[h][1], started_at=now)
                            for h in added])
        if old:
            changes.append({"unit": unit.code, "owners_ended": len(ended), "owners_added": len(added),
                            "user_rights_ended": end_unit_rights(unit, ended, now)})
        grants[unit.id] = added
    grant_owner_rights(grants, now)
    db.session.flush()
    audit.record(actor, "roster.import", "units", {"via": via, "created": created, "updated": updated,
                                                    "ownership_changes": len(changes)})
    for change in changes:
        audit.record(actor, "unit.ownership_changed", f"unit:{change['unit']}", change)
    db.session.commit()
    return {"created": created, "updated": updated}


def find_unit(code: str | None) -> Unit | None:
    if not isinstance(code, str) or not code.strip():
        return None
    return db.session.scalar(select(Unit).where(Unit.code == code.strip()))


def list_units(actor, *, after: int = 0, limit: int = 50, building: str | None = None) -> list[Unit]:
    policy.require(actor, "roster.read")
    query = select(Unit).where(Unit.id > after).order_by(Unit.id).limit(limit)
    if building:
        query = query.join(Building).where(Building.code == building)
    return list(db.session.scalars(query))


def serialize_unit(unit: Unit, view: str) -> dict:
    def owner(o: Owner) -> dict:
        name = o.name if view == "full" else identity.mask_name(o.name)
        return {"name": name, "id_last4": o.id_last4 if view == "full" else None}
    return {
        "id": unit.id, "code": unit.code, "building": unit.building.code, "area": format_area(unit.area_centi),
        "developer_held": unit.developer_held, "owners": [owner(o) for o in unit.owners],
    }
