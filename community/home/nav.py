"""The bottom tab bar: which tabs a person has comes from the policy (``policy.tabs``); here is what each one is,
its icon, and which paths mark it as the current tab."""

from flask import request
from flask_babel import lazy_gettext as _l

from ..core.web import fixed_url

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


def tab_bar(names) -> list[dict]:
    """The tabs to draw, the current one marked: the longest matching path prefix wins, home only at "/"."""
    path = request.path
    tabs = []
    for name in names:
        label, icon, (endpoint, args), prefixes = TABS[name]
        tabs.append({"name": name, "label": label, "icon": icon, "href": fixed_url(endpoint, **args),
                     "match": max((len(p) for p in prefixes if path.startswith(p)), default=0)})
    best = max((t["match"] for t in tabs), default=0)
    for tab in tabs:
        tab["current"] = (tab["match"] == best and best > 0) or (tab["name"] == "home" and path == "/")
    return tabs
