"""Who is connected to a room, kept in the database so that every process sees it: one row per
live connection, refreshed by the client's heartbeat, deleted when the connection closes. A
process that dies takes no goodbye with it: its rows stop being refreshed and stop counting
after `PRESENCE_SECONDS`."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from prepdeck.practice import services as practice
from prepdeck.rooms.models import Connection, Participant, Room

PRESENCE_SECONDS = 60  # the client's heartbeat comes every 20 s
HEARTBEAT_SECONDS = 20


def arrived(sid: str, seat: Participant) -> None:
    """The connection is in the room now; rows its room's dead processes left are cleared."""
    stale = practice.clock() - timedelta(seconds=10 * PRESENCE_SECONDS)
    db.session.execute(
        sa.delete(Connection).where(Connection.room_id == seat.room_id, Connection.seen_at < stale)
    )
    row = db.session.get(Connection, (sid, seat.room_id))
    if row is None:
        db.session.add(Connection(sid=sid, room_id=seat.room_id, person_id=seat.person_id,
                                  seen_at=practice.clock()))  # fmt: skip
    else:
        row.seen_at = practice.clock()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same join twice at once: one row is enough
        db.session.rollback()


def left(sid: str) -> list[int]:
    """Forget the connection; the rooms it was in."""
    rooms = list(db.session.scalars(sa.select(Connection.room_id).where(Connection.sid == sid)))
    if rooms:
        db.session.execute(sa.delete(Connection).where(Connection.sid == sid))
        db.session.commit()
    return rooms


def left_room(sid: str, room_id: int) -> None:
    db.session.execute(
        sa.delete(Connection).where(Connection.sid == sid, Connection.room_id == room_id)
    )
    db.session.commit()


def people(room: Room) -> list[dict]:
    """Everyone in the room with their role, and whether they are connected now (one query,
    however many watch)."""
    since = practice.clock() - timedelta(seconds=PRESENCE_SECONDS)
    here = (
        sa.select(Connection.person_id)
        .where(Connection.room_id == room.id, Connection.seen_at > since)
        .where(Connection.person_id == Participant.person_id)
        .exists()
    )
    rows = db.session.execute(
        sa.select(Participant.person_id, Participant.role, User.display_name, here)
        .join(User, User.id == Participant.person_id)
        .where(Participant.room_id == room.id)
        .order_by(Participant.joined_at, Participant.person_id)
    )
    return [{"id": r[0], "name": r[2], "role": r[1], "connected": r[3]} for r in rows]
