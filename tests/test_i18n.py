"""The Chinese catalogue covers every message in the source, keeps its placeholders, and is what users see
by default. After adding strings, run scripts/i18n.sh and translate what it adds to the zh messages.po."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

try:
    from babel.messages.frontend import parse_mapping_cfg
except ImportError:  # Babel < 2.15
    from babel.messages.frontend import parse_mapping as parse_mapping_cfg

from tests.conftest import error_of
from tests.fixtures.people import registration

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "community" / "translations"
PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}  # as scripts/i18n.sh: -k _l -k lazy_gettext
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")  # %(name)s, %(n)d
FIX = "run scripts/i18n.sh, then translate these in community/translations/zh/LC_MESSAGES/messages.po"


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="zh")


def _source_messages() -> dict:
    """{(msgid, context): "file:line"} for every message extracted with babel.cfg's mapping."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]


def _translated(catalog, msgid: str, context=None) -> str:
    message = catalog.get(msgid, context)
    assert message is not None and message.string, f"no translation for {msgid!r}; {FIX}"
    return _strings(message)[0]


def test_every_source_message_is_translated():
    catalog = _catalog()
    source = _source_messages()
    assert len(source) > 50, "extraction found almost nothing; is babel.cfg's mapping still right?"
    missing, fuzzy = [], []
    for (msgid, context), where in sorted(source.items(), key=lambda item: item[1]):
        message = catalog.get(msgid, context)
        if message is None or not all(s and s.strip() for s in _strings(message)):
            missing.append(f"  {where}  {msgid!r}")
        elif message.fuzzy:
            fuzzy.append(f"  {where}  {msgid!r}")
    assert not missing, f"{len(missing)} message(s) without a Chinese translation ({FIX}):\n" + "\n".join(missing)
    assert not fuzzy, f"{len(fuzzy)} fuzzy translation(s); check them and drop '#, fuzzy':\n" + "\n".join(fuzzy)


def test_placeholders_survive_translation():
    wrong = []
    for message in _catalog():
        if not message.id or not any(_strings(message)):
            continue
        wanted = {p for msgid in _ids(message) for p in PLACEHOLDER.findall(msgid)}
        for string in _strings(message):
            have = set(PLACEHOLDER.findall(string))
            if have != wanted:
                wrong.append(f"  {_ids(message)[0]!r} -> {string!r}: has {sorted(have)}, needs {sorted(wanted)}")
    assert not wrong, "placeholders must be kept exactly:\n" + "\n".join(wrong)


def test_compiled_catalogue_is_current():
    assert MO.exists(), "the zh catalogue is not compiled; run `make translations` or scripts/i18n.sh"
    with MO.open("rb") as f:
        compiled = read_mo(f)
    stale = [m.id for m in _catalog() if m.id and m.string and not m.fuzzy
             and (compiled.get(m.id, m.context) is None
                  or _strings(compiled.get(m.id, m.context)) != _strings(m))]
    assert not stale, (f"messages.mo is older than messages.po ({len(stale)} messages differ, e.g. {stale[:3]}); "
                       "run `make translations`")


def test_pages_are_chinese_by_default_and_english_on_request(client):
    log_in = _translated(_catalog(), "Log in")
    assert log_in != "Log in"
    zh = client.get("/login").get_data(as_text=True)
    assert f"<h1>{log_in}</h1>" in zh and "<h1>Log in</h1>" not in zh
    en = client.get("/login?lang=en").get_data(as_text=True)
    assert "<h1>Log in</h1>" in en and log_in not in en


@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "zh-CN,zh;q=0.9"}])
def test_api_messages_are_chinese_by_default(api, roster, headers):
    english = "Enter a mainland mobile number of 11 digits."
    error = error_of(api.post("/auth/register", json=registration(phone="123"), headers=headers))
    assert error["field"] == "phone"
    assert error["message"] == _translated(_catalog(), english) != english


def test_api_messages_in_english_on_request(api, roster):
    error = error_of(api.post("/auth/register", json=registration(phone="123"), headers={"Accept-Language": "en"}))
    assert error["message"] == "Enter a mainland mobile number of 11 digits."
