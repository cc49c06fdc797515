"""Reading what the accounts pages sent and saved: the outbox, the links in it, the users."""

from __future__ import annotations

import re

from prepdeck.accounts.models import User
from prepdeck.core.models import OutboxMessage
from prepdeck.extensions import db


def outbox(app, recipient: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(OutboxMessage)
                .where(OutboxMessage.recipient == recipient)
                .order_by(OutboxMessage.id)
            )
        )


def users(app) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(db.select(User).order_by(User.id)))


def link_in(message: OutboxMessage) -> str:
    match = re.search(r"http://127\.0\.0\.1:5000(/\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)
