"""The HTTP benchmark's section of docs/performance.md."""

from __future__ import annotations

from datetime import datetime

from endpoints import APP
from http_bench import HttpResults

from prepdeck.config import engine_options_for

LABELS = {
    "/hello": ("(a) bare Flask: `GET /hello`", "-"),
    "one row": ("(b) bare Flask + psycopg: `GET /questions/<id>`, one row", "-"),
    "keyset page, first": ("(c) bare Flask + psycopg: keyset page of 100, first", "-"),
    "keyset page, deep": ("(c) the same, after position {deep:,}", "-"),
    "/healthz": ("`GET /healthz`", "(a)"),
    "deck page": ("`GET /decks/{slug}` (anonymous, cached; {small} questions)", "(a)"),
    "question 200": ("`GET /api/v1/questions/<id>` → 200", "(b)"),
    "question 304": ("the same with `If-None-Match: <its ETag>` → 304", "(b)"),
    "API page, first": (
        "`GET /api/v1/decks/<id>/questions?limit=100` ({big:,} questions)",
        "(c) first",
    ),
    "API page, deep": ("the same with `&cursor=` after position {deep:,}", "(c) deep"),
}
ORDER = (
    "/hello",
    "one row",
    "keyset page, first",
    "keyset page, deep",
    "/healthz",
    "deck page",
    "question 200",
    "question 304",
    "API page, first",
    "API page, deep",
)
TARGETS = (  # (label, endpoint, baseline, lowest share of the baseline's req/s)
    ("cached deck page (anonymous) ≥ 50 % of bare hello req/s", "deck page", "/hello", 0.5),
    ("`/healthz` ≥ 70 % of bare hello req/s", "/healthz", "/hello", 0.7),
    ("question read (200) ≥ 60 % of bare one-row read req/s", "question 200", "one row", 0.6),
    ("conditional read (304) ≥ 50 % of bare one-row read req/s", "question 304", "one row", 0.5),
)
DEEP_LIMIT = 1.3
CPU_TARGETS = (  # (endpoint, baseline): worker CPU per request at most CPU_LIMIT times it
    ("API page, first", "keyset page, first"),
    ("API page, deep", "keyset page, deep"),
)
CPU_LIMIT = 3.0


def section(
    command: str, started: datetime, elapsed: float, facts: dict[str, str], results: HttpResults
) -> str:
    parts = [
        "## HTTP: Prepdeck under Gunicorn beside bare Flask baselines",
        f"Measured {started:%Y-%m-%d %H:%M} UTC (this part of the run took {elapsed:.0f} s) with:",
        f"```sh\n{command}\n```",
        _setup(facts, results),
        _table(results),
        "### Targets",
        _targets(results),
        "### Notes from this run",
        _notes(results),
    ]
    return "\n\n".join(parts) + "\n"


def _setup(facts: dict[str, str], results: HttpResults) -> str:
    return "\n\n".join(
        [_machine(facts, results), _servers(results), _prepdeck(results), _data(results)]
    )


def _machine(facts: dict[str, str], results: HttpResults) -> str:
    return (
        f"Machine: {facts['CPUs']} CPUs ({facts['CPU model']}), {facts['memory']} RAM; "
        f"Python {facts['Python']}; PostgreSQL {facts['PostgreSQL']} and Redis on the same "
        f"host. **The {facts['CPUs']} cores are shared** by the Gunicorn worker, wrk, "
        "PostgreSQL and Redis, so these numbers compare with each other, not with a real "
        "server's capacity. Just before the rounds, with the servers idle, other processes "
        f"kept {results.busy_before:.2f} CPUs busy."
    )


