"""The sanitiser: every XSS payload comes out inert, checked structurally, and ordinary Markdown still renders."""

import re
from html.parser import HTMLParser

import pytest

from community.core import sanitize
from community.core.sanitize import escape_text, plain_text, quote, render

from .xss_corpus import PAYLOADS

REL = "nofollow ugc noopener"
MEDIA_KEY = "Ab3dEf6hIj9kLm2nOp5q"

# Written out here, not imported, so that widening the module's allow-list makes these tests fail.
ALLOWED = {
    **{tag: set() for tag in ("p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "li",
                              "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr")},
    "ol": {"start"},
    "a": {"href", "title", "rel", "class"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
CHAT_ALLOWED = {"br": set(), "a": {"href", "rel"}}
MEDIA_SRC = re.compile(r"/media/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: it strips C0 controls and spaces at the ends, and tabs and newlines inside."""
    value = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    found = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
    return found.group(1).lower() if found else None


class Inspector(HTMLParser):
    """Fails on anything outside the allow-list: tags, attributes, attribute values, comments, stray markup."""

    def __init__(self, allowed: dict[str, set[str]]):
        super().__init__(convert_charrefs=False)
        self.allowed = allowed
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        assert tag in self.allowed, f"tag <{tag}>"
        names = [name for name, _ in attrs]
        assert len(names) == len(set(names)), f"duplicate attribute on <{tag}>: {names}"
        found = dict(attrs)
        assert set(found) <= self.allowed[tag], f"attributes {set(found) - self.allowed[tag]} on <{tag}>"
        if tag == "a":
            assert found.get("rel") == REL, f"rel {found.get('rel')!r}"
            if "href" in found:
                assert url_scheme(found["href"] or "") in (None, "http", "https", "mailto"), found["href"]
            if "class" in found:
                assert found["class"] == "mention" and re.fullmatch(r"/users/\d+", found.get("href") or "")
        if tag == "img" and "src" in found:  # an <img> without src is inert; render() never leaves one
            assert MEDIA_SRC.fullmatch(found["src"] or ""), f"img src {found['src']!r}"
        if tag in ("th", "td") and "align" in found:
            assert found["align"] in ("left", "center", "right")
        if tag == "ol" and "start" in found:
            assert (found["start"] or "").isdigit()
        self.tags.append((tag, found))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        assert tag in self.allowed, f"end tag </{tag}>"

    def handle_data(self, data):
        # A raw "<" or ">" in text would mean the serialiser and a browser may disagree about where tags are.
        assert "<" not in data and ">" not in data, f"raw angle bracket in text {data!r}"

    def handle_comment(self, data):
        raise AssertionError(f"comment {data!r}")

    def handle_decl(self, decl):
        raise AssertionError(f"declaration {decl!r}")

    def handle_pi(self, data):
        raise AssertionError(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        raise AssertionError(f"declaration {data!r}")


def inspect(html: str, allowed: dict[str, set[str]] = ALLOWED) -> list[tuple[str, dict]]:
    assert "<script" not in html.lower()
    parser = Inspector(allowed)
    parser.feed(html)
    parser.close()
    return parser.tags


# ---- the corpus -----------------------------------------------------------------------------------

def test_corpus_is_large_and_distinct():
    assert len(PAYLOADS) >= 80 and len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_neutralises(payload):
    for html in (render(payload), render(payload, mentions={"张三": 7, "Bob": 8})):
        assert all("src" in attrs for tag, attrs in inspect(html) if tag == "img")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_cleaner_alone_neutralises(payload):
    # The private nh3 stage is tested on raw HTML too: it must hold even if the Markdown layer let HTML through.
    inspect(sanitize._cleaner.clean(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_text_neutralises(payload):
    inspect(escape_text(payload), CHAT_ALLOWED)


@pytest.mark.parametrize("bad", [
    "<img src=x onerror=alert(1)>",
    '<img src="https://tracker.example/p.gif">',
    '<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>',
    '<a href=" javascript:alert(1)" rel="nofollow ugc noopener">x</a>',
    '<a href="/x">no rel</a>',
    '<a class="evil" href="/users/1" rel="nofollow ugc noopener">x</a>',
    '<p style="color:red">x</p>',
    "<svg></svg>",
    "<span>x</span>",
    "<!-- x -->",
    "<p>a < b</p>",
    "<script>alert(1)</script>",
])
def test_inspector_catches(bad):
    with pytest.raises(AssertionError):
        inspect(bad)


# ---- links and images ------------------------------------------------------------------------------

def test_links_carry_rel_and_keep_query():
    assert render("[物业公告](https://example.com/a?b=1&c=2 \"标题\")") == (
        '<p><a href="https://example.com/a?b=1&amp;c=2" title="标题" rel="nofollow ugc noopener">物业公告</a></p>\n')


@pytest.mark.parametrize("markdown, href", [
    ("<https://example.com>", "https://example.com"),
    ("<mailto:wuye@example.com>", "mailto:wuye@example.com"),
    ("[版规](/boards/rules)", "/boards/rules"),
])
def test_allowed_link_kinds(markdown, href):
    tags = inspect(render(markdown))
    assert tags == [("p", {}), ("a", {"href": href, "rel": REL})]


@pytest.mark.parametrize("markdown", ["[x](javascript:alert(1))", "[x](tel:10086)", "[x](data:image/png;base64,AA)",
                                      "<ftp://example.com/file>"])
def test_other_schemes_stay_text(markdown):
    assert render(markdown) == "<p>" + markdown.replace("<", "&lt;").replace(">", "&gt;") + "</p>\n"


def test_target_is_never_kept():
    assert "target" not in sanitize._cleaner.clean('<a href="https://example.com" target="_blank">x</a>')


def test_media_image_kept():
    assert render(f"![门禁卡](/media/{MEDIA_KEY} \"正面\")") == (
        f'<p><img src="/media/{MEDIA_KEY}" alt="门禁卡" title="正面"></p>\n')
    assert render(f"![](/media/{MEDIA_KEY})") == f'<p><img src="/media/{MEDIA_KEY}" alt=""></p>\n'


@pytest.mark.parametrize("src", [
    "https://tracker.example/p.gif", "http://tracker.example/p.gif", "//tracker.example/p.gif", "/media/../logout",
    "/media/%2e%2e/logout", "/media//tracker.example", "/media/x?track=1", "/mediax/a", "media/a",
    "/static/x.png", "/media/", "/users/1/avatar",
])
def test_other_images_become_their_alt_text(src):
    assert render(f"前 ![小区门口]({src}) 后") == "<p>前 小区门口 后</p>\n"


def test_data_image_stays_text():
    assert render("![x](data:image/png;base64,iVBORw0KGgo=)") == "<p>![x](data:image/png;base64,iVBORw0KGgo=)</p>\n"


def test_reference_and_linked_remote_images_dropped():
    html = render("![猫][pic] [![狗](https://t.example/d.png)](https://example.com)\n\n[pic]: https://t.example/c.png")
    assert "<img" not in html and "猫" in html
    assert '<a href="https://example.com" rel="nofollow ugc noopener">狗</a>' in html


# ---- ordinary Markdown -----------------------------------------------------------------------------

@pytest.mark.parametrize("markdown, html", [
    ("**停水通知** 和 *明天*", "<p><strong>停水通知</strong> 和 <em>明天</em></p>\n"),
    ("~~取消~~", "<p><s>取消</s></p>\n"),
    ("第一行\n第二行", "<p>第一行<br>\n第二行</p>\n"),
    ("- 一号楼\n- 二号楼", "<ul>\n<li>一号楼</li>\n<li>二号楼</li>\n</ul>\n"),
    ("3. 三\n4. 四", '<ol start="3">\n<li>三</li>\n<li>四</li>\n</ol>\n'),
    ("用 `<b>` 加粗", "<p>用 <code>&lt;b&gt;</code> 加粗</p>\n"),
    ("```python\nprint('邻里')\n```", "<pre><code>print('邻里')\n</code></pre>\n"),
    ("> 业委会说\n\n回复", "<blockquote>\n<p>业委会说</p>\n</blockquote>\n<p>回复</p>\n"),
    ("上\n\n---\n\n下", "<p>上</p>\n<hr>\n<p>下</p>\n"),
    ("<b>不是标签</b> &amp; &copy;", "<p>&lt;b&gt;不是标签&lt;/b&gt; &amp; ©</p>\n"),
    ("a\x00b", "<p>a\ufffdb</p>\n"),
])
def test_markdown(markdown, html):
    assert render(markdown) == html


@pytest.mark.parametrize("markdown, tag", [("# 大标题", "h3"), ("## 标题", "h4"), ("### 小标题", "h5"),
                                           ("#### 更小", "h6"), ("###### 最小", "h6"), ("标题\n===", "h3")])
def test_headings_never_outrank_the_page(markdown, tag):
    assert render(markdown).startswith(f"<{tag}>")


def test_table_alignment_without_style():
    html = render("| 费用 | 金额 | 备注 |\n|:--|--:|---|\n| 物业费 | 2.5 | 每月 |")
    assert "style" not in html
    assert [(tag, attrs) for tag, attrs in inspect(html) if tag in ("th", "td")] == [
        ("th", {"align": "left"}), ("th", {"align": "right"}), ("th", {}),
        ("td", {"align": "left"}), ("td", {"align": "right"}), ("td", {})]
    assert "<td align=\"right\">2.5</td>" in html


# ---- mentions --------------------------------------------------------------------------------------

def mention(user_id: int, text: str) -> str:
    return f'<a class="mention" href="/users/{user_id}" rel="nofollow ugc noopener">{text}</a>'


@pytest.mark.parametrize("markdown, html", [
    ("@张三 你好", f"<p>{mention(1, '@张三')} 你好</p>\n"),
    ("@张三你好", f"<p>{mention(1, '@张三')}你好</p>\n"),
    ("@张三丰来了", f"<p>{mention(2, '@张三丰')}来了</p>\n"),
    ("**@张三**", f"<p><strong>{mention(1, '@张三')}</strong></p>\n"),
    ("@bob, @Bob.", f"<p>{mention(3, '@bob')}, {mention(3, '@Bob')}.</p>\n"),
    ("@Bobby", "<p>@Bobby</p>\n"),
    ("mail a@Bob", "<p>mail a@Bob</p>\n"),
    ("@a.b @axb", f"<p>{mention(4, '@a.b')} @axb</p>\n"),
    ("`@张三`", "<p><code>@张三</code></p>\n"),
    ("```\n@张三\n```", "<pre><code>@张三\n</code></pre>\n"),
    ("[@张三](https://example.com)", '<p><a href="https://example.com" rel="nofollow ugc noopener">@张三</a></p>\n'),
    ("@李四", "<p>@李四</p>\n"),
])
def test_mentions(markdown, html):
    assert render(markdown, mentions={"张三": 1, "张三丰": 2, "Bob": 3, "a.b": 4}) == html


def test_mentions_escape_names():
    name = '"><img src=x onerror=alert(1)>'
    html = render(f"@{name}", mentions={name: 5})
    assert inspect(html) == [("p", {}), ("a", {"class": "mention", "href": "/users/5", "rel": REL})]


def test_no_mentions_without_names():
    assert render("@张三 @") == render("@张三 @", mentions={}) == render("@张三 @", mentions={"": 1}) == "<p>@张三 @</p>\n"


# ---- plain text, quotes, chat ----------------------------------------------------------------------

def test_plain_text():
    markdown = ("# 停水\n\n**明天** 9点 [详情](https://example.com)\n第二行\n\n- 一号楼\n- 二号楼\n\n"
                f"```\ncode\n```\n\n![水表](/media/{MEDIA_KEY}) &amp; `x<y`\n\n---\n\n> 引用")
    assert plain_text(markdown) == "停水\n明天 9点 详情\n第二行\n一号楼\n二号楼\ncode\n水表 & x<y\n引用"


def test_plain_text_is_text_not_html():
    assert plain_text("<b>x</b>") == "<b>x</b>"
    assert plain_text("") == ""


def test_quote():
    assert quote("第一行\n第二行\n\n- 项\n", "张三") == "> **张三**:\n>\n> 第一行\n> 第二行\n>\n> - 项\n\n"


def test_quote_renders_as_blockquote_and_reply_follows():
    html = render(quote("第一行\n第二行", "张三") + "我同意")
    assert html == ("<blockquote>\n<p><strong>张三</strong>:</p>\n<p>第一行<br>\n第二行</p>\n</blockquote>\n"
                    "<p>我同意</p>\n")


def test_quote_nests_and_keeps_author_literal():
    inner = quote("原帖", "张三")
    html = render(quote(inner + "回复", "[x](javascript:alert(1))**"))
    assert html.startswith("<blockquote>\n<p><strong>[x](javascript:alert(1))**</strong>:</p>\n<blockquote>")
    assert html.count("<blockquote>") == 2


@pytest.mark.parametrize("text, html", [
    ("<b>你好</b> & **不加粗**", "&lt;b&gt;你好&lt;/b&gt; &amp; **不加粗**"),
    ("第一行\n第二行\r\n第三行", "第一行<br>\n第二行<br>\n第三行"),
    ("看 https://example.com/a?b=1&c=2。", '看 <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
                                          'https://example.com/a?b=1&amp;c=2</a>。'),
    ("(见 https://en.wikipedia.org/wiki/A_(b)).",
     '(见 <a href="https://en.wikipedia.org/wiki/A_(b)" rel="nofollow ugc noopener">'
     'https://en.wikipedia.org/wiki/A_(b)</a>).'),
    ("链接http://example.com/x在这", '链接<a href="http://example.com/x" rel="nofollow ugc noopener">'
                                  'http://example.com/x</a>在这'),
    ("javascript:alert(1) ftp://example.com", "javascript:alert(1) ftp://example.com"),
    ('https://example.com/"onclick=alert(1)', '<a href="https://example.com/" rel="nofollow ugc noopener">'
                                              'https://example.com/</a>"onclick=alert(1)'),
])
def test_escape_text(text, html):
    assert escape_text(text) == html
