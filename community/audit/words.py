"""The audit trail in words: each action key as a phrase of the interface language, the families the page
filters by, and the page each target opens. An action nobody has worded yet shows its key."""

from flask import url_for
from flask_babel import lazy_gettext as _l

# The family of an action, by the part of its key before the first dot; stored on each entry (``kind``) so that
# a filtered page walks an index. Keep in step with migrations/versions/0022_timeaudit.py for older entries.
KIND_OF_PREFIX = {
    "registration": "accounts", "account": "accounts", "staff": "accounts", "committee": "accounts",
    "roster": "estate", "unit": "estate",
    "moderation": "moderation", "report": "moderation", "content": "moderation", "appeal": "moderation",
    "thread": "boards", "post": "boards", "chat": "chat", "desk": "chat", "rules": "rules",
    "notice": "desk", "ticket": "desk", "survey": "desk", "vote": "votes", "fees": "fees",
    "fund": "fund", "income": "fund", "disclosure": "fund", "fire": "fire",
}

KINDS = {
    "accounts": _l("Accounts and registrations"), "estate": _l("Roster"), "moderation": _l("Moderation"),
    "boards": _l("Boards"), "chat": _l("Chat and front desk"), "rules": _l("Interaction rules"),
    "desk": _l("Notices, requests and surveys"), "votes": _l("Owners' votes"), "fees": _l("Property fees"),
    "fund": _l("Maintenance fund and common income"), "fire": _l("Fire safety"),
}


def kind_of(action: str) -> str:
    prefix = action.split(".", 1)[0]
    return KIND_OF_PREFIX.get(prefix, prefix[:16])


