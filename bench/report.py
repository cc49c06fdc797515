"""The benchmark's section of docs/performance.md, between its own markers."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from diagnostics import (
    CAPPED,
    COUNT,
    FIRST_MATCHES,
    NO_HEADLINE,
    NORMALISED,
    PAGE,
    ROUNDS,
    SHORT_HEADLINE,
)
from import_bench import ImportResults
from search_bench import APP, APP_COUNT, APP_PAGE, BASE_COUNT, BASE_IDS, SearchResults

PREAMBLE = """# Performance

Speed and memory targets live in benchmarks, not in tests: `make bench` runs them, each number
is measured beside a baseline in the same run, and each section below says which command
produced it. Tests check behaviour only.
"""
DIAGNOSTICS = (
    "*Without `ts_headline`* wraps the page query in `SELECT id FROM (…)`, so PostgreSQL "
    "skips the unused headline columns. The columns after it are proposals, not the app's "
    "behaviour: the snippet made from the first 2,000 characters of the answer; the rank "
    "divided by 1 + log(answer length), which changes the order (long answers no longer come "
    "first); ranking only the first 2,000 matches, tried where more match, which changes the "
    "order too; the count stopped after 1,001 rows (the page would say “1,000+”)."
)
TARGET_RATIO, TARGET_MB = 2.5, 300  # end to end against the COPY floor; peak memory
P99_LIMIT, COMMON_RATIO = 30, 10  # search: ms at p99 for every query; commonest word / bare
IMPORT_ROWS = (
    ("end to end", "**`transfer.import_document`, end to end** (bytes → committed deck)"),
    ("parse", "↳ parse: `parse_document`, timed inside that run"),
    ("render", "↳ render: waiting for `rendered_batches` (rendering, or its workers)"),
    ("insert", "↳ insert: the rest (deck row, COPY of the rows, commit)"),
    ("workers' CPU", "↳ CPU time of the worker processes that rendered (user)"),
    ("CPU", "↳ CPU time of the import: its processes and its database server processes"),
    ("in this process", "the same import, rendering in this process (no workers)"),
    ("in 2 workers", "the same import, rendering in 2 worker processes"),
    ("plain rendering", "the same import, parsed by markdown-it-py, lexed by Pygments' loop"),
    ("parse only", "baseline: `parse_document` alone"),
    ("psycopg COPY", "baseline: psycopg COPY of the same rendered rows (**the floor**)"),
    ("COPY CPU", "↳ CPU time of the COPY: psycopg's process and its database server process"),
    ("psycopg executemany", "baseline: psycopg `executemany` of the same rows"),
)


def write(path: Path, section: str, name: str = "decks") -> None:
    """Replace the section `name` of `path` (between its markers), or add it; other sections
    stay as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else PREAMBLE
    start, end = f"<!-- bench:{name} start -->", f"<!-- bench:{name} end -->"
    block = f"{start}\n{section.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def import_section(command: str, started: datetime, elapsed: float, facts: dict[str, str],
                   imports: ImportResults) -> str:  # fmt: skip
    parts = [
        "## Import on PostgreSQL",
        f"Measured {started:%Y-%m-%d %H:%M} UTC (this part of the run took {elapsed:.0f} s) with:",
        f"```sh\n{command}\n```",
        _machine(facts),
        *_imports(imports),
    ]
    return "\n\n".join(parts) + "\n"


def section(command: str, started: datetime, elapsed: float, facts: dict[str, str],
            search: SearchResults) -> str:  # fmt: skip
    parts = [
        "## Question bank: search on PostgreSQL",
        f"Measured {started:%Y-%m-%d %H:%M} UTC (this part of the run took {elapsed:.0f} s) with:",
        f"```sh\n{command}\n```",
        _machine(facts),
        *_search(search),
        "### Targets",
        _targets(search),
        "### Where the time goes",
        _notes(search),
        "### Search plans",
        "`EXPLAIN (ANALYZE, BUFFERS)` of the statements `search_questions` sent, run after the "
        "timings (with VERBOSE to find the node that computes `ts_headline`):",
        _plans(search),
    ]
    return "\n\n".join(parts) + "\n"


