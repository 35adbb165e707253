"""The slip the server builds from a ticket: translated text in the office's local time."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from queue_server.core import i18n
from queue_server.printing.slips import build_slip, wait_line
from queue_server.tickets import lifecycle
from queue_server.tickets.forecast import Forecast
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number, ticket_forecast

from ..conftest import THURSDAY_9AM

TRACK_URL = "http://queue.test/t/abc"


def kiosk_words(language: str) -> dict[str, str]:
    """The kiosk's texts of one language, as its page receives them."""
    return i18n.page_texts("kiosk", language)


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
    assert slip.ahead_line == "Số người đang chờ trước: 1 người"
    assert slip.wait_line == "Thời gian chờ dự kiến: Sắp đến lượt"
    assert slip.issued_line == "Giờ lấy số: 09:00 26/11/2026"
    assert slip.priority_line == ""
    assert (slip.qr_payload, slip.footer) == (TRACK_URL, "Cảm ơn công dân đã sử dụng dịch vụ!")


def test_the_issue_time_is_the_offices_local_time_not_utc(ticket):
    ticket.issued_at = datetime(2026, 11, 26, 23, 30, tzinfo=UTC)
    assert build_slip(ticket, None, TRACK_URL).issued_line == "Giờ lấy số: 06:30 27/11/2026"


def test_english_slips_exist_for_visitors(session, ticket):
    slip = build_slip(ticket, Forecast(ahead=2, estimated_wait_s=600), TRACK_URL, language="en")
    assert (slip.heading, slip.counters) == ("YOUR NUMBER", "Counter 1, 2")
    assert slip.ahead_line == "People before you: 2"
    assert slip.wait_line == "Estimated wait: about 10 min"


@pytest.mark.parametrize("seconds, line", [
    (0, "Thời gian chờ dự kiến: Sắp đến lượt"),
    (59, "Thời gian chờ dự kiến: Sắp đến lượt"),
    (60, "Thời gian chờ dự kiến: khoảng 1 phút"),
    (600, "Thời gian chờ dự kiến: khoảng 10 phút"),
    (629, "Thời gian chờ dự kiến: khoảng 10 phút"),
    (630, "Thời gian chờ dự kiến: khoảng 11 phút"),
    (3600, "Thời gian chờ dự kiến: khoảng 1 giờ"),
    (5400, "Thời gian chờ dự kiến: khoảng 1 giờ 30 phút"),
    (None, ""),
])
def test_the_wait_is_rounded_to_the_nearest_minute_like_the_kiosk(ticket, seconds, line):
    assert wait_line(ticket, Forecast(ahead=0, estimated_wait_s=seconds)) == line


def test_a_called_ticket_reprints_with_its_counter_and_no_wait(session, ticket):
    counter = find_counter_by_number(session, ticket.office, 2)
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    session.commit()
    assert ticket.counter.number == 2
    slip = build_slip(ticket, None, TRACK_URL)
    assert slip.counters == "Quầy 2"
    assert (slip.ahead_line, slip.wait_line) == ("Số người đang chờ trước: Không có ai",
                                                 "Đã đến lượt của ông/bà")


def test_a_slip_survives_the_trip_to_the_agent_as_a_dict(ticket):
    slip = build_slip(ticket, None, TRACK_URL)
    assert type(slip).from_dict(slip.to_dict()) == slip


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_slip_words_the_ticket_as_the_kiosk_does(session, ticket, language):
    words = kiosk_words(language)
    slip = build_slip(ticket, Forecast(ahead=0, estimated_wait_s=30), TRACK_URL,
                      language=language)
    assert slip.ahead_line.startswith(words["ahead"] + ": ")
    assert slip.wait_line == f"{words['wait']}: {words['soon']}"
    assert slip.issued_line.startswith(words["issuedAt"] + ": ")
    assert slip.qr_caption == words["qrCaption"]


def test_the_slip_addresses_the_citizen_as_ong_ba_never_ban(session, ticket):
    counter = find_counter_by_number(session, ticket.office, 1)
    waiting = build_slip(ticket, Forecast(ahead=3, estimated_wait_s=900), TRACK_URL)
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
    called = build_slip(ticket, None, TRACK_URL)
    printed = " ".join(str(value) for slip in (waiting, called)
                       for value in slip.to_dict().values())
    assert not re.search(r"\bbạn\b", printed)
    assert called.wait_line == "Đã đến lượt của ông/bà"


def test_a_priority_ticket_prints_its_priority_group(session, make_office):
    office = make_office()
    made = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor(),
                                  priority_code="elderly")
    session.commit()
    assert build_slip(made, None, TRACK_URL).priority_line == "Ưu tiên: Người cao tuổi"
    assert build_slip(made, None, TRACK_URL, language="en").priority_line == (
        "Priority: Người cao tuổi")
