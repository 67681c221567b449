"""The interaction-rules engine on its own: pure unit tests, no app and no database."""

import itertools
import random
from datetime import datetime, timedelta

import pytest

from community.rules.engine import DEFAULTS, Decision, History, check, compile_policy, count_links, skeleton

NOW = datetime(2026, 11, 27, 12, 0, 0)

POLICY = {
    "words": [
        {"word": "赌博网站", "action": "block", "clause": "2.1"},
        {"word": "代开发票", "action": "block", "clause": "3.1"},
        {"word": "傻逼", "action": "mask", "clause": "2.2"},
        {"word": "王八蛋", "action": "mask", "clause": "2.2"},
        {"word": "低息贷款", "action": "review", "clause": "3.1"},
        {"word": "加微信", "action": "review", "clause": "3.1"},
        {"word": "scam", "action": "block", "clause": "2.1"},
        {"word": "bad", "action": "mask", "clause": "2.2"},
        {"word": "ass", "action": "mask", "clause": "2.2"},
    ],
    "new_user_days": 7,
    "new_user_max_links": 1,
    "post_interval_s": 30,
    "chat_interval_s": 2,
    "chat_max_per_minute": 20,
    "auto_hide_reports": 3,
}
RULES = compile_policy(POLICY)


def history(**changes) -> History:
    """A member of a year's standing who has not written anything lately."""
    fields = {"now": NOW, "joined_at": NOW - timedelta(days=365), "last_at": None, "count_last_minute": 0,
              "count_today": 0, "recent_texts": ()}
    fields.update(changes)
    return History(**fields)


def judge(text: str, where: str = "post", rules=RULES, **changes) -> Decision:
    return check(rules, where, text, history(**changes))


def policy_with(**changes) -> dict:
    return {**POLICY, **changes}


# Outcomes ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["post", "chat"])
def test_clean_text_is_allowed_unchanged(where):
    text = "3号楼电梯又坏了，麻烦物业尽快安排维修。"
    assert judge(text, where) == Decision("allow", None, None, text)


@pytest.mark.parametrize("text,masked", [
    ("你是傻逼吗", "你是**吗"),
    ("王八蛋！", "***！"),
    ("傻逼和王八蛋", "**和***"),
    ("傻逼，又是傻逼", "**，又是**"),
    ("你 傻 逼", "你 ***"),
    ("傻😀逼", "***"),
    ("傻\u200b逼", "***"),
    ("that was a bad day", "that was a *** day"),
    ("B A D", "*****"),
    ("ＢＡＤ idea", "*** idea"),
    ("b-a-d!", "*****!"),
])
def test_mask_replaces_each_character_of_the_matched_stretch(text, masked):
    decision = judge(text)
    assert (decision.action, decision.reason, decision.clause, decision.text) == ("mask", "word", "2.2", masked)


def test_mask_names_the_first_word_masked():
    assert judge("王八蛋，傻逼").word == "王八蛋"


def test_overlapping_mask_words_mask_their_union():
    rules = compile_policy(policy_with(words=[{"word": "一二", "action": "mask", "clause": "2.2"},
                                              {"word": "二三", "action": "mask", "clause": "2.2"}]))
    assert judge("零一二三四", rules=rules).text == "零***四"


@pytest.mark.parametrize("text,word", [("有低息贷款需要的私聊", "低息贷款"), ("有事加微信", "加微信")])
def test_review_word_holds_the_text_unchanged(text, word):
    assert judge(text) == Decision("hold", "3.1", "word", text, word=word)


@pytest.mark.parametrize("text,word,clause", [
    ("推荐一个赌博网站", "赌博网站", "2.1"),
    ("代开发票，量大从优", "代开发票", "3.1"),
    ("this is a scam", "scam", "2.1"),
])
def test_block_word_blocks_citing_its_clause(text, word, clause):
    assert judge(text) == Decision("block", clause, "word", text, word=word)


