"""Answers in Markdown: rendered by markdown-it-py, highlighted by Pygments, sanitised by nh3.

markdown-it-pyrs parses instead of markdown-it-py wherever it gives the same HTML
(`prepdeck.core.markdown_fast`), the vetted Pygments lexers try the rules of a state as one
pattern (`prepdeck.core.lexing`), their tokens are written out in one loop
(`prepdeck.core.spans`), and nh3 sanitises the answer with its highlighted code held out and
put back after (`prepdeck.core.code_splice`): the same HTML, several times sooner.

`render_answer` is what a service calls when a question is saved; the HTML it returns is safe to
insert into a page as it is. `highlight_css` is the stylesheet that colours the highlighted code.

What one rendering may cost. A web process runs one gevent worker, so a rendering that holds the
CPU holds every request of that process. Three bounds keep it short:

- Only the lexers in `VETTED_LEXERS` highlight; code in any other language is shown escaped, in
  a plain ``<pre><code>``. Some Pygments lexers backtrack exponentially (Factor, Chapel, CDDL: a
  quote and 40 backslashes take half a minute; Bash on an unclosed ``$'`` string, fixed below)
  or wait for one token quadratically long (C and C++ after a run of blank space, INI also on
  a long line: those three highlight only code without such a shape), and a regular
  expression stuck inside one match cannot be interrupted. Every vetted lexer went through the
  inputs of `tests/core/lexer_fuzz.py` at 2,000 and 8,000 characters (the slow
  ones again at 20,000) and never waited long for one token; `tests/core/test_markdown.py`
  repeats that on a smaller scale, with the joined rules the renderer lexes with (each token
  costs them at most the matches Pygments' loop makes for it, and one more).
- Highlighting has a budget. A block longer than `MAX_HIGHLIGHTED_CODE` characters is shown
  plain, and the lexers get `HIGHLIGHT_SECONDS` per answer, checked between tokens: some vetted
  lexers, Python's among them, take quadratic time over long runs of blank lines, one short
  token after another. When the budget is spent, the block being lexed and every block after it
  are shown plain (in their highlighted frame). An import shares `BATCH_HIGHLIGHT_SECONDS`
  between all its answers.
- Text longer than `MAX_RENDERED_CHARS` is shown escaped, as written. markdown-it is linear but
  slow on runs of ``![`` (1.5 s of CPU for 100,000 characters here), and nh3's HTML parser is
  quadratic in the depth of unclosed tags (16,000 nested ``<div>``: 0.6 s; 100,000: 31 s).

markdown-it-pyrs, compiled code, cannot be interrupted either, and a quote or list nested tens of
thousands of levels deep on one line overflows its stack: `prepdeck.core.markdown_fast` gives it
no text nested deeper than markdown-it-py's 20 levels, nor any shape it reads differently.

So one `render_answer` call costs at most about 2 s of CPU, on a 100,000-character answer built
to be slow, and a few milliseconds on an ordinary one.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_RE, escapeHtml, mdTrim, unescapeAll
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class, get_all_lexers
from pygments.lexers.shell import BashLexer
from pygments.token import STANDARD_TYPES

from prepdeck.core import lexing, markdown_fast, spans
from prepdeck.core.code_splice import CodeSplice, SpanOpeners

HIGHLIGHT_CLASS = "highlight"
THEMES = {"light": "default", "dark": "github-dark"}

MAX_RENDERED_CHARS = 100_000  # the longest answer the API and the forms accept
MAX_HIGHLIGHTED_CODE = 20_000  # characters of one code block; longer blocks stay plain
HIGHLIGHT_SECONDS = 0.25  # of lexing per answer; an ordinary answer needs a few milliseconds
BATCH_HIGHLIGHT_SECONDS = 30.0  # of lexing for all the answers of an import together

# Pygments lexers by name, with every alias Pygments gives them. Adding one: run
# `python -m tests.core.lexer_fuzz -l NAME --sizes 2000 8000 20000` first.
VETTED_LEXERS = (
    *("Python", "JavaScript", "TypeScript", "SQL", "Bash", "JSON", "YAML", "HTML", "CSS"),
    *("Django/Jinja", "Go", "Java", "C#", "Rust", "Ruby", "PHP", "Kotlin", "Swift", "Docker"),
    *("TOML", "Diff", "Text only", "C", "C++", "INI"),
)
# Lexers that wait quadratically long for one token in one shape only, so they highlight only
# code without it, as real code is: C and C++ after a run of blank space (a word, then
# thousands of spaces or newlines, is one token), INI likewise and along a long line (thousands
# of ": " in a row). Bounded so, the longest wait is a few thousand steps; other code in these
# languages is shown plain.
BLANK_RUN_GUARDED = frozenset({"C", "C++", "INI"})
LINE_GUARDED = frozenset({"INI"})
MAX_BLANK_RUN, MAX_GUARDED_LINE = 64, 200
_LONG_BLANK_RUN = re.compile(rf"\s{{{MAX_BLANK_RUN + 1}}}")
# Names authors use that Pygments does not know, or gives to a lexer that is not vetted. Jinja
# in HTML: Pygments' HTML+Jinja lexer lexes the whole block for Jinja before it yields a token,
# and that pass is quadratic on some strings, out of the budget's reach; the Jinja lexer alone
# highlights the template tags and leaves the HTML between them plain.
EXTRA_ALIASES = {
    **{"plaintext": "Text only", "txt": "Text only", "patch": "Diff", "kt": "Kotlin"},
    **dict.fromkeys(("html+jinja", "html+django", "htmldjango", "jinja2"), "Django/Jinja"),
}

_FORMATTER = HtmlFormatter(nowrap=True)

# Pygments' Bash lexer matches $'...' strings with overlapping branches (a pair of backslashes is
# one escaped backslash or two escapes; an octal escape's digits can be plain characters), so an
# unclosed one full of backslashes backtracks exponentially: 50 of them take minutes. Below, the
# same strings with branches that cannot overlap; patched in place, because the Docker lexer
# lexes its RUN lines with this class too.
_BASH_ANSI_C_STRING = r"(?s)\$'(\\\\|\\[0-7]+|\\.|[^'\\])*'"
_BASH_ANSI_C_STRING_FIXED = r"(?s)\$'(\\.|[^'\\])*'"


def _fix_bash_lexer() -> None:
    rules = BashLexer.tokens["data"]
    for index, (pattern, *action) in enumerate(rules):
        if pattern == _BASH_ANSI_C_STRING:
            rules[index] = (_BASH_ANSI_C_STRING_FIXED, *action)
            if "_tokens" in BashLexer.__dict__:  # compiled already: compile again when used
                del BashLexer._tokens


_fix_bash_lexer()


def _vetted_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """(fence language -> lexer name, lexer name -> its CSS class)."""
    known = {name: aliases for name, aliases, _, _ in get_all_lexers(plugins=False)}
    vetted = [name for name in VETTED_LEXERS if known.get(name)]
    aliases = {alias: name for name in vetted for alias in known[name]}
    aliases.update({alias: name for alias, name in EXTRA_ALIASES.items() if name in vetted})
    return aliases, {name: f"language-{known[name][0]}" for name in vetted}


_LANGUAGES, _LANGUAGE_CLASS = _vetted_aliases()


class HighlightBudget:
    """Seconds of lexing left for the code blocks of one rendering, or of many."""

    def __init__(self, seconds: float = HIGHLIGHT_SECONDS) -> None:
        self.left = seconds

    @property
    def spent(self) -> bool:
        return self.left <= 0

    def take(self, most: float) -> float:
        """Set aside up to `most` seconds for one rendering; `give_back` returns what it left."""
        allowed = min(most, self.left)
        self.left -= allowed
        return allowed

    def give_back(self, seconds: float) -> None:
        self.left += seconds

    def charge(self, seconds: float) -> None:
        self.left -= seconds


@lru_cache(maxsize=len(VETTED_LEXERS))
def _lexer(name: str) -> Lexer:
    # stripnl=False: leading blank lines of a snippet are part of what the author wrote.
    # Lexing with the rules of a state joined: the same tokens, sooner (see `lexing`).
    return lexing.speed_up(find_lexer_class(name)(stripnl=False))


def warm_lexers() -> None:
    """Build every vetted lexer now (Pygments compiles a lexer's patterns when it is first
    built), so processes forked after this find them ready."""
    for name in _LANGUAGE_CLASS:
        _lexer(name)


def _highlighted(code: str, lexer: Lexer, budget: HighlightBudget) -> str | None:
    """Pygments' spans for `code`, or None when the budget ran out before the end."""
    # A lexer yields a token every few characters, so a slow lexer is caught within one token.
    # Building the lexer's tables (once per process) is not charged, as building it is not.
    start, built = time.monotonic(), lexing.seconds_building()
    try:
        return spans.highlighted(lexer, code, _FORMATTER, start + budget.left)
    except spans.OutOfTime:
        return None
    finally:
        budget.left -= time.monotonic() - start - (lexing.seconds_building() - built)


