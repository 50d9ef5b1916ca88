"""The Markdown sanitiser (study/rendering.py) on the XSS corpus of the browser test, without a
browser: every payload, alone and all together, comes out as HTML with only allowed tags, no event
handler, no style, and no URL whose scheme is not http, https or mailto. The CSP allows `data:`
images (img-src 'self' data:), but the sanitiser allows no <img> at all, so no data: URL may stay."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from study.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from tests.xss_corpus import MARKDOWN, PAYLOADS

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background", "poster", "srcset", "cite"}
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "img",
    "base",
    "meta",
    "link",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "video",
    "audio",
    "source",
    "details",
    "marquee",
    "body",
    "noscript",
}


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser.tags


def _problems(html: str) -> list[str]:
    found = []
    if re.search(r"<\s*/?\s*(script|iframe|object|embed|svg|style)\b", html, re.I):
        found.append("raw dangerous tag")
    for tag, attrs in _elements(html):
        if tag in DANGEROUS_TAGS or tag not in ALLOWED_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc"}:
                found.append(f"<{tag} {name}>")
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and not (tag == "a" and name == "rel"):
                found.append(f"<{tag} {name}> is not allowed")
            if name in URL_ATTRIBUTES and value is not None:
                scheme = re.match(r"\s*([a-z][a-z0-9+.\-]*):", value, re.I)
                if scheme and scheme.group(1).lower() not in {"http", "https", "mailto"}:
                    found.append(f"<{tag} {name}={value!r}>")
    return found


def test_the_corpus_is_the_browser_tests_corpus():
    assert len(PAYLOADS) == len(set(PAYLOADS)) >= 60
    assert MARKDOWN == "\n\n".join(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_made_harmless(payload):
    html = str(render_markdown(payload))
    assert _problems(html) == [], html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_harmless_inside_a_list_a_table_and_a_quote(payload):
    one_line = payload.replace("\n", " ")
    for text in (f"- {one_line}", f"| a |\n|---|\n| {one_line} |", f"> {one_line}", f"**{one_line}**"):
        html = str(render_markdown(text))
        assert _problems(html) == [], html


def test_the_whole_corpus_at_once():
    html = str(render_markdown(MARKDOWN))
    assert _problems(html) == []
    for word in ("javascript:", "vbscript:", "data:", "onerror", "onload", "onclick", "onfocus", "srcdoc", "style="):
        # the words may only survive as escaped text, never inside a tag
        for tag in re.findall(r"<[^>]*>", html):
            assert word not in tag.lower(), tag


@pytest.mark.parametrize("scheme", ["javascript", "JaVaScRiPt", "vbscript", "data", "file", "ftp", "tel", "ssh"])
def test_only_http_https_and_mailto_links_keep_their_target(scheme):
    html = str(render_markdown(f"[x]({scheme}:something)"))
    assert "href" not in html, html


@pytest.mark.parametrize("url", ["https://www.cms.gov/", "http://example.org/a?b=1", "mailto:help@example.org", "/cases", "#top"])
def test_safe_links_survive_with_noopener(url):
    html = str(render_markdown(f"[x]({url})"))
    ((tag, attrs),) = _elements(html)[1:]  # <p><a ...>
    assert tag == "a" and dict(attrs)["href"] == url
    assert dict(attrs)["rel"] == "noopener noreferrer"


def test_ordinary_markdown_keeps_its_structure():
    html = str(render_markdown("## Findings\n\n- **E11.9** and *I10*\n\n| Code | Units |\n|---|---|\n| J1100 | 4 |\n\n`99213`"))
    assert [tag for tag, _ in _elements(html)] == [
        "h3",
        "ul",
        "li",
        "strong",
        "em",
        "table",
        "thead",
        "tr",
        "th",
        "th",
        "tbody",
        "tr",
        "td",
        "td",
        "p",
        "code",
    ]
    assert "<script" not in html and "&lt;" not in html


def test_headings_are_demoted_so_a_document_never_outranks_the_page():
    assert str(render_markdown("# A\n\n###### F")) == "<h2>A</h2>\n<h6>F</h6>"
    assert str(render_markdown("# A", demote_headings=0)) == "<h1>A</h1>"
    assert str(render_markdown("# A", demote_headings=2)) == "<h3>A</h3>"
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_a_text_is_rendered_once_and_conversions_share_nothing():
    """Rendered texts are kept (an exam result renders 200 item texts); the one converter a thread
    reuses is reset between texts: a link reference of one text never resolves in the next."""
    from study import rendering

    linked = "Per [the query-budget guideline][qb].\n\n[qb]: https://example.org/query-budget"
    assert 'href="https://example.org/query-budget"' in str(render_markdown(linked))
    assert "href" not in str(render_markdown("Per [the query-budget guideline][qb]."))
    hits = rendering._render.cache_info().hits
    assert render_markdown(linked) is render_markdown(linked)
    assert rendering._render.cache_info().hits == hits + 2


def test_markdown_text_is_what_a_reader_sees_without_markup():
    """Snippets in lists (the practice summary, the report queue) show rendered text, not raw
    Markdown (issue 18)."""
    from study.rendering import markdown_text

    text = "Which code is **first-listed** for *this* visit?\n\n- a list"
    assert markdown_text(text) == "Which code is first-listed for this visit? a list"
    assert markdown_text("A &amp; B <script>x()</script>") == "A & B"
    assert markdown_text(None) == ""
