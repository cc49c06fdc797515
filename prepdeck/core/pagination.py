"""Page-number pagination for HTML lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from prepdeck.extensions import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: sa.Select, page: int, per_page: int = 20) -> Page:
    page = max(1, page)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


@dataclass
class Slice:
    """One keyset page: the items after a key, and whether more follow the last of them."""

    items: list[Any]
    more: bool


def keyset_page(query: sa.Select, key: sa.ColumnElement, after: Any, limit: int) -> Slice:
    """Items of `query` ordered by the unique column `key`, starting after the value `after`.
    Unlike an offset, the key still points at the same place after rows are added."""
    if after is not None:
        query = query.where(key > after)
    items = list(db.session.scalars(query.order_by(key).limit(limit + 1)))
    return Slice(items=items[:limit], more=len(items) > limit)
