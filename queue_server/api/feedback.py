"""POST /tickets/{code}/feedback: the citizen's rating, from the phone or the counter's tablet;
POST /offices/{office}/paper-ratings: a paper form typed in by an officer."""

from __future__ import annotations

from datetime import date

from flask import Response, jsonify, request
from sqlalchemy.exc import IntegrityError

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields
from queue_server.core.clock import iso_local, local_day
from queue_server.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from queue_server.core.request_context import db, now
from queue_server.edge import limits
from queue_server.edge.callers import principal, require_staff_of
from queue_server.edge.guard import public
from queue_server.feedback import inbox, ratings
from queue_server.models import DeviceKind, FeedbackSource, Ticket, VisitCount
from queue_server.realtime import broadcasts, webhooks
from queue_server.security.tokens import Principal
from queue_server.tickets.queue_state import find_ticket

MAX_CODE_LENGTH = 64


def _rating_tablet() -> Principal | None:
    """The counter's tablet when the request carries a token; None for a citizen's phone."""
    if "Authorization" not in request.headers:
        return None
    caller = principal()
    if caller.device_kind is not DeviceKind.RATING:
        raise Forbidden("not_a_rating_tablet")
    return caller


def _ticket_or_404(code: str) -> Ticket:
    ticket = find_ticket(db(), code) if len(code) <= MAX_CODE_LENGTH else None
    if ticket is None:
        raise NotFound("ticket_not_found")
    return ticket


@api.post("/tickets/<code>/feedback")
@public
def create_feedback(code: str):
    """Rate a finished ticket once: 201; 409 when not finished or already rated."""
    tablet = _rating_tablet()
    if tablet is not None:
        return _rate(code, tablet)
    limits.check_feedback()
    try:
        return _rate(code, None)
    except DomainError:
        limits.feedback_refused()
        raise


_ANSWER_FIELDS: dict[str, type] = {"reasons": list, "comment": str, "visits": str,
                                   "answers": dict}


def _rate(code: str, tablet: Principal | None) -> tuple[Response, int]:
    fields = read_fields(json_body(), {"rating": int}, _ANSWER_FIELDS)
    ticket = _ticket_or_404(code)
    if tablet is not None and tablet.office_id != ticket.office_id:
        raise Forbidden("not_a_rating_tablet")
    return _submit(ticket, fields, source=FeedbackSource.TABLET if tablet
                   else FeedbackSource.PHONE, device_id=tablet.device_id if tablet else None)


@api.post("/offices/<slug>/paper-ratings")
def enter_paper_rating(slug: str):
    """Type in a citizen's paper rating form for a served ticket (staff of the office): 201."""
    fields = read_fields(json_body(), {"number": str, "rating": int},
                         {**_ANSWER_FIELDS, "day": str})
    office = office_or_404(slug)
    caller = require_staff_of(office)
    day = local_day(now(), office.timezone)
    if fields["day"] is not None:
        try:
            day = date.fromisoformat(fields["day"])
        except ValueError:
            raise InvalidInput("invalid_date", value=fields["day"][:20]) from None
    ticket = ratings.find_served_ticket(db(), office.id, day, fields["number"][:16])
    return _submit(ticket, fields, source=FeedbackSource.PAPER, entered_by_id=caller.user_id)


def _submit(ticket: Ticket, fields: dict, *, source: FeedbackSource,
            device_id: int | None = None,
            entered_by_id: int | None = None) -> tuple[Response, int]:
    try:
        rating = ratings.submit_feedback(
            db(), ticket, rating=fields["rating"], reasons=fields["reasons"],
            comment=fields["comment"], visits=fields["visits"], now=now(), source=source,
            device_id=device_id, answers=fields["answers"], entered_by_id=entered_by_id)
        db().commit()
    except IntegrityError:
        # Phone and tablet answered at the same instant: the first one counts.
        db().rollback()
        raise Conflict("already_rated", number=ticket.number) from None
    if inbox.is_inbox_item(rating):
        broadcasts.feedback_received(ticket.office)
    webhooks.rating_received(rating)
    return jsonify({"number": ticket.number, "rating": rating.rating, "reasons": rating.reasons,
                    "visits": rating.visits.value if rating.visits else None,
                    "answers": rating.answers, "form_version": rating.form_version,
                    "rated_at": iso_local(rating.rated_at, ticket.office.timezone)}), 201


_REQUEST: dict = {"type": "object", "required": ["rating"], "properties": {
    "rating": {"type": "integer", "minimum": 1, "maximum": 5,
               "description": "5 Rất hài lòng … 1 Rất không hài lòng; 1 to 3 on a "
                              "three-level form"},
    "answers": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                "description": "the level given to each question of the office's form, "
                               "by question code"},
    "reasons": {"type": "array", "items": {"enum": list(ratings.REASONS)}, "uniqueItems": True,
                "description": "only with a rating of 3 or less"},
    "comment": {"type": "string", "maxLength": ratings.MAX_COMMENT_LENGTH},
    "visits": {"enum": [visit.value for visit in VisitCount],
               "description": "how many times the citizen came for this matter"}}}

_PAPER = {"type": "object", "required": ["number", "rating"], "properties": {
    **_REQUEST["properties"],
    "number": {"type": "string", "description": "the number on the citizen's ticket"},
    "day": {"type": "string", "format": "date", "description": "its local day (default today)"}}}

openapi.document_paths({
    "/api/v1/offices/{office}/paper-ratings": {"post": {
        **openapi.operation(
            "Type in a citizen's paper rating form for a served ticket (staff of the office)",
            {201: "number, rating, reasons, visits, answers, form_version, rated_at",
             **dict.fromkeys((400, 401, 403, 404, 409), openapi.ERROR)}, secure=True,
            parameters=[openapi.path_param("office")]),
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _PAPER}}}}},
    "/api/v1/tickets/{code}/feedback": {"post": {
        **openapi.operation(
            "Rate a finished ticket, once (public by code; a rating tablet sends its token)",
            {201: "number, rating, reasons, visits, answers, form_version, rated_at",
             **dict.fromkeys((400, 401, 403, 404, 409, 429), openapi.ERROR)},
            parameters=[openapi.path_param("code")]),
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _REQUEST}}}}},
})
