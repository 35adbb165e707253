"""Counter actions: call next, recall, finish, no-show, transfer, call one, pause, resume."""

from __future__ import annotations

from collections.abc import Callable

from flask import jsonify, request
from sqlalchemy.orm.attributes import set_committed_value

from queue_server.api.blueprint import api
from queue_server.api.common import json_body, office_or_404, read_fields
from queue_server.core.db import commit_then_read
from queue_server.core.errors import InvalidInput
from queue_server.core.request_context import db, now, public_url
from queue_server.edge.callers import actor_of, require_staff_of
from queue_server.models import Counter, Ticket
from queue_server.realtime import broadcasts
from queue_server.tickets import lifecycle
from queue_server.tickets.counter_view import counter_snapshot
from queue_server.tickets.queue_state import QueueState, load_queue
from queue_server.tickets.serialize import counter_json, ticket_json
from queue_server.visits import recording

COUNTER_URL = "/offices/<slug>/counters/<int:number>"


def _counter_for_staff(slug: str, number: int):
    office = office_or_404(slug)
    caller = require_staff_of(office)
    counter = lifecycle.find_counter(db(), office, number)
    # The session holds the office weakly: without this, `counter.office` reads it again.
    set_committed_value(counter, "office", office)
    return counter, actor_of(caller)


def _ticket_response(ticket: Ticket, state: QueueState):
    return jsonify(ticket_json(ticket, state.forecast(ticket), public_url(),
                               state.counter_numbers(ticket.service_id)))


def _act(slug: str, number: int, action: Callable[..., Ticket], announce: Callable,
         body: dict[str, type] | None = None) -> object:
    counter, actor = _counter_for_staff(slug, number)
    # The body (optional fields only) is read once the caller may act at this counter.
    extra = {"fields": read_fields(json_body(), {}, body)} if body is not None else {}
    moment = now()
    state = load_queue(db(), counter.office, moment)
    ticket = action(db(), counter, now=moment, actor=actor, **extra)
    state = state.after(db(), tickets=(ticket,), counters=(counter,))
    commit_then_read(db())
    announce(counter, ticket, state)
    return _ticket_response(ticket, state)


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
    moment = now()
    # Read first: the office's cached queue, taken along through the call to the broadcasts.
    state = load_queue(db(), counter.office, moment)
    if key is None or key != counter.last_call_key:  # a repeated press finishes nothing
        recording.check_can_finish(db(), counter)
    result = lifecycle.call_next(db(), counter, now=moment, actor=actor, request_key=key)
    state = state.after(db(), tickets=(result.finished, result.called), counters=(counter,))
    commit_then_read(db())
    if not result.is_repeat:
        broadcasts.counter_changed(counter, state, finished=result.finished,
                                   called=result.called)
    if result.called is None:
        return "", 204
    return _ticket_response(result.called, state)


@api.post(COUNTER_URL + "/call")
def call_specific(slug: str, number: int):
    """Call one waiting ticket out of order, by its number."""
    counter, actor = _counter_for_staff(slug, number)
    fields = read_fields(json_body(), {"number": str}, {})
    moment = now()
    state = load_queue(db(), counter.office, moment)
    current = lifecycle.current_ticket(db(), counter)
    recording.check_can_finish(db(), counter)
    ticket = lifecycle.call_ticket(db(), counter, fields["number"], now=moment, actor=actor)
    state = state.after(db(), tickets=(current, ticket), counters=(counter,))
    commit_then_read(db())
    broadcasts.counter_changed(counter, state, finished=current, called=ticket)
    return _ticket_response(ticket, state)


@api.post(COUNTER_URL + "/recall")
def recall(slug: str, number: int):
    """Call the current ticket again."""
    return _act(slug, number, lifecycle.recall,
                lambda counter, ticket, state: broadcasts.counter_changed(
                    counter, state, recalled=ticket))


@api.post(COUNTER_URL + "/finish")
def finish(slug: str, number: int):
    """Mark the current ticket served, with its outcome, dossier codes and missing documents
    when given."""
    return _act(slug, number,
                lambda session, counter, fields, **when: recording.finish_visit(
                    session, counter, **when, outcome=fields["outcome"],
                    dossiers=fields["dossiers"], missing=fields["missing"]),
                lambda counter, ticket, state: broadcasts.counter_changed(
                    counter, state, finished=ticket),
                body={"outcome": str, "dossiers": list, "missing": list})


@api.post(COUNTER_URL + "/no-show")
def no_show(slug: str, number: int):
    """Mark the current ticket absent (after the minimum recalls)."""
    return _act(slug, number, lifecycle.mark_no_show,
                lambda counter, ticket, state: broadcasts.counter_changed(
                    counter, state, finished=ticket))


@api.post(COUNTER_URL + "/transfer")
def transfer(slug: str, number: int):
    """Send the current ticket to another service or counter, ahead of ordinary tickets."""
    return _act(slug, number,
                lambda session, counter, fields, **when: lifecycle.transfer(
                    session, counter, **when, service_code=fields["service"],
                    counter_number=fields["counter"]),
                lambda counter, ticket, state: broadcasts.counter_changed(
                    counter, state, transferred=ticket),
                body={"service": str, "counter": int})


@api.post(COUNTER_URL + "/pause")
def pause(slug: str, number: int):
    """Pause the counter with a reason."""
    return _change_counter(slug, number, lambda session, counter, **when:
                           lifecycle.pause_counter(session, counter, _pause_reason(), **when))


def _pause_reason() -> str:
    reason: str = read_fields(json_body(), {"reason": str}, {})["reason"]
    return reason


@api.post(COUNTER_URL + "/resume")
def resume(slug: str, number: int):
    """Resume a paused counter."""
    return _change_counter(slug, number, lifecycle.resume_counter)


def _change_counter(slug: str, number: int, action: Callable[..., Counter]) -> object:
    counter, actor = _counter_for_staff(slug, number)
    moment = now()
    state = load_queue(db(), counter.office, moment)
    action(db(), counter, now=moment, actor=actor)
    state = state.after(db(), counters=(counter,))
    commit_then_read(db())
    broadcasts.counter_changed(counter, state)
    return jsonify(counter_json(counter))
