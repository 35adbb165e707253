"""GET /openapi.json: the OpenAPI 3 description of this API (a test keeps it in step)."""

from collections.abc import Callable

from flask import jsonify

from queue_server.api.blueprint import api
from queue_server.edge.guard import public

_ERROR: dict[str, str] = {"$ref": "#/components/responses/Error"}
ERROR: dict[str, str] = _ERROR
# Paths contributed by other API modules through document_paths().
_EXTRA_PATHS: dict[str, dict] = {}
_BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def _operation(summary: str, responses: dict, *, secure: bool = False, body: str | None = None,
               parameters: list | None = None, idempotent: bool = False) -> dict:
    operation: dict = {"summary": summary, "responses": {
        str(status): ({"description": text} if not isinstance(text, dict) else text)
        for status, text in responses.items()}}
    params = list(parameters or [])
    if idempotent:
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "maxLength": 100}})
    if params:
        operation["parameters"] = params
    if secure:
        operation["security"] = _BEARER
    if body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}}
    return operation


def document_paths(paths: dict[str, dict]) -> None:
    """Add an API module's paths to the document (called at import by that module)."""
    _EXTRA_PATHS.update(paths)


operation: Callable[..., dict] = _operation


def _path_param(name: str, kind: str = "string") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


path_param: Callable[..., dict] = _path_param
_OFFICE = _path_param("office")
_COUNTER = _path_param("counter", "integer")
_CODE = _path_param("code")
_TICKET_OK = {"description": "the ticket", "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Ticket"}}}}
_ERRORS = {400: _ERROR, 401: _ERROR, 403: _ERROR, 404: _ERROR, 409: _ERROR}


def _counter_action(summary: str, body: str | None = None, idempotent: bool = False) -> dict:
    return {"post": _operation(summary, {200: _TICKET_OK, **_ERRORS}, secure=True, body=body,
                               parameters=[_OFFICE, _COUNTER], idempotent=idempotent)}


def _schemas() -> dict:
    string, integer = {"type": "string"}, {"type": "integer"}
    nullable_string = {"type": ["string", "null"]}
    nullable_integer = {"type": ["integer", "null"]}
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": string, "message": string}}}},
        "Ticket": {"type": "object", "properties": {
            "code": string, "number": string, "office": string, "service": string,
            "service_name": string,
            "status": {"enum": ["waiting", "called", "done", "no_show", "cancelled"]},
            "priority": nullable_string, "ahead": nullable_integer,
            "estimated_wait_s": nullable_integer, "counter": nullable_integer,
            "counters": {"type": "array", "items": integer},
            "issued_at": {"type": "string", "format": "date-time"},
            "called_at": nullable_string, "finished_at": nullable_string,
            "recall_count": integer, "track_url": string,
            "procedure": {"type": ["object", "null"], "properties": {
                "code": string, "name": string}},
            "outcome": {"enum": [None, "received", "supplement", "refused", "guided",
                                 "returned", "other"]},
            "dossiers": {"type": "array", "items": string},
            "missing": {"type": "array", "items": string}}},
        "Visit": {"type": "object", "properties": {
            "outcome": {"enum": ["received", "supplement", "refused", "guided", "returned",
                                 "other"]},
            "dossiers": {"type": "array", "items": string, "maxItems": 10},
            "missing": {"type": "array", "items": string,
                        "description": "with the supplement outcome: the procedure's documents "
                                       "that are missing, as the catalogue words them"}}},
        "TokenRequest": {"type": "object", "required": ["username", "password"],
                         "properties": {"username": string, "password": string}},
        "IssueRequest": {"type": "object", "description": "service, procedure, or both agreeing",
                         "properties": {"service": string, "priority": nullable_string,
                                        "procedure": string,
                                        "citizen_id_qr": {
                                            "type": "string", "description":
                                            "kiosk devices: the text of the citizen ID card's"
                                            " QR code (age gives the elderly priority; only a"
                                            " keyed hash is kept)"}}},
        "TransferRequest": {"type": "object", "description": "exactly one of service, counter",
                            "properties": {"service": string, "counter": integer}},
        "CallRequest": {"type": "object", "required": ["number"], "properties": {"number": string}},
        "PauseRequest": {"type": "object", "required": ["reason"],
                         "properties": {"reason": {"type": "string", "maxLength": 200}}},
    }


