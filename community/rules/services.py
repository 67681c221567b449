"""Interaction rules: the adopted version everyone accepts before taking part."""

import json
import re
from datetime import timedelta
from functools import cache

from sqlalchemy import Text, bindparam, cast, func, select
from sqlalchemy.orm import aliased

from ..audit import services as audit
from ..core import policy, unitmemo
from ..core.errors import Conflict, Invalid, NotFound, RulesNotAccepted, RuleViolation
from ..core.i18n import gettext as _
from ..core.timeutil import utcnow
from ..extensions import db
from . import engine, reasons
from .models import RulesVersion


def current() -> RulesVersion | None:
    return db.session.scalar(
        select(RulesVersion).where(RulesVersion.status == "adopted").order_by(RulesVersion.version.desc()).limit(1))


# Built once: every post and chat message runs it, and building a statement costs about as much as running it.
# The adopted version's number and its policy's stored text in one statement.
_ADOPTED = select(RulesVersion.version, cast(RulesVersion.policy, Text)).where(RulesVersion.status == "adopted") \
    .order_by(RulesVersion.version.desc()).limit(1)
_ADOPTED_KEY = unitmemo.name("linli.rules.adopted")
_VERSION_KEY = unitmemo.name("linli.rules.adopted_version")
# The adopted version's number, and its policy's stored text, for a statement that reads them beside something
# else (the request's or the socket event's user).
ADOPTED_VERSION = select(RulesVersion.version).where(RulesVersion.status == "adopted") \
    .order_by(RulesVersion.version.desc()).limit(1).scalar_subquery()
ADOPTED_POLICY = select(cast(RulesVersion.policy, Text)).where(RulesVersion.status == "adopted") \
    .order_by(RulesVersion.version.desc()).limit(1).scalar_subquery()


def _adopted() -> tuple[int | None, str | None]:
    """The adopted version and its policy text, read once per unit of work: a post or a chat message asks
    both (accepted? then the check), so the second ask is free. Forgotten at every flush, commit and rollback
    (``core.unitmemo``), so a change written in this transaction, or committed by anyone before the next one,
    is what the next ask reads."""
    found = unitmemo.recall(_ADOPTED_KEY)
    if found is unitmemo.MISSING:
        row = db.session.execute(_ADOPTED).first()
        found = (row[0], row[1]) if row else (None, None)
        unitmemo.keep(_ADOPTED_KEY, found)
    return found


def known_adopted(version: int | None, policy_text: str | None) -> None:
    """The adopted version and its policy text as a statement of this unit of work read them
    (``ADOPTED_VERSION``, ``ADOPTED_POLICY``): kept, and forgotten, as ``_adopted`` keeps what it reads."""
    unitmemo.keep(_ADOPTED_KEY, (version, policy_text) if version is not None else (None, None))


def known_version(version: int | None) -> None:
    """The adopted version as a statement of this unit of work read it (``ADOPTED_VERSION``): kept, and
    forgotten, as ``_adopted`` keeps what it reads."""
    unitmemo.keep(_VERSION_KEY, version)


def current_version() -> int | None:
    known = unitmemo.recall(_VERSION_KEY)
    return _adopted()[0] if known is unitmemo.MISSING else known


def get(version: int) -> RulesVersion:
    found = db.session.get(RulesVersion, version)
    if found is None:
        raise NotFound(_("No such rules version."))
    return found


def get_visible(actor, version: int) -> RulesVersion:
    """Adopted and past versions are public; drafts only for those who may see the back office."""
    found = get(version)
    if found.status == "draft" and not (policy.is_staff(actor) or policy.is_committee(actor)):
        raise NotFound(_("No such rules version."))
    return found


def accept(actor, version) -> int:
    policy.require(actor, "rules.accept")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid(_("Give the version number you accept."), field="version")
    if version != current_version():
        raise Invalid(_("Only the current version can be accepted."), field="version")
    actor.accepted_rules_version = version
    db.session.commit()
    return version


