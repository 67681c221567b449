"""The interaction-rules check: one function judges every forum post and every chat message.

Pure Python, no Flask and no database. The service layer gathers what it knows about the author
(``History``), compiles the adopted version's policy once (``compile_policy``, cache it per version)
and calls ``check(compiled, "post" | "chat", text, history)``, which answers a ``Decision``.

The policy is the dict published by ``GET /api/v1/rules``. Required keys:

- ``words``: ``[{"word", "action": "block" | "review" | "mask", "clause"}]`` (may be empty);
- ``new_user_days``, ``new_user_max_links``: an account younger than ``new_user_days`` may include at most
  ``new_user_max_links`` links (0 means none);
- ``post_interval_s``, ``chat_interval_s``: least seconds between two items of one author (0 turns it off);
- ``chat_max_per_minute``: most chat messages in the last 60 s (0 turns the cap off).

``auto_hide_reports`` belongs to moderation and is ignored here. Optional keys, with ``DEFAULTS``:

- ``min_length`` (2): fewest letters and digits a post must keep once separators are stripped;
- ``min_length_chat`` (1): the same for chat, where "好" or a lone emoji is a fine answer (1 or less: any
  non-blank message);
- ``max_length_post`` (20000), ``max_length_chat`` (2000): most characters of the raw text;
- ``daily_cap_post`` (50), ``daily_cap_chat`` (1000): most items in the last 24 hours (0 turns the cap off);
- ``repeat_window`` (20): how many of ``History.recent_texts`` (most recent first) a new item is compared with;
- ``clauses``: the clause cited for each refusal that is not a word, keyed by reason; a partial dict
  overrides only the reasons it names.

Checks run in this order and the first refusal wins: length, rate, repeat, links, words. Among the rate
checks the daily cap comes first, then the minute cap, then the interval, so ``retry_after`` is the longest
wait that applies and retrying after it is not refused again for another rate reason.

Words are matched on a *skeleton* of the text: each letter or digit folded by NFKC and case-folding, with
everything else (spaces, punctuation, symbols, emoji, zero-width and other format characters, combining
marks, ``_``) dropped. "傻 逼", "傻.逼", "傻😀逼", "ＢＡＤ", "b-a-d" and "B A D" all become "傻逼" or "bad".
One Aho–Corasick automaton holds every word, so a check costs the same with ten words or ten thousand.
A word that begins (ends) with an ASCII letter must not have an ASCII letter just before (after) it in the
original text, looking through zero-width characters and combining marks: "ass" is not found in "class",
while "a bad day" and "B A D" do contain "bad". The boundary is judged in the original text, not in the
skeleton, because the skeleton of "a bad day" is "abadday". CJK words match anywhere.
A ``mask`` word replaces every character of the matched stretch of the original text with "*", including
the separators inside it ("傻 逼" → "***"). When several words match, block beats review beats mask, and
the first match of the strongest action (by where it ends) names the clause and the word.

Links are http(s)/ftp URLs, ``www.`` hosts, and bare host names with a common top-level domain
(``example.com/xyz``) or with any alphabetic one when a path follows. Full-width forms count;
e-mail addresses do not.
"""

import math
import re
import unicodedata
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

DEFAULTS: dict = {
    "min_length": 2,
    "min_length_chat": 1,
    "max_length_post": 20000,
    "max_length_chat": 2000,
    "daily_cap_post": 50,
    "daily_cap_chat": 1000,
    "repeat_window": 20,
    "clauses": {
        "too_short": "3.3",
        "too_long": "3.3",
        "interval": "3.3",
        "minute_cap": "3.3",
        "daily_cap": "3.3",
        "repeat": "3.3",
        "links_new_user": "3.2",
    },
}

REQUIRED = ("words", "new_user_days", "new_user_max_links", "post_interval_s", "chat_interval_s",
            "chat_max_per_minute")
WHERE = ("post", "chat")

# Word actions as the policy names them → the decision they produce, strongest first.
ACTIONS = {"block": "block", "review": "hold", "mask": "mask"}
_RANK = {"mask": 1, "hold": 2, "block": 3}

# Without the timestamps of the items inside a window, the end of the window is the honest upper bound.
_MINUTE = 60
_DAY = 86400


