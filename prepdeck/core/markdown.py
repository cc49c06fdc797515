"""Answers in Markdown: rendered by markdown-it-py, highlighted by Pygments, sanitised by nh3.

`render_answer` is what a service calls when a question is saved; the HTML it returns is safe to
insert into a page as it is. `highlight_css` is the stylesheet that colours the highlighted code.
"""

from __future__ import annotations

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

HIGHLIGHT_CLASS = "highlight"
THEMES = {"light": "default", "dark": "github-dark"}

_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=512)
def _lexer(language: str) -> Lexer | None:
    try:
        # stripnl=False: leading blank lines of a snippet are part of what the author wrote.
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return None


def _highlight(code: str, language: str, _attrs: str) -> str:
    # markdown-it uses our output only when it starts with "<pre"; "" makes it escape the code.
    lexer = _lexer(language.lower()) if language else None
    if lexer is None:
        return ""
    alias = lexer.aliases[0] if lexer.aliases else language.lower()
    body = pygments_highlight(code, lexer, _FORMATTER)
    return (
        f'<pre class="{HIGHLIGHT_CLASS}"><code class="language-{html.escape(alias)}">'
        f"{body}</code></pre>"
    )


def _token_classes() -> set[str]:
    classes = set(STANDARD_TYPES.values())
    for style in THEMES.values():
        classes.update(HtmlFormatter(style=style).class2style)
    classes.discard("")
    return classes


def _language_classes() -> set[str]:
    return {f"language-{alias}" for _, aliases, _, _ in get_all_lexers() for alias in aliases}


_MARKDOWN = MarkdownIt("commonmark", {"highlight": _highlight}).enable("table")

_TAGS = {
    # blocks
    *("p", "br", "hr", "blockquote", "pre", "div", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("ul", "ol", "li", "dl", "dt", "dd", "details", "summary"),
    # inline
    *("a", "img", "code", "span", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark"),
    *("kbd", "samp", "var", "sub", "sup", "small", "abbr", "cite", "q"),
    # tables
    *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
}

# Classes are limited to the ones our own highlighter writes, so pasted HTML cannot borrow the
# page's Bootstrap classes (a full-screen "position-fixed" overlay, for instance).
_SANITISER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "form", "textarea"}
    | {"select", "noscript", "template", "svg", "math", "title"},
    attributes={
        "a": {"href", "title"},
        "img": {"src", "alt", "title"},
        "ol": {"start"},
        "th": {"style"},
        "td": {"style"},
        "abbr": {"title"},
    },
    allowed_classes={
        "span": _token_classes(),
        "code": _language_classes(),
        "pre": {HIGHLIGHT_CLASS},
        "div": {HIGHLIGHT_CLASS},
    },
    url_schemes={"http", "https", "mailto"},
    filter_style_properties={"text-align"},
    link_rel="nofollow noopener noreferrer",
    strip_comments=True,
)


def render_answer(markdown_text: str) -> str:
    """Markdown (CommonMark, tables, fenced code) to HTML that is safe to show as it is."""
    if not markdown_text or not markdown_text.strip():
        return ""
    return _SANITISER.clean(_MARKDOWN.render(markdown_text))


@lru_cache(maxsize=16)
def highlight_css(theme: str, scope: str = f".{HIGHLIGHT_CLASS}") -> str:
    """Pygments CSS for `theme` ("light" or "dark"), every rule scoped under `scope`.

    A dark page can ask for ``highlight_css("dark", "[data-bs-theme=dark] .highlight")``.
    """
    try:
        style = THEMES[theme]
    except KeyError:
        known = ", ".join(sorted(THEMES))
        raise ValueError(f"Unknown highlight theme {theme!r}; expected one of: {known}.") from None
    formatter = HtmlFormatter(style=style)
    # Not get_style_defs(): it adds unscoped rules such as "pre { line-height: 125% }".
    rules = [
        formatter.get_background_style_defs(scope),
        formatter.get_token_style_defs(scope),
    ]
    return "\n".join(line for part in rules for line in part) + "\n"
