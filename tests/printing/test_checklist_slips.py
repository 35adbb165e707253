"""The checklist slip the server builds from a procedure, and the ticket slip that names one:
translated text in the office's local time."""

from __future__ import annotations

from datetime import UTC

from queue_server.printing.slips import build_checklist_slip, build_slip
from queue_server.procedures.catalogue import find_procedure
from queue_server.procedures.importing import import_file
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM
from ..support.procedure_files import SMALL, write_csv

LAND = "1.012345.000.00.00.H37"
PAGE = f"http://queue.test/thu-tuc/test-office/{LAND}"


def land(session, make_office, tmp_path):
    office = make_office()
    import_file(session, office, write_csv(tmp_path / "p.csv", SMALL), now=THURSDAY_9AM)
    procedure = find_procedure(session, office, LAND)
    assert procedure is not None
    return office, procedure


def test_a_checklist_lists_the_documents_with_time_fees_and_counters(session, make_office,
                                                                    tmp_path):
    _office, procedure = land(session, make_office, tmp_path)
    slip = build_checklist_slip(procedure, PAGE, now=THURSDAY_9AM.astimezone(UTC))
    assert slip.title == "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"
    assert slip.code_line == f"Mã thủ tục: {LAND}"
    assert slip.items == ("Đơn đăng ký", "Giấy tờ về quyền sử dụng đất")
    assert slip.notes == ("Thời hạn giải quyết: 30 ngày", "Phí, lệ phí: Theo quy định của tỉnh",
                          "Nộp hồ sơ tại: Quầy 1, 2")
    assert slip.printed_line == "In lúc 09:00 26/11/2026"  # the office's wall clock
    assert slip.qr_payload == PAGE
    english = build_checklist_slip(procedure, PAGE, now=THURSDAY_9AM, language="en")
    assert english.heading == "DOCUMENTS TO BRING" and english.notes[2] == "File at: counter 1, 2"


def test_a_procedure_without_documents_says_to_ask_at_the_counter(session, make_office,
                                                                 tmp_path):
    _office, procedure = land(session, make_office, tmp_path)
    procedure.documents, procedure.fees, procedure.processing_time = [], "", ""
    slip = build_checklist_slip(procedure, PAGE, now=THURSDAY_9AM)
    assert slip.items == ("Xin hỏi cán bộ tại quầy về giấy tờ cần mang.",)
    assert slip.notes == ("Nộp hồ sơ tại: Quầy 1, 2",)


def test_a_ticket_for_a_procedure_names_it_on_the_slip(session, make_office, tmp_path):
    office, procedure = land(session, make_office, tmp_path)
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor(),
                                    procedure=procedure)
    slip = build_slip(ticket, None, "http://queue.test/t/x")
    assert slip.procedure_line == "Thủ tục: Cấp giấy chứng nhận quyền sử dụng đất lần đầu"
    plain = lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM, actor=Actor())
    assert "procedure_line" not in build_slip(plain, None, "http://queue.test/t/y").to_dict()
