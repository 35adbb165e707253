"""Calibration for bench/issue_and_call.py: the smallest Flask + SQLite insert there is.

Served by gunicorn's gevent worker exactly like `queue-server serve`, it shows what this
machine allows before any queue logic (the issue quotes about 950 per second here).
"""

import os
import sqlite3

from flask import Flask, jsonify

app = Flask(__name__)
_path = os.environ.get("MINIMAL_DB", "/tmp/minimal.db")
_connection = sqlite3.connect(_path, isolation_level=None, check_same_thread=False)
_connection.execute("PRAGMA journal_mode=WAL")
_connection.execute("PRAGMA synchronous=NORMAL")
_connection.execute("CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY, service TEXT)")


@app.post("/tickets")
def issue():
    """Insert one row and return its id."""
    cursor = _connection.execute("INSERT INTO tickets (service) VALUES ('s0')")
    return jsonify(id=cursor.lastrowid), 201
