"""Search over the API: Chinese terms of any length, ANDed terms, ranking, snippets, edits, who finds what."""

import pytest

from community.boards import search
from tests.conftest import error_of
from tests.fixtures.people import set_policy


@pytest.fixture(autouse=True)
def no_post_interval(app):
    """Tests post several times in a row: lift the interval."""
    set_policy(post_interval_s=0)


def start(api, user, title, body, slug="neighbours") -> int:
    r = api.post(f"/boards/{slug}/threads", user=user, json={"title": title, "body": body})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def reply(api, user, thread_id, body) -> int:
    r = api.post(f"/threads/{thread_id}/posts", user=user, json={"body": body})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def find(api, user, q, **params) -> list[dict]:
    r = api.get("/search", user=user, query_string={"q": q, **params})
    assert r.status_code == 200, (q, r.get_json())
    return r.get_json()["items"]


def found(api, user, q) -> set[tuple[str, int]]:
    return {(item["type"], item["id"]) for item in find(api, user, q)}


@pytest.fixture
def estate_talk(api, owner, resident, staff):
    """A few threads and replies in everyday estate Chinese."""
    water = start(api, staff, "小区周五停水通知", "因管网检修，3号楼周五上午九点到十二点停水，请提前储水。",
                  slug="fire-safety")
    lift = start(api, owner, "3号楼电梯又坏了", "3号楼2单元的电梯已经报修两次，希望物业尽快处理。")
    lift_reply = reply(api, resident, lift, "5号楼的电梯上周也坏过，维修师傅来得很慢。")
    fire = start(api, owner, "消防通道被占用", "地下车库B区的消防通道堆满了杂物，存在安全隐患。")
    wifi = reply(api, resident, fire, "另外问一下，会所的WiFi密码是多少？")
    both = reply(api, owner, water, "停水，电梯也要停运吗？")
    return {"water": ("thread", water), "lift": ("thread", lift), "lift_reply": ("post", lift_reply),
            "fire": ("thread", fire), "wifi": ("post", wifi), "both": ("post", both)}


def test_chinese_terms_of_any_length(api, resident, estate_talk):
    t = estate_talk
    cases = {
        "停": {t["water"], t["both"]},
        "坏": {t["lift"], t["lift_reply"]},
        "停水": {t["water"], t["both"]},
        "电梯": {t["lift"], t["lift_reply"], t["both"]},
        "储水": {t["water"]},
        "车库": {t["fire"]},
        "水电": set(),  # "停水，电梯": not across punctuation
        "维修师": {t["lift_reply"]},
        "消防通道": {t["fire"]},
        "管网检修": {t["water"]},
        "上周也坏过": {t["lift_reply"]},
        "水管": set(),
        "火": set(),
    }
    for q, expected in cases.items():
        assert found(api, resident, q) == expected, q


def test_mixed_chinese_and_latin_case_insensitive(api, resident, estate_talk):
    wifi, fire = estate_talk["wifi"], estate_talk["fire"]
    for q in ("WiFi密码", "wifi密码", "WIFI", "wifi", "Fi密", "fi", "i", "WiFi 密码", "码 wifi"):
        assert found(api, resident, q) == {wifi}, q
    for q in ("B区", "b区", "b"):
        assert found(api, resident, q) == {fire}, q
    assert found(api, resident, "wifi 车库") == set()  # terms are ANDed within one item


def test_terms_are_anded(api, resident, estate_talk):
    t = estate_talk
    assert found(api, resident, "3号楼 电梯") == {t["lift"]}
    assert found(api, resident, "电梯 3号楼") == {t["lift"]}
    assert found(api, resident, "5号楼 电梯") == {t["lift_reply"]}
    assert found(api, resident, "电梯 坏 维修") == {t["lift_reply"]}
    assert found(api, resident, "停水 3号楼") == {t["water"]}  # one term in the title, the other in the body
    assert found(api, resident, "停水 消防") == set()
    assert found(api, resident, "电梯  电梯 电") == found(api, resident, "电梯")


