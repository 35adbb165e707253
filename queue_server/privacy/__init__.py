"""Personal data: the citizen ID card read at the kiosk, its keyed hash, retention, and a
person's requests (export, erase). Plain Python over a session; no Flask, no settings."""
