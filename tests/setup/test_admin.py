"""Administration domain functions: checked input with codes, the audit log, the role rules."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from queue_server.core.errors import Conflict, Forbidden
from queue_server.models import (
    AdminAction,
    AdminAuditEntry,
    AdminObject,
    AppendOnlyError,
    DeviceKind,
    Role,
    Service,
)
from queue_server.printing import slips
from queue_server.security.tokens import add_device, add_user
from queue_server.setup import accounts, fields
from queue_server.setup import offices as office_setup
from queue_server.setup.audit_log import Changer
from queue_server.setup.fields import FormInvalid
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM

NOW = THURSDAY_9AM
ADMIN = Changer(user_id=None, name="quantri", role=Role.ADMIN, address="10.0.0.5",
                agent="Firefox")
PASSWORD = "Mot-mat-khau-dai-42"


def codes(error: FormInvalid) -> dict[str, str]:
    return {problem.field: problem.code for problem in error.problems}


def entries(session) -> list[AdminAuditEntry]:
    return list(session.scalars(select(AdminAuditEntry).order_by(AdminAuditEntry.id)))


def manager_of(office) -> Changer:
    return Changer(user_id=None, name="lanhdao", role=Role.MANAGER, office_id=office.id)


@pytest.fixture
def office(make_office):
    return make_office()


# ---- reading input ----

def test_a_form_with_several_mistakes_lists_each_with_its_code(session, office):
    with pytest.raises(FormInvalid) as refused:
        office_setup.create_service(session, office, {
            "code": "Đất Đai", "name": "  ", "prefix": "toolong", "mean_service_minutes": "abc",
            "target_wait_minutes": "0", "daily_capacity": "-3", "state": "maybe"},
            now=NOW, by=ADMIN)
    assert codes(refused.value) == {
        "code": "field_invalid_code", "name": "field_required", "prefix": "field_invalid_prefix",
        "mean_service_minutes": "field_not_a_number",
        "target_wait_minutes": "field_out_of_range_minutes",
        "daily_capacity": "field_out_of_range", "state": "field_invalid_choice"}


def test_holidays_accept_both_date_forms_and_come_back_sorted_as_iso():
    rule = fields.Rule("holidays", fields.holidays)
    read = fields.read({"holidays": "30/04/2026\n2026-01-01, 1/5/2026 30/04/2026"}, [rule])
    assert read["holidays"] == ["2026-01-01", "2026-04-30", "2026-05-01"]
    with pytest.raises(FormInvalid) as refused:
        fields.read({"holidays": "31/02/2026"}, [rule])
    assert refused.value.problems[0].code == "field_invalid_date"


def test_minutes_take_a_decimal_comma_and_are_stored_as_seconds(session, office):
    service = office_setup.create_service(session, office, {
        "code": "chung-thuc", "name": "Chứng thực", "prefix": "c", "mean_service_minutes": "7,5"},
        now=NOW, by=ADMIN)
    assert (service.prefix, service.mean_service_s, service.target_wait_s) == ("C", 450, 900)


def test_opening_hours_must_be_valid_openstreetmap_syntax(session, office):
    with pytest.raises(FormInvalid) as refused:
        office_setup.update_office(session, office, {"opening_hours": "thứ hai đến thứ sáu"},
                            now=NOW, by=ADMIN)
    assert codes(refused.value) == {"opening_hours": "field_invalid_opening_hours"}
    assert office_setup.update_office(session, office, {"opening_hours": "Mo-Sa 07:00-11:00"},
                               now=NOW, by=ADMIN)
    assert office.opening_hours == "Mo-Sa 07:00-11:00"


# ---- the audit log ----

def test_creating_a_service_logs_who_when_from_where_and_what(session, office):
    office_setup.create_service(
        session, office, {"code": "moi", "name": "Lĩnh vực mới", "prefix": "9"},
        now=NOW, by=ADMIN)
    entry = entries(session)[-1]
    assert (entry.actor, entry.client_address, entry.client_agent) == (
        "quantri", "10.0.0.5", "Firefox")
    assert (entry.action, entry.object_kind, entry.object_key) == (
        AdminAction.CREATED, AdminObject.SERVICE, "moi")
    assert entry.at == NOW and entry.office_id == office.id
    assert entry.changes["name"] == [None, "Lĩnh vực mới"]


def test_an_update_logs_before_and_after_and_a_no_op_logs_nothing(session, office):
    service = office.services[0]
    before = len(entries(session))
    assert office_setup.update_service(
        session, service, {"name": "Đất đai – Nhà ở"}, now=NOW, by=ADMIN)
    assert entries(session)[-1].changes == {"name": ["Đất đai", "Đất đai – Nhà ở"]}
    assert not office_setup.update_service(session, service, {"name": "Đất đai – Nhà ở"}, now=NOW,
                                    by=ADMIN)
    assert len(entries(session)) == before + 1


def test_the_admin_audit_log_is_append_only(session, office):
    office_setup.update_office(session, office, {"notice": "Xin giữ trật tự."}, now=NOW, by=ADMIN)
    session.commit()
    entry = entries(session)[-1]
    entry.actor = "someone-else"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    session.delete(entries(session)[-1])
    with pytest.raises(AppendOnlyError):
        session.flush()


# ---- services, counters, priorities ----

def test_two_open_services_cannot_share_a_prefix(session, office):
    with pytest.raises(FormInvalid) as refused:
        office_setup.create_service(session, office, {"code": "moi", "name": "Mới", "prefix": "1"},
                             now=NOW, by=ADMIN)
    assert codes(refused.value) == {"prefix": "prefix_taken"}
    with pytest.raises(FormInvalid) as refused:
        office_setup.create_service(
            session, office, {"code": "dat-dai", "name": "Lặp", "prefix": "8"},
            now=NOW, by=ADMIN)
    assert codes(refused.value) == {"code": "code_taken"}


def test_a_closed_service_issues_nothing_but_its_waiting_tickets_are_still_called(
        session, office):
    waiting = lifecycle.issue_ticket(session, office, "dat-dai", now=NOW, actor=Actor())
    office_setup.update_service(session, office.services[0], {"state": "closed"}, now=NOW, by=ADMIN)
    with pytest.raises(Conflict) as refused:
        lifecycle.issue_ticket(session, office, "dat-dai", now=NOW, actor=Actor())
    assert refused.value.code == "service_closed"
    counter = next(c for c in office.counters if c.number == 1)
    assert lifecycle.call_next(session, counter, now=NOW, actor=Actor()).called.id == waiting.id


def test_a_service_with_people_waiting_cannot_be_retired(session, office):
    lifecycle.issue_ticket(session, office, "tu-phap", now=NOW, actor=Actor())
    service = next(s for s in office.services if s.code == "tu-phap")
    with pytest.raises(FormInvalid) as refused:
        office_setup.update_service(session, service, {"state": "retired"}, now=NOW, by=ADMIN)
    assert codes(refused.value) == {"state": "service_has_waiting"}
    assert service.is_active


def test_a_counter_needs_a_known_service_and_a_busy_counter_stays(session, office):
    for services, code in (([], "counter_needs_service"), (["khong-co"], "unknown_service")):
        with pytest.raises(FormInvalid) as refused:
            office_setup.create_counter(session, office, {"number": "9", "services": services},
                                 now=NOW, by=ADMIN)
        assert codes(refused.value) == {"services": code}
    counter = office_setup.create_counter(session, office, {"number": "9", "services": ["tu-phap"]},
                                   now=NOW, by=ADMIN)
    assert counter.name == "Quầy 9" and [s.code for s in counter.services] == ["tu-phap"]
    lifecycle.issue_ticket(session, office, "tu-phap", now=NOW, actor=Actor())
    lifecycle.call_next(session, counter, now=NOW, actor=Actor())
    with pytest.raises(Conflict) as refused:
        office_setup.update_counter(session, counter, {"state": "retired"}, now=NOW, by=ADMIN)
    assert refused.value.code == "counter_busy"


def test_priority_categories_are_added_renamed_and_retired(session, office):
    category = office_setup.create_priority(session, office, {"code": "mang-thai",
                                                       "name": "Phụ nữ mang thai"},
                                     now=NOW, by=ADMIN)
    assert category.is_active and category.sort_order == 2
    office_setup.update_priority(session, category, {"state": "retired"}, now=NOW, by=ADMIN)
    assert not category.is_active


def test_a_new_office_gets_the_usual_defaults(session, office):
    created = office_setup.create_office(session, {"slug": "xa-moi", "name": "UBND Xã Mới"},
                                  now=NOW, by=ADMIN)
    assert created.opening_hours == "Mo-Fr 07:30-11:30,13:30-17:00"
    with pytest.raises(FormInvalid) as refused:
        office_setup.create_office(session, {"slug": "xa-moi", "name": "Lặp"}, now=NOW, by=ADMIN)
    assert codes(refused.value) == {"slug": "office_exists"}


# ---- accounts and devices ----

def test_a_manager_manages_staff_and_managers_of_their_own_office_only(session, office,
                                                                       make_office):
    other = make_office(slug="khac", name="Phường Khác")
    manager = manager_of(office)
    assert accounts.may_manage(manager, Role.STAFF, office.id)
    assert accounts.may_manage(manager, Role.MANAGER, office.id)
    assert not accounts.may_manage(manager, Role.ADMIN, None)
    assert not accounts.may_manage(manager, Role.STAFF, other.id)
    assert accounts.may_manage(ADMIN, Role.ADMIN, None)
    with pytest.raises(FormInvalid) as refused:
        accounts.create_user(session, {"username": "sep", "role": "admin",
                                             "password": PASSWORD}, office=office, now=NOW,
                                   by=manager)
    assert codes(refused.value) == {"role": "role_not_allowed"}
    outsider = add_user(session, "canbo-khac", PASSWORD, Role.STAFF, other, now=NOW)
    with pytest.raises(Forbidden):
        accounts.reset_password(session, outsider, {"password": PASSWORD + "x"},
                                      now=NOW, by=manager)


def test_nobody_disables_or_demotes_their_own_account(session, office):
    user = add_user(session, "lanhdao", PASSWORD, Role.MANAGER, office, now=NOW)
    me = replace(manager_of(office), user_id=user.id)
    for change, field in (({"state": "disabled"}, "state"), ({"role": "staff"}, "role")):
        with pytest.raises(FormInvalid) as refused:
            accounts.update_user(session, user, change, office=None, now=NOW, by=me)
        assert codes(refused.value) == {field: "own_account"}


def test_a_weak_or_mistyped_password_is_refused_on_its_field(session, office):
    for raw, field, code in (
            ({"password": "matkhau123"}, "password", "weak_password"),
            ({"password": PASSWORD, "password_confirm": PASSWORD + "!"}, "password_confirm",
             "passwords_differ")):
        with pytest.raises(FormInvalid) as refused:
            accounts.create_user(session, {"username": "canbo2", "role": "staff", **raw},
                                       office=office, now=NOW, by=ADMIN)
        assert codes(refused.value) == {field: code}


def test_a_password_reset_is_logged_without_the_password(session, office):
    user = add_user(session, "canbo3", PASSWORD, Role.STAFF, office, now=NOW)
    accounts.reset_password(session, user, {"password": "Mat-khau-moi-hon-77",
                                                  "password_confirm": "Mat-khau-moi-hon-77"},
                                  now=NOW, by=ADMIN)
    entry = entries(session)[-1]
    assert entry.action is AdminAction.PASSWORD_RESET and entry.changes == {}
    assert "Mat-khau" not in str(entry.changes)


def test_only_a_printer_is_paired_and_revoking_a_kiosk_unpairs_its_printer(session, office):
    kiosk, _token = add_device(session, "kiosk-1", DeviceKind.KIOSK, office, now=NOW)
    with pytest.raises(FormInvalid) as refused:
        accounts.create_device(session, office, {"name": "tv", "kind": "display",
                                                       "kiosk": str(kiosk.id)},
                                     now=NOW, by=ADMIN)
    assert codes(refused.value) == {"kiosk": "kiosk_only_for_printer"}
    printer, token = accounts.create_device(
        session, office, {"name": "may-in", "kind": "printer", "kiosk": str(kiosk.id)},
        now=NOW, by=ADMIN)
    assert token.startswith("d_") and printer.kiosk_id == kiosk.id
    assert accounts.revoke(session, kiosk, now=NOW, by=ADMIN)
    assert kiosk.is_revoked and printer.kiosk_id is None
    assert not accounts.revoke(session, kiosk, now=NOW, by=ADMIN)


def test_retired_services_keep_their_code_reserved(session, office):
    service = session.scalar(select(Service).where(Service.code == "tra-ket-qua"))
    office_setup.update_service(session, service, {"state": "retired"}, now=NOW, by=ADMIN)
    with pytest.raises(FormInvalid) as refused:
        office_setup.create_service(session, office, {"code": "tra-ket-qua", "name": "Trả",
                                               "prefix": "7"}, now=NOW, by=ADMIN)
    assert codes(refused.value) == {"code": "code_taken"}
    office_setup.update_service(session, service, {"state": "open"}, now=NOW, by=ADMIN)
    assert service.is_active and not service.is_closed


def test_the_ticket_header_replaces_the_office_name_on_the_paper(session, office):
    ticket = lifecycle.issue_ticket(session, office, "dat-dai", now=NOW, actor=Actor())
    assert slips.build_slip(ticket, None, "http://q/t/x").office_name == office.name
    office_setup.update_office(session, office, {"ticket_header": "UBND TỈNH KHÁNH HÒA"}, now=NOW,
                        by=ADMIN)
    assert slips.build_slip(ticket, None, "http://q/t/x").office_name == "UBND TỈNH KHÁNH HÒA"
