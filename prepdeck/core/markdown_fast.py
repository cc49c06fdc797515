"""Markdown to HTML with markdown-it-pyrs (markdown-it compiled from Rust), where it gives what
markdown-it-py gives for the renderer in `prepdeck.core.markdown`, about ten times sooner; `None`
where it might not, and the renderer asks markdown-it-py.

The two parsers implement different versions of CommonMark (markdown-it-py follows 0.31) with
their own quirks. Compared on every sample and corpus answer and on millions of generated texts
(`tests/core/test_markdown_fast.py`), they differ only on the shapes listed below, which are
therefore left to markdown-it-py; on everything else the HTML was byte for byte the same. The
benchmark's answers and ordinary written answers (paragraphs, lists, tables, fenced code,
inline HTML) take this path.

- Fenced code. markdown-it-pyrs renders it as markdown-it-py's own fence rule does, as
  ``<pre><code class="language-NAME">ESCAPED</code></pre>``, with no hook for a highlighter. Those
  blocks are taken out of its HTML and rendered again by `code_block`, the renderer's own fence
  rule: the class names the fence's language exactly as the renderer reads it (both take the
  first word of the unescaped info string, split on the same blank characters), and the escaped
  code gives back the code. A text holding ``<pre><code`` itself is left to markdown-it-py, so
  every such tag in the HTML is a code block's (text and attributes are escaped).
- The end of a text without a final newline. markdown-it-pyrs ends the content of a last raw
  HTML block, or of a fence left open, with a newline markdown-it-py does not add. Texts whose
  last line could be one of those are left to markdown-it-py.
- The shapes in `_read_alike`, and a panic of the Rust parser (a link's bracket before code
  spans of several backticks can make it index out of bounds).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from markdown_it.common.utils import escapeHtml
from markdown_it_pyrs import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table")
_FENCE = re.compile(r'<pre><code class="language-([^"]*)">([^<]*)</code></pre>\n')
_CLOSERS = ("</li>\n", "</ul>\n", "</ol>\n", "</blockquote>\n")
_CODE_END = "</code></pre>\n"
# What the two parsers read differently, found by comparing them on generated Markdown: raw
# `<pre><code` (see above), comments (markdown-it-py follows CommonMark 0.31 on `<!-->`), raw
# HTML blocks that run to a closing tag (`<script`, `<pre`, `<style`, `<textarea`, `<?`,
# `<!X`: blank lines at their end), control characters, blanks outside ASCII (markdown-it-py
# trims them from paragraphs as JavaScript's trim() does), a code span of blanks only, a list
# item with nothing in it (a paragraph goes on over it in one, not in the other), a quote's
# paragraph going on in a line without `>`, a tab after `>`. Carriage returns and escaped
# backticks were in every difference found with them, so they are left out too.
_LEFT_TO_MARKDOWN_IT_PY = re.compile(
    r"<pre><code|<!--|<(?i:script|pre|style|textarea)|<\?|<![A-Za-z\[]|\\`|` +`|`[ \t]*\n[ \t>]*`"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r\x85\ufeff]|[^\S\x00-\x7f]"
    r"|^[ \t>]*(?:[*+-]|\d{1,9}[.)])[ \t]*$|^[ \t]{0,3}>[^\n]*\n[ \t]*[^\s>]|^[ \t>]*>\t",
    re.MULTILINE,
)
# markdown-it-pyrs fails on a link's opening bracket followed by code spans of two or more
# backticks (it loses them, or panics); lines opening or closing a fence are no code spans.
# Other shapes read differently: a link to a host outside ASCII (punycode in markdown-it-py),
# an image whose description holds HTML, entities or escapes, a reference definition, a fence or
# raw HTML right under a list item's first line (markdown-it-py writes no newline before it).
_ODD_LINK = re.compile(r"(?:\]\(|<|\]:)[^\s)>]*[^\x00-\x7f]")
_ODD_IMAGE = re.compile(r"[<&\\]")
_DEFINITION = re.compile(r"^[ \t>]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)*\[[^\]\n]*\]:", re.MULTILINE)
_LIST_ITEM = re.compile(r"^[ \t>]*(?:[*+-]|\d{1,9}[.)])[ \t]", re.MULTILINE)
_BLOCK_UNDER_LINE = re.compile(r"^[ \t>]*\S[^\n]*\n[ \t>]*[ \t](?:```|~~~|<)", re.MULTILINE)
# Quotes and lists nested by their markers on one line: markdown-it-pyrs parses each level a
# call deeper, and some tens of thousands of levels overflow the stack (a crash, not an error).
# markdown-it-py stops nesting at 20 levels; text this deep goes to it.
_DEEP = re.compile(r"^(?:[ \t]*(?:>|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t]))){21}", re.MULTILINE)
_LONG_TICKS = re.compile(
    r"^(?![ \t>]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)*(?:`{3,}[^`\n]*|~{3,}[^\n]*)$)[^\n]*``",
    re.MULTILINE,
)
_DELIMITER_BESIDE = re.compile(r"[*_]([^\x00-\x7f])|([^\x00-\x7f])[*_]")
# A table's delimiter row, and what ends a table differently: a line starting an ordered list
# (markdown-it-py ends the table there), an escaped pipe, a table in a quote, a delimiter row
# without a pipe (a heading's underline in markdown-it-pyrs).
_DELIMITER_ROW = re.compile(r"^[ \t>]*[|:-][-:| \t]*$", re.MULTILINE)
_TABLE_DOUBTS = re.compile(r"\\\||^[ \t>]*\d{1,9}[.)]|^[ \t]*>", re.MULTILINE)


def _unescape(html: str) -> str:
    """The text `escapeHtml` was given (it writes no other entity than these four)."""
    if "&" not in html:
        return html
    return (
        html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def _ends_alike(text: str, html: str) -> bool:
    """Whether markdown-it-py would end `html` as markdown-it-pyrs did: the text ends with a
    newline, or its last block is not raw HTML nor an open fence (whose last line, shown as it
    is or escaped, would stand just before the newline, inside any closing list and quote tags)."""
    if text.endswith("\n"):
        return True
    last = text[text.rfind("\n") + 1 :]
    if not last.strip(" \t>") or last.endswith(">"):
        return False
    end = len(html)
    while True:
        closer = next((tag for tag in _CLOSERS if html.endswith(tag, 0, end)), None)
        if closer is None:
            break
        end -= len(closer)
    if html.endswith(_CODE_END, 0, end):  # inside the last code block
        end -= len(_CODE_END)
    if end < 2 or html[end - 1] != "\n":
        return True  # a list item's paragraph, an empty code block, or nothing
    return html[end - 2] not in {last[-1], escapeHtml(last[-1])[-1]}


def _read_alike(text: str) -> bool:
    """Whether nothing in `text` is known to be read differently by the two parsers."""
    if _LEFT_TO_MARKDOWN_IT_PY.search(text) or ("[" in text and _LONG_TICKS.search(text)):
        return False
    if _DEEP.search(text) or _DEFINITION.search(text) or ("![" in text and _ODD_IMAGE.search(text)):
        return False
    if _LIST_ITEM.search(text) and _BLOCK_UNDER_LINE.search(text):
        return False
    if not text.isascii():
        if _ODD_LINK.search(text):
            return False
        for match in _DELIMITER_BESIDE.finditer(text):
            if unicodedata.category(match[1] or match[2])[0] not in "LN":
                return False
    for row in _DELIMITER_ROW.finditer(text):
        if "-" not in row[0]:
            continue
        if "|" not in row[0] and ":" in row[0]:
            return False  # a table of one column in markdown-it-pyrs
        header = text[text.rfind("\n", 0, max(row.start() - 1, 0)) + 1 : row.start() - 1]
        if "|" in header or "|" in row[0]:
            if "|" not in header or "|" not in row[0] or _TABLE_DOUBTS.search(text):
                return False
            if _cells(header) != _cells(row[0]):
                return False
    return True


def _cells(row: str) -> int:
    return len(row.strip(" \t>").strip("|").split("|"))


def render(text: str, code_block: Callable[[str, str], str]) -> str | None:
    """The HTML of `text`, fences rendered by ``code_block(code, language)``; None when only
    markdown-it-py can render it as the renderer does."""
    if not _read_alike(text):
        return None
    try:
        html = _PARSER.render(text)
    except BaseException as error:  # a Rust panic is a BaseException
        if type(error).__name__ != "PanicException":
            raise
        return None
    if not _ends_alike(text, html) or "<blockquote>\n</blockquote>" in html:
        return None  # an empty quote: markdown-it-py writes no newline inside
    if '<pre><code class="' not in html:
        return html
    return _FENCE.sub(
        lambda match: code_block(_unescape(match[2]), _unescape(match[1])) + "\n", html
    )