def _machine(facts: dict[str, str]) -> str:
    settings = ", ".join(f"{name} {facts[name]}" for name in list(facts)[5:])
    return (
        f"Machine: {facts['CPUs']} CPUs ({facts['CPU model']}), {facts['memory']} RAM; "
        f"Python {facts['Python']}; PostgreSQL {facts['PostgreSQL']} on the same host "
        f"({settings}). The app runs with its testing settings and its production engine "
        "options (connection pool, each connection checked on checkout)."
    )


def _imports(results: ImportResults) -> list[str]:
    facts, timings = results.facts, results.timings
    count = facts.questions
    floor = timings["psycopg COPY"].median
    levels = ", ".join(f"{n:,} {level}" for level, n in facts.levels.items())
    lines = ["| step | median s | min-max s | questions/s | ratio to COPY floor |", _rule(5)]
    for key, label in IMPORT_ROWS:
        t = timings.get(key)
        if t is None or t.high == 0:  # no workers in this run
            continue
        rate = f"{count / t.median:,.0f}" if "CPU" not in key else "-"
        lines.append(
            f"| {label} | {t.median:.2f} | {t.low:.2f}-{t.high:.2f} | {rate} | "
            f"{t.median / floor:.2f} |"
        )
    total = timings["end to end"].median
    shares = ", ".join(
        f"{key} {timings[key].median / total:.0%}" for key in ("parse", "render", "insert")
    )
    ratio, memory = total / floor, results.memory
    return [
        f"### Import of a {count:,}-question document",
        f"The document: {results.document_bytes / 1e6:.1f} MB of Markdown in the common layout "
        f"(a title, five level sections: {levels}; numbered `###` questions; "
        f"{facts.code_blocks:,} fenced Python blocks, {facts.lists:,} lists, {facts.tables:,} "
        f"tables, {facts.answer_labels:,} `**Answer:**` labels, {facts.mojibake_lines:,} "
        f"mojibake lines). Each of the {results.runs} runs starts from empty tables.",
        "\n".join(lines),
        f"Answers rendered by {results.processes} process(es) "
        f"({'worker processes' if results.processes > 1 else 'the importing process'}). "
        f"Share of the end-to-end time: {shares}. Peak memory (RSS) of the benchmark process: "
        f"{results.peak_rss_before_mb:,.0f} MB before the first import (document in memory), "
        f"{results.peak_rss_after_mb:,.0f} MB after it. During the first import, its "
        f"{memory.processes} process(es) together: peak PSS {memory.pss_mb:,.0f} MB "
        f"(RSS summed, shared pages counted in each process: {memory.rss_mb:,.0f} MB).",
        "### Targets",
        f"- end to end ≤ {TARGET_RATIO}x the COPY floor: {total:.2f} s against "
        f"{floor:.2f} s, **{ratio:.2f}x**, **{'met' if ratio <= TARGET_RATIO else 'missed'}**"
        f" (in CPU time: {_cpu_ratio(timings)})"
        f"\n- peak memory of the import < {TARGET_MB} MB: {memory.pss_mb:,.0f} MB (PSS of its "
        f"processes), **{'met' if memory.pss_mb < TARGET_MB else 'missed'}**",
    ]


def _cpu_ratio(timings: dict) -> str:
    ours, floor = timings.get("CPU"), timings.get("COPY CPU")
    if ours is None or floor is None or floor.median == 0:
        return "not measured"
    return f"{ours.median:.2f} s against {floor.median:.2f} s, {ours.median / floor.median:.2f}x"


