"""The slip the server builds from a ticket: translated text in the office's local time."""

from datetime import UTC, datetime, timedelta

import pytest

from queue_server.printing.slips import build_slip, wait_line
from queue_server.tickets import lifecycle
from queue_server.tickets.forecast import Forecast
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number, ticket_forecast

from ..conftest import THURSDAY_9AM

TRACK_URL = "http://queue.test/t/abc"


@pytest.fixture
def ticket(session, make_office):
    office = make_office(ticket_footer="Cảm ơn công dân đã sử dụng dịch vụ!")
    lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
    made = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
    session.commit()
    return made


def test_a_slip_carries_the_ticket_in_vietnamese(session, ticket):
    later = THURSDAY_9AM + timedelta(minutes=1)
    slip = build_slip(ticket, ticket_forecast(session, ticket, later), TRACK_URL)
    assert slip.office_name == "Bộ phận Một cửa – Xã Thử"
    assert (slip.heading, slip.number, slip.service) == ("SỐ THỨ TỰ", "1002", "Đất đai")
    assert slip.counters == "Quầy 1, 2"
    assert slip.ahead_line == "Số người đang chờ trước bạn: 1"
    assert slip.wait_line == "Thời gian chờ dự kiến: dưới 1 phút"
    assert slip.issued_line == "Giờ lấy số: 26/11/2026 09:00"
    assert (slip.qr_payload, slip.footer) == (TRACK_URL, "Cảm ơn công dân đã sử dụng dịch vụ!")


def test_the_issue_time_is_the_offices_local_time_not_utc(ticket):
    ticket.issued_at = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert build_slip(ticket, None, TRACK_URL).issued_line == "Giờ lấy số: 27/11/2026 06:30"


def test_english_slips_exist_for_visitors(session, ticket):
    slip = build_slip(ticket, Forecast(ahead=2, estimated_wait_s=600), TRACK_URL, language="en")
    assert (slip.heading, slip.counters) == ("YOUR NUMBER", "Counter 1, 2")
    assert slip.ahead_line == "People waiting before you: 2"
    assert slip.wait_line == "Estimated wait: about 10 min"


@pytest.mark.parametrize("seconds, line", [
    (0, "Thời gian chờ dự kiến: dưới 1 phút"),
    (59, "Thời gian chờ dự kiến: khoảng 1 phút"),
    (600, "Thời gian chờ dự kiến: khoảng 10 phút"),
    (601, "Thời gian chờ dự kiến: khoảng 11 phút"),
    (3600, "Thời gian chờ dự kiến: khoảng 1 giờ"),
    (5400, "Thời gian chờ dự kiến: khoảng 1 giờ 30 phút"),
    (None, ""),
])
def test_the_wait_is_rounded_up_to_whole_minutes(ticket, seconds, line):
    assert wait_line(ticket, Forecast(ahead=0, estimated_wait_s=seconds)) == line


def test_a_called_ticket_reprints_with_its_counter_and_no_wait(session, ticket):
    counter = find_counter_by_number(session, ticket.office, 2)
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    session.commit()
    assert ticket.counter.number == 2
    slip = build_slip(ticket, None, TRACK_URL)
    assert slip.counters == "Quầy 2"
    assert (slip.ahead_line, slip.wait_line) == ("Số người đang chờ trước bạn: 0",
                                                 "Đã đến lượt của bạn")


def test_a_slip_survives_the_trip_to_the_agent_as_a_dict(ticket):
    slip = build_slip(ticket, None, TRACK_URL)
    assert type(slip).from_dict(slip.to_dict()) == slip
