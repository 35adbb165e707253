"""The SMS channel: an HTTP POST to an SMS gateway configured by URL, headers and a body
template (see docs/messages.md). No Flask: the outbox worker calls it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from urllib.parse import quote_plus
from xml.sax.saxutils import escape as xml_escape

import requests

from queue_server.notify.channels import Delivered, Outgoing, SendFailure

TIMEOUT_S = 10.0
DEFAULT_CONTENT_TYPE = "application/json; charset=utf-8"


class NotifyError(SendFailure):
    """The gateway did not take the message; the text says why (never with the phone number)."""


def message_text(template: str, *, number: str, office: str, service: str, ahead: int) -> str:
    """The near-turn SMS text from the settings template."""
    return Template(template).safe_substitute(number=number, office=office, service=service,
                                              ahead=str(ahead))


@dataclass(frozen=True)
class HttpSmsGateway:
    """POSTs the body template, its values escaped for the Content-Type, to the gateway URL."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body_template: str = '{"to": "$phone", "message": "$text"}'
    timeout_s: float = TIMEOUT_S
    name: str = "sms"

    def send(self, outgoing: Outgoing) -> Delivered:
        """The outbox's attempt: the number as +84…, the same tracking id every time."""
        return self.send_text("+" + outgoing.destination.lstrip("+"),
                              str(outgoing.content["text"]), outgoing.tracking_id)

    def send_text(self, phone: str, text: str, tracking_id: str = "") -> Delivered:
        """One POST; a 2xx answer is success, anything else (or no answer) is NotifyError.

        `$tracking_id` in the body (and the Idempotency-Key header) is the same on every
        attempt of one message, for gateways that drop repeats.
        """
        headers = dict(self.headers)
        content_type = next((value for name, value in headers.items()
                             if name.lower() == "content-type"), None)
        if content_type is None:
            content_type = headers["Content-Type"] = DEFAULT_CONTENT_TYPE
        if tracking_id:
            headers.setdefault("Idempotency-Key", tracking_id)
        body = self._body(phone, text, tracking_id, content_type.lower())
        try:
            response = requests.post(self.url, data=body.encode("utf-8"), headers=headers,
                                     timeout=self.timeout_s, allow_redirects=False)
        except requests.RequestException as error:
            # The class name only: the message may repeat the URL, and with it a key.
            raise NotifyError(f"no answer from the gateway ({type(error).__name__})",
                              code="no_answer") from None
        response.close()
        if not 200 <= response.status_code < 300:
            raise NotifyError(f"the gateway answered HTTP {response.status_code}",
                              code=f"http_{response.status_code}")
        return Delivered()

    def _body(self, phone: str, text: str, tracking_id: str, content_type: str) -> str:
        escape = _escaper(content_type)
        return Template(self.body_template).safe_substitute(
            phone=escape(phone), text=escape(text), tracking_id=escape(tracking_id))


def _escaper(content_type: str) -> Callable[[str], str]:
    if "json" in content_type:
        return lambda value: json.dumps(value, ensure_ascii=False)[1:-1]
    if "x-www-form-urlencoded" in content_type:
        return quote_plus
    if "xml" in content_type:
        return lambda value: xml_escape(value, {'"': "&quot;", "'": "&apos;"})
    return lambda value: value
