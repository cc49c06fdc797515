"""The quiz API: start a quiz, read it with its current question, answer and grade that
question, list your quizzes. The rules live in prepdeck.practice.quizzes, shared with the pages."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_jwt_extended import get_current_user, jwt_required

from prepdeck.core.api import BEARER, ApiBlueprint, documented, page_after, page_of
from prepdeck.practice import quiz_schemas as s
from prepdeck.practice import quizzes

blp = ApiBlueprint(
    "api_quizzes", __name__, url_prefix="/api/v1",
    description="Timed mock quizzes; every grade counts as a review.",
)  # fmt: skip


@blp.route("/quizzes")
class QuizzesResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.QuizListArgs, location="query")
    @blp.response(200, s.QuizPage)
    @documented(blp, read=True)
    def get(self, args: dict):
        """Your quizzes, oldest first"""
        after = page_after(args)
        found = quizzes.quiz_slice(get_current_user(), after[0] if after else None, args["limit"])
        return page_of(found, lambda quiz: [quiz.id])

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.QuizCreate, required=False)  # every field has a default
    @blp.response(201, s.Quiz)
    @documented(blp)
    def post(self, body: dict):
        """Start a quiz drawn from decks, levels and tags (409 no_questions when none match)"""
        quiz = quizzes.create_quiz(get_current_user(), **body)
        return quiz, 201, {"Location": url_for("api_quizzes.QuizResource", quiz_id=quiz.id)}


@blp.route("/quizzes/<id:quiz_id>")
class QuizResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, s.Quiz)
    @documented(blp, read=True)
    def get(self, quiz_id: int):
        """One of your quizzes, with the current question and the time left on it"""
        return quizzes.get_quiz(get_current_user(), quiz_id)


@blp.route("/quizzes/<id:quiz_id>/answer")
class QuizAnswerResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.QuizAnswer)
    @blp.response(200, s.Quiz)
    @documented(blp)
    def post(self, body: dict, quiz_id: int):
        """Answer the current question and reveal its reference answer (late after the
        deadline; sent again, the first answer stays)"""
        return quizzes.answer_item(get_current_user(), quiz_id, body["item_id"], body["answer"])


@blp.route("/quizzes/<id:quiz_id>/grade")
class QuizGradeResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.QuizGrade)
    @blp.response(200, s.Quiz)
    @documented(blp)
    def post(self, body: dict, quiz_id: int):
        """Grade the current question 1-4: counted once as a review, and the next question's
        clock starts"""
        return quizzes.grade_item(get_current_user(), quiz_id, body["item_id"], body["rating"])
