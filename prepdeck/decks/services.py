"""Decks and their questions: who may see and change them, and every change to them."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.core.database import driver_rows
from prepdeck.core.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from prepdeck.core.pagination import Page, Slice, keyset_page, paginate
from prepdeck.decks import cache as deck_cache
from prepdeck.decks.models import LEVELS, VISIBILITIES, Deck, Question, QuestionTag
from prepdeck.extensions import db

SORTS = {
    "updated": Deck.updated_at.desc(),
    "newest": Deck.created_at.desc(),
    "title": sa.func.lower(Deck.title),
    "questions": Deck.question_count.desc(),
}
_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# Who may do what ---------------------------------------------------------------------


def can_edit(deck: Deck, viewer: User | None) -> bool:
    return viewer is not None and (viewer.id == deck.owner_id or viewer.is_admin)


def can_view(deck: Deck, viewer: User | None) -> bool:
    return deck.visibility != "private" or can_edit(deck, viewer)


def _viewer(viewer) -> User | None:
    return viewer if viewer is not None and getattr(viewer, "is_authenticated", False) else None


def find_deck(slug: str) -> Deck:
    """Any deck by its address, for operators (CLI); pages and the API use get_deck."""
    deck = db.session.scalar(sa.select(Deck).where(Deck.slug == slug))
    if deck is None:
        raise NotFound(f"There is no deck with the address {slug!r}.")
    return deck


def _readable(deck: Deck | None, viewer) -> Deck:
    """A private deck is 'not found' to everyone but its owner and admins."""
    if deck is None or not can_view(deck, _viewer(viewer)):
        raise NotFound("There is no deck at this address.")
    return deck


def get_deck(slug: str, viewer=None) -> Deck:
    """The deck at this address, for reading."""
    return _readable(db.session.scalar(sa.select(Deck).where(Deck.slug == slug)), viewer)


def can_view_by_id(deck: Deck, viewer: User | None) -> bool:
    """Ids can be counted through: by id, an unlisted deck (meant for whoever has its address)
    is readable only by those who may edit it."""
    return deck.visibility == "public" or can_edit(deck, viewer)


def _readable_by_id(deck, viewer):
    if deck is None or not can_view_by_id(deck, _viewer(viewer)):
        raise NotFound("There is no such deck.")
    return deck


def get_deck_by_id(deck_id: int, viewer=None) -> Deck:
    """The deck with this id, for reading."""
    return _readable_by_id(db.session.get(Deck, deck_id), viewer)


class DeckReaders(NamedTuple):
    """The columns that say who may read a deck: a list of the deck's questions needs no more
    of the deck (a Deck object and its owner cost more than the query)."""

    id: int
    visibility: str
    owner_id: int


READER_COLUMNS = tuple(DeckReaders._fields[1:])
_DECK_READERS = sa.select(*(getattr(Deck, name) for name in DeckReaders._fields)).where(
    Deck.id == sa.bindparam("deck_id", type_=sa.Integer)
)  # built once


def readers_of(deck_id: sa.ColumnElement[int]) -> list[sa.Label]:
    """A deck's READER_COLUMNS as columns of another statement (each read once per statement),
    so that a list of its questions checks them without a query of its own."""
    return [
        sa.select(getattr(Deck, name)).where(Deck.id == deck_id).scalar_subquery().label(name)
        for name in READER_COLUMNS
    ]


def readable_deck_id(deck_id: int, viewer=None, readers: DeckReaders | None = None) -> int:
    """The id of the deck with this id, if `get_deck_by_id` would give it to the viewer;
    `readers`: the deck's columns, if they were read already."""
    if readers is None:
        readers = db.session.connection().execute(_DECK_READERS, {"deck_id": deck_id}).one_or_none()
    return _readable_by_id(readers, viewer).id


def get_deck_by_id_for_edit(deck_id: int, viewer) -> Deck:
    deck = get_deck_by_id(deck_id, viewer)
    require_editor(deck, _viewer(viewer))
    return deck


def get_deck_for_edit(slug: str, viewer) -> Deck:
    deck = get_deck(slug, viewer)
    if not can_edit(deck, _viewer(viewer)):
        raise Forbidden("Only the owner of this deck can change it.")
    return deck


def visible_decks_clause(viewer) -> sa.ColumnElement[bool]:
    """Decks listed to this viewer: public ones, plus their own (all of them, for admins)."""
    viewer = _viewer(viewer)
    if viewer is None:
        return Deck.visibility == "public"
    if viewer.is_admin:
        return sa.true()
    return sa.or_(Deck.visibility == "public", Deck.owner_id == viewer.id)


# Decks -------------------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "deck"


