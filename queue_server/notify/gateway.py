"""Sending "your turn is near": a notifier interface and one real implementation, an HTTP
POST to an SMS gateway configured by URL, headers and templates (see docs/sms.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from string import Template
from typing import Protocol
from urllib.parse import quote_plus
from xml.sax.saxutils import escape as xml_escape

import requests

TIMEOUT_S = 10.0
DEFAULT_CONTENT_TYPE = "application/json; charset=utf-8"


class NotifyError(Exception):
    """The message did not go out; the text says why (never with the phone number)."""


class Notifier(Protocol):
    """Sends one text message to one phone number, or raises NotifyError."""

    def send(self, phone: str, text: str) -> None: ...


def message_text(template: str, *, number: str, office: str, service: str, ahead: int) -> str:
    """The SMS text from the settings template."""
    return Template(template).safe_substitute(number=number, office=office, service=service,
                                              ahead=str(ahead))


@dataclass(frozen=True)
class HttpSmsGateway:
    """POSTs the body template, its values escaped for the Content-Type, to the gateway URL."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body_template: str = '{"to": "$phone", "message": "$text"}'
    timeout_s: float = TIMEOUT_S

    def send(self, phone: str, text: str) -> None:
        """One POST; a 2xx answer is success, anything else (or no answer) is NotifyError."""
        headers = dict(self.headers)
        content_type = next((value for name, value in headers.items()
                             if name.lower() == "content-type"), None)
        if content_type is None:
            content_type = headers["Content-Type"] = DEFAULT_CONTENT_TYPE
        body = self._body(phone, text, content_type.lower())
        try:
            response = requests.post(self.url, data=body.encode("utf-8"), headers=headers,
                                     timeout=self.timeout_s, allow_redirects=False)
        except requests.RequestException as error:
            # The class name only: the message may repeat the URL, and with it a key.
            raise NotifyError(f"no answer from the gateway ({type(error).__name__})") from None
        response.close()
        if not 200 <= response.status_code < 300:
            raise NotifyError(f"the gateway answered HTTP {response.status_code}")

    def _body(self, phone: str, text: str, content_type: str) -> str:
        escape = _escaper(content_type)
        return Template(self.body_template).safe_substitute(phone=escape(phone),
                                                            text=escape(text))


def _escaper(content_type: str) -> Callable[[str], str]:
    if "json" in content_type:
        return lambda value: json.dumps(value, ensure_ascii=False)[1:-1]
    if "x-www-form-urlencoded" in content_type:
        return quote_plus
    if "xml" in content_type:
        return lambda value: xml_escape(value, {'"': "&quot;", "'": "&apos;"})
    return lambda value: value