ACTIONS = {
    "registration.approved": _l("approved a registration"),
    "registration.rejected": _l("rejected a registration"),
    "account.reset_code_issued": _l("issued a password reset code"),
    "account.password_reset": _l("reset a password with a code"),
    "account.password_changed": _l("changed their password"),
    "account.closed": _l("closed an account"),
    "staff.created": _l("created a staff account"),
    "committee.appointed": _l("appointed a committee member"),
    "committee.removed": _l("removed a committee member"),
    "roster.import": _l("imported the roster"),
    "unit.ownership_changed": _l("recorded a change of owner"),
    "report.created": _l("reported content"),
    "content.auto_hidden": _l("content hidden automatically after reports"),
    "moderation.approve": _l("approved held content"),
    "moderation.hide": _l("hid content"),
    "moderation.restore": _l("restored hidden content"),
    "moderation.lock": _l("locked a thread"),
    "moderation.unlock": _l("unlocked a thread"),
    "moderation.pin": _l("pinned a thread"),
    "moderation.unpin": _l("unpinned a thread"),
    "moderation.dismiss": _l("dismissed the reports"),
    "moderation.warn": _l("warned a person"),
    "moderation.mute": _l("muted a person"),
    "moderation.suspend": _l("suspended an account"),
    "moderation.blacklist": _l("removed a person from the community"),
    "moderation.lift": _l("lifted a sanction"),
    "moderation.claimed": _l("took an item of the review queue"),
    "moderation.note": _l("added a note to a person's record"),
    "appeal.decided": _l("decided an appeal"),
    "thread.created": _l("started a thread"),
    "post.created": _l("posted a reply"),
    "post.edited": _l("edited a post"),
    "chat.sent": _l("wrote in chat"),
    "chat.removed": _l("removed a chat message"),
    "chat.approved": _l("approved a held chat message"),
    "desk.closed": _l("closed a front-desk conversation"),
    "rules.drafted": _l("drafted a version of the rules"),
    "rules.adopted": _l("adopted a version of the rules"),
    "rules.policy_edited": _l("changed the rules' limits"),
    "notice.posted": _l("posted a notice"),
    "ticket.accepted": _l("accepted a request"),
    "ticket.assigned": _l("assigned a request"),
    "ticket.started": _l("started work on a request"),
    "ticket.done": _l("marked a request done"),
    "ticket.note": _l("added a note to a request"),
    "survey.created": _l("created a survey"),
    "survey.closed": _l("closed a survey"),
    "vote.created": _l("drafted a vote"),
    "vote.edited": _l("edited a draft vote"),
    "vote.announced": _l("announced a vote"),
    "vote.opened": _l("opened a vote"),
    "vote.closed": _l("closed a vote"),
    "vote.extended": _l("extended a vote"),
    "vote.finalized": _l("made a vote's result final"),
    "vote.procedure_changed": _l("changed the rules of procedure"),
    "vote.proxy_appointed": _l("recorded a proxy"),
    "vote.proxy_revoked": _l("revoked a proxy"),
    "vote.paper_entered": _l("entered a paper ballot"),
    "vote.paper_ballot": _l("confirmed a paper ballot"),
    "vote.paper_conflict": _l("confirmed a paper ballot that conflicts with another"),
    "vote.conflict_reviewed": _l("reviewed a conflicting paper ballot"),
    "vote.objection": _l("objected to a vote's result"),
    "vote.objection_answered": _l("answered an objection"),
    "vote.delivery_recorded": _l("recorded a vote's delivery to a unit"),
    "vote.document_attached": _l("attached a document to a vote"),
    "vote.document_removed": _l("removed a document from a draft vote"),
    "fees.item_create": _l("set up a fee item"),
    "fees.item_end": _l("ended a fee item"),
    "fees.generate": _l("made the month's bills"),
    "fees.adjustment": _l("adjusted a bill"),
    "fees.waiver": _l("waived a bill"),
    "fees.adjustment_reverse": _l("reversed an adjustment"),
    "fees.payment": _l("recorded a payment"),
    "fees.payment_reverse": _l("reversed a payment"),
    "fees.remind_phone": _l("reminded an owner by phone"),
    "fees.remind_notice": _l("sent a written reminder"),
    "fees.remind_letter": _l("sent a reminder letter"),
    "fees.remind_demand": _l("sent a formal demand"),
    "fees.dispute_resolve": _l("resolved a fee dispute"),
    "fees.claim_confirm": _l("confirmed a payment claim"),
    "fees.claim_reject": _l("rejected a payment claim"),
    "fees.import_balances": _l("imported opening arrears"),
    "fees.evidence_export": _l("exported a unit's fee evidence"),
    "fund.settings": _l("changed the fund's settings"),
    "fund.opening": _l("imported opening fund balances"),
    "fund.deposit": _l("recorded fund deposits"),
    "fund.interest": _l("shared out fund interest"),
    "fund.charge": _l("charged units for a fund use"),
    "fund.income": _l("moved common income into the fund"),
    "fund.reversal": _l("reversed a fund batch"),
    "fund.low_balance": _l("flagged a building's fund as low"),
    "fund.request_answered": _l("answered an owner's request"),
    "fund.overdue": _l("marked disclosures or requests overdue"),
    "fund.application.drafted": _l("drafted a fund use application"),
    "fund.application.published": _l("published a fund use application"),
    "fund.application.reviewed": _l("reviewed a fund use application"),
    "fund.application.site_checked": _l("recorded a site check"),
    "fund.application.approved": _l("recorded a fund use approval"),
    "fund.application.filed": _l("filed a fund use application"),
    "fund.application.progress": _l("reported progress on a fund use"),
    "fund.application.accepted": _l("accepted the work of a fund use"),
    "fund.application.settled": _l("settled a fund use"),
    "income.contract": _l("recorded a common-income contract"),
    "income.receipt": _l("recorded common income received"),
    "income.cost": _l("recorded a cost against common income"),
    "income.reversal": _l("reversed a common-income entry"),
    "income.transfer": _l("moved common income into the fund"),
    "disclosure.published": _l("published a disclosure"),
    "fire.facility_register": _l("registered a fire facility"),
    "fire.facility_change": _l("changed a fire facility"),
    "fire.facility_retire": _l("retired a fire facility"),
    "fire.route_create": _l("created an inspection route"),
    "fire.plan_create": _l("created an inspection plan"),
    "fire.check": _l("checked a facility on a round"),
    "fire.defect_repaired": _l("marked a defect repaired"),
    "fire.staff_add": _l("added control-room staff"),
    "fire.shift_assign": _l("assigned a control-room shift"),
    "fire.drill_plan": _l("planned a fire drill"),
    "fire.drill_report": _l("reported on a fire drill"),
    "fire.hazard_acknowledge": _l("acknowledged a hazard report"),
    "fire.hazard_ask": _l("asked for a hazard to be removed"),
    "fire.hazard_recheck": _l("re-checked a hazard"),
    "fire.hazard_report_authority": _l("reported a hazard to the authorities"),
    "fire.hazard_close": _l("closed a hazard report"),
}

