"""A thread page's replies as markup, built once per page in plain Python.

A hundred replies through a Jinja loop cost a generator step per piece of markup, an escape per value and an
item lookup per field: most of the page's time. Here everything that is the same for every reply (labels,
translations, the reader's permissions, today's date) is decided once, each author's name and badge is escaped
once, and each reply is one format of a fixed pattern. Ids and formatted times are digits; everything else a
person wrote is escaped, and stored bodies are the sanitised HTML made when the post was written.
"""

from collections import defaultdict
from types import SimpleNamespace

from flask import request
from markupsafe import Markup, escape

from ..core import policy
from ..core.i18n import gettext as _
from ..core.web import badge_label, clock

QUOTE_CHARS = 60
MAX_INDENT = 4
RENDERED_MAX = 16  # sets of links kept per page and day


def hidden_text(item: dict, kind: str) -> str:
    clause = item.get("hidden_clause")
    if kind == "thread":
        return _("This thread was hidden for breaking clause %(clause)s.", clause=clause) if clause else \
            _("This thread was hidden by the property staff.")
    return _("This reply was hidden for breaking clause %(clause)s.", clause=clause) if clause else \
        _("This reply was hidden by the property staff.")


def excerpt(body_html: str) -> str:
    text = Markup(body_html).striptags()
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS].rstrip() + "…"


def labels(found: dict) -> dict[int, Markup]:
    """Each author's name with what follows it (their badge, or their building), escaped and translated once per
    author rather than once per post (and once per kept page, ``pagecache``)."""
    kept = found.get("kept")
    if kept is not None:
        if "labels" not in kept:
            kept["labels"] = _labels(found)
        return kept["labels"]
    return _labels(found)


def _labels(found: dict) -> dict[int, Markup]:
    out: dict[int, Markup] = {}
    tails: dict = {}  # by badge or building: a hundred authors share a handful of them
    for card in [found["author"], *(p["author"] for p in found["posts"])]:
        if card["id"] in out:
            continue
        badge = policy.badge(card)
        key = badge or card["building"]
        tail = tails.get(key)
        if tail is None:
            if badge:
                tail = f' <span class="tag tag-{badge}">{escape(badge_label(badge))}</span>'
            elif key:
                tail = f' <small>{escape(_("Building %(b)s", b=key))}</small>'
            else:
                tail = ""
            tails[key] = tail
        out[card["id"]] = Markup(f"<b>{escape(card['display_name'])}</b>{tail}")
    return out


def own_replies(found: dict, user_id: int) -> list[dict]:
    """The replies on the page that this person wrote (indexed once per kept page)."""
    kept = found.get("kept")
    if kept is None:
        return [p for p in found["posts"] if p["author"]["id"] == user_id]
    index = kept.get("by_author")
    if index is None:
        index = {}
        for p in found["posts"]:
            index.setdefault(p["author"]["id"], []).append(p)
        kept["by_author"] = index
    return index.get(user_id, [])


def permissions(me, found: dict) -> tuple:
    """Decided once for the page: who may edit which post, whether earlier versions and reports are offered."""
    editable = set()
    if not found["locked"]:
        mine = own_replies(found, me.id)
        if found["author"]["id"] == me.id:
            mine = [{"id": found["opening_post_id"], "status": found["status"]}, *mine]
        editable = {p["id"] for p in mine if p["id"] and policy.can(
            me, "post.edit", SimpleNamespace(author_id=me.id, status=p["status"]))}
    return editable, policy.can(me, "content.history"), policy.can(me, "report.create")


def opening(me, found: dict, can_reply: bool, names: dict, allowed: tuple) -> dict:
    editable, can_history, can_report = allowed
    post_id = found["opening_post_id"]
    return {"meta": names[found["author"]["id"]], "reply": can_reply and post_id,
            "edit": post_id in editable, "history": can_history and found["edited"],
            "report": can_report and found["author"]["id"] != me.id}


def tree(found: dict) -> list[tuple[dict, int]]:
    """The replies in the order of the tree (a reply follows the post it answers, depth first), with depths."""
    replies = found["posts"]
    shown = {p["id"] for p in replies}
    children: dict[int | None, list[dict]] = defaultdict(list)
    for p in replies:  # in id order: a parent always comes before its replies
        children[p["parent_id"] if p["parent_id"] in shown else None].append(p)
    ordered = []
    stack = [(p, 0) for p in reversed(children[None])]
    while stack:
        p, depth = stack.pop()
        stack.extend((c, depth + 1) for c in reversed(children[p["id"]]))
        ordered.append((p, depth))
    return ordered


