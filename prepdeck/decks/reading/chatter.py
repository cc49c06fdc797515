"""What authors write after their last answer ("Would you like more questions on …?", "Happy
coding!", "*Written by …*"), which is not part of that answer."""

from __future__ import annotations

from prepdeck.decks.reading.text import is_separator

_PHRASES = (
    *("would you like", "do you want", "want me to", "shall i ", "should i ", "let me know"),
    *("hope this", "i hope", "happy coding", "happy learning", "happy interviewing"),
    *("good luck", "best of luck", "all the best", "feel free", "if you found", "if you liked"),
    *("if you want more", "if you'd like", "if you would like", "thanks for reading"),
    *("thank you for reading", "follow me", "written by", "author:", "authored by"),
    *("created by", "compiled by", "made with", "star this", "give it a star", "please star"),
    *("stay tuned", "more questions coming", "to be continued", "subscribe", "end of"),
)
MAX_SIGNOFF = 3  # paragraphs
MAX_SIGNED = 200  # characters of an emphasised signature line after a rule


def split_signoff(answer: str) -> tuple[str, str]:
    """(`answer` without its closing chatter, the chatter)."""
    lines = answer.split("\n")
    if lines and lines[-1].lstrip().startswith(("```", "~~~")):
        return answer, ""
    cut = len(lines)
    for _ in range(MAX_SIGNOFF):
        start = cut
        while start > 0 and lines[start - 1].strip():
            start -= 1
        before = start - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        after_rule = before >= 0 and is_separator(lines[before])
        paragraph = "\n".join(lines[start:cut])
        if start == 0 or not _is_chatter(paragraph, after_rule):
            break
        cut = before if after_rule else start
        while cut > 0 and not lines[cut - 1].strip():
            cut -= 1
    kept = "\n".join(lines[:cut]).rstrip()
    if cut == len(lines) or not kept.strip():
        return answer, ""
    return kept, "\n".join(lines[cut:]).strip("\n -*_")


def _is_chatter(paragraph: str, after_rule: bool) -> bool:
    words = _opening(paragraph).lower()
    if any(words.startswith(phrase) for phrase in _PHRASES):
        return True
    text = paragraph.strip()
    signed = len(text) <= MAX_SIGNED and "\n" not in text
    emphasised = len(text) > 2 and text[0] in "*_" and text[-1] in "*_"
    return after_rule and signed and emphasised


def _opening(paragraph: str) -> str:
    """The paragraph from its first letter: "🙌 **Would you like…" -> "Would you like…"."""
    for position, character in enumerate(paragraph[:200]):
        if character.isalnum():
            return paragraph[position : position + 100].replace("*", "").replace("_", " ")
    return ""
