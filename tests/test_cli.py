"""`flask users create-admin`, `flask seed demo` and the one-line errors of the CLI."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from prepdeck.accounts.models import User
from prepdeck.extensions import db
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")


def all_users(app) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User).order_by(User.id)))


def test_create_admin_with_password_option(app, runner, client):
    result = runner.invoke(
        args=["users", "create-admin", "Boss@Example.com", "--password", "a fine passphrase"]
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator boss@example.com" in result.output
    [user] = all_users(app)
    assert user.role == "admin" and user.is_confirmed
    login(client, "boss@example.com", "a fine passphrase")
    assert client.get("/admin/dashboard").status_code == 200


def test_create_admin_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "boss@example.com"],
        input="a fine passphrase\na fine passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert len(all_users(app)) == 1


def test_create_admin_refuses_bad_input_in_one_line(app, runner):
    weak = runner.invoke(args=["users", "create-admin", "boss@example.com", "--password", "short"])
    assert weak.exit_code == 1
    assert weak.output.strip().splitlines() == ["Error: Use at least 10 characters."]
    runner.invoke(
        args=["users", "create-admin", "boss@example.com", "--password", "a fine passphrase"]
    )
    again = runner.invoke(
        args=["users", "create-admin", "boss@example.com", "--password", "another passphrase"]
    )
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert len(all_users(app)) == 1


def test_seed_demo_is_idempotent_and_honours_if_empty(app, runner):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "Created admin admin@example.com" in first.output
    second = runner.invoke(args=["seed", "demo"])
    assert "Demo data already present." in second.output
    assert runner.invoke(args=["seed", "demo", "--if-empty"]).output.startswith(
        "Database already has users"
    )
    assert {u.email for u in all_users(app)} == {"admin@example.com", "demo@example.com"}


def run_flask(*args, env=None, timeout=60):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREPDECK_", "SECRET_KEY", "DATABASE_URL"))
    }
    environment.update(env or {})
    return subprocess.run(
        [FLASK, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_flask(
        "routes",
        env={"PREPDECK_ENV": "production", "INSTANCE_PATH": str(tmp_path)},
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("Error: SECRET_KEY is missing")
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_line_naming_database_url(tmp_path):
    url = "postgresql://prepdeck:hunter2@127.0.0.1:1/prepdeck"
    result = run_flask("db", "upgrade", env={"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: cannot connect to the database at DATABASE_URL=postgresql")
    assert "hunter2" not in result.stderr


def test_db_upgrade_and_seed_from_the_repo_root(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path)}
    upgraded = run_flask("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    seeded = run_flask("seed", "demo", "--if-empty", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "Created user demo@example.com" in seeded.stdout
    assert (tmp_path / "prepdeck.db").exists()


def test_demo_accounts_can_sign_in_through_the_form(app, runner, client):
    from tests.conftest import login

    runner.invoke(args=["seed", "demo"])
    response = login(client, "demo@example.com", "ready-for-interviews")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_create_admin_refuses_an_address_the_sign_in_form_would_refuse(app, runner):
    result = runner.invoke(
        args=["users", "create-admin", "ops@prepdeck.local", "--password", "a fine passphrase"]
    )
    assert result.exit_code == 1
    assert "is not a usable email address" in result.output
    assert all_users(app) == []
