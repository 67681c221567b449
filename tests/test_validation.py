"""The one validation module: text measured after stripping, whole numbers without lookalike digits, areas and
money as two-place decimal strings that round-trip through their integers, and times in the future."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from community.core import validation
from community.core.errors import Invalid
from community.core.timeutil import frozen

NOW = datetime(2026, 12, 2, 4, 0)


def refused(call, *args, **kwargs) -> Invalid:
    with pytest.raises(Invalid) as caught:
        call(*args, **kwargs)
    return caught.value


# ---- text -----------------------------------------------------------------------------------------

def test_text_is_stripped_then_measured_in_characters():
    assert validation.text("  " + "好" * 10 + "\n", "title", 10) == "好" * 10, "padding does not count"
    assert refused(validation.text, "好" * 11, "title", 10).field == "title"
    assert validation.text(" 消防通道 ", "q", 4) == "消防通道"


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\t"])
def test_blank_text_is_missing(blank):
    error = refused(validation.text, blank, "body", 100)
    assert (error.field, error.message) == ("body", "This field is required.")
    assert validation.text(blank, "body", 100, required=False) is None


@pytest.mark.parametrize("value", [5, 1.5, True, ["a"], {"a": 1}])
def test_text_must_be_text_even_when_optional(value):
    assert refused(validation.text, value, "note", 100, required=False).field == "note"


def test_text_with_nul_is_refused():
    error = refused(validation.text, "停水\x00通知", "title", 100)
    assert error.field == "title" and "NUL" not in error.message


# ---- choices and flags ----------------------------------------------------------------------------

def test_choice():
    assert validation.choice("lift", "category", ("lift", "other")) == "lift"
    for value in ("Lift", "", None, ["lift"], 1):
        error = refused(validation.choice, value, "category", ("lift", "other"))
        assert error.field == "category" and "lift, other" in error.message


def test_flag():
    assert validation.flag(None, "public") is False
    assert validation.flag(True, "public") is True and validation.flag(False, "public") is False
    assert refused(validation.flag, None, "secret", required=True).field == "secret"
    for value in ("true", 1, 0, "yes", []):
        assert refused(validation.flag, value, "public").field == "public"


# ---- whole numbers --------------------------------------------------------------------------------

def test_whole_number_from_json():
    assert validation.whole(3, "rating", 1, 5) == 3
    assert validation.whole(1, "rating", 1, 5) == 1 and validation.whole(5, "rating", 1, 5) == 5
    for value in (0, 6, -1, True, False, 3.0, "3", None, [3]):
        error = refused(validation.whole, value, "rating", 1, 5)
        assert error.field == "rating" and "1" in error.message and "5" in error.message


def test_whole_number_from_text_is_ascii_digits_only():
    assert validation.whole("4", "rating", 1, 5, from_text=True) == 4
    assert validation.whole(" 4 ", "rating", 1, 5, from_text=True) == 4
    assert validation.whole(4, "rating", 1, 5, from_text=True) == 4
    for value in ("²", "٤", "４", "4.0", "-4", "+4", "", "four", "9" * 40, True):
        assert refused(validation.whole, value, "rating", 0, 10**30, from_text=True).field == "rating"


# ---- areas and money ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "centi"), [
    ("89.50", 8950), ("89.5", 8950), ("89", 8900), (" 89.05 ", 8905), (89, 8900), ("0.01", 1),
    ("99999.99", validation.AREA_MAX),
])
def test_area_parses(raw, centi):
    assert validation.area(raw, "area") == centi


@pytest.mark.parametrize("raw", [
    "0", "0.00", "-1.00", "1.234", "1e2", "NaN", "Infinity", "١٢.٥", "１２", "+1", ".5", "5.", "1,5", "",
    None, True, 89.5, "100000.00", "89.50 m²",
])
def test_area_refuses(raw):
    error = refused(validation.area, raw, "units[0].area")
    assert error.field == "units[0].area" and "0.01" in error.message


def test_area_bounds_are_the_callers():
    assert validation.area("0", "area", low=0) == 0
    assert refused(validation.area, "12.00", "area", high=1000).field == "area"


def test_formats_have_two_places_and_a_sign():
    assert validation.format_area(8950) == "89.50" and validation.format_area(5) == "0.05"
    assert validation.format_money(12345) == "123.45" and validation.format_money(0) == "0.00"
    assert validation.format_money(-5) == "-0.05" and validation.format_money(-12345) == "-123.45"


def test_money():
    assert validation.money("123.45", "amount") == 12345
    assert validation.money("0", "amount") == 0 and validation.money(12, "amount") == 1200
    assert refused(validation.money, "-0.05", "amount").field == "amount", "no negative unless allowed"
    assert validation.money("-0.05", "correction", low=-100) == -5
    for raw in ("12.345", "١٢٣.٤٥", "1e3", "NaN", False, 1.5, "¥12"):
        assert refused(validation.money, raw, "amount").field == "amount"


@given(st.integers(min_value=1, max_value=validation.AREA_MAX))
def test_area_round_trips_through_its_text(centi):
    assert validation.area(validation.format_area(centi), "area") == centi


@given(st.integers(min_value=-validation.MONEY_MAX, max_value=validation.MONEY_MAX))
def test_money_round_trips_through_its_text(fen):
    text = validation.format_money(fen)
    assert validation.money(text, "amount", low=-validation.MONEY_MAX) == fen
    assert text.count(".") == 1 and len(text.split(".")[1]) == 2


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99), st.booleans())
def test_money_text_comes_back_in_two_places(yuan, cents, one_place):
    raw = f"{yuan}.{cents // 10}" if one_place else f"{yuan}.{cents:02d}"
    fen = validation.money(raw, "amount")
    assert validation.format_money(fen) == (f"{yuan}.{cents // 10}0" if one_place else f"{yuan}.{cents:02d}")


# ---- times ----------------------------------------------------------------------------------------

def test_future_time_is_naive_utc():
    with frozen(NOW):
        assert validation.future_time("2026-12-31T16:00:00Z", "closes_at") == datetime(2026, 12, 31, 16, 0)
        assert validation.future_time("2026-12-31T16:00:00+08:00", "closes_at") == datetime(2026, 12, 31, 8, 0)
        assert validation.future_time("2026-12-31T16:00:00", "closes_at") == datetime(2026, 12, 31, 16, 0)
        assert validation.future_time(" 2026-12-31T16:00:00z ", "closes_at") == datetime(2026, 12, 31, 16, 0)
        aware = datetime(2026, 12, 3, tzinfo=UTC)
        assert validation.future_time(aware, "closes_at") == datetime(2026, 12, 3)


def test_future_time_refuses_the_past_and_nonsense():
    with frozen(NOW):
        for value in ("2026-12-02T04:00:00Z", "2020-01-01T00:00:00Z", "tomorrow", "２０２６-12-31T16:00:00Z", 5,
                      ["2026-12-31"]):
            assert refused(validation.future_time, value, "closes_at").field == "closes_at"


def test_future_time_blank_window_and_required():
    with frozen(NOW):
        assert validation.future_time(None, "closes_at") is None and validation.future_time(" ", "closes_at") is None
        assert refused(validation.future_time, "", "closes_at", required=True).message == "This field is required."
        year = timedelta(days=365)
        assert validation.future_time("2027-12-01T00:00:00Z", "closes_at", within=year) == datetime(2027, 12, 1)
        error = refused(validation.future_time, "2027-12-03T00:00:00Z", "closes_at", within=year)
        assert error.field == "closes_at" and "365" in error.message
