"""Sanitising an answer without parsing its highlighted code again.

nh3 parses all the HTML it is given and writes it out again. In an answer with code, most of
that HTML is Pygments' spans: markup the renderer's own formatter wrote around text it escaped
itself. The renderer therefore gives nh3 the answer with each highlighted block's body replaced by
a placeholder, and puts the bodies back into nh3's output, each written as nh3 writes such a
body: its HTML parser reads ``&quot;`` and ``&#39;`` as the characters they stand for, and its
writer escapes only ``&``, ``<``, ``>`` and the no-break space in text. Spans are kept as they
are when their classes are all allowed, which `held` checks on every span opener Pygments has
written so far.

A body goes back only into the place it left, inside its own ``<code class="...">`` and before
``</code></pre>``, exactly as written: nh3 writes the quotes of an attribute it keeps as
``&quot;``, so a placeholder that the surrounding HTML put inside an attribute value, or inside
anything nh3 rewrites, is not found in that frame. Then, or when a placeholder went missing
(nh3 dropped what held it), the answer is sanitised again with its bodies in place, as before:
the HTML is always the one nh3 gives for the whole answer. The placeholders hold a random mark
drawn for each answer, which its text cannot contain.

Code holding NUL (nh3 drops it) or a lone surrogate (nh3 refuses the text) is left in place, so
nh3 sees it as it did.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Mapping

_LEFT_IN_PLACE = re.compile(r"[\x00\ud800-\udfff]")
_OPENER = re.compile(r'<span class="([^" ]+)">')
_AFTER_BODY = "</code></pre>"


class SpanOpeners:
    """Which of a formatter's span openers name a class the sanitiser would remove."""

    def __init__(self, openers: Mapping[object, str], allowed: Collection[str]) -> None:
        self.openers = openers  # Pygments' HtmlFormatter.span_element_openers, which it fills
        self.allowed = allowed
        self.checked = 0
        self.refused: tuple[str, ...] = ()

    def all_allowed(self, body: str) -> bool:
        if len(self.openers) != self.checked:
            self.refused = tuple(
                opener for opener in list(self.openers.values()) if not self._allowed(opener)
            )
            self.checked = len(self.openers)
        return not any(opener in body for opener in self.refused)

    def _allowed(self, opener: str) -> bool:
        # One class, allowed (Pygments names a token type outside its standard ones by two).
        match = _OPENER.fullmatch(opener)
        return not opener or (match is not None and match[1] in self.allowed)


class CodeSplice:
    """The highlighted bodies of one answer, held out of the sanitiser and put back after it."""

    def __init__(self, openers: SpanOpeners) -> None:
        self.openers = openers
        self.mark = f"pd{secrets.token_hex(8)}n"
        self.bodies: list[tuple[str, str]] = []  # (the code element's opening tag, body)

    def held(self, opening_tag: str, code: str, body: str) -> str | None:
        """A placeholder for `body`, or None when it must go through the sanitiser."""
        if _LEFT_IN_PLACE.search(code) or not self.openers.all_allowed(body):
            return None
        self.bodies.append((opening_tag, body))
        return f"{self.mark}{len(self.bodies) - 1}x"

    def sanitised(self, html: str, clean: Callable[[str], str]) -> str:
        """`clean(html)` with every body in its place."""
        if not self.bodies:
            return clean(html)
        pieces = clean(html).split(self.mark)
        if self._in_their_frames(pieces):
            return _filled(pieces, [_as_written(body) for _, body in self.bodies])
        return clean(_filled(html.split(self.mark), [body for _, body in self.bodies]))

    def _in_their_frames(self, pieces: list[str]) -> bool:
        """Whether nh3 left each placeholder, in order, alone in its own code element."""
        if len(pieces) != len(self.bodies) + 1:
            return False
        return all(
            before.endswith(tag) and after.startswith(f"{index}x{_AFTER_BODY}")
            for index, ((tag, _), before, after) in enumerate(
                zip(self.bodies, pieces[:-1], pieces[1:], strict=True)
            )
        )


def _filled(pieces: list[str], bodies: list[str]) -> str:
    """The text split at the mark, with the placeholders' numbers replaced by their bodies."""
    return pieces[0] + "".join(
        body + piece[len(f"{index}x") :]
        for index, (body, piece) in enumerate(zip(bodies, pieces[1:], strict=True))
    )


def _as_written(body: str) -> str:
    """A Pygments body as nh3 writes it out (Pygments escapes ``"`` and ``'``; nh3 does not)."""
    if "&quot;" in body:
        body = body.replace("&quot;", '"')
    if "&#39;" in body:
        body = body.replace("&#39;", "'")
    if "\xa0" in body:
        body = body.replace("\xa0", "&nbsp;")
    return body
