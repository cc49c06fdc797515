"""Exporting a deck: Markdown that imports back exactly, JSON, and an Anki package."""

# The test data holds curly quotes, dashes and full-width letters on purpose.
# ruff: noqa: RUF001

import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import genanki
import pytest

from prepdeck.core.markdown import render_answer
from prepdeck.decks.exporter import EXPORT_MARKER, to_apkg, to_json, to_markdown
from prepdeck.decks.importer import LEVELS, parse_document

FIXTURE = Path(__file__).parent / "data" / "interview_questions.md"


@dataclass
class Item:
    prompt: str
    answer: str
    level: str | None = None
    position: int = 0
    id: int = 0
    tags: list[str] = field(default_factory=list)

    @property
    def answer_html(self) -> str:
        return render_answer(self.answer)


def round_trip(questions, title="Deck", description="", *, as_bytes=False):
    document = to_markdown(title, description, questions)
    parsed = parse_document(document.encode() if as_bytes else document)
    return document, parsed


def assert_same(questions, parsed):
    expected = [(q.prompt, q.answer, q.level) for q in questions]
    assert [(q.prompt, q.answer, q.level) for q in parsed.questions] == expected


NASTY_PROMPTS = [
    "What does `**kwargs` do?",
    "# Is this a heading?",
    "## Basic",
    "**12. Bold and numbered?**",
    "3. Starts with a number",
    "Q3: starts with a label",
    "Answer: looks like a label",
    "Ends with hashes ##",
    "Trailing spaces are kept?   ",
    "  leading spaces",
    "<!-- prepdeck:question -->",
    "\\<!-- prepdeck:section level=basic -->",
    "Given this code:\n```python\n# comment\nprint(1)\n```\nWhat does it print?",
    "Two lines\n\nwith a blank between",
    "",
    "Unicode: naïve café 🚀 “quotes” – dashes",
    "Mojibake on purpose: Itâ€™s ðŸš€",
    "<script>alert(1)</script>",
]

NASTY_ANSWERS = [
    "## Not a heading\n### 4. Not a question\n# Not a title",
    "**12. Not a question**\n\n**Advanced Level**\n\n**Answer:**",
    "Answer: this label is part of the answer",
    "A: so is this",
    "---\nstarts and ends with separators\n***",
    "```python\n# comment   \nx = 1    \n\n\n```\ntext after",
    "```\nan unclosed fence\n### 5. still code\n<!-- prepdeck:question -->",
    "~~~\ntilde fence\n~~~",
    "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "1. What is this?\n2. A numbered list.\n\nQ: and a plain Q line?",
    "\n\nleading blank lines",
    "trailing blank lines\n\n\n",
    "trailing spaces   ",
    "    indented code block\n    # still code",
    "<!-- prepdeck:export v1 -->\n\\<!-- prepdeck:question -->\n\\\\<!-- prepdeck:x -->",
    "<!-- an ordinary comment -->\n<details><summary>More</summary>hidden</details>",
    "",
    "\n",
    " ",
    "\t tab",
    "Mojibake on purpose: â€“ and Ã©",
    "&amp; &lt;not a tag&gt; “curly” ﬁ ＡＢ",
    "Control: \x0b\x0c\x1b[31mred\x1b[0m",
    "\u2028line separator\u2029and \x85 next line",
]


def nasty_questions():
    questions = []
    for index, prompt in enumerate(NASTY_PROMPTS + ["plain"] * 10):
        answer = NASTY_ANSWERS[index % len(NASTY_ANSWERS)]
        level = ([None, *LEVELS, None, "basic"])[index % 8]
        questions.append(Item(prompt, answer, level))
    for index, answer in enumerate(NASTY_ANSWERS):
        questions.append(Item(f"Question about answer {index}?", answer, LEVELS[index % 5]))
    return questions


def test_nasty_prompts_and_answers_round_trip_exactly():
    questions = nasty_questions()
    _, parsed = round_trip(questions, "Nasty deck", "A description\n## with a heading")
    assert_same(questions, parsed)
    assert parsed.title == "Nasty deck"
    assert parsed.description == "A description\n## with a heading"
    assert [q.number for q in parsed.questions] == list(range(1, len(questions) + 1))


