"""Page-number pagination for HTML lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from prepdeck.core.errors import NotFound
from prepdeck.extensions import db

# Far beyond any list a person pages through, and small enough for every database's OFFSET.
MAX_PAGE = 10_000
NO_SUCH_PAGE = "There is no such page."


def page_number(value: str | None) -> int:
    """The `page` argument of a list page: a whole number from 1 to MAX_PAGE, else NotFound."""
    if value is None or value == "":
        return 1
    if not (value.isascii() and value.isdigit()) or len(value) > 5 or int(value) > MAX_PAGE:
        raise NotFound(NO_SUCH_PAGE)
    if int(value) < 1:
        raise NotFound(NO_SUCH_PAGE)
    return int(value)


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

    def require_exists(self) -> Page:
        """NotFound for a page past the last one (page 1 always exists, if empty)."""
        if self.page > self.pages:
            raise NotFound(NO_SUCH_PAGE)
        return self


def _scalars(query: sa.Select) -> list:
    return list(db.session.scalars(query))


def paginate(query: sa.Select, page: int, per_page: int = 20, *, read=_scalars) -> Page:
    """One page of `query`: its first column's values, or what `read` makes of the statement
    (e.g. `core.database.driver_rows`)."""
    if not 1 <= page <= MAX_PAGE:
        raise NotFound(NO_SUCH_PAGE)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    found = Page(items=[], page=page, per_page=per_page, total=total or 0).require_exists()
    found.items = read(query.limit(per_page).offset((page - 1) * per_page))
    return found


@dataclass
class Slice:
    """One keyset page: the items after a key, and whether more follow the last of them."""

    items: list[Any]
    more: bool

    @classmethod
    def cut(cls, items: list, limit: int) -> Slice:
        """The slice of `limit` items from a read of `limit` + 1: more follow if it found them."""
        return cls(items=items[:limit], more=len(items) > limit)


def keyset_page(
    query: sa.Select,
    key: sa.ColumnElement,
    after: Any,
    limit: int,
    *,
    read: Callable[[sa.Select], list] = _scalars,
) -> Slice:
    """Items of `query` ordered by the unique column `key`, starting after the value `after`:
    its first column's values, or what `read` makes of the statement. Unlike an offset, the key
    still points at the same place after rows are added."""
    if after is not None:
        query = query.where(key > after)
    return Slice.cut(read(query.order_by(key).limit(limit + 1)), limit)
