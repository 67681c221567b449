"""Report reasons as people think of them, each standing for the clauses of the adopted rules that prohibit it.

A reporter picks 辱骂攻击, 广告, 谣言, 泄露隐私 or 其他; the report still cites a clause, which is what staff act on.
Which clauses a reason stands for is read, in this order, from:

1. the clause itself: a clause may carry ``"reason"`` (one of ``REASONS``, or ``"none"`` for a clause that is
   not a prohibition), set when the rules are drafted;
2. ``TABLE``, keyed by the clause numbers of the rules text adopted at the start (version 1), used only for a
   clause whose text still reads as a prohibition, so a renumbered version cannot map a reason to a clause
   about something else;
3. any other clause that reads as a prohibition counts as "other".

Clauses that prohibit nothing (1.1 "本规则由…共同制定", how reports are handled) are never offered.
"""

import re

from flask_babel import lazy_gettext as _l

REASONS = ("abuse", "advertising", "rumour", "privacy", "other")
NOT_A_REASON = "none"

LABELS = {"abuse": _l("Abuse or attack"), "advertising": _l("Advertising"), "rumour": _l("Rumour"),
          "privacy": _l("Privacy leak"), "other": _l("Other")}

# Version 1 of the rules (migrations/versions/0001_foundation.py). 3.2 limits new members' links and the server
# enforces it by itself: nothing for a reader to report.
TABLE = {"2.2": "abuse", "3.1": "advertising", "2.4": "rumour", "2.3": "privacy",
         "1.2": "other", "2.1": "other", "3.3": "other"}

_PROHIBITION = re.compile(r"不得|禁止|严禁|不准|不允许|不可以|\b(?:must not|may not|do not|never)\b", re.IGNORECASE)


def is_prohibition(text: str) -> bool:
    return bool(_PROHIBITION.search(text or ""))


def reason_of(clause: dict) -> str | None:
    """The reason a clause is reported under, or None for a clause that prohibits nothing."""
    given = clause.get("reason")
    if given in REASONS:
        return given
    if given == NOT_A_REASON or not is_prohibition(clause.get("text", "")):
        return None
    return TABLE.get(clause["id"], "other")


def mapping(clauses: list[dict]) -> dict[str, list[str]]:
    """Reason -> the ids of the prohibiting clauses it stands for, in the rules' order; every reason is a key.
    A reason no clause stands for maps to an empty list (and is not offered)."""
    found: dict[str, list[str]] = {reason: [] for reason in REASONS}
    for clause in clauses:
        reason = reason_of(clause)
        if reason is not None:
            found[reason].append(clause["id"])
    return found


def offered(clauses: list[dict]) -> list[dict]:
    """What a report form offers: each reason with a label and its clauses (id and text)."""
    texts = {c["id"]: c["text"] for c in clauses}
    return [{"reason": reason, "label": str(LABELS[reason]),
             "clauses": [{"id": cid, "text": texts[cid]} for cid in ids]}
            for reason, ids in mapping(clauses).items() if ids]


def resolve(clauses: list[dict], reason, clause) -> tuple[str | None, str | None]:
    """The (reason, clause) a report records. A reason alone cites its first clause, except "other", which
    needs the clause to be named unless the reporter explains in a note (then the clause stays open for staff).
    A clause alone is what reports sent before reasons existed do: its reason is derived. Raises ValueError
    naming the field at fault."""
    by_reason = mapping(clauses)
    if reason is None:
        if clause is None:
            raise ValueError("clause")
        if not isinstance(clause, str) or clause not in {c["id"] for c in clauses}:
            raise ValueError("clause")
        return next((r for r, ids in by_reason.items() if clause in ids), None), clause
    if not isinstance(reason, str) or not by_reason.get(reason):
        raise ValueError("reason")
    if clause is None:
        return reason, by_reason[reason][0] if reason != "other" else None
    if clause not in by_reason[reason]:
        raise ValueError("clause")
    return reason, clause
