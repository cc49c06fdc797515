"""Helpers shared by every feature's WTForms."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm

from prepdeck.core.errors import DomainError


class ActionForm(FlaskForm):
    """A form with no fields: a POST button that still carries its CSRF token."""


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's error next to the fields it names, or above the form otherwise."""
    placed = False
    for name, messages in (error.details or {}).items():
        field = getattr(form, name, None)
        if field is None or not hasattr(field, "errors"):
            continue
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.extend(messages or [error.message])
        placed = True
    if not placed:
        flash(error.message, "danger")