def free_slug(base: str) -> str:
    taken = set(
        db.session.scalars(
            sa.select(Deck.slug).where(sa.or_(Deck.slug == base, Deck.slug.like(f"{base}-%")))
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _clean_deck_fields(title: str, description: str, visibility: str) -> tuple[str, str, str]:
    title = title.strip()
    if not title:
        raise Invalid("Give the deck a title.", details={"title": []})
    if len(title) > 200:
        raise Invalid("Keep the title under 200 characters.", details={"title": []})
    if visibility not in VISIBILITIES:
        raise Invalid(f"Visibility must be one of {', '.join(VISIBILITIES)}.")
    return title, description.strip(), visibility


def _checked_slug(slug: str, deck_id: int | None = None) -> str:
    slug = slug.strip().lower()
    if not _SLUG_OK.match(slug) or len(slug) > 80:
        raise Invalid(
            "Use lower-case letters, digits and single hyphens for the address.",
            details={"slug": []},
        )
    clash = db.session.scalar(sa.select(Deck.id).where(Deck.slug == slug))
    if clash is not None and clash != deck_id:
        raise Conflict("Another deck already uses this address.", details={"slug": []})
    return slug


def create_deck(
    owner: User, title: str, description: str = "", visibility: str = "private", slug: str = ""
) -> Deck:
    title, description, visibility = _clean_deck_fields(title, description, visibility)
    slug = _checked_slug(slug) if slug.strip() else free_slug(slugify(title))
    deck = Deck(
        owner_id=owner.id, title=title, description=description, visibility=visibility, slug=slug
    )
    db.session.add(deck)
    _commit_slug(deck)
    deck_cache.deck_changed(deck.slug)
    return deck


def _commit_slug(deck: Deck) -> None:
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the address was taken a moment ago
        db.session.rollback()
        raise Conflict("Another deck already uses this address.", details={"slug": []}) from None


def update_deck(
    deck: Deck, actor: User, title: str | None = None, description: str | None = None,
    visibility: str | None = None, slug: str | None = None,
) -> Deck:  # fmt: skip
    """Change the fields given; None keeps a field as it is."""
    require_editor(deck, actor)
    old_slug = deck.slug
    deck.title, deck.description, deck.visibility = _clean_deck_fields(
        deck.title if title is None else title,
        deck.description if description is None else description,
        deck.visibility if visibility is None else visibility,
    )
    deck.slug = _checked_slug(deck.slug if slug is None else slug, deck.id)
    _commit_slug(deck)
    deck_cache.deck_changed(old_slug, deck.slug)
    return deck


def delete_deck(deck: Deck, actor: User) -> None:
    require_editor(deck, actor)
    slug = deck.slug
    db.session.delete(deck)
    db.session.commit()
    deck_cache.deck_changed(slug)


def require_editor(deck: Deck, actor: User) -> None:
    if not can_edit(deck, actor):
        raise Forbidden("Only the owner of this deck can change it.")


# What a card of the catalogue shows, read as plain rows (no ORM object per deck and owner).
CATALOGUED = (
    Deck.id, Deck.slug, Deck.title, Deck.description, Deck.question_count,
    User.display_name.label("owner_name"),
)  # fmt: skip


def catalogue(tag: str = "", level: str = "", sort: str = "updated", page: int = 1) -> Page:
    """Public decks (rows of CATALOGUED), optionally only those with questions of a tag or a
    level."""
    query = (
        sa.select(*CATALOGUED)
        .join(User, User.id == Deck.owner_id)
        .where(Deck.visibility == "public")
    )
    if level in LEVELS:
        query = query.where(sa.exists().where(Question.deck_id == Deck.id, Question.level == level))
    if tag:
        query = query.where(
            sa.exists()
            .where(Question.deck_id == Deck.id)
            .where(QuestionTag.question_id == Question.id, QuestionTag.tag == tag.lower())
        )
    order = (SORTS.get(sort, SORTS["updated"]), Deck.id)
    return paginate(query.order_by(*order), page, 20, read=driver_rows)


def deck_slice(viewer, *, mine: bool = False, after: int | None = None, limit: int = 20) -> Slice:
    """Decks listed to this viewer (or only their own), by id: a page that stays put as
    decks are added."""
    viewer = _viewer(viewer)
    if mine and viewer is None:
        raise Unauthorized("Sign in to list your own decks.")
    where = Deck.owner_id == viewer.id if mine else visible_decks_clause(viewer)
    return keyset_page(sa.select(Deck).where(where), Deck.id, after, limit)


def owned_decks(owner: User, page: int = 1) -> Page:
    query = sa.select(Deck).where(Deck.owner_id == owner.id).order_by(Deck.updated_at.desc())
    return paginate(query, page, 20)


def own_deck_titles(owner: User) -> list[tuple[int, str]]:
    """(id, title) of each of the owner's decks, by title: the decks an import may go into."""
    rows = db.session.execute(
        sa.select(Deck.id, Deck.title)
        .where(Deck.owner_id == owner.id)
        .order_by(sa.func.lower(Deck.title), Deck.id)
    )
    return [(row.id, row.title) for row in rows]


def popular_tags(limit: int = 30) -> list[str]:
    rows = db.session.execute(
        sa.select(QuestionTag.tag, sa.func.count())
        .join(Question, Question.id == QuestionTag.question_id)
        .join(Deck, Deck.id == Question.deck_id)
        .where(Deck.visibility == "public")
        .group_by(QuestionTag.tag)
        .order_by(sa.func.count().desc(), QuestionTag.tag)
        .limit(limit)
    ).all()
    return [tag for tag, _count in rows]
