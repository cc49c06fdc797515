"""Background jobs of accounts."""

from __future__ import annotations

from celery import shared_task

from prepdeck.accounts import sessions, tokens


@shared_task(name="accounts.prune_revoked_tokens")
def prune_revoked_tokens() -> int:
    return tokens.prune_revoked()


@shared_task(name="accounts.prune_expired_sessions")
def prune_expired_sessions() -> int:
    return sessions.prune_expired()
