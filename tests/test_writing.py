"""Writing: the preview endpoint of the editor (the same renderer and sanitiser as posting, CSRF on the web
session, a rate limit), forms that never say "Markdown", the toolbar's one attribute, and the rules in English."""

import html
import json
import re

import pytest

from community.boards import services as boards
from community.core.errors import Denied
from community.extensions import db
from community.rules import services as rules
from tests.conftest import error_of
from tests.fixtures.people import set_policy
from tests.test_board_views import sign_in
from tests.test_web import csrf_from, login
from tests.xss_corpus import PAYLOADS


@pytest.fixture(autouse=True)
def quiet(app):
    set_policy(post_interval_s=0)


def test_preview_is_what_publishing_stores(api, owner, resident):
    body = "**今晚** 停水\n\n- 一号楼\n- 二号楼\n\n> 物业通知\n\n@租客小赵 请转告"
    r = api.post("/preview", user=owner, json={"body": body})
    assert r.status_code == 200
    thread = boards.start_thread(owner, "neighbours", "停水", body)
    stored = db.session.scalar(db.select(boards.Post.body_html).where(boards.Post.thread_id == thread.id))
    assert r.get_json()["body_html"] == stored
    assert f'<a class="mention" href="/users/{resident.id}" rel="nofollow ugc noopener">@租客小赵</a>' in stored
    notice = api.post("/preview", user=owner, json={"body": "@租客小赵 你好", "kind": "notice"}).get_json()
    assert "mention" not in notice["body_html"]


@pytest.mark.parametrize("payload", PAYLOADS[:12])
def test_preview_is_sanitised(api, owner, payload):
    html = api.post("/preview", user=owner, json={"body": payload}).get_json()["body_html"]
    assert "<script" not in html.lower() and "onerror" not in html.lower() and "javascript:" not in html.lower()


@pytest.mark.parametrize("body,field", [({"body": 5}, "body"), ({}, "body"), ({"body": "x" * 200_001}, "body"),
                                        ({"body": "x", "kind": "vote"}, "kind")])
def test_preview_refuses_what_it_cannot_render(api, owner, body, field):
    r = api.post("/preview", user=owner, json=body)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_preview_needs_a_login_and_a_member(api, pending):
    assert api.post("/preview", json={"body": "x"}).status_code == 401
    with pytest.raises(Denied):
        boards.preview(pending, "x")


@pytest.fixture
def csrf_client(make_app, roster, staff):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def test_preview_on_the_web_session_needs_the_csrf_token(csrf_client, owner):
    login(csrf_client, owner.phone)
    page = csrf_client.get("/boards/neighbours/new").get_data(as_text=True)
    assert csrf_client.post("/api/v1/preview", json={"body": "**x**"}).status_code == 400
    r = csrf_client.post("/api/v1/preview", json={"body": "**x**"}, headers={"X-CSRFToken": csrf_from(page)})
    assert r.status_code == 200 and r.get_json()["body_html"] == "<p><strong>x</strong></p>\n"