def _search(results: SearchResults) -> list[str]:
    corpus = results.corpus
    sizes = "; ".join(f"{name}: {value}" for name, value in results.sizes.items())
    load = "; ".join(f"{name} {seconds:.1f} s" for name, seconds in results.load.items())
    return [
        f"### Search on {len(corpus.rows):,} questions",
        f"The corpus: {corpus.public_decks} public and {corpus.private_decks} private decks; "
        "answers of a few sentences drawn from a Zipf-distributed vocabulary of "
        f"{len(corpus.words.ranked):,} words, a third with a code block, {corpus.long_answers:,} "
        f"long essays of 8-16 kB. {sizes}. Loading took: {load}.",
        "Latency in milliseconds, p50 / p95 / p99 over the rounds shown; the visitor is "
        "anonymous (`viewer=None`), so matches count public decks only; *ratio* is the median "
        "divided by the median of the bare `SELECT id … LIMIT 20`.",
        _latency_table(results),
        "Where the time of `search_questions` goes (medians, ms): the two statements it sends, "
        "replayed with psycopg, and the rest (SQLAlchemy, the pool's checkout, BEGIN and "
        "ROLLBACK round trips where a transaction is open, building the result).",
        _breakdown_table(results),
        "What the page and count statements spend their time on, and what a change would "
        "save: variants derived from the SQL `search_questions` sent, replayed with psycopg "
        f"(median ms of {ROUNDS} rounds). " + DIAGNOSTICS,
        _diagnostics_table(results),
    ]


def _latency_table(results: SearchResults) -> str:
    header = (
        "| query | sent to `websearch_to_tsquery` | matches | rounds | `search_questions` | ratio "
        "| bare ids LIMIT 20 | bare count | ratio |"
    )
    lines = [header, _rule(9, 2)]
    for item in results.queries:
        t = item.timings
        base = t[BASE_IDS].median
        lines.append(
            f"| {item.query.label} | `{item.sent}` | {item.matches:,} | {len(t[APP])} "
            f"| {_triple(t[APP])} | {t[APP].median / base:.1f} | {_triple(t[BASE_IDS])} "
            f"| {_triple(t[BASE_COUNT])} | {t[BASE_COUNT].median / base:.1f} |"
        )
    return "\n".join(lines)


def _breakdown_table(results: SearchResults) -> str:
    lines = ["| query | `search_questions` | its count SQL | its page SQL | rest | count share |"]
    lines.append(_rule(6))
    for item in results.queries:
        t = item.timings
        total, page = t[APP].median, t[APP_PAGE].median
        count = t[APP_COUNT].median if APP_COUNT in t else 0.0
        rest = total - count - page
        counted = f"{_ms(count)} | " if APP_COUNT in t else "in the page SQL | "
        lines.append(
            f"| {item.query.label} | {_ms(total)} | {counted}{_ms(page)} "
            f"| {_ms(rest) if rest > 0 else '≈ 0'} | {count / total:.0%} |"
        )
    return "\n".join(lines)


def _diagnostics_table(results: SearchResults) -> str:
    header = (
        "| query | answer text on page 1 | page SQL | without `ts_headline` | `ts_headline` share "
        "| headline on `left(answer, 2000)` | `ts_rank(…, 1)` | rank first 2,000 matches only "
        "| count SQL | count capped at 1,001 |"
    )
    lines = [header, _rule(10)]
    for item in results.queries:
        v = item.variants
        cells = [_variant(v[name]) for name in (PAGE, NO_HEADLINE)]
        cells.append(f"{_headline_share(item):.0%}")
        later = (SHORT_HEADLINE, NORMALISED, FIRST_MATCHES, COUNT, CAPPED)
        cells += [_variant(v[name]) for name in later]
        lines.append(
            f"| {item.query.label} | {item.page_chars / 1000:,.1f} kB | {' | '.join(cells)} |"
        )
    return "\n".join(lines)


def _variant(timing) -> str:
    return _ms(timing.median) if timing is not None else "-"


