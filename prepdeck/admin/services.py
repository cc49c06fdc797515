"""What administrators can see and change."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.accounts.services import get_user, require_known_role
from prepdeck.core.errors import Conflict
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


def _keep_an_active_admin(target: User) -> None:
    """Refuse a change that would leave no active administrator.

    The active admins' rows are locked (FOR UPDATE on PostgreSQL; SQLite allows one writer at
    a time anyway), so two admins demoting each other at once cannot both succeed.
    """
    if target.role != "admin" or target.is_disabled:
        return
    active = db.session.scalars(
        sa.select(User.id)
        .where(User.role == "admin", User.is_disabled.is_(False))
        .with_for_update()
    ).all()
    if len(active) <= 1:
        raise Conflict("Prepdeck needs at least one active administrator.")


def set_disabled(actor: User, user_id: int, disabled: bool) -> User:
    user = get_user(user_id)
    if user.id == actor.id and disabled:
        raise Conflict("You cannot disable your own account.")
    if user.is_disabled == disabled:
        return user
    if disabled:
        _keep_an_active_admin(user)
        user.session_version += 1  # signs the person out everywhere
    user.is_disabled = disabled
    db.session.commit()
    return user


def set_role(actor: User, user_id: int, role: str) -> User:
    require_known_role(role)
    user = get_user(user_id)
    if user.role == role:
        return user
    if user.id == actor.id:
        raise Conflict("You cannot change your own role.")
    if role != "admin":
        _keep_an_active_admin(user)
    user.role = role
    db.session.commit()
    return user


def confirm_address(user_id: int) -> User:
    """An administrator vouches for an address (a person whose confirmation mail went astray)."""
    user = get_user(user_id)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user
