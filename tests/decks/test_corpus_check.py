"""`flask decks check DIR`: every document of a folder read against what it should give."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("IMPORT_CORPUS", ROOT.parent / "shared" / "import-corpus"))


def write_folder(folder: Path, documents: dict[str, str], expected: dict) -> Path:
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    return folder


@pytest.mark.skipif(not (CORPUS / "expected.json").is_file(), reason=f"no corpus at {CORPUS}")
def test_every_document_of_the_import_corpus_is_read_right(runner):
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    result = runner.invoke(args=["decks", "check", str(CORPUS)])
    print(result.output)
    assert result.exit_code == 0, result.output
    assert f"{len(expected)}/{len(expected)} documents read right." in result.output
    assert " NO " not in result.output


def test_a_document_read_wrongly_is_shown_and_fails_the_check(runner, tmp_path):
    documents = {
        "levels.md": "## Basic\n\n### 1. What is Flask?\n\n```python\napp = Flask()\n```\n\n"
        "## Advanced\n\n### 2. What is WSGI?\n\nAn interface.\n",
        "plain.md": "**What is a route?**\n\nA URL rule.\n\n**What is a view?**\n\nA function.\n",
    }
    expected = {
        "levels.md": {
            "count": 2, "first": "What is Flask?", "last": "What is WSGI?",
            "code_in": [1], "levels": ["basic", "advanced"],
        },
        "plain.md": {"count": 2, "first": "What is a route?", "last": "What is a template?"},
    }  # fmt: skip
    result = runner.invoke(
        args=["decks", "check", str(write_folder(tmp_path, documents, expected))]
    )
    assert result.exit_code == 1
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:3]}
    assert rows == {
        "levels.md": ["2", "2", "yes", "yes", "yes", "yes"],
        "plain.md": ["2", "2", "yes", "NO", "yes", "yes"],
    }
    assert "1/2 documents read right." in result.output
    assert result.output.rstrip().endswith("Error: 1 of 2 documents are read wrongly")


def test_code_that_is_not_kept_and_levels_that_are_not_expected_fail(runner, tmp_path):
    documents = {"topics.md": "## Basic\n\n### 1. What is git?\n\nA tool.\n"}
    expected = {"topics.md": {"count": 1, "first": "What is git?", "last": "What is git?",
                              "code_in": [1], "levels": ["advanced"]}}  # fmt: skip
    result = runner.invoke(
        args=["decks", "check", str(write_folder(tmp_path, documents, expected))]
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[1].split()[1:] == ["1", "1", "yes", "yes", "NO", "NO"]


def test_an_unreadable_document_or_folder_is_one_clear_line(runner, tmp_path):
    missing = runner.invoke(args=["decks", "check", str(tmp_path)])
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: ") and "expected.json cannot be read" in missing.output
    documents = {"notes.md": "Just some notes.\n"}
    expected = {"notes.md": {"count": 3, "first": "a", "last": "b"}, "gone.md": {"count": 1,
                "first": "a", "last": "b"}}  # fmt: skip
    result = runner.invoke(
        args=["decks", "check", str(write_folder(tmp_path, documents, expected))]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1].startswith("gone.md") and "unreadable" in lines[1]
    assert lines[2].startswith("notes.md") and "No questions found" in lines[2]
