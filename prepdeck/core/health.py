"""Liveness and readiness: /healthz says the process answers, /readyz that its dependencies do."""

from __future__ import annotations

import logging
import os

import redis
from flask import Blueprint, current_app, jsonify, request
from kombu import Connection

from prepdeck.core.database import ping_database
from prepdeck.core.front import Answer
from prepdeck.extensions import csrf, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger("prepdeck.health")
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})
HEALTHY = b'{"status":"ok"}\n'  # as jsonify(status="ok") writes it
_JSON = [("Content-Type", "application/json")]


@limiter.request_filter
def _probe() -> bool:
    """Probes and scrapes are never limited; answering this early spares them the limiter's
    bookkeeping (the route decorators alone still cost a lookup per request)."""
    return request.path in PROBES


def check_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def check_broker(url: str, options: dict) -> None:
    if url.startswith("filesystem"):
        folder = options["data_folder_in"]
        if not os.access(folder, os.W_OK):
            raise OSError(f"queue folder {folder} is not writable")
        return
    with Connection(url, connect_timeout=1, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


def readiness() -> dict[str, str]:
    """Check each configured dependency; map its name to 'ok' or 'unavailable'."""
    config = current_app.config
    checks = {"database": ping_database}
    if config.get("REDIS_URL"):
        checks["redis"] = lambda: check_redis(config["REDIS_URL"])
    celery_conf = config["CELERY"]
    if not celery_conf.get("task_always_eager"):
        broker = celery_conf["broker_url"]
        if broker != config.get("REDIS_URL"):
            options = celery_conf.get("broker_transport_options", {})
            checks["broker"] = lambda: check_broker(broker, options)
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception:  # any failure means "not ready": report it, never raise
            # The reason (hosts, ports) goes to the log, not to whoever asks.
            log.warning("readiness check %s failed", name, exc_info=True)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    return results


def probe_answer(app, environ: dict) -> Answer | None:
    """/healthz, answered by the front door (core/front.py): it checks nothing but that the
    process answers, so nothing of Flask is needed. With a query string it goes to Flask."""
    if environ.get("PATH_INFO") == "/healthz" and not environ.get("QUERY_STRING"):
        return Answer(200, HEALTHY, _JSON)
    return None


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return current_app.response_class(HEALTHY, mimetype="application/json")


@bp.get("/readyz")
@limiter.exempt
def readyz():
    results = readiness()
    failing = sorted(name for name, result in results.items() if result != "ok")
    body = {"status": "fail" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return jsonify(body), 503 if failing else 200


csrf.exempt(bp)
