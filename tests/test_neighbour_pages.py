"""A neighbour's page, where every mention leads: who they are, what they wrote that the reader may see, a way
to report them, and for overseers their moderation history."""

import re

import pytest
from sqlalchemy import select

from community.boards import services as boards
from community.extensions import db
from community.moderation import services as moderation
from community.moderation.models import Report
from tests.fixtures.people import set_policy

ROLES = ("owner", "committee", "resident", "vendor", "staff", "admin")


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0)


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    client.set_cookie("lang", "en")
    return client


@pytest.mark.parametrize("reader", ROLES)
def test_every_approved_person_has_a_page_every_member_can_open(request, everyone, reader):
    me = everyone[reader]
    client = sign_in(request.getfixturevalue("client"), me)
    for person in everyone.values():
        r = client.get(f"/users/{person.id}")
        assert r.status_code == 200, (reader, person.role)
        assert person.display_name in r.get_data(as_text=True)


def test_pending_applicants_have_no_page(client, owner, pending):
    assert sign_in(client, owner).get(f"/users/{pending.id}").status_code == 404
    assert client.get("/users/999999").status_code == 404


def test_a_mention_opens_the_page(client, owner, resident, committee_member):
    thread = boards.start_thread(owner, "neighbours", "电梯又坏了", "@李老师 麻烦您反映一下")
    html = sign_in(client, resident).get(f"/threads/{thread.id}").get_data(as_text=True)
    (href,) = set(re.findall(r'class="mention" href="(/users/\d+)"', html))
    page = client.get(href)
    assert page.status_code == 200 and "李老师" in page.get_data(as_text=True)


def test_the_page_lists_only_what_the_reader_may_see(client, owner, resident, committee_member, staff):
    visible = boards.start_thread(resident, "neighbours", "楼下的快递柜", "快递柜旁边的灯坏了。")
    hidden = boards.start_thread(resident, "neighbours", "被隐藏的话题", "这条内容会被隐藏。")
    moderation.act(staff, {"action": "hide", "target": f"thread:{hidden.id}", "clause": "2.2", "reason": "x"})
    neighbour = sign_in(client, owner).get(f"/users/{resident.id}").get_data(as_text=True)
    assert visible.title in neighbour and hidden.title not in neighbour
    assert "Report this person" in neighbour and "Moderation history" not in neighbour
    overseer = sign_in(client, committee_member).get(f"/users/{resident.id}").get_data(as_text=True)
    assert hidden.title in overseer and "Moderation history" in overseer


def test_badges_say_who_speaks(client, owner, staff, vendor, committee_member):
    sign_in(client, owner)
    assert "tag-staff" in client.get(f"/users/{staff.id}").get_data(as_text=True)
    assert "tag-merchant" in client.get(f"/users/{vendor.id}").get_data(as_text=True)
    assert "tag-committee" in client.get(f"/users/{committee_member.id}").get_data(as_text=True)
    assert "tag-" not in client.get(f"/users/{owner.id}").get_data(as_text=True).split("<main", 1)[-1] \
        .split('class="neighbour"', 1)[-1].split("</h1>", 1)[0]


def test_report_a_person_from_their_page(client, owner, resident):
    sign_in(client, owner)
    form = client.get(f"/report?target=user:{resident.id}")
    assert form.status_code == 200
    r = client.post(f"/report?target=user:{resident.id}", data={"reason": "abuse", "note": "骚扰邻居"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/users/{resident.id}")
    (report,) = db.session.scalars(select(Report).where(Report.target == f"user:{resident.id}"))
    assert report.reporter_id == owner.id and report.clause == "2.2"
