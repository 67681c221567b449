"""Thread pages kept between requests (``boards.pagecache``): what a kept page shows is what the page built for
that reader from the database shows, for every kind of reader; and every write that changes it (a reply, an
edit, moderation, a report, a new name, a closed account, a unit changing hands) is seen by the next request
of every worker, not only of the one that wrote."""

import re

import pytest

from community.accounts import privacy
from community.boards import services as boards
from community.boards.models import Post, Thread
from community.extensions import db
from community.moderation import services as moderation
from community.rules import services as rules
from tests.conftest import Api


@pytest.fixture(autouse=True)
def quiet(app):
    current = rules.current()
    current.policy = {**current.policy, "post_interval_s": 0, "daily_cap_post": 0}
    db.session.commit()


@pytest.fixture
def thread(owner, resident, committee_member, staff):
    found = boards.start_thread(owner, "neighbours", "电梯维修时间", "三号楼电梯周五停运检修。")
    first = boards.reply(resident, found.id, "几点开始？")
    boards.reply(committee_member, found.id, "上午九点。", first.id)
    rude = boards.reply(resident, found.id, "又修，烦死了，物业都是废物。")
    moderation.act(staff, {"action": "hide", "target": f"post:{rude.id}", "clause": "2.2", "reason": "辱骂"})
    held = boards.reply(owner, found.id, "我的回复还在审核。")
    held.status = "held"
    boards.reply(staff, found.id, "九点到十一点，请走楼梯。")
    db.session.commit()
    return found


@pytest.fixture
def workers(make_app, app):
    """Two more workers on the same database: one keeping pages as ``app`` does, one keeping none."""
    return make_app(), make_app(THREAD_PAGE_CACHE=0)


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


def replies_of(client, user, thread_id) -> str:
    page = sign_in(client, user).get(f"/threads/{thread_id}").get_data(as_text=True)
    return re.search(r'<ol class="replies threaded" id="replies">(.*?)</ol>', page, re.S).group(1)


def test_a_kept_page_is_the_page_each_reader_is_built(app, client, workers, thread, owner, resident,
                                                      committee_member, staff):
    _, fresh = workers
    readers = (owner, resident, committee_member, staff)
    for _ in range(2):  # the second round reads every page as kept
        for user in readers:
            assert replies_of(client, user, thread.id) == replies_of(fresh.test_client(), user, thread.id)
            kept, built = Api(client).get(f"/threads/{thread.id}", user=user), \
                Api(fresh.test_client()).get(f"/threads/{thread.id}", user=user)
            assert kept.status_code == built.status_code == 200
            assert kept.get_json() == built.get_json()
    mine = replies_of(client, owner, thread.id)
    assert "我的回复还在审核。" in mine, "the author reads their reply waiting for review"
    assert "我的回复还在审核。" not in replies_of(client, resident, thread.id)
    assert "废物" not in replies_of(client, resident, thread.id), "a member reads the placeholder"
    assert "2.2" in replies_of(client, resident, thread.id)
    assert "废物" in replies_of(client, staff, thread.id), "an overseer reads the hidden reply"


def test_readers_whose_scopes_differ_only_by_statuses_the_thread_lacks_share_what_is_kept(
        app, client, workers, owner, resident, staff):
    """A thread with nothing hidden or held: staff and members, the phone page and the API, see the same posts,
    kept once. When a post is hidden, the two kinds of reader part again, and each reads what they should."""
    from community.boards.pagecache import _KEY
    _, fresh = workers
    found = boards.start_thread(owner, "neighbours", "周末跳蚤市场", "周六上午在中心花园。")
    boards.reply(resident, found.id, "我带些旧书。")
    second = boards.reply(staff, found.id, "物业提供桌子。")
    db.session.commit()

    def variants() -> int:  # of the thread's latest revision
        kept = {key[1]: k for key, k in app.extensions[_KEY].items() if key[0] == found.id}
        return len(kept[max(kept)]._variants)

    for user in (resident, staff, owner):
        assert replies_of(client, user, found.id) == replies_of(fresh.test_client(), user, found.id)
        assert Api(client).get(f"/threads/{found.id}", user=user).get_json() == \
            Api(fresh.test_client()).get(f"/threads/{found.id}", user=user).get_json()
    assert variants() == 1
    moderation.act(staff, {"action": "hide", "target": f"post:{second.id}", "clause": "2.2", "reason": "测试"})
    assert "物业提供桌子。" not in replies_of(client, resident, found.id)
    assert "2.2" in replies_of(client, resident, found.id), "a member reads the placeholder"
    assert "物业提供桌子。" in replies_of(client, staff, found.id)
    assert all(p["id"] != second.id for p in Api(client).get(f"/threads/{found.id}", user=resident).get_json()["posts"])
    assert variants() == 3, "members' page, members' API and the overseers' page"


