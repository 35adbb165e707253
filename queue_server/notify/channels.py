"""The channel interface of the outbox: what one attempt sends, and how it can fail.

A channel is one class with a `name` and a `send`; the outbox knows nothing else of it. A new
channel (a signed webhook, for example) is one more class here beside sms and zalo, a renderer
in `render`, and an `outbox.enqueue` call: the table, the worker, the retries and the
delivery log stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from queue_server.notify.office_messages import OfficeMessages, sms_text

MAX_REASON_LENGTH = 300


@dataclass(frozen=True)
class Outgoing:
    """One attempt: where to, the rendered content, and the tracking id sent every time."""

    channel: str
    destination: str
    kind: str
    content: Mapping[str, Any]
    tracking_id: str


@dataclass(frozen=True)
class Delivered:
    """The provider took the message; its own id for it, when it gives one."""

    provider_id: str | None = None


class SendFailure(Exception):
    """The message did not go out. `is_refusal`: this channel will never take it (try the
    next one); otherwise trying again later may work. The reason never holds a phone number
    or a key."""

    def __init__(self, reason: str, *, code: str | None = None,
                 is_refusal: bool = False) -> None:
        super().__init__(reason[:MAX_REASON_LENGTH])
        self.reason = reason[:MAX_REASON_LENGTH]
        self.code = code
        self.is_refusal = is_refusal


class Channel(Protocol):
    """Sends one rendered message, or raises SendFailure."""

    @property
    def name(self) -> str: ...

    def send(self, outgoing: Outgoing) -> Delivered: ...


Renderer = Callable[[str, Mapping[str, Any], OfficeMessages, str | None], Mapping[str, Any]]


def _render_sms(kind: str, data: Mapping[str, Any], messages: OfficeMessages,
                near_turn_text: str | None) -> Mapping[str, Any]:
    template = messages.template("sms", kind, near_turn_text)
    if template is None:
        raise SendFailure(f"no SMS text for {kind} in [office.messages.sms]", code="no_template",
                          is_refusal=True)
    return {"text": sms_text(template, data)}


def _render_zalo(kind: str, data: Mapping[str, Any], messages: OfficeMessages,
                 _near_turn_text: str | None) -> Mapping[str, Any]:
    template_id = messages.template("zalo", kind)
    if template_id is None:
        raise SendFailure(f"no Zalo template for {kind} in [office.messages.zalo]",
                          code="no_template", is_refusal=True)
    return {"template_id": template_id,
            "template_data": {key: str(value) for key, value in data.items()}}


def _render_webhook(_kind: str, data: Mapping[str, Any], _messages: OfficeMessages,
                    _near_turn_text: str | None) -> Mapping[str, Any]:
    return {"body": dict(data)}  # the event as queued (see notify/webhook.py)


RENDERERS: dict[str, Renderer] = {"sms": _render_sms, "zalo": _render_zalo,
                                  "webhook": _render_webhook}


def render(channel: str, kind: str, data: Mapping[str, Any], messages: OfficeMessages,
           near_turn_text: str | None = None) -> Mapping[str, Any]:
    """The content a channel sends for this message; SendFailure (a refusal) when it has none."""
    renderer = RENDERERS.get(channel)
    if renderer is None:
        raise SendFailure(f"unknown channel {channel}", code="no_channel", is_refusal=True)
    return renderer(kind, data, messages, near_turn_text)
