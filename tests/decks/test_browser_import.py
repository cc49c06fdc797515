"""Importing a document in a real browser, with the keyboard where it counts: upload, preview,
import; then a newer version into the same deck, whose preview plans what is added, changed and
gone, and removes the gone question only when its box is ticked. Every page passes axe-core.

The testing settings run background jobs eagerly, so a job is read (and imported) by the time
the page that queued it has answered: no worker is needed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from prepdeck.decks.models import ImportJob
from prepdeck.extensions import db
from tests.browser import assert_accessible, sign_in, tab_to
from tests.decks.test_reimport import BLUEPRINT, V1, V2, document
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

SCENARIO = ("The site is slow after a deploy: what do you check?", "The logs first.", "scenario")


def upload(page, rows, name: str, deck: str | None = None) -> None:
    page.goto("/decks/import")
    form = page.get_by_test_id("import-form")
    if deck:
        form.get_by_label("Import into").select_option(label=deck)
    form.get_by_label("Question document").set_input_files(
        files=[{"name": name, "mimeType": "text/markdown", "buffer": document(rows)}]
    )
    form.get_by_role("button", name="Upload and preview").click()
    expect(page).to_have_url(re.compile(r"/imports/\d+$"))


def test_import_then_reimport_with_the_keyboard(live_server, visitors):
    with live_server.app.app_context():
        UserFactory(email="ada@example.com", display_name="Ada")
    visitor = visitors()
    page = visitor.page
    sign_in(page, "ada@example.com")

    # A form sent without a file says so next to the field.
    page.goto("/decks/import")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("Choose a Markdown or text file.")).to_be_visible()
    assert_accessible(page)

    # The first version: its preview, then the import, started from the keyboard.
    upload(page, [*V1, SCENARIO], "practice.md")
    status = page.get_by_test_id("import-status")
    expect(status).to_have_attribute("data-state", "draft")
    expect(page.get_by_test_id("preview")).to_contain_text(SCENARIO[0])
    assert_accessible(page)
    start = page.get_by_role("button", name="Import 6 questions")
    tab_to(page, start)
    page.keyboard.press("Space")
    expect(page.get_by_test_id("import-result")).to_contain_text("Imported 6 questions.")
    assert_accessible(page)
    page.get_by_role("link", name="Open “Flask practice”").click()
    expect(page.get_by_test_id("question-row")).to_have_count(6)

    # A newer version into the same deck: the plan, and the Remove box, by keyboard alone.
    upload(page, [*V2, SCENARIO], "practice-v2.md", deck="Flask practice")
    plan = page.get_by_test_id("plan-counts")
    for count in ("1 added", "2 changed", "3 unchanged", "1 not in the document"):
        expect(plan).to_contain_text(count)
    expect(page.get_by_test_id("plan-gone")).to_contain_text(BLUEPRINT[0])
    assert_accessible(page)
    remove = page.get_by_label("Remove the question not in the document")
    tab_to(page, remove)
    page.keyboard.press("Space")
    expect(remove).to_be_checked()
    page.keyboard.press("Tab")
    update = page.get_by_role("button", name="Update “Flask practice”")
    expect(update).to_be_focused()
    page.keyboard.press("Enter")
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("1 added, 2 changed, 3 unchanged")
    expect(result).to_contain_text("was removed")
    assert_accessible(page)

    # The upload page lists the imports; the states a job passes through read well too.
    page.goto("/decks/import")
    expect(page.get_by_role("link", name="practice-v2.md")).to_be_visible()
    assert_accessible(page)
    job_id = int(page.get_by_role("link", name="practice.md").get_attribute("href").split("/")[-1])
    states = {
        "parsing": {},
        "queued": {"processed": 2, "total": 6},
        "failed": {"error": "The document has no questions."},
        "expired": {"error": "Drafts are kept for 24 hours."},
    }
    for state, fields in states.items():
        with live_server.app.app_context():
            job = db.session.get(ImportJob, job_id)
            job.state = state
            for name, value in fields.items():
                setattr(job, name, value)
            db.session.commit()
        page.goto(f"/imports/{job_id}")
        expect(page.get_by_test_id("import-status")).to_have_attribute("data-state", state)
        assert_accessible(page)
    assert visitor.csp_violations() == [], visitor.console_errors
