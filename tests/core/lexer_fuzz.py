"""Pathological inputs for Pygments lexers, and how lexing time grows with them.

Some lexers backtrack: a 55-character Factor snippet takes Pygments tens of seconds. This module
builds the inputs that make lexers backtrack (runs of backslashes after a quote, unclosed
strings, comments and heredocs, nested brackets, long runs of blank space and blank lines, very
long lines, the same inside the languages other lexers embed) and times a lexer on each at two
sizes. `test_markdown.py` runs a share of them, small; to vet a lexer before adding it to
`prepdeck.core.markdown.VETTED_LEXERS`, run them all (about 1 to 5 minutes a lexer):

    .venv/bin/python -m tests.core.lexer_fuzz                  # every vetted lexer
    .venv/bin/python -m tests.core.lexer_fuzz -l Factor -l INI --sizes 2000 8000 20000

Two figures matter. The longest wait for one token ("stall") is what the rendering's time budget
cannot cut short, since it is checked between tokens: a lexer is "stuck" when that wait grows
faster than the input, and such a lexer must not be vetted. The total may grow faster than the
input ("slow") as long as tokens keep coming: the budget stops it. Cases either way are retimed
at the further sizes given.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class

from tests.services import deadline

# Openers that put a lexer into a state (a string, a comment, a heredoc, an embedded language).
PREFIXES = (
    *("", "x = ", "a\n", '"', "'", "`", '"""', "r'", 'b"', '@"', "%w(", "$'", "#"),
    *("//", "/*", "<!--", "--", "$(", "${", "<<EOF\n", "<?php ", "<script>", "<style>"),
    *("{% ", "{{ ", "[", "a: ", "---\n", ">>> ", "$ ", "- ", "@@ ", "fn f(", "x = /"),
    # into the languages other lexers embed: shell in Docker, JavaScript and CSS in HTML, ...
    *("RUN ", "RUN $'", "$ $'", "<script>'", "<script>/*", "<style>/*", "{{ '", ">>> '"),
)
# Units repeated up to the size; runs of each after each opener.
UNITS = (
    *("\\", '"', "'", "`", '\\"', "\\'", "\\\n", '"\\', "\\\\", "a\\"),
    *(" ", "\t", "\n", " \n", "\n ", "\t\n", "a", "a ", "a\n", "a.", "a::", "0", "0.", "1e"),
    *("(", "[", "{", "<", "$(", "${", "/*", "*/", "<!--", "-->", "#", "//", "-- ", "<<"),
    *("%", "@", ":", ": ", "- ", "=", "<a ", "a=", ",", "?", "!", "|", "&", ";", "$", "*"),
    *("'a", '"a', "{{", "{%", ">>> ", "a(", "/", "+", "..."),
)
PAIRS = (
    *(("(", ")"), ("[", "]"), ("{", "}"), ("<a>", "</a>"), ("${", "}"), ("$(", ")")),
    *(("/*", "*/"), ("{{", "}}"), ("{% if x %}", "{% endif %}"), ('"', '"'), ("`", "`")),
)
SPECIALS = "\\\"'`$(){}[]<>/*#!-=:;,.%@&|?~ \t\n\nab01"


