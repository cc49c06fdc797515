"""What administrators can see and change."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from prepdeck.accounts.models import ROLES, User
from prepdeck.accounts.services import get_user
from prepdeck.core.errors import Conflict, Invalid
from prepdeck.core.models import utcnow
from prepdeck.core.pagination import Page, paginate
from prepdeck.extensions import db


def user_counts() -> dict[str, int]:
    week_ago = utcnow() - timedelta(days=7)
    count = sa.func.count(User.id)
    row = db.session.execute(
        sa.select(
            count,
            count.filter(User.role == "admin"),
            count.filter(User.is_disabled.is_(True)),
            count.filter(User.email_confirmed_at.is_not(None)),
            count.filter(User.created_at >= week_ago),
        )
    ).one()
    return dict(
        zip(("total", "admins", "disabled", "confirmed", "new_this_week"), row, strict=True)
    )


def recent_signups(limit: int = 10) -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.created_at.desc()).limit(limit)))


def list_users(page: int = 1, search: str = "", per_page: int = 25) -> Page:
    query = sa.select(User).order_by(User.id)
    search = search.strip().lower()
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            sa.or_(
                User.email.like(pattern, escape="\\"),
                sa.func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    return paginate(query, page, per_page)


def _active_admins() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.role == "admin", User.is_disabled.is_(False))
    )


def set_disabled(actor: User, user_id: int, disabled: bool) -> User:
    user = get_user(user_id)
    if user.id == actor.id and disabled:
        raise Conflict("You cannot disable your own account.")
    if user.is_disabled == disabled:
        return user
    user.is_disabled = disabled
    if disabled:
        user.session_version += 1  # signs the person out everywhere
    db.session.commit()
    return user


def set_role(actor: User, user_id: int, role: str) -> User:
    if role not in ROLES:
        raise Invalid(f"Role must be one of {', '.join(ROLES)}.")
    user = get_user(user_id)
    if user.role == role:
        return user
    if user.role == "admin" and _active_admins() <= 1:
        raise Conflict("Prepdeck needs at least one active administrator.")
    if user.id == actor.id:
        raise Conflict("You cannot change your own role.")
    user.role = role
    db.session.commit()
    return user
