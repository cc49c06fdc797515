"""Room pages: make a room, accept an invitation, the live room (room.js drives it over
Socket.IO), and the summary with its Markdown download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from prepdeck.accounts.access import current_account
from prepdeck.core.errors import Conflict, Invalid, NotFound
from prepdeck.core.forms import ActionForm, show_error
from prepdeck.core.realtime import PROTOCOL
from prepdeck.decks.questions import parse_tags
from prepdeck.practice import quizzes
from prepdeck.rooms import services, summary
from prepdeck.rooms.forms import RoomForm
from prepdeck.rooms.presence import HEARTBEAT_SECONDS

bp = Blueprint("rooms", __name__, url_prefix="/rooms")


@bp.get("")
@login_required
def index():
    return render_template("rooms/index.html", rooms=services.my_rooms(current_account()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_room():
    person = current_account()
    form = RoomForm()
    form.decks.choices = [SelectChoice(*deck) for deck in quizzes.deck_choices(person)]
    if form.validate_on_submit():
        try:
            room = services.create_room(
                person, title=form.title.data, deck_ids=form.decks.data or [],
                levels=form.levels.data or [], tags=parse_tags(form.tags.data or ""),
                question_count=form.question_count.data,
                minutes_per_question=form.minutes_per_question.data,
                allow_watchers=bool(form.allow_watchers.data),
            )  # fmt: skip
        except (Invalid, Conflict, NotFound) as error:
            show_error(form, error)
        else:
            return redirect(url_for("rooms.show", room_id=room.id))
    return render_template("rooms/new.html", form=form)


@bp.get("/join/<token>")
@login_required
def invite(token: str):
    room = services.invited_room(token)
    person = current_account()
    if any(p.person_id == person.id for p in room.participants):
        return redirect(url_for("rooms.show", room_id=room.id))
    taken = services.seat_of(room, "candidate") is not None
    return render_template("rooms/invite.html", room=room, form=ActionForm(), taken=taken)


@bp.post("/join/<token>")
@login_required
def accept(token: str):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    seat = services.accept_invite(current_account(), token)
    return redirect(url_for("rooms.show", room_id=seat.room_id))


@bp.get("/<id:room_id>")
@login_required
def show(room_id: int):
    seat = services.participant(current_account(), room_id)
    return render_template(
        "rooms/room.html", room=seat.room, seat=seat, protocol=PROTOCOL,
        heartbeat=HEARTBEAT_SECONDS,
    )  # fmt: skip


@bp.get("/<id:room_id>/summary")
@login_required
def summary_page(room_id: int):
    seat = services.participant(current_account(), room_id)
    if seat.room.state != "ended":
        return redirect(url_for("rooms.show", room_id=room_id))
    result = summary.summary(seat)
    return render_template("rooms/summary.html", result=result, seat=seat,
                           seconds_taken=summary.seconds_taken)  # fmt: skip


@bp.get("/<id:room_id>/summary.md")
@login_required
def summary_markdown(room_id: int):
    seat = services.participant(current_account(), room_id)
    text = summary.markdown(summary.summary(seat))
    return Response(
        text, mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="interview-{room_id}.md"'},
    )  # fmt: skip