def test_title_hits_rank_first_then_newest(api, owner, resident):
    titled = start(api, owner, "电动车充电桩安装", "想了解一下小区的安排。")
    older = start(api, owner, "地库照明问题", "地库的灯坏了，电动车进出看不清。")
    newer = reply(api, resident, older, "楼下也停满了电动车。")
    items = find(api, resident, "电动车")
    assert [(i["type"], i["id"]) for i in items] == [("thread", titled), ("post", newer), ("thread", older)]
    assert items[0]["title"] == "电动车充电桩安装" and items[0]["thread_id"] == titled
    assert items[1]["thread_id"] == older and items[1]["title"] == "地库照明问题"


def test_paging(api, owner):
    ids = [start(api, owner, f"快递柜第{i}次爆满", f"今天是第{i}次看到快递柜满了。") for i in range(5)]
    first = api.get("/search", user=owner, query_string={"q": "快递柜", "limit": 2}).get_json()
    assert [i["id"] for i in first["items"]] == [ids[4], ids[3]] and first["next"]
    second = api.get("/search", user=owner, query_string={"q": "快递柜", "limit": 2, "after": first["next"]})
    assert [i["id"] for i in second.get_json()["items"]] == [ids[2], ids[1]]
    third = api.get("/search", user=owner,
                    query_string={"q": "快递柜", "limit": 2, "after": second.get_json()["next"]}).get_json()
    assert [i["id"] for i in third["items"]] == [ids[0]] and third["next"] is None


def test_snippet_marks_hits_and_escapes_the_rest(api, owner, resident):
    long_body = "各位邻居好。" * 12 + "本周五3号楼停水，请提前储水。" + "谢谢配合。" * 12
    start(api, owner, "一则通知", long_body)
    snippet = find(api, resident, "停水")[0]["snippet"]
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "3号楼<mark>停水</mark>，请提前储水" in snippet
    assert 70 <= len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 90

    start(api, owner, "脚本测试", '会所的WiFi坏了 <script>alert("wifi")</script> & <b>修</b>')
    snippet = find(api, resident, "wifi")[0]["snippet"]
    assert "<script" not in snippet and "<b>" not in snippet
    assert snippet == ('会所的<mark>WiFi</mark>坏了 &lt;script&gt;alert(&quot;<mark>wifi</mark>&quot;)'
                       '&lt;/script&gt; &amp; &lt;b&gt;修&lt;/b&gt;')
    assert find(api, resident, "script")[0]["snippet"].count("<mark>script</mark>") == 2


def test_title_only_hit_shows_the_start_of_the_text(api, owner, resident):
    thread_id = start(api, owner, "业委会选举", "下月召开业主大会，欢迎大家报名参加。")
    item = find(api, resident, "选举")[0]
    assert (item["type"], item["id"]) == ("thread", thread_id)
    assert item["snippet"] == "下月召开业主大会，欢迎大家报名参加。"


def test_edits_are_found_and_old_text_is_not(api, owner, resident):
    thread_id = start(api, owner, "车位出租", "地下车位一个，月租三百。")
    post_id = reply(api, owner, thread_id, "补充：车位靠近电梯口。")
    opening = api.get(f"/threads/{thread_id}", user=owner).get_json()["opening_post_id"]
    assert api.patch(f"/posts/{post_id}", user=owner, json={"body": "补充：已租出，谢谢关注。"}).status_code == 200
    assert api.patch(f"/posts/{opening}", user=owner, json={"body": "地面车位一个，月租二百。"}).status_code == 200
    assert found(api, resident, "电梯口") == set() and found(api, resident, "电梯") == set()
    assert found(api, resident, "已租出") == {("post", post_id)} and found(api, resident, "租出") == {("post", post_id)}
    assert found(api, resident, "地下") == set() and found(api, resident, "月租三百") == set()
    assert found(api, resident, "地面") == {("thread", thread_id)}
    assert found(api, resident, "月租二百") == {("thread", thread_id)}
    assert found(api, resident, "出租") == {("thread", thread_id)}  # the title is unchanged


