"""The phone pages of the boards: board list, thread list, thread, compose, edit, report, search."""

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from markupsafe import Markup

from ..accounts import services as accounts
from ..accounts.services import user_for_token
from ..core import policy, sanitize
from ..core.errors import AppError, Invalid, NotFound, RulesNotAccepted, RuleViolation
from ..core.http import bearer_token
from ..core.i18n import gettext as _
from ..core.i18n import per_language
from ..core.web import actor, attach_error, csrf_value, login_required
from ..moderation import services as moderation
from ..rules import reasons
from ..rules import services as rules
from . import media, page, replies, services
from .forms import EditForm, ReplyForm, ReportForm, SearchForm, ThreadForm
from .search import search as search_boards

bp = Blueprint("boards", __name__)


@bp.get("/media/<key>")
def media_file(key: str):
    token = bearer_token()
    viewer = user_for_token(token) if token else actor()
    path, mime = media.find(viewer, key)
    response = send_file(path, mimetype=mime, max_age=86400)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response





@bp.app_template_global()
@per_language
def editor_labels() -> dict[str, str]:
    """What static/js/editor.js says, in the reader's language."""
    return {"toolbar": _("Formatting"), "bold": _("Bold"), "list": _("List"), "quote": _("Quote"),
            "photo": _("Photo"), "preview": _("Preview"), "edit": _("Back to writing"),
            "loading": _("Preparing the preview…"), "empty": _("Nothing written yet."),
            "failed": _("The preview could not be shown; you can still publish.")}


def rules_accepted(view):
    """Writing pages send someone who has not accepted the current rules to read them first."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            rules.require_accepted(actor())
        except RulesNotAccepted as error:
            return _to_rules(error)
        return view(*args, **kwargs)
    return wrapper


def _to_rules(error: RulesNotAccepted):
    flash(error.message, "error")
    return redirect(url_for("rules.show", next=request.full_path if request.method == "GET" else request.path))


# ---- reading --------------------------------------------------------------------------------------

@bp.get("/boards")
@login_required
def boards():
    items = [services.serialize_board(b, actor()) for b in services.boards(actor())]
    return render_template("boards/boards.html", boards=items)


@bp.get("/boards/<slug>")
@login_required
def board(slug: str):
    found = services.serialize_board(services.board(actor(), slug), actor())
    items, cursor = services.threads(actor(), slug, before=request.args.get("before") or None)
    return render_template("boards/board.html", board=found, threads=items, cursor=cursor)


@bp.route("/threads/<int:thread_id>", methods=["GET", "POST"])
@login_required
def thread(thread_id: int):
    """The thread, and the reply form at its foot (which posts back here). A plain GET, as most readers make it,
    builds no form: the blank form's fields are made once per language (``_blank_fields``), and all the
    request adds is its CSRF token."""
    plain = request.method == "GET" and "parent" not in request.args and "quote" not in request.args
    form = None if plain else ReplyForm()
    quoting = False
    if request.method == "GET" and form is not None:
        # ?parent=N answers post N; ?quote=N answers it quoting it (?parent=N&quote=1 is the older spelling)
        form.parent_id.data = request.args.get("parent", type=int)
        quoted = request.args.get("quote", type=int)
        quoting = quoted is not None and (form.parent_id.data is None or quoted == 1)
        if form.parent_id.data is None:
            form.parent_id.data = quoted
    preview = None
    valid, uploaded = _submitted(form) if form is not None else (False, [])
    if valid:
        try:
            if "preview" in request.form:
                preview = _preview(form.body.data, uploaded)
            else:
                new = services.reply(actor(), thread_id, form.body.data, form.parent_id.data,
                                     [a["id"] for a in uploaded] or None)
                if new.status == "held":
                    flash(_("Your reply is waiting for review by the property staff."))
                return redirect(url_for("boards.thread", thread_id=thread_id, _anchor=f"post-{new.id}"))
        except RulesNotAccepted as error:
            return _to_rules(error)
        except AppError as error:
            _show_error(form, error)
    me = actor()
    try:
        found = page.thread_page(me, thread_id, placeholders=True)
    except NotFound:
        hidden = page.hidden_thread(me, thread_id)
        if hidden is None:
            raise
        return render_template("boards/thread_hidden.html", thread=hidden, text=replies.hidden_text(hidden, "thread"))
    parent = _parent(found, form.parent_id.data) if form is not None else None
    if parent is None:
        if form is not None:
            form.parent_id.data = None
    elif quoting:
        form.body.data = sanitize.quote(services.post(me, parent["id"]).body, parent["author"]["display_name"])
    try:
        rules.require_accepted(me)
        rules_pending = False
    except RulesNotAccepted:
        rules_pending = True
    can_reply = found["can_reply"] and not rules_pending
    names, allowed = replies.labels(found), replies.permissions(me, found)
    blank = can_reply and request.method == "GET" and (form is None or not form.body.data)
    return render_template(
        "boards/thread.html", thread=found, here=url_for("boards.thread", thread_id=found["id"]),
        replies=replies.render(me, found, can_reply, names, allowed),
        form=form, parent=parent, preview=preview, uploaded=uploaded, rules_pending=rules_pending,
        can_reply=can_reply, opening=replies.opening(me, found, can_reply, names, allowed),
        csrf=csrf_value(form) if can_reply else None, blank_fields=_blank_fields() if blank else None)


@per_language
def _blank_fields() -> Markup:
    """The reply form's text and image fields as a reader first sees them (empty, no errors): the same markup
    for every reader, made once per language rather than by WTForms' widgets on every page."""
    return Markup(render_template("boards/_reply_fields.html", form=ReplyForm(meta={"csrf": False})))


