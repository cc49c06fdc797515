"""Baseline for the realtime benchmark: a bare Flask-SocketIO app, nothing of Prepdeck's (no
authentication, database or limits). A client joins a room, and a message sent to the room is
broadcast to everyone in it under the event name Prepdeck's chat uses. Served with the same
Gunicorn settings as Prepdeck (gevent worker, one worker):

    gunicorn -c gunicorn.conf.py --pythonpath bench/baselines socketio_app:app

SOCKETIO_MESSAGE_QUEUE (a Redis URL) routes every emit through Redis, as Prepdeck's does;
SOCKETIO_CHANNEL keeps that traffic apart from other servers on the same Redis.
"""

import os

from flask import Flask
from flask_socketio import SocketIO, emit, join_room

app = Flask(__name__)
socketio = SocketIO(
    app,
    async_mode="gevent",  # served only under `gunicorn -k gevent`, which patches first
    message_queue=os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
    channel=os.environ.get("SOCKETIO_CHANNEL", "bare-socketio"),
)


@app.get("/healthz")
def healthz() -> str:
    return "ok"


@socketio.on("join")
def join(data: dict) -> dict:
    join_room(data["room"])
    return {"ok": True}


@socketio.on("say")
def say(data: dict) -> dict:
    emit("room:chat", {"room": data["room"], "text": data["text"]}, to=data["room"])
    return {"ok": True}