@dataclass(frozen=True)
class History:
    """What the caller knows about this author's recent writing in this channel."""
    now: datetime
    joined_at: datetime
    last_at: datetime | None
    count_last_minute: int
    count_today: int
    recent_texts: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """The verdict on one item; ``text`` is what to store."""
    action: str
    clause: str | None
    reason: str | None
    text: str
    word: str | None = None
    retry_after: int | None = None


@dataclass(frozen=True)
class _Word:
    word: str
    action: str
    clause: str
    length: int
    check_left: bool
    check_right: bool


class _Automaton:
    """Aho–Corasick over skeleton characters: ``goto`` edges, ``fail`` links, and the words ending in each state."""
    __slots__ = ("fail", "goto", "out")

    def __init__(self, skeletons: list[str]):
        goto: list[dict[str, int]] = [{}]
        out: list[list[int]] = [[]]
        for index, skel in enumerate(skeletons):
            node = 0
            for ch in skel:
                nxt = goto[node].get(ch)
                if nxt is None:
                    nxt = len(goto)
                    goto.append({})
                    out.append([])
                    goto[node][ch] = nxt
                node = nxt
            out[node].append(index)
        fail = [0] * len(goto)
        queue = deque(goto[0].values())
        while queue:
            state = queue.popleft()
            for ch, child in goto[state].items():
                queue.append(child)
                back = fail[state]
                while back and ch not in goto[back]:
                    back = fail[back]
                fail[child] = goto[back].get(ch, 0)
                out[child].extend(out[fail[child]])
        self.goto = goto
        self.fail = fail
        self.out = [tuple(ids) for ids in out]

    def scan(self, skel: str) -> list[tuple[int, int]]:
        """(end index in the skeleton, word index) for every occurrence, overlapping ones included."""
        goto, fail, out = self.goto, self.fail, self.out
        hits = []
        node = 0
        for end, ch in enumerate(skel):
            nxt = goto[node].get(ch)
            while nxt is None and node:
                node = fail[node]
                nxt = goto[node].get(ch)
            node = nxt or 0
            if out[node]:
                hits.extend((end, index) for index in out[node])
        return hits


@dataclass(frozen=True, eq=False)
class Compiled:
    """A policy ready to check against: settings resolved, words folded into one automaton."""
    new_user_for: timedelta
    new_user_max_links: int
    interval_s: dict[str, int]
    max_per_minute: int
    daily_cap: dict[str, int]
    min_length: dict[str, int]
    max_length: dict[str, int]
    repeat_window: int
    clauses: dict[str, str]
    words: tuple[_Word, ...]
    automaton: _Automaton


# Skeleton ---------------------------------------------------------------------------------------------

_ALNUM_RUNS = re.compile(r"[^\W_]+")