def _parent(found: dict, parent_id: int | None) -> dict | None:
    """The post that ``parent_id`` names, if it is shown here (and not a placeholder), for the reply form."""
    if not parent_id:
        return None
    if parent_id == found["opening_post_id"]:
        return {"id": parent_id, "author": found["author"], "text": replies.excerpt(found["body_html"])}
    parent = next((p for p in found["posts"] if p["id"] == parent_id and p["body_html"]), None)
    return parent and {"id": parent["id"], "author": parent["author"], "text": replies.excerpt(parent["body_html"])}



# ---- writing --------------------------------------------------------------------------------------

@bp.route("/boards/<slug>/new", methods=["GET", "POST"])
@login_required
@rules_accepted
def compose(slug: str):
    found = services.board(actor(), slug)
    policy.require(actor(), "board.post", found)
    form = ThreadForm()
    preview = None
    valid, uploaded = _submitted(form)
    if valid:
        try:
            if "preview" in request.form:
                preview = _preview(form.body.data, uploaded, form.title.data)
            else:
                new = services.start_thread(actor(), slug, form.title.data, form.body.data,
                                            [a["id"] for a in uploaded] or None)
                if new.status == "held":
                    flash(_("Your thread is waiting for review by the property staff."))
                return redirect(url_for("boards.thread", thread_id=new.id))
        except RulesNotAccepted as error:
            return _to_rules(error)
        except AppError as error:
            _show_error(form, error)
    return render_template("boards/compose.html", board=services.serialize_board(found, actor()), form=form,
                           preview=preview, uploaded=uploaded)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@rules_accepted
def edit(post_id: int):
    post = services.post(actor(), post_id)
    policy.require(actor(), "post.edit", post)
    form = EditForm()
    if request.method == "GET":
        form.body.data = post.body
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = _preview(form.body.data, [])
        else:
            try:
                services.edit(actor(), post_id, form.body.data)
            except RulesNotAccepted as error:
                return _to_rules(error)
            except AppError as error:
                _show_error(form, error)
            else:
                flash(_("Your changes are saved."))
                return redirect(url_for("boards.thread", thread_id=post.thread_id, _anchor=f"post-{post_id}"))
    return render_template("boards/edit.html", post=post, form=form, preview=preview,
                           can_history=policy.can(actor(), "content.history"))


@bp.get("/posts/<int:post_id>/revisions")
@login_required
def revisions(post_id: int):
    items = services.revisions(actor(), post_id)
    post = services.post(actor(), post_id)
    return render_template("boards/revisions.html", post=post, revisions=items)


def _submitted(form) -> tuple[bool, list[dict]]:
    """Validate a writing form and upload the images it brings, through the media service. Images are kept
    (and carried in ``uploaded``) even when the text is not right yet, so nobody has to pick them again."""
    valid = form.validate_on_submit()
    if not form.is_submitted() or "csrf_token" in form.errors or form.uploaded.errors:
        return False, []
    uploaded = []
    for pair in filter(None, (form.uploaded.data or "").split(",")):
        attachment_id, key = pair.split(":", 1)
        uploaded.append({"id": int(attachment_id), "url": f"/media/{key}"})
    for file in form.images.data or []:
        data = file.read() if file else b""
        if not data:
            continue
        try:
            uploaded.append(media.serialize(media.upload(actor(), data)))
        except Invalid as error:
            form.images.errors = [*form.images.errors, error.message]
            valid = False
            break
    form.uploaded.data = ",".join(f"{a['id']}:{a['url'].rsplit('/', 1)[1]}" for a in uploaded)
    return valid, uploaded


