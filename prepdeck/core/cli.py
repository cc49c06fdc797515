"""Helpers for `flask` commands: one readable line and a non-zero exit on bad input."""

from __future__ import annotations

import functools

import click

from prepdeck.core.errors import DomainError


def domain_errors_as_click(command):
    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            raise click.ClickException(error.message) from None

    return wrapped
