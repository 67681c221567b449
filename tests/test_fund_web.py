"""The fund's pages: who sees what, the CSV upload with its row errors, and the application steps by form."""

import io

from tests.test_fund import lift_plan, opening_rows


def login(client, user):
    from tests.fixtures.people import PASSWORD
    r = client.post("/login", data={"phone": user.phone, "password": PASSWORD})
    assert r.status_code in (302, 303), r.data[:200]


def test_pages_for_an_owner(client, api, staff, owner, roster):
    api.post("/fund/opening-balances", user=staff, json={"rows": opening_rows()})
    login(client, owner)
    page = client.get("/fund/").get_data(as_text=True)
    assert "1-1-101" in page and "1-1-102" in page and "2-1-101" not in page
    assert "/fund/import" not in page
    assert client.get("/fund/units/1-1-101").status_code == 200
    assert client.get("/fund/units/2-1-101").status_code == 404
    assert client.get("/fund/import").status_code == 403
    pdf = client.get("/fund/units/1-1-101/statement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for path in ("/fund/applications", "/fund/income", "/fund/disclosures"):
        assert client.get(path).status_code == 200, path


def test_staff_upload_names_the_bad_row_and_imports_nothing(client, staff, roster):
    login(client, staff)
    bad = b"unit,amount\n1-1-101,10.00\n1-1-102,ten\n"
    r = client.post("/fund/import", data={"file": (io.BytesIO(bad), "bank.csv"), "confirm": "1"},
                    content_type="multipart/form-data")
    assert r.status_code == 400
    error = r.get_data(as_text=True).split('id="import-error">')[1].split("</p>")[0]
    assert "3" in error and "2" not in error
    assert "0.00" in client.get("/fund/units/1-1-101").get_data(as_text=True)
    good = b"unit,amount\n1-1-101,10.00\n1-1-102,20.00\n"
    r = client.post("/fund/import", data={"file": (io.BytesIO(good), "bank.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 400  # not confirmed
    r = client.post("/fund/import", data={"file": (io.BytesIO(good), "bank.csv"), "confirm": "1"},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    assert "10.00" in client.get("/fund/units/1-1-101").get_data(as_text=True)


def test_draft_and_steps_by_form(client, api, staff, committee_member, roster):
    login(client, staff)
    r = client.post("/fund/applications/new", data={k: v for k, v in lift_plan().items()})
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "3-1-1001" in page and "12000.00" in page
    pid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    client.post(f"/fund/applications/{pid}/publish")
    assert api.get(f"/fund/applications/{pid}", user=staff).get_json()["status"] == "published"
    client.post("/logout")
    login(client, committee_member)
    client.post(f"/fund/applications/{pid}/review", data={"note": "核对无误"})
    assert api.get(f"/fund/applications/{pid}", user=staff).get_json()["status"] == "reviewed"
    r = client.post(f"/fund/applications/{pid}/approve", data={"vote_id": "1"}, follow_redirects=True)
    assert api.get(f"/fund/applications/{pid}", user=staff).get_json()["status"] == "reviewed"


def test_the_demo_seeds_a_fund_with_history(app):
    from sqlalchemy import select

    from community import demo
    from community.accounts.models import User
    from community.audit import services as audit
    from community.extensions import db
    from community.fund import applications, income, ledger

    demo.seed()
    staff = db.session.scalar(select(User).where(User.phone == "13800000002"))
    owner = db.session.scalar(select(User).where(User.phone == "13900000001"))
    plans = {a.title: a for a in applications.list_applications(staff)}
    assert plans["2号楼电梯困人应急维修"].status == "settled" and plans["3号楼屋面防水翻新"].status == "published"
    assert income.summary(owner)["transferred"] == "5400.00"
    assert len(ledger.my_units(owner)) == 2
    assert audit.verify()[0]


def test_staff_record_income_and_interest_by_form(client, api, staff, owner, roster):
    login(client, staff)
    client.post("/fund/income/contract", data={"common_part": "快递柜场地", "payer": "某快递柜公司",
                                                "amount": "2400.00", "starts_on": "2026-01-01",
                                                "ends_on": "2026-12-31"})
    cid = api.get("/income/contracts", user=staff).get_json()["items"][0]["id"]
    client.post("/fund/income/entry", data={"kind": "receipt", "contract_id": str(cid), "amount": "2400.00",
                                             "memo": "全年场地费"})
    client.post("/fund/income/transfer", data={"amount": "2400.00", "memo": "转入维修资金"})  # not confirmed
    assert api.get("/income/summary", user=owner).get_json()["on_hand"] == "2400.00"
    client.post("/fund/income/transfer", data={"amount": "2400.00", "memo": "转入维修资金", "confirm": "1"})
    assert api.get("/income/summary", user=owner).get_json()["on_hand"] == "0.00"
    r = client.post("/fund/interest", data={"amount": "10.00", "memo": "利息"}, follow_redirects=True)
    assert r.status_code == 200
    kinds = [b["kind"] for b in api.get("/fund/batches", user=staff).get_json()["items"]]
    assert kinds == ["interest", "income"]
    client.post("/logout")
    login(client, owner)
    assert "income-forms" not in client.get("/fund/income").get_data(as_text=True)
    client.post("/fund/interest", data={"amount": "10.00", "memo": "x"})
    assert len(api.get("/fund/batches", user=staff).get_json()["items"]) == 2
