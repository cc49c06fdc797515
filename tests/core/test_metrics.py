"""Metrics labels come from a fixed set, whatever a request says; /metrics keeps its token."""

from __future__ import annotations

import re

import pytest

from prepdeck import create_app
from prepdeck.config import ConfigurationError

SERIES = re.compile(r"^prepdeck_http_\w+\{", re.MULTILINE)


def series(client) -> int:
    return len(SERIES.findall(client.get("/metrics").get_data(as_text=True)))


def test_made_up_methods_do_not_grow_the_metrics(client):
    for path in ("/", "/nope", "/healthz"):
        client.get(path)
        client.open(path, method="BREW")  # one "other" series per endpoint and status
    series(client)  # and the scrape's own
    before = series(client)
    # The review's request: thousands of methods nobody uses, each sent once.
    for number in range(3000):
        client.open("/healthz" if number % 2 else "/nope", method=f"X{number:04d}")
    body = client.get("/metrics").get_data(as_text=True)
    assert series(client) == before
    assert not re.search(r'method="X\d{4}"', body)
    assert 'endpoint="unmatched",method="other",status="405"' in body
    assert len(body) < 200_000


def production(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.delenv("METRICS_TOKEN", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app("production")


@pytest.mark.parametrize("token", [None, "", "short"])
def test_production_refuses_metrics_without_a_token(monkeypatch, tmp_path, token):
    env = {"METRICS_ENABLED": "true"} | ({} if token is None else {"METRICS_TOKEN": token})
    with pytest.raises(ConfigurationError, match="METRICS_TOKEN"):
        production(monkeypatch, tmp_path, **env)


def test_production_metrics_answer_only_the_token(monkeypatch, tmp_path):
    token = "scrape-" + "s" * 20
    app = production(monkeypatch, tmp_path, METRICS_ENABLED="true", METRICS_TOKEN=token)
    client = app.test_client()
    https = {"base_url": "https://prepdeck.example"}
    assert client.get("/metrics", **https).status_code == 403
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"}, **https)
    assert wrong.status_code == 403
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}, **https)
    assert ok.status_code == 200 and b"prepdeck_http_requests_total" in ok.data
