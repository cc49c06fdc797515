"""Uploaded bytes to clean text: encodings, BOMs, line endings and mojibake.

Pure functions, no Flask. `decode_document` refuses what is not a text document with an
`Invalid` error a person can act on.
"""

from __future__ import annotations

import re

import ftfy
from ftfy.badness import is_bad

from prepdeck.core.errors import Invalid
from prepdeck.decks.exporter import EXPORT_MARKER

MAX_LINE = 100_000

# Exactly the ftfy options that repair mojibake and leave code byte for byte (TOOLING.md).
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,
    fix_line_breaks=False,
    remove_control_chars=False,
    remove_terminal_escapes=False,
)

_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"
_BOMS = (("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
# Characters common in clean text that never make ftfy's badness test true on their own; a
# line holding only these and ASCII is skipped (ftfy costs 50-500 µs a line). A test checks this.
_NEEDS_REPAIR = re.compile("[^\x00-\x7f\u2018\u2019\u201c\u201d\u2013\u2014\u2026\xa0\u2022]")


def decode_document(data: bytes) -> str:
    """Bytes of an uploaded document to clean text, or `Invalid` saying what is wrong."""
    check_upload(data)
    text = _decode_utf16(data)
    if text is None:
        text = _decode_bytes(data)
    return normalise_text(text)


def check_upload(data: bytes) -> None:
    """What can be told of uploaded bytes without decoding them, in a few passes of C over
    them: that the file is empty, or no text at all. A web request may afford this much; the
    decoding and the reading wait for a worker."""
    if not data.strip():
        raise Invalid("The file is empty.")
    if not data.startswith(tuple(bom for _codec, bom in _BOMS)):
        _refuse_binary(data)


def normalise_text(text: str) -> str:
    """BOM dropped, newlines made LF, one line at most MAX_LINE long, mojibake repaired."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise Invalid("The file is empty.")
    if "\x00" in text:
        raise Invalid("This file is not a text document (it contains NUL characters).")
    _check_line_lengths(text)
    if text.startswith(EXPORT_MARKER):
        return text  # written by Prepdeck as UTF-8: nothing to repair, and nothing to alter
    return repair_mojibake(text)


def repair_mojibake(text: str) -> str:
    """`ftfy.fix_text(text, FTFY_CONFIG)`, computed only on the lines that could change."""
    if not _NEEDS_REPAIR.search(text):
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _NEEDS_REPAIR.search(line):
            lines[index] = ftfy.fix_text(line, FTFY_CONFIG)
    return "\n".join(lines)


def _decode_utf16(data: bytes) -> str | None:
    for codec, bom in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise Invalid("The file starts like UTF-16 text but is not valid UTF-16.") from None
    return None


def _refuse_binary(data: bytes) -> None:
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if b"\x00" in data or controls > max(8, len(data) // 20):
        raise Invalid(
            "This file is not a text document (it looks like a binary file). "
            "Upload a Markdown (.md) or plain-text (.txt) file."
        )


def _decode_bytes(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    # Some editors still save Windows-1252 ("smart quotes" as single bytes), and some documents
    # are UTF-8 pasted together with a little Windows-1252: accept them when the result reads
    # as ordinary text once ftfy has repaired the UTF-8 parts.
    try:
        fallback = ftfy.fix_text(data.decode("cp1252"), FTFY_CONFIG)
    except UnicodeDecodeError:
        fallback = None
    if fallback is not None and not is_bad(fallback):
        return fallback
    offset = utf8_error.start
    line = data.count(b"\n", 0, offset) + 1
    raise Invalid(
        f"The file is not valid UTF-8 text: byte 0x{data[offset]:02x} at offset {offset} "
        f"(line {line}) cannot be read. Save the file as UTF-8 and upload it again."
    )


def _check_line_lengths(text: str) -> None:
    if len(text) <= MAX_LINE:
        return
    longest = max(text.split("\n"), key=len)
    if len(longest) > MAX_LINE:
        number = text.count("\n", 0, text.index(longest)) + 1
        raise Invalid(
            f"Line {number} is {len(longest):,} characters long; a line may hold at most "
            f"{MAX_LINE:,}. This does not look like a question document."
        )


# ---------------------------------------------------------------------------------- parsing