def _highlighted_once(
    code: str, name: str, budget: HighlightBudget, memo: dict | None
) -> str | None:
    """`_highlighted`, or the spans of the same code lexed earlier in the same batch, while the
    budget still has as much left as lexing them took then (and is charged that much)."""
    key = (name, code)
    if memo is not None and key in memo:
        body, seconds = memo[key]
        if seconds < budget.left:
            budget.left -= seconds
            return body
    before = budget.left
    body = _highlighted(code, _lexer(name), budget)
    if memo is not None and body is not None:
        memo[key] = (body, before - budget.left)
    return body


def _code_block(
    code: str,
    language: str,
    budget: HighlightBudget,
    memo: dict | None = None,
    splice: CodeSplice | None = None,
) -> str:
    """A fenced block as HTML: highlighted in a vetted language while the budget lasts,
    otherwise escaped (in the highlighted block's frame when the language is vetted). With a
    `splice`, a highlighted body is held out of the sanitiser and a placeholder stands for it."""
    name = _LANGUAGES.get(language.lower())
    if name is None:
        return f"<pre><code>{escapeHtml(code)}</code></pre>"
    body = None
    if _may_highlight(code, name) and not budget.spent:
        body = _highlighted_once(code, name, budget, memo)
    opening_tag = f'<code class="{_LANGUAGE_CLASS[name]}">'
    if body is None:
        body = escapeHtml(code)
    elif splice is not None:
        body = splice.held(opening_tag, code, body) or body
    return f'<pre class="{HIGHLIGHT_CLASS}">{opening_tag}{body}</code></pre>'