def test_every_write_is_seen_by_every_worker(app, client, workers, thread, owner, resident, staff):
    other = workers[0].test_client()

    def both(user) -> list[str]:
        return [replies_of(c, user, thread.id) for c in (client, other)]

    assert all("几点开始？" in page for page in both(owner))
    first = db.session.scalars(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.id)).all()[1]
    boards.edit(resident, first.id, "几点开始？要停多久？")
    assert all("要停多久" in page for page in both(owner)), "an edit"
    boards.reply(resident, thread.id, "谢谢通知。")
    assert all("谢谢通知。" in page for page in both(owner)), "a reply"
    moderation.act(staff, {"action": "hide", "target": f"post:{first.id}", "clause": "3.1", "reason": "测试"})
    assert all("要停多久" not in page and "3.1" in page for page in both(owner)), "moderation"
    resident.display_name = "五楼小李"
    db.session.commit()
    assert all("五楼小李" in page for page in both(owner)), "a new name"
    assert all("五楼小李" in Api(c).get(f"/threads/{thread.id}", user=owner).get_data(as_text=True)
               for c in (client, other))
    privacy._close(resident, staff, "staff", "测试")
    db.session.commit()
    assert all("五楼小李" not in page for page in both(owner)), "a closed account leaves no name"


def test_what_each_request_reads_of_the_thread_is_never_kept(client, thread, resident):
    """The title, lock and pin come from the thread's row on every request, beside the kept posts and the API's
    kept encoding of them: a change there shows at once, with or without a move of the thread's revision."""
    api = Api(client)
    first = api.get(f"/threads/{thread.id}", user=resident).get_json()
    assert first["can_reply"] and not first["locked"]
    db.session.execute(db.update(Thread).where(Thread.id == thread.id)
                       .values(locked=True, pinned=True, title="电梯维修时间（已定）"))
    db.session.commit()
    again = api.get(f"/threads/{thread.id}", user=resident).get_json()
    assert (again["locked"], again["pinned"], again["title"], again["can_reply"]) == \
        (True, True, "电梯维修时间（已定）", False)
    assert again["posts"] == first["posts"]
    page = sign_in(client, resident).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "电梯维修时间（已定）" in page and "此帖已锁定，不能再回复。" in page


def test_statements_of_a_kept_page(client, thread, owner):
    from tests.statements import recorded
    sign_in(client, owner).get(f"/threads/{thread.id}")
    with recorded(request_path_only=True) as seen:
        assert client.get(f"/threads/{thread.id}").status_code == 200
    assert not any("FROM posts" in sql for sql in seen), "the posts are kept"
    boards.reply(owner, thread.id, "补充一句。")
    with recorded(request_path_only=True) as seen:
        assert "补充一句。" in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert sum("FROM posts" in sql for sql in seen) == 1, "a reply moves the thread on: its posts are read again"


def test_pages_and_json_go_out_compressed_to_a_client_that_asks(client, thread, owner):
    import gzip

    import brotli
    for i in range(30):
        boards.reply(owner, thread.id, f"第 {i} 条：电梯什么时候恢复？" * 3)
    sign_in(client, owner)
    plain = client.get(f"/threads/{thread.id}")
    assert plain.headers.get("Content-Encoding") is None
    for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        packed = client.get(f"/threads/{thread.id}", headers={"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding and "Accept-Encoding" in packed.headers["Vary"]
        assert len(packed.data) < len(plain.data) / 3
        assert decode(packed.data).decode().count("电梯什么时候恢复") == plain.get_data(as_text=True).count(
            "电梯什么时候恢复")
    api = Api(client).get(f"/threads/{thread.id}", user=owner, headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip" and len(gzip.decompress(api.data)) > len(api.data)