def serialize(rules: RulesVersion) -> dict:
    return {"version": rules.version, "text": rules.text, "text_en": rules.text_en, "clauses": rules.clauses,
            "policy": rules.policy, "status": rules.status, "reasons": reasons.mapping(rules.clauses)}


_CLAUSE_LINE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,2})\s+(\S.*)$")


def english(rules: RulesVersion) -> dict | None:
    """The English text of a version, if it has one: ``clauses`` maps each clause number found at the start of
    a line to its English text, ``text`` is the whole text (for a version written without numbered lines)."""
    if not rules.text_en:
        return None
    found = {}
    for line in rules.text_en.splitlines():
        match = _CLAUSE_LINE.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return {"text": rules.text_en, "clauses": found}


# ---- enforcement: the one check every service that accepts user text calls -------------------

_compiled: dict[str, "engine.Compiled"] = {}
CHAT_REPEAT_WINDOW = timedelta(minutes=10)


def enforced() -> "engine.Compiled | None":
    """The adopted version's policy, compiled. Its stored text is read on every call, since staff tune the
    policy in place (same version) and perhaps in another process; each distinct text is compiled once."""
    stored = _adopted()[1]
    if stored is None:
        return None
    found = _compiled.get(stored)
    if found is None:
        if len(_compiled) > 8:
            _compiled.clear()
        found = _compiled[stored] = engine.compile_policy(json.loads(stored))
    return found


def require_accepted(actor) -> None:
    """Posting and chatting need the current rules version accepted."""
    version = current_version()
    if version is not None and actor.accepted_rules_version != version:
        raise RulesNotAccepted(_("The interaction rules have changed: please read and accept version %(v)s.",
                                 v=version), current_version=version)


def check(actor, where: str, text: str) -> engine.Decision:
    """Judge ``text`` that ``actor`` wants to publish in ``where`` (post, title, edit or chat).
    Raises RuleViolation for a refusal; answers the decision (allow, mask or hold) otherwise."""
    compiled = enforced()
    if compiled is None:
        return engine.Decision("allow", None, None, text)
    decision = engine.check(compiled, "chat" if where == "chat" else "post", text, _history(actor, where))
    if decision.action == "block":
        raise RuleViolation(refusal_message(decision), clause=decision.clause, reason=decision.reason,
                            **({"retry_after": decision.retry_after} if decision.retry_after else {}))
    return decision


def refusal_message(decision: engine.Decision) -> str:
    clause = decision.clause or "-"
    messages = {
        "word": _("This contains wording that clause %(clause)s of the rules does not allow.", clause=clause),
        "links_new_user": _("New members may not post that many links yet (clause %(clause)s).", clause=clause),
        "interval": _("You are posting too fast; try again in %(s)s seconds (clause %(clause)s).",
                      s=decision.retry_after or 1, clause=clause),
        "minute_cap": _("You are sending too many messages; try again in %(s)s seconds (clause %(clause)s).",
                        s=decision.retry_after or 1, clause=clause),
        "daily_cap": _("You have reached today's limit (clause %(clause)s).", clause=clause),
        "repeat": _("You have already posted the same text (clause %(clause)s).", clause=clause),
        "too_short": _("This is too short to post (clause %(clause)s).", clause=clause),
        "too_long": _("This is too long (clause %(clause)s).", clause=clause),
    }
    return messages.get(decision.reason, _("This breaks clause %(clause)s of the rules.", clause=clause))


@cache
def _history_query(Item):
    """An author's 20 latest items, each row also counting their items since ``minute_ago`` and ``day_ago``;
    all three read the (author, created_at) index backwards."""
    earlier = aliased(Item)

    def count_since(cutoff: str):
        return select(func.count(earlier.id)).where(earlier.author_id == bindparam("author"),
                                                    earlier.created_at >= bindparam(cutoff)).scalar_subquery()

    return select(Item.created_at, Item.body, count_since("minute_ago").label("last_minute"),
                  count_since("day_ago").label("today")) \
        .where(Item.author_id == bindparam("author")).order_by(Item.created_at.desc(), Item.id.desc()).limit(20)


