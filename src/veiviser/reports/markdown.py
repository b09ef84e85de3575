"""Narratives as safe HTML: Markdown (CommonMark, markdown-it-py, raw HTML off) rendered, then
sanitised with nh3 (Ammonia) to a small allow-list of tags, so a narrative can never put a
script, a style, an event handler or a form into the report or the web page."""

import nh3
from markdown_it import MarkdownIt

# What a narrative may contain: text structure, emphasis, lists, links, quotes and simple tables.
TAGS = {
    "p",
    "br",
    "h3",
    "h4",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def to_html(text: str) -> str:
    """The narrative's Markdown as sanitised HTML. Headings are moved down to h3/h4: the report
    has the levels above them (h1 the report, h2 the chapter)."""
    html = _MARKDOWN.render(text or "")
    for level in (6, 5, 4, 3, 2, 1):
        target = 3 if level <= 2 else 4
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