def test_preview_is_rate_limited(make_app, owner):
    from tests.conftest import Api
    limited = make_app(PREVIEW_LIMIT="3 per minute")
    api = Api(limited.test_client())
    codes = [api.post("/preview", user=owner, json={"body": "x"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = api.post("/preview", user=owner, json={"body": "x"})
    assert error_of(r)["code"] == "rate_limited" and int(r.headers["Retry-After"]) > 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_form_says_markdown_and_bodies_carry_the_editor(client, owner, staff, lang):
    thread = boards.start_thread(owner, "neighbours", "电梯", "三号楼电梯停了")
    opening = db.session.scalar(db.select(boards.Post.id).where(boards.Post.thread_id == thread.id))
    pages = {owner: ["/boards/neighbours/new", f"/threads/{thread.id}", f"/posts/{opening}/edit"],
             staff: ["/desk/notices/new"]}
    for person, paths in pages.items():
        sign_in(client, person)
        for path in paths:
            page = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").get_data(as_text=True)
            assert "markdown" not in page.lower(), path
            assert re.search(r"<textarea[^>]*data-editor=", page), path
            assert 'src="/static/js/editor.js"' in page and 'data-preview-url="/api/v1/preview"' in page


def test_the_editor_labels_are_translated(client, owner):
    sign_in(client, owner)
    zh = client.get("/boards/neighbours/new").get_data(as_text=True)
    en = client.get("/boards/neighbours/new?lang=en").get_data(as_text=True)
    def labels(page):
        return json.loads(html.unescape(re.search(r'data-labels="([^"]+)"', page).group(1)))
    assert labels(zh)["bold"] == "加粗" and labels(en)["bold"] == "Bold" and labels(en)["photo"] == "Photo"


# ---- the rules in English ---------------------------------------------------------------------------

def test_version_one_carries_english_shown_to_english_readers(client, api, owner):
    body = api.get("/rules").get_json()
    assert body["text_en"].startswith("Linli community interaction rules")
    sign_in(client, owner)
    en = client.get("/rules?lang=en").get_data(as_text=True)
    assert "Do not insult, attack, discriminate against or threaten anyone." in en
    assert 'id="clause-2.2"' in en and "不得辱骂" not in en
    zh = client.get("/rules?lang=zh").get_data(as_text=True)
    assert "不得辱骂" in zh and "Do not insult" not in zh


def _draft(api, admin, **extra):
    current = api.get("/rules").get_json()
    clauses = [c for c in current["clauses"] if c["id"] != "6.1"] + [
        {"id": "6.1", "text": "不得在楼道堆放杂物。", "reason": "other"}]
    body = {"text": "邻里社区交互规则（第 2 版）", "clauses": clauses, "policy": current["policy"]} | extra
    r = api.post("/rules", user=admin, json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["version"]


def test_a_drafted_version_may_carry_english_or_not(client, api, admin, owner):
    version = _draft(api, admin, text_en="Rules v2\n2.2 Be kind to neighbours.\n6.1 Keep corridors clear.")
    assert api.get(f"/rules/{version}", user=admin).get_json()["text_en"].endswith("Keep corridors clear.")
    assert api.post(f"/rules/{version}/adopt", user=admin).status_code == 200
    en = sign_in(client, owner).get("/rules?lang=en").get_data(as_text=True)
    assert "Keep corridors clear." in en and "Be kind to neighbours." in en
    assert "不得散布谣言" in en  # a clause without English keeps its Chinese
    assert rules.current().clauses[-1] == {"id": "6.1", "text": "不得在楼道堆放杂物。", "reason": "other"}
    plain = _draft(api, admin)
    api.post(f"/rules/{plain}/adopt", user=admin)
    en = client.get("/rules?lang=en").get_data(as_text=True)
    assert "不得辱骂" in en and 'id="rules-translation"' not in en


def test_english_text_without_numbered_lines_is_shown_whole(client, api, admin, owner):
    version = _draft(api, admin, text_en="Be a good neighbour.")
    api.post(f"/rules/{version}/adopt", user=admin)
    en = sign_in(client, owner).get("/rules?lang=en").get_data(as_text=True)
    assert '<div class="rules-english" lang="en">Be a good neighbour.</div>' in en


@pytest.mark.parametrize("extra,field", [({"text_en": 5}, "text_en")])
def test_draft_refuses_bad_english(api, admin, extra, field):
    current = api.get("/rules").get_json()
    r = api.post("/rules", user=admin, json={"text": "x", "clauses": current["clauses"],
                                             "policy": current["policy"]} | extra)
    assert r.status_code == 400 and error_of(r)["field"] == field


def test_draft_refuses_an_unknown_clause_reason(api, admin):
    current = api.get("/rules").get_json()
    clauses = [{"id": "1.1", "text": "不得吵闹。", "reason": "noise"}]
    r = api.post("/rules", user=admin, json={"text": "x", "clauses": clauses, "policy": current["policy"] | {
        "words": []}})
    assert r.status_code == 400 and error_of(r)["field"] == "clauses[0].reason"
