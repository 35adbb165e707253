"""Print jobs in the domain: the pairing rule, the job lifecycle and printer health."""

from datetime import timedelta

import pytest

from queue_server.core.errors import Conflict, Forbidden, NotFound
from queue_server.models import Channel, DeviceKind, PrinterState, PrintJobStatus
from queue_server.printing import jobs as print_jobs
from queue_server.security.tokens import add_device
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM

SLIP = {"number": "1001", "office_name": "Xã Thử"}


@pytest.fixture
def office(make_office):
    return make_office()


@pytest.fixture
def device(session, office):
    """Register a device: device("kiosk-1", "kiosk") or device("p", "printer", kiosk="kiosk-1")."""

    def add(name, kind, kiosk=None):
        made, _token = add_device(session, name, DeviceKind(kind), office, now=THURSDAY_9AM,
                                  kiosk_name=kiosk)
        session.commit()
        return made

    return add


def issue_at(session, office, kiosk=None, at=THURSDAY_9AM):
    """Issue a land ticket at a kiosk (or at a counter when kiosk is None) with its print job."""
    channel = Channel.KIOSK if kiosk else Channel.COUNTER
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=at, channel=channel,
                                actor=Actor(device_id=kiosk.id if kiosk else None))
    job = print_jobs.queue_ticket_print(session, ticket, {**SLIP, "number": ticket.number}, now=at)
    session.commit()
    return ticket, job


def seen_ok(session, printer, at=THURSDAY_9AM):
    print_jobs.record_printer_status(session, printer, PrinterState.OK, None, now=at)
    session.commit()


def test_a_kiosk_ticket_prints_on_the_printer_paired_with_that_kiosk(session, office, device):
    kiosk = device("kiosk-1", "kiosk")
    device("hall-printer", "printer")
    paired = device("kiosk-1-printer", "printer", kiosk="kiosk-1")
    _ticket, job = issue_at(session, office, kiosk)
    assert job.printer_id == paired.id
    assert job.status is PrintJobStatus.PENDING and job.attempts == 0
    assert job.slip["number"] == "1001"


def test_an_unpaired_printer_prints_for_kiosks_without_their_own(session, office, device):
    kiosk = device("kiosk-1", "kiosk")
    hall = device("hall-printer", "printer")
    _ticket, job = issue_at(session, office, kiosk)
    assert job.printer_id == hall.id


def test_the_unpaired_printer_never_prints_for_a_kiosk_that_has_its_own(session, office, device):
    first, second = device("kiosk-1", "kiosk"), device("kiosk-2", "kiosk")
    hall = device("hall-printer", "printer")
    own = device("kiosk-2-printer", "printer", kiosk="kiosk-2")
    jobs = [issue_at(session, office, kiosk)[1] for kiosk in (first, second, second)]
    assert [job.printer_id for job in jobs] == [hall.id, own.id, own.id]


def test_a_printer_paired_with_another_kiosk_does_not_print_here(session, office, device):
    kiosk = device("kiosk-1", "kiosk")
    device("kiosk-2", "kiosk")
    device("kiosk-2-printer", "printer", kiosk="kiosk-2")
    ticket, job = issue_at(session, office, kiosk)
    assert job is None
    assert print_jobs.print_outcome(session, ticket, now=THURSDAY_9AM) == {"status": "no_printer"}


def test_no_printer_means_no_job(session, office, device):
    ticket, job = issue_at(session, office, device("kiosk-1", "kiosk"))
    assert job is None
    assert print_jobs.issue_job_of(session, ticket) is None


def test_a_revoked_printer_hands_its_kiosk_to_the_unpaired_one(session, office, device):
    kiosk = device("kiosk-1", "kiosk")
    hall = device("hall-printer", "printer")
    own = device("kiosk-1-printer", "printer", kiosk="kiosk-1")
    own.is_revoked = True
    session.commit()
    assert issue_at(session, office, kiosk)[1].printer_id == hall.id


def test_a_ticket_issued_at_a_counter_prints_on_the_unpaired_printer(session, office, device):
    device("kiosk-1-printer", "printer", kiosk=device("kiosk-1", "kiosk").name)
    hall = device("hall-printer", "printer")
    assert issue_at(session, office, kiosk=None)[1].printer_id == hall.id


def test_a_ticket_gets_one_issue_job_however_often_it_is_queued(session, office, device):
    device("hall-printer", "printer")
    ticket, job = issue_at(session, office, device("kiosk-1", "kiosk"))
    again = print_jobs.queue_ticket_print(session, ticket, SLIP, now=THURSDAY_9AM)
    assert again is None
    assert print_jobs.issue_job_of(session, ticket).id == job.id


