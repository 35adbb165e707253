"""Socket.IO: the subscribe handler, and broadcasters that announce committed facts."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import request
from flask_socketio import SocketIO, join_room

from queue_server.core.clock import iso_local
from queue_server.core.errors import DomainError, Forbidden, InvalidInput, NotFound, Unauthorized
from queue_server.core.extensions import socketio
from queue_server.core.i18n import message
from queue_server.core.request_context import db, now, public_url
from queue_server.edge import limits, observability
from queue_server.edge.callers import check_token, session_principal
from queue_server.models import (
    Counter,
    Device,
    DeviceKind,
    Office,
    PrintJob,
    Role,
    Ticket,
)
from queue_server.printing import jobs as print_jobs
from queue_server.realtime import rating_tablets, ticket_followers
from queue_server.security.tokens import Principal
from queue_server.tickets.board import board_snapshot, counters_shown, now_serving_of
from queue_server.tickets.counter_view import NO_TICKET, counter_snapshot, waiting_list
from queue_server.tickets.queue_state import (
    QueueState,
    find_counter_by_number,
    find_office,
    find_ticket,
    load_queue,
    ticket_forecast,
)
from queue_server.tickets.serialize import ticket_json
from queue_server.voice.numbers import call_announcement, reading_of

log = logging.getLogger(__name__)

# Who is connected: the principal of each Socket.IO session id (None when anonymous).
_principals: dict[str, Principal | None] = {}


def board_room(office: Office | str) -> str:
    return f"board:{office if isinstance(office, str) else office.slug}"


def counter_room(office: Office, number: int) -> str:
    return f"counter:{office.slug}:{number}"


def ticket_room(code: str) -> str:
    return f"ticket:{code}"


def printer_room(printer_id: int) -> str:
    return f"printer:{printer_id}"


def dashboard_room(office: Office) -> str:
    return f"dashboard:{office.slug}"


# The province's monitors (province managers, admins): told which office moved, nothing more.
PROVINCE_ROOM = "province"


def register(server: SocketIO) -> None:
    """Install the connection and subscribe handlers."""
    server.on_event("connect", _on_connect)
    server.on_event("disconnect", _on_disconnect)
    server.on_event("subscribe", _on_subscribe)


def _on_connect(auth: dict | None = None) -> bool:
    token = auth.get("token") if isinstance(auth, dict) else None
    principal = None
    if isinstance(token, str) and token:
        try:
            principal = _token_principal(token)
        except Unauthorized:
            return False
    elif _is_same_origin():
        principal = _browser_session_principal()
    _principals[_sid()] = principal
    observability.socket_connected()
    return True


def _browser_session_principal() -> Principal | None:
    return session_principal()


def _token_principal(token: str) -> Principal:
    # Checked as for HTTP: an idle device is refused, a device is noted as seen.
    return check_token(token)


def _is_same_origin() -> bool:
    # The login cookie counts only for our own pages, never for another site's script.
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def _on_disconnect(*_args: object) -> None:
    _principals.pop(_sid(), None)
    observability.socket_disconnected()


def _on_subscribe(data: object) -> dict:
    """Join a channel and answer with its snapshot, or with {"error": …}."""
    try:
        if not isinstance(data, dict):
            raise _bad("invalid_field", field="channel", reason="expected an object")
        channel = data.get("channel")
        if channel == "board":
            return _subscribe_board(data)
        if channel == "counter":
            return _subscribe_counter(data)
        if channel == "ticket":
            return _subscribe_ticket(data)
        if channel == "printer":
            return _subscribe_printer()
        if channel == "rating":
            return _subscribe_rating(data)
        if channel == "dashboard":
            return _subscribe_dashboard(data)
        if channel == "province":
            return _subscribe_province()
        raise _bad("invalid_field", field="channel",
                   reason="board, counter, ticket, printer, rating, dashboard or province")
    except DomainError as error:
        text = message(error.message_key, **error.params)  # type: ignore[arg-type]  # no `language`
        return {"error": {"code": error.code, "message": text}}


def _bad(key: str, **params: object) -> DomainError:
    return InvalidInput(key, **params)


def _office_of(data: dict) -> Office:
    slug = data.get("office")
    office = find_office(db(), slug) if isinstance(slug, str) else None
    if office is None:
        raise NotFound("unknown_office", office=slug)
    return office


def _subscribe_board(data: dict) -> dict:
    office = _office_of(data)
    join_room(board_room(office))
    return board_snapshot(db(), office, now())


def _sid() -> str:
    """This Socket.IO connection's id (Flask-SocketIO sets it; the stubs do not say so)."""
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


