"""A ticket's QR code as SVG: drawn locally, readable, with a quiet zone; 404 for unknown codes."""

import re
import xml.etree.ElementTree as ElementTree

import zxingcpp
from PIL import Image, ImageDraw

from ..conftest import bearer

SVG = "{http://www.w3.org/2000/svg}"
MODULE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")
PIXELS_PER_MODULE = 8


def issue(client, accounts) -> dict:
    response = client.post("/api/v1/offices/test-office/tickets", json={"service": "dat-dai"},
                           headers=bearer(accounts["kiosk"]))
    assert response.status_code == 201
    return response.get_json()


def modules_of(svg: ElementTree.Element) -> list[tuple[int, int]]:
    """The dark modules' top-left corners, from the path the qrcode library writes."""
    path = svg.find(f"{SVG}path").get("d")
    return [(int(x), int(y)) for x, y, *_ in MODULE.findall(path)]


def raster(svg: ElementTree.Element) -> Image.Image:
    """Draw the SVG's modules into a picture a QR reader can scan."""
    size = int(float(svg.get("viewBox").split()[2]))
    image = Image.new("L", (size * PIXELS_PER_MODULE,) * 2, 255)
    draw = ImageDraw.Draw(image)
    for x, y in modules_of(svg):
        draw.rectangle([x * PIXELS_PER_MODULE, y * PIXELS_PER_MODULE,
                        (x + 1) * PIXELS_PER_MODULE - 1, (y + 1) * PIXELS_PER_MODULE - 1], fill=0)
    return image


def test_the_qr_code_is_an_svg_that_reads_as_the_tickets_track_url(client, accounts):
    ticket = issue(client, accounts)
    response = client.get(f"/api/v1/tickets/{ticket['code']}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = ElementTree.fromstring(response.data)
    assert svg.tag == f"{SVG}svg"
    decoded = zxingcpp.read_barcodes(raster(svg))
    assert [result.text for result in decoded] == [ticket["track_url"]]


def test_the_qr_code_keeps_a_four_module_quiet_zone_on_a_white_background(client, accounts):
    ticket = issue(client, accounts)
    svg = ElementTree.fromstring(client.get(f"/api/v1/tickets/{ticket['code']}/qr.svg").data)
    size = int(float(svg.get("viewBox").split()[2]))
    corners = modules_of(svg)
    assert min(x for x, _ in corners) == 4 and min(y for _, y in corners) == 4
    assert max(x for x, _ in corners) == size - 5 and max(y for _, y in corners) == size - 5
    background = svg.find(f"{SVG}rect")
    assert background is not None and background.get("fill") == "white"


def test_the_qr_code_is_private_to_caches_and_not_sniffed(client, accounts):
    ticket = issue(client, accounts)
    response = client.get(f"/api/v1/tickets/{ticket['code']}/qr.svg")
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_code_gets_404_with_the_error_shape(client):
    response = client.get("/api/v1/tickets/not-a-real-code/qr.svg")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "ticket_not_found"


def test_an_absurdly_long_code_gets_404_without_a_lookup(client):
    response = client.get(f"/api/v1/tickets/{'x' * 500}/qr.svg")
    assert response.status_code == 404
