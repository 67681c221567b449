"""The bottom tab bar: which tabs a person has comes from the policy (``policy.tabs``); here is what each one is,
its icon, and which paths mark it as the current tab."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..core.i18n import language
from ..core.web import app_memo, fixed_url

# name -> (label, icon, endpoint and arguments, path prefixes that belong to it). Labels are short: five of them
# must fit side by side at 360 px in English as in Chinese.
TABS = {
    "home": (_l("Home"), "home", ("accounts.home", {}), ()),
    "boards": (_l("Boards"), "boards", ("boards.boards", {}), ("/boards", "/threads", "/search", "/users/")),
    "repairs": (_l("Repairs"), "repair", ("desk.tickets", {"plural": "repairs"}), ("/desk/repairs",)),
    "chat": (_l("Chat"), "chat", ("chat.rooms", {}), ("/chat",)),
    "messages": (_l("Notifications"), "bell", ("notifications.page", {}), ("/notifications",)),
    "registrations": (_l("Sign-ups"), "person", ("accounts.registrations", {}), ("/staff/registrations",)),
    "moderation": (_l("Review queue"), "shield", ("moderation.queue", {}), ("/staff/moderation", "/staff/appeals")),
    "desk": (_l("Desk"), "desk", ("desk.hub", {}), ("/desk",)),
    "audit": (_l("Audit"), "ledger", ("audit.log", {}), ("/committee/audit",)),
    "votes": (_l("Votes"), "vote", ("votes.index", {}), ("/votes",)),
}


MADE_MAX = 4096  # bars kept per app: kinds of reader x current tab x language x unread counts seen


def current_tab(names, path: str) -> str | None:
    """The tab this path belongs to: the longest matching path prefix wins, home only at "/"."""
    best, found = 0, None
    for name in names:
        match = max((len(p) for p in TABS[name][3] if path.startswith(p)), default=0)
        if match > best:
            best, found = match, name
    return found if found is not None else ("home" if path == "/" and "home" in names else None)


def tab_bar(names, current: str | None = None) -> list[dict]:
    """The tabs to draw, the current one marked."""
    tabs = []
    for name in names:
        label, icon, (endpoint, args), _prefixes = TABS[name]
        tabs.append({"name": name, "label": label, "icon": icon, "href": fixed_url(endpoint, **args),
                     "current": name == current})
    return tabs


def bottom_nav(names, unread: int) -> Markup:
    """The tab bar's markup, the same for everyone with these tabs on this tab with this many unread
    notifications: made once per app, mount point and language (``_bottom_nav.html``), not on every page."""
    if not names:
        return Markup("")
    current = current_tab(names, request.path)
    key = (request.script_root, language(), names, current, unread)
    return app_memo("tab_bar", key, lambda: Markup(render_template(
        "_bottom_nav.html", tabs=tab_bar(names, current), unread_notifications=unread)), limit=MADE_MAX)
