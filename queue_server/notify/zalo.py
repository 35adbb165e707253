"""The Zalo channel: a ZNS template message to a phone number (Zalo's notification service).

POST {url} with the header `access_token` and the JSON body {"phone": "84…", "template_id",
"template_data", "tracking_id"}; Zalo answers {"error": 0, "data": {"msg_id", …}} or an error
code with a message (https://zalo.cloud/zns/guidelines/handle-error-code).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from queue_server.notify.channels import Delivered, Outgoing, SendFailure

DEFAULT_URL = "https://business.openapi.zalo.me/message/template"
TIMEOUT_S = 10.0
# -124: the access token is invalid or has expired (tokens last 25 hours; an office refreshes
# them, see docs/messages.md). -216 is the same answer from Zalo's older OA endpoints.
TOKEN_ERRORS = frozenset({"-124", "-216"})
# Zalo's own "unknown error, try again later": the only answer worth a second try. Any other
# error is Zalo refusing this message (no Zalo account for the number, the user blocks ZNS,
# no quota, a bad template, an expired token): the next channel takes it.
RETRY_ERRORS = frozenset({"-100"})


@dataclass(frozen=True)
class ZaloZns:
    """Sends ZNS template messages with the configured access token."""

    access_token: str
    url: str = DEFAULT_URL
    timeout_s: float = TIMEOUT_S
    name: str = "zalo"

    def send(self, outgoing: Outgoing) -> Delivered:
        """One POST; error 0 is success, anything else SendFailure with Zalo's code."""
        body = {"phone": outgoing.destination.lstrip("+"),
                "template_id": outgoing.content["template_id"],
                "template_data": outgoing.content["template_data"],
                "tracking_id": outgoing.tracking_id}
        try:
            response = requests.post(self.url, json=body, timeout=self.timeout_s,
                                     headers={"access_token": self.access_token},
                                     allow_redirects=False)
        except requests.RequestException as error:
            raise SendFailure(f"no answer from Zalo ({type(error).__name__})",
                              code="no_answer") from None
        with response:
            if response.status_code >= 500 or response.status_code == 429:
                raise SendFailure(f"Zalo answered HTTP {response.status_code}",
                                  code=f"http_{response.status_code}")
            answer = _json(response)
        return _delivered(answer, response.status_code)


def _json(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    return answer if isinstance(answer, dict) else {}


def _delivered(answer: dict, status: int) -> Delivered:
    code = answer.get("error")
    if code == 0:
        data = answer.get("data")
        message_id = data.get("msg_id") if isinstance(data, dict) else None
        return Delivered(str(message_id) if message_id is not None else None)
    if code is None:
        raise SendFailure(f"Zalo answered HTTP {status} without an error code",
                          code=f"http_{status}")
    text = str(answer.get("message") or "")[:200]
    code = str(code)
    raise SendFailure(f"Zalo error {code}: {text}".rstrip(": "), code=code,
                      is_refusal=code not in RETRY_ERRORS)
