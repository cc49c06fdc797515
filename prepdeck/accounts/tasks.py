"""Background jobs of accounts."""

from __future__ import annotations

from celery import shared_task

from prepdeck.accounts import tokens


@shared_task(name="accounts.prune_revoked_tokens")
def prune_revoked_tokens() -> int:
    return tokens.prune_revoked()
