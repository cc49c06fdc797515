"""Level words in section titles: "## 🟢 Fresher Level (0-1 years)" is the basic level."""

from __future__ import annotations

import re

LEVELS = ("basic", "intermediate", "advanced", "expert", "scenario")

# Words that name a level on their own.
STRONG_WORDS = {
    **dict.fromkeys(("basic", "basics", "beginner", "beginners", "fundamentals"), "basic"),
    **dict.fromkeys(("junior", "entry-level", "fresher", "freshers", "novice"), "basic"),
    **dict.fromkeys(("intermediate", "mid-level"), "intermediate"),
    **dict.fromkeys(("advanced", "senior"), "advanced"),
    **dict.fromkeys(("expert", "experts"), "expert"),
    **dict.fromkeys(("scenario", "scenarios", "scenario-based", "situational"), "scenario"),
    **dict.fromkeys(("behavioural", "behavioral"), "scenario"),
}
# Words that name a level only when nothing more specific is there: "Bonus: Scenario-Based
# Questions" are scenario questions. A judgement call: "Bonus" questions are the stretch
# questions at the end of a document, usually harder than its "Advanced" ones, so they count
# as expert.
WEAK_WORDS = {
    **dict.fromkeys(("fundamental", "easy"), "basic"),
    **dict.fromkeys(("medium", "mid"), "intermediate"),
    "hard": "advanced",
    **dict.fromkeys(("bonus", "staff", "architect", "architects"), "expert"),
    "practical": "scenario",
}
LEVEL_WORDS = {**WEAK_WORDS, **STRONG_WORDS}

_LEVEL_RE = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted(map(re.escape, LEVEL_WORDS), key=len, reverse=True))
    + r")(?:-level)?(?![\w-])",
    re.IGNORECASE,
)
WORDS = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


QUESTION_WORDS = _word_set(
    "what what's how how's why when where which who whom whose explain describe define compare "
    "contrast can could does do did is are was were should would will write implement design "
    "list name give tell walk discuss differentiate difference suppose imagine given you your "
    "have has show create build"
)
FILLER = _word_set(
    "level levels question questions interview interviews section sections part round tier "
    "stage topic topics concept concepts and or to for the a an of in on with q qa answers answer "
    "developer developers engineer engineers candidate candidates role roles problem problems "
    "challenge challenges exercise exercises set year years yrs experience experienced based"
)


def levels_named(text: str) -> list[str]:
    """Every level `text` names, each once: those named by strong words first, in order."""
    found = [match.lower() for match in _LEVEL_RE.findall(text)]
    ordered = [w for w in found if w in STRONG_WORDS] + [w for w in found if w in WEAK_WORDS]
    return list(dict.fromkeys(LEVEL_WORDS[word] for word in ordered))


def level_for(text: str) -> str | None:
    """The level a section title names, if it names one. The more specific word wins: a strong
    word over a weak one ("Bonus: Scenario-Based" -> scenario, "🔥 Expert / Bonus" -> expert),
    and the kind of question over its difficulty ("Advanced Scenario-Based" -> scenario); of
    two difficulty words, the first."""
    named = levels_named(text)
    if not named:
        return None
    strong = {STRONG_WORDS[m.lower()] for m in _LEVEL_RE.findall(text) if m.lower() in STRONG_WORDS}
    return "scenario" if "scenario" in strong else named[0]


def title_level(prompt: str, *, asks: bool) -> str | None:
    """The level if a heading reads as a section title ("Basic Flask Questions", "🟢 Fresher
    Level (0-1 years)"), not as a question or a topic that happens to hold a level word."""
    if asks:
        return None
    level = level_for(prompt)
    words = [_bare(word) for word in WORDS.findall(prompt.lower())]
    if level is None or not words or len(words) > 10 or words[0] in QUESTION_WORDS:
        return None
    others = [w for w in words if w not in LEVEL_WORDS and w not in FILLER]
    return level if len(others) <= 3 else None


def _bare(word: str) -> str:
    """ "senior-level" -> "senior"; "scenario-based" stays (it is a level word of its own)."""
    return word[: -len("-level")] if word.endswith("-level") and word != "entry-level" else word
