"""Reading question documents: decoding what people upload, and finding their questions."""

# The test data holds curly quotes, dashes and full-width letters on purpose.
# ruff: noqa: RUF001

import time
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # registers "sloppy-windows-1252"
import pytest

from prepdeck.core.errors import Invalid
from prepdeck.decks.decoding import FTFY_CONFIG, MAX_LINE, decode_document, repair_mojibake
from prepdeck.decks.importer import (
    LEVELS,
    ParsedDocument,
    ParsedQuestion,
    level_for,
    parse_document,
)

FIXTURE = Path(__file__).parents[1] / "data" / "interview_questions.md"


def moji(text: str) -> str:
    """What `text` looks like after its UTF-8 bytes were read as Windows-1252."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def parse(text: str) -> ParsedDocument:
    return parse_document(text.encode())


# ----------------------------------------------------------------------------- decoding


def test_a_bom_is_dropped():
    assert decode_document(b"\xef\xbb\xbf# Title\n") == "# Title\n"


def test_crlf_and_cr_become_lf():
    assert decode_document(b"a\r\nb\rc\n") == "a\nb\nc\n"


def test_utf16_with_a_bom_is_read():
    assert decode_document("# Caf\u00e9\r\n".encode("utf-16")) == "# Caf\u00e9\n"


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        (moji("It’s"), "It’s"),
        (moji("🚀 launch"), "🚀 launch"),
        (moji("Flask – the micro framework"), "Flask – the micro framework"),
        (moji("naïve café"), "naïve café"),
        (moji("“quoted”"), "“quoted”"),
    ],
)
def test_mojibake_is_repaired(broken, repaired):
    assert decode_document(f"Line: {broken}\n".encode()) == f"Line: {repaired}\n"


def test_code_stays_byte_for_byte_apart_from_the_mojibake_repair():
    code = (
        "```html\n"
        '<p title="“quoted”">Tom &amp; Jerry – naïve café ﬁ ＡＢ</p>\n'
        "x = 'don’t'  # ‘single’ and “double”\n"
        "```\n"
    )
    document = f"Answer: it{moji('’')}s easy {moji('🚀')}\n\n{code}"
    assert decode_document(document.encode()) == f"Answer: it’s easy 🚀\n\n{code}"


def test_repair_skips_only_lines_ftfy_would_leave_alone():
    lines = [
        "plain ascii & &amp; <b>",
        "smart ‘quotes’ “here” – and — dashes…\xa0•",
        moji("It’s"),
        "café ﬁ ＡＢ Ã© alone",
        moji("🚀") + " and ’ mixed",
        "\x85 c1 control",
        "Cyrillic: Привет",
        "√± macroman " + moji("é").encode("cp1252").decode("mac_roman"),
    ]
    text = "\n".join(lines)
    assert repair_mojibake(text) == ftfy.fix_text(text, FTFY_CONFIG)


def test_windows_1252_documents_are_accepted():
    assert decode_document(b"It\x92s a caf\xe9 \x96 see \x93this\x94\n") == (
        "It’s a café – see “this”\n"
    )


def test_invalid_utf8_is_refused_with_the_byte_offset():
    with pytest.raises(Invalid) as caught:
        decode_document(b"# Title\nWhat is \x81\x8d?\n")
    assert "not valid UTF-8" in caught.value.message
    assert "0x81 at offset 16 (line 2)" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
        bytes(range(1, 32)) * 20,  # no NUL, but mostly control bytes
    ],
    ids=["png", "zip", "control bytes"],
)
def test_binary_files_are_refused(data):
    with pytest.raises(Invalid, match="not a text document"):
        decode_document(data)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_files_are_refused(data):
    with pytest.raises(Invalid, match=r"The file is empty\."):
        decode_document(data)


def test_a_gigantic_line_is_refused_with_its_line_number():
    data = b"# Title\n\n### 1. Q?\n" + b"x" * (MAX_LINE + 1) + b"\n"
    with pytest.raises(Invalid) as caught:
        decode_document(data)
    assert f"Line 4 is {MAX_LINE + 1:,} characters long" in caught.value.message
    assert f"{MAX_LINE:,}" in caught.value.message


def test_a_long_but_allowed_line_is_fine():
    text = "### 1. Q?\n" + "y" * MAX_LINE + "\n"
    assert parse(text).questions[0].answer == "y" * MAX_LINE


# ------------------------------------------------------------------------------ levels


@pytest.mark.parametrize(
    ("heading", "level"),
    [
        ("Basic", "basic"),
        ("Beginner questions", "basic"),
        ("Fundamentals", "basic"),
        ("Fundamental concepts", "basic"),
        ("Junior developer round", "basic"),
        ("Easy", "basic"),
        ("Intermediate Level", "intermediate"),
        ("Medium", "intermediate"),
        ("Mid-level", "intermediate"),
        ("Advanced Flask Interview Questions", "advanced"),
        ("Hard ones", "advanced"),
        ("Senior", "advanced"),
        ("Expert", "expert"),
        ("🔥 Expert / Bonus", "expert"),
        ("Bonus Questions", "expert"),
        ("Staff engineer", "expert"),
        ("Architect", "expert"),
        ("Scenario", "scenario"),
        ("Scenario-Based Questions", "scenario"),
        ("Practical", "scenario"),
        ("Situational", "scenario"),
        ("Behavioural", "scenario"),
        ("Behavioral questions", "scenario"),
        ("Routing", None),
        ("Basically nothing", None),
    ],
)
def test_level_words(heading, level):
    assert level_for(heading) == level


# ------------------------------------------------------------------ the messy fixture


@pytest.fixture(scope="module")
def fixture_document() -> ParsedDocument:
    return parse_document(FIXTURE.read_bytes())


def test_fixture_title_and_description_are_repaired(fixture_document):
    assert fixture_document.title == "Flask Interview Questions – A Practice Set"
    assert fixture_document.description.startswith("A collection of questions I’ve gathered")
    assert fixture_document.description.endswith("in under a minute. 🚀")


def test_fixture_questions_in_document_order_with_their_levels(fixture_document):
    found = [(q.number, q.level, q.prompt) for q in fixture_document.questions]
    assert found == [
        (1, "basic", "What is Flask?"),
        (2, "basic", "How do you define a route?"),
        (3, "basic", "What does `debug=True` do?"),
        (4, "basic", "What’s the difference between `url_for` and a hard-coded URL?"),
        (5, "intermediate", "How do blueprints help structure an app?"),
        (6, "intermediate", "What is the application context?"),
        (7, "intermediate", "Explain how sessions work in Flask"),
        (8, "advanced", "How would you protect forms against CSRF?"),
        (9, "advanced", "What is WSGI middleware?"),
        (10, "advanced", "How do you run Flask behind Gunicorn?"),
        (11, "expert", "How would you scale Socket.IO across several processes?"),
        (12, "expert", "Design a rate limiter for a public API."),
        (13, "scenario", "Your app is slow only in production. Where do you start?"),
        (14, "scenario", "A teammate wants to store passwords as MD5 hashes. What do you say?"),
    ]
    assert fixture_document.counts_by_level() == {
        "basic": 4,
        "intermediate": 3,
        "advanced": 3,
        "expert": 2,
        "scenario": 2,
    }


def test_fixture_answer_labels_and_separators_are_dropped(fixture_document):
    answers = {q.number: q.answer for q in fixture_document.questions}
    assert answers[1].startswith("Flask is a small WSGI web framework")
    assert answers[2].startswith("Decorate a view function with `@app.route`:\n\n```python\n")
    assert answers[2].endswith("becomes a keyword argument of the view.")
    assert answers[4].startswith("`url_for` builds the URL")
    assert answers[4].endswith("doesn’t break every link that points at it.")
    assert answers[11].endswith("sticky sessions at the load balancer.")
    for answer in answers.values():
        assert not answer.startswith(("Answer", "**Answer", "A:"))
        assert not answer.endswith(("---", "***"))


def test_fixture_tables_and_code_stay_in_their_answers(fixture_document):
    answers = {q.number: q.answer for q in fixture_document.questions}
    assert "| Feature | Application | Blueprint |\n|---|:---:|---|\n" in answers[5]
    assert answers[6].endswith(
        "```python\n"
        "# An application context is pushed for you during a request.\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "\n"
        "## Not a heading\n"
        "**12. Not a question**\n"
        "```"
    )
    assert answers[13] == (
        "1. Read the metrics for the slowest endpoints.\n"
        "2. Reproduce with production-sized data.\n"
        "3. Profile before changing anything."
    )


def test_fixture_code_is_byte_for_byte(fixture_document):
    csrf = fixture_document.questions[7].answer
    assert csrf.endswith(
        "```html\n"
        '<form method="post">\n'
        "  {{ form.csrf_token }}\n"
        '  <p title="“quoted”">Tom &amp; Jerry – naïve café</p>\n'
        "</form>\n"
        "```"
    )
    assert "On the contrary" not in csrf  # nothing invented


def test_fixture_question_without_an_answer_is_kept_and_warned(fixture_document):
    assert fixture_document.questions[8].answer == ""
    assert fixture_document.warnings == ['Question 9 ("What is WSGI middleware?") has no answer.']


def test_fixture_with_crlf_and_bom_reads_the_same(fixture_document):
    data = b"\xef\xbb\xbf" + FIXTURE.read_bytes().replace(b"\n", b"\r\n")
    assert parse_document(data) == fixture_document


def test_str_and_bytes_read_the_same(fixture_document):
    assert parse_document(decode_document(FIXTURE.read_bytes())) == fixture_document


# ----------------------------------------------------------------------- other layouts


@pytest.mark.parametrize(
    ("line", "prompt", "number"),
    [
        ("**12. How does routing work?**", "How does routing work?", 12),
        ("### Q3: What is `g`?", "What is `g`?", 3),
        ("### 3) What is `g`?", "What is `g`?", 3),
        ("#### Question 4 - Explain blueprints", "Explain blueprints", 4),
        ("## Q. 5 What is WSGI?", "What is WSGI?", 5),
        ("### **7. Why Flask?**", "Why Flask?", 7),
        ("### 8. **Why not Django?**", "Why not Django?", 8),
        ("**Q9.** What is CSRF?", "What is CSRF?", 9),
        ("### Q: What is Jinja?", "What is Jinja?", None),
        (
            "### 10. What does `**kwargs` do in `url_for`?  ",
            "What does `**kwargs` do in `url_for`?",
            10,
        ),
        ("### 11. What is C#? ##", "What is C#?", 11),
        ("1. **What is Werkzeug?**", "What is Werkzeug?", 1),
    ],
)
def test_question_lines(line, prompt, number):
    document = parse(f"{line}\n\nThe answer.\n")
    assert [(q.number, q.prompt, q.answer) for q in document.questions] == [
        (number, prompt, "The answer.")
    ]


def test_a_bold_question_with_its_answer_on_the_same_line():
    document = parse("**1. What is Flask?** A micro framework.\n\n**2. And Django?** Bigger.\n")
    assert [(q.prompt, q.answer) for q in document.questions] == [
        ("What is Flask?", "A micro framework."),
        ("And Django?", "Bigger."),
    ]


@pytest.mark.parametrize(
    "label",
    ["Answer:", "**Answer:**", "**Answer**:", "*Answer:*", "A:", "Ans:", "Answer -", "ANSWER:"],
)
def test_answer_labels_are_dropped(label):
    inline = parse(f"### 1. Q?\n{label} The answer.\n")
    alone = parse(f"### 1. Q?\n\n{label}\n\nThe answer.\n")
    assert inline.questions[0].answer == "The answer."
    assert alone.questions[0].answer == "The answer."


def test_words_that_only_look_like_labels_are_kept():
    document = parse("### 1. Q?\nA-list apps use Flask.\n\n### 2. R?\nAnswers vary.\n")
    assert [q.answer for q in document.questions] == ["A-list apps use Flask.", "Answers vary."]


def test_bold_sections_bold_questions_and_bold_notes_inside_answers():
    document = parse(
        "**Basic Level**\n\n**1. What is Flask?**\nA framework.\n\n**Example:**\nSome code.\n\n"
        "**2. Why Flask?**\nSmall.\n\n**Advanced Level**\n\n**3. What is WSGI?**\nAn interface.\n"
    )
    found = [(q.level, q.prompt, q.answer) for q in document.questions]
    assert found == [
        ("basic", "What is Flask?", "A framework.\n\n**Example:**\nSome code."),
        ("basic", "Why Flask?", "Small."),
        ("advanced", "What is WSGI?", "An interface."),
    ]


def test_numbered_list_questions_with_indented_answers():
    document = parse(
        "# Deck\n\n1. **What is Flask?**\n   Flask is a framework.\n\n   ```python\n"
        "   # not a heading\n   app = Flask(__name__)\n   ```\n\n2. **What is Jinja?**\n"
        "   A template engine.\n"
    )
    assert [(q.prompt, q.answer) for q in document.questions] == [
        (
            "What is Flask?",
            "Flask is a framework.\n\n```python\n# not a heading\napp = Flask(__name__)\n```",
        ),
        ("What is Jinja?", "A template engine."),
    ]


def test_plain_text_documents():
    document = parse(
        "Flask interview questions\n\nBasic Questions\n\n1. What is Flask?\n"
        "Flask is a micro web framework.\nIt has two core dependencies:\n1. Werkzeug\n"
        "2. Jinja2\n\n2. What is a route?\nA URL bound to a view.\n\nAdvanced Questions\n\n"
        "3. How does the app context work?\nIt is pushed for each request.\n\n"
        "4. Explain blueprints.\nThey group routes.\n"
    )
    assert document.description == "Flask interview questions"
    assert [(q.number, q.level, q.prompt) for q in document.questions] == [
        (1, "basic", "What is Flask?"),
        (2, "basic", "What is a route?"),
        (3, "advanced", "How does the app context work?"),
        (4, "advanced", "Explain blueprints."),
    ]
    assert document.questions[0].answer.endswith("dependencies:\n1. Werkzeug\n2. Jinja2")


def test_plain_q_and_a_documents():
    document = parse("Q: What is Flask?\nA: A framework.\n\nQ: What is Werkzeug?\nA: A toolkit.\n")
    assert [(q.prompt, q.answer) for q in document.questions] == [
        ("What is Flask?", "A framework."),
        ("What is Werkzeug?", "A toolkit."),
    ]


def test_unnumbered_heading_questions_with_sub_headings_and_a_conclusion():
    document = parse(
        "# Flask notes\n\n## Explain the application factory\n\nA function that builds the app."
        "\n\n### Example\n\n```python\ndef create_app(): ...\n```\n\n"
        "## Describe how blueprints work\n\nThey are registered on the app.\n\n"
        "## Conclusion\n\nThat's all.\n"
    )
    assert document.title == "Flask notes"
    assert [q.prompt for q in document.questions] == [
        "Explain the application factory",
        "Describe how blueprints work",
    ]
    assert "### Example" in document.questions[0].answer
    assert document.warnings == [
        'The text under "Conclusion" (line 17) is not part of any question and was left out.'
    ]


def test_a_title_naming_several_levels_is_a_title_not_a_section():
    document = parse(
        "# Flask Questions: Beginner to Expert\n\n## Beginner\n\n### What is Flask?\nA framework."
        "\n\n## Expert\n\n### How do you scale it?\nSideways.\n"
    )
    assert document.title == "Flask Questions: Beginner to Expert"
    assert [q.level for q in document.questions] == ["basic", "expert"]


def test_questions_before_any_section_and_after_a_neutral_heading_have_no_level():
    document = parse(
        "### 1. First?\nx\n\n## Basic\n\n### 2. Second?\ny\n\n## Advanced\n\n### 3. Third?\nz\n"
        "\n## Routing\n\n### 4. Fourth?\nw\n"
    )
    assert [q.level for q in document.questions] == [None, "basic", "advanced", None]
    assert document.counts_by_level() == {"basic": 1, "advanced": 1, "none": 2}


def test_a_heading_question_that_mentions_a_level_word_is_still_a_question():
    document = parse(
        "## Basic\n\n### 1. What is basic authentication?\nx\n\n"
        "### 2. Basic auth versus tokens\ny\n\n### 3. Advanced routing\nz\n"
    )
    assert [(q.level, q.prompt) for q in document.questions] == [
        ("basic", "What is basic authentication?"),
        ("basic", "Basic auth versus tokens"),
        ("basic", "Advanced routing"),
    ]


def test_section_text_and_numbering_jumps_and_unclosed_fences_are_warned():
    document = parse(
        "## Basic\n\nThese are warm-ups.\n\n### 1. One?\na\n\n### 3. Three?\n```python\nx = 1\n"
        "### 4. Swallowed by the open fence?\n"
    )
    assert [q.prompt for q in document.questions] == ["One?", "Three?"]
    assert document.warnings == [
        "The code block opened on line 9 is never closed, so everything after it was read as code.",
        "Question numbering goes from 1 to 3 on line 8; check that no question was merged "
        "into an answer.",
        'The text under "Basic" (line 1) is not part of any question and was left out.',
    ]


def test_tilde_fences_and_longer_fences_are_opaque():
    document = parse(
        "### 1. One?\n~~~\n### 2. Not a question\n~~~\n\n### 2. Two?\n````md\n```\n"
        "### 3. Still code\n```\n````\n"
    )
    assert [q.prompt for q in document.questions] == ["One?", "Two?"]
    assert document.questions[1].answer == "````md\n```\n### 3. Still code\n```\n````"


def test_a_document_without_questions_is_invalid_with_a_clear_message():
    with pytest.raises(Invalid) as caught:
        parse("# My notes\n\nJust some text about Flask.\n\n## Routing\n\nMore text.\n")
    message = caught.value.message
    assert message.startswith("No questions found: ")
    assert "### 3. What is a blueprint?" in message
    assert "## Basic" in message


def test_counts_by_level_uses_level_order_and_none():
    document = ParsedDocument(
        None,
        "",
        [
            ParsedQuestion(None, "a", "", None),
            ParsedQuestion(None, "b", "", "expert"),
            ParsedQuestion(None, "c", "", "basic"),
        ],
    )
    assert list(document.counts_by_level().items()) == [("basic", 1), ("expert", 1), ("none", 1)]
    assert set(LEVELS) == {"basic", "intermediate", "advanced", "expert", "scenario"}


def big_document(count: int) -> bytes:
    parts = ["# Generated\n\nMany questions.\n"]
    for number in range(1, count + 1):
        if number % (count // 5) == 1:
            parts.append(f"\n## {LEVELS[number * 5 // (count + 1)].capitalize()} Questions\n")
        parts.append(
            f"\n### {number}. How does feature {number} work?\n\nAnswer: It’s simple – see:\n\n"
            f"| a | b |\n|---|---|\n| {number} | x |\n\n```python\n# step {number}\n"
            f"def f{number}(x):\n    return x * {number}\n```\n\n- one\n- two\n\n---\n"
        )
    return "".join(parts).encode()


def test_ten_thousand_questions_parse_quickly():
    data = big_document(10_000)
    started = time.perf_counter()
    document = parse_document(data)
    elapsed = time.perf_counter() - started
    assert len(document.questions) == 10_000
    assert document.counts_by_level() == {level: 2000 for level in LEVELS}
    assert document.questions[-1].answer.endswith("- one\n- two")
    assert elapsed < 5, f"{elapsed:.2f} s"  # about 0.4 s here; quadratic work takes minutes


def test_repair_matches_ftfy_and_parsing_never_crashes_on_arbitrary_text():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    pieces = st.sampled_from(
        [
            *("\n", " ", "#", "### ", "**", "1. ", "Q3: ", "```", "~~~", "---", "Answer:", "?"),
            *("é", "’", "“", "–", "\xa0", "Ã", "©", "â€™", "ðŸš€", "Basic", "Expert", "word", "\\"),
            "|",
        ]
    )
    texts = st.one_of(
        st.lists(pieces, max_size=40).map("".join),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00")),
    )

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(texts)
    def check(text):
        assert repair_mojibake(text) == ftfy.fix_text(text, FTFY_CONFIG)
        try:
            document = parse_document(text)
        except Invalid as error:
            assert error.message
        else:
            assert document.questions

    check()
