"""Every name has a length limit at input: the office file, /admin and the CLI refuse longer."""

from __future__ import annotations

import pytest

from queue_server.models import Role
from queue_server.setup import accounts
from queue_server.setup import offices as office_setup
from queue_server.setup.audit_log import Changer
from queue_server.setup.fields import FormInvalid
from queue_server.setup.names import NAME_MAX
from queue_server.setup.office_file import OfficeConfigError, parse_office_document

from ..conftest import THURSDAY_9AM

ADMIN = Changer(user_id=None, name="quantri", role=Role.ADMIN)
TOO_LONG = "Đất đai " * 40  # 320 characters, as seen squashing the TV's grid


def document(**changes):
    office = {"slug": "xa-a", "name": "Xã A", "opening_hours": "Mo-Fr 07:30-11:30",
              "service": [{"code": "dat-dai", "name": "Đất đai", "prefix": "1"}],
              "counter": [{"number": 1, "name": "Quầy 1", "services": ["dat-dai"]}],
              "priority": [{"code": "elderly", "name": "Người cao tuổi"}]}
    for path, value in changes.items():
        table, key = path.split(".")
        target = office if table == "office" else office[table][0]
        target[key] = value
    return {"office": [office]}


def refusals(doc) -> list[str]:
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(doc, "offices.toml")
    return refused.value.problems


@pytest.mark.parametrize(("path", "kind", "place"), [
    ("office.name", "office", "office[1] (xa-a).name"),
    ("service.name", "service", "office[1] (xa-a).service[1].name"),
    ("service.name_en", "service", "office[1] (xa-a).service[1].name_en"),
    ("counter.name", "counter", "office[1] (xa-a).counter[1].name"),
    ("priority.name", "priority", "office[1] (xa-a).priority[1].name"),
    ("priority.name_en", "priority", "office[1] (xa-a).priority[1].name_en"),
])
def test_the_office_file_refuses_a_name_longer_than_its_limit_with_its_place(path, kind, place):
    assert refusals(document(**{path: TOO_LONG})) == [
        f"{place}: too long: at most {NAME_MAX[kind]} characters, got {len(TOO_LONG.strip())}"]


def test_the_office_file_accepts_a_name_of_exactly_the_limit():
    office, = parse_office_document(document(**{"service.name": "x" * NAME_MAX["service"]}))
    assert len(office.services[0].name) == NAME_MAX["service"]


def test_a_blank_name_is_still_refused():
    assert refusals(document(**{"service.name": "   "})) == [
        "office[1] (xa-a).service[1].name: must not be blank"]


def too_long_code(action) -> tuple[str, str, dict]:
    with pytest.raises(FormInvalid) as refused:
        action()
    problem, = refused.value.problems
    return problem.field, problem.code, problem.params


def test_admin_refuses_long_names_of_every_kind_with_a_code(session, make_office):
    office = make_office()
    new = {"now": THURSDAY_9AM, "by": ADMIN}
    cases = [
        (lambda: office_setup.create_service(session, office, {
            "code": "moi", "name": TOO_LONG, "prefix": "9"}, **new), "name", "service"),
        (lambda: office_setup.create_service(session, office, {
            "code": "moi", "name": "Mới", "name_en": TOO_LONG, "prefix": "9"}, **new),
         "name_en", "service"),
        (lambda: office_setup.update_office(session, office, {"name": TOO_LONG}, **new),
         "name", "office"),
        (lambda: office_setup.create_counter(session, office, {
            "number": "9", "name": TOO_LONG, "services": ["dat-dai"]}, **new),
         "name", "counter"),
        (lambda: office_setup.create_priority(session, office, {
            "code": "moi", "name": TOO_LONG}, **new), "name", "priority"),
        (lambda: accounts.create_user(session, {
            "username": "ten-dai", "password": "Mot-mat-khau-dai-42", "role": "staff",
            "full_name": TOO_LONG}, office=office, **new), "full_name", "person"),
    ]
    for action, field, kind in cases:
        assert too_long_code(action) == (field, "field_too_long", {"maximum": NAME_MAX[kind]})
