"""The forgiving search: no diacritics, no case, any word order, đ as d, best match first."""

from __future__ import annotations

import pytest

from queue_server.procedures.catalogue import fields_of, find_procedure, search
from queue_server.procedures.importing import import_file

from ..conftest import THURSDAY_9AM
from ..support.procedure_files import SMALL, write_csv

BIRTH = "Đăng ký khai sinh"


@pytest.fixture
def office(session, make_office, tmp_path):
    office = make_office()
    rows = [*SMALL, ["Đăng ký khai sinh có yếu tố nước ngoài", "2.000528", "tu-phap", "Hộ tịch",
                     "", "", "", "", "", ""],
            ["Cấp bản sao trích lục khai sinh", "2.000635", "tu-phap", "Hộ tịch", "", "", "",
             "", "", ""]]
    import_file(session, office, write_csv(tmp_path / "p.csv", rows), now=THURSDAY_9AM)
    session.commit()
    return office


def names(session, office, query, field=None):
    return [p.name for p in search(session, office, query, field)]


@pytest.mark.parametrize("query", ["dang ky khai sinh", "khai sinh", "KHAI SINH", "Đăng ký khai",
                                   "sinh khai dang", "dang  ky, khai-sinh", "đang ky khai sinh",
                                   "dang ky khai si"])
def test_birth_registration_is_found_however_it_is_typed(session, office, query):
    assert names(session, office, query)[0] == BIRTH


def test_the_closest_name_comes_first_and_every_word_must_match(session, office):
    # The phrase at the start of a name first, then inside one, shorter names first.
    assert names(session, office, "khai sinh") == [
        BIRTH, "Cấp bản sao trích lục khai sinh", "Đăng ký khai sinh có yếu tố nước ngoài"]
    assert names(session, office, "dang ky sinh")[:2] == [
        BIRTH, "Đăng ký khai sinh có yếu tố nước ngoài"]
    assert names(session, office, "khai sinh dat") == []
    assert names(session, office, "ket hon") == ["Đăng ký kết hôn"]


def test_a_code_finds_its_procedure_and_a_field_narrows(session, office):
    assert names(session, office, "1.001193.000.00.00.H37") == [BIRTH]
    assert names(session, office, "", field="Đất đai") == [
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"]
    assert [(f.name, f.count) for f in fields_of(session, office)] == [("Đất đai", 1),
                                                                      ("Hộ tịch", 4)]


def test_hidden_procedures_are_neither_found_nor_listed(session, office):
    procedure = find_procedure(session, office, "2.000528")
    assert procedure is not None
    procedure.is_hidden = True
    session.flush()
    assert find_procedure(session, office, "2.000528") is None
    assert "Đăng ký khai sinh có yếu tố nước ngoài" not in names(session, office, "khai sinh")


def test_a_search_after_a_reimport_sees_the_new_catalogue(session, office, tmp_path):
    assert names(session, office, "ket hon") == ["Đăng ký kết hôn"]
    renamed = [row[:] for row in SMALL]
    renamed[2][0] = "Đăng ký kết hôn lưu động"
    import_file(session, office, write_csv(tmp_path / "again.csv", renamed[:3]),
                now=THURSDAY_9AM.replace(hour=10))
    assert names(session, office, "ket hon") == ["Đăng ký kết hôn lưu động"]
    assert names(session, office, "quyen su dung dat") == []  # hidden by the re-import