def build_spec() -> dict:
    """The whole OpenAPI document."""
    spec = _spec()
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            if "{code}" in path:
                # api/lookups.py refuses clients that guess ticket codes, on every such route.
                operation["responses"].setdefault("429", _ERROR)
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                _optional_fields_take_null(media.get("schema", {}), spec)
    return spec


def _optional_fields_take_null(schema: dict, spec: dict) -> None:
    """read_fields() reads an optional field sent as null as absent: say so in the document."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", ()))
    properties = schema.get("properties", {})
    for name, field in properties.items():
        kind = field.get("type")
        if name in required or kind is None or isinstance(kind, list):
            continue
        # A new dict: one `{"type": "string"}` may be shared with required fields.
        properties[name] = {**field, "type": [kind, "null"]}


def _spec() -> dict:
    counter = "/api/v1/offices/{office}/counters/{counter}"
    return {
        "openapi": "3.1.0",
        "info": {"title": "Queue API (Bộ phận Tiếp nhận và Trả kết quả)", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": _schemas(),
        },
        "paths": {
            "/api/v1/openapi.json": {"get": _operation("This document", {200: "OpenAPI 3"})},
            "/api/v1/auth/token": {"post": _operation(
                "A bearer token for a username and password",
                {200: "token, expires_at, role", 400: _ERROR, 401: _ERROR, 429: _ERROR},
                body="TokenRequest")},
            "/api/v1/offices": {"get": _operation("Every active office", {200: "slug, name"})},
            "/api/v1/offices/{office}/services": {"get": _operation(
                "Services with is_open, waiting and estimated_wait_s",
                {200: "list of services", 404: _ERROR}, parameters=[_OFFICE])},
            "/api/v1/offices/{office}/priorities": {"get": _operation(
                "Priority categories", {200: "list of code, name", 404: _ERROR},
                parameters=[_OFFICE])},
            "/api/v1/offices/{office}/board": {"get": _operation(
                "The display snapshot", {200: "now_serving, recent_calls, waiting", 404: _ERROR},
                parameters=[_OFFICE])},
            "/api/v1/offices/{office}/tickets": {"post": _operation(
                "Issue a ticket (kiosk device of the office, staff and up)",
                {201: _TICKET_OK, **_ERRORS}, secure=True, body="IssueRequest",
                parameters=[_OFFICE], idempotent=True)},
            "/api/v1/tickets/{code}": {"get": _operation(
                "A ticket by its lookup code", {200: _TICKET_OK, 404: _ERROR},
                parameters=[_CODE])},
            "/api/v1/tickets/{code}/cancel": {"post": _operation(
                "Cancel a waiting ticket", {200: _TICKET_OK, **_ERRORS}, secure=True,
                parameters=[_CODE])},
            counter: {"get": _operation(
                "The counter's state, current ticket and waiting list",
                {200: "counter snapshot", **_ERRORS}, secure=True,
                parameters=[_OFFICE, _COUNTER])},
            counter + "/call-next": {"post": _operation(
                "Finish the current ticket and call the next",
                {200: _TICKET_OK, 204: "nobody waits", **_ERRORS}, secure=True,
                parameters=[_OFFICE, _COUNTER], idempotent=True)},
            counter + "/call": _counter_action("Call a waiting ticket out of order", "CallRequest"),
            counter + "/recall": _counter_action("Call the current ticket again"),
            counter + "/finish": _counter_action(
                "Finish the current ticket; optionally record its outcome and dossier codes "
                "(400 invalid_outcome, invalid_dossier_code, outcome_required, unknown_document, "
                "missing_without_procedure, missing_needs_supplement)", "Visit"),
            counter + "/no-show": _counter_action("Mark the current ticket absent"),
            counter + "/transfer": _counter_action("Transfer the current ticket",
                                                   "TransferRequest"),
            counter + "/pause": {"post": _operation(
                "Pause the counter with a reason", {200: "counter", **_ERRORS}, secure=True,
                body="PauseRequest", parameters=[_OFFICE, _COUNTER])},
            counter + "/resume": {"post": _operation(
                "Resume the counter", {200: "counter", **_ERRORS}, secure=True,
                parameters=[_OFFICE, _COUNTER])},
            **_EXTRA_PATHS,
        },
    }


@api.get("/openapi.json")
@public
def openapi_document():
    """The OpenAPI 3 description of API v1."""
    return jsonify(build_spec())