def _servers(results: HttpResults) -> str:
    s, a = results.settings, results.args
    return (
        "All three servers: `gunicorn -c gunicorn.conf.py` with its settings as resolved in "
        f"this environment: worker class `{s['worker_class']}`, {s['workers']} worker(s), "
        f"{s['worker_connections']} worker connections, threads {s['threads']}, keep-alive "
        f"{s['keepalive']} s. Load: `wrk -t{a['threads']} -c{a['connections']} "
        f"-d{a['seconds']:g}s` on 127.0.0.1 after a {a['warmup']:g} s warm-up of the same URL; "
        f"{a['rounds']} rounds, every endpoint once per round in the table's order; medians "
        "of the rounds shown, and each ratio is the median of the rounds' ratios (an endpoint "
        "against its baseline of the same round). Latency is seen by the client, queueing "
        "included: p50 and p99 of the requests sent, from wrk's histogram (its `done` hook) "
        "with wrk's coordinated-omission correction undone; *mean* is connections / req/s "
        "(Little's law); wrk's corrected percentiles, what `wrk --latency` prints, are shown "
        "too."
    )


def _prepdeck(results: HttpResults) -> str:
    env = ", ".join(
        f"`{name}={'<64 random hex characters>' if name == 'SECRET_KEY' else value}`"
        for name, value in results.app_env.items()
        if name != "DATABASE_URL"
    )
    return (
        f'Prepdeck: `gunicorn -c gunicorn.conf.py "prepdeck:create_app()"` with {env}, and '
        "`DATABASE_URL` the benchmark's scratch database. The baselines' psycopg reads use "
        "autocommit, no prepared statements and connections kept for reuse."
    )


def _data(results: HttpResults) -> str:
    data = results.data
    load = "; ".join(f"{step} {seconds:.1f} s" for step, seconds in data.load.items())
    sizes = ", ".join(f"{name}: {value}" for name, value in data.sizes.items())
    cached = "" if results.deck_page_cached else "**not** "
    return (
        f"Data: the built-in Flask deck ({data.small_questions} questions, public, loaded by "
        f"the seed code) and a public deck of {data.big_questions:,} questions (answers of "
        f"about {data.answer_chars:.0f} characters) written with psycopg COPY: {load}. "
        f"{sizes}. The deck page was {cached}found in the Redis cache after its first request."
    )


def _table(results: HttpResults) -> str:
    lines = [
        "| endpoint | baseline | req/s | p50 ms | p99 ms | ratio (req/s) | ratio (p50) "
        "| mean ms | wrk's corrected p50 / p99 ms | req/s, each round | worker CPU ms / request "
        "| DB sessions opened | response bytes |",
        "|---|---|" + "---:|" * 11,
    ]
    for key in ORDER:
        lines.append(_row(results, key))
    return "\n".join(lines)


def _row(results: HttpResults, key: str) -> str:
    endpoint = next(e for e in results.endpoints if e.key == key)
    label, baseline = LABELS[key]
    data = results.data
    label = label.format(
        deep=results.deep_position,
        slug=data.small_slug,
        small=data.small_questions,
        big=data.big_questions,
    )
    if endpoint.server == APP:
        label = f"**Prepdeck** {label}"
    rate, p50 = results.median(key, "rate"), results.median(key, "p50_ms")
    ratios = "- | -"
    if endpoint.baseline:
        by_rate = results.ratio(key, endpoint.baseline, "rate")
        ratios = f"{by_rate:.2f} | {results.ratio(key, endpoint.baseline, 'p50_ms'):.2f}"
    rounds = ", ".join(f"{load.rate:,.0f}" for load in results.loads[key])
    corrected = (
        f"{_ms(results.median(key, 'corrected_p50_ms'))} / "
        f"{_ms(results.median(key, 'corrected_p99_ms'))}"
    )
    return (
        f"| {label} | {baseline} | {rate:,.0f} | {_ms(p50)} | "
        f"{_ms(results.median(key, 'p99_ms'))} | {ratios} | "
        f"{_ms(results.median(key, 'mean_ms'))} | {corrected} | {rounds} | "
        f"{results.median(key, 'cpu_ms_per_request'):.2f} | "
        f"{sum(load.db_sessions for load in results.loads[key])} | "
        f"{results.body_bytes[key]:,} |"
    )


