"""The maintenance fund in Chromium at 360 px: staff import opening balances, draft a lift repair for building 3,
its owners see their shares and vote, the committee reviews, approves and files, staff settle, and an owner opens
their ledger and the yearly statement PDF. No page scrolls sideways.

The estate here is building 3 alone: today's votes take the whole roster as their electorate, and an application
is approved only by a vote whose electorate is exactly the units that bear the cost."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from community.accounts import services as accounts
from community.core.timeutil import iso, utcnow
from community.estate import services as estate
from community.votes import services as votes
from tests.browser.test_foundation_pages import assert_fits, login, path_of
from tests.fixtures.people import id_number, registration

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 740}
BUILDING_3 = [{"code": "3-1-101", "building": "3", "area": "89.50", "owners": [{"name": "陈刚", "id_number": id_number(31)}]},
              {"code": "3-1-102", "building": "3", "area": "120.35", "owners": [{"name": "黄丽", "id_number": id_number(32)}]},
              {"code": "3-1-201", "building": "3", "area": "75.00", "owners": [{"name": "郑强", "id_number": id_number(33)}]}]


@pytest.fixture
def estate3(app, staff, admin):
    estate.import_units(None, BUILDING_3, via="cli")
    people = []
    for n, unit in enumerate(BUILDING_3, 31):
        user = accounts.register(registration(real_name=unit["owners"][0]["name"], id_number=id_number(n),
                                              unit=unit["code"], relation="owner", display_name=f"三栋{n}"))
        accounts.approve(staff, user.id)
        people.append(user)
    people[2] = accounts.set_committee(admin, people[2].id, True)
    return {"staff": staff, "a": people[0], "b": people[1], "committee": people[2]}


def shoot(page, name, tmp_path):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_lift_repair_from_import_to_statement(phones, estate3, tmp_path):
    csv_file = tmp_path / "bank.csv"
    csv_file.write_text("unit,amount\n3-1-101,4475.00\n3-1-102,6017.50\n3-1-201,3750.00\n", encoding="utf-8")

    staff = phones.open(**NARROW)
    login(staff, estate3["staff"].phone, then="/fund/")
    with staff.expect_navigation():
        staff.locator("#fund-import").click()
    staff.locator("#file").set_input_files(str(csv_file))
    staff.locator("#confirm").check()
    with staff.expect_navigation():
        staff.locator("form button[type=submit]").click()
    assert path_of(staff) == "/fund/"
    expect(staff.locator(".flash")).to_contain_text("14242.50")
    expect(staff.locator("#building-totals tr[data-building='3']")).to_contain_text("14242.50")
    assert_fits(staff, 360)

    staff.goto("/fund/applications/new")
    staff.locator("#title").fill("3号楼电梯维修")
    staff.locator("#facility").fill("3号楼1单元电梯")
    staff.locator("#project").fill("更换曳引机钢丝绳和制动器")
    staff.locator("#quotes").fill("甲公司 6,000.00 元；乙公司 6,400.00 元")
    staff.locator("#budget").fill("6000.00")
    staff.locator("#building").fill("3")
    with staff.expect_navigation():
        staff.locator("form button[type=submit]").click()
    expect(staff.locator("#shares tbody tr")).to_have_count(3)
    expect(staff.locator("#shares")).to_contain_text("2535.02")  # 6000 × 120.35 / 284.85, by the written rule
    assert_fits(staff, 360)
    application_path = path_of(staff)
    with staff.expect_navigation():
        staff.locator("form[data-step=publish] button").click()
    expect(staff.locator("#application-status")).to_have_attribute("data-status", "published")
    expect(staff.locator("#hearing-thread")).to_be_visible()
    shoot(staff, "application-published", tmp_path)

    owner = phones.open(**NARROW)
    login(owner, estate3["a"].phone, then=application_path)
    expect(owner.locator("#my-shares")).to_contain_text("3-1-101")
    expect(owner.locator("#my-shares")).to_contain_text("1885.20")
    expect(owner.locator("#next-steps")).to_have_count(0)
    assert_fits(owner, 360)
    shoot(owner, "owner-share", tmp_path)

    committee = phones.open(**NARROW)
    login(committee, estate3["committee"].phone, then=application_path)
    committee.locator("#review-note").fill("方案、报价与分摊核对无误")
    with committee.expect_navigation():
        committee.locator("form[data-step=review] button").click()
    expect(committee.locator("#application-status")).to_have_attribute("data-status", "reviewed")

    # The vote, made the way the committee makes any vote today: matter 5, over the whole (one-building) roster.
    member = estate3["committee"]
    votes.update_procedure(member, {"notice_days": 0})
    vote = votes.create(member, {"title": "使用维修资金维修3号楼电梯", "body": "表决使用方案", "matter": 5,
                                 "closes_at": iso(utcnow() + timedelta(days=7))})
    vote_id = votes.open_vote(member, vote.id).id
    for who in (owner, phones.open(**NARROW)):
        if who is not owner:
            login(who, estate3["b"].phone)
        who.goto(f"/votes/{vote_id}")
        who.locator("label.choice", has_text="同意").click()
        with who.expect_navigation():
            who.locator("form.ballot button[type=submit]").click()
            who.locator("#confirm-sheet [data-sheet-ok]").click()  # the sheet repeats the choice first
        expect(who.locator("#receipt")).to_be_visible()
    votes.cast(member, vote_id, "yes", None)
    votes.close(member, vote_id, "全体业主均已投票")

    committee.goto(application_path)
    committee.locator("#approve-vote_id").fill(str(vote_id))
    committee.locator("#approve-confirm").check()
    with committee.expect_navigation():
        committee.locator("form[data-step=approve] button").click()
    expect(committee.locator("#application-status")).to_have_attribute("data-status", "approved")
    committee.locator("#file-reference").fill("区住建委维备2026-118")
    committee.locator("#file-date").fill(utcnow().date().isoformat())
    with committee.expect_navigation():
        committee.locator("form[data-step=file] button").click()
    expect(committee.locator("#application-status")).to_have_attribute("data-status", "filed")
    expect(committee.locator("form[data-step=settle]")).to_have_count(0)  # the committee moves no money
    committee.locator("#accept-note").fill("试运行正常，验收合格")
    with committee.expect_navigation():
        committee.locator("form[data-step=accept] button").click()
    expect(committee.locator("#application-status")).to_have_attribute("data-status", "accepted")
    assert_fits(committee, 360)

    staff.goto(application_path)
    staff.locator("#settle-amount").fill("5800.00")
    staff.locator("#settle-invoices").fill("增值税发票 No.0012345")
    staff.locator("#settle-confirm").check()
    with staff.expect_navigation():
        staff.locator("form[data-step=settle] button").click()
    expect(staff.locator("#application-status")).to_have_attribute("data-status", "settled")

    owner.goto("/fund/")
    with owner.expect_navigation():
        owner.locator("#my-units a[data-unit='3-1-101']").click()
    expect(owner.locator("#unit-balance")).to_contain_text("2652.64")  # 4475.00 − 1822.36
    expect(owner.locator("#ledger-lines li[data-kind=charge]")).to_contain_text("-1822.36")
    assert_fits(owner, 360)
    shoot(owner, "owner-ledger", tmp_path)
    href = owner.locator("#statement-pdf").get_attribute("href")
    pdf = owner.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"
    assert owner.request.get("/fund/units/3-1-102").status == 404


def test_every_fund_page_fits_a_phone(phones, estate3, tmp_path):
    from community.fund import disclosures, income, ledger
    staff_user = estate3["staff"]
    ledger.import_opening(staff_user, [{"unit": u["code"], "amount": "5000.00"} for u in BUILDING_3])
    contract = income.create_contract(staff_user, {"common_part": "电梯轿厢广告位（1单元、2单元）",
                                                   "payer": "城联传媒有限公司", "amount": "12000.00",
                                                   "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    income.record(staff_user, {"kind": "receipt", "contract_id": contract.id, "amount": "6000.00",
                               "memo": "上半年广告费"})
    disclosures.file_request(estate3["a"], "recheck", "2025年利息分摊是否按面积计算？", "3-1-101")
    staff = phones.open(**NARROW)
    login(staff, staff_user.phone)
    for path in ("/fund/", "/fund/batches", "/fund/income", "/fund/disclosures", "/fund/applications",
                 "/fund/applications/new", "/fund/import"):
        staff.goto(path)
        expect(staff.locator("h1").first).to_be_visible()
        assert_fits(staff, 360)
        shoot(staff, "staff" + path.replace("/", "-"), tmp_path)
    staff.goto("/fund/disclosures")
    staff.locator("[data-request] textarea").fill("已复核：利息按专有面积分摊，无误。")
    with staff.expect_navigation():
        staff.locator("[data-request] button").click()
    expect(staff.locator(".flash")).to_be_visible()
    expect(staff.locator("[data-request]")).to_contain_text("已复核")
    owner = phones.open(**NARROW)
    login(owner, estate3["a"].phone, then="/fund/disclosures")
    expect(owner.locator("[data-request]")).to_contain_text("已复核")
    assert_fits(owner, 360)
