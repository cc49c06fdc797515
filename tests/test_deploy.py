"""The production process as it is deployed: Gunicorn with gunicorn.conf.py, and docker compose."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from tests.gunicorn_servers import APP, GUNICORN, ROOT, production_env
from tests.services import free_port, missing


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_production_server_reports_readiness_and_sends_secure_headers(
    start_server, private_redis, tmp_path
):
    server = start_server()

    ready = server.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert (checks["database"], checks["redis"]) == ("ok", "ok")

    # Behind the TLS proxy, as in production (PROXY_FIX_HOPS defaults to 1 there).
    https = {"X-Forwarded-Proto": "https"}
    home = server.get("/", headers=https)
    assert home.status_code == 200
    assert home.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in home.headers["Content-Security-Policy"]
    assert home.headers["X-Content-Type-Options"] == "nosniff"
    assert home.headers["X-Frame-Options"] == "DENY"
    assert home.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert home.headers["X-Request-ID"]

    # /healthz is answered before Flask (docs/deploy.md, "The front door"): the same headers,
    # the request id, and its line in the JSON access log.
    probe = server.get("/healthz", headers={**https, "X-Request-ID": "probe-42"})
    assert probe.json() == {"status": "ok"}
    for name in ("Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options",
                 "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"):  # fmt: skip
        assert probe.headers[name] == home.headers[name], name
    assert probe.headers["X-Request-ID"] == "probe-42"
    [line] = [
        json.loads(line) for line in server.log.read_text().splitlines() if "probe-42" in line
    ]
    assert (line["path"], line["status"], line["remote_addr"]) == ("/healthz", 200, "127.0.0.1")

    login = server.get("/login", headers=https)
    assert login.status_code == 200
    cookie = login.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path=/"} <= attributes, cookie

    private_redis.stop()
    degraded = server.get("/readyz")
    assert degraded.status_code == 503, degraded.text
    body = degraded.json()
    assert "redis" in body["failing"]
    assert body["checks"]["database"] == "ok"
    assert server.get("/healthz").status_code == 200  # alive, only not ready

    assert not (tmp_path / ".gunicorn").exists(), "gunicorn created a control socket folder"


PROBE_APP = """
import sqlalchemy as sa

from prepdeck import create_app
from prepdeck.extensions import db


def make_app():
    app = create_app()

    @app.get("/probe/sleep")
    def sleep():
        import psycopg.waiting

        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_sleep(1)"))
        return {"wait": psycopg.waiting.wait.__name__}

    return app
"""


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_gevent_worker_serves_database_requests_concurrently(start_server, tmp_path):
    # psycopg chooses how to wait on import; imported before gevent patches (say, by a
    # preloaded app), it would block the whole worker during every query.
    (tmp_path / "deploy_probe.py").write_text(textwrap.dedent(PROBE_APP))
    pythonpath = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    server = start_server("deploy_probe:make_app()", PYTHONPATH=pythonpath)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda _: server.get("/probe/sleep"), range(8)))
    elapsed = time.monotonic() - started

    assert [r.status_code for r in responses] == [200] * 8
    assert responses[0].json()["wait"] != "wait_c"
    assert elapsed < 4, f"8 one-second queries took {elapsed:.1f}s: the worker blocked"


@pytest.mark.slow
@pytest.mark.parametrize("secret_key", [None, "change-me"], ids=["unset", "default"])
def test_production_server_without_a_secret_key_stops_and_says_why(tmp_path, secret_key):
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"}
    if secret_key is not None:
        settings["SECRET_KEY"] = secret_key
    env = production_env(tmp_path, free_port(), **settings)
    try:
        result = subprocess.run(
            [GUNICORN, "-c", "gunicorn.conf.py", APP],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"gunicorn kept running without SECRET_KEY:\n{exc.stderr}") from None
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    # The master gave up after the first failed boot instead of respawning the worker.
    assert result.stderr.count("Booting worker") <= 1, result.stderr


COMPOSE_FILE = ROOT / "docker-compose.yml"


def compose_command() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if not shutil.which(command[0]):
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return command
    return None


@pytest.mark.slow
def test_compose_file_is_valid_for_docker_compose():
    command = compose_command()
    if command is None:
        missing("no docker compose client (apt-get install -y docker-compose)")
    env = {**os.environ, "SECRET_KEY": secrets.token_hex(32)}
    result = subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_compose_file_describes_the_production_topology():
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]

    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert name in services, f"docker-compose.yml has no {name} service"
    for name in ("web", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], f"{name} has no healthcheck"
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])

    for name in ("web", "worker", "beat"):
        service = services[name]
        env = service["environment"]
        assert env["PREPDECK_ENV"] == "production"
        assert env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        for dependency in ("postgres", "redis"):
            assert service["depends_on"][dependency]["condition"] == "service_healthy"
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["flask", "db", "upgrade"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "prepdeck.worker", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "prepdeck.worker", "beat"]
