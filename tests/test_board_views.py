"""The board pages over the test client: who gets in, forms that call the services, preview without posting,
rules acceptance, notifications, reports, and a thread page whose query count does not grow with its length."""

import io
import re

import pytest
from PIL import Image

from community.boards import services as boards
from community.boards.models import Attachment, Post, Thread
from community.extensions import db
from community.moderation.models import Report
from community.notifications import services as notifications
from community.rules import services as rules
from tests.statements import recorded
from tests.test_web import csrf_from


def set_policy(**changes) -> None:
    current = rules.current()
    current.policy = {**current.policy, **changes}
    db.session.commit()


@pytest.fixture(autouse=True)
def quiet(app, tmp_path):
    app.config["MEDIA_DIR"] = str(tmp_path / "media")
    set_policy(post_interval_s=0)


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


@pytest.fixture
def thread(owner):
    return boards.start_thread(owner, "neighbours", "楼道堆放杂物", "五楼楼道又堆了纸箱，消防隐患。")


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    out.seek(0)
    return out


PROTECTED = ["/boards", "/boards/neighbours", "/threads/1", "/boards/neighbours/new", "/posts/1/edit",
             "/posts/1/revisions", "/report?target=post:1", "/notifications", "/search?q=电梯"]


def ids(paths) -> list[str]:
    """Test ids name the database file, so no query-string characters."""
    return ["".join(c if c.isascii() and c.isalnum() else "-" for c in p) for p in paths]


@pytest.mark.parametrize("path", PROTECTED, ids=ids(PROTECTED))
def test_pages_need_a_login(client, path):
    r = client.get(path)
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


REFUSED = [("/boards/nope", 404), ("/threads/999", 404), ("/posts/999/edit", 404), ("/boards/nope/new", 404),
           ("/boards/notices/new", 403), ("/report?target=post:999", 404), ("/report?target=user:999", 404),
           ("/report?target=message:999", 404), ("/report?target=sanction:1", 400)]


@pytest.mark.parametrize("path,status", REFUSED, ids=ids(p for p, _ in REFUSED))
def test_missing_and_forbidden(client, owner, thread, path, status):
    assert sign_in(client, owner).get(path).status_code == status


def test_only_the_author_edits_and_only_overseers_see_versions(client, owner, resident, committee_member, thread):
    opening = thread.last_post_id
    assert sign_in(client, resident).get(f"/posts/{opening}/edit").status_code == 403
    assert client.get(f"/posts/{opening}/revisions").status_code == 403
    assert sign_in(client, committee_member).get(f"/posts/{opening}/revisions").status_code == 200
    assert sign_in(client, owner).get(f"/posts/{opening}/edit").status_code == 200


def test_forms_need_csrf(make_app, owner, thread):
    client = sign_in(make_app(WTF_CSRF_ENABLED=True).test_client(), owner)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert client.post(f"/threads/{thread.id}", data={"body": "没有令牌的回复"}).status_code == 400
    r = client.post(f"/threads/{thread.id}", data={"body": "带令牌的回复", "csrf_token": csrf_from(page)})
    assert r.status_code == 302


