"""FSRS-rs's memory state of each card from an exported review history alone."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime

from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from prepdeck.practice import days


def replay(csv_text: str, states: dict) -> dict[int, object]:
    """FSRS-rs's memory state of each card from the exported history alone, with elapsed
    days counted as Anki counts them: day starts crossed in the person's time zone."""
    reviews = defaultdict(list)
    for row in csv.DictReader(io.StringIO(csv_text)):
        moment = datetime.fromtimestamp(int(row["review_time"]) / 1000, tz=UTC)
        reviews[int(row["card_id"])].append((moment, int(row["review_rating"])))
    model = FSRS(states["fsrs_parameters"] or list(DEFAULT_PARAMETERS))
    memories = {}
    for card_id, history in reviews.items():
        history.sort()
        items, previous = [], None
        for moment, rating in history:
            elapsed = 0 if previous is None else days.elapsed_days(
                previous, moment, states["time_zone"], states["day_start_hour"]
            )  # fmt: skip
            items.append(FSRSReview(rating, elapsed))
            previous = moment
        memories[card_id] = model.memory_state(FSRSItem(items), None)
    return memories
