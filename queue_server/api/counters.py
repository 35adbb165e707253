"""Counter actions: call next, recall, finish, no-show, transfer, call one, pause, resume."""

from __future__ import annotations

from collections.abc import Callable

from flask import jsonify, request

from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields
from queue_server.core.errors import InvalidInput
from queue_server.core.request_context import db, now, public_url
from queue_server.edge.callers import actor_of, require_staff_of
from queue_server.models import Ticket
from queue_server.realtime import broadcasts
from queue_server.tickets import lifecycle
from queue_server.tickets.counter_view import counter_snapshot
from queue_server.tickets.queue_state import ticket_forecast
from queue_server.tickets.serialize import counter_json, ticket_json

COUNTER_URL = "/offices/<slug>/counters/<int:number>"


def _counter_for_staff(slug: str, number: int):
    office = office_or_404(slug)
    caller = require_staff_of(office)
    return lifecycle.find_counter(db(), office, number), actor_of(caller)


def _ticket_response(ticket: Ticket):
    return jsonify(ticket_json(ticket, ticket_forecast(db(), ticket, now()), public_url()))


def _act(slug: str, number: int, action: Callable[..., Ticket], announce: Callable) -> object:
    counter, actor = _counter_for_staff(slug, number)
    ticket = action(db(), counter, now=now(), actor=actor)
    db().commit()
    announce(counter, ticket)
    return _ticket_response(ticket)


@api.get(COUNTER_URL)
def get_counter(slug: str, number: int):
    """The counter's state, its current ticket and the waiting list it can call from."""
    counter, _actor = _counter_for_staff(slug, number)
    return jsonify(counter_snapshot(db(), counter, now(), public_url()))


@api.post(COUNTER_URL + "/call-next")
def call_next(slug: str, number: int):
    """Finish the current ticket, then call the next; 204 when nobody waits."""
    counter, actor = _counter_for_staff(slug, number)
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 100:
        raise InvalidInput("invalid_idempotency_key")
    result = lifecycle.call_next(db(), counter, now=now(), actor=actor, request_key=key)
    db().commit()
    if not result.is_repeat:
        broadcasts.counter_changed(counter, finished=result.finished, called=result.called)
    if result.called is None:
        return "", 204
    return _ticket_response(result.called)


@api.post(COUNTER_URL + "/call")
def call_specific(slug: str, number: int):
    """Call one waiting ticket out of order, by its number."""
    fields = read_fields(json_body(), {"number": str}, {})
    counter, actor = _counter_for_staff(slug, number)
    current = lifecycle.current_ticket(db(), counter)
    ticket = lifecycle.call_ticket(db(), counter, fields["number"], now=now(), actor=actor)
    db().commit()
    broadcasts.counter_changed(counter, finished=current, called=ticket)
    return _ticket_response(ticket)


@api.post(COUNTER_URL + "/recall")
def recall(slug: str, number: int):
    """Call the current ticket again."""
    return _act(slug, number, lifecycle.recall,
                lambda counter, ticket: broadcasts.counter_changed(counter, recalled=ticket))


@api.post(COUNTER_URL + "/finish")
def finish(slug: str, number: int):
    """Mark the current ticket served."""
    return _act(slug, number, lifecycle.finish,
                lambda counter, ticket: broadcasts.counter_changed(counter, finished=ticket))


@api.post(COUNTER_URL + "/no-show")
def no_show(slug: str, number: int):
    """Mark the current ticket absent (after the minimum recalls)."""
    return _act(slug, number, lifecycle.mark_no_show,
                lambda counter, ticket: broadcasts.counter_changed(counter, finished=ticket))


@api.post(COUNTER_URL + "/transfer")
def transfer(slug: str, number: int):
    """Send the current ticket to another service or counter, ahead of ordinary tickets."""
    fields = read_fields(json_body(), {}, {"service": str, "counter": int})
    counter, actor = _counter_for_staff(slug, number)
    ticket = lifecycle.transfer(db(), counter, now=now(), actor=actor,
                            service_code=fields["service"], counter_number=fields["counter"])
    db().commit()
    broadcasts.counter_changed(counter, transferred=ticket)
    return _ticket_response(ticket)


@api.post(COUNTER_URL + "/pause")
def pause(slug: str, number: int):
    """Pause the counter with a reason."""
    fields = read_fields(json_body(), {"reason": str}, {})
    counter, actor = _counter_for_staff(slug, number)
    lifecycle.pause_counter(db(), counter, fields["reason"], now=now(), actor=actor)
    db().commit()
    broadcasts.counter_changed(counter)
    return jsonify(counter_json(counter))


@api.post(COUNTER_URL + "/resume")
def resume(slug: str, number: int):
    """Resume a paused counter."""
    counter, actor = _counter_for_staff(slug, number)
    lifecycle.resume_counter(db(), counter, now=now(), actor=actor)
    db().commit()
    broadcasts.counter_changed(counter)
    return jsonify(counter_json(counter))
