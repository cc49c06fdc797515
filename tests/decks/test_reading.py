"""The reading rules, each on a small document written for it: how people lay out their
interview questions, and what must stay in an answer."""

# The documents hold emoji and curly quotes on purpose.

from __future__ import annotations

import random

import pytest

from prepdeck.core.errors import Invalid
from prepdeck.decks.importer import ParsedDocument, level_for, parse_document


def parse(text: str) -> ParsedDocument:
    return parse_document(text.encode())


def prompts(document: ParsedDocument) -> list[str]:
    return [q.prompt for q in document.questions]


# ------------------------------------------------------------- the document's own pattern


def test_numbered_sub_headings_inside_answers_stay_there_with_their_code():
    document = parse(
        "# Databases\n\n## 1. How do you speed up a slow query?\n\nLook at the plan.\n\n"
        "#### 1. Add an index\n\n```sql\nCREATE INDEX ON users (email);\n```\n\n"
        "#### 2. Select fewer columns\n\nOnly what you need.\n\n"
        "#### 3. Is the cache warm?\n\nCheck it.\n\n"
        "## 2. What is a transaction?\n\nAll or nothing.\n\n"
        "#### 1. Atomicity\n\nAll.\n\n#### 2. Isolation\n\nAlone.\n\n"
        "## 3. What is a deadlock?\n\nTwo waits.\n\n#### 1. Detection\n\nThe server sees it.\n"
    )
    assert prompts(document) == [
        "How do you speed up a slow query?",
        "What is a transaction?",
        "What is a deadlock?",
    ]
    first = document.questions[0].answer
    assert "#### 2. Select fewer columns" in first and "#### 3. Is the cache warm?" in first
    assert "```sql\nCREATE INDEX ON users (email);\n```" in first
    assert document.warnings == []


def test_a_question_heading_shallower_than_the_rest_keeps_the_numbering():
    document = parse(
        "# Part 1\n\nIntro.\n\n# 1. Explain the request cycle.\n\nURL, view, response.\n\n"
        "## 2. How are settings split?\n\nBy environment.\n\n## 3. What is a signal?\n\nA hook.\n"
    )
    assert prompts(document) == [
        "Explain the request cycle.",
        "How are settings split?",
        "What is a signal?",
    ]


def test_a_numbered_chapter_heading_is_not_a_question():
    document = parse(
        "# 1. Introduction\n\nWhat this is.\n\n## 1. What is Flask?\n\nA framework.\n\n"
        "## 2. What is Werkzeug?\n\nA toolkit.\n"
    )
    assert prompts(document) == ["What is Flask?", "What is Werkzeug?"]


def test_code_blocks_stay_byte_for_byte_and_hash_lines_in_them_are_code():
    code = (
        "```yaml\n# Deployment\napiVersion: apps/v1\n  # indented comment\t\n## not a heading\n```"
    )
    document = parse(f"### 1. Show a manifest?\n\n{code}\n\n### 2. And another?\n\nNo.\n")
    assert document.questions[0].answer == code


def test_inline_markdown_and_html_in_prompts_is_kept_as_written():
    document = parse(
        "### 1. What does `**kwargs` do in *Python*?\n\nx\n\n"
        "### 2. When is <code>git pull</code> enough?\n\ny\n"
    )
    assert prompts(document) == [
        "What does `**kwargs` do in *Python*?",
        "When is <code>git pull</code> enough?",
    ]


# ------------------------------------------------------------------ <details> blocks


def test_details_blocks_whose_summaries_are_the_questions():
    document = parse(
        "# Git\n\n## Exercises\n\n| Name | Topic |\n| --- | --- |\n| First | Commit |\n\n"
        "### Git Basics\n\n<details>\n<summary>What is <code>git init</code>?</summary><br><b>\n"
        "It creates a repository.\n</b>\n</details>\n\n"
        "<details>\n<summary>How do you undo a commit? </summary><br><b>\n\n```\n"
        "git revert HEAD\n```\n</b></details>\n\n### Branches\n\n"
        "<details>\n<summary>How do you squash commits?</summary><br><b>\n</b>\n</details>\n"
    )
    assert prompts(document) == [
        "What is <code>git init</code>?",
        "How do you undo a commit?",
        "How do you squash commits?",
    ]
    assert [q.answer for q in document.questions] == [
        "It creates a repository.",
        "```\ngit revert HEAD\n```",
        "",
    ]
    assert [q.level for q in document.questions] == [None, None, None]
    assert 'Question 3 ("How do you squash commits?") has no answer.' in document.warnings


