"""The root is a start page, and addresses opened in a browser answer errors as HTML pages;
the JSON API (and a script asking for JSON) keeps its JSON errors."""

from __future__ import annotations

import pytest

from queue_server import create_app
from queue_server.core.errors import Conflict

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_the_root_links_to_every_office_s_screens_in_vietnamese_first(client, accounts):
    response = client.get("/", headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<html lang="vi">' in page and "Các màn hình của điểm tiếp nhận" in page
    for slug in ("test-office", "other-office"):
        for screen in (f"/kiosk/{slug}", f"/display/{slug}", f"/counter/{slug}",
                       f"/dashboard/{slug}"):
            assert f'href="{screen}"' in page
    assert 'href="/admin"' in page and 'href="/login"' in page
    assert accounts["kiosk"] not in page and "?token=" not in page
    english = client.get("/?lang=en", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="en">' in english and "The screens of each office" in english


@pytest.mark.parametrize("path", ["/t/", "/khong-co-trang-nay", "/kiosk/", "/admin/khong-co",
                                  "/web-static/khong-co.js"])
def test_a_wrong_address_in_a_browser_is_an_html_page_with_the_way_back(client, path):
    response = client.get(path, headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Không tìm thấy trang" in page and "Page not found" in page
    assert 'href="/"' in page and '"error"' not in page


def test_a_wrong_method_on_a_page_is_an_html_page_that_says_what_is_allowed(client):
    response = client.post("/display/test-office", headers=BROWSER)
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert "GET" in response.headers["Allow"]
    assert "Không mở được trang theo cách này" in response.get_data(as_text=True)


def test_bad_input_in_a_page_address_is_an_html_400(client):
    response = client.get("/kiosk/%00", headers=BROWSER)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Không thực hiện được yêu cầu" in response.get_data(as_text=True)


def test_the_api_keeps_json_errors_even_for_a_browser(client):
    for method, path, status in [("get", "/api/v1/khong-co", 404),
                                 ("delete", "/api/v1/offices", 405)]:
        response = getattr(client, method)(path, headers=BROWSER)
        assert response.status_code == status and response.mimetype == "application/json"
        assert response.get_json()["error"]["code"] in {"not_found", "method_not_allowed"}


def test_a_script_asking_for_json_on_a_page_address_gets_json(client):
    response = client.get("/khong-co", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.fixture
def failing_app(settings, clock):
    """The app with two pages that fail: one unexpectedly, one with a refusal."""
    app = create_app(settings, async_mode="threading")

    @app.get("/trang-loi")
    def explode():
        raise RuntimeError("secret detail")

    @app.get("/trang-tu-choi")
    def refuse():
        raise Conflict("already_rated", number="1005")

    yield app
    app.extensions["queue"].engine.dispose()


def test_a_page_that_fails_is_an_html_500_that_tells_nothing_inside(failing_app, caplog):
    response = failing_app.test_client().get("/trang-loi", headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "Máy chủ gặp lỗi" in page and "secret detail" not in page
    assert response.headers["Content-Security-Policy"]
    assert any("unexpected error on GET /trang-loi" in record.message
               for record in caplog.records)


def test_a_refusal_on_a_page_is_shown_in_people_s_words(failing_app):
    response = failing_app.test_client().get("/trang-tu-choi", headers=BROWSER)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and response.mimetype == "text/html"
    assert "Số 1005 đã được đánh giá" in page and "already_rated" not in page
