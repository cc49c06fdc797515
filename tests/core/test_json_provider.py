"""Responses are written by orjson, yet read back as the same JSON that Flask's own provider
(the standard `json` module) writes, byte for byte where the text is ASCII."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
import uuid

import pytest
from flask import Flask, render_template_string
from flask.json.provider import DefaultJSONProvider

from prepdeck.core.json_provider import FastJSONProvider

UTC = datetime.UTC


@dataclasses.dataclass
class Point:
    x: int
    when: datetime.date


def apps(debug: bool = False) -> tuple[Flask, Flask]:
    fast, plain = Flask("fast"), Flask("plain")
    fast.json = FastJSONProvider(fast)
    fast.debug = plain.debug = debug
    return fast, plain


SAMPLES = [
    {"b": 1, "a": [True, None, 1.5, -0.0, 1e300, 0.1], "c": {"z": "x", "y": ""}},
    {"when": datetime.datetime(2026, 12, 3, 10, 4, 5, 7, tzinfo=UTC),
     "day": datetime.date(2026, 1, 2), "naive": datetime.datetime(2026, 1, 2, 3, 4, 5)},
    {"id": uuid.UUID(int=7), "price": decimal.Decimal("1.10"),
     "point": Point(1, datetime.date(2026, 5, 6))},
    {"big": 2**70, "small": -(2**70)},  # beyond orjson's 64 bits: the standard module writes it
    {10: "ten", 9: "nine"},  # keys not text: the standard module sorts them, then writes text
    [[[[["deep"]]]]],
    "a string",
]  # fmt: skip


@pytest.mark.parametrize("value", SAMPLES)
def test_responses_are_the_bytes_flask_writes(value):
    fast, plain = apps()
    with fast.app_context():
        ours = fast.json.response(value).get_data()
        text = fast.json.dumps(value)
    with plain.app_context():
        theirs = plain.json.response(value).get_data()
    assert ours == theirs
    assert json.loads(text) == json.loads(theirs)


def test_text_beyond_ascii_is_utf8_and_reads_back_the_same():
    value = {"prompt": "Ça va — ünïcödé 漢字 😀", "line": "a\u2028b", "quote": "\"<&>'\\"}
    fast, plain = apps()
    with fast.app_context():
        ours = fast.json.response(value)
    with plain.app_context():
        theirs = plain.json.response(value)
    assert ours.mimetype == theirs.mimetype == "application/json"
    assert "漢字".encode() in ours.get_data()
    assert json.loads(ours.get_data()) == json.loads(theirs.get_data()) == value


def test_iso_response_writes_dates_as_the_api_schemas_do():
    fast, _ = apps()
    when = datetime.datetime(2026, 12, 3, 10, 4, 5, tzinfo=UTC)
    value = {"at": when, "micro": when.replace(microsecond=7), "day": datetime.date(2026, 1, 2),
             "big": 2**70}  # fmt: skip
    with fast.app_context():
        body = json.loads(fast.json.iso_response(value).get_data())
    assert body == {"at": "2026-12-03T10:04:05+00:00", "micro": "2026-12-03T10:04:05.000007+00:00",
                    "day": "2026-01-02", "big": 2**70}  # fmt: skip


def test_what_cannot_be_written_still_fails_as_before():
    fast, _ = apps()
    with fast.app_context(), pytest.raises(TypeError):
        fast.json.response({"tags": {"a", "b"}})
    with fast.app_context(), pytest.raises(TypeError):
        fast.json.iso_response({"tags": {"a", "b"}})


def test_debug_mode_indents_as_flask_does():
    fast, plain = apps(debug=True)
    value = {"b": [1, 2], "a": datetime.datetime(2026, 1, 2, tzinfo=UTC)}
    with fast.app_context():
        ours = fast.json.response(value).get_data()
        iso = fast.json.iso_response(value).get_data()
    with plain.app_context():
        theirs = plain.json.response(value).get_data()
    assert ours == theirs
    assert b'\n  "a": "2026-01-02T00:00:00+00:00"' in iso


def test_templates_and_arguments_of_the_json_module_go_to_it():
    fast, plain = apps()
    template = "{{ value|tojson }}"
    value = {"b": "</script>", "a": "é"}
    with fast.app_context():
        ours = render_template_string(template, value=value)
        spaced = fast.json.dumps(value, indent=1)
    with plain.app_context():
        theirs = render_template_string(template, value=value)
    assert ours == theirs and "\\u003c/script\\u003e" in ours
    assert spaced == DefaultJSONProvider(plain).dumps(value, indent=1)
