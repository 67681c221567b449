"""Who may do what. Pure functions over plain attributes: no Flask, no database.

An actor is anything with ``id``, ``role``, ``committee`` and ``status`` (a ``User``), or None.
``can`` answers yes or no; ``require`` raises the error the caller should see.
"""

from collections.abc import Mapping

from .errors import Denied, NotFound, Unauthenticated


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated when the error is shown."""
    return message

STAFF = frozenset({"staff", "admin"})
RESIDENTS = frozenset({"owner", "resident"})
MEMBERS = frozenset({"owner", "resident", "vendor"})
EVERYONE = MEMBERS | STAFF

# Named groups that boards use for who may start threads and who may reply.
GROUPS: dict[str, frozenset[str]] = {
    "staff": STAFF,
    "committee": frozenset({"committee"}),
    "community": RESIDENTS | STAFF,
    "everyone": EVERYONE,
}
OVERSEERS = STAFF | {"committee"}  # may read everything, hidden and held content included


def _content_visible(roles, actor, target) -> bool:
    """``target`` has ``status`` and ``author_id``: visible, held (author and overseers) or hidden (overseers)."""
    if target.status == "visible":
        return True
    if roles & OVERSEERS:
        return True
    return target.status == "held" and target.author_id == actor.id


def _board_post(roles, actor, board) -> bool:
    return bool(roles & GROUPS[board.post_group])


def _thread_reply(roles, actor, thread) -> bool:
    if thread.locked and not roles & STAFF:
        return False
    return bool(roles & GROUPS[thread.board.reply_group])


def _post_edit(roles, actor, post) -> bool:
    return post.author_id == actor.id and post.status != "hidden"


def _in_building(roles, actor, room) -> bool:
    return bool(roles & RESIDENTS) and room.building in getattr(actor, "building_codes", ())


def _chat_read(roles, actor, room) -> bool:
    """Overseers read along everywhere except the committee's own room."""
    if room.kind in ("lobby", "announcements"):
        return True
    if room.kind == "committee":
        return "committee" in roles
    if room.kind == "staff":
        return bool(roles & OVERSEERS)
    if room.kind == "building":
        return bool(roles & OVERSEERS) or _in_building(roles, actor, room)
    if room.kind == "desk":
        return room.owner_id == actor.id or bool(roles & OVERSEERS)
    return False


def _chat_send(roles, actor, room) -> bool:
    if room.kind == "lobby":
        return True
    if room.kind == "announcements" or room.kind == "staff":
        return bool(roles & STAFF)
    if room.kind == "committee":
        return "committee" in roles
    if room.kind == "building":
        return bool(roles & STAFF) or _in_building(roles, actor, room)
    if room.kind == "desk":
        return room.owner_id == actor.id or bool(roles & STAFF)
    return False


def _notice_view(roles, actor, notice) -> bool:
    """Overseers see every notice; others a notice to the whole estate, residents one to their building too."""
    if roles & OVERSEERS or notice.whole_estate:
        return True
    return bool(roles & RESIDENTS) and bool(notice.building_codes & getattr(actor, "building_codes", frozenset()))


def _ticket_view(roles, actor, ticket) -> bool:
    """The filer and the overseers; other residents only the complaints a filer chose to make public."""
    if roles & OVERSEERS or ticket.author_id == actor.id:
        return True
    return ticket.public and bool(roles & RESIDENTS)


def _ticket_file(roles, actor, kind) -> bool:
    """Residents file repairs, complaints and suggestions; staff file repairs they find themselves (a defect an
    inspection round found, say), never complaints or suggestions about themselves."""
    return bool(roles & RESIDENTS) or (bool(roles & STAFF) and kind == "repair")


def _ticket_confirm(roles, actor, ticket) -> bool:
    return ticket.author_id == actor.id


def _survey_manage(roles, actor, survey) -> bool:
    """Staff close any survey; the committee closes the ones it ran."""
    return bool(roles & STAFF) or ("committee" in roles and survey.by_committee)