def _may_highlight(code: str, name: str) -> bool:
    if len(code) > MAX_HIGHLIGHTED_CODE:
        return False
    if name in BLANK_RUN_GUARDED and _LONG_BLANK_RUN.search(code):
        return False
    return name not in LINE_GUARDED or max(map(len, code.split("\n"))) <= MAX_GUARDED_LINE


def _fence(_renderer, tokens, idx, _options, env) -> str:
    # markdown-it's own fence rule, with the budget of this rendering passed along in `env`.
    token = tokens[idx]
    info = mdTrim(unescapeAll(token.info)) if token.info else ""
    language = MD_TRIM_RE.split(info, maxsplit=1)[0] if info else ""
    block = _code_block(
        token.content, language, env["highlight_budget"], env.get("memo"), env.get("splice")
    )
    return block + "\n"


def _token_classes() -> set[str]:
    classes = set(STANDARD_TYPES.values())
    for style in THEMES.values():
        classes.update(HtmlFormatter(style=style).class2style)
    classes.discard("")
    return classes


_MARKDOWN = MarkdownIt("commonmark").enable("table")
_MARKDOWN.add_render_rule("fence", _fence)

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
        "code": set(_LANGUAGE_CLASS.values()),
        "pre": {HIGHLIGHT_CLASS},
        "div": {HIGHLIGHT_CLASS},
    },
    url_schemes={"http", "https", "mailto"},
    filter_style_properties={"text-align"},
    link_rel="nofollow noopener noreferrer",
    strip_comments=True,
)
_SPAN_OPENERS = SpanOpeners(_FORMATTER.span_element_openers, _token_classes())


def render_answer(markdown_text: str, shared: HighlightBudget | None = None) -> str:
    """Markdown (CommonMark, tables, fenced code) to HTML that is safe to show as it is.

    Code is highlighted for at most `HIGHLIGHT_SECONDS`, and no longer than what is left of
    `shared`, a budget a caller rendering many answers passes to each of them (spent here).
    Text longer than `MAX_RENDERED_CHARS` is shown as it was written, escaped.
    """
    return _render(markdown_text, shared, None)[0]


def _render(text: str, shared: HighlightBudget | None, memo: dict | None) -> tuple[str, float]:
    """(HTML, seconds of highlighting it took, or -1 if highlighting was cut short)."""
    if not text or not text.strip():
        return "", 0.0
    if len(text) > MAX_RENDERED_CHARS:
        return f"<pre><code>{escapeHtml(text)}</code></pre>\n", 0.0
    allowed = HIGHLIGHT_SECONDS if shared is None else shared.take(HIGHLIGHT_SECONDS)
    budget = HighlightBudget(allowed)
    splice = CodeSplice(_SPAN_OPENERS)
    try:
        html = splice.sanitised(_markdown_html(text, budget, memo, splice), _SANITISER.clean)
    finally:
        if shared is not None:
            shared.give_back(budget.left)  # negative when the last token overran
    # Nothing was cut while time was left: a block cut short leaves the budget overdrawn.
    return html, allowed - budget.left if budget.left > 0 else -1.0


def _markdown_html(
    text: str, budget: HighlightBudget, memo: dict | None, splice: CodeSplice | None = None
) -> str:
    """markdown-it's HTML for `text`, before sanitising: from markdown-it-pyrs where it gives
    the same (see `prepdeck.core.markdown_fast`), else from markdown-it-py. Highlighted bodies
    are held by `splice`, if given (see `prepdeck.core.code_splice`)."""
    html = markdown_fast.render(
        text, lambda code, language: _code_block(code, language, budget, memo, splice)
    )
    if html is None:
        env = {"highlight_budget": budget, "memo": memo, "splice": splice}
        html = _MARKDOWN.render(text, env)
    return html


class BatchRenderer:
    """`render_answer` for the many answers of one document, sharing one highlighting budget.

    An answer or a code block met again is not rendered again: its earlier HTML is used while
    the budget has as much left as rendering it took then, and is charged that much, so the
    HTML and the budget come out as if it had been rendered again.
    """

    def __init__(self, shared: HighlightBudget) -> None:
        self.shared = shared
        self.answers: dict[str, tuple[str, float]] = {}
        self.blocks: dict[tuple[str, str], tuple[str, float]] = {}

    def __call__(self, text: str) -> str:
        kept = self.answers.get(text)
        if kept is not None and kept[1] < min(HIGHLIGHT_SECONDS, self.shared.left):
            self.shared.charge(kept[1])
            return kept[0]
        html, seconds = _render(text, self.shared, self.blocks)
        if seconds >= 0:
            self.answers[text] = (html, seconds)
        return html


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
