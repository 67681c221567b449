"""Identity pages at 360 px: forgot password with a front-desk code, my data and closing, log out everywhere,
an owner whose ownership is unverified."""

import os

import pytest

from tests.browser.test_foundation_pages import NARROW, assert_fits, login, path_of
from tests.fixtures.people import PASSWORD, id_number, registration

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LINLI_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_front_desk_code_then_forgot_password(phones, staff, owner):
    desk = phones.open(**NARROW)
    login(desk, staff.phone)
    desk.goto("/staff/reset-codes")
    desk.locator("#code-phone").fill(owner.phone)
    desk.locator("#code-checked").check()
    desk.locator("#reset-codes form button[type=submit]").click()
    code = desk.locator("#issued-code .code-big code").inner_text()
    assert len(code) == 8
    assert_fits(desk, 360)
    shot(desk, "reset-code")

    person = phones.open(**NARROW)
    person.goto("/login")
    person.locator("#forgot-link").click()
    assert path_of(person) == "/forgot-password"
    person.locator("#phone").fill(owner.phone)
    person.locator("#code").fill(code)
    person.locator("#password").fill("a-new-passphrase-7")
    assert_fits(person, 360)
    shot(person, "forgot-password")
    with person.expect_navigation():
        person.locator("form button[type=submit]").click()
    assert path_of(person) == "/login"
    login(person, owner.phone, "a-new-passphrase-7")


def test_my_data_and_log_out_everywhere(phones, owner):
    page, other = phones.open(**NARROW), phones.open(**NARROW)
    login(page, owner.phone)
    login(other, owner.phone)
    page.locator("#home-my-data").click()
    assert page.locator("#my-records").is_visible() and page.locator("#close-account").is_visible()
    assert_fits(page, 360)
    shot(page, "my-data")
    page.goto("/")
    assert page.locator("#logout-everywhere").bounding_box()["height"] >= 44
    with page.expect_navigation():
        page.locator("#logout-everywhere").click()
    assert path_of(page) == "/login"
    other.goto("/")
    assert path_of(other) == "/login"


def test_unverified_owner_is_told_why(phones, api, roster, staff):
    data = registration(real_name="孙丽", id_number=id_number(61), unit="2-1-101", relation="owner")
    user_id = api.post("/auth/register", json=data).get_json()["id"]
    desk = phones.open(**NARROW)
    login(desk, staff.phone)
    desk.goto("/staff/registrations")
    entry = desk.locator(f"article.registration[data-id='{user_id}']")
    entry.locator("textarea[name=reason]").first.fill("购房合同已核，花名册待更新")
    entry.locator("input[name=unverified]").check()
    shot(desk, "approve-unverified")
    assert_fits(desk, 360)
    with desk.expect_navigation():
        entry.locator("form.approve button").click()
    person = phones.open(**NARROW)
    login(person, data["phone"], PASSWORD)
    assert person.locator("#unverified-note").is_visible()
    assert_fits(person, 360)
    shot(person, "home-unverified")