def _user_of_connection() -> Principal:
    """The account this Socket.IO connection logged in with, or Unauthorized."""
    principal = _principals.get(_sid())
    if principal is None or not principal.is_user:
        raise Unauthorized("missing_token")
    return principal


def _subscribe_counter(data: dict) -> dict:
    office = _office_of(data)
    principal = _user_of_connection()
    if principal.role is not Role.ADMIN and principal.office_id != office.id:
        raise Forbidden("wrong_office")
    number = data.get("counter")
    counter = find_counter_by_number(db(), office, number) if isinstance(number, int) else None
    if counter is None:
        raise NotFound("unknown_counter", counter=number)
    join_room(counter_room(office, counter.number))
    join_room(board_room(office))
    return counter_snapshot(db(), counter, now(), public_url())


def _subscribe_ticket(data: dict) -> dict:
    code = data.get("code")
    limits.check_lookup()
    ticket = find_ticket(db(), code) if isinstance(code, str) and len(code) <= 64 else None
    if ticket is None:
        limits.unknown_code()
        raise NotFound("ticket_not_found")
    join_room(ticket_room(ticket.code))
    join_room(ticket_followers.positions_room(ticket.office))  # queue_positions: ahead counts down
    return ticket_json(ticket, ticket_forecast(db(), ticket, now()), public_url())


def _subscribe_dashboard(data: dict) -> dict:
    """A manager's dashboard: told when the office's feedback inbox gains an item."""
    office = _office_of(data)
    if not _user_of_connection().manages(office.id):
        raise Forbidden("forbidden")
    join_room(dashboard_room(office))
    return {"office": office.slug}


def _subscribe_province() -> dict:
    """The province's monitor: told when any office's queue or ratings change."""
    if not _user_of_connection().oversees_province:
        raise Forbidden("forbidden")
    join_room(PROVINCE_ROOM)
    return {"channel": "province"}


def _subscribe_rating(data: dict) -> dict:
    """A counter's rating tablet: the ticket it should ask about now (see rating_desk)."""
    return rating_tablets.subscribe(data, _principals.get(_sid()))


def _subscribe_printer() -> dict:
    """A print agent: its room, then its unacknowledged jobs (marked sent, committed)."""
    principal = _principals.get(_sid())
    if principal is None or principal.device_kind is not DeviceKind.PRINTER:
        raise Forbidden("not_a_printer")
    # Join first: a job queued meanwhile arrives twice at worst, and agents skip repeats.
    assert principal.device_id is not None  # a device's principal
    join_room(printer_room(principal.device_id))
    printer = db().get(Device, principal.device_id)
    assert printer is not None  # it has just authenticated
    jobs = print_jobs.deliver_pending(db(), printer, now=now())
    db().commit()
    return {"printer": {"name": printer.name, "office": printer.office.slug},
            "jobs": [print_jobs.job_payload(job, now=now()) for job in jobs]}


# Broadcasters: called by views after commit; each sends small JSON facts.

def _emit(event: str, payload: dict, room: str) -> None:
    try:
        socketio.emit(event, payload, to=room)
    except Exception:  # a message-queue outage must not fail a committed action
        log.exception("could not broadcast %s to %s", event, room)


def ticket_issued(ticket: Ticket, state: QueueState) -> None:
    """A ticket was issued: tell the board (the event carries the new waiting counts) and the
    consoles that may call it (their new waiting lists)."""
    office = ticket.office
    _emit("ticket_issued", {"office": office.slug, "number": ticket.number,
                            "service": ticket.service.code, "waiting": state.waiting()},
          board_room(office))
    _office_moved(office)
    waiting_moved(office, state, None, ticket)
    if ticket.priority_id is not None:
        # An ordinary ticket joins at the back and moves no one; a priority one may.
        ticket_followers.queue_moved(office, state)


def queue_changed(office: Office, ticket: Ticket | None = None,
                  state: QueueState | None = None) -> None:
    """The waiting lists changed (cancel, transfer); `state` is the queue after the change."""
    state = state or load_queue(db(), office, now())
    _emit_board_change(office, state)
    if ticket is not None:
        ticket_updated(ticket, state)
        waiting_moved(office, state, None, ticket)
    ticket_followers.queue_moved(office, state)


def _emit_board_change(office: Office, state: QueueState) -> None:
    # Everything a display needs to update in place, so thousands of screens never ask
    # for a snapshot at once after a change.
    _emit("queue_changed", {"office": office.slug, "waiting": state.waiting(),
                            "now_serving": now_serving_of(state),
                            "counters": counters_shown(office)}, board_room(office))
    _office_moved(office)


