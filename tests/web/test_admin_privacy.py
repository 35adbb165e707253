"""/admin/privacy: an admin answers a person's request (export as JSON, erase after the box is
ticked), each act audited; managers may not."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from queue_server.models import AdminAction, AdminAuditEntry, MessageContact, Office, Ticket

from ..conftest import bearer
from ..privacy.cards import ID_NUMBER, NAME, card_text
from ..support.browsing import Browser


@pytest.fixture
def visit(app, client, accounts):
    """A ticket taken with the card, then a phone given for its messages."""
    with app.extensions["queue"].sessions() as session:
        session.execute(update(Office).values(elderly_priority="elderly"))
        session.commit()
    ticket = client.post("/api/v1/offices/test-office/tickets", headers=bearer(accounts["kiosk"]),
                         json={"service": "dat-dai", "citizen_id_qr": card_text()}).get_json()
    with app.extensions["queue"].sessions() as session:
        session.add(MessageContact(ticket_id=session.scalar(select(Ticket.id)),
                                   office_id=session.scalar(select(Office.id).where(
                                       Office.slug == "test-office")),
                                   phone="84912345678", consent_version="v1",
                                   consent_text="Đồng ý", created_at=session.scalar(
                                       select(Ticket.issued_at))))
        session.commit()
    return ticket


def test_an_admin_sees_everything_held_about_an_id_number(app, visit):
    page = Browser(app, "admin1").post("/admin/privacy", {"citizen_id": ID_NUMBER,
                                                          "action": "export"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and visit["number"] in text and "84912345678" in text
    assert NAME not in text
    with app.extensions["queue"].sessions() as session:
        assert session.scalar(select(AdminAuditEntry.action).where(
            AdminAuditEntry.actor == "admin1")) is AdminAction.EXPORTED


def test_erase_needs_the_box_then_clears_the_phone_and_the_hash(app, visit):
    browser = Browser(app, "admin1")
    refused = browser.post("/admin/privacy", {"phone": "0912345678", "action": "erase"})
    assert refused.status_code == 400
    assert 'data-code="privacy_erase_confirm"' in refused.get_data(as_text=True)
    page = browser.post("/admin/privacy", {"phone": "0912 345 678", "action": "erase",
                                           "confirm": "yes"})
    assert 'data-testid="privacy-erased"' in page.get_data(as_text=True)
    with app.extensions["queue"].sessions() as session:
        assert session.scalar(select(MessageContact.id)) is None
        assert session.scalar(select(Ticket.citizen_hash)) is None
        entry = session.scalar(select(AdminAuditEntry).where(
            AdminAuditEntry.action == AdminAction.ERASED))
        assert entry.actor == "admin1" and "84912345678" not in json.dumps(entry.changes)


def test_one_of_phone_and_id_is_needed(app, visit):
    page = Browser(app, "admin1").post("/admin/privacy", {"action": "export"})
    assert 'data-code="privacy_one_of"' in page.get_data(as_text=True)


def test_managers_may_not_answer_requests(app, visit):
    assert Browser(app, "manager1").get("/admin/privacy").status_code == 403