# Evasions ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "赌博网站",
    "赌 博 网 站",
    "赌　博　网　站",
    "赌.博.网.站",
    "赌，博、网！站",
    "赌😀博🎲网👍站",
    "赌\u200b博\u200c网\u200d站\ufeff",
    "赌_博-网*站",
    "【赌】【博】【网】【站】",
    "欢迎光临赌 😀博.网\u200b站！",
])
def test_cjk_word_survives_evasion(text):
    decision = judge(text)
    assert (decision.action, decision.clause, decision.word) == ("block", "2.1", "赌博网站")


@pytest.mark.parametrize("text", [
    "scam", "SCAM", "ScAm", "ＳＣＡＭ", "ｓｃａｍ", "s c a m", "S-C-A-M", "s.c.a.m", "s_c_a_m",
    "s\u200bc\u200ba\u200bm", "s😀c😀a😀m", "Ｓ.c Ａ😀m", "a s-c.a m here", "这是scam", "scam骗局", "scam!", "(scam)",
])
def test_latin_word_survives_evasion(text):
    decision = judge(text)
    assert (decision.action, decision.word) == ("block", "scam")


@pytest.mark.parametrize("text", [
    "class", "passage", "bass guitar", "a glass of water", "badge", "abad", "scampi", "mascamp",
    "ＣＬＡＳＳ", "cl\u200bass", "cla\u0301ss",
])
def test_latin_word_inside_another_word_is_not_matched(text):
    assert judge(text).action == "allow"


@pytest.mark.parametrize("text", ["坏bad人", "bad1", "1bad", "#bad#", "ass.", "bad\u200b"])
def test_latin_word_next_to_non_letters_is_matched(text):
    assert judge(text).action == "mask"


def test_cjk_word_matches_inside_longer_cjk_text():
    assert judge("他们都是一群王八蛋们").text == "他们都是一群***们"


def test_mixed_word_checks_the_boundary_only_at_its_latin_end():
    rules = compile_policy(policy_with(words=[{"word": "加vx", "action": "review", "clause": "3.1"}]))
    assert judge("请加vx详聊", rules=rules).action == "hold"
    assert judge("请加Ｖ Ｘ", rules=rules).action == "hold"
    assert judge("请加vxy", rules=rules).action == "allow"


# Precedence -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("傻逼加微信，赌博网站", ("block", "2.1", "赌博网站")),
    ("赌博网站，加微信，傻逼", ("block", "2.1", "赌博网站")),
    ("傻逼，加微信", ("hold", "3.1", "加微信")),
    ("加微信，傻逼", ("hold", "3.1", "加微信")),
    ("代开发票和赌博网站", ("block", "3.1", "代开发票")),
])
def test_strongest_action_wins_and_names_its_clause(text, expected):
    decision = judge(text)
    assert (decision.action, decision.clause, decision.word) == expected
    assert decision.text == text


def test_duplicate_entries_keep_the_stronger_action():
    rules = compile_policy(policy_with(words=[{"word": "广告", "action": "mask", "clause": "3.1"},
                                              {"word": "广 告", "action": "block", "clause": "2.1"},
                                              {"word": "广告", "action": "review", "clause": "2.4"}]))
    decision = judge("这是广告", rules=rules)
    assert (decision.action, decision.clause) == ("block", "2.1")


# Links ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,count", [
    ("看看 http://example.cn/a?b=1", 1),
    ("HTTPS://Example.org", 1),
    ("去www.example.com看看", 1),
    ("www.example.abc", 1),
    ("详见example.com/xyz", 1),
    ("t.cn/abc 和 dwz.cn", 2),
    ("ｅｘａｍｐｌｅ．ｃｏｍ", 1),
    ("http://www.example.com/x", 1),
    ("a.example.com.cn", 1),
    ("http://a.com，www.b.net。c.org", 3),
    ("写信到 me@example.com", 0),
    ("圆周率 3.14，版本 v1.2.3", 0),
    ("打开 report.txt 和 photo.jpg", 0),
    ("没有链接。真的没有。", 0),
])
def test_links_are_counted(text, count):
    assert count_links(text) == count


