"""The English screens show services and priority groups by their English names (from the office
file), and the Vietnamese name where none is given."""

import pytest
from playwright.sync_api import Page, expect

from ..support.servers import OFFICE_TOML, STAFF_PASSWORD, start_office_server

pytestmark = pytest.mark.browser

KIOSK = "/kiosk/thu-nghiem"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    toml = (OFFICE_TOML
            .replace('name = "Đất đai"\n  prefix = "1"\n\n  [[office.service]]\n  code = "tu-phap"',
                     'name = "Đất đai"\n  name_en = "Land"\n  prefix = "1"\n\n'
                     '  [[office.service]]\n  code = "tu-phap"', 1)
            .replace('name = "Người cao tuổi (từ 60 tuổi)"',
                     'name = "Người cao tuổi (từ 60 tuổi)"\n  name_en = "Older people (60+)"'))
    assert toml.count("name_en") == 2
    started = start_office_server(tmp_path_factory.mktemp("english"), toml, "thu-nghiem",
                                  "canbo", STAFF_PASSWORD)
    yield started
    started.stop()


def test_the_kiosk_in_english_uses_the_english_names(server, page: Page):
    page.goto(f"{server.url}{KIOSK}?token={server.tokens['kiosk']}")
    land = page.locator('.service-button[data-service="dat-dai"] .service-name')
    justice = page.locator('.service-button[data-service="tu-phap"] .service-name')
    expect(land).to_have_text("Đất đai")
    page.get_by_role("button", name="English").click()
    expect(land).to_have_text("Land")
    expect(justice).to_have_text("Tư pháp – Hộ tịch")  # no English name given
    expect(page.locator(".priority-who")).to_have_text("Older people (60+)")
    page.locator(".priority-button").click()
    page.get_by_role("button", name="Older people (60+)").click()
    expect(page.locator("#priority-chosen")).to_contain_text("Older people (60+)")
    page.locator('.service-button[data-service="dat-dai"]').click()
    expect(page.locator("#ticket-service")).to_have_text("Land")


def test_the_ticket_page_in_english_uses_the_english_name(server, page: Page):
    status, ticket = server.api("POST", "/api/v1/offices/thu-nghiem/tickets",
                                {"service": "dat-dai"}, server.tokens["kiosk"])
    assert status == 201
    page.goto(f"{server.url}/t/{ticket['code']}")
    expect(page.locator("#service")).to_have_text("Đất đai")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#service")).to_have_text("Land")
