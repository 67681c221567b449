"""Surveys run by the property company or the owners' committee: answered once per person or once per unit,
and counted without ever saying who gave which answer."""

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..core import fetch, policy, validation
from ..core.errors import Conflict, Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import iso, utcnow
from ..estate.models import Unit
from ..extensions import db
from .common import TEXT_MAX, TITLE_MAX, percent
from .models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

QUESTION_KINDS = ("single", "multiple", "rating", "text")
QUESTIONS_MAX = 30
OPTIONS_MAX = 10
QUESTION_MAX = 200
OPTION_MAX = 100


def create_survey(actor, data: dict) -> Survey:
    policy.require(actor, "survey.create")
    title = validation.text(data.get("title"), "title", TITLE_MAX)
    description = validation.text(data.get("description"), "description", TEXT_MAX, required=False) or ""
    per = validation.choice(data.get("per"), "per", ("user", "unit"))
    closes_at = validation.future_time(data.get("closes_at"), "closes_at")
    raw = data.get("questions")
    if not isinstance(raw, list) or not 1 <= len(raw) <= QUESTIONS_MAX:
        raise Invalid(_("Give between 1 and 30 questions."), field="questions")
    questions = [_question(q, f"questions[{i}]") for i, q in enumerate(raw)]
    survey = Survey(author_id=actor.id, by_committee=not policy.is_staff(actor), title=title,
                    description=description, per=per, closes_at=closes_at, created_at=utcnow())
    db.session.add(survey)
    db.session.flush()
    for position, q in enumerate(questions):
        db.session.add(SurveyQuestion(survey_id=survey.id, position=position, **q))
    audit.record(actor, "survey.created", f"survey:{survey.id}", {"per": per, "questions": len(questions)})
    db.session.commit()
    return survey


def _question(raw, field: str) -> dict:
    if not isinstance(raw, dict):
        raise Invalid(_("Each question needs a kind and a text."), field=field)
    kind = validation.choice(raw.get("kind"), f"{field}.kind", QUESTION_KINDS)
    text = validation.text(raw.get("text"), f"{field}.text", QUESTION_MAX)
    required = validation.flag(raw.get("required", True), f"{field}.required", required=True)
    options = raw.get("options") or []
    if kind in ("single", "multiple"):
        if not isinstance(options, list) or not 2 <= len(options) <= OPTIONS_MAX:
            raise Invalid(_("Give between 2 and 10 options."), field=f"{field}.options")
        options = [validation.text(o, f"{field}.options[{i}]", OPTION_MAX) for i, o in enumerate(options)]
        if len(set(options)) != len(options):
            raise Invalid(_("The options must differ."), field=f"{field}.options")
    elif options:
        raise Invalid(_("Only choice questions have options."), field=f"{field}.options")
    return {"kind": kind, "text": text, "options": options, "required": required}


def surveys(actor, *, before: int | None = None, limit: int = 50) -> tuple[list, int | None]:
    policy.require_member(actor)
    query = select(Survey)
    if before:
        query = query.where(Survey.id < before)
    rows = list(db.session.scalars(query.order_by(Survey.id.desc()).limit(limit)))
    now = utcnow()
    counts = dict(db.session.execute(select(SurveyResponse.survey_id, func.count(SurveyResponse.id)).where(
        SurveyResponse.survey_id.in_([s.id for s in rows])).group_by(SurveyResponse.survey_id)).all()) if rows else {}
    taken = _taken(actor, [s.id for s in rows])
    items = [serialize_survey(s, actor, now, counts.get(s.id, 0), taken) for s in rows]
    return items, (rows[-1].id if len(rows) == limit else None)


def survey(actor, survey_id: int) -> Survey:
    return fetch.get(actor, Survey, survey_id, message=_("No such survey."))


class _SurveyView:
    """What the policy needs to know of a survey: who ran it, and whether it is still open."""
    def __init__(self, found: Survey, now: datetime):
        self.by_committee, self.open = found.by_committee, found.is_open(now)