@pytest.mark.parametrize("days,text,action", [
    (1, "看 http://a.com 和 www.b.cn", "block"),
    (6, "看 a.com/x 和 b.cn/y", "block"),
    (1, "看 http://a.com", "allow"),
    (7, "看 http://a.com 和 www.b.cn", "allow"),
    (365, "看 http://a.com www.b.cn c.org/x", "allow"),
])
def test_new_users_may_post_only_a_few_links(days, text, action):
    decision = judge(text, joined_at=NOW - timedelta(days=days))
    assert decision.action == action
    if action == "block":
        assert (decision.reason, decision.clause, decision.retry_after) == ("links_new_user", "3.2", None)


def test_no_links_at_all_for_new_users_when_the_limit_is_zero():
    rules = compile_policy(policy_with(new_user_max_links=0))
    assert judge("看 http://a.com", rules=rules, joined_at=NOW).reason == "links_new_user"


# Rate -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("where,elapsed,retry_after", [
    ("post", 10, 20),
    ("post", 29.5, 1),
    ("post", 0, 30),
    ("post", -5, 30),
    ("chat", 0.5, 2),
    ("chat", 1, 1),
])
def test_interval_refusal_says_when_to_retry(where, elapsed, retry_after):
    decision = judge("正常的一句话", where, last_at=NOW - timedelta(seconds=elapsed))
    assert (decision.action, decision.reason, decision.clause, decision.retry_after) == (
        "block", "interval", "3.3", retry_after)


@pytest.mark.parametrize("where,elapsed", [("post", 30), ("post", 3600), ("chat", 2)])
def test_interval_passed_is_allowed(where, elapsed):
    assert judge("正常的一句话", where, last_at=NOW - timedelta(seconds=elapsed)).action == "allow"


@pytest.mark.parametrize("where,count,reason", [
    ("chat", 20, "minute_cap"),
    ("chat", 25, "minute_cap"),
    ("chat", 19, None),
    ("post", 100, None),
])
def test_chat_minute_cap(where, count, reason):
    decision = judge("正常的一句话", where, count_last_minute=count)
    assert decision.reason == reason
    if reason:
        assert (decision.action, decision.clause, decision.retry_after) == ("block", "3.3", 60)


@pytest.mark.parametrize("where,count,reason", [
    ("post", 50, "daily_cap"),
    ("post", 49, None),
    ("chat", 1000, "daily_cap"),
    ("chat", 999, None),
])
def test_daily_cap(where, count, reason):
    decision = judge("正常的一句话", where, count_today=count)
    assert decision.reason == reason
    if reason:
        assert (decision.action, decision.clause, decision.retry_after) == ("block", "3.3", 86400)


def test_daily_cap_can_be_changed_or_turned_off():
    assert judge("正常的一句话", rules=compile_policy(policy_with(daily_cap_post=5)), count_today=5).reason == "daily_cap"
    assert judge("正常的一句话", rules=compile_policy(policy_with(daily_cap_post=0)), count_today=10**6).action == "allow"


def test_the_longest_rate_wait_is_reported():
    crowded = {"last_at": NOW - timedelta(seconds=1), "count_last_minute": 20}
    assert judge("正常的一句话", "chat", **crowded).reason == "minute_cap"
    assert judge("正常的一句话", "chat", count_today=1000, **crowded).reason == "daily_cap"


# Repeats ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("earlier", [
    "电梯又坏了，谁来修一下",
    "电梯又坏了 谁来修一下",
    "电梯  又坏了！！！谁来修一下。",
    "电\u200b梯又坏了😀谁来修一下",
])
def test_the_same_text_again_is_a_repeat(earlier):
    decision = judge("电梯又坏了，谁来修一下", recent_texts=("别的话题", earlier))
    assert (decision.action, decision.reason, decision.clause) == ("block", "repeat", "3.3")


