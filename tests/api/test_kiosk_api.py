"""What a kiosk asks before issuing, and the kiosk, display and font pages themselves."""

from datetime import date

import pytest

from queue_server.tickets.queue_state import find_office

from ..conftest import bearer, local


def test_a_kiosk_token_tells_its_device_and_office(client, accounts):
    response = client.get("/api/v1/devices/me", headers=bearer(accounts["kiosk"]))
    assert response.status_code == 200
    assert response.get_json() == {"name": "kiosk-1", "kind": "kiosk", "office": "test-office"}


def test_a_display_token_says_it_is_a_display(client, accounts):
    response = client.get("/api/v1/devices/me", headers=bearer(accounts["display"]))
    assert response.get_json()["kind"] == "display"


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Bearer d_not-a-real-token"}, 401),
])
def test_devices_me_refuses_missing_and_bad_tokens(client, headers, status):
    response = client.get("/api/v1/devices/me", headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"]["code"]


def test_devices_me_refuses_a_user_token(client, accounts):
    response = client.get("/api/v1/devices/me", headers=bearer(accounts["staff1"]))
    assert response.status_code == 403


def test_an_open_office_says_so(client):
    assert client.get("/api/v1/offices/test-office/opening").get_json() == {
        "is_open": True, "reason": None, "message": None, "reopens_at": None}


def test_a_closed_office_says_when_it_reopens_in_the_visitors_language(client, clock):
    clock.now = local(2026, 11, 26, 12, 0)  # Thursday lunch break
    body = client.get("/api/v1/offices/test-office/opening").get_json()
    assert body["is_open"] is False and body["reason"] == "office_closed"
    assert body["reopens_at"] == "2026-11-26T13:30:00+07:00"
    assert body["message"] == (
        "Hiện ngoài giờ tiếp nhận. Mời quay lại lúc 13:30 thứ Năm, 26/11/2026.")
    english = client.get("/api/v1/offices/test-office/opening",
                         headers={"Accept-Language": "en"}).get_json()
    assert english["message"].startswith("The office is closed now. Please come back at 13:30")


def test_a_holiday_is_named_as_such(app, client):
    with app.extensions["queue"].sessions() as session:
        find_office(session, "test-office").holidays = [date(2026, 11, 26).isoformat()]
        session.commit()
    body = client.get("/api/v1/offices/test-office/opening").get_json()
    assert body["reason"] == "holiday"
    assert body["reopens_at"] == "2026-11-27T07:30:00+07:00"


def test_opening_of_an_unknown_office_is_404(client):
    assert client.get("/api/v1/offices/nowhere/opening").status_code == 404


@pytest.mark.parametrize("path", ["/kiosk/test-office", "/display/test-office"])
def test_the_screen_pages_render_with_the_office_name(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Bộ phận Một cửa – Xã Thử" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_kiosk_page_never_sends_its_address_as_a_referrer(client):
    # The pairing link carries the device token.
    assert client.get("/kiosk/test-office?token=d_x").headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/kiosk/nowhere", "/display/nowhere"])
def test_an_unknown_office_gets_a_friendly_html_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Không tìm thấy điểm tiếp nhận “nowhere”" in response.get_data(as_text=True)


def test_the_display_404_page_says_it_in_english_below(client):
    page = client.get("/display/nowhere").get_data(as_text=True)
    assert "<title>Không tìm thấy điểm tiếp nhận</title>" in page
    assert ("No office “nowhere” was found. Please ask the administrator to check "
            "this screen\u2019s address.") in page


def test_the_font_stylesheet_declares_be_vietnam_pro_from_the_package(client):
    response = client.get("/fonts/be-vietnam-pro.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert 'font-family: "Be Vietnam Pro"' in css and "font-weight: 800" in css
    assert 'url("BeVietnamPro-ExtraBold.ttf")' in css


def test_font_files_are_served_and_cached_but_nothing_else(client):
    response = client.get("/fonts/BeVietnamPro-Bold.ttf")
    assert response.status_code == 200 and response.mimetype == "font/ttf"
    assert response.data[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    assert "max-age=" in response.headers["Cache-Control"]
    response.close()
    assert client.get("/fonts/__init__.py").status_code == 404
    assert client.get("/fonts/..%2F__init__.py").status_code == 404
