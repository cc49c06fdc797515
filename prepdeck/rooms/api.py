"""The room API: make a room, join one by its invitation, list your rooms, read one (with its
summary once it has ended). The live part is Socket.IO (prepdeck.rooms.events); the rules live
in prepdeck.rooms.services, shared with the pages."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_jwt_extended import get_current_user, jwt_required

from prepdeck.core.api import BEARER, ApiBlueprint, documented, page_after, page_of
from prepdeck.rooms import schemas as s
from prepdeck.rooms import services

blp = ApiBlueprint(
    "api_rooms", __name__, url_prefix="/api/v1",
    description="Live mock-interview rooms; the live events go over Socket.IO.",
)  # fmt: skip


@blp.route("/rooms")
class RoomsResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.RoomListArgs, location="query")
    @blp.response(200, s.RoomPage)
    @documented(blp, read=True)
    def get(self, args: dict):
        """The rooms you are in, in any role, oldest first"""
        after = page_after(args)
        found = services.seat_slice(get_current_user(), after[0] if after else None, args["limit"])
        return page_of(found, lambda seat: [seat.room_id])

    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.RoomCreate, required=False)  # every field has a default
    @blp.response(201, s.Room)
    @documented(blp)
    def post(self, body: dict):
        """Make a room from decks, levels and tags, with you as the interviewer (409
        no_questions when none match)"""
        person = get_current_user()
        room = services.create_room(person, **body)
        seat = services.participant(person, room.id)
        return seat, 201, {"Location": url_for("api_rooms.RoomResource", room_id=room.id)}


@blp.route("/rooms/join")
class RoomJoinResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.arguments(s.RoomJoin)
    @blp.response(200, s.Room)
    @documented(blp)
    def post(self, body: dict):
        """Accept an invitation: the candidate's seat while it is free, else a watcher's if
        the interviewer allows it (409 room_full otherwise)"""
        return services.accept_invite(get_current_user(), body["token"])


@blp.route("/rooms/<id:room_id>")
class RoomResource(MethodView):
    @jwt_required()
    @blp.doc(security=BEARER)
    @blp.response(200, s.Room)
    @documented(blp, read=True)
    def get(self, room_id: int):
        """A room you are in, as your role sees it, with its summary once it has ended"""
        return services.participant(get_current_user(), room_id)