def test_repeat_ignores_case_and_full_width():
    assert judge("WiFi 信号太弱", recent_texts=("ｗｉｆｉ信号太弱",)).reason == "repeat"


def test_a_different_text_is_not_a_repeat():
    assert judge("电梯又坏了，谁来修一下？", recent_texts=("电梯又坏了，谁来修两下",)).action == "allow"


def test_repeat_compares_only_the_most_recent_window():
    rules = compile_policy(policy_with(repeat_window=2))
    assert judge("同样的话", rules=rules, recent_texts=("一", "二", "同样的话")).action == "allow"
    assert judge("同样的话", rules=rules, recent_texts=("一", "同样的话", "三")).reason == "repeat"


# Length -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "好", "。。。", "👍", "  \u200b ", "!?", "好！！！"])
def test_too_short(text):
    decision = judge(text, "post")
    assert (decision.action, decision.reason, decision.clause) == ("block", "too_short", "3.3")


@pytest.mark.parametrize("text", ["好", "👍", "!?"])
def test_one_character_is_a_chat_answer(text):
    assert judge(text, "chat").action == "allow"


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_chat_is_too_short(text):
    assert judge(text, "chat").reason == "too_short"


@pytest.mark.parametrize("text", ["好的", "OK", "12"])
def test_two_letters_are_enough(text):
    assert judge(text, "chat").action == "allow"


def test_min_length_can_be_lowered():
    assert judge("好", "chat", rules=compile_policy(policy_with(min_length=1))).action == "allow"


@pytest.mark.parametrize("where,length,action", [
    ("post", 20000, "allow"),
    ("post", 20001, "block"),
    ("chat", 2000, "allow"),
    ("chat", 2001, "block"),
])
def test_too_long(where, length, action):
    decision = judge("好" * length, where)
    assert decision.action == action
    if action == "block":
        assert (decision.reason, decision.clause) == ("too_long", "3.3")


def test_max_length_can_be_changed():
    rules = compile_policy(policy_with(max_length_chat=10))
    assert judge("一二三四五六七八九十", "chat", rules=rules).action == "allow"
    assert judge("一二三四五六七八九十一", "chat", rules=rules).reason == "too_long"


# Order of checks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,changes,reason", [
    ("好" * 20001, {"last_at": NOW}, "too_long"),
    ("好", {"last_at": NOW}, "too_short"),
    ("赌博网站 http://a.com www.b.cn", {"last_at": NOW, "recent_texts": ("赌博网站 http://a.com www.b.cn",)},
     "interval"),
    ("赌博网站 http://a.com www.b.cn", {"recent_texts": ("赌博网站 http://a.com www.b.cn",)}, "repeat"),
    ("赌博网站 http://a.com www.b.cn", {}, "links_new_user"),
    ("赌博网站 http://a.com", {}, "word"),
])
def test_checks_run_length_rate_repeat_links_words(text, changes, reason):
    assert judge(text, joined_at=NOW - timedelta(days=1), **changes).reason == reason


def test_clause_ids_can_be_changed_per_reason():
    rules = compile_policy(policy_with(clauses={"repeat": "3.4"}))
    assert judge("同样的话", rules=rules, recent_texts=("同样的话",)).clause == "3.4"
    assert judge("好", rules=rules).clause == DEFAULTS["clauses"]["too_short"]


def test_unknown_channel_is_an_error():
    with pytest.raises(ValueError):
        judge("正常的一句话", "mail")


# Compiling --------------------------------------------------------------------------------------------

def test_empty_word_list_allows_what_would_have_matched():
    rules = compile_policy(policy_with(words=[]))
    assert judge("赌博网站傻逼", rules=rules) == Decision("allow", None, None, "赌博网站傻逼")


