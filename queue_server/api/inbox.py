"""The feedback inbox of an office (manager of the office, admin), and the office's answer on
the citizen's ticket (public by code): GET /tickets/{code}/reply.
"""

from __future__ import annotations

from flask import jsonify, request

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields, refuse_unknown_parameters
from queue_server.api.stats import require_manager_of, require_office_manager_of
from queue_server.core.errors import NotFound
from queue_server.core.request_context import db, now
from queue_server.edge.guard import public
from queue_server.feedback import inbox
from queue_server.tickets.queue_state import find_ticket

MAX_CODE_LENGTH = 64



def _item_request(slug: str, item_id: int):
    office = office_or_404(slug)
    caller = require_office_manager_of(office)
    return office, caller, inbox.find_item(db(), office, item_id)


@api.get("/offices/<slug>/inbox")
def list_inbox(slug: str):
    """Open items oldest first (?state=open), or closed, or all; with the live summary."""
    office = office_or_404(slug)
    require_manager_of(office)
    refuse_unknown_parameters({"state"})
    items = inbox.list_items(db(), office, now(), request.args.get("state", "open"))
    return jsonify({"summary": inbox.live_summary(db(), office, now()), "items": items})


@api.post("/offices/<slug>/inbox/<int:item>/assign")
def assign_inbox_item(slug: str, item: int):
    """Make a person of the office responsible for an item: {"assignee": username}."""
    office, caller, found = _item_request(slug, item)
    fields = read_fields(json_body(), {"assignee": str}, {})
    inbox.assign(db(), office, found, fields["assignee"], by_user_id=caller.user_id, now=now())
    db().commit()
    return jsonify(inbox.item_json(db(), office, found, now()))


@api.post("/offices/<slug>/inbox/<int:item>/answer")
def answer_inbox_item(slug: str, item: int):
    """Write the answer the citizen reads on the ticket page: {"answer": text}."""
    office, caller, found = _item_request(slug, item)
    fields = read_fields(json_body(), {"answer": str}, {})
    inbox.answer(db(), found, fields["answer"], by_user_id=caller.user_id, now=now())
    db().commit()
    return jsonify(inbox.item_json(db(), office, found, now()))


@api.post("/offices/<slug>/inbox/<int:item>/close")
def close_inbox_item(slug: str, item: int):
    """Mark an item handled, with an optional internal note: {"note"?: text}."""
    office, caller, found = _item_request(slug, item)
    fields = read_fields(json_body(), {}, {"note": str})
    inbox.close(db(), found, fields["note"], by_user_id=caller.user_id, now=now())
    db().commit()
    return jsonify(inbox.item_json(db(), office, found, now()))


@api.get("/tickets/<code>/reply")
@public
def ticket_reply(code: str):
    """The office's answer to this ticket's rating: {"answer", "answered_at"}, null until then."""
    # Guessing is limited for every /tickets/{code} route at once (api/lookups.py).
    ticket = find_ticket(db(), code) if len(code) <= MAX_CODE_LENGTH else None
    if ticket is None:
        raise NotFound("ticket_not_found")
    return jsonify(inbox.citizen_reply(db(), ticket))


def _document() -> None:
    office, item = openapi.path_param("office"), openapi.path_param("item", "integer")
    errors = dict.fromkeys((400, 401, 403, 404, 409), openapi.ERROR)

    def change(summary: str, schema: dict) -> dict:
        return {"post": {**openapi.operation(summary, {200: "the item", **errors}, secure=True,
                                             parameters=[office, item]),
                         "requestBody": {"required": True, "content": {
                             "application/json": {"schema": schema}}}}}

    state = {"name": "state", "in": "query", "required": False,
             "schema": {"enum": list(inbox.STATES)}}
    text = {"type": "string", "maxLength": inbox.MAX_ANSWER_LENGTH}
    base = "/api/v1/offices/{office}/inbox"
    openapi.document_paths({
        base: {"get": openapi.operation(
            "The feedback inbox: ratings of 3 or less and every comment, with due day (the "
            "office's target in working days, Mon–Fri minus holidays), age and state",
            {200: "summary, items", 400: openapi.ERROR, 401: openapi.ERROR,
             403: openapi.ERROR, 404: openapi.ERROR}, secure=True, parameters=[office, state])},
        base + "/{item}/assign": change("Assign an item to a person of the office", {
            "type": "object", "required": ["assignee"],
            "properties": {"assignee": {"type": "string", "description": "username"}}}),
        base + "/{item}/answer": change("Answer an item (shown on the citizen's ticket page)", {
            "type": "object", "required": ["answer"], "properties": {"answer": text}}),
        base + "/{item}/close": change("Close an item (an optional internal note)", {
            "type": "object", "properties": {"note": {**text, "type": ["string", "null"]}}}),
        "/api/v1/tickets/{code}/reply": {"get": openapi.operation(
            "The office's answer to the ticket's rating (public by code)",
            {200: "answer, answered_at (null until answered)", 404: openapi.ERROR,
             429: openapi.ERROR}, parameters=[openapi.path_param("code")])},
    })


_document()