def _fees_view_unit(roles, actor, unit) -> bool:
    """A unit's bills and payments: staff, and the unit's owners of record; never neighbours or the committee."""
    return bool(roles & STAFF) or (bool(roles & RESIDENTS) and actor.id in unit.owner_user_ids)


def _fees_dispute(roles, actor, unit) -> bool:
    return "owner" in roles and actor.id in unit.owner_user_ids


def _survey_results(roles, actor, survey) -> bool:
    """Results are for the overseers while a survey runs, and for every resident once it has closed."""
    return bool(roles & OVERSEERS) or (bool(roles & RESIDENTS) and not survey.open)


def _fire_hazard_view(roles, actor, hazard) -> bool:
    """A hazard report is the reporter's and the overseers'; other owners never see who reported what."""
    return bool(roles & OVERSEERS) or hazard.reporter_id == actor.id


def _fire_status_view(roles, actor, building) -> bool:
    """A building's fire-safety status: its residents, and the overseers for every building."""
    return bool(roles & OVERSEERS) or _in_building(roles, actor, building)
def _fund_unit_read(roles, actor, account) -> bool:
    """``account`` has ``owner_hashes``, the identity hashes on the unit's current roster: an owner sees the
    accounts of the units they own, the overseers every account."""
    if roles & OVERSEERS:
        return True
    return "owner" in roles and bool(actor.id_hash) and actor.id_hash in account.owner_hashes


def _fund_application_read(roles, actor, application) -> bool:
    """Drafts are the property company's and the committee's; once published, everyone's."""
    return bool(roles & OVERSEERS) or application.status != "draft"


# action -> the roles (``committee`` being the flag on an owner) that may take it,
# or a function of (roles, actor, target) where the answer depends on the target.
RULES: dict = {
    "roster.read": STAFF | {"committee"},
    "roster.import": STAFF,
    "registration.list": STAFF | {"committee"},
    "registration.decide": STAFF,
    "staff.create": frozenset({"admin"}),
    "committee.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin", "committee"}),
    "member": EVERYONE,
    "rules.accept": EVERYONE,
    "rules.draft": frozenset({"admin"}),
    "rules.adopt": frozenset({"admin"}),
    "account.change_password": EVERYONE,
    "content.view": _content_visible,
    "content.history": OVERSEERS,
    "board.post": _board_post,
    "thread.reply": _thread_reply,
    "post.edit": _post_edit,
    "attachment.upload": EVERYONE,
    "report.create": EVERYONE,
    "rules.edit_policy": STAFF,
    "chat.read": _chat_read,
    "chat.send": _chat_send,
    "chat.moderate": STAFF,
    "moderation.act": STAFF,
    "moderation.read": OVERSEERS,
    "desk.manage": STAFF,
    "desk.view": OVERSEERS,
    "notice.post": STAFF,
    "notice.track": OVERSEERS,
    "notice.view": _notice_view,
    "notice.acknowledge": RESIDENTS,
    "ticket.file": _ticket_file,
    "ticket.view": _ticket_view,
    "ticket.list_all": OVERSEERS,
    "ticket.handle": STAFF,
    "ticket.identify": STAFF,
    "ticket.confirm": _ticket_confirm,
    "survey.create": STAFF | {"committee"},
    "survey.manage": _survey_manage,
    "survey.answer": RESIDENTS,
    "survey.results": _survey_results,
    "figures.read": OVERSEERS,
    "vote.read": EVERYONE,
    "vote.cast": frozenset({"owner"}),  # and on the vote's roster: the service checks that
    "vote.create": frozenset({"committee"}),
    "vote.manage": frozenset({"committee"}),
    # fire
    "fire.read": OVERSEERS,
    "fire.manage": STAFF,
    "fire.identify": STAFF,
    "fire.hazard_report": RESIDENTS,
    "fire.hazard_view": _fire_hazard_view,
    "fire.status_view": _fire_status_view,
    "fire.drill_join": RESIDENTS,
    # fund
    "fund.totals": EVERYONE,  # the estate's and each building's balance are everyone's to see
    "fund.unit_read": _fund_unit_read,
    "fund.ledger_all": OVERSEERS,
    "fund.post": STAFF,  # opening balances, deposits, interest, charges, reversals: money moves
    "fund.settings": STAFF,
    "fund.apply": STAFF,  # the property company drafts, publishes, reports progress and settles
    "fund.read_application": _fund_application_read,
    "fund.review": frozenset({"committee"}),  # review, site check, filing, acceptance: no money moves
    "income.read": EVERYONE,
    "income.manage": STAFF,
    "disclosure.read": EVERYONE,
    "disclosure.publish": STAFF,
    "fund.request": frozenset({"owner"}),
    "fund.answer": STAFF,
    "fund.requests_all": OVERSEERS,
    # votes: the owners' assembly
    "vote.procedure": frozenset({"committee"}),
    "vote.proxy": frozenset({"owner"}),  # for a voter of their own: the service checks that
    "vote.proxy_hold": frozenset({"owner", "resident"}),
    "vote.object": frozenset({"owner"}),  # and in the vote's electorate
    "vote.delivery": frozenset({"committee"}),  # the per-unit delivery ledger and its signature photos
    # fees
    "fees.manage": STAFF,
    "fees.register": STAFF,
    "fees.figures": OVERSEERS,
    "fees.view_unit": _fees_view_unit,
    "fees.dispute": _fees_dispute,
    # identity
    "account.sessions": EVERYONE,
    "account.export": EVERYONE,
    "account.close": EVERYONE,
    "account.close_other": STAFF,
    "account.reset_code": STAFF,
    # assembly: owners' petitions (条例 art. 13) and the committee's register of decisions (SPC interp. art. 13)
    "petition.read": EVERYONE,
    "petition.start": frozenset({"owner"}),
    "petition.sign": frozenset({"owner"}),  # for a voter of their own: the service checks that
    "petition.respond": frozenset({"committee"}),
    "decision.read": EVERYONE,
    "decision.record": frozenset({"committee"}),
}