# What a target is, in words, by its type ("ticket:13" → "Request #13").
TARGETS = {
    "user": _l("Person #%(id)s"), "vote": _l("Vote #%(id)s"), "thread": _l("Thread #%(id)s"),
    "post": _l("Post #%(id)s"), "message": _l("Chat message #%(id)s"), "ticket": _l("Request #%(id)s"),
    "notice": _l("Notice #%(id)s"), "survey": _l("Survey #%(id)s"), "appeal": _l("Appeal #%(id)s"),
    "sanction": _l("Sanction #%(id)s"), "unit": _l("Unit %(id)s"), "building": _l("Building %(id)s"),
    "rules": _l("Rules version %(id)s"), "desk": _l("Front-desk conversation #%(id)s"),
    "fire_facility": _l("Fire facility #%(id)s"), "fire_hazard": _l("Hazard report #%(id)s"),
    "fire_round": _l("Inspection round #%(id)s"), "fire_drill": _l("Fire drill #%(id)s"),
    "fund_application": _l("Fund use #%(id)s"), "fund_batch": _l("Fund batch #%(id)s"),
    "fee_bill": _l("Bill #%(id)s"), "fee_payment": _l("Payment #%(id)s"),
}

# Targets whose page is known from the target alone; the others that have a page go through ``audit.open``,
# which looks the object up once, when it is clicked.
_DIRECT = {
    "user": lambda v: url_for("boards.neighbour", user_id=int(v)),
    "vote": lambda v: url_for("votes.show", vote_id=int(v)),
    "thread": lambda v: url_for("boards.thread", thread_id=int(v)),
    "notice": lambda v: url_for("desk.notice", notice_id=int(v)),
    "survey": lambda v: url_for("desk.survey", survey_id=int(v)),
    "desk": lambda v: url_for("chat.room", slug=f"desk-{int(v)}"),
    "rules": lambda v: url_for("rules.show"),
    "appeal": lambda v: url_for("moderation.staff_appeals"),
    "fire_facility": lambda v: url_for("fire.facility", facility_id=int(v)),
    "fire_hazard": lambda v: url_for("fire.hazard", hazard_id=int(v)),
    "fire_round": lambda v: url_for("fire.round_page", round_id=int(v)),
    "fire_drill": lambda v: url_for("fire.drill_list"),
    "fund_application": lambda v: url_for("fund.application", application_id=int(v)),
    "fund_batch": lambda v: url_for("fund.batches"),
}
_LOOKED_UP = {"ticket", "post", "message", "sanction"}


def action_words(action: str) -> str:
    words = ACTIONS.get(action)
    return str(words) if words is not None else action


def target_words(target: str) -> str:
    kind, _sep, value = target.partition(":")
    words = TARGETS.get(kind)
    return str(words) % {"id": value} if words is not None and value else target


def target_link(target: str, action: str) -> str | None:
    """The page the target of an entry opens, or None where there is none (a setting, a batch of units)."""
    kind, _sep, value = target.partition(":")
    try:
        if kind == "unit" and value:
            return url_for("fees.unit", code=value) if action.startswith("fees.") else url_for(
                "fund.unit", code=value) if action.startswith("fund.") else url_for("estate.roster")
        if kind == "user" and action == "registration.rejected":
            return url_for("accounts.registrations")  # the target names the registration, not an account
        if kind in _DIRECT and value:
            return _DIRECT[kind](value)
        if kind in _LOOKED_UP and value.isdigit():
            return url_for("audit.open_object", kind=kind, obj_id=int(value))
    except ValueError:
        return None
    return None


def detail_lines(detail: dict) -> list[tuple[str, str]]:
    """The raw detail, one key and value a line, for the disclosure under each entry."""
    return [(str(k), v if isinstance(v, str) else _compact(v)) for k, v in (detail or {}).items()]


def _compact(value) -> str:
    import json
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