def _history(actor, where: str) -> engine.History:
    now = utcnow()
    joined = (actor.registration.decided_at if actor.registration and actor.registration.decided_at
              else actor.created_at)
    if where in ("title", "edit"):
        return engine.History(now, joined, None, 0, 0, ())
    if where == "chat":
        from ..chat.models import Message as Item
    else:
        from ..boards.models import Post as Item
    recent = db.session.execute(_history_query(Item), {"author": actor.id, "minute_ago": now - timedelta(minutes=1),
                                                        "day_ago": now - timedelta(days=1)}).all()
    # In chat, "好的" twice in an afternoon is conversation, not spam: compare with the last minutes only.
    repeats = [r.body for r in recent if where != "chat" or r.created_at >= now - CHAT_REPEAT_WINDOW]
    return engine.History(
        now=now, joined_at=joined, last_at=recent[0].created_at if recent else None,
        count_last_minute=recent[0].last_minute if recent else 0,
        count_today=recent[0].today if recent else 0,
        recent_texts=tuple(repeats))


# ---- drafting, adopting and tuning versions ---------------------------------------------------

CLAUSE_ID_RE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,2}$")
WORD_ACTIONS = ("block", "review", "mask")
LIMITS = ("new_user_days", "new_user_max_links", "post_interval_s", "chat_interval_s", "chat_max_per_minute",
          "auto_hide_reports")


def _validate_clauses(clauses) -> list[dict]:
    if not isinstance(clauses, list) or not clauses:
        raise Invalid(_("Give the numbered clauses."), field="clauses")
    seen, result = set(), []
    for i, clause in enumerate(clauses):
        if not isinstance(clause, dict) or not isinstance(clause.get("id"), str) \
                or not CLAUSE_ID_RE.match(clause["id"]) or clause["id"] in seen:
            raise Invalid(_("Each clause needs a unique number such as 3.2."), field=f"clauses[{i}].id")
        if not isinstance(clause.get("text"), str) or not clause["text"].strip():
            raise Invalid(_("Each clause needs its text."), field=f"clauses[{i}].text")
        seen.add(clause["id"])
        kept = {"id": clause["id"], "text": clause["text"].strip()}
        if clause.get("reason") is not None:  # which report reason the clause stands for (see reasons.py)
            if clause["reason"] not in (*reasons.REASONS, reasons.NOT_A_REASON):
                raise Invalid(_("The reason must be abuse, advertising, rumour, privacy, other or none."),
                              field=f"clauses[{i}].reason")
            kept["reason"] = clause["reason"]
        result.append(kept)
    return result


def _validate_policy(policy_, clause_ids: set[str]) -> dict:
    if not isinstance(policy_, dict):
        raise Invalid(_("The policy must be an object."), field="policy")
    words = policy_.get("words", [])
    if not isinstance(words, list) or len(words) > 20000:
        raise Invalid(_("The word list must be a list."), field="policy.words")
    clean_words, seen = [], set()
    for i, entry in enumerate(words):
        where = f"policy.words[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("word"), str) or not entry["word"].strip() \
                or len(entry["word"]) > 64:
            raise Invalid(_("Each entry needs a word."), field=f"{where}.word")
        if entry.get("action") not in WORD_ACTIONS:
            raise Invalid(_("The action must be block, review or mask."), field=f"{where}.action")
        if entry.get("clause") not in clause_ids:
            raise Invalid(_("Cite a clause of these rules."), field=f"{where}.clause")
        word = entry["word"].strip()
        if word.lower() not in seen:
            seen.add(word.lower())
            clean_words.append({"word": word, "action": entry["action"], "clause": entry["clause"]})
    result = dict(policy_)
    result["words"] = clean_words
    for name in LIMITS:
        value = policy_.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100000:
            raise Invalid(_("Give a whole number from 0 to 100000."), field=f"policy.{name}")
    try:
        engine.compile_policy(result)
    except (TypeError, ValueError) as error:
        raise Invalid(str(error), field="policy") from None
    return result


