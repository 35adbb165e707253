"""The webhook channel: each visit finished and each rating received POSTed as JSON to the
province's system, signed with HMAC-SHA256 (see docs/dossiers.md). No Flask: the outbox worker
sends, the app queues after its commit.

Headers of every attempt: `X-Queue-Event` (the event's name), `X-Queue-Delivery` (the outbox
row's tracking id: the same on every retry, so the receiver can drop a repeat) and
`X-Queue-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes with the secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from sqlalchemy.orm import Session

from queue_server.models import OutboxMessage
from queue_server.notify import outbox
from queue_server.notify.channels import Delivered, Outgoing, SendFailure

CHANNEL = "webhook"
TIMEOUT_S = 10.0
# Worth delivering for a day; the feed has every visit for longer (read it to catch up).
LIFETIME = timedelta(hours=24)
USER_AGENT = "vn-queue-webhook/1"


def body_bytes(event: Mapping[str, Any]) -> bytes:
    """The exact bytes POSTed (and signed): compact UTF-8 JSON."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signature(secret: str, body: bytes) -> str:
    """The X-Queue-Signature header's value: sha256=<hex HMAC-SHA256 of body>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def shown_url(url: str) -> str:
    """The URL as the delivery log shows it: scheme, host, port and path; never a user name,
    a password or a query (either may hold a key)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass(frozen=True)
class WebhookChannel:
    """POSTs each event to the configured URL (the current one, even for a row queued before
    the URL changed); a 2xx answer is delivered, anything else is tried again later."""

    url: str
    secret: str = field(repr=False)
    timeout_s: float = TIMEOUT_S
    name: str = CHANNEL

    def send(self, outgoing: Outgoing) -> Delivered:
        body = body_bytes(outgoing.content["body"])
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": USER_AGENT,
                   "X-Queue-Event": outgoing.kind,
                   "X-Queue-Delivery": outgoing.tracking_id,
                   "X-Queue-Signature": signature(self.secret, body)}
        try:
            response = requests.post(self.url, data=body, headers=headers,
                                     timeout=self.timeout_s, allow_redirects=False)
        except requests.RequestException as error:
            # The class name only: the message may repeat the URL, and with it a key.
            raise SendFailure(f"no answer from the receiver ({type(error).__name__})",
                              code="no_answer") from None
        response.close()
        if not 200 <= response.status_code < 300:
            raise SendFailure(f"the receiver answered HTTP {response.status_code}",
                              code=f"http_{response.status_code}")
        return Delivered()


def enqueue_event(session: Session, *, url: str, office_id: int, ticket_id: int | None,
                  event: Mapping[str, Any], key: str, now: datetime) -> OutboxMessage | None:
    """Queue one event for the receiver (None when this key was queued already: a repeated
    finish or rating never pushes twice)."""
    name = str(event["event"])
    return outbox.enqueue(session, office_id=office_id, kind=name, channels=[CHANNEL],
                          destination=shown_url(url), payload=event, now=now,
                          ticket_id=ticket_id, dedupe_key=f"{CHANNEL}:{name}:{key}",
                          lifetime=LIFETIME)
