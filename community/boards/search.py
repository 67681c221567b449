"""Search over thread titles and posts: Chinese substrings of any length, only what the reader may see.

What is found. A thread (its title and its opening text) is one item of type ``thread``; each reply is an item of
type ``post``. Bodies are searched as the Markdown source the author typed, read as plain text (never the HTML).
The query is split on whitespace into terms; an item matches when every term occurs in it as a substring
(case-insensitive for Latin letters), so "停水", "电梯", "消防通道", "WiFi密码" and "3号楼 电梯" all work.
Threads whose title holds every term come first, then the other matches; newest first within each group.
Readers find only what they may see (``core.scope.content``), and a post only if they may also see its thread.
``title`` is plain text; ``snippet`` is HTML: about 80 characters of the rendered text (``sanitize.plain_text``,
never the Markdown source's markup) around the first hit, escaped, hits in <mark>. Each item also carries its
board (slug and name), its author's public card and when it was written.

SQLite: FTS5 indexes made by migration 0003, two of posts (``rowid = posts.id``; columns ``title``, which only
opening posts carry, and ``body``) and two of thread titles (``rowid = threads.id``), each in two tokenizations:

- ``*_trigram`` (tokenizer ``trigram``): a quoted term is a phrase of its trigrams, i.e. a substring. It answers
  queries whose terms all have three characters or more.
- ``*_chars`` (tokenizer ``unicode61``): answers terms of one or two characters, which trigram never matches.
  unicode61 would keep a run of CJK characters as one token, so what it indexes is ``spaced(text)``: every
  character its own token (punctuation and symbols too, by the tokenizer's ``categories``) and each run of
  whitespace a ``__`` token that no query can produce. A term spaced the same way is a phrase of its
  characters, which matches exactly where the term is a substring: "水电" is not found in "停水，电梯".
  A query with any short term runs on this index alone, its long terms as phrases too, rather than
  intersecting two indexes: one index can stream matches newest first and stop at the limit, while narrowing
  it by a second means listing every match of the second first (tens of milliseconds for a common term).

Triggers on posts and threads keep the indexes in step with every write, whatever code makes it. They call
``linli_spaced`` (``spaced``, registered on every SQLite connection in ``community._sqlite_pragmas``), so no
extra column has to be filled by each write path. The tables are contentless (``content=''``): we never read
text back from them (snippets come from ``posts.body``), so they keep no second copy of every post. The price
is that taking a row out needs the values it was indexed with; the triggers have them (``old.*`` and the
thread's title) and tokenize them with the same deterministic functions, so changing ``spaced`` needs a
migration that rebuilds the ``*_chars`` tables.

Every term reaches FTS5 as a quoted phrase (inner quotes doubled), so nothing typed is read as query syntax
(``AND``, ``NEAR``, ``*``, ``:``, parentheses). LIKE and GLOB are never run on the trigram tables: on SQLite
3.40 they miss CJK text there. A search is one or two queries (title hits, then the rest), each driven by an
FTS index in descending rowid order and joined by primary key to posts and threads for the visibility filter,
so it stops after ``offset + limit`` visible rows however many posts match.

PostgreSQL: pg_trgm GIN indexes on ``posts.body`` and ``threads.title`` (their trigrams are case-folded, so they
serve LIKE and ILIKE); each term is ``ILIKE '%term%'``, or ``LIKE`` when it has no letters with case, with ``%``,
``_`` and ``\\`` escaped. Terms of three characters or more can use the indexes; shorter ones are correct but
scan. Each query is a plain conjunction ordered newest first, so the planner can walk posts backwards and stop
at the limit for a common term and take the index for a rare one. Ranking is the same as on SQLite.
"""

import html
import json
import re

from sqlalchemy import Text, and_, cast, column, func, literal, or_, select, table, text
from sqlalchemy.dialects.postgresql import ARRAY

from ..accounts import services as accounts
from ..core import policy, sanitize, scope
from ..core.errors import Invalid
from ..core.i18n import gettext as _
from ..core.timeutil import iso
from ..extensions import db
from .models import Board, Post, Thread
from .services import localized

QUERY_MAX = 100
OFFSET_MAX = 1000  # each page costs offset + limit rows; nobody reads further
SNIPPET_WIDTH = 80
TRIGRAM_MIN = 3  # shorter terms have no trigram

POST_TRIGRAM, POST_CHARS = table("posts_trigram", column("rowid")), table("posts_chars", column("rowid"))
THREAD_TRIGRAM, THREAD_CHARS = table("threads_trigram", column("rowid")), table("threads_chars", column("rowid"))

_WHITESPACE = re.compile(r"\s+")
# What migrations 0003 and 0024 make: FTS5 tables with their shadow tables; pg_trgm and pair GIN indexes.
_SEARCH_INDEXES = re.compile(
    r"(posts|threads)_(trigram|chars)(_data|_idx|_docsize|_config|_content)?|ix_\w+_(trgm|bigrams)")


