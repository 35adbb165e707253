"""The province the offices belong to, and the codes its offices should agree on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Office, Procedure, Province
from queue_server.setup.office_file import ProvinceSpec


def apply_province(session: Session, spec: ProvinceSpec | None) -> Province | None:
    """Create or rename the installation's province; None (no [province]) changes nothing."""
    if spec is None:
        return None
    province = session.scalar(select(Province).order_by(Province.id))
    if province is None:
        province = Province(slug=spec.slug, name=spec.name)
        session.add(province)
    province.slug, province.name = spec.slug, spec.name
    session.flush()
    return province


def current_province(session: Session) -> Province | None:
    """The installation's province, or None when the office file gives none."""
    return session.scalar(select(Province).order_by(Province.id))


def procedure_name_warnings(session: Session) -> list[str]:
    """Procedure codes that two offices' catalogues name differently."""
    rows = session.execute(
        select(Procedure.code, Office.slug, Procedure.name)
        .join(Office, Office.id == Procedure.office_id)
        .where(Office.is_active, Procedure.is_hidden.is_(False))
        .order_by(Procedure.code, Office.slug))
    names: dict[str, dict[str, str]] = {}
    for code, slug, name in rows:
        names.setdefault(code, {})[slug] = name
    return [f"procedure code {code!r} has different names: "
            + "; ".join(f"{slug}: {name!r}" for slug, name in by_office.items())
            for code, by_office in names.items() if len(set(by_office.values())) > 1]
