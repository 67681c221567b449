"""The only module that turns user text into HTML: forum Markdown, chat text, quotes and plain-text previews.

Two layers, so that neither alone has to be perfect:

1. markdown-it-py (CommonMark with strikethrough and tables, raw HTML off, a line break is a ``<br>``) parses the
   Markdown, and a few core rules reshape its tokens: headings move down two levels (``#`` is ``<h3>``) so a post
   cannot shout over the page; table alignment becomes ``align`` instead of a ``style``; an image whose source is
   not one of our own attachments (``/media/KEY``) is replaced by its alt text, so a post cannot make every
   reader's phone fetch a remote tracker; ``@name`` becomes a mention link.
2. nh3 (ammonia) cleans the HTML against an explicit allow-list. Tags: p br strong em del s code pre blockquote
   ul ol li a img h3-h6 hr table thead tbody tr th td. Attributes: ``a[href title]``, ``img[src alt title]``,
   ``ol[start]``, ``th/td[align=left|center|right]``, and ``class="mention"`` on ``a`` only. Links may use http,
   https, mailto or a relative URL and always get ``rel="nofollow ugc noopener"``; ``img src`` must be
   ``/media/...``. No style, no target, no comments.

Mentions are ``<a class="mention" href="/users/ID">@name</a>``: a link to the profile, so they need no extra
attribute (a ``<span data-user>`` would need ``data-*`` allowed) and still work when tapped on a phone.
Names match case-insensitively, longest first, not inside code or links, and a name ending in a Latin letter or
digit must not run on into more of them (``@Bob`` is not found in ``@Bobby``); CJK names need no space after.

``plain_text`` returns text, not HTML: it keeps ``<`` as typed and must be escaped like any other string.
"""

import html
import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# One path segment or more below /media/, none starting with "." (so no "..") and no "%", "?", "\" or "//":
# a browser must not be able to resolve the source to anything but an attachment.
_MEDIA_SRC = re.compile(r"/media/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*")
_ALIGN = re.compile(r"text-align:(left|center|right)")


def _is_media(src: str) -> bool:
    return _MEDIA_SRC.fullmatch(src) is not None


def _shift_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"


def _table_align(state: StateCore) -> None:
    # markdown-it writes style="text-align:..."; style is never allowed, a fixed-value align is.
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs:
            found = _ALIGN.fullmatch(str(token.attrs.get("style", "")))
            token.attrs = {"align": found.group(1)} if found else {}


def _local_images(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _without_remote_images(token.children)


def _without_remote_images(children: list[Token]) -> list[Token]:
    kept = []
    for child in children:
        if child.type == "image" and not _is_media(str(child.attrs.get("src", ""))):
            kept.extend(_without_remote_images(child.children or []))
        else:
            kept.append(child)
    return kept


def _mention_links(state: StateCore) -> None:
    pattern, ids = state.env.get("mentions", (None, None))
    if pattern is None:
        return
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _split_mentions(token.children, pattern, ids)


def _split_mentions(children: list[Token], pattern: re.Pattern, ids: dict[str, int]) -> list[Token]:
    result, in_link = [], 0
    for child in children:
        in_link += child.nesting if child.type in ("link_open", "link_close") else 0
        if child.type != "text" or in_link:  # code spans are "code_inline"; links must not nest
            result.append(child)
            continue
        position = 0
        for found in pattern.finditer(child.content):
            user_id = ids.get(found.group(1).lower())
            if user_id is None:
                continue
            result.append(_text(child.content[position:found.start()]))
            result.append(Token("link_open", "a", 1, attrs={"class": "mention", "href": f"/users/{user_id}"}))
            result.append(_text(found.group(0)))
            result.append(Token("link_close", "a", -1))
            position = found.end()
        result.append(_text(child.content[position:]))
    return [token for token in result if token.type != "text" or token.content]


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _mention_pattern(mentions: Mapping[str, int]) -> tuple[re.Pattern, dict[str, int]]:
    names = sorted(filter(None, mentions), key=len, reverse=True)  # longest first: @张三丰 is not @张三
    alternatives = "|".join(re.escape(name) + (r"(?![A-Za-z0-9_])" if re.search(r"[A-Za-z0-9_]$", name) else "")
                            for name in names)
    pattern = re.compile(rf"(?<![A-Za-z0-9_.])@({alternatives})", re.IGNORECASE)
    return pattern, {name.lower(): user_id for name, user_id in mentions.items()}


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _allowed_link(url: str) -> bool:
    # Decides before any HTML exists: a link with another scheme stays visible as the text that was typed,
    # rather than becoming an <a> without href after cleaning. Relative URLs pass.
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["strikethrough", "table"])
_markdown.validateLink = _allowed_link
_markdown.core.ruler.push("shift_headings", _shift_headings)
_markdown.core.ruler.push("table_align", _table_align)
_markdown.core.ruler.push("local_images", _local_images)
_markdown.core.ruler.push("mentions", _mention_links)


