"""Settings come from the environment; production refuses unsafe ones."""

import pytest

from prepdeck import create_app
from prepdeck.config import ConfigurationError, normalise_database_url

STRONG_KEY = "k" * 48


def production_app(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app("production")


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short-key"])
def test_production_refuses_missing_default_or_short_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        production_app(monkeypatch, tmp_path)


def test_production_cookies_are_host_prefixed_secure_and_http_only(monkeypatch, tmp_path):
    app = production_app(monkeypatch, tmp_path, SECRET_KEY=STRONG_KEY)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["METRICS_ENABLED"] is False
    response = app.test_client().get("/login", base_url="https://prepdeck.example")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_reads_database_and_redis_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.db'}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("dev.db")
    assert app.config["CACHE_TYPE"] == "SimpleCache"
    assert app.config["CELERY"]["broker_url"] == "filesystem://"
    assert (tmp_path / "broker" / "queue").is_dir()


def test_redis_url_moves_cache_limits_and_broker_to_redis(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.db'}")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    app = create_app("development")
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.config["CELERY"]["broker_url"] == "redis://127.0.0.1:6379/3"


def test_unknown_environment_name_is_refused():
    with pytest.raises(ConfigurationError, match="PREPDECK_ENV"):
        create_app("staging")


def test_plain_postgres_urls_use_psycopg_3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_an_explicit_filesystem_broker_gets_its_folders(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.db'}")
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://")
    monkeypatch.setenv("CELERY_BROKER_FOLDER", str(tmp_path / "queue-here"))
    app = create_app("development")
    options = app.config["CELERY"]["broker_transport_options"]
    assert options["data_folder_in"] == str(tmp_path / "queue-here" / "queue")
    assert (tmp_path / "queue-here" / "control").is_dir()
