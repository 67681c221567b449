"""Every list is O(page): the statements a list page issues do not grow with its rows. Counted with a SQLAlchemy
``before_cursor_execute`` listener, at 5 rows and again at 50."""

import pytest

from community.accounts import services as accounts
from community.boards import services as boards
from community.chat import services as chat
from community.desk import notices as desk_notices
from community.desk import surveys as desk_surveys
from community.desk import tickets as desk_tickets
from community.extensions import db
from community.moderation import services as moderation
from community.moderation.models import Report
from tests.fixtures.people import id_number, registration, set_policy
from tests.statements import recorded
from tests.test_board_views import sign_in


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0, auto_hide_reports=0, new_user_max_links=100, chat_interval_s=0,
               chat_max_per_minute=100000, daily_cap_post=0, daily_cap_chat=0)
    app.config["DESK_FILING_LIMITS"] = ((100000, 3600),)


def statements_for(client, path: str, marker: str, rows: int) -> list[str]:
    client.get(path)  # a first visit may record what it read; the count is of a visit like any other
    with recorded() as statements:
        r = client.get(path)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.count(marker) == rows, (path, html.count(marker))
    return list(statements)


def assert_flat(few: list[str], many: list[str]) -> None:
    assert len(many) == len(few), "\n".join(many)


def assert_flat_from_5_to_50(client, path: str, marker: str, make) -> None:
    """``make(n, start)`` adds n rows numbered from start: the page is counted at 5 rows, then at 50."""
    make(5, 0)
    few = statements_for(client, path, marker, 5)
    make(45, 5)
    assert_flat(few, statements_for(client, path, marker, 50))


# ---- the moderation queue -------------------------------------------------------------------------

def _reported_items(n: int, start: int, owner, resident, vendor, people) -> None:
    """n queue items of every kind, each reported, by authors with a history (a suggestion each)."""
    thread = boards.start_thread(owner, "neighbours", "噪音", f"楼下装修太吵（{start}）")
    reported_people = {r for (r,) in db.session.execute(db.select(Report.target).where(Report.target.like("user:%")))}
    for i in range(start, start + n):
        author = people[i % len(people)]
        kind = i % 4
        if kind == 0:
            target = f"post:{boards.reply(author, thread.id, f'回复 {i}').id}"
        elif kind == 1:
            target = f"thread:{boards.start_thread(author, 'neighbours', f'话题 {i}', f'正文第 {i} 条').id}"
        elif kind == 2:
            message, _created = chat.send(author, "lobby", f"消息 {i}", f"c-{i}")
            target = f"message:{message['id']}"
        elif f"user:{author.id}" not in reported_people:
            target = f"user:{author.id}"
            reported_people.add(target)
        else:
            target = f"post:{boards.reply(author, thread.id, f'又一条回复 {i}').id}"
        moderation.report(resident if author.id != resident.id else vendor, target, None, None, "abuse")
        moderation.report(vendor if author.id != vendor.id else owner, target, "2.4", "造谣")


@pytest.fixture
def authors(make_user):
    return [make_user(real_name=f"作者{i}", relation="tenant", id_number=id_number(700 + i),
                      display_name=f"作者{i}") for i in range(6)]


def test_the_moderation_queue_is_a_fixed_number_of_statements(client, owner, resident, vendor, staff, authors):
    for person in authors[:3]:
        moderation.act(staff, {"action": "warn", "target": f"user:{person.id}", "clause": "2.2", "reason": "提醒"})
    sign_in(client, staff)
    _reported_items(5, 0, owner, resident, vendor, authors)
    few = statements_for(client, "/staff/moderation", 'class="item queue-item"', 5)
    _reported_items(45, 5, owner, resident, vendor, authors)
    many = statements_for(client, "/staff/moderation", 'class="item queue-item"', 50)
    assert_flat(few, many)


def test_the_hidden_list_is_a_fixed_number_of_statements(client, owner, staff, committee_member):
    thread = boards.start_thread(owner, "neighbours", "噪音", "楼下装修太吵")

    def hide(n, start):
        for i in range(start, start + n):
            post = boards.reply(owner, thread.id, f"回复 {i}")
            moderation.act(staff, {"action": "hide", "target": f"post:{post.id}", "clause": "2.2", "reason": "辱骂"})

    sign_in(client, committee_member)
    assert_flat_from_5_to_50(client, "/committee/moderation?tab=hidden", 'data-target="post:', hide)


# ---- registrations ----------------------------------------------------------------------------------

def test_the_registrations_page_is_a_fixed_number_of_statements(client, staff, roster):
    def apply(n, start):
        for i in range(start, start + n):
            accounts.register(registration(real_name="申请人", id_number=id_number(900 + i),
                                           unit="1-1-101" if i % 2 else None, relation="owner" if i % 2 else "vendor",
                                           organization=None if i % 2 else "便民店"))

    sign_in(client, staff)
    assert_flat_from_5_to_50(client, "/staff/registrations", 'class="item registration"', apply)


# ---- the desk -------------------------------------------------------------------------------------

def _file(n, owner, resident):
    for i in range(n):
        person = owner if i % 2 else resident
        desk_tickets.file_ticket(person, "repair", {"category": "plumbing", "unit": person.units[0].code,
                                                    "description": f"漏水 {i}"})


@pytest.mark.parametrize("who", ["staff", "committee_member", "owner"])
def test_the_desk_tickets_list_is_a_fixed_number_of_statements(client, request, owner, resident, staff,
                                                               committee_member, who):
    viewer = request.getfixturevalue(who)
    if who == "owner":
        resident = owner  # a resident lists their own
    sign_in(client, viewer)
    _file(5, owner, resident)
    tickets = desk_tickets.tickets(staff, "repair")[0]
    desk_tickets.accept(staff, "repair", tickets[0]["id"], {"department": "engineering", "worker": "老李"})
    few = statements_for(client, "/desk/repairs", 'class="ticket-card', 5)
    _file(45, owner, resident)
    many = statements_for(client, "/desk/repairs", 'class="ticket-card', 50)
    assert_flat(few, many)


def test_the_notices_list_is_a_fixed_number_of_statements(client, owner, staff):
    def publish(n, start):
        for i in range(start, start + n):
            desk_notices.post_notice(staff, {"title": f"通知 {i}", "body": "内容", "category": "general",
                                             "buildings": ["1"] if i % 2 else None})

    sign_in(client, owner)
    assert_flat_from_5_to_50(client, "/desk/notices", 'class="notice-card', publish)


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_the_surveys_list_is_a_fixed_number_of_statements(client, request, owner, staff, who):
    """Per person and per unit, some answered by the viewer (or for the viewer's unit), some not."""
    viewer = request.getfixturevalue(who)

    def run(n, start):
        for i in range(start, start + n):
            found = desk_surveys.create_survey(staff, {
                "title": f"调查 {i}", "per": "unit" if i % 2 else "user",
                "questions": [{"kind": "rating", "text": "总体评分"}]})
            if i % 3 == 0:
                question = found.questions[0].id
                desk_surveys.answer(owner, found.id, {"answers": {str(question): 4}, "unit": owner.units[0].code})

    sign_in(client, viewer)
    assert_flat_from_5_to_50(client, "/desk/surveys", 'class="survey-card"', run)
