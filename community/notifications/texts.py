"""What a notification says and the page it opens, by kind: the sentence names the object and what changed
("Repair #13 is done: please confirm and rate it") and the link opens that object, not a list."""

from flask import url_for

from ..core.i18n import gettext as _
from ..core.web import local_full
from ..extensions import db

TICKET_PAGES = {"repair": "repairs", "complaint": "complaints", "suggestion": "suggestions"}


def thread_titles(ids: set[int]) -> dict[int, str]:
    """The titles the sentences of thread notifications name, in one statement."""
    from sqlalchemy import select

    from ..boards.models import Thread
    if not ids:
        return {}
    return dict(db.session.execute(select(Thread.id, Thread.title).where(Thread.id.in_(ids))).all())


def _id(n) -> int | None:
    """The number in the notification's target ("ticket:13" → 13)."""
    _kind, _sep, value = (n.target or "").partition(":")
    return int(value) if value.isdigit() else None


def _ticket(n) -> str:
    number = _id(n)
    if number is None:
        return url_for("desk.tickets", plural=TICKET_PAGES[n.kind])
    return url_for("desk.ticket", plural=TICKET_PAGES[n.kind], ticket_id=number)


def _vote(n) -> str:
    number = _id(n)
    return url_for("votes.show", vote_id=number) if number else url_for("votes.index")


def _by_id(endpoint: str, key: str, fallback: str):
    def build(n) -> str:
        number = _id(n)
        return url_for(endpoint, **{key: number}) if number else url_for(fallback)
    return build


# Where a notification opens, by kind; a kind of a thread's post (reply, mention) opens the post.
LINKS = {
    "sanction": lambda n: url_for("moderation.standing"),
    "sanction_lifted": lambda n: url_for("moderation.standing"),
    "appeal_decided": lambda n: url_for("moderation.standing"),
    "notice": _by_id("desk.notice", "notice_id", "desk.notices"),
    "repair": _ticket, "complaint": _ticket, "suggestion": _ticket,
    "vote": _vote, "vote_announced": _vote, "vote_opened": _vote, "vote_closing": _vote, "vote_result": _vote,
    "vote_final": _vote, "vote_extended": _vote, "vote_corrected": _vote,
    "fees": lambda n: url_for("fees.hub"),
    "fire_hazard": _by_id("fire.hazard", "hazard_id", "fire.hazard_list"),
    "fire_alert": _by_id("fire.facility", "facility_id", "fire.hub"),
    "fund_answer": lambda n: url_for("fund.disclosure_page"),
    "fund_overdue": lambda n: url_for("fund.disclosure_page"),
    "fund_low": lambda n: url_for("fund.overview"),
    "petition": _by_id("assembly.petition", "petition_id", "assembly.petitions"),
}


def link(n) -> str:
    """The page a notification opens (a path on this site)."""
    if n.kind in LINKS:
        return LINKS[n.kind](n)
    if n.thread_id:
        return url_for("boards.thread", thread_id=n.thread_id, _anchor=f"post-{n.post_id}" if n.post_id else None)
    return url_for("accounts.home")


def _ticket_text(n, detail: dict) -> str:
    thing = {"repair": _("Repair"), "complaint": _("Complaint"), "suggestion": _("Suggestion")}[n.kind]
    number = _id(n)
    if number is None:
        return _("The property staff updated your request")
    action = detail.get("action")
    if action == "accepted":
        return _("%(thing)s #%(n)s was accepted and is being arranged", thing=thing, n=number)
    if action == "assigned":
        return _("%(thing)s #%(n)s was handed to another department or worker", thing=thing, n=number)
    if action == "started":
        return _("Work on %(thing)s #%(n)s has started", thing=thing, n=number)
    if action == "done":
        return _("%(thing)s #%(n)s is done: please confirm and rate it", thing=thing, n=number)
    if action == "note":
        return _("The staff added a note to %(thing)s #%(n)s", thing=thing, n=number)
    return _("%(thing)s #%(n)s was updated", thing=thing, n=number)


def _sanction_text(detail: dict) -> str:
    kind, until = detail.get("kind"), local_full(detail.get("until"))
    if kind == "warn":
        return _("The property staff warned you under the interaction rules: see why and how to appeal")
    if kind == "mute" and until:
        return _("You are muted until %(until)s: see why and how to appeal", until=until)
    if kind == "suspend" and until:
        return _("Your account is suspended until %(until)s: see why and how to appeal", until=until)
    if kind == "blacklist":
        return _("You have been removed from the community: see why and how to appeal")
    return _("The property staff took a decision about your account: see why and how to appeal")


def _vote_text(kind: str, title: str | None) -> str:
    if not title:
        return _("An owners' vote needs your attention")
    return {
        "vote_announced": _("Vote announced: “%(title)s”. Read the notice before it opens", title=title),
        "vote_opened": _("Voting has opened: “%(title)s”", title=title),
        "vote_closing": _("“%(title)s” closes within a day and you have not voted yet", title=title),
        "vote_extended": _("“%(title)s” has been extended: you can still vote", title=title),
        "vote_corrected": _("A document of “%(title)s” was corrected: read the new version", title=title),
        "vote_result": _("Voting has closed: the result of “%(title)s” is out", title=title),
        "vote_final": _("The result of “%(title)s” is final", title=title),
    }.get(kind) or _("An owners' vote needs your attention")


def describe(n, who: str | None, title: str | None) -> str:
    """The notification in one sentence of the interface language."""
    detail = n.detail or {}
    who = who or _("Someone")
    kind = n.kind
    if kind == "sanction":
        return _sanction_text(detail)
    if kind == "sanction_lifted":
        return _("A sanction on your account was lifted")
    if kind == "appeal_decided":
        if detail.get("outcome") == "lifted":
            return _("Your appeal was accepted: the sanction is lifted")
        if detail.get("outcome") == "upheld":
            return _("Your appeal was decided: the sanction stands")
        return _("Your appeal has been decided")
    if kind == "vote" or kind.startswith("vote_"):
        return _vote_text(kind, detail.get("title"))
    if kind in TICKET_PAGES:
        return _ticket_text(n, detail)
    if kind == "notice":
        if detail.get("title"):
            return _("%(who)s posted a notice: “%(title)s”", who=who, title=detail["title"])
        return _("%(who)s posted a notice for you", who=who)
    if kind == "fire_hazard":
        if detail.get("step") == "reported":
            return _("New fire hazard report #%(n)s", n=_id(n))
        return _("Your fire hazard report #%(n)s has a new step", n=_id(n)) if _id(n) else _(
            "Your fire hazard report has a new step")
    if kind == "fire_alert":
        return _("A fire facility's expiry or service date is near")
    if kind == "fund_answer":
        return _("Your request about the maintenance fund has been answered")
    if kind == "fund_overdue":
        return _("A disclosure or an owner's request about owners' money is overdue")
    if kind == "fund_low":
        return _("Your building's maintenance fund is running low")
    if kind == "petition":
        return _("Owners' petition for an extraordinary assembly has reached a fifth of the owners")
    if kind.startswith("fund"):
        return _("News about the maintenance fund")
    if kind == "fees":
        return _("The property office wrote to you about your property fees")
    title = title or _("a thread")
    if kind == "mention":
        return _("%(who)s mentioned you in “%(title)s”", who=who, title=title)
    return _("%(who)s replied to you in “%(title)s”", who=who, title=title)