def spaced(value: str | None) -> str | None:
    """Each character a token for unicode61, whitespace runs a ``__`` token: what the ``*_chars`` tables index."""
    if value is None:
        return None
    return " __ ".join(" ".join(run) for run in _WHITESPACE.split(value) if run)


def not_search_index(name, type_, _parent_names) -> bool:
    """Alembic's ``include_name``: the search tables and indexes are not models, so autogenerate leaves them be."""
    return not (type_ in ("table", "index") and _SEARCH_INDEXES.fullmatch(name or ""))


def register_sqlite_functions(connection) -> None:
    """The search triggers call it: every SQLite connection that may write posts or threads needs it."""
    connection.create_function("linli_spaced", 1, spaced, deterministic=True)


def terms(q) -> list[str]:
    """The whitespace-separated terms of ``q``, without repeats or terms inside other terms (they add nothing)."""
    if not isinstance(q, str) or not q.strip():
        raise Invalid(_("This field is required."), field="q")
    if len(q) > QUERY_MAX:
        raise Invalid(_("This field is too long."), field="q")
    unique = {t.lower(): t for t in q.split()}
    return [t for key, t in unique.items() if not any(key in other for other in unique if other != key)]


def search(actor, q, *, limit: int = 20, offset: int = 0) -> list[dict]:
    """Items ``{"type", "id", "thread_id", "title", "snippet"}``, title hits first, then newest first."""
    policy.require_member(actor)
    found = terms(q)
    want = offset + limit
    rows = _rows(actor, found, want, title_only=True)
    if len(rows) < want:
        titled = {row.id for row in rows}
        rest = _rows(actor, found, want + len(titled), title_only=False)
        rows += [row for row in rest if row.id not in titled][:want - len(rows)]
    return _items(rows[offset:want], found)


def _rows(actor, found: list[str], count: int, *, title_only: bool) -> list:
    if db.engine.dialect.name == "sqlite":
        queries = [_sqlite_query(found, title_only)]
    else:
        queries = _postgres_queries(found, title_only)
    rows = {}
    for query in queries:
        readable = query.where(scope.content(actor, Post), scope.content(actor, Thread))
        for row in db.session.execute(readable.limit(count)):
            rows.setdefault(row.id, row)
    if len(queries) == 1:
        return list(rows.values())
    return sorted(rows.values(), key=lambda row: row.id, reverse=True)[:count]


def _columns():
    return select(Post.id, Post.thread_id, Post.opening, Thread.title, Post.body, Post.author_id, Post.created_at,
                  Thread.board_id)


# ---- SQLite: FTS5 ---------------------------------------------------------------------------------

def _phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _sqlite_query(found: list[str], title_only: bool):
    # One index answers the whole query, so it streams newest first and stops at the limit; narrowing it by a
    # second index would mean listing every match of that one first.
    by_chars = any(len(t) < TRIGRAM_MIN for t in found)
    match = " AND ".join(_phrase(spaced(t) if by_chars else t) for t in found)
    if title_only:
        index = THREAD_CHARS if by_chars else THREAD_TRIGRAM
        query = (_columns().select_from(index).join(Thread, Thread.id == index.c.rowid)
                 .join(Post, and_(Post.thread_id == Thread.id, Post.opening.is_(True))))
    else:
        index = POST_CHARS if by_chars else POST_TRIGRAM
        query = (_columns().select_from(index).join(Post, Post.id == index.c.rowid)
                 .join(Thread, Thread.id == Post.thread_id))
    return query.where(text(f"{index.name} MATCH :match").bindparams(match=match)).order_by(index.c.rowid.desc())


# ---- PostgreSQL: pg_trgm --------------------------------------------------------------------------

_EXPLAIN = {op: text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM posts WHERE body {op} :pattern ESCAPE '\\'")
            for op in ("LIKE", "ILIKE")}
_EXPLAIN_PAIR = text("EXPLAIN (FORMAT JSON) SELECT 1 FROM posts "
                     "WHERE linli_bigrams(body) @> ARRAY[CAST(:pair AS text)]")


def _pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _contains(expression, term: str, *, indexed: bool = True, pairs: bool = False):
    """``expression`` holds ``term``. With ``indexed=False`` the test is on ``expression || ''``, which no index
    serves: a term that is not the query's most selective one is checked on the rows the other found, instead
    of having the planner AND its (long) trigram posting lists into the scan. With ``pairs``, a two-character
    term is found through the index of two-character pieces (migration 0024), then checked as any other."""
    found = None
    if pairs and len(term) == 2:
        found = func.linli_bigrams(expression).op("@>")(cast([term.lower()], ARRAY(Text)))
    if not indexed or found is not None:
        expression = expression.op("||")(literal(""))
    if term.lower() == term.upper():  # nothing to fold (Chinese, digits): LIKE checks a row in half the time
        test = expression.like(_pattern(term), escape="\\")
    else:
        test = expression.ilike(_pattern(term), escape="\\")
    return test if found is None else and_(found, test)


RARE_ROWS = 2000  # a driving term expected in fewer posts is read from the index; above, posts are walked


