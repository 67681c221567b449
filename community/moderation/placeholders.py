"""Which clause hidden content was hidden under, for the placeholder readers see in its place."""

from collections import Counter

from sqlalchemy import select

from ..extensions import db
from .models import ModerationAction, Report


def hidden_clauses(kind: str, ids: list[int]) -> dict[int, str | None]:
    """For each hidden ``kind`` ("post", "thread") of ``ids``: the clause of the last hiding by a moderator, or,
    hidden automatically after reports, the clause most reports cited; None when neither names one."""
    if not ids:
        return {}
    keys = {f"{kind}:{i}": i for i in ids}
    found: dict[int, str | None] = {}
    for target, clause in db.session.execute(
            select(ModerationAction.target, ModerationAction.clause)
            .where(ModerationAction.target.in_(list(keys)), ModerationAction.action == "hide")
            .order_by(ModerationAction.id)):
        found[keys[target]] = clause
    rest = [key for key, i in keys.items() if i not in found]
    if rest:
        cited: dict[int, Counter] = {}
        for target, clause in db.session.execute(select(Report.target, Report.clause).where(Report.target.in_(rest))):
            cited.setdefault(keys[target], Counter())[clause] += 1
        for i, counts in cited.items():
            found[i] = counts.most_common(1)[0][0]
    return {i: found.get(i) for i in ids}
