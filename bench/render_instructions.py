"""Render the import benchmark's answers in one process, for counting instructions.

Instructions do not move with the machine's load, as seconds do. Count them for N answers and
for none, and take the difference (what rendering N answers costs, lexers built and warmed):

    valgrind --tool=callgrind .venv/bin/python bench/render_instructions.py 1500
    valgrind --tool=callgrind .venv/bin/python bench/render_instructions.py 0

Each prints "Collected : <instructions>"; `callgrind_annotate` breaks them down by function.
"""

from __future__ import annotations

import argparse

from workload import question_document

from prepdeck.core import markdown
from prepdeck.decks.importer import parse_document

WARM_UP = 200  # answers rendered first, so that lexers and their tables are built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("answers", type=int, help="answers rendered after the warm-up")
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args()
    document, _facts = question_document(10_000, args.seed)
    answers = [question.answer for question in parse_document(document).questions]
    markdown.warm_lexers()
    for answer in answers[:WARM_UP]:
        markdown.render_answer(answer)
    renderer = markdown.BatchRenderer(markdown.HighlightBudget(1000.0))
    for answer in answers[WARM_UP : WARM_UP + args.answers]:
        renderer(answer)


if __name__ == "__main__":
    main()