def render(me, found: dict, can_reply: bool, names: dict, allowed: tuple) -> Markup:
    """Every reply of the page as ``<li>`` items, in the order of the tree, each with its depth (capped for
    indenting), a short quote of the post it answers, and the links to what this reader may do with it. All but
    the links is the same for every reader of a kept page; the whole is made once per day (times show the date
    except for today's) for each set of what readers may do, and kept."""
    editable, can_history, can_report = allowed
    at = clock()
    root = request.script_root  # the links name the app's paths wherever it is mounted
    kept = found.get("kept")
    if kept is None:
        return _with_links(_pieces(found, names, at), me.id, can_reply, editable, can_history, can_report, root)
    day, done = kept.get("markup", (None, None))
    if done is None or day != at.today:
        done = {}
        kept["markup"] = (at.today, done)  # only today's: a page kept for days holds one day's markup
    # The links differ between readers only by these: most readers of a thread share one set.
    mine = frozenset(p["id"] for p in own_replies(found, me.id)) if can_report else None
    key = (root, can_reply, frozenset(editable), can_history, can_report, mine)
    found_markup = done.get(key)
    if found_markup is None:
        # The pieces are made again for another set rather than kept beside the finished markup, which would
        # hold every reply twice (a kept thread would weigh a fifth more): a new set costs about 1.5 ms.
        if len(done) >= RENDERED_MAX:
            done.clear()
        found_markup = done[key] = _with_links(_pieces(found, names, at), me.id, can_reply, editable,
                                               can_history, can_report, root)
    return found_markup


def _with_links(made: list[tuple], my_id: int, can_reply: bool, editable: set, can_history: bool,
                can_report: bool, root: str) -> Markup:
    reply, quote, edit = escape(_("Reply")), escape(_("Quote")), escape(_("Edit"))
    history, report = escape(_("Earlier versions")), escape(_("Report"))
    out = []
    for post_id, author_id, edited, piece in made:
        if post_id is None:  # a placeholder: no links
            out.append(piece)
            continue
        links = ""
        if can_reply:
            links = (f'<a href="?parent={post_id}#reply" class="act-reply">{reply}</a>'
                     f'<a href="?quote={post_id}#reply">{quote}</a>')
        if post_id in editable:
            links += f'<a href="{root}/posts/{post_id}/edit">{edit}</a>'
        if can_history and edited:
            links += f'<a href="{root}/posts/{post_id}/revisions">{history}</a>'
        if can_report and author_id != my_id:
            links += f'<a href="{root}/report?target=post:{post_id}" class="act-report">{report}</a>'
        out.append(f'{piece}<div class="post-actions">{links}</div></li>')
    return Markup("\n".join(out))


def _pieces(found: dict, names: dict, at) -> list[tuple]:
    """Each reply's markup up to its links, with what the links depend on: (id, author id, edited, markup), or
    (None, None, None, markup) for a placeholder, which has none."""
    by_id = {p["id"]: p for p in found["posts"]}
    opening_id = found["opening_post_id"]
    edited = f" · {escape(_('edited'))}"
    badges = {"held": f' <span class="badge badge-pending">{escape(_("Waiting for review"))}</span>',
              "hidden": f' <span class="badge badge-rejected">{escape(_("Hidden"))}</span>'}
    unshown = f'<blockquote class="answers">{escape(_("Answers a post that is not shown."))}</blockquote>'
    quotes: dict[int, str] = {}  # a post answered several times is quoted once
    out = []
    for p, depth in tree(found):
        post_id, parent_id = p["id"], p["parent_id"]
        head = f'<li class="post reply depth-{min(depth, MAX_INDENT)}'
        parent = f' data-parent="{parent_id}"' if parent_id else ""
        if p["status"] == "hidden" and not p["body_html"]:
            out.append((None, None, None, f'{head} placeholder" id="post-{post_id}"{parent}><p class="post-body '
                                          f'hidden-note">{escape(hidden_text(p, "post"))}</p></li>'))
            continue
        answered = by_id.get(parent_id)
        if answered:
            cited = quotes.get(parent_id)
            if cited is None:
                text = excerpt(answered["body_html"]) if answered["body_html"] else hidden_text(answered, "post")
                cited = quotes[parent_id] = (f'<blockquote class="answers"><a href="#post-{parent_id}">'
                                             f'{escape(answered["author"]["display_name"])}</a>: {escape(text)}'
                                             f'</blockquote>')
        else:
            cited = unshown if parent_id and parent_id != opening_id else ""
        out.append((post_id, p["author"]["id"], p["edited"],
                    f'{head}" id="post-{post_id}"{parent}><p class="post-meta">{names[p["author"]["id"]]} · '
                    f'<time>{at(p["created_at"])}</time>{edited if p["edited"] else ""}'
                    f'{badges.get(p["status"], "")}</p>{cited}<div class="post-body">{p["body_html"]}</div>'))
    return out