def _driver(found: list[str]) -> tuple[str, bool]:
    """The term that should drive the query, and whether it is rare enough to be read from an index: of the
    terms an index can serve (three characters or more: the trigrams; two: the pairs of migration 0024), the one
    PostgreSQL's statistics expect in the fewest posts (one planning-only EXPLAIN per term, no rows read; the
    longer one on a tie)."""
    indexable = [t for t in found if len(t) >= 2]
    if not indexable:
        return found[0], False

    def expected(term: str) -> float:
        if len(term) < TRIGRAM_MIN:
            plan = db.session.execute(_EXPLAIN_PAIR, {"pair": term.lower()}).scalar()
        else:
            operator = "LIKE" if term.lower() == term.upper() else "ILIKE"
            plan = db.session.execute(_EXPLAIN[operator], {"pattern": _pattern(term)}).scalar()
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return plan[0]["Plan"]["Plan Rows"]
    rows, lead = min((expected(t), -len(t), t) for t in indexable)[0::2]
    return lead, rows < RARE_ROWS


def _postgres_queries(found: list[str], title_only: bool) -> list:
    """Queries ordered newest first whose rows together are the matches (an OR across posts and threads in one
    query would keep the planner from both walking posts backwards and using the indexes).

    Planned so that the most selective term drives (``_driver``). When it is rare, only it may use an index
    (the others are tested on ``text || ''``, which no index serves), so the planner reads its few matches from
    the trigram index instead of ANDing the long posting lists of common terms into the scan. Otherwise every
    term keeps its statistics and the planner walks posts (or opening posts, ``ix_posts_opening_id``)
    backwards, newest first, and stops at the limit."""
    lead, rare = _driver(found) if len(found) > 1 or len(found[0]) == 2 else (found[0], False)

    def has(expression, term):
        return _contains(expression, term, indexed=not rare or term == lead, pairs=rare and term == lead)
    opening = (_columns().select_from(Thread)
               .join(Post, and_(Post.thread_id == Thread.id, Post.opening.is_(True))))
    if title_only:
        return [opening.where(*(has(Thread.title, t) for t in found)).order_by(Thread.id.desc())]
    in_body = (_columns().select_from(Post).join(Thread, Thread.id == Post.thread_id)
               .where(*(has(Post.body, t) for t in found)).order_by(Post.id.desc()))
    if len(found) == 1:
        return [in_body]
    # An opening post whose thread's title holds some terms and its text the others. (A text holding every
    # term is ``in_body``'s already, so "some in the title" need not be asked: each term in one or the other.)
    if not rare:
        across = opening.where(or_(*(_contains(Thread.title, t) for t in found)),
                               *(or_(_contains(Thread.title, t), _contains(Post.body, t)) for t in found))
        return [in_body, across.order_by(Post.id.desc())]
    # Rare: found from the driving term in the title, or in the opening text; the others checked on those.
    rest = [or_(_contains(Thread.title, t, indexed=False), _contains(Post.body, t, indexed=False))
            for t in found if t != lead]
    by_title = opening.where(_contains(Thread.title, lead, pairs=True), *rest).order_by(Thread.id.desc())
    by_text = opening.where(_contains(Post.body, lead, pairs=True), *rest).order_by(Post.id.desc())
    return [in_body, by_title, by_text]


# ---- items and snippets ---------------------------------------------------------------------------

def _items(rows: list, found: list[str]) -> list[dict]:
    """The page's items: authors' cards in one go, boards from one small query."""
    if not rows:
        return []
    cards = accounts.public_cards(row.author_id for row in rows)
    boards = {b.id: {"slug": b.slug, "name": localized(b)[0]}
              for b in db.session.scalars(select(Board).where(Board.id.in_({row.board_id for row in rows})))}
    return [{"type": "thread" if row.opening else "post", "id": row.thread_id if row.opening else row.id,
             "thread_id": row.thread_id, "title": row.title, "snippet": snippet(sanitize.plain_text(row.body), found),
             "board": boards[row.board_id], "author": cards.get(row.author_id), "created_at": iso(row.created_at)}
            for row in rows]


def snippet(source: str, found: list[str], width: int = SNIPPET_WIDTH) -> str:
    """About ``width`` characters of ``source`` (plain text) around the first hit, HTML-escaped, each hit in
    ``<mark>``."""
    flat = _WHITESPACE.sub(" ", source).strip()
    pattern = re.compile("|".join(re.escape(t) for t in sorted(found, key=len, reverse=True)), re.IGNORECASE)
    hits = list(pattern.finditer(flat))
    start = max(0, hits[0].start() - width // 4) if hits else 0
    end = min(len(flat), start + width)
    start = max(0, end - width)
    parts, position = ["…" if start else ""], start
    for hit in hits:
        if hit.start() < position:
            continue
        if hit.start() >= end:
            break
        parts += [html.escape(flat[position:hit.start()]), "<mark>", html.escape(hit.group()), "</mark>"]
        position = hit.end()
        end = max(end, position)
    parts += [html.escape(flat[position:end]), "…" if end < len(flat) else ""]
    return "".join(parts)
