"""/admin's edit of one procedure of the catalogue: its texts, documents, service and
visibility, logged like every administration change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import AdminAction, AdminObject, Procedure, Service
from queue_server.procedures.catalogue import search_text_of
from queue_server.procedures.importing import documents_of
from queue_server.setup import fields
from queue_server.setup.audit_log import Changer, diff, logged_values, record

PROCEDURE_RULES = (
    fields.Rule("name", fields.text(500)),
    fields.Rule("field", fields.text(200, required=False)),
    fields.Rule("service", fields.text(64)),
    fields.Rule("documents", fields.long_text(20000)),
    fields.Rule("processing_time", fields.long_text(2000)),
    fields.Rule("fees", fields.long_text(2000)),
    fields.Rule("forms", fields.long_text(2000)),
    fields.Rule("legal_basis", fields.long_text(4000)),
    fields.Rule("url", fields.text(500, required=False)),
    fields.Rule("state", fields.choice(("shown", "hidden"))),
)
PROCEDURE_LOGGED = ("name", "field", "service_id", "documents", "processing_time", "fees",
                    "forms", "legal_basis", "url", "is_hidden")


def procedure_values(procedure: Procedure) -> dict[str, object]:
    """A procedure as its edit form shows it: documents one per line."""
    return {"name": procedure.name, "field": procedure.field,
            "service": procedure.service.code, "documents": "\n".join(procedure.documents),
            "processing_time": procedure.processing_time, "fees": procedure.fees,
            "forms": procedure.forms, "legal_basis": procedure.legal_basis,
            "url": procedure.url, "state": "hidden" if procedure.is_hidden else "shown"}


def update_procedure(session: Session, procedure: Procedure, raw: Mapping[str, object], *,
                     now: datetime, by: Changer) -> bool:
    """Save the form's values; True if anything changed (then logged, and searches see it)."""
    values = fields.read(raw, PROCEDURE_RULES)
    service = session.scalar(select(Service).where(
        Service.office_id == procedure.office_id, Service.code == values["service"],
        Service.is_active))
    if service is None:
        raise fields.refuse("service", "unknown_service", code=values["service"])
    before = logged_values(procedure, PROCEDURE_LOGGED)
    procedure.name, procedure.field = " ".join(str(values["name"]).split()), values["field"]
    procedure.service_id = service.id
    procedure.documents = list(documents_of(str(values["documents"])))
    for name in ("processing_time", "fees", "forms", "legal_basis", "url"):
        setattr(procedure, name, values[name])
    procedure.is_hidden = values["state"] == "hidden"
    changes = diff(before, logged_values(procedure, PROCEDURE_LOGGED))
    if not changes:
        return False
    procedure.search_text = search_text_of(procedure.name, procedure.code, procedure.field)
    procedure.updated_at = now
    session.flush()
    record(session, by, now=now, office_id=procedure.office_id, action=AdminAction.UPDATED,
           kind=AdminObject.PROCEDURE, key=procedure.code, changes=changes)
    return True
