"""The decks API: decks, their questions, search, imports and exports. Every rule lives in
the services that the pages use too."""

from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from flask_jwt_extended import get_current_user, jwt_required

from prepdeck.core.api import (
    BEARER,
    BEARER_OR_NONE,
    ApiBlueprint,
    documented,
    optional_caller,
    page_after,
    page_of,
)
from prepdeck.core.cursor import encode_cursor
from prepdeck.core.responses import download
from prepdeck.decks import cache as deck_cache
from prepdeck.decks import exports, imports, questions, search, services
from prepdeck.decks import schemas as s

blp = ApiBlueprint("api_decks", __name__, url_prefix="/api/v1", description="Decks and questions.")


@blp.route("/decks")
class DecksResource(MethodView):
    @jwt_required(optional=True)  # a bad token is refused before anything else
    @blp.doc(security=BEARER_OR_NONE)
    @blp.arguments(s.DeckListArgs, location="query")
    @blp.response(200, s.DeckPage)
    @documented(blp, read=True)
    def get(self, args: dict):
        """Public decks and your own, oldest first"""
        after = page_after(args)
        found = services.deck_slice(
            optional_caller(), mine=args["mine"], after=after[0] if after else None,
            limit=args["limit"],
        )  # fmt: skip
        return page_of(found, lambda deck: [deck.id])

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.DeckCreate)
    @blp.response(201, s.Deck)
    @documented(blp)
    def post(self, body: dict):
        """Create a deck (private unless you say otherwise)"""
        deck = services.create_deck(
            get_current_user(), body["title"], body.get("description", ""),
            body.get("visibility", "private"), body.get("slug", ""),
        )  # fmt: skip
        return deck, 201, {"Location": url_for("api_decks.DeckResource", deck_id=deck.id)}


@blp.route("/decks/<id:deck_id>")
class DeckResource(MethodView):
    @jwt_required(optional=True)  # a bad token is refused before anything else
    @blp.doc(security=BEARER_OR_NONE)
    @blp.response(200, s.Deck)
    @documented(blp, read=True)
    def get(self, deck_id: int):
        """One deck"""
        return services.get_deck_by_id(deck_id, optional_caller())

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.DeckUpdate)
    @blp.response(200, s.Deck)
    @documented(blp)
    def patch(self, body: dict, deck_id: int):
        """Change a deck's title, description, visibility or address"""
        actor = get_current_user()
        return services.update_deck(services.get_deck_by_id_for_edit(deck_id, actor), actor, **body)

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(204)
    @documented(blp)
    def delete(self, deck_id: int):
        """Delete a deck and its questions"""
        actor = get_current_user()
        services.delete_deck(services.get_deck_by_id_for_edit(deck_id, actor), actor)


@blp.route("/decks/<id:deck_id>/questions")
class DeckQuestionsResource(MethodView):
    @jwt_required(optional=True)  # a bad token is refused before anything else
    @blp.doc(security=BEARER_OR_NONE)
    @blp.arguments(s.QuestionListArgs, location="query")
    @blp.response(200, s.QuestionPage)
    @documented(blp, read=True)
    def get(self, args: dict, deck_id: int):
        """A deck's questions in order, filtered by level, tag or search words"""
        found = questions.question_slice(
            deck_id, optional_caller(), level=args.get("level", ""),
            tag=args.get("tag", ""), text=args.get("q", ""),
            after=page_after(args, 2), limit=args["limit"],
        )  # fmt: skip
        # Dumped as the QuestionPage schema would, without its cost per field of 100 questions.
        return current_app.json.iso_response(
            page_of(found, lambda item: [item["position"], item["id"]])
        )

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.QuestionCreate)
    @blp.response(201, s.Question)
    @documented(blp)
    def post(self, body: dict, deck_id: int):
        """Add a question at the end of a deck"""
        actor = get_current_user()
        deck = services.get_deck_by_id_for_edit(deck_id, actor)
        question = questions.add_question(
            deck, actor, body["prompt"], body.get("answer", ""), body.get("level"),
            body.get("tags", []),
        )  # fmt: skip
        location = url_for("api_decks.QuestionResource", question_id=question.id)
        return question, 201, {"Location": location}


@blp.route("/questions/<id:question_id>")
class QuestionResource(MethodView):
    @jwt_required(optional=True)  # a bad token is refused before anything else
    @blp.doc(security=BEARER_OR_NONE)
    @blp.response(200, s.Question)
    @documented(blp, read=True)
    def get(self, question_id: int):
        """One question with its Markdown answer and the rendered HTML"""
        viewer = optional_caller()
        kept = deck_cache.public_question(question_id)
        if kept is None:
            question = questions.get_readable_question(question_id, viewer)
            body, etag = current_app.json.dumps(s.Question().dump(question)), None
            if question.deck.visibility == "public":
                etag = deck_cache.keep_public_question(question_id, question.deck.slug, body)
        else:
            body, etag = kept["body"], kept.get("etag")
        response = current_app.response_class(body, mimetype="application/json")
        if etag:  # the hash of the body, made once when it was kept
            response.set_etag(etag)
        return response

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.QuestionUpdate)
    @blp.response(200, s.Question)
    @documented(blp)
    def patch(self, body: dict, question_id: int):
        """Change a question's prompt, answer, level or tags"""
        actor = get_current_user()
        question = questions.get_readable_question(question_id, actor)
        return questions.update_question(question, actor, **body)

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(204)
    @documented(blp)
    def delete(self, question_id: int):
        """Delete a question; those after it move up"""
        actor = get_current_user()
        questions.delete_question(questions.get_readable_question(question_id, actor), actor)


