"""The practice benchmark's section of docs/performance.md."""

from __future__ import annotations

from datetime import datetime

from practice_bench import (
    CAUGHT_UP,
    CAUGHT_UP_SQL,
    QUESTION,
    QUESTION_BARE,
    QUEUE,
    QUEUE_BARE,
    QUEUE_SQL,
    REVIEW,
    REVIEW_BARE,
    PracticeResults,
)
from report import _machine, _rule, _triple

READS = (  # name, what it is, its baseline
    (QUEUE, "**`services.due_queue(person, limit=50)`**, in an app context like a request",
     QUEUE_BARE),
    (QUEUE_SQL, "↳ the statements it sent, replayed with psycopg", QUEUE_BARE),
    (QUEUE_BARE, "baseline: bare `SELECT … state = 'review' AND due <= now() ORDER BY due "
     "LIMIT 50`", None),
    (CAUGHT_UP, "**`due_queue`** of a person caught up (the same cards, none due: new "
     "questions fill the queue)", QUEUE_BARE),
    (CAUGHT_UP_SQL, "↳ the statements it sent, replayed with psycopg", QUEUE_BARE),
    (QUESTION, "**`get_readable_question(id, person)`** (the question page's and API's read), "
     "in an app context", QUESTION_BARE),
    (QUESTION_BARE, "baseline: bare one-row `SELECT … FROM questions WHERE id = …`", None),
)  # fmt: skip


def section(command: str, started: datetime, elapsed: float, facts: dict[str, str],
            results: PracticeResults) -> str:  # fmt: skip
    parts = [
        "## Practice on PostgreSQL: the due queue and review submissions",
        f"Measured {started:%Y-%m-%d %H:%M} UTC (this part of the run took {elapsed:.0f} s) with:",
        f"```sh\n{command}\n```",
        _machine(facts),
        _data(results),
        "### Reads",
        _reads(results),
        "### Review submissions",
        _writes(results),
        "### The due queue's statements",
        _plans(results),
    ]
    return "\n\n".join(parts) + "\n"


def _data(results: PracticeResults) -> str:
    learner, sizes = results.learner, results.sizes
    due = ", ".join(f"{n:,} {state}" for state, n in sorted(learner.due_now.items()))
    load = "; ".join(f"{name} {seconds:.1f} s" for name, seconds in results.load.items())
    return (
        f"Data: one person following {len(learner.deck_ids)} public decks of "
        f"{sizes['questions']} questions in all, with {sizes['cards']} cards (one per question "
        f"seen; {learner.unseen:,} questions never seen) and {sizes['review-log rows']} "
        f"review-log rows (20 per card over two years), written with psycopg COPY: {load}. "
        f"review_logs with its indexes: {sizes['review_logs with indexes']}; practice_cards: "
        f"{sizes['practice_cards with indexes']}. Due when loaded: {due} (a backlog larger than "
        f"the day's limit of 200 reviews); the queue asked for 50 returned "
        f"{results.queue_length} cards. A second person follows the same decks with the same "
        f"cards, each due a day after the first person's card (or tomorrow) and no review "
        f"log: their queue of 50 ({results.caught_up_length} returned) is the new questions "
        f"left, the queue's other path."
    )


def _reads(results: PracticeResults) -> str:
    reads = results.reads
    lines = [
        "Latency in milliseconds, p50 / p95 / p99 over the rounds shown; *per second* is one "
        "caller's rate, 1 / mean; *ratio* is the median divided by its baseline's median.",
        "",
        "| read | rounds | p50 / p95 / p99 ms | per second | ratio |",
        _rule(5),
    ]
    for name, label, baseline in READS:
        timing = reads[name]
        ratio = f"{timing.median / reads[baseline].median:.1f}" if baseline else "-"
        lines.append(f"| {label} | {len(timing)} | {_triple(timing)} | {_rate(timing)} | {ratio} |")
    for label, timing in results.http.items():
        lines.append(
            f"| Flask test client: `{label}` (the whole app, in this process) | {len(timing)} "
            f"| {_triple(timing)} | {_rate(timing)} | - |"
        )
    text = "\n".join(lines)
    if results.missing_routes:
        missing = ", ".join(f"`{label}`" for label in results.missing_routes)
        text += f"\n\nNot measured, because this build of the app has no such route: {missing}."
    return text


def _writes(results: PracticeResults) -> str:
    writes, seconds = results.writes, results.write_seconds
    lines = [
        "Each submission answers Good on a card not answered before in the run, with a fresh "
        "idempotency key; the app's review and the bare write alternate, one at a time (one "
        "caller, so *per second* is 1 / mean latency, not the server's capacity).",
        "",
        "| write | submissions | p50 / p95 / p99 ms | per second | ratio (p50) |",
        _rule(5),
    ]
    for name, label in (
        (REVIEW, "**`services.review(person, question, 3, 5000, key)`**, in an app context"),
        (REVIEW_BARE, "baseline: bare psycopg: lock the card, insert the log row, update the "
         "card, commit"),
    ):  # fmt: skip
        timing = writes[name]
        rate = len(timing) / seconds[name]
        ratio = timing.median / writes[REVIEW_BARE].median
        lines.append(f"| {label} | {len(timing)} | {_triple(timing)} | {rate:,.0f} | {ratio:.1f} |")
    return "\n".join(lines)


def _plans(results: PracticeResults) -> str:
    lines = [
        "`EXPLAIN (ANALYZE, BUFFERS)` of each statement `due_queue` sent, run after the timings:",
        "",
        "| # | queue | statement | execution ms | plan |",
        "|---:|---|---|---:|---|",
    ]
    for number, ((queue, statement), plan) in enumerate(
        zip(results.statements, results.plans, strict=True), 1
    ):
        lines.append(f"| {number} | {queue} | `{_short(statement)}` | "
                     f"{plan.execution_ms:.2f} | {plan.chain} |")  # fmt: skip
    slowest = max(range(len(results.plans)), key=lambda n: results.plans[n].execution_ms)
    lines += [
        "",
        f"The slowest, statement {slowest + 1}:",
        "",
        f"```sql\n{results.statements[slowest][1].strip()}\n```",
        "",
        f"```\n{results.plans[slowest].text}\n```",
    ]
    return "\n".join(lines)


def _short(statement: str) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= 90 else flat[:87] + "…"


def _rate(timing) -> str:
    mean = sum(timing.values) / len(timing)
    return f"{1 / mean:,.0f}" if mean else "-"