def test_delivery_marks_jobs_sent_oldest_first_and_records_the_agent(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    jobs = [issue_at(session, office, kiosk)[1] for _ in range(2)]
    later = THURSDAY_9AM + timedelta(seconds=30)
    delivered = print_jobs.deliver_pending(session, printer, now=later)
    assert [job.id for job in delivered] == [job.id for job in jobs]
    assert all(job.status is PrintJobStatus.SENT and job.sent_at == later for job in delivered)
    assert printer.printer_seen_at == later


def test_jobs_too_old_to_help_fail_instead_of_printing_late(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    _old_ticket, old = issue_at(session, office, kiosk)
    fresh_at = THURSDAY_9AM + timedelta(seconds=print_jobs.JOB_LIFETIME_S)
    _ticket, fresh = issue_at(session, office, kiosk, at=fresh_at)
    delivered = print_jobs.deliver_pending(session, printer, now=fresh_at + timedelta(seconds=1))
    assert [job.id for job in delivered] == [fresh.id]
    assert old.status is PrintJobStatus.FAILED and old.last_error.startswith("expired")


def test_an_acknowledged_job_is_never_delivered_again(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    _ticket, job = issue_at(session, office, kiosk)
    print_jobs.acknowledge_job(session, printer, job.id, printed=True, error=None,
                             now=THURSDAY_9AM)
    assert job.status is PrintJobStatus.PRINTED and job.attempts == 1
    assert print_jobs.deliver_pending(session, printer, now=THURSDAY_9AM) == []


def test_acknowledging_twice_is_harmless_and_printing_beats_failing(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    _ticket, job = issue_at(session, office, kiosk)
    acknowledge = print_jobs.acknowledge_job
    acknowledge(session, printer, job.id, printed=False, error="expired", now=THURSDAY_9AM)
    acknowledge(session, printer, job.id, printed=False, error="expired", now=THURSDAY_9AM)
    assert (job.status, job.attempts, job.last_error) == (PrintJobStatus.FAILED, 1, "expired")
    acknowledge(session, printer, job.id, printed=True, error=None, now=THURSDAY_9AM)
    acknowledge(session, printer, job.id, printed=True, error=None, now=THURSDAY_9AM)
    assert (job.status, job.attempts) == (PrintJobStatus.PRINTED, 2)
    with pytest.raises(Conflict):
        acknowledge(session, printer, job.id, printed=False, error="late", now=THURSDAY_9AM)


def test_a_printer_cannot_acknowledge_another_printers_job(session, office, device):
    kiosk = device("kiosk-1", "kiosk")
    device("hall-printer", "printer")
    other = device("kiosk-2-printer", "printer", kiosk=device("kiosk-2", "kiosk").name)
    _ticket, job = issue_at(session, office, kiosk)
    with pytest.raises(Forbidden):
        print_jobs.acknowledge_job(session, other, job.id, printed=True, error=None,
                                 now=THURSDAY_9AM)
    with pytest.raises(NotFound):
        print_jobs.acknowledge_job(session, other, 999, printed=True, error=None, now=THURSDAY_9AM)


def test_a_failed_try_counts_an_attempt_and_keeps_its_error(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    _ticket, job = issue_at(session, office, kiosk)
    for _ in range(2):
        print_jobs.record_printer_status(session, printer, PrinterState.ERROR, "refused: no",
                                       now=THURSDAY_9AM, job_id=job.id)
    assert (job.status, job.attempts, job.last_error) == (PrintJobStatus.SENT, 2, "refused: no")
    assert (printer.printer_state, printer.printer_error) == (PrinterState.ERROR, "refused: no")


def test_a_printer_back_to_ok_keeps_its_last_error_for_staff(session, office, device):
    printer = device("hall-printer", "printer")
    print_jobs.record_printer_status(session, printer, PrinterState.PAPER_OUT, "no paper",
                                   now=THURSDAY_9AM)
    print_jobs.record_printer_status(session, printer, PrinterState.OK, None,
                                   now=THURSDAY_9AM + timedelta(minutes=1))
    assert printer.printer_state is PrinterState.OK
    assert (printer.printer_error, printer.printer_error_at) == ("no paper", THURSDAY_9AM)


@pytest.mark.parametrize("state, problem", [(PrinterState.ERROR, "error"),
                                            (PrinterState.PAPER_OUT, "paper_out")])
def test_a_reported_fault_makes_the_issue_answer_printer_error(session, office, device, state,
                                                                problem):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    print_jobs.record_printer_status(session, printer, state, "fault", now=THURSDAY_9AM)
    ticket, job = issue_at(session, office, kiosk)
    outcome = print_jobs.print_outcome(session, ticket, now=THURSDAY_9AM)
    assert outcome == {"status": "printer_error", "printer": "hall-printer", "job": job.id,
                       "reason": problem}


def test_a_printer_that_reported_ok_recently_queues_the_print(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    seen_ok(session, printer)
    ticket, job = issue_at(session, office, kiosk)
    at = THURSDAY_9AM + timedelta(seconds=print_jobs.STALE_AFTER_S)
    assert print_jobs.print_outcome(session, ticket, now=at) == {
        "status": "queued", "printer": "hall-printer", "job": job.id}


def test_a_printer_never_seen_or_silent_too_long_is_in_error(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    ticket, _job = issue_at(session, office, kiosk)
    assert print_jobs.print_outcome(session, ticket, now=THURSDAY_9AM)["reason"] == "not_seen"
    seen_ok(session, printer)
    silent = THURSDAY_9AM + timedelta(seconds=print_jobs.STALE_AFTER_S + 1)
    assert print_jobs.print_outcome(session, ticket, now=silent)["reason"] == "not_seen"


def test_jobs_piling_up_make_the_printer_in_error(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    issue_at(session, office, kiosk)
    later = THURSDAY_9AM + timedelta(seconds=print_jobs.BACKLOG_AGE_S + 1)
    seen_ok(session, printer, at=later)
    ticket, _job = issue_at(session, office, kiosk, at=later)
    assert print_jobs.print_outcome(session, ticket, now=later)["reason"] == "backlog"
    health = print_jobs.printer_health(session, printer, now=later)
    assert (health.pending, health.problem) == (2, "backlog")


def test_the_new_job_itself_is_not_a_backlog(session, office, device):
    kiosk, printer = device("kiosk-1", "kiosk"), device("hall-printer", "printer")
    ticket, job = issue_at(session, office, kiosk)
    later = THURSDAY_9AM + timedelta(seconds=print_jobs.BACKLOG_AGE_S + 1)
    seen_ok(session, printer, at=later)
    assert print_jobs.print_outcome(session, ticket, now=later, job=job)["status"] == "queued"


def test_a_reprint_is_a_new_job_on_the_serving_or_named_printer(session, office, device):
    kiosk = device("kiosk-1", "kiosk")
    hall, spare = device("hall-printer", "printer"), device("spare-printer", "printer")
    ticket, first = issue_at(session, office, kiosk)
    again = print_jobs.reprint_ticket(session, ticket, SLIP, now=THURSDAY_9AM, user_id=None)
    named = print_jobs.reprint_ticket(session, ticket, SLIP, now=THURSDAY_9AM, user_id=None,
                                    printer_name="spare-printer")
    assert again.id != first.id and again.is_reprint and again.printer_id == hall.id
    assert named.printer_id == spare.id
    assert print_jobs.issue_job_of(session, ticket).id == first.id
    with pytest.raises(NotFound):
        print_jobs.reprint_ticket(session, ticket, SLIP, now=THURSDAY_9AM, user_id=None,
                                printer_name="kiosk-1")


def test_reprinting_needs_a_printer_and_a_ticket_still_in_play(session, office, device):
    ticket, _job = issue_at(session, office, device("kiosk-1", "kiosk"))
    with pytest.raises(Conflict) as refused:
        print_jobs.reprint_ticket(session, ticket, SLIP, now=THURSDAY_9AM, user_id=None)
    assert refused.value.code == "no_printer"
    device("hall-printer", "printer")
    lifecycle.cancel_ticket(session, ticket, now=THURSDAY_9AM, actor=Actor())
    with pytest.raises(Conflict) as finished:
        print_jobs.reprint_ticket(session, ticket, SLIP, now=THURSDAY_9AM, user_id=None)
    assert finished.value.code == "ticket_not_printable"


def test_the_agent_payload_says_how_long_the_job_is_still_worth_printing(session, office, device):
    device("hall-printer", "printer")
    _ticket, job = issue_at(session, office, device("kiosk-1", "kiosk"))
    payload = print_jobs.job_payload(job, now=THURSDAY_9AM + timedelta(seconds=100))
    assert payload == {"id": job.id, "key": job.key, "number": "1001", "slip": job.slip,
                       "is_reprint": False, "expires_in_s": print_jobs.JOB_LIFETIME_S - 100}
    assert len(job.key) >= 20