def _preview(body: str, uploaded: list[dict], title: str | None = None) -> dict:
    images = "\n".join(f"![]({a['url']})" for a in uploaded)
    return {"title": title, "body_html": Markup(sanitize.render(body + ("\n\n" + images if images else "")))}


def _show_error(form, error: AppError) -> None:
    """A refusal by the rules shows its clause, a mute its end; other errors go beside their field, or above
    the form."""
    if isinstance(error, RuleViolation) or error.code == "muted":
        form.violation = error
    elif error.field in ("attachments", "file"):
        form.images.errors = [*form.images.errors, error.message]
    elif error.field == "parent_id":
        form.form_errors.append(error.message)
    else:
        attach_error(form, error)


# ---- reports --------------------------------------------------------------------------------------

@bp.route("/report", methods=["GET", "POST"])
@login_required
def report():
    """Report a thread, a post, a chat message or a person (``?target=thread:ID``, ``post:ID``, ``message:ID`` or
    ``user:ID``), giving a reason as people think of it; each reason cites the prohibiting clauses it stands for."""
    target = request.args.get("target", "")
    kind, target_id = moderation.parse_target(target)
    reported = moderation.resolve(actor(), kind, target_id)
    current = rules.current()
    offered = reasons.offered(current.clauses if current else [])
    other = next((r for r in offered if r["reason"] == "other"), None)
    form = ReportForm()
    form.reason.choices = [(r["reason"], r["label"]) for r in offered]
    form.clause.choices = [("", _("Not sure"))] + [(c["id"], _("Clause %(id)s: %(text)s", id=c["id"], text=c["text"]))
                                                    for c in (other["clauses"] if other else [])]
    back = _report_back(kind, reported)
    if form.validate_on_submit():
        clause = form.clause.data if form.reason.data == "other" and form.clause.data else None
        try:
            moderation.report(actor(), f"{kind}:{target_id}", clause, form.note.data or None, form.reason.data)
        except AppError as error:
            attach_error(form, error)
        else:
            flash(_("Thank you. The property staff will look at your report."))
            return redirect(back)
    summary = {"thread": lambda: reported.title, "user": lambda: reported.display_name}.get(
        kind, lambda: sanitize.plain_text(reported.body)[:200])()
    return render_template("boards/report.html", form=form, kind=kind, summary=summary, back=back, offered=offered)


def _report_back(kind: str, reported) -> str:
    if kind == "user":
        return url_for("boards.neighbour", user_id=reported.id)
    if kind == "message":
        return url_for("chat.room", slug=reported.room)
    thread_id = reported.id if kind == "thread" else reported.thread_id
    return url_for("boards.thread", thread_id=thread_id, _anchor=None if kind == "thread" else f"post-{reported.id}")


# ---- a neighbour's page ---------------------------------------------------------------------------

@bp.get("/users/<int:user_id>")
@login_required
def neighbour(user_id: int):
    """Where a mention leads: who this is (display name, building, badge) and what they wrote that the reader
    may see; a way to report them; for those who oversee, their moderation history."""
    me = actor()
    person = accounts.get_user(me, user_id)
    card = accounts.serialize_public(person)
    badge = policy.badge(person)
    organization = person.registration.organization if badge == "merchant" and person.registration else None
    return render_template("boards/neighbour.html", person=card, badge=badge, organization=organization,
                           writings=services.writings(me, person.id),
                           can_report=person.id != me.id and policy.can(me, "report.create"),
                           can_oversee=policy.can(me, "moderation.read"))


# ---- search ---------------------------------------------------------------------



@bp.get("/search")
@login_required
def search():
    form = SearchForm(request.args)
    results = None
    if request.args.get("q") is not None and form.validate():
        try:
            results = search_boards(actor(), form.q.data.strip(), limit=20)
        except AppError as error:
            attach_error(form, error)
    return render_template("boards/search.html", form=form, results=results)
