"""The outbox over a session with a fixed `now`: queued once, claimed by one sender, retried
with backoff, handed to the next channel on a refusal, within the office's rate."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.models import MessageStatus, OutboxMessage
from queue_server.notify import outbox
from queue_server.notify.channels import Delivered, SendFailure

from ..conftest import THURSDAY_9AM

NOW = THURSDAY_9AM
NO_LIMIT = lambda _office: 1000  # noqa: E731 - a per-office rate that never stops anyone


@pytest.fixture
def office(make_office):
    return make_office()


def queue(session, office, *, channels=("zalo", "sms"), key="near_turn:1", kind="near_turn",
          now=NOW):
    message = outbox.enqueue(session, office_id=office.id, kind=kind, channels=list(channels),
                             destination="84912345678", payload={"number": "1005"}, now=now,
                             dedupe_key=key)
    session.commit()
    return message


def messages(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_one_message_per_dedupe_key(session, office):
    first = queue(session, office)
    assert first.status is MessageStatus.QUEUED and first.channel == "zalo"
    assert first.fallbacks == ["sms"] and len(first.tracking_id) == 32
    assert queue(session, office) is None
    assert len(messages(session)) == 1


def test_a_due_message_is_claimed_by_one_sender_only(session, engine, office):
    from sqlalchemy.orm import Session

    queue(session, office)
    [claimed] = outbox.claim_due(session, NOW, per_minute=NO_LIMIT)
    session.commit()
    with Session(engine) as other:
        assert outbox.claim_due(other, NOW, per_minute=NO_LIMIT) == []
    assert claimed.attempts == 1
    assert messages(session)[0].status is MessageStatus.SENDING


def test_a_stale_claim_cannot_record_a_result(session, office):
    queue(session, office)
    [claimed] = outbox.claim_due(session, NOW, per_minute=NO_LIMIT)
    session.commit()
    later = NOW + outbox.LEASE + timedelta(seconds=1)
    [again] = outbox.claim_due(session, later, per_minute=NO_LIMIT)  # the first sender died
    session.commit()
    assert not outbox.record_sent(session, claimed, Delivered("old"), now=later)
    assert outbox.record_sent(session, again, Delivered("zns-7"), now=later)
    session.commit()
    [message] = messages(session)
    assert (message.status, message.attempts, message.provider_id) == (
        MessageStatus.SENT, 2, "zns-7")


def test_a_message_left_sending_by_a_dead_process_is_retried_with_its_tracking_id(session,
                                                                                 office):
    tracking_id = queue(session, office).tracking_id
    outbox.claim_due(session, NOW, per_minute=NO_LIMIT)
    session.commit()
    assert outbox.claim_due(session, NOW + outbox.LEASE - timedelta(seconds=1),
                            per_minute=NO_LIMIT) == []
    [again] = outbox.claim_due(session, NOW + outbox.LEASE, per_minute=NO_LIMIT)
    session.commit()
    assert again.attempts == 2 and messages(session)[0].tracking_id == tracking_id


def test_a_failure_is_retried_after_its_backoff_then_the_next_channel_takes_over(session,
                                                                               office):
    queue(session, office)
    now = NOW
    for attempt, delay in enumerate((5.0, 15.0), 1):
        [claimed] = outbox.claim_due(session, now, per_minute=NO_LIMIT)
        assert claimed.attempts == attempt
        outbox.record_failure(session, claimed, SendFailure("HTTP 503", code="http_503"),
                              now=now, retry_delays_s=(5.0, 15.0))
        session.commit()
        [message] = messages(session)
        assert message.status is MessageStatus.QUEUED
        assert message.next_attempt_at == now + timedelta(seconds=delay)
        assert outbox.claim_due(session, now + timedelta(seconds=delay - 1),
                                per_minute=NO_LIMIT) == []
        now += timedelta(seconds=delay)
    [claimed] = outbox.claim_due(session, now, per_minute=NO_LIMIT)
    fallback = outbox.record_failure(session, claimed, SendFailure("HTTP 503", code="http_503"),
                                     now=now, retry_delays_s=(5.0, 15.0))
    session.commit()
    zalo, sms = messages(session)
    assert (zalo.status, zalo.attempts, zalo.last_error) == (MessageStatus.FAILED, 3, "HTTP 503")
    assert fallback.id == sms.id
    assert (sms.channel, sms.status, sms.fallbacks, sms.payload) == (
        "sms", MessageStatus.QUEUED, [], {"number": "1005"})
    assert sms.tracking_id != zalo.tracking_id and sms.expires_at == zalo.expires_at


def test_a_refusal_goes_to_the_next_channel_at_once(session, office):
    queue(session, office)
    [claimed] = outbox.claim_due(session, NOW, per_minute=NO_LIMIT)
    refusal = SendFailure("Zalo error -118: Zalo account not existed", code="-118",
                          is_refusal=True)
    outbox.record_failure(session, claimed, refusal, now=NOW)
    session.commit()
    zalo, sms = messages(session)
    assert (zalo.status, zalo.error_code, zalo.attempts) == (MessageStatus.FAILED, "-118", 1)
    assert zalo.last_error == "Zalo error -118: Zalo account not existed"
    assert (sms.channel, sms.status) == ("sms", MessageStatus.QUEUED)


def test_the_last_channel_refusing_fails_the_message(session, office):
    queue(session, office, channels=["sms"])
    [claimed] = outbox.claim_due(session, NOW, per_minute=NO_LIMIT)
    assert outbox.record_failure(session, claimed, SendFailure("no", is_refusal=True),
                                 now=NOW) is None
    session.commit()
    assert [m.status for m in messages(session)] == [MessageStatus.FAILED]


def test_an_office_sends_no_more_than_its_rate_a_minute(session, office, make_office):
    other = make_office(slug="other", name="Xã Khác")
    for number in range(5):
        queue(session, office, key=f"near_turn:{number}")
    queue(session, other, key="near_turn:other")
    rate = {office.id: 3, other.id: 3}
    claimed = outbox.claim_due(session, NOW, per_minute=rate.__getitem__)
    session.commit()
    offices = [session.get(OutboxMessage, one.message_id).office_id for one in claimed]
    assert sorted(offices) == sorted([office.id] * 3 + [other.id])
    assert outbox.claim_due(session, NOW + timedelta(seconds=59), per_minute=rate.__getitem__) == []
    assert len(outbox.claim_due(session, NOW + timedelta(seconds=61),
                                per_minute=rate.__getitem__)) == 2


def test_a_message_not_sent_in_its_lifetime_fails_as_expired(session, office):
    queue(session, office, kind="called", key="called:1")  # worth 30 minutes
    assert outbox.expire_overdue(session, NOW + timedelta(minutes=29)) == 0
    assert outbox.expire_overdue(session, NOW + timedelta(minutes=30)) == 1
    session.commit()
    [message] = messages(session)
    assert (message.status, message.error_code) == (MessageStatus.FAILED, "expired")
    assert outbox.claim_due(session, NOW + timedelta(hours=1), per_minute=NO_LIMIT) == []


def test_the_webhook_neither_counts_towards_nor_waits_for_the_office_rate(session, office):
    for number in range(3):
        queue(session, office, key=f"near_turn:{number}")
    for number in range(4):
        queue(session, office, channels=("webhook",), kind="visit.finished",
              key=f"webhook:visit.finished:{number}")
    rate = {office.id: 2}
    claimed = outbox.claim_due(session, NOW, per_minute=rate.__getitem__,
                               unmetered=("webhook",))
    session.commit()
    channels = sorted(session.get(OutboxMessage, one.message_id).channel for one in claimed)
    assert channels == ["webhook"] * 4 + ["zalo"] * 2
    # The two messages to citizens used up the minute; the webhook took none of it.
    assert outbox.claim_due(session, NOW + timedelta(seconds=30), per_minute=rate.__getitem__,
                            unmetered=("webhook",)) == []