def test_nasty_round_trip_through_bytes_as_an_uploaded_file():
    questions = [q for q in nasty_questions() if "\x1b" not in q.answer]
    _, parsed = round_trip(questions, as_bytes=True)
    assert_same(questions, parsed)


def test_only_empty_answers_are_warned_about():
    questions = [Item("Empty?", ""), Item("Blank?", " \n"), Item("Full?", "yes")]
    _, parsed = round_trip(questions)
    assert_same(questions, parsed)
    assert parsed.warnings == [
        'Question 1 ("Empty?") has no answer.',
        'Question 2 ("Blank?") has no answer.',
    ]


def test_levels_form_sections_in_deck_order_and_unlevelled_questions_survive():
    questions = [
        Item("a", "1"),
        Item("b", "2", "basic"),
        Item("c", "3", "basic"),
        Item("d", "4"),
        Item("e", "5", "expert"),
        Item("f", "6", "basic"),
    ]
    document, parsed = round_trip(questions)
    assert_same(questions, parsed)
    headings = [line for line in document.splitlines() if line.startswith("## ")]
    assert headings == ["## Basic", "## Other questions", "## Expert", "## Basic"]


def test_the_export_reads_well_as_markdown():
    document = to_markdown(
        "Flask", "About Flask.", [Item("What is Flask?", "A framework.", "basic")]
    )
    assert document == (
        f"{EXPORT_MARKER}\n# Flask\n\nAbout Flask.\n\n"
        "<!-- prepdeck:section level=basic -->\n## Basic\n\n"
        "<!-- prepdeck:question -->\n### 1. What is Flask?\n\nA framework.\n"
    )


def test_crlf_in_stored_text_is_exported_as_lf():
    document, parsed = round_trip([Item("Two\r\nlines", "a\r\nb\rc", "basic")], "T", "d\r\ne")
    assert "\r" not in document
    assert (parsed.questions[0].prompt, parsed.questions[0].answer) == ("Two\nlines", "a\nb\nc")
    assert parsed.description == "d\ne"


def test_a_title_on_several_lines_is_written_on_one():
    _, parsed = round_trip([Item("q", "a")], title="Flask\nQuestions")
    assert parsed.title == "Flask Questions"


def test_the_exporter_knows_the_importers_levels():
    from prepdeck.decks import exporter

    assert exporter._LEVELS == LEVELS  # duplicated to keep the import graph one-way


def test_an_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown level"):
        to_markdown("T", "", [Item("q", "a", "legendary")])


def test_the_imported_fixture_exports_and_imports_back_identically():
    first = parse_document(FIXTURE.read_bytes())
    items = [Item(q.prompt, q.answer, q.level) for q in first.questions]
    _, second = round_trip(items, first.title, first.description, as_bytes=True)
    assert_same(items, second)
    assert (second.title, second.description) == (first.title, first.description)


def test_an_export_whose_marker_line_was_removed_still_imports_by_layout():
    questions = [
        Item("What is Flask?", "A framework.", None),
        Item("What is Jinja?", "Templates.\n\n```python\n# comment\n```", "basic"),
        Item("How do you scale?", "Sideways.", "expert"),
    ]
    document = to_markdown("Flask", "", questions).split("\n", 1)[1]
    parsed = parse_document(document)
    assert_same(questions, parsed)


def test_hand_edited_framing_falls_back_to_reading_by_layout_with_a_warning():
    document = to_markdown("Flask", "", [Item("One?", "a", "basic"), Item("Two?", "b", "basic")])
    broken = document.replace("### 2. Two?", "Two?")
    parsed = parse_document(broken)
    assert parsed.warnings[0].startswith(
        'Line 14 should be a question heading such as "### 3. ..."'
    )
    assert parsed.warnings[0].endswith("read as an ordinary question document instead.")
    assert [q.prompt for q in parsed.questions] == ["One?"]


def test_a_question_added_by_hand_without_its_marker_is_pointed_out():
    document = to_markdown("Flask", "", [Item("One?", "a", "basic")])
    parsed = parse_document(document + "\n### 2. Added by hand?\n\nb\n")
    assert parsed.questions[0].answer == "a\n\n### 2. Added by hand?\n\nb"
    assert "Line 13 looks like a question heading" in parsed.warnings[0]