def draft(actor, data: dict) -> RulesVersion:
    policy.require(actor, "rules.draft")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Invalid(_("This field is required."), field="text")
    text_en = data.get("text_en")
    if text_en is not None and not isinstance(text_en, str):
        raise Invalid(_("The English text must be text."), field="text_en")
    clauses = _validate_clauses(data.get("clauses"))
    rules_policy = _validate_policy(data.get("policy"), {c["id"] for c in clauses})
    version = (db.session.scalar(select(func.max(RulesVersion.version))) or 0) + 1
    new = RulesVersion(version=version, text=text.strip(), text_en=(text_en or "").strip() or None, clauses=clauses,
                       policy=rules_policy, status="draft")
    db.session.add(new)
    audit.record(actor, "rules.drafted", f"rules:{version}", {"clauses": len(clauses), "english": bool(new.text_en),
                                                             "words": len(rules_policy["words"])})
    db.session.commit()
    return new


def adopt(actor, version: int, vote_id=None) -> RulesVersion:
    policy.require(actor, "rules.adopt")
    found = get(version)
    if found.status != "draft":
        raise Conflict(_("Only a draft can be adopted."))
    if vote_id is not None:
        _require_carried(actor, vote_id)
    for previous in db.session.scalars(select(RulesVersion).where(RulesVersion.status == "adopted")):
        previous.status = "superseded"
    found.status, found.adopted_at, found.adopted_by_id, found.vote_id = "adopted", utcnow(), actor.id, vote_id
    audit.record(actor, "rules.adopted", f"rules:{version}", {"vote_id": vote_id})
    db.session.commit()
    return found


def _require_carried(actor, vote_id) -> None:
    """A cited vote must exist and have passed: the rules then say they were adopted by the owners."""
    from ..votes import services as votes

    if not isinstance(vote_id, int) or isinstance(vote_id, bool) or not 0 < vote_id < 2**31:
        raise Invalid(_("Give the id of the vote that carried it."), field="vote_id")
    try:
        vote = votes.get(actor, vote_id)
    except NotFound:
        raise Invalid(_("No such vote."), field="vote_id") from None
    if vote.status != "closed" or not vote.passed:
        raise Invalid(_("The vote cited has not passed."), field="vote_id")


def edit_policy(actor, changes) -> RulesVersion:
    """Staff tune the word lists and limits of the adopted version; the clauses stay as accepted."""
    policy.require(actor, "rules.edit_policy")
    found = current()
    if found is None:
        raise NotFound(_("No rules have been adopted."))
    if not isinstance(changes, dict) or not changes or set(changes) - set(LIMITS) - {"words"}:
        raise Invalid(_("Change the words or the limits only."), field="policy")
    before = found.policy
    updated = _validate_policy({**before, **changes}, {c["id"] for c in found.clauses})
    old_words = {(w["word"], w["action"], w["clause"]) for w in before.get("words", [])}
    new_words = {(w["word"], w["action"], w["clause"]) for w in updated["words"]}
    found.policy = updated
    audit.record(actor, "rules.policy_edited", f"rules:{found.version}", {
        "words_added": sorted(w[0] for w in new_words - old_words)[:200],
        "words_removed": sorted(w[0] for w in old_words - new_words)[:200],
        "limits": {k: [before.get(k), updated.get(k)] for k in LIMITS if before.get(k) != updated.get(k)}})
    db.session.commit()
    return found


def changes_since(version: int | None) -> dict:
    """Which clauses differ between the version a user accepted and the current one."""
    now = current()
    old = db.session.get(RulesVersion, version) if version else None
    before = {c["id"]: c["text"] for c in (old.clauses if old else [])}
    after = {c["id"]: c["text"] for c in (now.clauses if now else [])}
    return {"added": [k for k in after if k not in before],
            "changed": [k for k in after if k in before and before[k] != after[k]],
            "removed": [k for k in before if k not in after]}
