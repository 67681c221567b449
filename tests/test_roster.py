import io

import pytest
from click.testing import CliRunner

from tests.conftest import error_of
from tests.fixtures.people import PASSWORD, id_number


def unit(code, area="88.00", owners=(), **extra):
    return {"code": code, "area": area, "owners": list(owners), **extra}


def person(name, n):
    return {"name": name, "id_number": id_number(n)}


def test_import_then_upsert(api, staff):
    r = api.post("/units", user=staff, json={"units": [unit("5-1-101", owners=[person("陈一", 40)]),
                                                          unit("5-1-102", "60.10")]})
    assert r.status_code == 200 and r.get_json() == {"created": 2, "updated": 0}
    r = api.post("/units", user=staff, json={"units": [unit("5-1-102", "60.15"), unit("5-1-103", "70.00")]})
    assert r.get_json() == {"created": 1, "updated": 1}
    listed = {u["code"]: u for u in api.get("/units?limit=200", user=staff).get_json()["items"]}
    assert listed["5-1-102"]["area"] == "60.15" and listed["5-1-101"]["building"] == "5"
    assert listed["5-1-101"]["owners"][0]["name"] == "陈一"


def test_area_is_exact(api, staff):
    api.post("/units", user=staff, json={"units": [unit("6-1-101", "0.01"), unit("6-1-102", "99999.99"),
                                                    unit("6-1-103", "89.5")]})
    listed = {u["code"]: u["area"] for u in api.get("/units?limit=200", user=staff).get_json()["items"]}
    assert (listed["6-1-101"], listed["6-1-102"], listed["6-1-103"]) == ("0.01", "99999.99", "89.50")


@pytest.mark.parametrize("bad,field", [
    ({"code": "", "area": "1.00"}, "units[0].code"),
    ({"code": "1 2 3", "area": "1.00"}, "units[0].code"),
    ({"code": "7-1-1", "area": "1.005"}, "units[0].area"),
    ({"code": "7-1-1", "area": "-3"}, "units[0].area"),
    ({"code": "7-1-1", "area": "abc"}, "units[0].area"),
    ({"code": "7-1-1", "area": 1.5}, "units[0].area"),
    ({"code": "7-1-1", "area": "NaN"}, "units[0].area"),
    ({"code": "7-1-1", "area": "1.00", "developer_held": "maybe"}, "units[0].developer_held"),
    ({"code": "7-1-1", "area": "1.00", "owners": [{"name": "x", "id_number": "123"}]}, "units[0].owners[0].id_number"),
    ({"code": "7-1-1", "area": "1.00", "owners": [{"id_number": id_number(5)}]}, "units[0].owners[0].name"),
    ({"code": "7-1-1", "area": "1.00", "owners": "张三"}, "units[0].owners"),
])
def test_bad_unit_is_400_and_nothing_written(api, staff, bad, field):
    r = api.post("/units", user=staff, json={"units": [bad]})
    assert r.status_code == 400 and error_of(r)["field"] == field
    codes = [u["code"] for u in api.get("/units?limit=200", user=staff).get_json()["items"]]
    assert "7-1-1" not in codes


@pytest.mark.parametrize("body", [{}, {"units": []}, {"units": "x"}, {"units": [1]}])
def test_bad_payload_shapes(api, staff, body):
    r = api.post("/units", user=staff, json=body)
    assert r.status_code == 400 and error_of(r)["code"] == "invalid"


def test_one_bad_row_rejects_the_whole_import(api, staff):
    r = api.post("/units", user=staff, json={"units": [unit("8-1-101"), unit("8-1-102", "x")]})
    assert r.status_code == 400 and error_of(r)["field"] == "units[1].area"
    codes = [u["code"] for u in api.get("/units?limit=200", user=staff).get_json()["items"]]
    assert "8-1-101" not in codes


def test_ownership_change_ends_old_owner_rights(api, owner, staff, admin):
    token = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    assert sorted(api.get("/me", token=token).get_json()["units"]) == ["1-1-101", "1-1-102"]
    # 1-1-102 is sold to someone else.
    r = api.post("/units", user=staff, json={"units": [unit("1-1-102", "120.35", owners=[buyer := person("孙八", 60)])]})
    assert r.status_code == 200
    assert api.get("/me", token=token).get_json()["units"] == ["1-1-101"]
    log = api.get("/audit?limit=200", user=admin).get_json()["items"]
    change = next(e for e in log if e["action"] == "unit.ownership_changed")
    assert change["target"] == "unit:1-1-102" and change["detail"]["user_rights_ended"] == [owner.id]
    assert change["actor"]["id"] == staff.id
    assert buyer["name"] not in str(change)  # no personal data in the trail


def test_new_roster_entry_grants_rights_to_registered_owner(api, owner, staff):
    r = api.post("/units", user=staff, json={"units": [unit("1-2-301", "66.00", owners=[person("王伟", 1)])]})
    assert r.status_code == 200
    token = api.post("/auth/token", json={"phone": owner.phone, "password": PASSWORD}).get_json()["token"]
    assert "1-2-301" in api.get("/me", token=token).get_json()["units"]


def test_unchanged_owners_are_not_a_change(api, staff, admin, roster):
    api.post("/units", user=staff, json={"units": roster})
    log = api.get("/audit?limit=200", user=admin).get_json()["items"]
    assert not [e for e in log if e["action"] == "unit.ownership_changed"]


CSV = ("code,building,area,developer_held,owner_name,owner_id_number\n"
       f"9-1-101,9,89.50,false,周一,{id_number(70)}\n"
       f"9-1-101,9,89.50,false,吴二,{id_number(71)}\n"
       "9-1-102,9,120.00,true,,\n")


def test_csv_upload_page(client, staff):
    with client.session_transaction() as session:
        session["_user_id"] = staff.get_id()
    r = client.post("/staff/roster", data={"file": (io.BytesIO(CSV.encode("utf-8-sig")), "roster.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    page = client.get("/staff/roster").get_data(as_text=True)
    assert "9-1-101" in page and "周一" in page and "吴二" in page


def test_csv_upload_error_is_shown(client, staff):
    with client.session_transaction() as session:
        session["_user_id"] = staff.get_id()
    bad = CSV.replace("120.00", "lots")
    r = client.post("/staff/roster", data={"file": (io.BytesIO(bad.encode()), "roster.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and "units[1].area" in r.get_data(as_text=True)


def test_csv_in_gb18030(client, staff):
    with client.session_transaction() as session:
        session["_user_id"] = staff.get_id()
    r = client.post("/staff/roster", data={"file": (io.BytesIO(CSV.encode("gb18030")), "roster.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302


def test_cli_import(app, tmp_path, api, staff):
    path = tmp_path / "roster.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(app.cli, ["units", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 2" in result.output
    listed = {u["code"]: u for u in api.get("/units?limit=200", user=staff).get_json()["items"]}
    assert len(listed["9-1-101"]["owners"]) == 2 and listed["9-1-102"]["developer_held"] is True
    result = CliRunner().invoke(app.cli, ["units", "import", str(path)])
    assert "updated 2" in result.output


def test_cli_import_reports_errors(app, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("code,area\n1-1-1,zero\n")
    result = CliRunner().invoke(app.cli, ["units", "import", str(path)])
    assert result.exit_code != 0 and "units[0].area" in result.output