@blp.route("/questions/<id:question_id>/move")
class QuestionMoveResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.QuestionMove)
    @blp.response(200, s.Question)
    @documented(blp)
    def post(self, body: dict, question_id: int):
        """Move a question to a position in its deck (1 is first)"""
        actor = get_current_user()
        question = questions.get_readable_question(question_id, actor)
        return questions.move_question_to(question, actor, body["position"])


@blp.route("/search")
class SearchResource(MethodView):
    @jwt_required(optional=True)  # a bad token is refused before anything else
    @blp.doc(security=BEARER_OR_NONE)
    @blp.arguments(s.SearchArgs, location="query")
    @blp.response(200, s.SearchPage)
    @documented(blp, read=True)
    def get(self, args: dict):
        """Search the questions of every deck you can read, best matches first

        Words are letters and digits; a query with none (only signs) matches nothing."""
        after = page_after(args)
        hits, following = search.search_after(
            optional_caller(), args["q"], after[0] if after else 0, args["limit"]
        )
        cursor = encode_cursor([following]) if following is not None else None
        return {"items": hits, "next_cursor": cursor}


transfers = ApiBlueprint(
    "api_transfers", __name__, url_prefix="/api/v1", description="Imports and exports, as jobs."
)


@transfers.route("/imports")
class ImportsResource(MethodView):
    @jwt_required()
    @transfers.doc(security=BEARER)
    @transfers.arguments(s.ImportUpload, location="files")
    @transfers.doc(requestBody=s.IMPORT_ENCODING)
    @transfers.response(202, s.ImportJob)
    @documented(transfers)
    def post(self, form: dict):
        """Import a question document into a new deck or one of yours

        Answers 202 with the job; poll the Location until its state is succeeded or failed
        (a document that cannot be read fails with the reason in `error`); its `result` says
        what was added, changed, unchanged and gone. Into a deck, a newer version of the
        document it came from updates it (`mode` update): importing the same file again
        changes nothing. 409 limit_reached while you already have as many imports waiting as
        you may."""
        actor = get_current_user()
        deck = None
        if form.get("deck_id") is not None:
            deck = services.get_deck_by_id_for_edit(form["deck_id"], actor)
        upload = form["file"]
        job = imports.upload(
            actor, upload.read(imports.MAX_DOCUMENT_BYTES + 1), filename=upload.filename or "",
            title=form.get("title", ""), deck=deck, start=True, mode=form["mode"],
            prune=form["prune"],
        )  # fmt: skip
        return job, 202, {"Location": url_for("api_transfers.ImportResource", job_id=job.id)}


@transfers.route("/imports/<id:job_id>")
class ImportResource(MethodView):
    @jwt_required()
    @transfers.doc(security=BEARER)
    @transfers.response(200, s.ImportJob)
    @documented(transfers, read=True)
    def get(self, job_id: int):
        """An import's state and progress"""
        return imports.get_job(job_id, get_current_user())


@transfers.route("/exports")
class ExportsResource(MethodView):
    @jwt_required()
    @transfers.doc(security=BEARER)
    @transfers.arguments(s.ExportCreate)
    @transfers.response(202, s.ExportJob)
    @documented(transfers)
    def post(self, body: dict):
        """Export a deck you can read as Markdown, JSON or an Anki package

        Answers 202 with the job; when it has succeeded, download it from /download. 409
        limit_reached while you already have as many exports being prepared as you may."""
        actor = get_current_user()
        deck = services.get_deck_by_id(body["deck_id"], actor)
        job = exports.start(deck, actor, body["format"])
        return job, 202, {"Location": url_for("api_transfers.ExportResource", job_id=job.id)}


@transfers.route("/exports/<id:job_id>")
class ExportResource(MethodView):
    @jwt_required()
    @transfers.doc(security=BEARER)
    @transfers.response(200, s.ExportJob)
    @documented(transfers, read=True)
    def get(self, job_id: int):
        """An export's state"""
        return exports.get_job(job_id, get_current_user())


@transfers.route("/exports/<id:job_id>/download")
class ExportDownloadResource(MethodView):
    @jwt_required()
    @transfers.doc(security=BEARER)
    @transfers.response(200, content_type="application/octet-stream", description="The file")
    @transfers.alt_response(410, response="GONE")  # the file has expired
    @documented(transfers)
    def get(self, job_id: int):
        """The exported file, once the export has succeeded

        Files are kept for a while after they are written (a day by default); after that the
        export's state is expired and this answers 410 with the code expired."""
        return download(*exports.finished_file(exports.get_job(job_id, get_current_user())))