# Writes made from the server's own command line, with no acting account (still audited).
SYSTEM_CHANNELS = frozenset({"cli", "demo"})

# Standing codes an account may have that stop it from acting at all.
BLOCKING_STATUS = {"pending": "pending_approval", "rejected": "rejected"}


def roles_of(actor) -> frozenset[str]:
    if actor is None:
        return frozenset()
    roles = {actor.role}
    if actor.role == "owner" and getattr(actor, "committee", False):
        roles.add("committee")
    return frozenset(roles)


def in_good_standing(actor) -> bool:
    return actor is not None and actor.status == "approved"


def is_member(actor) -> bool:
    """A member in good standing: an approved account of any role. What every member-only read requires."""
    return in_good_standing(actor) and actor.role in EVERYONE


def require_member(actor) -> None:
    require(actor, "member")


def can(actor, action: str, target=None) -> bool:
    if not in_good_standing(actor):
        return False
    allowed = RULES.get(action)
    if allowed is None:
        raise KeyError(f"unknown action {action!r}")
    roles = roles_of(actor)
    if callable(allowed):
        return allowed(roles, actor, target)
    return bool(roles & allowed)


def require(actor, action: str, target=None, *, hide: bool = False) -> None:
    """Raise unless ``actor`` may take ``action``; ``hide`` answers 404 instead of 403."""
    if actor is None:
        raise Unauthenticated(N_("Please log in first."))
    if actor.status in BLOCKING_STATUS:
        raise Denied(N_("Your account is not active yet."), code=BLOCKING_STATUS[actor.status])
    if not can(actor, action, target):
        if hide:
            raise NotFound(N_("Not found."))
        raise Denied(N_("You are not allowed to do this."))


def personal_view(actor, subject=None) -> str:
    """How much of ``subject``'s personal data ``actor`` may see: full, masked or public. Without a subject:
    how much of other people's (the roster's owners, say)."""
    if actor is None or not in_good_standing(actor):
        return "public"
    if (subject is not None and actor.id == subject.id) or actor.role in STAFF:
        return "full"
    if "committee" in roles_of(actor):
        return "masked"
    return "public"


# ---- which: scopes the SQL, the sockets and the pages are built from -------------------------------

