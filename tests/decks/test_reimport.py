"""Importing a newer version of a document into the deck it came from: through the service, the
command line, the API and the pages. Question ids stay; nothing is removed unless asked."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Forbidden
from prepdeck.decks import imports, questions, reimport, search, services
from prepdeck.decks.models import Deck, ImportJob, Question
from prepdeck.extensions import db
from tests.api_client import ApiClient, error_code
from tests.conftest import csrf_token, login, make_person
from tests.factories import AdminFactory

G = ("What is g?", "Storage for one request.", "basic")
CONTEXT = ("What is an app context?", "The app, for a while.", "basic")
BLUEPRINT = ("What is a blueprint?", "A group of routes.", "intermediate")
SIGNAL = ("What is a signal?", "A hook, says the zebracorn.", "advanced")
WERKZEUG = ("What is Werkzeug?", "The WSGI toolkit.", "advanced")
JINJA = ("What is Jinja?", "The template engine.", "basic")
V1 = [G, CONTEXT, BLUEPRINT, SIGNAL, WERKZEUG]
# Two answers changed (one of them now mentions a unicornfish), one question new, one gone.
CONTEXT2 = (CONTEXT[0], "The app, pushed with the request.", "basic")
SIGNAL2 = (SIGNAL[0], "A hook, says the unicornfish.", "advanced")
V2 = [JINJA, G, CONTEXT2, SIGNAL2, WERKZEUG]
PLAN = {"added": 1, "changed": 2, "unchanged": 2, "gone": 1}


def document(rows) -> bytes:
    parts, level = ["# Flask practice\n"], None
    for number, (prompt, answer, row_level) in enumerate(rows, 1):
        if row_level != level:
            parts.append(f"## {row_level.capitalize()}\n")
            level = row_level
        parts.append(f"### {number}. {prompt}\n\n{answer}\n")
    return "\n".join(parts).encode()


def deck_state(app, deck_id: int) -> list[tuple]:
    """(id, position, prompt, answer, level, tags, updated_at) of each question, in order."""
    with app.app_context():
        found = db.session.scalars(
            sa.select(Question).where(Question.deck_id == deck_id).order_by(Question.position)
        )
        return [
            (q.id, q.position, q.prompt, q.answer, q.level, q.tags, q.updated_at) for q in found
        ]


def ids_by_prompt(state) -> dict[str, int]:
    return {row[2]: row[0] for row in state}


def result_of(outcome: reimport.Outcome) -> dict:
    return {key: value for key, value in outcome.as_dict().items() if key in PLAN}


def first_import(app, owner_id: int, rows=V1) -> int:
    with app.app_context():
        owner = db.session.get(User, owner_id)
        return reimport.import_questions(owner, document(rows), title="Flask practice").deck.id


def test_reimport_updates_in_place_adds_keeps_the_gone_and_prunes_on_request(app, user):
    deck_id = first_import(app, user.id)
    with app.app_context():
        owner = db.session.get(User, user.id)
        tagged = [db.session.get(Question, row[0]) for row in deck_state(app, deck_id)[:2]]
        for question in tagged:  # one will change, one will not: both keep their tags
            questions.update_question(question, owner, tags=["flask", "context"])
    before = deck_state(app, deck_id)
    ids = ids_by_prompt(before)

    with app.app_context():
        owner, deck = db.session.get(User, user.id), db.session.get(Deck, deck_id)
        outcome = reimport.import_questions(owner, document(V2), deck=deck)
        assert result_of(outcome) == PLAN and outcome.removed == 0
        assert not outcome.nothing_changed
    after = deck_state(app, deck_id)
    # The new question at its place, the gone one kept after the one it followed.
    assert [row[2] for row in after] == [JINJA[0], G[0], CONTEXT[0], BLUEPRINT[0], SIGNAL[0],
                                         WERKZEUG[0]]  # fmt: skip
    assert [row[1] for row in after] == [1, 2, 3, 4, 5, 6]
    assert {row[2]: row[0] for row in after[1:]} == ids  # every old question keeps its id
    assert after[0][0] not in ids.values()
    old, new = {row[0]: row for row in before}, {row[0]: row for row in after}
    for prompt in (G[0], BLUEPRINT[0], WERKZEUG[0]):  # unchanged: not written at all
        assert new[ids[prompt]][6] == old[ids[prompt]][6]
    assert new[ids[CONTEXT[0]]][3] == CONTEXT2[1] and new[ids[SIGNAL[0]]][3] == SIGNAL2[1]
    assert new[ids[CONTEXT[0]]][6] > old[ids[CONTEXT[0]]][6]
    assert new[ids[G[0]]][5] == new[ids[CONTEXT[0]]][5] == ["context", "flask"]
    with app.app_context():
        owner = db.session.get(User, user.id)
        html = db.session.get(Question, ids[SIGNAL[0]]).answer_html
        assert "unicornfish" in html and "zebracorn" not in html
        # The search index follows the changed answer, on SQLite and on PostgreSQL.
        assert [hit.question_id for hit in search.search_questions(owner, "unicornfish").items] == [
            ids[SIGNAL[0]]
        ]
        assert search.search_questions(owner, "zebracorn").total == 0
        assert db.session.get(Deck, deck_id).question_count == 6

    with app.app_context():
        owner, deck = db.session.get(User, user.id), db.session.get(Deck, deck_id)
        pruned = reimport.import_questions(owner, document(V2), deck=deck, prune=True)
        assert pruned.as_dict() | {"reordered": False} == {
            "added": 0, "changed": 0, "unchanged": 5, "gone": 1, "removed": 1,
            "reordered": False, "nothing_changed": False,
        }  # fmt: skip
        assert db.session.get(Deck, deck_id).question_count == 5
    final = deck_state(app, deck_id)
    assert [row[2] for row in final] == [prompt for prompt, _a, _l in V2]
    assert [row[1] for row in final] == [1, 2, 3, 4, 5]
    assert BLUEPRINT[0] not in ids_by_prompt(final)
    assert all(new[row[0]][6] == row[6] for row in final)  # moving is not changing


def test_the_same_file_twice_changes_nothing(app, user):
    deck_id = first_import(app, user.id)
    before = deck_state(app, deck_id)
    with app.app_context():
        deck_updated = db.session.get(Deck, deck_id).updated_at
        owner, deck = db.session.get(User, user.id), db.session.get(Deck, deck_id)
        outcome = reimport.import_questions(owner, document(V1), deck=deck, prune=True)
        assert outcome.nothing_changed and outcome.unchanged == len(V1)
        assert db.session.get(Deck, deck_id).updated_at == deck_updated
    assert deck_state(app, deck_id) == before


def test_a_reimport_into_someone_elses_deck_is_refused_and_changes_nothing(app, user):
    deck_id = first_import(app, user.id)
    before = deck_state(app, deck_id)
    stranger = make_person(app, email="mallory@example.com")
    with app.app_context():
        deck = db.session.get(Deck, deck_id)
        with pytest.raises(Forbidden):
            reimport.import_questions(
                db.session.get(User, stranger.id), document(V2), deck=deck, prune=True
            )
        db.session.rollback()
    assert deck_state(app, deck_id) == before


def test_append_stays_an_explicit_choice(app, user):
    deck_id = first_import(app, user.id)
    with app.app_context():
        owner, deck = db.session.get(User, user.id), db.session.get(Deck, deck_id)
        outcome = reimport.import_questions(owner, document(V1), deck=deck, mode="append")
        assert outcome.added == len(V1)
    state = deck_state(app, deck_id)
    assert [row[2] for row in state] == [row[0] for row in V1 + V1]


# The import job: a plan on the preview, checked again when it runs -------------------------


def test_the_preview_plans_and_the_import_checks_the_deck_again_when_it_runs(app, user):
    deck_id = first_import(app, user.id)
    with app.app_context():
        owner, deck = db.session.get(User, user.id), db.session.get(Deck, deck_id)
        job = imports.upload(owner, document(V2), filename="v2.md", deck=deck)
        db.session.refresh(job)
        assert job.state == "draft"
        plan = job.preview["plan"]
        assert {key: plan[key] for key in PLAN} == PLAN
        assert plan["lists"]["added"] == [JINJA[0]] and plan["lists"]["gone"] == [BLUEPRINT[0]]
        assert plan["lists"]["changed"] == [
            {"prompt": CONTEXT[0], "fields": ["answer"]},
            {"prompt": SIGNAL[0], "fields": ["answer"]},
        ]
        # Meanwhile someone deletes a question the document still has: it comes back.
        g = db.session.scalar(sa.select(Question).where(Question.prompt == G[0]))
        questions.delete_question(g, owner)
        imports.start(job, prune=True)
        db.session.refresh(job)
        assert job.state == "succeeded"
        assert job.result == {
            "added": 2, "changed": 2, "unchanged": 1, "gone": 1, "removed": 1,
            "reordered": False, "nothing_changed": False,
        }  # fmt: skip
    assert [row[2] for row in deck_state(app, deck_id)] == [prompt for prompt, _a, _l in V2]


def test_a_draft_whose_deck_is_no_longer_theirs_fails_and_changes_nothing(app, user):
    deck_id = first_import(app, user.id)
    before = deck_state(app, deck_id)
    other = make_person(app, email="grace@example.com")
    with app.app_context():
        owner, deck = db.session.get(User, user.id), db.session.get(Deck, deck_id)
        job = imports.upload(owner, document(V2), filename="v2.md", deck=deck)
        deck.owner_id = other.id  # given away between the preview and the import
        db.session.commit()
        imports.start(job, prune=True)
        db.session.refresh(job)
        assert job.state == "failed" and job.error.startswith("Only the owner of this deck")
    assert deck_state(app, deck_id) == before


# The command line ---------------------------------------------------------------------------


def test_cli_reimport_dry_run_then_update_then_prune_then_nothing(app, runner, tmp_path):
    make_person(app, AdminFactory, email="ops@example.com")
    v1, v2 = tmp_path / "v1.md", tmp_path / "v2.md"
    v1.write_bytes(document(V1))
    v2.write_bytes(document(V2))
    assert runner.invoke(args=["decks", "import", str(v1), "--title", "Flask"]).exit_code == 0
    with app.app_context():
        deck_id = services.find_deck("flask").id
    before = deck_state(app, deck_id)

    dry = runner.invoke(args=["decks", "import", str(v2), "--deck", "flask", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"added        1. {JINJA[0]}" in dry.output
    assert f"changed      3. {CONTEXT[0]} (answer)" in dry.output
    assert f"gone            {BLUEPRINT[0]}" in dry.output
    assert "1 added, 2 changed, 2 unchanged, 1 gone." in dry.output
    assert "1 question of the deck not in the document would be kept" in dry.output
    assert "Dry run: nothing was saved." in dry.output
    assert deck_state(app, deck_id) == before

    update = runner.invoke(args=["decks", "import", str(v2), "--deck", "flask"])
    assert update.exit_code == 0, update.output
    assert "Updated “Flask” (flask): 1 added, 2 changed, 2 unchanged, 1 gone." in update.output
    assert "1 question of the deck not in the document was kept (--prune" in update.output
    assert len(deck_state(app, deck_id)) == 6

    prune = runner.invoke(args=["decks", "import", str(v2), "--deck", "flask", "--prune"])
    assert prune.exit_code == 0, prune.output
    assert "1 question of the deck not in the document was removed." in prune.output
    after = deck_state(app, deck_id)
    assert [row[2] for row in after] == [prompt for prompt, _a, _l in V2]
    assert ids_by_prompt(after)[G[0]] == ids_by_prompt(before)[G[0]]

    again = runner.invoke(args=["decks", "import", str(v2), "--deck", "flask", "--prune"])
    assert "Nothing changed: “Flask” (flask) already matches the document." in again.output
    assert deck_state(app, deck_id) == after


def test_cli_refusals_change_nothing(app, runner, tmp_path):
    make_person(app, AdminFactory, email="ops@example.com")
    make_person(app, email="mallory@example.com")
    v1, v2 = tmp_path / "v1.md", tmp_path / "v2.md"
    v1.write_bytes(document(V1))
    v2.write_bytes(document(V2))
    runner.invoke(args=["decks", "import", str(v1), "--title", "Flask"])
    with app.app_context():
        deck_id = services.find_deck("flask").id
    before = deck_state(app, deck_id)
    for args, message in [
        (["--owner", "mallory@example.com", "--prune"], "Error: Only the owner of this deck"),
        (["--prune", "--append"], "use --append or --prune, not both"),
    ]:
        result = runner.invoke(args=["decks", "import", str(v2), "--deck", "flask", *args])
        assert result.exit_code != 0 and message in result.output, result.output
    no_deck = runner.invoke(args=["decks", "import", str(v2), "--prune"])
    assert no_deck.exit_code != 0 and "--append and --prune need --deck" in no_deck.output
    assert deck_state(app, deck_id) == before


# The API -----------------------------------------------------------------------------------


def api_upload(api, rows, **fields):
    data = {"file": (io.BytesIO(document(rows)), "questions.md"), **fields}
    started = api.post("imports", data=data, content_type="multipart/form-data")
    assert started.status_code == 202, started.get_json()
    return api.get(started.headers["Location"]).get_json()


def api_prompts(api, deck_id: int) -> dict[str, int]:
    items = api.get(f"decks/{deck_id}/questions?limit=100").get_json()["items"]
    return {item["prompt"]: item["id"] for item in items}


def test_api_reimport_keeps_ids_and_says_when_nothing_changed(app, client, user):
    api = ApiClient(client).sign_in(user.email)
    deck_id = api_upload(api, V1, title="Flask")["deck_id"]
    ids = api_prompts(api, deck_id)
    job = api_upload(api, V2, deck_id=str(deck_id))
    assert job["state"] == "succeeded" and (job["mode"], job["prune"]) == ("update", False)
    assert {key: job["result"][key] for key in PLAN} == PLAN
    assert job["result"]["removed"] == 0 and not job["result"]["nothing_changed"]
    kept = api_prompts(api, deck_id)
    assert {prompt: kept[prompt] for prompt in ids} == ids and len(kept) == 6
    pruned = api_upload(api, V2, deck_id=str(deck_id), prune="true")
    assert pruned["result"]["removed"] == 1 and BLUEPRINT[0] not in api_prompts(api, deck_id)
    same = api_upload(api, V2, deck_id=str(deck_id), prune="true")
    assert same["result"]["nothing_changed"] is True
    appended = api_upload(api, V2, deck_id=str(deck_id), mode="append")
    assert appended["result"]["added"] == len(V2)
    assert api.get(f"decks/{deck_id}").get_json()["question_count"] == 2 * len(V2)


def test_api_refusals_change_nothing(app, client, user):
    api = ApiClient(client).sign_in(user.email)
    deck_id = api_upload(api, V1, title="Flask")["deck_id"]
    api.patch(f"decks/{deck_id}", json={"visibility": "public"})
    before = deck_state(app, deck_id)
    jobs = db_jobs(app)
    other = make_person(app, email="mallory@example.com")
    mallory = ApiClient(app.test_client()).sign_in(other.email)
    data = {"file": (io.BytesIO(document(V2)), "v2.md"), "deck_id": str(deck_id), "prune": "true"}
    theirs = mallory.post("imports", data=data, content_type="multipart/form-data")
    assert theirs.status_code == 403 and error_code(theirs) == "forbidden"
    for fields in ({"mode": "append", "prune": "true", "deck_id": str(deck_id)},
                   {"prune": "true"}, {"mode": "merge", "deck_id": str(deck_id)}):  # fmt: skip
        data = {"file": (io.BytesIO(document(V2)), "v2.md"), **fields}
        refused = api.post("imports", data=data, content_type="multipart/form-data")
        assert refused.status_code == 422 and error_code(refused) == "invalid", fields
    assert deck_state(app, deck_id) == before and db_jobs(app) == jobs


def db_jobs(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ImportJob.id)))


# The pages ---------------------------------------------------------------------------------


def page_upload(client, rows, **fields):
    token = csrf_token(client, "/decks/import")
    data = {"csrf_token": token, "document": (io.BytesIO(document(rows)), "v.md"), **fields}
    return client.post("/decks/import", data=data, content_type="multipart/form-data")


def page_start(client, location: str, **fields):
    token = csrf_token(client, location)
    client.post(f"{location}/start", data={"csrf_token": token, **fields})
    return client.get(location).get_data(as_text=True)


def test_page_reimport_previews_the_plan_and_removes_only_when_ticked(app, client, user):
    deck_id = first_import(app, user.id)
    ids = ids_by_prompt(deck_state(app, deck_id))
    login(client, user.email)
    form = client.get(f"/decks/import?deck={deck_id}").get_data(as_text=True)
    assert f'<option selected value="{deck_id}">Flask practice</option>' in form

    location = page_upload(client, V2, deck=str(deck_id), mode="update").location
    preview = client.get(location).get_data(as_text=True)
    for count in ("1 added", "2 changed", "2 unchanged", "1 not in the document"):
        assert count in preview
    assert "1 question of the deck\n      is not in the document. It stays" in preview
    assert "unless you tick “Remove” below" in preview and BLUEPRINT[0] in preview
    assert "Remove the question not in the document" in preview
    done = page_start(client, location)  # not ticked: kept
    assert "Updated the deck:\n      1 added, 2 changed, 2 unchanged." in done
    assert "1 question not in the document\n      was kept." in done
    assert ids_by_prompt(deck_state(app, deck_id))[BLUEPRINT[0]] == ids[BLUEPRINT[0]]

    location = page_upload(client, V2, deck=str(deck_id)).location
    done = page_start(client, location, prune="y")
    assert "was removed." in done
    state = deck_state(app, deck_id)
    assert [row[2] for row in state] == [prompt for prompt, _a, _l in V2]
    assert all(ids[row[2]] == row[0] for row in state if row[2] != JINJA[0])

    location = page_upload(client, V2, deck=str(deck_id)).location
    preview = client.get(location).get_data(as_text=True)
    assert "importing it changes nothing" in preview
    assert "Nothing changed: the deck already matches this document." in page_start(
        client, location
    )
    assert deck_state(app, deck_id) == state


def test_page_refuses_someone_elses_deck_and_changes_nothing(app, client, user):
    deck_id = first_import(app, user.id)
    before = deck_state(app, deck_id)
    other = make_person(app, email="mallory@example.com")
    login(client, other.email)
    assert f'value="{deck_id}"' not in client.get("/decks/import").get_data(as_text=True)
    response = page_upload(client, V2, deck=str(deck_id))
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert deck_state(app, deck_id) == before and db_jobs(app) == 0
