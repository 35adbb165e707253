"""Importing a catalogue: all of it or nothing, every bad row named, re-imports by code."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from queue_server.models import Procedure
from queue_server.procedures.importing import documents_of, import_file
from queue_server.procedures.reading import ProcedureFileError

from ..conftest import THURSDAY_9AM
from ..support.procedure_files import SMALL, national_rows, write_csv, write_xlsx


def visible(session) -> dict[str, Procedure]:
    return {p.code: p for p in session.scalars(select(Procedure).where(~Procedure.is_hidden))}


def test_two_thousand_procedures_under_the_national_headers_import_from_xlsx(
        session, make_office, tmp_path):
    office = make_office()
    path = write_xlsx(tmp_path / "tthc.xlsx", national_rows(2000),
                      title="DANH MỤC THỦ TỤC HÀNH CHÍNH")
    result = import_file(session, office, path, now=THURSDAY_9AM)
    session.commit()
    assert result.summary() == "2000 added, 0 updated, 0 hidden"
    procedures = visible(session)
    assert len(procedures) == 2000
    first = procedures["1.000000.000.00.00.H37"]
    assert first.name == "Đăng ký khai sinh số 0"
    assert first.service.code == "dat-dai" and first.field == "Đất đai"
    assert first.documents == [f"Giấy tờ thứ {n} của thủ tục 0" for n in (1, 2, 3)]
    assert first.processing_time == "05 ngày làm việc" and first.legal_basis == "Luật Hộ tịch 2014"


def test_our_headers_in_any_order_import_from_csv(session, make_office, tmp_path):
    office = make_office()
    result = import_file(session, office, write_csv(tmp_path / "p.csv", SMALL), now=THURSDAY_9AM)
    assert (result.added, result.updated, result.hidden) == (3, 0, 0)
    birth = visible(session)["1.001193.000.00.00.H37"]
    assert birth.service.code == "tu-phap"
    assert birth.documents == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert birth.url == "https://dichvucong.gov.vn/p/1" and birth.fees == "Miễn lệ phí"


def test_a_broken_file_changes_nothing_and_names_every_bad_row(session, make_office, tmp_path):
    office = make_office()
    import_file(session, office, write_csv(tmp_path / "good.csv", SMALL), now=THURSDAY_9AM)
    session.commit()
    rows = national_rows(6)
    rows[2][2] = ""  # row 3: no name
    rows[3][10] = "khong-co"  # row 4: unknown service
    rows[5][1] = rows[4][1]  # row 6: the code of row 5
    rows[6][1] = ""  # row 7: no code
    path = write_xlsx(tmp_path / "broken.xlsx", rows)
    with pytest.raises(ProcedureFileError) as caught:
        import_file(session, office, path, now=THURSDAY_9AM)
    session.rollback()
    assert caught.value.problems == [
        "row 3: no name",
        "row 4: unknown service 'khong-co'",
        "row 6: duplicate code '1.000003.000.00.00.H37' (also on row 5)",
        "row 7: no code",
    ]
    assert set(visible(session)) == {row[1] for row in SMALL[1:]}
    assert session.scalar(select(func.count()).select_from(Procedure)) == 3


def test_reimport_updates_by_code_and_hides_what_the_file_leaves_out(
        session, make_office, tmp_path):
    office = make_office()
    import_file(session, office, write_csv(tmp_path / "a.csv", SMALL), now=THURSDAY_9AM)
    changed = [row[:] for row in SMALL[:3]]
    changed[1][5] = "10.000 đồng"  # the birth registration's fee changes; marriage stays
    result = import_file(session, office, write_csv(tmp_path / "b.csv", changed),
                         now=THURSDAY_9AM)
    assert result.summary() == "0 added, 1 updated, 1 hidden"
    assert set(visible(session)) == {"1.001193.000.00.00.H37", "1.000894.000.00.00.H37"}
    land = session.scalar(select(Procedure).where(Procedure.code == "1.012345.000.00.00.H37"))
    assert land is not None and land.is_hidden  # hidden, never deleted
    again = import_file(session, office, write_csv(tmp_path / "c.csv", SMALL), now=THURSDAY_9AM)
    assert again.summary() == "0 added, 2 updated, 0 hidden"  # the fee back, the land shown


def test_the_service_follows_from_the_field_when_the_column_is_absent(
        session, make_office, tmp_path):
    office = make_office()
    rows = [["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"], ["1.1", "Cấp sổ đỏ", "Đất đai"],
            ["1.2", "Việc khác", "Lĩnh vực lạ"]]
    with pytest.raises(ProcedureFileError) as caught:
        import_file(session, office, write_csv(tmp_path / "f.csv", rows), now=THURSDAY_9AM)
    assert caught.value.problems == [
        "row 3: no service named like the field 'Lĩnh vực lạ': fill the service column"]
    import_file(session, office, write_csv(tmp_path / "g.csv", rows[:2]), now=THURSDAY_9AM)
    assert visible(session)["1.1"].service.code == "dat-dai"


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("p.txt", b"x", "the file must be .xlsx or .csv"),
    ("p.xlsx", b"not a zip", "not a readable .xlsx file"),
    ("p.csv", b"a,b\n1,2\n", "no header row"),
    ("p.csv", "\ufeffname,name\nx,y\n".encode(), "row 1: two columns mean 'name'"),
    ("p.csv", "Tên thủ tục\nx\n".encode(), "row 1: no 'code' column"),
    ("p.csv", b"code,name\n", "no procedures below the header row"),
    ("p.csv", b"code,name\n\xff\xfe,x\n", "the .csv file must be UTF-8"),
])
def test_unreadable_files_are_refused_with_the_reason(session, make_office, tmp_path, name,
                                                      content, problem):
    office = make_office()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ProcedureFileError) as caught:
        import_file(session, office, path, now=THURSDAY_9AM)
    assert caught.value.problems[0].startswith(problem)


def test_document_lists_lose_their_bullets_and_blank_lines():
    cell = "- Tờ khai\n\n+ Bản sao  giấy tờ\n• Ảnh 4x6\n2. Đơn đề nghị\n"
    assert documents_of(cell) == ("Tờ khai", "Bản sao giấy tờ", "Ảnh 4x6", "Đơn đề nghị")
