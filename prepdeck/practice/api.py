"""The practice API: followed decks, the day's queue, answers, cards, the review log, practice
settings and the person's data. Every rule lives in the services that the pages use too."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_jwt_extended import get_current_user, jwt_required

from prepdeck.core.api import BEARER, ApiBlueprint, documented, page_after, page_of
from prepdeck.core.errors import Invalid
from prepdeck.practice import cards, downloads, listing, services
from prepdeck.practice import schemas as s
from prepdeck.practice.queue import QueueFilter

blp = ApiBlueprint(
    "api_practice", __name__, url_prefix="/api/v1",
    description="Practice: followed decks, reviews, cards, settings and your data.",
)  # fmt: skip


@blp.route("/follows")
class FollowsResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.PageArgs, location="query")
    @blp.response(200, s.FollowedDeckPage)
    @documented(blp, read=True)
    def get(self, args: dict):
        """The decks you follow, by deck id (one made private since is left out)"""
        found = listing.followed_deck_slice(get_current_user(), _after(args), args["limit"])
        return page_of(found, lambda deck: [deck.id])


@blp.route("/follows/<slug:slug>")
class FollowResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, s.Deck)
    @documented(blp)
    def put(self, slug: str):
        """Follow a deck by its address: your own, a public one or an unlisted one

        Following a deck you already follow changes nothing (200 again). Its questions join
        your queue."""
        person = get_current_user()
        services.follow(person, slug)
        return services.get_deck(slug, person)

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(204)
    @documented(blp)
    def delete(self, slug: str):
        """Stop following a deck (its cards and your review history are kept)"""
        services.unfollow(get_current_user(), slug)


@blp.route("/reviews/due")
class DueResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.DueArgs, location="query")
    @blp.response(200, s.DueList)
    @documented(blp, read=True)
    def get(self, args: dict):
        """What to practise now, in order, with the interval each button would give

        Learning cards due now, then due reviews with new questions mixed among them, within
        your day's limits, across the decks you follow; narrowed to one followed deck
        (`deck_id`, 404 for a deck you do not follow), a level, a tag, or the cards answered
        Again in the last `missed_days` days."""
        narrow = QueueFilter(
            deck_id=args.get("deck_id"), level=args.get("level"), tag=args.get("tag"),
            missed_days=args.get("missed_days"),
        )  # fmt: skip
        return {"items": cards.due_items(get_current_user(), narrow, args["limit"])}


@blp.route("/reviews")
class ReviewsResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.ReviewLogArgs, location="query")
    @blp.response(200, s.ReviewLogPage)
    @documented(blp, read=True)
    def get(self, args: dict):
        """Your review log, oldest answer first"""
        found = listing.review_log_slice(get_current_user(), _after(args), args["limit"])
        return page_of(found, lambda log: [log.id])

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.ReviewCreate)
    @blp.response(201, s.ReviewResult, description="The answer was applied")
    @blp.alt_response(200, schema=s.ReviewResult, description="Already applied: the same key")
    @documented(blp)
    def post(self, body: dict):
        """Answer a card: the card as the answer left it

        The review time is the server's clock when the answer arrives: a `reviewed_at` sent by
        the client is ignored (other unknown fields are refused, 422). The same
        `idempotency_key` again (a retried request, a second tab, even at the same moment) is
        applied once: 201 the first time, then 200 with the same body. A key already used
        for another question is a 409; a question you may not see is a 404; a card not yet
        due is accepted and scheduled from now, as Anki does."""
        result = services.review(
            get_current_user(), body["question_id"], body["rating"], body["duration_ms"],
            body["idempotency_key"],
        )  # fmt: skip
        return result, 200 if result.replayed else 201


@blp.route("/cards/<id:question_id>")
class CardResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, s.CardState)
    @documented(blp, read=True)
    def get(self, question_id: int):
        """Your card for a question: its FSRS state and the chance you recall it now

        A question you have not answered yet is a new card. `retrievability` follows FSRS-6's
        forgetting curve with your parameters, from the last review to now."""
        return cards.card_view(get_current_user(), question_id)


@blp.route("/practice/settings")
class SettingsResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, s.Settings)
    @documented(blp, read=True)
    def get(self):
        """Your practice settings"""
        return services.get_settings(get_current_user().id)

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.SettingsUpdate)
    @blp.response(200, s.Settings)
    @documented(blp)
    def patch(self, body: dict):
        """Change some practice settings; nothing is kept if one value is wrong (422)"""
        if not request.get_data():
            raise Invalid("Send the settings to change as a JSON object.", details={"json": []})
        for name in ("learning_steps", "relearning_steps"):
            if name in body:
                body[name] = " ".join(f"{minutes:g}" for minutes in body[name])
        return services.update_settings(get_current_user().id, **body)


@blp.route("/practice/data/reviews.csv")
class ReviewHistoryResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, content_type="text/csv", description="The review history as CSV")
    @documented(blp)
    def get(self):
        """Your review history as the CSV that FSRS's tools read

        Columns `card_id` (the question id), `review_time` (epoch milliseconds, UTC),
        `review_rating` (1-4), `review_state` (the card's state before the answer: 0 new,
        1 learning, 2 review, 3 relearning), `review_duration` (milliseconds)."""
        return downloads.review_history(get_current_user())


@blp.route("/practice/data/cards.json")
class CardStatesResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, content_type="application/json", description="Your card states")
    @documented(blp)
    def get(self):
        """Your card states as JSON, with the time zone, day start and parameters in use"""
        return downloads.card_states(get_current_user())


def _after(args: dict) -> int | None:
    """The id a page starts after (None: the first page)."""
    after = page_after(args)
    return after[0] if after else None
