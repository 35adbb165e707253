"""/admin/privacy: a person's requests under the personal-data law, answered by an admin:
everything held about a phone or an ID number (JSON), or erasing it; each act is audited."""

from __future__ import annotations

import json

from flask import request

from queue_server.core.errors import DomainError, InvalidInput
from queue_server.core.request_context import db, now
from queue_server.edge.citizens import citizen_keys
from queue_server.notify.phones import normalize_phone
from queue_server.privacy.card import read_id_number
from queue_server.privacy.persons import Person, Requester, erase_person, export_person
from queue_server.web.admin.pages import (
    Visitor,
    admin_page,
    blueprint,
    form_errors,
    page_texts,
    refusal_status,
    render,
)


def _person() -> Person:
    """The person the form names: one of a phone number and an ID number."""
    phone = (request.form.get("phone") or "").strip()
    citizen_id = (request.form.get("citizen_id") or "").strip()
    if bool(phone) == bool(citizen_id):
        raise InvalidInput("privacy_one_of")
    if phone:
        return Person(phone=normalize_phone(phone))
    return Person(id_number=read_id_number(citizen_id))


def _requester(visitor: Visitor) -> Requester:
    return Requester(visitor.username, visitor.changer.user_id, visitor.changer.address)


@blueprint.get("/admin/privacy")
@admin_page(admins_only=True)
def privacy(visitor: Visitor):
    """The request form."""
    return render("admin.privacy.html", visitor, section="privacy", errors={})


@blueprint.post("/admin/privacy")
@admin_page(admins_only=True)
def privacy_request(visitor: Visitor):
    """Export (shown as JSON) or erase (after the confirmation box) one person's data."""
    is_erase = request.form.get("action") == "erase"
    try:
        person = _person()
        if is_erase and request.form.get("confirm") != "yes":
            raise InvalidInput("privacy_erase_confirm")
        keys = citizen_keys()
        if is_erase:
            counts = erase_person(db(), person, keys, now=now(), requester=_requester(visitor))
        else:
            found = export_person(db(), person, keys, now=now(), requester=_requester(visitor))
        db().commit()
    except DomainError as refusal:
        db().rollback()
        return render("admin.privacy.html", visitor, refusal_status(refusal),
                      section="privacy", errors=form_errors(refusal))
    if is_erase:
        return render("admin.privacy.html", visitor, section="privacy", errors={},
                      erased=page_texts()["privacy_erased"].format(**counts))
    return render("admin.privacy.html", visitor, section="privacy", errors={},
                  exported=json.dumps(found, ensure_ascii=False, indent=2))
