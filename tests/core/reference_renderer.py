"""The renderer written plainly, as it was before batches, caches and worker processes: every
answer parsed, every block lexed by a new Pygments lexer, without time budgets. The tests
compare what `prepdeck.core.markdown` gives with this, on answers small enough that no budget
runs out. The vetted languages, their guards and the sanitiser's rules are the product's own."""

from __future__ import annotations

import io

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_RE, escapeHtml, mdTrim, unescapeAll
from pygments.formatters import HtmlFormatter
from pygments.lexers import find_lexer_class

from prepdeck.core import markdown

_FORMATTER = HtmlFormatter(nowrap=True)


def _code_block(code: str, language: str) -> str:
    name = markdown._LANGUAGES.get(language.lower())
    if name is None:
        return f"<pre><code>{escapeHtml(code)}</code></pre>"
    body = escapeHtml(code)
    if markdown._may_highlight(code, name):
        out = io.StringIO()
        _FORMATTER.format(find_lexer_class(name)(stripnl=False).get_tokens(code), out)
        body = out.getvalue()
    css_class = markdown._LANGUAGE_CLASS[name]
    return f'<pre class="{markdown.HIGHLIGHT_CLASS}"><code class="{css_class}">{body}</code></pre>'


def _fence(_renderer, tokens, idx, _options, _env) -> str:
    token = tokens[idx]
    info = mdTrim(unescapeAll(token.info)) if token.info else ""
    language = MD_TRIM_RE.split(info, maxsplit=1)[0] if info else ""
    return _code_block(token.content, language) + "\n"


def render(text: str) -> str:
    if not text or not text.strip():
        return ""
    if len(text) > markdown.MAX_RENDERED_CHARS:
        return f"<pre><code>{escapeHtml(text)}</code></pre>\n"
    parser = MarkdownIt("commonmark").enable("table")
    parser.add_render_rule("fence", _fence)
    return markdown._SANITISER.clean(parser.render(text))