def ticket_updated(ticket: Ticket, state: QueueState) -> None:
    """Send a ticket's new state to whoever follows it."""
    _emit("ticket_updated", ticket_json(ticket, state.forecast(ticket), public_url(),
                                        state.counter_numbers(ticket.service_id)),
          ticket_room(ticket.code))


def counter_changed(counter: Counter, state: QueueState, *, called: Ticket | None = None,
                    recalled: Ticket | None = None, finished: Ticket | None = None,
                    transferred: Ticket | None = None) -> None:
    """Announce what a counter action did, then refresh the counter's own console.

    `state` is the office's queue after the action. A call is one message per display
    (`ticket_called` carries the waiting counts); other changes (finish, no-show, transfer,
    pause) send one `queue_changed` with the new board.
    """
    office = counter.office
    for ticket, is_recall in ((called, False), (recalled, True)):
        if ticket is not None:
            _emit("ticket_called", _call_payload(ticket, counter, is_recall, state),
                  board_room(office))
            _office_moved(office)
    for ticket in (called, recalled, finished, transferred):
        if ticket is not None:
            ticket_updated(ticket, state)
    if called is None and recalled is None:
        _emit_board_change(office, state)
    # After a call the counter serves that ticket, after a finish or transfer none; a pause
    # or resume does not say (None: read it).
    current = called or recalled or (NO_TICKET if finished or transferred else None)
    _emit("counter_updated", counter_snapshot(db(), counter, now(), public_url(), state,
                                              current=current),
          counter_room(office, counter.number))
    waiting_moved(office, state, counter, called, transferred)
    ticket_followers.queue_moved(office, state, called=called, finished=finished)


def waiting_moved(office: Office, state: QueueState, by: Counter | None = None,
                  *tickets: Ticket | None) -> None:
    """Send its new waiting list to each other console that these tickets were or are in."""
    services = {ticket.service_id for ticket in tickets if ticket is not None}
    targets = {ticket.target_counter_id for ticket in tickets if ticket is not None}
    for counter_id, number in state.counters_serving(services, targets):
        room = counter_room(office, number)
        # The list costs a replay of the counter's calling order: none for an empty room.
        if (by is None or counter_id != by.id) and not ticket_followers.room_is_empty(room):
            _emit("counter_waiting", {"counter": number, **waiting_list(state, counter_id)},
                  room)


def _call_payload(ticket: Ticket, counter: Counter, is_recall: bool,
                  state: QueueState) -> dict:
    office = counter.office
    return {"office": office.slug, "number": ticket.number,
            "service": state.queue.service_codes.get(ticket.service_id) or ticket.service.code,
            "counter": counter.number,
            "called_at": iso_local(ticket.last_called_at, office.timezone),
            "call_id": ticket.call_event_id, "is_recall": is_recall,
            "waiting": state.waiting(),
            "announcement": call_announcement(ticket.number, counter.number,
                                              *reading_of(office), is_recall=is_recall)}


def feedback_received(office: Office) -> None:
    """A rating reached the office's inbox: open dashboards fetch their live figures again."""
    # No content: the dashboard reads it through the API, as its manager.
    _emit("feedback_received", {"office": office.slug}, dashboard_room(office))
    _office_moved(office)


def _office_moved(office: Office) -> None:
    # Only the office's name: the monitor refetches its snapshot, at most every few seconds.
    _emit("office_moved", {"office": office.slug}, PROVINCE_ROOM)


def office_changed(office: Office) -> None:
    """The office's set-up changed in /admin: kiosks and displays fetch their snapshot again."""
    _emit("office_changed", {"office": office.slug}, board_room(office))


def close_connections_of(*, user_id: int | None = None, device_id: int | None = None) -> None:
    """A revoked device or disabled account: drop its open connections on this process.

    Rooms joined with the old token would otherwise keep receiving (a rating tablet hears
    ticket codes); reconnecting needs a valid token.
    """
    for sid, principal in list(_principals.items()):
        if principal is not None and (
                (user_id is not None and principal.user_id == user_id)
                or (device_id is not None and principal.device_id == device_id)):
            try:
                socketio.server.disconnect(sid)  # type: ignore[attr-defined]  # set by init_app
            except Exception:  # already gone; the token is refused anyway
                log.warning("could not close connection %s", sid, exc_info=True)


def print_job_queued(job: PrintJob) -> None:
    """A committed print job: hand it to its printer's agent."""
    _emit("print_job", print_jobs.job_payload(job, now=now()), printer_room(job.printer_id))