def test_any_write_path_keeps_the_index(api, owner, resident):
    """The index follows the tables by triggers, so a title changed outside the services is found too."""
    from community.boards.models import Thread
    from community.extensions import db
    thread_id = start(api, owner, "旧标题停车", "地下车位一个，月租三百。")
    db.session.get(Thread, thread_id).title = "新标题充电桩"
    db.session.commit()
    assert found(api, resident, "停车") == set() and found(api, resident, "旧标题") == set()
    for q in ("充电", "充电桩", "新标题充电桩", "充电桩 月租", "桩 地下车位"):
        assert found(api, resident, q) == {("thread", thread_id)}, q
    assert find(api, resident, "充电桩")[0]["title"] == "新标题充电桩"


def hide(api, reporters, target):
    set_policy(auto_hide_reports=1)
    r = api.post("/reports", user=reporters, json={"target": target, "clause": "2.1"})
    assert r.status_code == 201, r.get_json()


# Who finds each kind of content, by role; "author" is the person who wrote the content itself.
VISIBILITY = {
    "held thread": {"author": True, "other": False, "staff": True, "committee": True},
    "hidden thread": {"author": False, "other": False, "staff": True, "committee": True},
    "held post": {"author": True, "other": False, "staff": True, "committee": True},
    "hidden post": {"author": False, "other": False, "staff": True, "committee": True},
    # A visible reply by "author" in a thread written by "other", then held or hidden.
    "post in held thread": {"author": False, "other": True, "staff": True, "committee": True},
    "post in hidden thread": {"author": False, "other": False, "staff": True, "committee": True},
}


@pytest.mark.parametrize("case", list(VISIBILITY))
def test_nobody_finds_what_they_may_not_see(api, owner, resident, vendor, staff, committee_member, case):
    people = {"author": resident, "other": owner, "staff": staff, "committee": committee_member}
    if case == "held thread":
        target = ("thread", start(api, resident, "低息贷款咨询", "有没有邻居了解装修分期的办法？"))
    elif case == "hidden thread":
        target = ("thread", start(api, resident, "装修分期咨询", "有没有邻居了解装修分期的办法？"))
        hide(api, owner, f"thread:{target[1]}")
    elif case in ("held post", "hidden post"):
        thread_id = start(api, owner, "邻里闲聊", "随便聊聊小区的事情。")
        body = "装修分期可以加微信问我" if case == "held post" else "装修分期可以问我"
        target = ("post", reply(api, resident, thread_id, body))
        if case == "hidden post":
            hide(api, owner, f"post:{target[1]}")
    else:
        thread_id = start(api, owner, "邻里闲聊", "随便聊聊小区的事情。")
        target = ("post", reply(api, resident, thread_id, "装修分期可以问我"))
        if case == "post in held thread":
            opening = api.get(f"/threads/{thread_id}", user=owner).get_json()["opening_post_id"]
            r = api.patch(f"/posts/{opening}", user=owner, json={"body": "随便聊聊，低息贷款也行。"})
            assert r.get_json()["status"] == "held"
        else:
            hide(api, vendor, f"thread:{thread_id}")
    for role, expected in {**VISIBILITY[case], "vendor": False}.items():
        user = people.get(role, vendor)
        for q in ("装修分期", "分期"):
            assert (target in found(api, user, q)) is expected, (case, role, q)


@pytest.mark.parametrize("q", ["%", "_", '"', "*", "'", "(", ")", "()", "NEAR", "AND", "OR", "NOT", "near(", '"*"',
                               "\\", "^", "-", ":", "title:", "{title}", "a_b", "100%", "it's", '"quoted"',
                               "NEAR(停水 电梯)", "停水 OR", "停水 AND 电梯", "(停水)", "*停*", "%停水%", "_停水_",
                               "停'水", "body:停水", "+", "\u3000停水", "停水\u3000电梯"])
