"""Owners' votes and the owners' assembly: one place to import them from. The work lives in

- ``procedure``: the estate's rules of procedure, copied into each vote;
- ``drafting``: a vote's text, items (motions and elections), scope and deadline;
- ``lifecycle``: announcing (freezing the electorate), opening, closing and counting, finalising;
- ``ballots``: who may cast, what a ballot answers, counting it, receipts;
- ``proxies``, ``paper``, ``objections``: written proxies, paper ballots entered by two, objections;
- ``publish``: what callers see.

Every committee step is audited; ballots are counted, never logged with their choice."""

from .ballots import cast, format_receipt, my_voters, normalize_receipt, verify_receipt
from .common import find as get
from .common import list_votes
from .drafting import create, edit
from .lifecycle import announce, close, extend, finalize, open_vote, roster_holdings
from .objections import answer as answer_objection
from .objections import listed as objections
from .objections import object_to, serialize_objection
from .paper import confirm_paper, paper_ballots, record_paper, review_conflict, serial_for, serialize_paper
from .procedure import read as read_procedure
from .procedure import update as update_procedure
from .proxies import appoint as appoint_proxy
from .proxies import listed as proxies
from .proxies import revoke as revoke_proxy
from .proxies import serialize_proxy
from .publish import (
                      electorate,
                      published_ballots,
                      result_csv,
                      serialize,
                      serialize_items,
                      serialize_result,
                      serialize_summary,
                      turnout,
)

# For other domains (a maintenance fund use charged to some units, say): create_vote(actor, data,
# scope_units=[unit ids]) makes a draft whose electorate is exactly those units.
create_vote = create

__all__ = [
    "announce", "answer_objection", "appoint_proxy", "cast", "close", "confirm_paper", "create", "create_vote",
    "edit", "electorate", "extend", "finalize", "format_receipt", "get", "list_votes", "my_voters", "normalize_receipt",
    "object_to", "objections", "open_vote", "paper_ballots", "proxies", "published_ballots", "read_procedure",
    "record_paper", "result_csv", "review_conflict", "revoke_proxy", "roster_holdings", "serial_for", "serialize",
    "serialize_items", "serialize_objection", "serialize_paper", "serialize_proxy", "serialize_result",
    "serialize_summary", "turnout", "update_procedure", "verify_receipt",
]
