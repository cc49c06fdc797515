"""The summary of an ended interview, for both participants: each question with the answer
given, the time it took, the score and the notes, and the chat; also as a Markdown file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.errors import Conflict, NotFound
from prepdeck.extensions import db
from prepdeck.practice.services import visible_question
from prepdeck.rooms.models import Participant, Room, RoomItem, RoomMessage
from prepdeck.rooms.services import low_scored, seat_of


class NotEnded(Conflict):
    code = "not_ended"


@dataclass(frozen=True)
class Summary:
    room: Room
    interviewer: str
    candidate: str | None
    items: list[RoomItem]  # the questions asked, in order
    messages: list[RoomMessage]
    practised: list[RoomItem]  # scored low, and so due in the candidate's practice
    kept_out: list[RoomItem]  # scored low, but from a deck the candidate may not read

    @property
    def scored(self) -> list[int]:
        return [item.score for item in self.items if item.score is not None]

    @property
    def average(self) -> float | None:
        return sum(self.scored) / len(self.scored) if self.scored else None

    @property
    def minutes(self) -> float | None:
        if self.room.started_at is None or self.room.ended_at is None:
            return None
        return (self.room.ended_at - self.room.started_at).total_seconds() / 60


def seconds_taken(item: RoomItem) -> int | None:
    """From the push to the last keystroke of the answer."""
    if item.asked_at is None or item.answered_at is None:
        return None
    return max(0, int((item.answered_at - item.asked_at).total_seconds()))


def _practised(room: Room, candidate: User | None) -> tuple[list[RoomItem], list[RoomItem]]:
    """The questions scored low that the end of the interview made due in the candidate's
    practice, and those it could not: of a deck the candidate may not read."""
    practised, kept_out = [], []
    for item in low_scored(room) if candidate is not None else []:
        try:
            visible_question(candidate, item.question_id)
        except NotFound:
            kept_out.append(item)
        else:
            practised.append(item)
    return practised, kept_out


def summary(seat: Participant) -> Summary:
    room = seat.room
    if room.state != "ended":
        raise NotEnded("The interview has not ended yet.")
    messages = db.session.scalars(
        sa.select(RoomMessage).where(RoomMessage.room_id == room.id).order_by(RoomMessage.id)
    ).all()
    candidate = seat_of(room, "candidate")
    practised, kept_out = _practised(room, candidate.person if candidate else None)
    return Summary(
        room=room,
        interviewer=seat_of(room, "interviewer").person.display_name,
        candidate=candidate.person.display_name if candidate else None,
        items=[item for item in room.items if item.asked_at is not None],
        messages=list(messages),
        practised=practised,
        kept_out=kept_out,
    )


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines()) or "> (no answer)"


def markdown(result: Summary) -> str:
    """The summary as a Markdown document (text as typed; a reader renders it as it likes)."""
    room = result.room
    lines = [f"# {room.title}", ""]
    lines.append(f"- Interviewer: {result.interviewer}")
    lines.append(f"- Candidate: {result.candidate or 'nobody joined'}")
    if room.started_at:
        lines.append(f"- Started: {_time(room.started_at)}")
    lines.append(f"- Ended: {_time(room.ended_at)}")
    if result.average is not None:
        lines.append(f"- Average score: {result.average:.1f} / 5 over {len(result.scored)}")
    lines.append("")
    for item in result.items:
        lines += [f"## {item.position}. {item.prompt}", ""]
        taken = seconds_taken(item)
        facts = [f"score {item.score}/5" if item.score else "not scored"]
        if taken is not None:
            facts.append(f"answered in {taken // 60} min {taken % 60} s")
        if item.late:
            facts.append("after the deadline")
        lines += [f"*{', '.join(facts)}*", "", "Answer:", "", _quoted(item.answer), ""]
        if item.notes:
            lines += ["Notes:", "", _quoted(item.notes), ""]
    if result.messages:
        lines += ["## Chat", ""]
        for row in result.messages:
            lines.append(f"- {row.sent_at.strftime('%H:%M:%S')} {row.author.display_name}: "
                         f"{' '.join(row.text.split())}")  # fmt: skip
        lines.append("")
    return "\n".join(lines)