def test_five_thousand_words_all_match():
    alphabet = "邻里小区物业主委员会电梯维修停车消防通道装噪音快递垃圾分类绿化保安门禁监控水燃气供暖楼栋单元房屋租售花园广场泳池健身窗户阳台位充桩瓶厨卫墙"
    assert len(set(alphabet)) == len(alphabet) >= 65
    cjk = ["".join(pair) for pair in itertools.product(alphabet, repeat=2) if pair[0] != pair[1]][:4000]
    latin = ["".join(letters) + "q" for letters in itertools.product("bcdfghjklm", repeat=3)]
    words = cjk + latin
    assert len(set(words)) == 5000
    actions = ("block", "review", "mask")
    rules = compile_policy(policy_with(words=[
        {"word": word, "action": actions[i % 3], "clause": f"2.{i % 4 + 1}"} for i, word in enumerate(words)]))
    decided = {"block": "block", "review": "hold", "mask": "mask"}
    for i in random.Random(5000).sample(range(5000), 200):
        decision = judge(f"！！{words[i]}？？", rules=rules)
        expected = (decided[actions[i % 3]], f"2.{i % 4 + 1}", words[i])
        assert (decision.action, decision.clause, decision.word) == expected
    assert judge("今天天气不错。", rules=rules).action == "allow"


@pytest.mark.parametrize("changes", [
    {"words": [{"word": "广告", "action": "delete", "clause": "3.1"}]},
    {"words": [{"word": "广告", "action": "block"}]},
    {"words": [{"word": "！！！", "action": "block", "clause": "3.1"}]},
    {"words": [{"word": 42, "action": "block", "clause": "3.1"}]},
    {"words": "广告"},
    {"post_interval_s": -1},
    {"chat_max_per_minute": "20"},
    {"new_user_days": True},
    {"min_length": 1.5},
    {"clauses": {"spam": "3.3"}},
    {"clauses": {"repeat": ""}},
])
def test_bad_policy_is_refused(changes):
    with pytest.raises(ValueError):
        compile_policy(policy_with(**changes))


@pytest.mark.parametrize("key", ["words", "new_user_days", "post_interval_s", "chat_max_per_minute"])
def test_policy_missing_a_required_key_is_refused(key):
    policy = dict(POLICY)
    del policy[key]
    with pytest.raises(ValueError, match=key):
        compile_policy(policy)


# Skeleton ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,skel", [
    ("傻 逼", "傻逼"), ("ＢＡＤ", "bad"), ("b-a-d", "bad"), ("Straße", "strasse"), ("①②③", "123"),
    ("Ⅻ", "xii"), ("İstanbul", "istanbul"), ("Ｗｉ－Ｆｉ", "wifi"), ("", ""),
])
def test_skeleton(text, skel):
    assert skeleton(text) == skel


def test_skeleton_folds_each_character_on_its_own():
    """Masking maps skeleton characters back one original character at a time, so the fast whole-string
    fold and the fast map back must agree with folding character by character, whatever the mix."""
    from community.rules.engine import _FOLD, _origins

    def by_character(text):
        return "".join(_FOLD[ord(ch)] for ch in text)

    def origins_by_character(text):
        return [index for index, ch in enumerate(text) for _ in _FOLD[ord(ch)]]

    for code in range(0x10000):
        ch = chr(code)
        if not 0xD800 <= code <= 0xDFFF:
            assert skeleton(ch) == by_character(ch), hex(code)
            assert _origins(ch) == origins_by_character(ch), hex(code)
    rng = random.Random(7)
    pool = "傻逼 ＡａBｂ1１①Ⅻİß\u200b😀.，\u0301\u1100\u1161가é" + "".join(map(chr, range(0x2000, 0x2070)))
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert skeleton(text) == by_character(text), repr(text)
        assert _origins(text) == origins_by_character(text), repr(text)
