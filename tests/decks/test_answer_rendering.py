"""An answer is rendered when it is saved; whatever language its code claims, saving it takes a
moment, not the worker (a web process has one, so a slow save holds every request behind it)."""

from __future__ import annotations

import io
import time

import pytest

from prepdeck.decks import transfer

BACKSLASHES = "\\" * 40
ATTACKS = {
    # A quote and 40 backslashes: Pygments' lexers for these backtrack exponentially (25-35 s).
    "factor": f'```factor\n"{BACKSLASHES}\n```',
    "chapel": f'```chapel\n"{BACKSLASHES}\n```',
    "cddl": f'```cddl\n"{BACKSLASHES}\n```',
    # Polynomial: 10,000 characters took 57 s.
    "autohotkey": "```autohotkey\nx" + " \n" * 5_000 + "```",
}


def escaped_code(answer: str) -> str:
    code = answer.split("\n", 1)[1].removesuffix("```")
    return f"<pre><code>{code}</code></pre>\n"


@pytest.fixture
def deck(api) -> dict:
    return api.post("decks", json={"title": "Languages"}).get_json()


def timed(call, *args, **kwargs):
    start = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - start


@pytest.mark.parametrize("answer", ATTACKS.values(), ids=ATTACKS.keys())
def test_an_answer_in_a_language_that_backtracks_saves_at_once_and_shows_escaped(api, deck, answer):
    created, seconds = timed(
        api.post, f"decks/{deck['id']}/questions", json={"prompt": "Output?", "answer": answer}
    )
    assert created.status_code == 201, created.get_json()
    assert seconds < 3
    assert created.get_json()["answer_html"] == escaped_code(answer)
    shown = api.get(f"questions/{created.get_json()['id']}").get_json()
    assert shown["answer_html"] == escaped_code(answer) and shown["answer"] == answer


def test_editing_an_answer_into_the_attack_saves_at_once(api, deck):
    created = api.post(
        f"decks/{deck['id']}/questions",
        json={"prompt": "Output?", "answer": "```python\nprint(1)\n```"},
    ).get_json()
    assert '<span class="nb">print</span>' in created["answer_html"]
    edited, seconds = timed(
        api.patch, f"questions/{created['id']}", json={"answer": ATTACKS["factor"]}
    )
    assert edited.status_code == 200 and seconds < 3
    assert edited.get_json()["answer_html"] == escaped_code(ATTACKS["factor"])


def document(*answers: str) -> bytes:
    parts = ["# Languages\n", "## Basic\n"]
    for number, answer in enumerate(answers, start=1):
        parts.append(f"### {number}. What does snippet {number} print?\n\n{answer}\n")
    return "\n".join(parts).encode()


def import_document(api, content: bytes) -> list[dict]:
    data = {"file": (io.BytesIO(content), "questions.md")}
    started = api.post("imports", data=data, content_type="multipart/form-data")
    assert started.status_code == 202, started.get_json()
    job = api.get(started.headers["Location"]).get_json()
    assert job["state"] == "succeeded", job
    return api.get(f"decks/{job['deck_id']}/questions").get_json()["items"]


def test_an_imported_document_with_the_attacks_imports_at_once(api):
    python = "```python\nprint(1)\n```"
    (questions, seconds) = timed(import_document, api, document(*ATTACKS.values(), python))
    assert seconds < 5
    assert [q["answer_html"] for q in questions[:4]] == [escaped_code(a) for a in ATTACKS.values()]
    assert '<span class="nb">print</span>' in questions[4]["answer_html"]


def test_an_import_shares_one_highlighting_budget_between_its_answers(api, monkeypatch):
    # Python's lexer is quadratic on blank lines: this block alone spends the whole budget.
    monkeypatch.setattr(transfer, "BATCH_HIGHLIGHT_SECONDS", 0.2)
    slow = "```python\nx = (" + " \n" * 8_000 + ")\n```"
    questions = import_document(api, document(slow, "```python\nprint(1)\n```"))
    assert "<span" not in questions[0]["answer_html"]
    assert questions[1]["answer_html"] == (
        '<pre class="highlight"><code class="language-python">print(1)\n</code></pre>\n'
    )
