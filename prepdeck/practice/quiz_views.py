"""Quiz pages: choose, answer one question at a time against the clock, grade, and the
summary that stays in the person's history. Every page works without JavaScript; quiz.js
only adds the ticking countdown."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from prepdeck.accounts.access import current_account
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.forms import show_error
from prepdeck.core.pagination import page_number
from prepdeck.decks.questions import parse_tags
from prepdeck.practice import quizzes
from prepdeck.practice.quiz_forms import AnswerForm, GradeForm, QuizForm
from prepdeck.practice.scheduler import RATINGS

bp = Blueprint("quizzes", __name__, url_prefix="/practice/quizzes")

GRADES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@bp.get("")
@login_required
def history():
    page = quizzes.history(current_account(), page_number(request.args.get("page")))
    return render_template("practice/quiz_list.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_quiz():
    person = current_account()
    form = QuizForm()
    form.decks.choices = [SelectChoice(*deck) for deck in quizzes.deck_choices(person)]
    if form.validate_on_submit():
        try:
            quiz = quizzes.create_quiz(
                person, deck_ids=form.decks.data or [], levels=form.levels.data or [],
                tags=parse_tags(form.tags.data or ""), question_count=form.question_count.data,
                seconds_per_question=form.seconds_per_question.data,
            )  # fmt: skip
        except (Invalid, Conflict, NotFound) as error:
            show_error(form, error)
        else:
            return redirect(url_for("quizzes.show", quiz_id=quiz.id))
    return render_template("practice/quiz_form.html", form=form)


@bp.get("/<id:quiz_id>")
@login_required
def show(quiz_id: int):
    """The current question, or the summary once every question is graded: a reload comes
    back to the same question with the time the server has left on it."""
    quiz = quizzes.get_quiz(current_account(), quiz_id)
    item = quizzes.current_item(quiz)
    if item is None:
        return render_template("practice/quiz_summary.html", quiz=quiz, grades=GRADES)
    answer_form = AnswerForm(formdata=None, item_id=item.id)
    return render_template(
        "practice/quiz_question.html", quiz=quiz, item=item, grades=GRADES,
        remaining_ms=quizzes.remaining_ms(item), answer_form=answer_form,
        grade_form=GradeForm(formdata=None, item_id=item.id),
    )  # fmt: skip


@bp.post("/<id:quiz_id>/answer")
@login_required
def answer(quiz_id: int):
    form = AnswerForm()
    if form.validate_on_submit():
        _apply(quizzes.answer_item, quiz_id, _item_id(form), form.answer.data or "")
    else:
        for message in form.answer.errors:
            flash(message, "danger")
    return redirect(url_for("quizzes.show", quiz_id=quiz_id))


@bp.post("/<id:quiz_id>/grade")
@login_required
def grade(quiz_id: int):
    form = GradeForm()
    rating = request.form.get("rating", "")
    if form.validate_on_submit():
        value = int(rating) if rating.isdigit() and int(rating) in RATINGS else 0
        _apply(quizzes.grade_item, quiz_id, _item_id(form), value)
    return redirect(url_for("quizzes.show", quiz_id=quiz_id))


def _item_id(form) -> int:
    value = form.item_id.data or ""
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        raise NotFound("This quiz has no such question.")
    return int(value)


def _apply(action, quiz_id: int, item_id: int, value) -> None:
    """Run a quiz action; a refusal (a grade out of range, a question no longer current, as
    after going back and sending a form again) is said above the quiz as it now is."""
    try:
        action(current_account(), quiz_id, item_id, value)
    except (Invalid, Conflict) as error:
        flash(error.message, "warning")
