"""What Pygments' `HtmlFormatter(nowrap=True)` writes for a lexer's tokens, in one loop.

Pygments passes each token through three generators before its formatter (the lexer's,
`Lexer.get_tokens`' that drops the position, and the budget's check) and the formatter writes it
line by line through a fourth; for code that is a few hundred thousand tokens an import. Here
the tokens come straight from `get_tokens_unprocessed`, after the same input preprocessing
`get_tokens` does, the deadline is checked between them as before, and the spans are written
as `HtmlFormatter._format_lines` writes them: a span closed at the end of each line and opened
again on the next, none for an empty part, the class names from the formatter itself.
`tests/core/test_markdown.py` compares the HTML with Pygments' own on every vetted lexer.
"""

from __future__ import annotations

import time
from functools import lru_cache
from html import escape

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer

from prepdeck.core import lexing


class OutOfTime(Exception):
    """The deadline passed before the last token."""


@lru_cache(maxsize=512)
def _parts(value: str) -> list[str]:
    # As `HtmlFormatter._translate_parts`; callers never change the list.
    return escape(value, quote=False).split("\n")


def highlighted(lexer: Lexer, code: str, formatter: HtmlFormatter, deadline: float) -> str:
    """``formatter.format(lexer.get_tokens(code))`` as one string; `OutOfTime` when the
    monotonic clock passes `deadline` between two tokens, not counting the time the lexer
    spent building its tables (`lexing.seconds_building`). The lexer has no filters."""
    built = lexing.seconds_building()
    openers = formatter.span_element_openers
    out: list[str] = []
    write = out.append
    lspan, in_line = "", False
    monotonic = time.monotonic
    for _, ttype, value in lexer.get_tokens_unprocessed(lexer._preprocess_lexer_input(code)):
        if monotonic() > deadline:
            deadline += lexing.seconds_building() - built
            built = lexing.seconds_building()
            if monotonic() > deadline:
                raise OutOfTime
        cspan = openers.get(ttype)
        if cspan is None:
            css_class = formatter._get_css_classes(ttype)
            cspan = openers[ttype] = f'<span class="{css_class}">' if css_class else ""
        parts = _parts(value)
        if len(parts) > 1:
            for part in parts[:-1]:
                if in_line:
                    if lspan != cspan and part:
                        write(f"{lspan and '</span>'}{cspan}{part}{cspan and '</span>'}\n")
                    else:
                        write(f"{part}{lspan and '</span>'}\n")
                    in_line = False
                elif part:
                    write(f"{cspan}{part}{cspan and '</span>'}\n")
                else:
                    write("\n")
        last = parts[-1]
        if in_line and last:
            if lspan != cspan:
                write(f"{lspan and '</span>'}{cspan}{last}")
                lspan = cspan
            else:
                write(last)
        elif last:
            write(cspan + last)
            lspan, in_line = cspan, True
    if in_line:
        write(f"{lspan and '</span>'}\n")
    return "".join(out)
