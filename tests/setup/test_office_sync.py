"""Re-running `init` agrees with /admin: the file wins only for what changed in the file."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import event, select

from queue_server.models import AdminAction, AdminAuditEntry, Counter, Role, Service
from queue_server.setup import offices as office_setup
from queue_server.setup.audit_log import Changer
from queue_server.setup.office_file import ServiceSpec
from queue_server.setup.seeding import apply_office_specs

from ..conftest import THURSDAY_9AM, office_spec

NOW = THURSDAY_9AM
ADMIN = Changer(user_id=None, name="quantri", role=Role.ADMIN)


def init(session, spec):
    """What `queue-server init` does with one office of the file."""
    office = apply_office_specs(session, [spec], now=NOW)[0]
    session.commit()
    return office


def service(session, code: str) -> Service:
    return session.scalar(select(Service).where(Service.code == code))


def test_init_keeps_what_admin_changed_and_the_file_did_not(session):
    office = init(session, office_spec())
    office_setup.update_office(
        session, office, {"notice": "Từ /admin", "min_recalls_before_no_show": 3},
        now=NOW, by=ADMIN)
    office_setup.update_service(session, service(session, "dat-dai"), {"name": "Đất đai (sửa)"},
                         now=NOW, by=ADMIN)
    session.commit()
    office = init(session, office_spec())
    assert (office.notice, office.min_recalls_before_no_show) == ("Từ /admin", 3)
    assert service(session, "dat-dai").name == "Đất đai (sửa)"


def test_init_applies_what_the_file_changed_since_the_last_run(session):
    office = init(session, office_spec())
    office_setup.update_office(session, office, {"notice": "Từ /admin", "name": "Tên từ /admin"},
                        now=NOW, by=ADMIN)
    session.commit()
    office = init(session, office_spec(notice="Từ tệp"))
    assert office.notice == "Từ tệp"  # edited in the file: the file wins
    assert office.name == "Tên từ /admin"  # not edited in the file: /admin's stays


def test_admin_made_items_survive_init_and_items_removed_from_the_file_retire(session):
    office = init(session, office_spec())
    office_setup.create_service(session, office, {"code": "chung-thuc", "name": "Chứng thực",
                                           "prefix": "5"}, now=NOW, by=ADMIN)
    office_setup.create_counter(session, office, {"number": "7", "services": ["chung-thuc"]},
                         now=NOW, by=ADMIN)
    session.commit()
    spec = office_spec()
    without_results = replace(spec, services=spec.services[:2], counters=spec.counters[:3])
    init(session, without_results)
    assert service(session, "chung-thuc").is_active
    counter = session.scalar(select(Counter).where(Counter.number == 7))
    assert counter.is_active and [s.code for s in counter.services] == ["chung-thuc"]
    assert not service(session, "tra-ket-qua").is_active


def test_a_service_retired_in_admin_stays_retired_until_the_file_changes_it(session):
    init(session, office_spec())
    office_setup.update_service(session, service(session, "tu-phap"), {"state": "retired"},
                         now=NOW, by=ADMIN)
    session.commit()
    init(session, office_spec())
    assert not service(session, "tu-phap").is_active
    spec = office_spec()
    renamed = replace(spec, services=(spec.services[0],
                                      ServiceSpec("tu-phap", "Tư pháp", "2", mean_service_s=300),
                                      spec.services[2]))
    init(session, renamed)
    # Renaming it in the file does not bring it back; only presence decides that.
    assert service(session, "tu-phap").name == "Tư pháp"
    assert not service(session, "tu-phap").is_active


def test_admin_only_settings_are_never_touched_by_init(session):
    office = init(session, office_spec())
    office_setup.update_office(
        session, office, {"ticket_header": "UBND TỈNH THỬ"}, now=NOW, by=ADMIN)
    office_setup.update_service(session, service(session, "dat-dai"), {"state": "closed"},
                         now=NOW, by=ADMIN)
    session.commit()
    office = init(session, office_spec(notice="Đổi trong tệp"))
    assert office.ticket_header == "UBND TỈNH THỬ"
    assert service(session, "dat-dai").is_closed


def test_init_logs_what_it_changed_and_nothing_when_nothing_changed(session):
    init(session, office_spec())
    count = len(session.scalars(select(AdminAuditEntry)).all())
    init(session, office_spec())
    assert len(session.scalars(select(AdminAuditEntry)).all()) == count
    init(session, office_spec(notice="Thông báo mới"))
    entry = session.scalars(select(AdminAuditEntry).order_by(AdminAuditEntry.id.desc())).first()
    assert (entry.actor, entry.action) == ("init", AdminAction.FILE_APPLIED)
    assert entry.changes == {"office.notice": ["", "Thông báo mới"]}


def test_init_edits_offices_in_id_order_whatever_the_file_order(session):
    # Housekeeping locks offices in id order; an init that edits several offices must take
    # their rows in the same order, or the two could deadlock on PostgreSQL.
    first, second = office_spec(slug="thu-nhat"), office_spec(slug="thu-hai")
    apply_office_specs(session, [first, second], now=NOW)
    session.commit()
    edited = []

    def remember_office_updates(_connection, _cursor, sql, parameters, *_rest):
        if sql.lstrip().upper().startswith("UPDATE OFFICES"):
            edited.append(parameters[-1])  # SQLite's parameters end with the office id

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", remember_office_updates)
    try:
        offices = apply_office_specs(session, [replace(second, notice="Hai"), replace(
            first, notice="Một"), office_spec(slug="thu-ba")], now=NOW)
        session.flush()
    finally:
        event.remove(engine, "before_cursor_execute", remember_office_updates)
    session.commit()
    assert [office.slug for office in offices] == ["thu-nhat", "thu-hai", "thu-ba"]
    ids = [office.id for office in offices]
    assert ids == sorted(ids)
    touched = [value for value in edited if value in ids[:2]]
    assert touched and touched == sorted(touched)
