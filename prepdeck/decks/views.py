"""Pages for browsing, reading and editing decks, and searching questions."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from prepdeck.accounts.access import current_account
from prepdeck.core.errors import Conflict, Invalid, LimitReached
from prepdeck.core.forms import ActionForm, show_error
from prepdeck.core.markdown import highlight_css
from prepdeck.core.pagination import page_number
from prepdeck.core.responses import download
from prepdeck.decks import cache as deck_cache
from prepdeck.decks import exports, imports, questions, retention, search, services, transfer
from prepdeck.decks.forms import DeckForm, ImportForm, QuestionForm, StartImportForm
from prepdeck.decks.models import LEVELS
from prepdeck.extensions import cache
from prepdeck.practice.access import is_following

bp = Blueprint("decks", __name__)


@bp.get("/decks")
@deck_cache.kept_page
def catalogue():
    args = request.args
    tag, level, sort = args.get("tag", "")[:50], args.get("level", ""), args.get("sort", "updated")
    page = services.catalogue(tag, level, sort, page_number(args.get("page")))
    return render_template(
        "decks/catalogue.html", page=page, tag=tag, level=level, sort=sort,
        levels=LEVELS, sorts=services.SORTS, tags=services.popular_tags(),
    )  # fmt: skip


@bp.get("/decks/mine")
@login_required
def mine():
    page = services.owned_decks(current_account(), page_number(request.args.get("page")))
    return render_template("decks/mine.html", page=page)


@bp.route("/decks/new", methods=["GET", "POST"])
@login_required
def new_deck():
    form = DeckForm()
    if form.validate_on_submit():
        try:
            deck = services.create_deck(
                current_account(), form.title.data, form.description.data or "",
                form.visibility.data, form.slug.data or "",
            )  # fmt: skip
        except (Invalid, Conflict) as error:
            show_error(form, error)
        else:
            flash("Deck created. Add its first question.", "success")
            return redirect(url_for("decks.new_question", slug=deck.slug))
    return render_template("decks/deck_form.html", form=form, deck=None)


@bp.get("/decks/<slug>")
@deck_cache.kept_page
def deck(slug: str):
    deck = services.get_deck(slug, _viewer())
    level = request.args.get("level", "")
    return render_template(
        "decks/deck.html", deck=deck,
        groups=questions.group_by_level(questions.deck_outline(deck, level)),
        level=level, levels=LEVELS, can_edit=services.can_edit(deck, _viewer()),
        action_form=ActionForm() if current_user.is_authenticated else None,
        following=is_following(_viewer(), deck) if _viewer() else None,
    )  # fmt: skip


@bp.route("/decks/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_deck(slug: str):
    deck = services.get_deck_for_edit(slug, current_account())
    form = DeckForm(obj=deck)
    if form.validate_on_submit():
        try:
            services.update_deck(
                deck, current_account(), form.title.data, form.description.data or "",
                form.visibility.data, form.slug.data or deck.slug,
            )  # fmt: skip
        except (Invalid, Conflict) as error:
            show_error(form, error)
        else:
            flash("Deck saved.", "success")
            return redirect(url_for("decks.deck", slug=deck.slug))
    return render_template("decks/deck_form.html", form=form, deck=deck)


@bp.post("/decks/<slug>/delete")
@login_required
def delete_deck(slug: str):
    deck = services.get_deck_for_edit(slug, current_account())
    services.delete_deck(deck, current_account())
    flash(f"Deleted the deck “{deck.title}”.", "info")
    return redirect(url_for("decks.mine"))


@bp.route("/decks/<slug>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(slug: str):
    deck = services.get_deck_for_edit(slug, current_account())
    form = QuestionForm()
    saved = _save_question(form, lambda *fields: questions.add_question(deck, *fields))
    if saved is not None:
        flash("Question added.", "success")
        return redirect(url_for("decks.question", slug=slug, question_id=saved.id))
    return render_template("decks/question_form.html", form=form, deck=deck, question=None)


@bp.get("/decks/<slug>/questions/<id:question_id>")
def question(slug: str, question_id: int):
    deck = services.get_deck(slug, _viewer())
    item = questions.get_question(deck, question_id)
    before, after = questions.neighbours(item)
    return render_template(
        "decks/question.html", deck=deck, question=item, before=before, after=after,
        can_edit=services.can_edit(deck, _viewer()),
    )  # fmt: skip


@bp.route("/decks/<slug>/questions/<id:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, question_id: int):
    deck = services.get_deck_for_edit(slug, current_account())
    item = questions.get_question(deck, question_id)
    form = QuestionForm(obj=item, data={"tags": ", ".join(item.tags), "level": item.level or ""})
    if _save_question(form, lambda *fields: questions.update_question(item, *fields)):
        flash("Question saved.", "success")
        return redirect(url_for("decks.question", slug=slug, question_id=item.id))
    return render_template("decks/question_form.html", form=form, deck=deck, question=item)


def _save_question(form: QuestionForm, save):
    """Validate the form and hand its fields to `save`; errors go next to the fields."""
    if not form.validate_on_submit():
        return None
    try:
        tags = questions.parse_tags(form.tags.data or "")
        return save(
            current_account(), form.prompt.data, form.answer.data or "", form.level.data, tags
        )
    except Invalid as error:
        show_error(form, error)
        return None


@bp.post("/decks/<slug>/questions/<id:question_id>/delete")
@login_required
def delete_question(slug: str, question_id: int):
    deck = services.get_deck_for_edit(slug, current_account())
    questions.delete_question(questions.get_question(deck, question_id), current_account())
    flash("Question deleted.", "info")
    return redirect(url_for("decks.deck", slug=slug))


@bp.post("/decks/<slug>/questions/<id:question_id>/move")
@login_required
def move_question(slug: str, question_id: int):
    deck = services.get_deck_for_edit(slug, current_account())
    item = questions.get_question(deck, question_id)
    questions.move_question(item, current_account(), request.form.get("direction", ""))
    return redirect(url_for("decks.deck", slug=slug, _anchor=f"q{item.id}"))


@bp.get("/search")
def search_page():
    query = request.args.get("q", "").strip()
    page = page_number(request.args.get("page"))
    results, error = None, None
    if query:
        try:
            results = search.search_questions(_viewer(), query, page)
        except Invalid as problem:  # said on the page; past the last page is a 404
            error = problem.message
    return render_template(
        "decks/search.html", query=query, results=results, error=error, count_cap=search.COUNT_CAP
    )


@bp.get("/assets/highlight-<theme>.css")
@cache.cached(timeout=86400)
def highlight_stylesheet(theme: str):
    try:
        css = highlight_css(theme)
    except ValueError:
        abort(404)
    response = Response(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def _viewer():
    return current_account() if current_user.is_authenticated else None


@bp.route("/decks/import", methods=["GET", "POST"])
@login_required
def import_document():
    form = _import_form()
    if form.validate_on_submit():
        upload = form.document.data
        try:
            deck = None
            if form.deck.data:
                deck = services.get_deck_by_id_for_edit(int(form.deck.data), current_account())
            job = imports.upload(
                current_account(), upload.read(imports.MAX_DOCUMENT_BYTES + 1),
                filename=upload.filename or "", title=form.title.data or "", deck=deck,
                mode=form.mode.data,
            )  # fmt: skip
        except (Invalid, LimitReached) as error:
            form.document.errors = [error.message]
        else:
            return redirect(url_for("decks.import_job", job_id=job.id))
    return render_template(
        "decks/import.html", form=form, jobs=imports.recent_jobs(current_account())
    )


def _import_form() -> ImportForm:
    """The upload form, offering the person's own decks (one preselected by ?deck=ID)."""
    form = ImportForm()
    form.deck.choices = [SelectChoice("", "A new deck")] + [
        SelectChoice(str(deck_id), title)
        for deck_id, title in services.own_deck_titles(current_account())
    ]
    if request.method == "GET":
        form.deck.data = request.args.get("deck", "")[:20]
    return form


