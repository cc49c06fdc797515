"""Deterministic test data: a question document for the importer, rows for the search corpus.

Everything comes from `random.Random(seed)`, so a seed names one exact document and corpus and
two runs of the benchmark measure the same work.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

# Real words first: they take the top ranks of the Zipf distribution, so the most frequent
# lexemes are words people actually search for.
_TECH_TEXT = """
request response session database query cache template route blueprint context thread process
worker token server client cookie header middleware extension config environment variable
handler error exception logging signal model schema migration index transaction commit
rollback connection pool engine cursor lock queue task broker scheduler timeout retry socket
event message channel room password hash salt secret key tokenizer parser renderer lexer
function method class object instance module package import decorator generator iterator
closure coroutine async await loop future promise callback wrapper proxy adapter factory
registry container service repository controller view form field validator widget filter
serializer marshmallow json payload endpoint resource pagination cursor offset limit sort
search ranking vector gin trigram stemming dictionary lexeme snippet highlight fragment
deploy docker image volume network gunicorn nginx uwsgi wsgi asgi reload debug profile
benchmark latency throughput memory allocation garbage reference counter mutex semaphore
deadlock race condition isolation level snapshot replica primary failover backup restore
"""
TECH_WORDS = _TECH_TEXT.split()
STOP_WORDS = ("the", "a", "of", "to", "and", "in", "is", "it", "that", "with", "for", "on", "as")
PHRASES = ("connection pool", "application context", "request lifecycle", "query planner")
_SYLLABLE_TEXT = "ka lo mi ren tor vex dun pal sor qui zem bra fol gix hup jat nel wob yar cus"
SYLLABLES = _SYLLABLE_TEXT.split()
LEVEL_SECTIONS = (
    ("basic", "## 🟢 Basic Questions"),
    ("intermediate", "## Intermediate Level"),
    ("advanced", "## 🔴 Advanced"),
    ("expert", "## Expert / Bonus"),
    ("scenario", "## Scenario-Based Questions"),
)
ASKS = (
    "What is the difference between {a} and {b}?",
    "How does the {a} {b} work in Flask?",
    "Explain how a {a} relates to the {b}.",
    "When would you choose a {a} over a {b}?",
    "How do you debug a slow {a} {b}?",
    "Why does the {a} need a {b}?",
)
CODE_BLOCKS = (
    '@app.route("/{a}/<int:{a}_id>")\ndef show_{a}({a}_id):\n    {a} = db.session.get'
    "({A}, {a}_id)\n    if {a} is None:\n        abort(404)\n    return render_template"
    '("{a}.html", {a}={a})',
    "class {A}Service:\n    def __init__(self, {b}):\n        self.{b} = {b}\n\n"
    "    def load(self, key: str) -> dict:\n        value = self.{b}.get(key)\n"
    "        return json.loads(value) if value else {{}}",
    "@shared_task(bind=True, acks_late=True)\ndef refresh_{a}(self, {a}_id: int) -> None:\n"
    "    # Idempotent: a redelivered task finds the work done.\n    {a} = {A}.query.get({a}_id)\n"
    "    {a}.{b} = compute_{b}({a})\n    db.session.commit()",
    "with app.app_context():\n    for row in db.session.scalars(select({A}).limit(100)):\n"
    '        print(row.id, row.{b}, sep="\\t")',
    "def {a}_{b}(items):\n    seen = set()\n    for item in items:\n        if item in seen:\n"
    "            continue\n        seen.add(item)\n        yield item",
)
MOJIBAKE = "Itâ€™s the {a} â€“ not the {b} â€“ that decides."


@dataclass
class DocumentFacts:
    questions: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    code_blocks: int = 0
    tables: int = 0
    lists: int = 0
    mojibake_lines: int = 0
    answer_labels: int = 0


class Words:
    """Zipf-distributed words (rank r drawn with weight 1/r) mixed with English stop words."""

    def __init__(self, rng: random.Random, vocabulary: int) -> None:
        self.rng = rng
        self.ranked = TECH_WORDS + pseudo_words(rng, vocabulary - len(TECH_WORDS))
        weights = [1 / rank for rank in range(1, len(self.ranked) + 1)]
        self.total = sum(weights)
        self.probability = [w / self.total for w in weights]
        running, cumulative = 0.0, []
        for weight in weights:
            running += weight
            cumulative.append(running)
        self.cumulative = cumulative

    def some(self, count: int) -> list[str]:
        return self.rng.choices(self.ranked, cum_weights=self.cumulative, k=count)

    def sentence(self, length: int) -> str:
        words = self.some(length)
        stops = self.rng.choices(STOP_WORDS, k=length // 2)
        words[1::2] = [f"{stop} {word}" for stop, word in zip(stops, words[1::2], strict=False)]
        if self.rng.random() < 0.05:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(PHRASES))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    """Made-up words for the long tail: rare lexemes that no English dictionary knows."""
    made: dict[str, None] = {}
    while len(made) < count:
        made["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))] = None
    return list(made)


# --------------------------------------------------------------------- the import document


def question_document(count: int, seed: int) -> tuple[bytes, DocumentFacts]:
    """A Markdown question document in the common layout: level sections, numbered ### questions,
    answers of paragraphs with lists, tables, fenced Python code and the odd mojibake line."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    words = Words(rng, 3_000)
    facts = DocumentFacts(questions=count)
    out = [
        "# Python and Flask Interview Questions: Beginner to Expert",
        "",
        "A practice set gathered over many interviews. Answers are meant to be said aloud.",
        "",
    ]
    per_level = -(-count // len(LEVEL_SECTIONS))
    for index in range(count):
        level, heading = LEVEL_SECTIONS[index // per_level]
        if index % per_level == 0:
            out += [heading, ""]
        facts.levels[level] = facts.levels.get(level, 0) + 1
        a, b = words.some(2)
        out += [f"### {index + 1}. {rng.choice(ASKS).format(a=a, b=b)}", ""]
        out += answer_lines(rng, words, facts)
        if rng.random() < 0.3:
            out += ["---", ""]
    return "\n".join(out).encode(), facts


def answer_lines(rng: random.Random, words: Words, facts: DocumentFacts) -> list[str]:
    lines: list[str] = []
    first = words.sentence(rng.randint(8, 18))
    if rng.random() < 0.2:
        facts.answer_labels += 1
        first = f"**Answer:** {first}"
    lines += [first + " " + words.sentence(rng.randint(8, 18)), ""]
    if rng.random() < 0.01:
        facts.mojibake_lines += 1
        a, b = words.some(2)
        lines += [MOJIBAKE.format(a=a, b=b), ""]
    if rng.random() < 0.4:
        facts.lists += 1
        lines += [f"- `{w}` " + words.sentence(rng.randint(4, 9)) for w in words.some(4)] + [""]
    if rng.random() < 0.75:
        facts.code_blocks += 1
        a, b = (w.replace("-", "_") for w in words.some(2))
        code = rng.choice(CODE_BLOCKS).format(a=a, b=b, A=a.title())
        lines += ["```python", code, "```", ""]
    if rng.random() < 0.15:
        facts.tables += 1
        lines += ["| aspect | option A | option B |", "| --- | :---: | --- |"]
        lines += ["| " + " | ".join(words.some(3)) + " |" for _ in range(rng.randint(2, 4))] + [""]
    lines += [words.sentence(rng.randint(6, 14)), ""]
    return lines


# ---------------------------------------------------------------------- the search corpus


@dataclass
class Corpus:
    public_decks: int
    private_decks: int
    rows: list[tuple]  # (deck index, position, prompt, answer, answer_html, level)
    words: Words
    long_answers: int
    lengths: Counter[int]  # vocabulary words per document -> documents of that size


def search_corpus(count: int, seed: int, public_decks: int = 100, private_decks: int = 5):
    """`count` questions over public decks and a few private ones. Answers are a few sentences,
    a third with a code block, and one in a hundred a long essay (8-16 kB) as real decks have."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    words = Words(rng, 50_000)
    decks = public_decks + private_decks
    rows, long_answers, lengths = [], 0, Counter()
    levels = [level for level, _ in LEVEL_SECTIONS] + [None]
    for index in range(count):
        deck = index % decks
        a, b = words.some(2)
        prompt = rng.choice(ASKS).format(a=a, b=b)
        sentences = rng.randint(2, 7)
        if rng.random() < 0.01:
            sentences, long_answers = rng.randint(80, 160), long_answers + 1
        sizes = [rng.randint(8, 16) for _ in range(sentences)]
        answer = " ".join(words.sentence(size) for size in sizes)
        if rng.random() < 0.33:
            code = rng.choice(CODE_BLOCKS).format(a=a, b=b, A=a.title())
            answer += f"\n\n```python\n{code}\n```"
        lengths[2 + sum(sizes)] += 1
        html = f"<p>{answer[:200]}</p>"  # a stand-in: search never reads answer_html
        rows.append((deck, index // decks + 1, prompt, answer, html, rng.choice(levels)))
    return Corpus(public_decks, private_decks, rows, words, long_answers, lengths)


def expected_matches(corpus: Corpus, word: str) -> float:
    """How many documents should hold `word` at least once (to choose query words by)."""
    return _expected_at(corpus, corpus.words.ranked.index(word))


def word_matching(corpus: Corpus, documents: float, ranks: range | None = None) -> str:
    """The most frequent word expected in at most `documents` documents (a binary search:
    the expectation falls as the rank grows)."""
    ranks = ranks or range(len(corpus.words.ranked))
    low, high = ranks.start, ranks.stop - 1
    while low < high:
        middle = (low + high) // 2
        if _expected_at(corpus, middle) <= documents:
            high = middle
        else:
            low = middle + 1
    return corpus.words.ranked[low]


def _expected_at(corpus: Corpus, rank: int) -> float:
    probability = corpus.words.probability[rank]
    return sum(n * (1 - (1 - probability) ** size) for size, n in corpus.lengths.items())


def now() -> datetime:
    return datetime.now(UTC)