def _only_media_images(tag: str, attribute: str, value: str) -> str | None:
    # Second line of defence for the image rule above; must never raise (nh3 would only report it).
    if tag == "img" and attribute == "src" and not _is_media(value):
        return None
    return value


_ALIGNS = {"left", "center", "right"}
_cleaner = nh3.Cleaner(
    tags={"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img",
          "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td"},
    attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}},
    tag_attribute_values={"th": {"align": _ALIGNS}, "td": {"align": _ALIGNS}},
    allowed_classes={"a": {"mention"}},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    attribute_filter=_only_media_images,
    strip_comments=True,
)


def render(markdown: str, mentions: Mapping[str, int] | None = None) -> str:
    """Safe HTML for a post. ``mentions`` maps display names to user ids; each ``@name`` becomes a link."""
    env = {"mentions": _mention_pattern(mentions)} if mentions and any(mentions) else {}
    return _cleaner.clean(_markdown.render(markdown, env))


def plain_text(markdown: str) -> str:
    """The words of a post without markup, one block per line: for search and notification previews."""
    blocks = []
    for token in _markdown.parse(markdown):
        if token.type == "inline":
            blocks.append(_inline_text(token.children or []))
        elif token.type in ("code_block", "fence"):
            blocks.append(token.content.rstrip("\n"))
    return "\n".join(block for block in blocks if block.strip())


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # Markdown's line endings; str.splitlines also splits on U+2028 and more
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def quote(markdown: str, author: str) -> str:
    """Markdown quoting a post in a reply: the author's name in bold, then the post; ends with a blank line."""
    name = _MARKDOWN_PUNCTUATION.sub(r"\\\1", author)  # a name is text, never markup
    lines = [f"**{name}**:", "", *_LINE_BREAK.split(markdown.strip("\r\n"))]
    # The blank line after it keeps what follows from running lazily into the quote.
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines) + "\n\n"


# Only ASCII URL characters: in Chinese chat a URL is usually followed directly by text, not by a space.
_URL = re.compile(r"https?://[A-Za-z0-9\[][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*", re.IGNORECASE)
_URL_TAIL = ".,;:!?'*"


def _trim_url(url: str) -> str:
    # Closing punctuation usually belongs to the sentence; a ")" stays when it closes a "(" in the URL.
    end, unmatched = len(url), url.count(")") - url.count("(")
    while end:
        if url[end - 1] in _URL_TAIL:
            end -= 1
        elif url[end - 1] == ")" and unmatched > 0:
            end, unmatched = end - 1, unmatched - 1
        else:
            break
    return url[:end]


def escape_text(text: str) -> str:
    """Safe HTML for a chat message: no Markdown, escaped, line breaks kept, http(s) URLs linked."""
    parts, position = [], 0
    for found in _URL.finditer(text):
        url = _trim_url(found.group(0))
        parts.append(_escape_lines(text[position:found.start()]))
        parts.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        position = found.start() + len(url)
    parts.append(_escape_lines(text[position:]))
    # The same cleaner as posts: it adds rel and is the last word on what reaches a browser.
    return _cleaner.clean("".join(parts))


def _escape_lines(text: str) -> str:
    return _LINE_BREAK.sub("<br>\n", html.escape(text))
