"""Reading what the accounts pages sent and saved: the mail as received, the links in it, the
users. The outbox itself keeps no single-use link once a message is delivered, so mail is read
as its recipient got it (the `mailbox` fixture in conftest records every delivery)."""

from __future__ import annotations

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from tests.conftest import Delivered, delivered, link_in

__all__ = ["link_in", "outbox", "users"]


def outbox(app, recipient: str) -> list[Delivered]:
    """The messages `recipient` received, oldest first."""
    return delivered(recipient)


def users(app) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(db.select(User).order_by(User.id)))
