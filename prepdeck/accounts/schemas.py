"""Marshmallow schemas of the accounts API."""

from __future__ import annotations

import marshmallow as ma


class TokenRequest(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=320))
    password = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1024))


class AccessToken(ma.Schema):
    access_token = ma.fields.String(required=True)
    token_type = ma.fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(required=True, metadata={"description": "Seconds"})


class TokenPair(AccessToken):
    refresh_token = ma.fields.String(required=True)


class Revoked(ma.Schema):
    revoked = ma.fields.Boolean(required=True)


class Account(ma.Schema):
    id = ma.fields.Integer(required=True)
    email = ma.fields.String(required=True)
    display_name = ma.fields.String(required=True)
    role = ma.fields.String(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
