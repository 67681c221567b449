"""Times as a person reads them: in the estate's zone (COMMUNITY_TIMEZONE), "09:17" today and the date before;
no page a member reads shows a raw UTC stamp, while the API keeps UTC ISO."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from community import config
from community.core.timeutil import frozen
from community.core.web import local_full, local_stamp, local_time
from community.desk import notices, tickets
from community.moderation import services as moderation

# 2026-12-02 10:00 in Shanghai.
NOW = datetime(2026, 12, 2, 2, 0)
RAW_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?Z")


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-12-02T01:17:00.000Z", "09:17"),                      # today, an ISO string from a service
    (datetime(2026, 12, 2, 1, 17), "09:17"),                    # today, a naive datetime is UTC
    (datetime(2026, 12, 2, 9, 17, tzinfo=timezone(timedelta(hours=8))), "09:17"),  # aware, any zone
    (datetime(2026, 12, 1, 16, 30), "00:30"),                   # UTC yesterday is already today in Shanghai
    (datetime(2026, 12, 1, 15, 59), "12-01 23:59"),             # yesterday in Shanghai: with the date
    ("2026-03-05T04:00:00Z", "03-05 12:00"),                    # earlier this year
    (datetime(2025, 12, 31, 17, 0, tzinfo=UTC), "01-01 01:00"),  # already 2026 in Shanghai
    (datetime(2025, 12, 31, 15, 0), "2025-12-31 23:00"),        # another year: with the year
    (None, ""), ("", ""),
])
def test_when_filter(app, value, shown):
    with app.app_context(), frozen(NOW):
        assert local_time(value) == shown


def test_full_and_spreadsheet_forms(app):
    with app.app_context():
        assert local_full("2026-12-03T01:28:44.588Z") == "2026-12-03 09:28"
        assert local_stamp(datetime(2026, 12, 3, 1, 28, 44)) == "2026-12-03T09:28:44+08:00"


def test_the_zone_is_a_setting(make_app, monkeypatch):
    monkeypatch.setenv("COMMUNITY_TIMEZONE", "Europe/London")
    app = make_app()
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/London"
    with app.app_context(), frozen(NOW):
        assert local_time(datetime(2026, 12, 2, 1, 17)) == "01:17"
    monkeypatch.setenv("COMMUNITY_TIMEZONE", "Mars/Olympus")
    with pytest.raises(LookupError):  # a typo would shift every time shown: refuse to start
        config.from_environment(Path(app.instance_path))


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    return client


def test_the_muted_message_is_in_local_time(app, api, staff, owner):
    with frozen(NOW):
        moderation.act(staff, {"action": "mute", "target": f"user:{owner.id}", "clause": "2.2", "reason": "刷屏",
                               "hours": 24})
        r = api.post("/boards/neighbours/threads", user=owner, json={"title": "标题", "body": "正文"})
    body = r.get_json()
    assert r.status_code == 403 and body["error"]["code"] == "muted"
    assert "2026-12-03 10:00" in body["error"]["message"] and not RAW_STAMP.search(body["error"]["message"])
    assert body["error"]["until"] == "2026-12-03T02:00:00.000Z", "the API's field keeps UTC ISO"


def test_no_page_a_member_reads_shows_a_utc_stamp(app, client, staff, owner):
    with frozen(NOW - timedelta(days=40)):
        notices.post_notice(staff, {"category": "general", "title": "停水通知", "body": "周五停水。"})
        filed = tickets.file_ticket(owner, "repair", {"category": "plumbing", "unit": "1-1-101",
                                                     "description": "厨房水管漏水。"})
    with frozen(NOW):
        tickets.accept(staff, "repair", filed.id, {"department": "engineering", "worker": "李师傅"})
        moderation.act(staff, {"action": "mute", "target": f"user:{owner.id}", "clause": "2.2", "reason": "刷屏",
                               "hours": 24})
        sign_in(client, owner)
        pages = ["/", "/notifications", "/desk/notices", f"/desk/repairs/{filed.id}", "/desk/repairs", "/standing",
                 "/chat/lobby", "/boards/neighbours"]
        for path in pages:
            r = client.get(path)
            assert r.status_code == 200, path
            text = re.sub(r"<[^>]+>", " ", r.get_data(as_text=True))  # what is read, not attributes
            assert not RAW_STAMP.search(text), (path, RAW_STAMP.search(text).group())
        assert "10:00" in client.get("/notifications").get_data(as_text=True)