class _FoldTable(dict):
    """ord(c) → c's skeleton: NFKC, case-folded, letters and digits only ("" for a separator)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = ""
        if ch.isalnum():
            folded = "".join(_ALNUM_RUNS.findall(unicodedata.normalize("NFKC", ch).casefold()))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def skeleton(text: str) -> str:
    """The letters and digits of ``text``, each folded on its own; equal to ``text.translate(_FOLD)``."""
    kept = "".join(_ALNUM_RUNS.findall(text))
    # Most text is already NFKC once separators (full-width commas and the like) are gone; then
    # case-folding the whole string is the per-character fold, and far cheaper.
    if kept.isascii():
        return kept.lower()
    if unicodedata.is_normalized("NFKC", kept):
        folded = kept.casefold()
        if folded.isalnum():
            return folded
    return kept.translate(_FOLD)


@lru_cache(maxsize=2048)
def _cached_skeleton(text: str) -> str:
    return skeleton(text)


def _recent_skeleton(text: str) -> str:
    # An author's recent texts come back on each of their next checks; long ones are not worth the memory.
    return _cached_skeleton(text) if len(text) <= 2000 else skeleton(text)


def _origins(text: str) -> list[int]:
    """For each skeleton character, the index in ``text`` of the character it came from."""
    origins: list[int] = []
    for run in _ALNUM_RUNS.finditer(text):
        chunk, start = run.group(), run.start()
        if _one_to_one(chunk):
            origins.extend(range(start, run.end()))
        else:
            for offset, ch in enumerate(chunk):
                origins.extend([start + offset] * len(_FOLD[ord(ch)]))
    return origins


def _one_to_one(chunk: str) -> bool:
    """Whether each character of a run of letters and digits folds to exactly one character."""
    if chunk.isascii():
        return True
    if not unicodedata.is_normalized("NFKC", chunk):
        return False
    # Case-folding never drops a character, so an unchanged length means none grew.
    folded = chunk.casefold()
    return len(folded) == len(chunk) and folded.isalnum()


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Mn", "Me")


def _ascii_letter(ch: str) -> bool:
    return "a" <= ch <= "z"


def _letter_before(text: str, index: int) -> bool:
    index -= 1
    while index >= 0 and _invisible(text[index]):
        index -= 1
    return index >= 0 and _ascii_letter(_FOLD[ord(text[index])][-1:])


def _letter_after(text: str, index: int) -> bool:
    index += 1
    while index < len(text) and _invisible(text[index]):
        index += 1
    return index < len(text) and _ascii_letter(_FOLD[ord(text[index])][:1])


# Links ------------------------------------------------------------------------------------------------

_TLDS = ("com|cn|net|org|edu|gov|info|biz|io|co|cc|tv|xyz|top|vip|club|site|online|shop|store|app|dev|"
         "ai|link|live|icu|tech|ltd|wang|ink|pro|asia|mobi|xin|cloud|space|website|hk|tw|mo|jp|kr|sg|uk|ru|de")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_LINK = re.compile(rf"""
    (?:https?|ftp)://[^\s<>"'，。）]+
  | (?<![a-z0-9@._-]) (?:
        www\.{_LABEL}(?:\.{_LABEL})+
      | (?:{_LABEL}\.)+(?:{_TLDS})(?![a-z0-9-])
      | (?:{_LABEL}\.)+[a-z]{{2,63}}(?=/)
    )