def test_pages_carry_no_inline_script_or_remote_resources(client, owner, resident, thread):
    boards.reply(resident, thread.id, "收到 <script>alert(1)</script>")
    sign_in(client, owner)
    for path in ("/boards", "/boards/neighbours", f"/threads/{thread.id}", "/boards/neighbours/new",
                 "/notifications", f"/report?target=thread:{thread.id}", "/search?q=纸箱"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+\s*=", html) and " style=" not in html, path
        assert "http://" not in html and "https://" not in html, path


def test_preview_posts_nothing_and_keeps_the_images(client, owner):
    sign_in(client, owner)
    r = client.post("/boards/neighbours/new", data={"title": "二手童车", "body": "**九成新**，周末可看。",
                                                   "images": (png(), "car.png"), "preview": "1"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<strong>九成新</strong>" in html
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0
    uploaded = re.search(r'name="uploaded" type="hidden" value="([^"]+)"', html).group(1)
    key = uploaded.split(":")[1]
    assert f'src="/media/{key}"' in html
    r = client.post("/boards/neighbours/new", data={"title": "二手童车", "body": "**九成新**，周末可看。",
                                                   "uploaded": uploaded, "publish": "1"})
    assert r.status_code == 302
    new = db.session.get(Thread, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert db.session.scalar(db.select(Attachment.post_id).where(Attachment.key == key)) == new.last_post_id
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 1, "uploaded once, not again on publish"


def test_refusals_show_on_the_form(client, owner, thread):
    sign_in(client, owner)
    r = client.post(f"/threads/{thread.id}", data={"body": "推荐一个赌博网站"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'href="/rules#clause-2.1"' in html
    r = client.post("/boards/neighbours/new", data={"title": "x" * 121, "body": "正文内容"})
    assert 'class="field has-error"' in r.get_data(as_text=True)
    r = client.post("/boards/neighbours/new", data={"title": "坏图", "body": "正文内容",
                                                   "images": (io.BytesIO(b"not an image"), "x.png")})
    assert re.search(r'has-error">\s*<label for="images"', r.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1


def test_reply_to_a_post_and_quote_it(client, owner, resident, thread):
    first = boards.reply(resident, thread.id, "我家门口也有。")
    sign_in(client, owner)
    page = client.get(f"/threads/{thread.id}?parent={first.id}&quote=1").get_data(as_text=True)
    assert f'name="parent_id" value="{first.id}" checked' in page
    assert "&gt; **租客小赵**:" in page and "&gt; 我家门口也有。" in page
    page = client.get(f"/threads/{thread.id}?quote={first.id}").get_data(as_text=True)  # what the link says
    assert f'name="parent_id" value="{first.id}" checked' in page and "&gt; 我家门口也有。" in page
    assert f'href="?quote={first.id}#reply"' in page
    r = client.post(f"/threads/{thread.id}", data={"body": "我去和物业说。", "parent_id": str(first.id)})
    new_id = int(r.headers["Location"].rsplit("-", 1)[1])
    assert db.session.get(Post, new_id).parent_id == first.id
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'<li class="post reply depth-1" id="post-{new_id}"' in page
    assert f'<blockquote class="answers"><a href="#post-{first.id}">租客小赵</a>: 我家门口也有。</blockquote>' in page


def test_locked_thread_shows_a_notice_and_no_form(client, resident, staff, thread):
    db.session.get(Thread, thread.id).locked = True
    db.session.commit()
    page = sign_in(client, resident).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert 'class="notice"' in page and 'name="body"' not in page and "act-reply" not in page
    assert 'name="body"' in sign_in(client, staff).get(f"/threads/{thread.id}").get_data(as_text=True)


def test_held_reply_badge_for_author_and_overseers_only(client, owner, resident, staff, thread):
    boards.reply(resident, thread.id, "有需要加微信聊")
    for user, seen in ((resident, True), (staff, True), (owner, False)):
        page = sign_in(client, user).get(f"/threads/{thread.id}").get_data(as_text=True)
        assert ("badge-pending" in page) is seen and ("加微信" in page) is seen


def test_new_rules_send_writers_to_the_rules_first(client, owner, admin, thread):
    current = rules.current()
    draft = rules.draft(admin, {"text": "第 2 版", "policy": current.policy,
                                "clauses": current.clauses + [{"id": "6.1", "text": "宠物须拴绳。"}]})
    rules.adopt(admin, draft.version)
    sign_in(client, owner)
    r = client.get("/boards/neighbours/new")
    assert r.status_code == 302 and r.headers["Location"].startswith("/rules?next=")
    assert client.post(f"/threads/{thread.id}", data={"body": "规则变了还能回复吗"}).headers["Location"] \
        .startswith("/rules?next=")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="changes"' in page and 'href="#clause-6.1"' in page
    action = re.search(r'action="(/rules/accept[^"]*)"', page).group(1).replace("&amp;", "&")
    r = client.post(action)
    assert r.headers["Location"].startswith("/boards/neighbours/new")
    assert client.get("/boards/neighbours/new").status_code == 200


def test_notifications_page_marks_them_read(client, owner, resident, thread):
    boards.reply(resident, thread.id, "@一栋老王 我去搬走。")  # a reply that also mentions: one notification
    boards.reply(resident, thread.id, "还有一件事。")
    sign_in(client, owner)
    assert '<span class="nav-count">2' in client.get("/boards").get_data(as_text=True)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('class="notification unread"') == 2 and "nav-count" not in page
    assert notifications.unread_count(owner) == 0
    boards.reply(resident, thread.id, "已经搬走了。")
    r = client.post("/notifications/read")
    assert r.status_code == 302 and notifications.unread_count(owner) == 0


def test_report_a_post_once(client, owner, resident, thread):
    first = boards.reply(resident, thread.id, "别多管闲事。")
    sign_in(client, owner)
    page = client.get(f"/report?target=post:{first.id}").get_data(as_text=True)
    assert 'value="abuse"' in page and "别多管闲事。" in page
    r = client.post(f"/report?target=post:{first.id}", data={"reason": "abuse", "note": "语气不友善"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#post-{first.id}")
    assert db.session.scalar(db.select(Report.clause).where(Report.target == f"post:{first.id}")) == "2.2"
    r = client.post(f"/report?target=post:{first.id}", data={"reason": "abuse"})
    assert r.status_code == 200 and 'role="alert"' in r.get_data(as_text=True)


def test_thread_page_queries_do_not_grow_with_replies(client, owner, resident, thread):
    path, statements = f"/threads/{thread.id}", []

    def queries_for_page() -> int:
        # the read marker is written after the response, off the request path
        with recorded(request_path_only=True) as seen:
            assert client.get(path).status_code == 200
        statements[:] = seen
        return len(seen)

    sign_in(client, owner)
    parent = None
    for i in range(3):
        parent = boards.reply(resident if i % 2 else owner, thread.id, f"第 {i} 条回复", parent and parent.id)
    queries_for_page()  # the first visit also records how far the reader has read
    few = queries_for_page()
    for i in range(40):
        parent = boards.reply(resident if i % 2 else owner, thread.id, f"更多回复 {i}", parent.id)
    assert queries_for_page() == few + 1, "the replies moved the kept page on: read again, with its posts"
    more = queries_for_page()
    assert more == few, "\n".join(statements)
