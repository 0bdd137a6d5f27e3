"""User Markdown becomes safe HTML: no script, handler, javascript: link or htmx attribute survives."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from community.core.text import ALLOWED_TAGS, excerpt, render_markdown

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '<a href="/x" hx-get="/auth/logout" hx-trigger="load">x</a>',
    '<div data-hx-post="/auth/logout" data-hx-trigger="load">x</div>',
    '<div hx-on:click="alert(1)">x</div>',
    '<form action="/auth/logout" method="post"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<<script>script>alert(1)<</script>/script>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    '[a](https://example.kz "t\\" onmouseover=alert(1) x=\\"")',
    '<a href="https://example.kz" onclick="alert(1)">ok</a>',
    "<ScRiPt>alert(1)</ScRiPt>",
    '<img src="x" hx-get="/">',
    "[x](  javascript:alert(1)  )",
    "<x onclick=alert(1)>x</x>",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
]

ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:")


class ElementCollector(HTMLParser):
    """Collects the real elements and attributes of an HTML string, as a browser would parse them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def assert_safe(html: str) -> None:
    collector = ElementCollector()
    collector.feed(html)
    for tag, attrs in collector.elements:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert not name.startswith(("hx-", "data-hx-", "style")), html
            if name in ("href", "src"):
                squashed = re.sub(r"[\s\x00-\x20]", "", value or "").lower()
                assert not squashed.startswith(ACTIVE_SCHEMES), html


def test_every_payload_of_the_corpus_comes_out_harmless():
    for payload in XSS_CORPUS:
        assert_safe(str(render_markdown(payload)))


def test_raw_html_is_shown_as_text_not_run():
    html = str(render_markdown("<script>alert(1)</script>"))
    assert "&lt;script&gt;" in html


def test_ordinary_markdown_keeps_its_formatting_and_safe_links():
    html = str(render_markdown("**Жол** *жөндеу* [әкімдік](https://almaty.gov.kz)\n\n- бір\n- екі"))
    assert "<strong>Жол</strong>" in html
    assert "<em>жөндеу</em>" in html
    assert 'href="https://almaty.gov.kz"' in html
    assert 'rel="nofollow noopener ugc"' in html
    assert "<li>бір</li>" in html


def test_user_headings_never_outrank_the_page_heading():
    html = str(render_markdown("# Үлкен\n\n## Орта"))
    assert "<h1>" not in html and "<h2>" not in html
    assert "<h3>Үлкен</h3>" in html


def test_excerpt_is_plain_text_cut_at_a_word():
    text = excerpt("**Қаскелең** қаласындағы *жол* " + "өте " * 100, length=40)
    assert "<" not in text and "*" not in text
    assert text.startswith("Қаскелең қаласындағы")
    assert text.endswith("…") and len(text) <= 40


PIECES = st.sampled_from(
    [
        "<",
        ">",
        '"',
        "'",
        "=",
        "javascript:",
        "onerror",
        "onload",
        "hx-get",
        "data-hx-post",
        "script",
        "[x](",
        ")",
        "![i](",
        "&#106;",
        "<a href=",
        "<img src=x ",
        "`",
        "\n",
        " ",
        "svg",
        "style",
        "**",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=30).map("".join))
def test_no_generated_input_produces_active_content(source):
    assert_safe(str(render_markdown(source)))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+7 701", "'+7 701"),
        ("-1", "'-1"),
        ("@here", "'@here"),
        ("Әсел", "Әсел"),
        (42, 42),
        ("", ""),
    ],
)
def test_spreadsheet_cells_never_start_like_a_formula(value, expected):
    from community.core.text import spreadsheet_safe

    assert spreadsheet_safe(value) == expected