def _taken(actor, survey_ids: list[int]) -> dict[int, set[str]]:
    """For each survey, the respondents among the actor and the actor's units that have answered: one
    statement for a whole page of surveys."""
    if not survey_ids:
        return {}
    mine = [f"user:{actor.id}"] + [f"unit:{u.id}" for u in actor.units]
    taken: dict[int, set[str]] = defaultdict(set)
    for survey_id, respondent in db.session.execute(select(SurveyResponse.survey_id, SurveyResponse.respondent).where(
            SurveyResponse.survey_id.in_(survey_ids), SurveyResponse.respondent.in_(mine))):
        taken[survey_id].add(respondent)
    return taken


def _units_left(actor, found: Survey, taken: dict[int, set[str]]) -> list[Unit]:
    """The units the actor could still answer for (per-unit surveys)."""
    answered = taken.get(found.id, set())
    return [u for u in actor.units if f"unit:{u.id}" not in answered]


def survey_page(actor, survey_id: int) -> dict:
    found = survey(actor, survey_id)
    now = utcnow()
    count = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == found.id))
    taken = _taken(actor, [found.id])
    data = serialize_survey(found, actor, now, count, taken)
    data["questions"] = [{"id": q.id, "kind": q.kind, "text": q.text, "options": q.options, "required": q.required}
                         for q in found.questions]
    data["units_left"] = [u.code for u in _units_left(actor, found, taken)] if found.per == "unit" else []
    return data


def serialize_survey(s: Survey, viewer, now: datetime, responses: int, taken: dict[int, set[str]]) -> dict:
    """``taken`` is what ``_taken`` found for the viewer, for this survey among others."""
    view = _SurveyView(s, now)
    if s.per == "user":
        answered = f"user:{viewer.id}" in taken.get(s.id, set())
        can_answer = not answered
    else:
        left = _units_left(viewer, s, taken)
        answered = bool(viewer.units) and not left
        can_answer = bool(left)
    return {"id": s.id, "title": s.title, "description": s.description, "per": s.per,
            "by_committee": s.by_committee, "created_at": iso(s.created_at), "closes_at": iso(s.closes_at),
            "closed_at": iso(s.closed_at), "open": view.open, "responses": responses, "answered": answered,
            "can_answer": view.open and can_answer and policy.can(viewer, "survey.answer"),
            "can_close": view.open and policy.can(viewer, "survey.manage", view),
            "can_see_results": policy.can(viewer, "survey.results", view)}


