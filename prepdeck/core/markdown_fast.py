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
# trims them from paragraphs as JavaScript's trim() does), a code span of blanks only. Carriage
# returns and escaped backticks were in every difference found with them: left out too.
_LITERALS = ("<pre><code", "<!--", "<?", "\\`", "\r")
_RAW_BLOCK = re.compile(r"<(?:(?i:script|pre|style|textarea)|![A-Za-z\[])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WIDE_BLANK = re.compile(r"[^\S\x00-\x7f]|\ufeff")
_BLANK_CODE = re.compile(r"`(?: +|[ \t]*\n[ \t>]*)`")
# Lines, each pattern matched after a newline (the text is searched with one put before it):
# a list item with nothing in it (a paragraph goes on over it in one parser, not the other); a
# quote's paragraph going on in a line without `>`; a tab after `>`; a quote in a quote (the
# same, with fewer `>` on the next line); a reference definition.
_LINE_SHAPES = re.compile(
    r"\n(?:[ \t>]*(?:[*+-]|\d{1,9}[.)])[ \t]*(?=\n|\Z)"
    r"|[ \t]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)*>[^\n]*\n[ \t]*[^\s>]"
    r"|[ \t>]*>\t"
    r"|[ \t]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)*>(?:[ \t]|(?:[*+-]|\d{1,9}[.)])[ \t])*>"
    r"|[ \t>]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)*\[[^\]\n]*\]:)"
)
# A quote or list item opened 16 columns in or more (indentation, `>` and list markers before
# it): it may be nested 20 levels deep, where markdown-it-py stops (a list counts two), and
# markdown-it-pyrs goes on; tens of thousands of levels overflow its stack, a crash.
_NESTED = re.compile(
    r"\n((?:[ \t>]|(?:[*+-]|\d{1,9}[.)])[ \t])*)(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]))"
)
_NESTED_FROM = 16
# A fence or raw HTML right under a list item's first line: markdown-it-py writes no newline
# before it.
_LIST_ITEM = re.compile(r"\n[ \t>]*(?:[*+-]|\d{1,9}[.)])[ \t]")
_INDENTED_BLOCK = re.compile(r"\n[ \t>]*[ \t](?:```|~~~|<)")
# markdown-it-pyrs fails on a link's opening bracket followed by code spans of two or more
# backticks (it loses them, or panics); lines opening or closing a fence are no code spans.
_FENCE_LINE = re.compile(r"[ \t>]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)*(?:`{3,}[^`\n]*|~{3,}[^\n]*)")
# A link to a host outside ASCII (punycode in markdown-it-py); an image whose description holds
# HTML, entities or escapes; emphasis beside a character outside ASCII that is not a letter or
# a digit (CommonMark 0.31 counts symbols such as € as punctuation, markdown-it-pyrs does not).
_ODD_LINK = re.compile(r"(?:\]\(|<|\]:)[^\s)>]*[^\x00-\x7f]")
_ODD_IMAGE = re.compile(r"[<&\\]")
# An entity in text with emphasis: markdown-it-pyrs can lose the emphasis after it.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_DELIMITER_BEFORE = re.compile(r"[*_]([^\x00-\x7f])")
_DELIMITER_AFTER = re.compile(r"([^\x00-\x7f])[*_]")
# A table's delimiter row, and what ends a table differently: a line starting an ordered list
# (markdown-it-py ends the table there), an escaped pipe, a table in a quote, a delimiter row
# without a pipe (a heading's underline in markdown-it-pyrs), or one of a single column.
_DELIMITER_ROW = re.compile(r"\n([ \t>]*[|:-][-:| \t]*)(?=\n|\Z)")
_TABLE_DOUBTS = re.compile(r"\n[ \t>]*\d{1,9}[.)]|\n[ \t]*>")


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
    if any(literal in text for literal in _LITERALS):
        return False
    if _RAW_BLOCK.search(text) or _CONTROL.search(text) or _BLANK_CODE.search(text):
        return False
    lines = "\n" + text
    if _LINE_SHAPES.search(lines) or ("![" in text and _ODD_IMAGE.search(text)):
        return False
    if "&" in text and ("*" in text or "_" in text) and _ENTITY.search(text):
        return False
    if (_LIST_ITEM.search(lines) and _under_a_line(lines)) or _nested_deep(lines):
        return False
    if "[" in text and _code_spans_of_long_ticks(text):
        return False
    if not text.isascii() and not _alike_outside_ascii(text):
        return False
    return _tables_alike(lines)


def _nested_deep(lines: str) -> bool:
    for match in _NESTED.finditer(lines):
        prefix = match[1]
        if len(prefix) >= _NESTED_FROM // 4 and len(prefix.expandtabs(4)) >= _NESTED_FROM:
            return True
    return False


def _under_a_line(lines: str) -> bool:
    for match in _INDENTED_BLOCK.finditer(lines):
        if lines[lines.rfind("\n", 0, match.start()) + 1 : match.start()].strip():
            return True
    return False


def _code_spans_of_long_ticks(text: str) -> bool:
    found = text.find("``")
    while found != -1:
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end == -1 else end
        if not _FENCE_LINE.fullmatch(text, start, end):
            return True
        found = text.find("``", end)
    return False


def _alike_outside_ascii(text: str) -> bool:
    if _WIDE_BLANK.search(text) or _ODD_LINK.search(text):
        return False
    for delimiter in (_DELIMITER_BEFORE, _DELIMITER_AFTER):
        for match in delimiter.finditer(text):
            if unicodedata.category(match[1])[0] not in "LN":
                return False
    return True


def _tables_alike(lines: str) -> bool:
    doubts = None  # found once, not for each table: a text may hold thousands
    for row in _DELIMITER_ROW.finditer(lines):
        delimiters = row[1]
        if "-" not in delimiters:
            continue
        if "|" not in delimiters and ":" in delimiters:
            return False  # a table of one column in markdown-it-pyrs
        header = lines[lines.rfind("\n", 0, row.start()) + 1 : row.start()]
        if "|" in header or "|" in delimiters:
            if "|" not in header or "|" not in delimiters or _cells(header) != _cells(delimiters):
                return False
            if doubts is None:
                doubts = "\\|" in lines or _TABLE_DOUBTS.search(lines) is not None
            if doubts:
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