def test_query_syntax_is_never_interpreted(api, owner, resident, q):
    text_id = start(api, owner, "符号测试", "NEAR AND OR NOT near( (paren) 100% a_b it's \"quoted\" *star* "
                                         "\\ ^ - : title: {title} +")
    plain_id = start(api, owner, "停水通知", "明天停水，电梯照常运行。")
    sources = {text_id: "符号测试 NEAR AND OR NOT near( (paren) 100% a_b it's \"quoted\" *star* \\ ^ - : title: "
                        "{title} +", plain_id: "停水通知 明天停水，电梯照常运行。"}
    expected = {("thread", tid) for tid, source in sources.items()
                if all(term.lower() in source.lower() for term in q.split())}
    assert found(api, resident, q) == expected


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "停" * 101}])
def test_bad_query_is_400(api, resident, params):
    r = api.get("/search", user=resident, query_string=params)
    assert r.status_code == 400 and error_of(r)["field"] == "q"


def test_longest_query_is_accepted_and_limits_are_checked(api, resident):
    assert api.get("/search", user=resident, query_string={"q": "停" * 100}).status_code == 200
    r = api.get("/search", user=resident, query_string={"q": "停水", "limit": 0})
    assert r.status_code == 400 and error_of(r)["field"] == "limit"
    r = api.get("/search", user=resident, query_string={"q": "停水", "after": "x"})
    assert r.status_code == 400 and error_of(r)["field"] == "after"


def test_search_needs_login(api, owner):
    r = api.get("/search", query_string={"q": "停水"})
    assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated"


def test_terms_drop_repeats_and_terms_inside_others():
    assert search.terms("电梯 电 电梯 WiFi wifi密码 3号楼") == ["电梯", "wifi密码", "3号楼"]
    assert search.spaced("停水，电梯\n 3号楼") == "停 水 ， 电 梯 __ 3 号 楼"


# ---- snippets from the rendered text, with board, author and date ---------------------------------

def test_snippet_is_cut_from_the_rendered_text_never_the_markdown(api, owner, resident):
    start(api, owner, "取件提醒", "**快递柜**满了，请大家*尽快*取件。\n\n- 一楼大厅\n- [物业电话](https://example.org)\n\n"
                              "> 引用 `代码`")
    item = find(api, resident, "快递柜")[0]
    assert item["snippet"] == "<mark>快递柜</mark>满了，请大家尽快取件。 一楼大厅 物业电话 引用 代码"
    for markup in ("**", "*", "- ", "[", "](", ">", "`"):
        assert markup not in item["snippet"].replace("<mark>", "").replace("</mark>", ""), markup


def test_items_carry_board_author_and_date(api, owner, resident):
    thread_id = start(api, owner, "丢失钥匙", "在3号楼门口捡到一串钥匙。", slug="neighbours")
    post_id = reply(api, resident, thread_id, "是我的钥匙，谢谢！")
    items = {(i["type"], i["id"]): i for i in find(api, resident, "钥匙")}
    opening, answer = items["thread", thread_id], items["post", post_id]
    assert opening["board"]["slug"] == answer["board"]["slug"] == "neighbours" and opening["board"]["name"]
    assert opening["author"]["id"] == owner.id and opening["author"]["display_name"] == owner.display_name
    assert answer["author"]["id"] == resident.id
    assert opening["created_at"].endswith("Z") and answer["created_at"] >= opening["created_at"]


def test_results_page_shows_rendered_escaped_snippet_with_board_author_local_date(client, owner, resident):
    from community.boards import services as boards
    from community.boards.models import Board, Post
    from community.extensions import db

    thread = boards.start_thread(owner, "neighbours", "取件提醒", "**快递柜**坏了 <b>别用</b> & 等修")
    opening = db.session.scalar(db.select(Post).where(Post.thread_id == thread.id))
    board_name = db.session.scalar(db.select(Board.name).where(Board.slug == "neighbours"))
    owner_name = owner.display_name
    from datetime import datetime
    opening.created_at = datetime(2025, 3, 1, 23, 30)  # 07:30 on 2 March in Shanghai, a year shown in full
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = resident.get_id()
    page = client.get("/search", query_string={"q": "快递柜"}).get_data(as_text=True)
    result = page[page.index('<li class="result"'):page.index("</li>", page.index('<li class="result"'))]
    assert "<mark>快递柜</mark>坏了 &lt;b&gt;别用&lt;/b&gt; &amp; 等修" in result
    assert "**" not in result and "<b>别用" not in result
    assert board_name in result and owner_name in result
    assert "2025-03-02 07:30" in result
