"""Your data: the review history and card states to download, from the settings page."""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from prepdeck.accounts.access import current_account
from prepdeck.practice import downloads

bp = Blueprint("practice_data", __name__, url_prefix="/practice/data")


@bp.get("/reviews.csv")
@login_required
def review_history():
    return downloads.review_history(current_account())


@bp.get("/cards.json")
@login_required
def card_states():
    return downloads.card_states(current_account())
