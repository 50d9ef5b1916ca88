"""Markdown to safe HTML: every Markdown text written by people passes through here.

An allow-list sanitiser (nh3, the Rust ammonia library) runs after Markdown: no script, no event
handlers, no style attributes, no javascript: URLs, links get rel="noopener noreferrer"."""
from __future__ import annotations

import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "a", "abbr", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}


#: rendered texts kept per process: the same item text (a stem, a rationale, a case's record)
#: is rendered on every page that shows it, and a 100-question exam result shows 200 of them
RENDERED_CACHE_SIZE = 2048
EXTENSIONS = ("tables", "sane_lists", "fenced_code")
_local = threading.local()


def _converter() -> md.Markdown:
    """This thread's Markdown converter (building one costs more than converting a short text;
    one is not safe to share between threads)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=list(EXTENSIONS), output_format="html")
    return converter


def render_markdown(text: str | None, demote_headings: int = 1) -> Markup:
    """Sanitised HTML for `text`; headings shifted down so a document's "##" never outranks the page's h1."""
    if not text:
        return Markup("")
    return _render(str(text), demote_headings)


@lru_cache(maxsize=RENDERED_CACHE_SIZE)
def _render(text: str, demote_headings: int) -> Markup:
    html = _converter().reset().convert(text)
    if demote_headings:
        for level in range(6, 0, -1):
            new = min(6, level + demote_headings)
            html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)


def markdown_text(text: str | None) -> str:
    """The plain text a reader sees of a Markdown text (rendered, then its tags stripped and its
    entities and spaces resolved): for snippets in lists ("**Which** code" -> "Which code")."""
    if not text:
        return ""
    return _render(str(text), 0).striptags()