def _targets(results: HttpResults) -> str:
    lines = []
    for label, key, baseline, share in TARGETS:
        ratio = results.ratio(key, baseline, "rate")
        lines.append(f"- {label}: {ratio:.0%}, **{'met' if ratio >= share else 'missed'}**")
    deep = results.ratio("API page, deep", "API page, first", "p50_ms")
    at_p99 = results.ratio("API page, deep", "API page, first", "p99_ms")
    bare = results.ratio("keyset page, deep", "keyset page, first", "p50_ms")
    lines.append(
        f"- deep cursor page ≤ {DEEP_LIMIT}x the first page's latency: deep / first = "
        f"{deep:.2f} at p50 ({at_p99:.2f} at p99), **{'met' if deep <= DEEP_LIMIT else 'missed'}**"
        f" (the bare keyset query: {bare:.2f} at p50)"
    )
    for key, baseline in CPU_TARGETS:
        ratio = results.ratio(key, baseline, "cpu_ms_per_request")
        mine, base = (results.median(k, "cpu_ms_per_request") for k in (key, baseline))
        lines.append(
            f"- {key} (100 questions) ≤ {CPU_LIMIT:g}x the worker CPU of the bare psycopg + "
            f"`json` page ({baseline}): {mine:.2f} ms against {base:.2f} ms per request, "
            f"**{ratio:.2f}x**, **{'met' if ratio <= CPU_LIMIT else 'missed'}**"
        )
    return "\n".join(lines)


def _notes(results: HttpResults) -> str:
    hello = results.median("/hello", "cpu_ms_per_request")
    lines = [
        "- *Worker CPU ms / request* is the Gunicorn workers' user + system CPU time during "
        "the measured run divided by its requests: the server's own cost, less sensitive "
        f"than req/s to wrk sharing the cores. Bare hello: {hello:.2f} ms.",
        _skew(results, ("/hello", "/healthz")),
        _sessions(results),
        f"- Prepdeck's log (its JSON request lines at `LOG_LEVEL="
        f"{results.app_env['LOG_LEVEL']}`) grew to {results.app_log_bytes / 1e6:,.1f} MB.",
    ]
    lines += _errors(results)
    return "\n".join(lines)


def _skew(results: HttpResults, keys: tuple[str, ...]) -> str:
    shown = "; ".join(
        f"`{key}` p50 {_ms(results.median(key, 'p50_ms'))}, mean "
        f"{_ms(results.median(key, 'mean_ms'))}, p99 {_ms(results.median(key, 'p99_ms'))}"
        for key in keys
    )
    return (
        f"- Where a request costs little, most are answered at once and a few wait long ({shown}"
        " ms), most likely because the one gevent worker switches greenlets only when a "
        "socket would block: a connection whose next request is already there is served "
        "again while the others wait. Compare those rows by req/s and mean rather than p50."
    )


def _sessions(results: HttpResults) -> str:
    options = engine_options_for("postgresql://")
    opened = sum(load.db_sessions for load in results.loads["question 200"])
    requests = sum(load.requests for load in results.loads["question 200"])
    return (
        "- *DB sessions opened* is the rise of `pg_stat_database.sessions` over the measured "
        "runs (approximate: backends report once a second). During the question reads "
        f"Prepdeck opened {opened:,} sessions for {requests:,} requests: "
        f"{results.args['connections']} concurrent requests against a pool of "
        f"{options['pool_size']} kept + {options['max_overflow']} overflow connections, and "
        "an overflow connection is closed when it is returned to a full pool."
    )


def _errors(results: HttpResults) -> list[str]:
    lines = []
    for key in ORDER:
        errors: dict[str, int] = {}
        for load in results.loads[key]:
            for name, count in load.errors.items():
                errors[name] = errors.get(name, 0) + count
        if any(errors.values()):
            shown = ", ".join(f"{name} {count:,}" for name, count in errors.items() if count)
            lines.append(f"- wrk counted socket errors on {key}: {shown}.")
    return lines


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"