def test_answer_summaries_inside_a_heading_layout_stay_in_the_answers():
    document = parse(
        "<details><summary>See 3 translations</summary>\n\n- [fr](fr.md)\n</details>\n\n"
        "###### 1. What's the output?\n\n```js\nconsole.log(1)\n```\n\n- A: `1`\n- B: `2`\n\n"
        "<details><summary><b>Answer</b></summary>\n<p>\n\n#### Answer: A\n\n```js\n// 1\n```\n\n"
        "</p>\n</details>\n\n---\n\n###### 2. What's the output?\n\n- A: `x`\n\n"
        "<details><summary><b>Answer</b></summary>\n<p>\n\n#### Answer: A\n\nIt is x.\n\n"
        "</p>\n</details>\n"
    )
    assert prompts(document) == ["What's the output?", "What's the output?"]
    first = document.questions[0].answer
    assert "#### Answer: A" in first and "```js\n// 1\n```" in first
    assert document.questions[1].answer.endswith("It is x.\n\n</p>\n</details>")
    assert document.warnings == []


# --------------------------------------------------------------- tables of contents


def test_a_table_of_contents_is_never_read_as_questions():
    document = parse(
        "## JS Questions\n\n- [Explain closures](#explain-closures)\n"
        "- [Make this work: `dup([1,2])`](#make-this-work)\n"
        "- [What is `this`?](#what-is-this)\n\n"
        "### Explain closures\n\nFunctions with their scope.\n\n"
        "#### Can you give an example of a closure?\n\nA counter.\n\n"
        "### Make this work:\n\n```js\ndup([1,2])\n```\n\n### What is `this`?\n\nThe receiver.\n\n"
        "###### References\n\n- a link\n\n### Other Answers\n\n- [elsewhere](https://example.com)\n"
    )
    assert prompts(document) == ["Explain closures", "Make this work:", "What is `this`?"]
    assert "#### Can you give an example of a closure?" in document.questions[0].answer
    assert document.questions[2].answer == "The receiver.\n\n###### References\n\n- a link"
    assert "- [" not in document.description
    assert document.warnings == [
        'The text under "Other Answers" (line 29) is not part of any question and was left out.'
    ]


# ------------------------------------------------------------- questions and answers


def test_plain_question_and_answer_lines_without_blank_lines_between_pairs():
    document = parse(
        "Docker Interview Questions\nQuestion: What is a Dockerfile?\nAnswer: A recipe.\n\n"
        "Question: Write a Dockerfile for a web app.\nAnswer:\ndockerfile\nCopy code\n"
        "FROM python:3.12\nQuestion: ENTRYPOINT vs CMD.\nAnswer: One is fixed.\n"
    )
    assert prompts(document) == [
        "What is a Dockerfile?",
        "Write a Dockerfile for a web app.",
        "ENTRYPOINT vs CMD.",
    ]
    assert document.questions[1].answer == "dockerfile\nCopy code\nFROM python:3.12"


def test_numbered_list_items_whose_text_is_a_heading_with_indented_answers():
    document = parse(
        "# <center>Kubernetes</center>\n\n1. ## **What is a Pod?**\n\n   The smallest unit.\n\n"
        "   ```yaml\n   # a pod\n   kind: Pod\n   ```\n\n"
        "2. ## **Deployment Strategies**\n\n   ### 1. Recreate\n\n   All at once.\n\n"
        "   ### 2. Rolling\n\n   A few at a time.\n"
    )
    assert document.title == "Kubernetes"
    assert prompts(document) == ["What is a Pod?", "Deployment Strategies"]
    assert document.questions[0].answer == "The smallest unit.\n\n```yaml\n# a pod\nkind: Pod\n```"
    assert document.questions[1].answer.startswith("### 1. Recreate\n\nAll at once.")


@pytest.mark.parametrize(
    ("line", "prompt"),
    [
        ("**7. What are *args and **kwargs used for?**  ", "What are *args and **kwargs used for?"),
        ("**What is a generator? 👶**", "What is a generator? 👶"),
        ("**Precision-recall trade-off ⭐️**", "Precision-recall trade-off ⭐️"),
    ],
)
def test_bold_whole_line_questions_read_as_written(line, prompt):
    document = parse(f"{line}\nThe answer.\n\n**What is next?**\n\n**Answer:** More.\n")
    assert [(q.prompt, q.answer) for q in document.questions] == [
        (prompt, "The answer."),
        ("What is next?", "More."),
    ]


