"""The agent's link to the queue server: Socket.IO for jobs, HTTP for reports and acks."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import socketio

log = logging.getLogger("queue_printer")

HTTP_TIMEOUT = (5, 15)  # connect, read
CONNECT_WAIT_S = 10
# The server answers a refused token on connect with this (or with the error code).
_REFUSALS = ("Connection rejected by server", "bad_token", "missing_token")


class TokenRejected(Exception):
    """The server refused the device token: the agent cannot work and must stop."""


class ServerUnreachable(Exception):
    """The server could not be reached or failed; try again later."""


class ServerLink:
    """One printer device's connection: receives jobs, reports state, acknowledges jobs."""

    def __init__(self, server_url: str, token: str, *, on_job: Callable[[object], object],
                 reconnect_max_s: float = 30) -> None:
        self.server_url = server_url.rstrip("/")
        self._token = token
        self._on_job = on_job
        self.fatal: str | None = None
        self._closing = False
        self.fatal_event = threading.Event()
        self._disconnected_at: float | None = None  # monotonic, while the link is down
        self._http = requests.Session()
        self._http.headers["Authorization"] = f"Bearer {token}"
        self._sio = socketio.Client(reconnection=True, reconnection_attempts=0,
                                    reconnection_delay=1, reconnection_delay_max=reconnect_max_s,
                                    logger=False, engineio_logger=False)
        self._sio.on("connect", self._on_connect)
        self._sio.on("disconnect", self._on_disconnect)
        self._sio.on("connect_error", self._on_connect_error)
        self._sio.on("print_job", self._on_print_job)

    # HTTP

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST JSON to the API; TokenRejected on 401, ServerUnreachable on failures."""
        try:
            response = self._http.post(self.server_url + "/api/v1" + path, json=body,
                                       timeout=HTTP_TIMEOUT)
        except requests.RequestException as error:
            raise ServerUnreachable(_network_reason(error)) from error
        if response.status_code == 401:
            raise TokenRejected(f"the server refused the token (401 {_error_code(response)})")
        if response.status_code == 403 and _error_code(response) == "not_a_printer":
            raise TokenRejected("the token is not a printer device's (403 not_a_printer)")
        if response.status_code >= 500:
            raise ServerUnreachable(f"server error {response.status_code}")
        return {"status": response.status_code, "code": _error_code(response)}

    def report_status(self, state: str, error: str | None = None,
                      job_id: int | None = None) -> None:
        """Tell the server how the printer is; raises like post()."""
        body: dict[str, Any] = {"state": state}
        if error:
            body["error"] = error[:300]
        if job_id is not None:
            body["job"] = job_id
        answer = self.post("/printers/status", body)
        if answer["status"] != 200:
            raise ServerUnreachable(f"status report refused: {answer['status']} {answer['code']}")

    def acknowledge(self, job_id: int, printed: bool, error: str | None = None) -> None:
        """Report a job's outcome; a job the server no longer knows counts as acknowledged."""
        body: dict[str, Any] = {"status": "printed" if printed else "failed"}
        if error:
            body["error"] = error[:300]
        answer = self.post(f"/print-jobs/{job_id}/ack", body)
        if answer["status"] != 200:
            log.warning("the server answered %s %s to the ack of job %s; dropping it",
                        answer["status"], answer["code"], job_id)

    # Socket.IO

    def connect(self, stop: threading.Event, *, retry_max_s: float = 30) -> bool:
        """Connect, retrying with backoff; False when stopped or the token was refused."""
        delay = 1.0
        while not stop.is_set() and not self.fatal:
            try:
                self._sio.connect(self.server_url, auth={"token": self._token},
                                  wait_timeout=CONNECT_WAIT_S)
                return True
            except socketio.exceptions.ConnectionError as error:
                if self.fatal:
                    break
                log.warning("cannot connect to %s (%s); retrying in %.0f s", self.server_url,
                            _one_line(error), delay)
                stop.wait(delay)
                delay = min(delay * 2, retry_max_s)
        return False

    def close(self) -> None:
        """Disconnect and stop reconnecting."""
        self._closing = True
        try:
            self._sio.shutdown()
        except Exception:  # closing on the way out must not fail the exit
            log.debug("closing the Socket.IO client failed", exc_info=True)
        self._http.close()

    def _on_connect(self) -> None:
        log.info("connected to %s; asking for my jobs", self.server_url)
        self._sio.emit("subscribe", {"channel": "printer"}, callback=self._on_snapshot)

    def _on_snapshot(self, answer: object = None) -> None:
        if not isinstance(answer, dict) or "jobs" not in answer:
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            if error.get("code") == "not_a_printer":
                self.give_up("the token is not a printer device's (not_a_printer)")
            else:
                log.error("the server refused the printer channel: %s", answer)
            return
        printer = answer.get("printer") or {}
        log.info("printer %s of %s: %d job(s) waiting", printer.get("name"),
                 printer.get("office"), len(answer["jobs"]))
        if self._disconnected_at is not None:
            # What the outage held back: the snapshot carries every job not yet printed.
            log.warning("back after %.0f s without the server; %d job(s) issued meanwhile or "
                        "unprinted before, printing them now",
                        time.monotonic() - self._disconnected_at, len(answer["jobs"]))
            self._disconnected_at = None
        for payload in answer["jobs"]:
            self._on_print_job(payload)

    def _on_print_job(self, payload: object) -> None:
        try:
            self._on_job(payload)
        except ValueError as error:
            log.error("ignoring a malformed print job: %s", error)

    def _on_disconnect(self, *_reason: object) -> None:
        if not self.fatal and not self._closing:
            log.warning("disconnected from %s; reconnecting", self.server_url)
            if self._disconnected_at is None:
                self._disconnected_at = time.monotonic()

    def _on_connect_error(self, data: object = None) -> None:
        message = data.get("message") if isinstance(data, dict) else None
        if message in _REFUSALS:
            self.give_up(f"the server refused the token at connect ({message})")

    def give_up(self, reason: str) -> None:
        """Stop for good: the server will not take this token."""
        self.fatal = reason
        self.fatal_event.set()


def _error_code(response: requests.Response) -> str:
    try:
        code: str = response.json()["error"]["code"]
        return code
    except (ValueError, KeyError, TypeError):
        return response.reason or ""


def _network_reason(error: requests.RequestException) -> str:
    """The short reason behind requests' long messages: "Connection refused", "timed out"."""
    if isinstance(error, requests.Timeout):
        return "timed out"
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(error))
    return found.group(1).strip() if found else _one_line(error)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