@bp.get("/imports/<id:job_id>")
@login_required
def import_job(job_id: int):
    job = imports.get_job(job_id, current_account())
    return render_template("decks/import_job.html", job=job, form=StartImportForm())


@bp.get("/imports/<id:job_id>/status")
@login_required
def import_status(job_id: int):
    job = imports.get_job(job_id, current_account())
    return render_template("decks/_import_status.html", job=job, form=StartImportForm())


@bp.post("/imports/<id:job_id>/start")
@login_required
def start_import(job_id: int):
    job = imports.get_job(job_id, current_account())
    try:
        imports.start(job, prune=StartImportForm().prune.data)
    except (Conflict, Invalid) as error:
        flash(error.message, "warning")
    return redirect(url_for("decks.import_job", job_id=job.id))


@bp.post("/imports/<id:job_id>/discard")
@login_required
def discard_import(job_id: int):
    job = imports.get_job(job_id, current_account())
    try:
        imports.discard(job)
    except Conflict as error:
        flash(error.message, "warning")
        return redirect(url_for("decks.import_job", job_id=job.id))
    flash(f"Discarded {job.filename or 'the document'}.", "info")
    return redirect(url_for("decks.import_document"))


@bp.get("/decks/<slug>/export.<fmt>")
def export_deck(slug: str, fmt: str):
    deck = services.get_deck(slug, _viewer())
    if fmt not in transfer.FORMATS:
        abort(404)
    if exports.needs_job(deck):
        if not current_user.is_authenticated:
            flash("This deck is large: sign in and it will be prepared for you to download.")
            return redirect(url_for("accounts.login", next=request.path))
        try:
            job = exports.start(deck, current_account(), fmt)
        except LimitReached as error:
            flash(error.message, "warning")
            return redirect(url_for("decks.deck", slug=deck.slug))
        return redirect(url_for("decks.export_job", job_id=job.id))
    content, mimetype, filename = transfer.export_deck(deck, fmt)
    return download(content, mimetype, filename)


@bp.get("/exports/<id:job_id>")
@login_required
def export_job(job_id: int):
    job = exports.get_job(job_id, current_account())
    page = (
        "decks/_export_status.html"
        if request.headers.get("HX-Request")
        else "decks/export_job.html"
    )
    return render_template(page, job=job, kept_hours=retention.kept_hours())


@bp.get("/exports/<id:job_id>/download")
@login_required
def export_download(job_id: int):
    return download(*exports.finished_file(exports.get_job(job_id, current_account())))
