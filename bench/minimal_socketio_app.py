"""Calibration for bench/fanout.py: the smallest Flask-SocketIO app that answers its clients.

The same routes and events as the queue server (subscribe, issue, call next) with no queue
behind them, served by gunicorn's gevent worker exactly like `queue-server serve`: what the
fixed stack itself costs per WebSocket in memory and per broadcast in time.
"""

import itertools

from flask import Flask, jsonify
from flask_socketio import SocketIO, join_room

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins=[])
_numbers = itertools.count(1)
_issued: list[str] = []


@socketio.on("subscribe")
def subscribe(data: dict) -> dict:
    """Join the board room of the office asked for; answer with an empty snapshot."""
    join_room(f"board:{data['office']}")
    return {"snapshot": {}}


@app.get("/api/v1/offices")
def offices():
    """What the start-up poll asks for."""
    return jsonify([])


@app.post("/api/v1/offices/<office>/tickets")
def issue(office: str):
    """A number, broadcast to the office's board."""
    number = str(next(_numbers))
    _issued.append(number)
    socketio.emit("ticket_issued", {"office": office, "number": number}, to=f"board:{office}")
    return jsonify(number=number), 201


@app.post("/api/v1/offices/<office>/counters/<int:counter>/call-next")
def call_next(office: str, counter: int):
    """The oldest number, broadcast to the office's board."""
    number = _issued.pop(0)
    socketio.emit("ticket_called", {"office": office, "number": number, "counter": counter,
                                    "call_id": int(number)}, to=f"board:{office}")
    return jsonify(number=number)