def test_bold_paragraph_openings_in_answers_are_not_questions():
    document = parse(
        "**What is bias?**\n\n**Bias** is the error of a model.\n\n**Variance** is the spread.\n\n"
        "**What is variance? 🚀**\n\nThe spread.\n"
    )
    assert prompts(document) == ["What is bias?", "What is variance? 🚀"]


# ------------------------------------------------------------------ level sections


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("🟢 Fresher Level (0-1 years)", "basic"),
        ("Intermediate-Level Questions and Answers", "intermediate"),
        ("Senior-Level:", "advanced"),
        ("🔥 Bonus: Scenario-Based Questions", "scenario"),
        ("Advanced Scenario-Based Questions", "scenario"),
        ("Expert / Bonus", "expert"),
        ("Bonus Round", "expert"),
    ],
)
def test_level_titles_however_they_are_worded(title, level):
    assert level_for(title) == level


@pytest.mark.parametrize(
    "sections",
    [
        ("## 🟢 Beginner", "## 🔴 Advanced-Level Questions and Answers"),
        ("** Beginner Level **", "** Advanced Level **"),
        ("### **Beginner:**", "### **Senior-Level:**"),
        ("**🌱 Beginner**", "**🚀 Bonus: Scenario-Based**"),
    ],
)
def test_level_sections_however_they_are_decorated_and_numbering_restarting(sections):
    low, high = sections
    document = parse(
        f"# Python\n\n{low}\n\n**1. What is a list?**\nAn array.\n\n**2. What is a tuple?**\n"
        f"Frozen.\n\n{high}\n\n**1. What is the GIL?**\nA lock.\n\n**2. What is a slot?**\n"
        "A field.\n"
    )
    assert [q.prompt for q in document.questions] == [
        "What is a list?", "What is a tuple?", "What is the GIL?", "What is a slot?",
    ]  # fmt: skip
    top = level_for(high.strip("#* "))
    assert [q.level for q in document.questions] == ["basic", "basic", top, top]


def test_topic_sections_whose_titles_hold_a_level_word_give_no_level():
    document = parse(
        "# NgRx\n\n## 🔹 1. Basics (Questions 1-2)\n\n**Q1: What is NgRx?**\nA store.\n\n"
        "**Q2: What is an action?**\nAn event.\n\n## 🔹 2. Selectors\n\n**Q3: What is a selector?**"
        "\nA query.\n\n## 🔹 3. Effects\n\n**Q4: What is an effect?**\nA side job.\n\n"
        "## 🔹 4. Advanced Testing\n\n**Q5: How do you test effects?**\nWith marbles.\n"
    )
    assert len(document.questions) == 5
    assert [q.level for q in document.questions] == [None] * 5


def test_a_legend_before_the_sections_and_an_outro_after_them():
    document = parse(
        "# 🟡 Angular Testing Questions\n\n> 🟢 Fresher · 🟡 Mid-Level · 🔴 Senior\n\n"
        "## 🟢 Fresher Level (0-1 years)\n\n### Q1. What is TestBed? 🟢 | 🏭\n\n"
        "**Answer:** A module.\n\n## 🔴 Senior Level (5+ years)\n\n"
        "### Q2. What is a harness? 🔴 | 🚀\n\n**Answer:**\n"
        "A page object.\n\n## 📋 Quick Reference\n\n### Commands:\n\n```bash\nng test\n```\n"
    )
    assert document.title == "🟡 Angular Testing Questions"
    assert [(q.prompt, q.level, q.answer) for q in document.questions] == [
        ("What is TestBed? 🟢 | 🏭", "basic", "A module."),
        ("What is a harness? 🔴 | 🚀", "advanced", "A page object."),
    ]
    assert 'The text under "Commands:" (line 20) is not part of any question' in " ".join(
        document.warnings
    )


# ------------------------------------------------------------------ the author's sign-off


