"""Rendering a whole document's answers, in batches, in worker processes or here, gives the very
HTML the plain renderer gives, byte for byte, and keeps the document's highlighting budget."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from prepdeck.core import batch_rendering, markdown
from prepdeck.core.batch_rendering import SharedBudget, rendered_batches
from prepdeck.core.errors import Invalid
from prepdeck.core.markdown import BatchRenderer, HighlightBudget, render_answer
from prepdeck.decks.importer import parse_document
from tests.core import reference_renderer
from tests.core.rendering_samples import load_fixture
from tests.core.test_markdown import slow_lexer, words  # noqa: F401 - a fixture

CORPUS = Path("/work/shared/import-corpus")
PAIRS = load_fixture()
ANSWERS = [answer for answer, _ in PAIRS]
EXPECTED = [html for _, html in PAIRS]


def flat(batches) -> list[str]:
    return [html for batch in batches for html in batch]


@pytest.fixture
def in_workers(monkeypatch):
    """Documents of any size rendered by two worker processes."""
    monkeypatch.setattr(batch_rendering, "worker_processes", lambda answers: 2)


@pytest.fixture
def unhurried(monkeypatch):
    """Each answer's highlighting budget (a quarter of a second of the clock) made long enough
    that a busy machine pausing the process cannot cut it: the HTML is what is compared here,
    the budget is tested below and in test_markdown.py."""
    monkeypatch.setattr(markdown, "HIGHLIGHT_SECONDS", 10.0)


@pytest.mark.usefixtures("unhurried")
def test_the_renderer_gives_the_html_it_gave_before():
    assert [render_answer(answer) for answer in ANSWERS] == EXPECTED


def test_the_reference_renderer_is_the_renderer_as_it_was():
    assert [reference_renderer.render(answer) for answer in ANSWERS] == EXPECTED


@pytest.mark.usefixtures("unhurried")
def test_a_document_rendered_here_in_batches_gives_the_same_html():
    batches = list(rendered_batches(ANSWERS + ANSWERS[:30], 30.0, 100))
    assert [len(batch) for batch in batches] == [100, 100, 100, 10]
    assert flat(batches) == EXPECTED + EXPECTED[:30]


@pytest.mark.usefixtures("unhurried")  # the workers are forked: they see it too
def test_a_document_rendered_in_worker_processes_gives_the_same_html(in_workers):
    batches = list(rendered_batches(ANSWERS * 2, 30.0, 200))
    assert [len(batch) for batch in batches] == [200, 200, 160]
    assert flat(batches) == EXPECTED * 2


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the import corpus is not on this machine")
@pytest.mark.parametrize("workers", [False, True], ids=["here", "in workers"])
@pytest.mark.usefixtures("unhurried")
def test_the_corpus_answers_render_as_the_plain_renderer_renders_them(workers, monkeypatch):
    if workers:
        monkeypatch.setattr(batch_rendering, "worker_processes", lambda answers: 2)
    documents = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    answers = []
    for name in sorted(documents):
        content = (CORPUS / name).read_bytes()
        answers.append(content.decode("utf-8", errors="replace"))  # the whole document, too
        with contextlib.suppress(Invalid):  # reading documents is tested elsewhere
            answers += [item.answer for item in parse_document(content).questions]
    assert len(answers) > 2 * len(documents)
    expected = [reference_renderer.render(answer) for answer in answers]
    assert flat(rendered_batches(answers, 30.0, 40)) == expected


def test_workers_highlight_nothing_once_the_documents_budget_is_spent(in_workers):
    plain = flat(rendered_batches(ANSWERS, 0.0, 100))
    assert plain == [render_answer(answer, HighlightBudget(0.0)) for answer in ANSWERS]
    assert plain != EXPECTED


def test_a_repeated_answer_is_charged_as_if_rendered_again(slow_lexer):  # noqa: F811
    answer = f"```python\n{words(20)}\n```"  # 200 ms of the fake clock
    render = BatchRenderer(shared := HighlightBudget(0.3))
    assert "<span" in render(answer)
    assert shared.left == pytest.approx(0.1)
    assert "<span" not in render(answer)  # 0.1 s left: cut short, as a new rendering would be
    assert shared.spent


def test_a_repeated_code_block_is_charged_as_if_lexed_again(slow_lexer):  # noqa: F811
    block = f"```python\n{words(10)}\n```"  # 100 ms
    render = BatchRenderer(shared := HighlightBudget(1.0))
    first, second = render(f"One:\n\n{block}"), render(f"Two:\n\n{block}")
    assert first.split("</p>")[1] == second.split("</p>")[1]
    assert "<span" in second
    assert shared.left == pytest.approx(0.8)


def test_a_shared_budget_is_set_aside_and_given_back_under_its_lock():
    budget = SharedBudget(batch_rendering.billiard.get_context("fork").Value("d", 0.3))
    assert budget.take(markdown.HIGHLIGHT_SECONDS) == markdown.HIGHLIGHT_SECONDS
    assert budget.take(markdown.HIGHLIGHT_SECONDS) == pytest.approx(0.05)
    assert budget.spent
    budget.give_back(0.1)
    budget.charge(0.04)
    assert budget.left == pytest.approx(0.06)


@pytest.mark.parametrize(("cores", "processes"), [(1, 1), (2, 1), (3, 2), (4, 3), (16, 4)])
def test_workers_render_only_with_a_core_left_for_the_import_and_the_database(
    monkeypatch, cores, processes
):
    monkeypatch.setattr(batch_rendering.os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert batch_rendering.worker_processes(batch_rendering.PARALLEL_FROM) == processes
    assert batch_rendering.worker_processes(batch_rendering.PARALLEL_FROM - 1) == 1