ALL_STATUSES = frozenset({"visible", "held", "hidden"})


class ContentScope:
    """Which content an actor reads: every status in ``statuses``, and their own items in ``own``."""

    __slots__ = ("author_id", "own", "statuses")

    def __init__(self, statuses: frozenset, own: frozenset, author_id: int | None):
        self.statuses, self.own, self.author_id = statuses, own, author_id

    def admits(self, status: str, author_id: int | None) -> bool:
        return status in self.statuses or (status in self.own and author_id == self.author_id)


def content_scope(actor) -> ContentScope:
    """Overseers read hidden and held content everywhere (the committee audits it); a member reads what is
    visible and their own held items; anyone else nothing."""
    if not in_good_standing(actor):
        return ContentScope(frozenset(), frozenset(), None)
    if roles_of(actor) & OVERSEERS:
        return ContentScope(ALL_STATUSES, frozenset(), actor.id)
    return ContentScope(frozenset({"visible"}), frozenset({"held"}), actor.id)


def sees_held(actor, room) -> bool:
    """Who is shown a held chat message live, beside its author: the overseers who may read its room (so not
    the staff, for the committee's own room)."""
    return bool(roles_of(actor) & OVERSEERS) and can(actor, "chat.read", room)


def chat_room_kinds(actor) -> frozenset[str]:
    """The kinds of room an actor may be in now; building and desk rooms also depend on the room itself."""
    if not in_good_standing(actor):
        return frozenset()
    kinds = {"lobby", "announcements"}
    roles = roles_of(actor)
    if "committee" in roles:
        kinds.add("committee")
    if roles & OVERSEERS:
        kinds |= {"staff", "building", "desk"}
    if roles & RESIDENTS:
        kinds.add("building")
    if roles & MEMBERS:
        kinds.add("desk")
    return frozenset(kinds)


def watches_desk(actor) -> bool:
    """Whose sockets hear of front-desk activity: those who answer the desk."""
    return can(actor, "desk.manage")


def _field(subject, name: str):
    """People come as accounts or as the public cards pages are built from."""
    return subject.get(name) if isinstance(subject, Mapping) else getattr(subject, name, None)


def badge(subject) -> str | None:
    """The tag shown beside a person wherever they appear: staff, committee, merchant or none."""
    if subject is None:
        return None
    role = _field(subject, "role")
    if role in STAFF:
        return "staff"
    if role == "owner" and _field(subject, "committee"):
        return "committee"
    if role == "vendor":
        return "merchant"
    return None


def may_sanction(actor, subject) -> bool:
    """Staff sanction members; staff accounts are answered for elsewhere, never sanctioned here."""
    return can(actor, "moderation.act") and subject is not None and _field(subject, "role") not in STAFF


def is_staff(actor) -> bool:
    return in_good_standing(actor) and actor.role in STAFF


def is_committee(actor) -> bool:
    return in_good_standing(actor) and "committee" in roles_of(actor)


# ---- which: the home page's cards and the tab bar ------------------------------------------------

def home_cards(actor) -> tuple[str, ...]:
    """What the home page shows a person, in order: what needs them first."""
    if not in_good_standing(actor):
        return ()
    roles = roles_of(actor)
    cards = []
    if roles & STAFF:
        cards.append("queues")
    if roles & RESIDENTS:
        cards += ["notices", "votes", "repairs"]
    if "committee" in roles:
        cards.append("committee")
    cards += ["messages", "chat"]
    if can(actor, "audit.read"):
        cards.append("audit")
    return tuple(cards)


def tabs(actor) -> tuple[str, ...]:
    """The bottom tab bar: at most five, so that labels fit a 360-px phone in either language."""
    if not in_good_standing(actor):
        return ()
    roles = roles_of(actor)
    if roles & STAFF:
        last = "audit" if can(actor, "audit.read") else "desk"
        return ("home", "registrations", "moderation", last, "messages")
    if "committee" in roles:
        return ("home", "boards", "repairs", "votes", "messages")
    if roles & RESIDENTS:
        return ("home", "boards", "repairs", "chat", "messages")
    return ("home", "boards", "chat", "messages")
