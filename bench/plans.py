"""EXPLAIN (ANALYZE) of a statement, boiled down to what a reader of the report needs."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

GIN_INDEX = "ix_questions_search"


@dataclass
class PlanSummary:
    chain: str  # the plan's nodes, outermost first
    uses_gin: bool
    seq_scans: list[str]
    execution_ms: float
    jit_ms: float | None
    headline_at: str | None  # the node that computes ts_headline(), and for how many rows
    text: str  # the whole plan, in EXPLAIN's text format


def explain(conn: psycopg.Connection, statement: str, params) -> PlanSummary:
    options = "ANALYZE, BUFFERS, VERBOSE"
    document = conn.execute(f"EXPLAIN ({options}, FORMAT JSON) {statement}", params).fetchone()[0]
    text_rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params).fetchall()
    plan = document[0]
    nodes = list(_walk(plan["Plan"]))
    return PlanSummary(
        chain=" → ".join(_describe(node) for node in nodes),
        uses_gin=any(node.get("Index Name") == GIN_INDEX for node in nodes),
        seq_scans=[node["Relation Name"] for node in nodes if node["Node Type"] == "Seq Scan"],
        execution_ms=plan["Execution Time"],
        jit_ms=plan.get("JIT", {}).get("Timing", {}).get("Total"),
        headline_at=_headline_node(nodes),
        text="\n".join(row[0] for row in text_rows),
    )


def _walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def _describe(node: dict) -> str:
    name = node["Node Type"]
    if node.get("Strategy") in ("Sorted", "Hashed") and name == "Aggregate":
        name = f"{node['Strategy']} {name}"
    target = node.get("Index Name") or node.get("Relation Name")
    if target:
        name += f" on {target}"
    if node.get("Sort Method"):
        name += f" ({node['Sort Method']})"
    removed = node.get("Rows Removed by Index Recheck") or node.get("Rows Removed by Filter")
    extra = f", {removed:,} removed" if removed else ""
    rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
    return f"{name} [{rows:,} rows{extra}, {node.get('Actual Total Time', 0):.1f} ms]"


def _headline_node(nodes: list[dict]) -> str | None:
    """The innermost node whose output holds ts_headline(): where it is computed."""
    found = None
    for node in nodes:
        if any("ts_headline" in column for column in node.get("Output", [])):
            rows = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
            found = f"{node['Node Type']} ({rows:,} rows)"
    return found