def _plans(results: SearchResults) -> str:
    lines = []
    for item in results.queries:
        page, count = item.plans["page"], item.plans["count"]
        gin = "GIN index used" if page.uses_gin and count.uses_gin else "**GIN index not used**"
        seq = (
            f"; sequential scans: {', '.join(sorted(set(page.seq_scans)))}"
            if page.seq_scans
            else ""
        )
        jit = f"; JIT {page.jit_ms:.0f} ms" if page.jit_ms else ""
        counted = f"count {count.execution_ms:.1f} ms; " if count is not page else "counted in it; "
        shown = f"\n  Count: {count.chain}." if count is not page else ""
        lines.append(
            f"- **{item.query.label}**: {gin}{seq}{jit}; page {page.execution_ms:.1f} ms, "
            f"{counted}`ts_headline` computed in {page.headline_at}.\n  Page: {page.chain}."
            f"{shown}"
        )
    worst = max(results.queries, key=lambda item: item.plans["page"].execution_ms)
    lines.append(
        f"\n<details><summary>Full plans for “{worst.query.label}”</summary>\n\n"
        f"```\n{_full_plans(worst)}\n```\n</details>"
    )
    return "\n".join(lines)


def _full_plans(item) -> str:
    page, count = item.plans["page"], item.plans["count"]
    return page.text if count is page else f"{page.text}\n\n{count.text}"


def _notes(search: SearchResults) -> str:
    """Facts computed from this run's numbers; the analysis below the section explains them."""
    selective = [q for q in search.queries if 0 < q.matches <= len(search.corpus.rows) // 20]
    headline_ms = sum(_headline_ms(q) for q in selective)
    text_kb = sum(q.page_chars for q in selective) / 1e3
    worst = max(search.queries, key=lambda q: q.timings[APP].median)
    lines = [
        f"- Search, the {len(selective)} selective queries (at most 5 % of the questions "
        f"match): `ts_headline` takes {min(map(_headline_share, selective), default=0):.0%}-"
        f"{max(map(_headline_share, selective), default=0):.0%} of the page statement, about "
        f"{headline_ms / max(text_kb, 1e-9) * 100:.0f} ms per 100 kB of answer text on the "
        "page (it reads the prompt and the first 2,000 characters of each answer shown).",
        f"- Search, the slowest query (“{worst.query.label}”, {worst.matches:,} matches): "
        f"{_ms(worst.timings[APP].median)} ms, of which {_statements(worst)}.",
    ]
    return "\n".join(lines)


def _statements(item) -> str:
    t = item.timings
    if APP_COUNT not in t:
        return f"its one statement (count, ranking and headlines) {_ms(t[APP_PAGE].median)} ms"
    return (
        f"the count statement {_ms(t[APP_COUNT].median)} ms and the page statement "
        f"{_ms(t[APP_PAGE].median)} ms"
    )


def _targets(search: SearchResults) -> str:
    """Every query's p99 under P99_LIMIT, and the commonest word within COMMON_RATIO times the
    bare `SELECT id … LIMIT 20` of the same rounds (medians)."""
    worst = max(search.queries, key=lambda q: q.timings[APP].percentile(99))
    p99 = worst.timings[APP].percentile(99) * 1e3
    common = search.queries[0]
    app, base = common.timings[APP].median, common.timings[BASE_IDS].median
    ratio = app / base
    return (
        f"- p99 of every query ≤ {P99_LIMIT} ms: the highest is “{worst.query.label}”, "
        f"{p99:.1f} ms, **{_met(p99 <= P99_LIMIT)}**\n"
        f"- “{common.query.label}” ≤ {COMMON_RATIO}x the bare `SELECT id … LIMIT 20`: "
        f"{_ms(app)} ms against {_ms(base)} ms at p50, **{ratio:.1f}x**, "
        f"**{_met(ratio <= COMMON_RATIO)}**"
    )


def _met(ok: bool) -> str:
    return "met" if ok else "missed"


def _headline_ms(item) -> float:
    return max(item.variants[PAGE].median - item.variants[NO_HEADLINE].median, 0) * 1e3


def _headline_share(item) -> float:
    page, bare = item.variants[PAGE].median, item.variants[NO_HEADLINE].median
    return max(page - bare, 0) / page


def _triple(timing) -> str:
    return " / ".join(_ms(timing.percentile(p)) for p in (50, 95, 99))


def _ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}"


def _rule(columns: int, text_columns: int = 1) -> str:
    """A table's rule line: the first columns hold text, the others numbers (right-aligned)."""
    return "|" + "---|" * text_columns + "---:|" * (columns - text_columns)
