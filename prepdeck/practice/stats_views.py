"""The statistics page: the service's numbers as a JSON data block that stats.js draws, and
as tables for whoever does not see the charts."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from prepdeck.accounts.access import current_account
from prepdeck.practice import stats

bp = Blueprint("practice_stats", __name__)


@bp.get("/practice/stats")
@login_required
def stats_page():
    found = stats.person_stats(current_account())
    return render_template("practice/stats.html", stats=found, data=stats.as_json(found))
