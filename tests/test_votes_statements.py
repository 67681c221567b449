"""How many SQL statements one online ballot costs, pinned: a ballot is the hot path of a vote (every owner of
an estate of thousands casts one within days), so a statement added to it is a deliberate change."""

import pytest

from tests import test_votes
from tests.fixtures.votes import no_notice  # noqa: F401
from tests.statements import recorded
from tests.test_votes import ballot, opened
from tests.test_votes_assembly import announced, choices_for

owners = test_votes.owners
pytestmark = pytest.mark.usefixtures("no_notice")

# Authentication (token, session, standing) is counted too: it is part of what a ballot costs.
SINGLE_MOTION = 15
THREE_ITEMS = 13


def test_one_ballot_of_one_motion(api, committee_member, owners):
    vote_id = opened(api, committee_member)
    api.token_for(owners["张敏"])  # the token is made before counting
    with recorded() as counted:
        assert ballot(api, owners["张敏"], vote_id).status_code == 201
    assert len(counted) == SINGLE_MOTION, counted


def test_one_ballot_of_three_items(api, committee_member, owners):
    from community.core.timeutil import frozen
    from community.votes import services
    vote_id = announced(api, committee_member)
    vote = services.get(committee_member, vote_id)
    with frozen(vote.opens_at):
        assert api.post(f"/votes/{vote_id}/open", user=committee_member).status_code == 200
        seen = api.get(f"/votes/{vote_id}", user=owners["张敏"]).get_json()
        api.token_for(owners["张敏"])
        with recorded() as counted:
            r = api.post(f"/votes/{vote_id}/ballots", user=owners["张敏"], json={"choices": choices_for(seen)})
            assert r.status_code == 201, r.get_json()
    assert len(counted) == THREE_ITEMS, counted