@pytest.mark.parametrize(
    "signoff",
    [
        "Would you like more questions on Django? 😊",
        "---\n\n*Written by Jane Doe, 2024*",
        "🙌 **Happy coding!**",
        "Let me know if you want answers with code.",
    ],
)
def test_the_sign_off_after_the_last_answer_is_left_out_with_a_warning(signoff):
    document = parse(
        "### 1. What is a view?\n\nA function.\n\n### 2. What is a model?\n\nA table.\n\n"
        f"Models map rows.\n\n{signoff}\n"
    )
    assert [q.answer for q in document.questions] == ["A function.", "A table.\n\nModels map rows."]
    assert any(w.startswith("The closing words after the last answer") for w in document.warnings)


def test_a_last_paragraph_that_is_part_of_the_answer_stays():
    text = "### 1. What is a view?\n\nA function.\n\n---\n\nIt returns a response.\n"
    document = parse(text)
    assert document.questions[0].answer == "A function.\n\n---\n\nIt returns a response."
    assert document.warnings == []


def test_a_document_that_mixes_layouts_reads_what_it_can_and_warns_about_the_rest():
    document = parse(
        "## 1. What is Flask?\n\nA framework.\n\n## Notes from the meetup\n\nSome text.\n\n"
        "## 2. What is Jinja?\n\nTemplates.\n"
    )
    assert prompts(document) == ["What is Flask?", "What is Jinja?"]
    assert document.warnings == [
        'The text under "Notes from the meetup" (line 5) is not part of any question and was '
        "left out."
    ]


def test_numbered_items_with_sub_lists_and_a_table_of_contents_in_a_table():
    document = parse(
        "# JS\n\n| No. | Questions |\n| --- | --- |\n"
        "| 1 | [What are objects](#what-are-objects) |\n"
        "| 2 | [What is a prototype](#what-is-a-prototype) |\n"
        "| 3 | [What are closures](#what-are-closures) |\n\n"
        "1. ### What are objects\n\n   Several ways:\n\n   1. **Literal syntax:**\n\n"
        "      ```js\n      var o = {};\n      ```\n   2. **Constructor:**\n\n"
        "2. ### What is a prototype\n\n   A chain.\n\n3. ### What are closures\n\n"
        "   Functions with scope:\n   1. Own scope\n   2. Outer scope\n"
    )
    assert prompts(document) == ["What are objects", "What is a prototype", "What are closures"]
    assert document.questions[0].answer.endswith("```\n2. **Constructor:**")
    assert document.questions[2].answer == "Functions with scope:\n1. Own scope\n2. Outer scope"
    assert document.description == ""


def test_numbered_bold_steps_in_an_answer_are_not_questions_even_when_they_follow_on():
    document = parse(
        "## 1. What is pip?\n\nAn installer.\n\n## 2. What is a wheel?\n\nA package.\n\n"
        "## 3. How do you deploy Flask?\n\n**1. Build it**\n\nx\n\n**2. Ship it**\n\ny\n\n"
        "**3. Test it**\n\nz\n\n**4. Run it**\n\nw\n\n## 4. What is Gunicorn?\n\nA server.\n"
    )
    assert [q.number for q in document.questions] == [1, 2, 3, 4]
    assert document.questions[2].answer.endswith("**4. Run it**\n\nw")


FRAGMENTS = (
    *("# T", "## Basic", "### 1. What?", "**1. Q?**", "1. ## **Q**", "   1. **Sub:**", "<details>"),
    *("<summary>Q?</summary>", "</details>", "<summary><b>Answer</b></summary>", "</b></details>"),
    *("- [Q](#q)", "| 1 | [Q](#q) |", "```", "~~~", "---", "Question: x?", "Answer: y", "Q: a?"),
    *("** Beginner **", "#### 2. Sub?", "Would you like more?", "*Written by me*", "", "text"),
    *(
        "# 1. Intro",
        "## 2. Next?",
        "<summary>unclosed",
        "<details><summary>x</summary> y </details>",
    ),
    *("###### 3. What's the output?", "**Bold** words", "A: b", "1. [a](#b)"),
)


def test_any_mix_of_layouts_reads_or_says_why_it_cannot():
    """Documents made of every layout's pieces in random order: each gives questions, or the
    one clear error, never a crash; and every question has a prompt."""
    rng = random.Random(11)
    for _ in range(2_000):
        text = "\n".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 25)))
        try:
            document = parse(text)
        except Invalid as error:
            assert error.message.startswith(("No questions found", "The file is empty"))
            continue
        assert all(q.prompt.strip() for q in document.questions), text
