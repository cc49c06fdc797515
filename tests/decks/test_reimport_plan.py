"""Planning a re-import: which of a document's questions are the deck's, what changed, what is
new and what is gone. Pure functions: no app, no database."""

from prepdeck.decks.importer import ParsedQuestion
from prepdeck.decks.reimport import (
    PLAN_LIST,
    Existing,
    normalise_prompt,
    plan_reimport,
    plan_summary,
)


def deck(*rows) -> list[Existing]:
    """Deck questions from (prompt, answer[, level]), ids 101, 102, ... at positions 1, 2, ..."""
    return [
        Existing(100 + n, n, row[0], row[1], row[2] if len(row) > 2 else "basic")
        for n, row in enumerate(rows, 1)
    ]


def doc(*rows) -> list[ParsedQuestion]:
    return [
        ParsedQuestion(n, row[0], row[1], row[2] if len(row) > 2 else "basic")
        for n, row in enumerate(rows, 1)
    ]


def ids(plan, prune=False) -> list:
    """The deck afterwards: a deck question by its id, a new one as "new:<prompt>"."""
    return [
        item.id if item is not None else f"new:{plan.questions[index].prompt}"
        for index, item in plan.kept(prune)
    ]


def test_prompts_match_whatever_their_spacing_case_and_markdown():
    same = [
        "What is `g`?",
        "what is g",
        "  What   is\n**g**?  ",
        "What is _g_ ?",
        "WHAT IS [g](https://flask.palletsprojects.com/api/#flask.g)?",
        "What is g.",
    ]
    assert {normalise_prompt(prompt) for prompt in same} == {"what is g"}
    assert normalise_prompt("Why \u201cquotes\u201d\u2019?") == normalise_prompt('why "quotes"\'')
    # Words inside identifiers, and different words, still count.
    assert normalise_prompt("What does before_request do?") == "what does before_request do"
    assert normalise_prompt("What is C++?") != normalise_prompt("What is C?")
    assert normalise_prompt("What is g?") != normalise_prompt("What is app?")


def test_changed_answers_and_levels_are_updated_new_questions_added_at_their_place():
    existing = deck(("One?", "a"), ("Two?", "b"), ("Three?", "c"), ("Four?", "d"))
    plan = plan_reimport(
        existing,
        doc(("One?", "a"), ("two", "B!"), ("Three?", "c", "expert"), ("New?", "n"), ("Four?", "d")),
    )
    assert plan.counts() == {"added": 1, "changed": 2, "unchanged": 2, "gone": 0}
    assert plan.changed == {1: ["prompt", "answer"], 2: ["level"]}
    assert plan.unchanged == [0, 4] and plan.added == [3]
    assert ids(plan) == [101, 102, 103, "new:New?", 104]
    assert not plan.reordered and not plan.changes_nothing(prune=False)


def test_gone_questions_are_listed_kept_after_the_one_they_followed_unless_pruned():
    existing = deck(("Mine first?", "x"), ("One?", "a"), ("Gone?", "g"), ("Two?", "b"))
    plan = plan_reimport(existing, doc(("One?", "a"), ("Two?", "b"), ("Three?", "c")))
    assert [item.id for item in plan.gone] == [101, 103]
    assert ids(plan) == [101, 102, 103, 104, "new:Three?"]
    assert ids(plan, prune=True) == [102, 104, "new:Three?"]
    assert plan.counts() == {"added": 1, "changed": 0, "unchanged": 2, "gone": 2}


def test_the_same_document_again_changes_nothing():
    rows = [("One?", "a"), ("Two?", "b", "expert"), ("Two?", "b again", None), ("Three?", "")]
    plan = plan_reimport(deck(*rows), doc(*rows))
    assert plan.counts() == {"added": 0, "changed": 0, "unchanged": 4, "gone": 0}
    assert plan.changes_nothing(prune=True)
    assert ids(plan) == [101, 102, 103, 104]


def test_a_reordered_document_reorders_the_deck_and_keeps_every_question():
    existing = deck(("One?", "a"), ("Two?", "b"), ("Three?", "c"))
    plan = plan_reimport(existing, doc(("Three?", "c"), ("One?", "a"), ("Two?", "b")))
    assert plan.reordered and not plan.changes_nothing(prune=False)
    assert plan.counts()["unchanged"] == 3
    assert ids(plan) == [103, 101, 102]


def test_questions_that_read_the_same_are_told_apart_by_position():
    existing = deck(("Why?", "first"), ("Other?", "o"), ("Why?", "second"))
    # Both answers changed: each keeps the one at its own place.
    plan = plan_reimport(existing, doc(("Why?", "1st"), ("Other?", "o"), ("Why?", "2nd")))
    assert {i: item.id for i, item in plan.matched.items()} == {0: 101, 1: 102, 2: 103}
    assert sorted(plan.changed) == [0, 2]
    # The first one was dropped from the document: the one that stayed is the one still there.
    plan = plan_reimport(existing, doc(("Other?", "o"), ("Why?", "second")))
    assert [item.id for item in plan.gone] == [101]
    assert plan.counts() == {"added": 0, "changed": 0, "unchanged": 2, "gone": 1}
    # One more of them in the document than in the deck: the extra one is new.
    plan = plan_reimport(
        existing, doc(("Why?", "first"), ("Other?", "o"), ("Why?", "second"), ("Why?", "third"))
    )
    assert plan.added == [3] and not plan.changed


def test_an_empty_deck_gets_every_question_added():
    plan = plan_reimport([], doc(("One?", "a"), ("Two?", "b")))
    assert plan.added == [0, 1] and ids(plan) == ["new:One?", "new:Two?"]


def test_the_summary_kept_on_a_preview_is_bounded():
    many = [(f"Question {n}?", "a") for n in range(50)]
    plan = plan_reimport(deck(*many[:25], ("Old?", "o")), doc(*many))
    summary = plan_summary(plan)
    assert {key: summary[key] for key in ("added", "unchanged", "gone")} == {
        "added": 25,
        "unchanged": 25,
        "gone": 1,
    }
    assert summary["lists"]["added"][0] == "Question 25?"
    assert len(summary["lists"]["added"]) == len(summary["lists"]["unchanged"]) == PLAN_LIST
    assert summary["lists"]["gone"] == ["Old?"]
    changed = plan_summary(plan_reimport(deck(("One?", "a")), doc(("One?", "b", "expert"))))
    assert changed["lists"]["changed"] == [{"prompt": "One?", "fields": ["answer", "level"]}]
