"""The built-in Flask deck: a clean document, honest module references, loaded by `seed demo`."""

import re
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa

from prepdeck.decks.importer import LEVELS, parse_document
from prepdeck.decks.models import Deck
from prepdeck.extensions import db
from prepdeck.seed import FLASK_DECK_SLUG, flask_deck_document

ROOT = Path(__file__).resolve().parent.parent
# Modules of features that have not landed yet. When one lands this test fails until its path
# leaves this set, so that the answers pointing at it get read against the real module.
PLANNED: set[str] = set()  # modules an answer may name before they exist
REFERENCE = re.compile(r"^In Prepdeck: (`[^`]+`(?:, `[^`]+`)*)$")
FENCE_WITH_LANGUAGE = re.compile(r"^```[A-Za-z][\w+-]*[ \t]*$", re.MULTILINE)
# A word that occurs in one answer of the deck only, and in no prompt.
SEARCH_WORD = "thundering"


@pytest.fixture(scope="module")
def document():
    return parse_document(flask_deck_document())


def referenced_paths(answer: str) -> list[str]:
    last_line = answer.rstrip().splitlines()[-1]
    match = REFERENCE.match(last_line)
    assert match, f"the answer does not end with an 'In Prepdeck:' line: {last_line!r}"
    return re.findall(r"`([^`]+)`", match.group(1))


def test_the_document_parses_cleanly_with_every_level(document):
    assert document.warnings == []
    assert document.title == "Flask interview questions"
    assert document.description
    assert len(document.questions) >= 20
    counts = document.counts_by_level()
    assert set(counts) == set(LEVELS)
    assert all(counts[level] >= 4 for level in LEVELS), counts
    numbers = [q.number for q in document.questions]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(q.prompt.endswith("?") and q.answer.strip() for q in document.questions)


def test_every_answer_names_modules_that_exist_or_are_planned(document):
    named = set()
    for question in document.questions:
        paths = referenced_paths(question.answer)
        assert paths, question.prompt
        for path in paths:
            assert path in PLANNED or (ROOT / path).is_file(), (
                f"{path} (question {question.number})"
            )
        named.update(paths)
    landed = sorted(path for path in PLANNED if (ROOT / path).exists())
    assert not landed, f"these modules exist now: check the answers naming them: {landed}"
    assert not PLANNED - named, f"planned but never named: {sorted(PLANNED - named)}"
    planned_only = [q for q in document.questions if set(referenced_paths(q.answer)) <= PLANNED]
    assert len(planned_only) <= 6


def test_answers_carry_tables_and_highlightable_code(document):
    with_tables = [q for q in document.questions if re.search(r"(?m)^\| --- \|", q.answer)]
    with_code = [q for q in document.questions if FENCE_WITH_LANGUAGE.search(q.answer)]
    assert len(with_tables) >= 3
    assert len(with_code) >= 5


def test_the_search_word_is_in_exactly_one_answer(document):
    holders = [q for q in document.questions if SEARCH_WORD in q.answer.lower()]
    assert len(holders) == 1
    assert not any(SEARCH_WORD in q.prompt.lower() for q in document.questions)


# What the Flask-versus-Django answer says the project chose where Django has a built-in.
CHOSEN_OVER_DJANGO = (
    "Flask-SQLAlchemy",
    "Flask-Migrate",
    "Flask-WTF",
    "Flask-Login",
    "Flask-Bcrypt",
    "flask-smorest",
    "marshmallow",
    "Celery",
)


def table_rows(markdown: str) -> list[list[str]]:
    """The cells of each body row of the Markdown tables in `markdown`."""
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]
    return [row for row in cells if not set(row[0]) <= {"-", " "}]


def dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]
    }


def readme_stack() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Stack\n", 1)[1].split("\n## ", 1)[0]
    return table_rows(section)


def test_the_deck_says_how_flask_differs_from_django_with_this_projects_choices(document):
    [question] = [q for q in document.questions if "django" in q.prompt.lower()]
    assert question.prompt.startswith("How does Flask differ from Django")
    rows = table_rows(question.answer)
    assert rows[0] == ["Concern", "Django's built-in", "Prepdeck's choice"]
    choices = " ".join(row[2] for row in rows[1:])
    installed = dependencies()
    stack = readme_stack()
    chosen_in_readme = " ".join(row[1] for row in stack)
    for library in CHOSEN_OVER_DJANGO:
        assert library in choices, library
        assert library.lower() in installed, f"{library} is not a dependency"
        assert library in chosen_in_readme, f"{library} is missing from the README's Stack table"
    assert {"prepdeck/__init__.py", "prepdeck/extensions.py"} <= set(
        referenced_paths(question.answer)
    )


def test_the_readme_stack_table_says_what_each_choice_was_chosen_over():
    stack = readme_stack()
    assert stack[0] == ["Concern", "Library chosen", "Chosen over"]
    assert len(stack) > 15
    assert all(len(row) == 3 and all(row) for row in stack), stack
    concerns = [row[0] for row in stack[1:]]
    assert len(set(concerns)) == len(concerns)


def flask_decks(app) -> list[tuple[str, str, int, str]]:
    with app.app_context():
        decks = db.session.scalars(sa.select(Deck).where(Deck.slug.like("flask-interview%")))
        return [(d.slug, d.visibility, d.question_count, d.owner.email) for d in decks]


def test_seed_demo_loads_the_public_flask_deck_once(app, runner, client, document):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    total = len(document.questions)
    assert f"Loaded the Flask deck: {total} questions (basic " in first.output
    assert flask_decks(app) == [(FLASK_DECK_SLUG, "public", total, "admin@example.com")]

    page = client.get(f"/decks/{FLASK_DECK_SLUG}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for level in LEVELS:
        assert f'id="level-{level}"' in html
    assert "Flask interview questions" in html

    first_question = re.search(rf'href="(/decks/{FLASK_DECK_SLUG}/questions/\d+)"', html)
    question_page = client.get(first_question.group(1)).get_data(as_text=True)
    assert '<pre class="highlight"><code class="language-python">' in question_page
    assert '<span class="k">' in question_page  # Pygments marked up the keywords

    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    assert "Loaded the Flask deck" not in second.output
    assert "Demo data already present." in second.output
    assert flask_decks(app) == [(FLASK_DECK_SLUG, "public", total, "admin@example.com")]


def test_if_empty_still_leaves_a_seeded_database_alone(app, runner):
    runner.invoke(args=["seed", "demo"])
    again = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert again.output.startswith("Database already has users")
    assert len(flask_decks(app)) == 1


def test_search_finds_a_word_found_only_in_one_answer(runner, client, document):
    runner.invoke(args=["seed", "demo"])
    [holder] = [q for q in document.questions if SEARCH_WORD in q.answer.lower()]
    response = client.get(f"/search?q={SEARCH_WORD}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('data-testid="search-hit"') == 1
    assert f"/decks/{FLASK_DECK_SLUG}/questions/" in html
    assert holder.prompt.split(",")[0] in html
    assert f"<mark>{SEARCH_WORD}</mark>" in html.lower()