def answer(actor, survey_id: int, data: dict) -> SurveyResponse:
    """One answer per user, or per unit (for any one of the unit's residents), as the survey says: a second
    answer is a 409 conflict."""
    found = survey(actor, survey_id)
    policy.require(actor, "survey.answer")
    now = utcnow()
    if not found.is_open(now):
        raise Conflict(_("This survey is closed."))
    unit = None
    if found.per == "unit":
        unit = _answering_unit(actor, found, data.get("unit"))
        respondent = f"unit:{unit.id}"
    else:
        respondent = f"user:{actor.id}"
    if db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == found.id,
                                                         SurveyResponse.respondent == respondent)) is not None:
        raise _answered(found)
    answers = _answers(found, data.get("answers"))
    response = SurveyResponse(survey_id=found.id, respondent=respondent, user_id=actor.id,
                              unit_id=unit.id if unit else None, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # answered from another phone a moment ago
        raise _answered(found) from None
    for question_id, values in answers.items():
        db.session.add(SurveyAnswer(response_id=response.id, question_id=question_id, **values))
    db.session.commit()
    return response


def _answered(found: Survey) -> Conflict:
    if found.per == "unit":
        return Conflict(_("This unit has already answered this survey."))
    return Conflict(_("You have already answered this survey."))


def _answering_unit(actor, found: Survey, code) -> Unit:
    units = actor.units
    if not units:
        raise Invalid(_("This survey is answered per unit, and you have none."), field="unit")
    if code in (None, ""):
        if len(units) > 1:
            raise Invalid(_("Say which of your units you answer for."), field="unit")
        return units[0]
    unit = next((u for u in units if u.code == code), None)
    if unit is None:
        raise Invalid(_("Choose one of your own units."), field="unit")
    return unit


def _answers(found: Survey, raw) -> dict[int, dict]:
    """``{"<question id>": value}``: an option index, a list of them, a rating of 1 to 5, or text."""
    if not isinstance(raw, dict):
        raise Invalid(_("Give the answers by question id."), field="answers")
    known = {str(q.id) for q in found.questions}
    unknown = sorted(set(map(str, raw)) - known)
    if unknown:
        raise Invalid(_("No such question in this survey."), field=f"answers.{unknown[0]}")
    given = {str(k): v for k, v in raw.items()}
    result = {}
    for q in found.questions:
        field = f"answers.{q.id}"
        value = given.get(str(q.id))
        if value is None or value == "" or value == []:
            if q.required:
                raise Invalid(_("Please answer this question."), field=field)
            continue
        if q.kind == "single":
            result[q.id] = {"choices": [validation.whole(value, field, 0, len(q.options) - 1)]}
        elif q.kind == "multiple":
            if not isinstance(value, list):
                raise Invalid(_("Give a list of option numbers."), field=field)
            picked = sorted({validation.whole(v, field, 0, len(q.options) - 1) for v in value})
            result[q.id] = {"choices": picked}
        elif q.kind == "rating":
            result[q.id] = {"rating": validation.whole(value, field, 1, 5)}
        else:
            result[q.id] = {"text": validation.text(value, field, TEXT_MAX)}
    return result


def results(actor, survey_id: int) -> dict:
    """Counts per option (and the share of those who answered the question), rating averages and
    distributions, and the free-text answers; never who gave which answer."""
    found = survey(actor, survey_id)
    view = _SurveyView(found, utcnow())
    policy.require(actor, "survey.results", view)
    respondents = db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.survey_id == found.id))
    rows = db.session.execute(select(SurveyAnswer.question_id, SurveyAnswer.choices, SurveyAnswer.rating,
                                     SurveyAnswer.text).join(SurveyResponse)
                              .where(SurveyResponse.survey_id == found.id).order_by(SurveyAnswer.id)).all()
    by_question = defaultdict(list)
    for row in rows:
        by_question[row.question_id].append(row)
    questions = []
    for q in found.questions:
        answers = by_question.get(q.id, [])
        item = {"id": q.id, "kind": q.kind, "text": q.text, "answered": len(answers)}
        if q.kind in ("single", "multiple"):
            counts = Counter(i for a in answers for i in (a.choices or []))
            item["options"] = [{"label": label, "count": counts.get(i, 0),
                                "percent": percent(counts.get(i, 0), len(answers))}
                               for i, label in enumerate(q.options)]
        elif q.kind == "rating":
            ratings = [a.rating for a in answers]
            item["average"] = round(sum(ratings) / len(ratings), 2) if ratings else None
            item["distribution"] = [{"rating": r, "count": ratings.count(r),
                                     "percent": percent(ratings.count(r), len(ratings))} for r in range(1, 6)]
        else:
            item["texts"] = [a.text for a in answers]
        questions.append(item)
    return {"id": found.id, "title": found.title, "per": found.per, "open": view.open,
            "respondents": respondents, "questions": questions}


def close_survey(actor, survey_id: int) -> Survey:
    found = survey(actor, survey_id)
    now = utcnow()
    view = _SurveyView(found, now)
    policy.require(actor, "survey.manage", view)
    if not view.open:
        raise Conflict(_("This survey is closed."))
    found.closed_at = now
    audit.record(actor, "survey.closed", f"survey:{found.id}", {})
    db.session.commit()
    return found