""", re.VERBOSE)
# Full-width letters, digits and dots: rare, and only then is normalising the whole text worth it.
_FULL_WIDTH = re.compile("[\uff0e\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def count_links(text: str) -> int:
    if _FULL_WIDTH.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if "." not in text and "://" not in text:
        return 0
    return sum(1 for _ in _LINK.finditer(text))


# Compiling --------------------------------------------------------------------------------------------

def _count(policy: dict, key: str) -> int:
    value = policy[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{key} must be a whole number, 0 or more")
    return value


def _compile_words(entries) -> tuple[tuple[_Word, ...], list[str]]:
    if not isinstance(entries, list):
        raise ValueError("words must be a list")
    strongest: dict[str, _Word] = {}
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValueError(f"words[{position}] must be an object")
        word, action, clause = entry.get("word"), entry.get("action"), entry.get("clause")
        if not isinstance(word, str):
            raise ValueError(f"words[{position}].word must be text")
        if action not in ACTIONS:
            raise ValueError(f"words[{position}].action must be one of {', '.join(ACTIONS)}")
        if not isinstance(clause, str) or not clause:
            raise ValueError(f"words[{position}].clause must name a clause")
        skel = skeleton(word)
        if not skel:
            raise ValueError(f"words[{position}].word has no letters or digits to match")
        compiled = _Word(word=word, action=ACTIONS[action], clause=clause, length=len(skel),
                         check_left=_ascii_letter(skel[0]), check_right=_ascii_letter(skel[-1]))
        # Two entries that fold to the same skeleton are one word: the stronger action (then the first) holds.
        held = strongest.get(skel)
        if held is None or _RANK[compiled.action] > _RANK[held.action]:
            strongest[skel] = compiled
    return tuple(strongest.values()), list(strongest)


def compile_policy(policy: dict) -> Compiled:
    """Validate ``policy`` and build its matcher. Raises ValueError naming the first bad key."""
    if not isinstance(policy, dict):
        raise ValueError("the policy must be an object")
    missing = [key for key in REQUIRED if key not in policy]
    if missing:
        raise ValueError(f"the policy lacks {', '.join(missing)}")
    settings = {**DEFAULTS, **policy}
    clauses = settings["clauses"]
    if not isinstance(clauses, dict) or not all(isinstance(v, str) and v for v in clauses.values()):
        raise ValueError("clauses must map each reason to a clause id")
    unknown = set(clauses) - set(DEFAULTS["clauses"])
    if unknown:
        raise ValueError(f"clauses names unknown reasons: {', '.join(sorted(unknown))}")
    words, skeletons = _compile_words(policy["words"])
    return Compiled(
        new_user_for=timedelta(days=_count(settings, "new_user_days")),
        new_user_max_links=_count(settings, "new_user_max_links"),
        interval_s={"post": _count(settings, "post_interval_s"), "chat": _count(settings, "chat_interval_s")},
        max_per_minute=_count(settings, "chat_max_per_minute"),
        daily_cap={"post": _count(settings, "daily_cap_post"), "chat": _count(settings, "daily_cap_chat")},
        min_length={"post": _count(settings, "min_length"), "chat": _count(settings, "min_length_chat")},
        max_length={"post": _count(settings, "max_length_post"), "chat": _count(settings, "max_length_chat")},
        repeat_window=_count(settings, "repeat_window"),
        clauses={**DEFAULTS["clauses"], **clauses},
        words=words,
        automaton=_Automaton(skeletons),
    )


# Checking ---------------------------------------------------------------------------------------------

def _refuse(compiled: Compiled, reason: str, text: str, retry_after: int | None = None) -> Decision:
    return Decision("block", compiled.clauses[reason], reason, text, retry_after=retry_after)


def _rate(compiled: Compiled, where: str, text: str, history: History) -> Decision | None:
    cap = compiled.daily_cap[where]
    if cap and history.count_today >= cap:
        return _refuse(compiled, "daily_cap", text, _DAY)
    if where == "chat" and compiled.max_per_minute and history.count_last_minute >= compiled.max_per_minute:
        return _refuse(compiled, "minute_cap", text, _MINUTE)
    interval = compiled.interval_s[where]
    if interval and history.last_at is not None:
        # A last_at in the future (clock skew between servers) counts as just now.
        elapsed = max((history.now - history.last_at).total_seconds(), 0.0)
        if elapsed < interval:
            return _refuse(compiled, "interval", text, max(1, math.ceil(interval - elapsed)))
    return None


def _words(compiled: Compiled, text: str, skel: str) -> Decision | None:
    hits = compiled.automaton.scan(skel)
    if not hits:
        return None
    words = compiled.words
    origins = None
    best: tuple[_Word, int, int] | None = None
    masked: list[tuple[int, int]] = []
    for end, index in hits:
        word = words[index]
        start = end - word.length + 1
        if word.check_left or word.check_right or word.action == "mask":
            origins = origins or _origins(text)
            first, last = origins[start], origins[end]
            if (word.check_left and _letter_before(text, first)) or (word.check_right and _letter_after(text, last)):
                continue
            if word.action == "mask":
                masked.append((first, last))
        # Hits come in order of their end; the leftmost-ending match of the strongest action is reported.
        if best is None or _RANK[word.action] > _RANK[best[0].action]:
            best = (word, start, end)
            if word.action == "block":
                break
    if best is None:
        return None
    word = best[0]
    if word.action != "mask":
        return Decision(word.action, word.clause, "word", text, word=word.word)
    chars = list(text)
    for first, last in masked:
        chars[first:last + 1] = "*" * (last - first + 1)
    return Decision("mask", word.clause, "word", "".join(chars), word=word.word)


def check(compiled: Compiled, where: str, text: str, history: History) -> Decision:
    """Judge one post or chat message by ``history``'s author; the first refusal wins (see the module doc)."""
    if where not in WHERE:
        raise ValueError(f"where must be one of {', '.join(WHERE)}")
    if len(text) > compiled.max_length[where]:
        return _refuse(compiled, "too_long", text)
    skel = skeleton(text)
    shortest = compiled.min_length[where]
    if len(skel) < shortest and (shortest > 1 or not text.strip()):
        return _refuse(compiled, "too_short", text)
    refusal = _rate(compiled, where, text, history)
    if refusal:
        return refusal
    if skel and any(_recent_skeleton(old) == skel for old in history.recent_texts[:compiled.repeat_window]):
        return _refuse(compiled, "repeat", text)
    if history.now - history.joined_at < compiled.new_user_for and count_links(text) > compiled.new_user_max_links:
        return _refuse(compiled, "links_new_user", text)
    return _words(compiled, text, skel) or Decision("allow", None, None, text)
