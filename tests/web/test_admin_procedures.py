"""/admin's procedure pages through HTTP: the list, the edit of a procedure and its documents
(logged, seen at once by searches), refusals next to their field, and the other office's
manager kept out."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from queue_server.models import AdminAuditEntry, AdminObject, Role
from queue_server.procedures.importing import import_file
from queue_server.security.tokens import add_user
from queue_server.tickets.queue_state import find_office

from ..support.browsing import PASSWORD, Browser
from ..support.procedure_files import SMALL, write_csv

ADMIN = "/admin/offices/test-office/procedures"
BIRTH = "1.001193.000.00.00.H37"


@pytest.fixture
def manager(app, clock, accounts, tmp_path) -> Browser:
    with app.extensions["queue"].sessions() as session:
        import_file(session, find_office(session, "test-office"),
                    write_csv(tmp_path / "p.csv", SMALL), now=clock())
        add_user(session, "othermanager", PASSWORD, Role.MANAGER,
                 find_office(session, "other-office"), now=clock())
        session.commit()
    return Browser(app, "manager1")


def form(**changes: str) -> dict:
    values = {"name": "Đăng ký khai sinh", "field": "Hộ tịch", "service": "tu-phap",
              "documents": "Tờ khai đăng ký khai sinh\nGiấy chứng sinh", "processing_time":
              "Ngay trong ngày", "fees": "Miễn lệ phí", "forms": "", "legal_basis": "",
              "url": "https://dichvucong.gov.vn/p/1", "state": "shown"}
    return {**values, **changes}


def test_the_list_links_each_procedure_to_its_form_and_poster(manager):
    page = manager.get(ADMIN).get_data(as_text=True)
    assert f'{ADMIN}/{BIRTH}"' in page
    assert f"/thu-tuc/test-office/{BIRTH}/poster" in page
    found = manager.get(ADMIN, query_string={"q": "ket hon"}).get_data(as_text=True)
    assert "Đăng ký kết hôn" in found and "Đăng ký khai sinh" not in found


def test_editing_the_documents_is_logged_and_searches_see_it_at_once(app, client, manager):
    documents = "- Tờ khai đăng ký khai sinh\n- Giấy chứng sinh\n- Căn cước của cha hoặc mẹ"
    answer = manager.post(f"{ADMIN}/{BIRTH}", form(documents=documents,
                                                   name="Đăng ký khai sinh lưu động"))
    assert answer.status_code == 303
    found = client.get("/api/v1/offices/test-office/procedures?q=luu dong").get_json()
    assert found[0]["documents"] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh",
                                     "Căn cước của cha hoặc mẹ"]
    with app.extensions["queue"].sessions() as session:
        entry = session.scalars(select(AdminAuditEntry).where(
            AdminAuditEntry.object_kind == AdminObject.PROCEDURE)).one()
    assert entry.object_key == BIRTH and entry.actor == "manager1"
    assert set(entry.changes) == {"name", "documents"}
    again = manager.post(f"{ADMIN}/{BIRTH}", form(documents=documents,
                                                  name="Đăng ký khai sinh lưu động"))
    assert "nothing_changed" in again.headers["Location"]
    hidden = manager.post(f"{ADMIN}/{BIRTH}", form(state="hidden"))
    assert hidden.status_code == 303
    assert client.get(f"/api/v1/offices/test-office/procedures/{BIRTH}").status_code == 404


def test_refusals_show_next_to_their_field_and_change_nothing(client, manager):
    answer = manager.post(f"{ADMIN}/{BIRTH}", form(name="", service="khong-co"))
    assert answer.status_code == 400
    page = html.unescape(answer.get_data(as_text=True))
    assert 'data-testid="error-name"' in page
    birth = client.get(f"/api/v1/offices/test-office/procedures/{BIRTH}").get_json()
    assert birth["name"] == "Đăng ký khai sinh"
    unknown = manager.post(f"{ADMIN}/{BIRTH}", form(service="khong-co"))
    assert unknown.status_code == 400 and 'data-testid="error-service"' in unknown.get_data(
        as_text=True)


def test_another_office_s_manager_cannot_open_or_edit(app, manager):
    outsider = Browser(app, "othermanager")
    assert outsider.get(ADMIN).status_code == 403
    assert outsider.post(f"{ADMIN}/{BIRTH}", form(name="x")).status_code == 403
    assert manager.get(f"{ADMIN}/9.9").status_code == 404
