"""Prometheus metrics: request counts and latencies by endpoint."""

from __future__ import annotations

import hmac
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "prepdeck_http_requests_total",
    "HTTP requests answered",
    ["method", "endpoint", "status"],
)
# Labels come from a fixed set: a label taken from the request as sent would let anyone grow
# the process (and every scrape) by one series per made-up method.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY = Histogram(
    "prepdeck_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def init_metrics(app: Flask) -> None:
    app.add_url_rule("/metrics", "metrics", metrics_view)
    if not app.config["METRICS_ENABLED"]:
        return  # nothing is scraped, so nothing is counted

    @app.before_request
    def start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response):
        started = g.get("metrics_started")
        if started is not None:
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            method = request.method if request.method in KNOWN_METHODS else "other"
            LATENCY.labels(method, endpoint).observe(time.perf_counter() - started)
            REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
        return response


def metrics_view() -> Response:
    config = current_app.config
    if not config["METRICS_ENABLED"]:
        abort(404)
    token = config["METRICS_TOKEN"]
    if token:
        supplied = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(supplied.encode(), token.encode()):
            abort(403)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        payload = generate_latest(registry)
    else:
        payload = generate_latest()
    return Response(payload, mimetype=CONTENT_TYPE_LATEST)
