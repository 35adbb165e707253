"""/province and /province/<office> with the test client: what the server renders itself."""

from __future__ import annotations

import json
import re

from markupsafe import escape

from queue_server.models import Procedure, Province
from queue_server.procedures.catalogue import search_text_of
from queue_server.tickets.queue_state import find_office

from ..conftest import THURSDAY_9AM

HOSTILE = "<script>alert('x')</script>Xã Độc"


def add_procedure(app, slug: str, code: str, name: str, *, is_hidden: bool = False) -> None:
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, slug)
        session.add(Procedure(office_id=office.id, code=code, name=name, field="Hộ tịch",
                              service_id=office.services[1].id, is_hidden=is_hidden,
                              search_text=search_text_of(name, code, "Hộ tịch"),
                              updated_at=THURSDAY_9AM))
        session.commit()


def test_the_choice_lists_every_service_of_the_province_once(client):
    page = client.get("/province").get_data(as_text=True)
    services = re.findall(r'href="/province\?service=([\w-]+)">([^<]+)<', page)
    assert services == [("dat-dai", "Đất đai"), ("tra-ket-qua", "Trả kết quả"),
                        ("tu-phap", "Tư pháp – Hộ tịch")]
    assert 'lang="vi"' in page and "Nên đến đâu lúc này?" in page


def test_a_procedure_is_found_without_diacritics_across_the_offices(app, client):
    add_procedure(app, "test-office", "1.001193", "Đăng ký khai sinh")
    add_procedure(app, "other-office", "1.001193", "Đăng ký khai sinh")
    add_procedure(app, "other-office", "1.000894", "Đăng ký kết hôn")
    add_procedure(app, "other-office", "2.000001", "Khai sinh ẩn", is_hidden=True)
    page = client.get("/province?q=khai+sinh").get_data(as_text=True)
    assert re.findall(r'href="/province\?procedure=([\d.]+)"', page) == ["1.001193"]
    chosen = client.get("/province?procedure=1.001193").get_data(as_text=True)
    assert 'data-procedure="1.001193"' in chosen
    assert '<p class="chosen-name" id="chosen-name">Đăng ký khai sinh</p>' in chosen


def test_the_province_s_name_heads_the_page_and_the_switch_keeps_the_choice(app, client):
    with app.extensions["queue"].sessions() as session:
        session.add(Province(slug="khanh-hoa", name="Tỉnh Khánh Hòa"))
        session.commit()
    page = client.get("/province?service=dat-dai").get_data(as_text=True)
    assert "Tỉnh Khánh Hòa" in page
    assert 'href="/province?service=dat-dai&amp;lang=en"' in page
    texts = json.loads(re.search(r'id="province-texts">(.*?)</script>', page).group(1))
    assert texts["title"] == "Nên đến đâu lúc này?"


def test_names_typed_by_managers_are_shown_as_text(app, client):
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        office.name, office.address = HOSTILE, HOSTILE
        office.services[0].name = HOSTILE
        session.commit()
    for url in ("/province", "/province?service=dat-dai", "/province/test-office"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
    assert str(escape(HOSTILE)) in client.get("/province/test-office").get_data(as_text=True)


def test_an_unknown_office_page_is_404(client):
    assert client.get("/province/nowhere").status_code == 404
