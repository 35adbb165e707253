"""Schemathesis against /api/v1/openapi.json: no 5xx and no answer outside the document.

Bounded for CI: a fixed number of derandomized examples per operation (about a minute in
all). FUZZ_EXAMPLES=400 runs a deeper search by hand.
"""

from __future__ import annotations

import os
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from queue_server.api.openapi import build_spec

from ..support.callers import every_caller

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]


@pytest.fixture
def fuzz_world(app, clock, accounts) -> dict:
    """Tokens, and a few real tickets so that fuzzed requests also reach the domain."""
    tokens = every_caller(app, clock, accounts)
    client = app.test_client()
    codes = []
    for service in ("dat-dai", "tu-phap", "dat-dai"):
        answer = client.post("/api/v1/offices/test-office/tickets", json={"service": service},
                             headers={"Authorization": f"Bearer {tokens['kiosk']}"})
        codes.append(answer.get_json()["code"])
    return {"tokens": tokens, "codes": codes}


# The document the server serves at /api/v1/openapi.json (a test below checks they are one),
# built without an app so that pytest can list one test per operation.
schema = schemathesis.openapi.from_dict(build_spec())


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get("/api/v1/openapi.json").get_json() == build_spec()


def _seed(case) -> int:
    """A stable number per case (unlike hash(), the same in every run)."""
    return zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())


def _caller_for(case) -> str | None:
    # Mostly an admin, who may do anything a user can, so the fuzzer gets past authorization
    # to the input handling; printer endpoints take a printer; one case in five is anonymous.
    if _seed(case) % 5 == 0:
        return None
    return "printer" if case.path.startswith(("/api/v1/print-", "/api/v1/printers")) else "admin1"


def _aim_at_real_things(case, codes: list[str]) -> None:
    """Most cases name the real office, counters and tickets; the rest keep fuzzed values."""
    parameters = case.path_parameters or {}
    seed = _seed(case) % 3
    if not parameters or seed == 0:
        return
    if "office" in parameters:
        parameters["office"] = "test-office"
    if "counter" in parameters and isinstance(parameters["counter"], int):
        parameters["counter"] = 1 + parameters["counter"] % 4
    if "code" in parameters:
        parameters["code"] = codes[seed % len(codes)]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_and_keeps_to_its_document(case, app, fuzz_world):
    caller = _caller_for(case)
    _aim_at_real_things(case, fuzz_world["codes"])
    headers = {"Authorization": f"Bearer {fuzz_world['tokens'][caller]}"} if caller else {}
    checks = CHECKS
    if case.query and any(value == [] for value in case.query.values()):
        # A parameter whose value is an empty list is not sent at all: the "invalid" part
        # of such a negative case never reaches the server, which rightly accepts the rest.
        checks = [check for check in CHECKS if check is not negative_data_rejection]
    case.call_and_validate(app=app, headers=headers, checks=checks)