def cases(size: int, prefixes=PREFIXES, units=UNITS) -> Iterator[tuple[str, str]]:
    """(label, text of about `size` characters) for every pathological shape."""
    for prefix in prefixes:
        for unit in units:
            yield f"{prefix!r}+{unit!r}*", prefix + unit * ((size - len(prefix)) // len(unit))
    for opener, closer in PAIRS:
        depth = size // (len(opener) + len(closer))
        yield f"{opener!r}*k+{closer!r}*k", opener * depth + closer * depth
    for seed in range(8):
        rng = random.Random(seed)
        yield f"random#{seed}", "".join(rng.choice(SPECIALS) for _ in range(size))


@dataclass
class Timing:
    total: float  # seconds spent lexing
    stall: float  # the longest wait for one token: what a budget checked between tokens misses
    finished: bool  # False: stopped at the time limit


def timing(lexer: Lexer, text: str, limit: float) -> Timing:
    """How long `lexer` takes on `text`, stopping it after `limit` seconds.

    CPU time of this process, with the garbage collector paused: the machine may be busy with
    other work, and neither that nor a collection is the lexer's doing."""
    collecting = gc.isenabled()
    gc.disable()
    start = last = time.process_time()
    stall = 0.0
    try:
        with deadline(limit):
            for _token in lexer.get_tokens(text):
                now = time.process_time()
                stall, last = max(stall, now - last), now
    except TimeoutError:
        finished = False
    else:
        finished = True
    finally:
        if collecting:
            gc.enable()
    end = time.process_time()
    return Timing(end - start, max(stall, end - last), finished)


def _faster_than_linear(fast: float, slow: float, growth: float, floor: float) -> bool:
    # Linear growth with timing noise (a busy machine) stays under twice the growth of sizes.
    return slow >= floor and slow > 2 * growth * max(fast, floor / growth)


@dataclass
class Survey:
    # (label, timing at the small size, timing at the large one)
    stuck: list  # one token's wait grows faster than the input: no budget can stop it
    slow: list  # the total grows faster than the input, but tokens keep coming
    worst: Timing  # the longest total and the longest stall of any case at the large size


def survey(lexer: Lexer, small: int, large: int, *, limit: float = 1.0) -> Survey:
    """Every case at `small` and `large` characters, sorted by how time grows between them."""
    result = Survey([], [], Timing(0.0, 0.0, True))
    growth = large / small
    for (label, short), (_, long) in zip(cases(small), cases(large), strict=True):
        slow = timing(lexer, long, limit)
        worst = result.worst
        result.worst = Timing(max(worst.total, slow.total), max(worst.stall, slow.stall), True)
        if slow.total < 0.02:
            continue
        fast = timing(lexer, short, limit)
        if (not slow.finished and slow.stall > limit / 2) or _faster_than_linear(
            fast.stall, slow.stall, growth, floor=0.05
        ):
            result.stuck.append((label, fast, slow))
        elif not slow.finished or _faster_than_linear(fast.total, slow.total, growth, 0.02):
            result.slow.append((label, fast, slow))
    return result


def main() -> None:
    from prepdeck.core.lexing import speed_up
    from prepdeck.core.markdown import VETTED_LEXERS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-l", "--lexer", action="append", help="Pygments lexer name")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 8_000])
    parser.add_argument("--limit", type=float, default=1.0, help="seconds before giving up")
    args = parser.parse_args()
    small, large, *confirm = args.sizes
    for name in args.lexer or VETTED_LEXERS:
        # As the renderer lexes: Pygments' rules of a state joined (`prepdeck.core.lexing`).
        lexer = speed_up(find_lexer_class(name)(stripnl=False))
        started = time.monotonic()
        found = survey(lexer, small, large, limit=args.limit)
        print(
            f"{name}: {len(found.stuck)} stuck, {len(found.slow)} slow of "
            f"{len(dict(cases(small)))} cases; at {large}: longest {found.worst.total:.3f}s, "
            f"longest stall {found.worst.stall:.4f}s ({time.monotonic() - started:.0f} s)",
            flush=True,
        )
        stuck = sorted(found.stuck, key=lambda case: -case[2].stall)[:5]
        slowest = sorted(found.slow, key=lambda case: -case[2].total)[:3]
        for kind, listed in (("stuck", stuck), ("slow", slowest)):
            for label, fast, slow in listed:
                figures = [_shown(small, fast), _shown(large, slow)]
                for size in confirm:
                    text = dict(cases(size))[label]
                    figures.append(_shown(size, timing(lexer, text, args.limit)))
                print(f"  {kind} {label:<24} " + "  ".join(figures), flush=True)


def _shown(size: int, measured: Timing) -> str:
    more = "" if measured.finished else "+"
    return f"{size}: {measured.total:.3f}s{more} (stall {measured.stall:.4f}s)"


if __name__ == "__main__":
    main()