def test_round_trip_property():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    pieces = st.sampled_from(
        [
            *("\n", "\n\n", " ", "#", "## ", "### 1. ", "**", "**3. x?**", "```", "```python\n"),
            *("~~~", "---", "***", "Answer:", "A: ", "1. ", "Q2: ", "<!-- prepdeck:", " -->"),
            *("\\", "\t", "é", "🚀", "’", "â€™", "&amp;", "<b>", "word", "?", "|a|b|\n|-|-|"),
        ]
    )
    texts = st.one_of(
        st.lists(pieces, max_size=25).map("".join),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00")),
    )
    items = st.builds(Item, texts, texts, st.sampled_from([None, *LEVELS]))

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.lists(items, min_size=1, max_size=8), texts)
    def check(questions, description):
        _, parsed = round_trip(questions, "Deck", description)
        assert_same(questions, parsed)
        assert parsed.description == description

    check()


# ---------------------------------------------------------------------------------- JSON


def test_json_shape():
    deck = {"id": 7, "slug": "flask", "title": "Flask"}
    questions = [
        Item("What is Flask?", "A framework.", "basic", position=1, tags=["core", "wsgi"]),
        Item("Why?", "", None, position=2),
    ]
    document = to_json(deck, questions)
    assert document == {
        "deck": {"id": 7, "slug": "flask", "title": "Flask"},
        "questions": [
            {
                "position": 1,
                "prompt": "What is Flask?",
                "answer": "A framework.",
                "level": "basic",
                "tags": ["core", "wsgi"],
            },
            {"position": 2, "prompt": "Why?", "answer": "", "level": None, "tags": []},
        ],
    }
    assert json.loads(json.dumps(document)) == document
    assert document["deck"] is not deck  # a copy: the caller's dict is not shared


# ---------------------------------------------------------------------------------- Anki


def read_apkg(path: Path, tmp_path: Path):
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        archive.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        notes = db.execute("SELECT guid, flds, tags FROM notes ORDER BY id").fetchall()
        models, decks = db.execute("SELECT models, decks FROM col").fetchone()
    return notes, json.loads(models), json.loads(decks)


def test_apkg_is_a_real_anki_package(tmp_path):
    questions = [
        Item("What is <b>Flask</b>?", "```python\nimport flask\n```", "basic", id=11),
        Item("Two\nlines & more", "**bold**", None, id=12, tags=["jinja", "c#"]),
    ]
    path = tmp_path / "deck.apkg"
    to_apkg(42, "Flask questions", questions, path)
    notes, models, decks = read_apkg(path, tmp_path)

    assert [guid for guid, _, _ in notes] == [
        genanki.guid_for("prepdeck", 11),
        genanki.guid_for("prepdeck", 12),
    ]
    fronts = [flds.split("\x1f")[0] for _, flds, _ in notes]
    backs = [flds.split("\x1f")[1] for _, flds, _ in notes]
    assert fronts == ["What is &lt;b&gt;Flask&lt;/b&gt;?", "Two<br>lines &amp; more"]
    assert '<span class="kn">import</span>' in backs[0]
    assert backs[1] == "<p><strong>bold</strong></p>\n"
    assert notes[0][2].strip() == "prepdeck::basic"
    assert notes[1][2].split() == ["jinja", "c#"]

    (model,) = models.values()
    assert ".highlight .kn" in model["css"]
    assert "Flask questions" in [deck["name"] for deck in decks.values()]


def test_apkg_ids_are_stable_from_one_export_to_the_next(tmp_path):
    questions = [Item("q", "a", "basic", id=5)]
    first, second, other = (tmp_path / name for name in ("1.apkg", "2.apkg", "3.apkg"))
    to_apkg(42, "Deck", questions, first)
    to_apkg(42, "Deck", [Item("q edited", "a edited", "basic", id=5)], second)
    to_apkg(43, "Deck", questions, other)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    one = read_apkg(first, tmp_path / "a")
    two = read_apkg(second, tmp_path / "b")
    three = read_apkg(other, tmp_path / "c")
    assert one[0][0][0] == two[0][0][0]  # same note guid after an edit: Anki updates the card
    assert one[1].keys() == two[1].keys() == three[1].keys()  # one note type for all decks
    assert set(one[2]) == set(two[2]) != set(three[2])  # a deck id per Prepdeck deck
