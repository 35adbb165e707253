"""`queue-server demo` (what `make run` runs at each start) keeps its logins unless asked."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from queue_server.core.clock import utc_now
from queue_server.core.db import make_engine, make_session_factory
from queue_server.core.errors import Unauthorized
from queue_server.models import Device, Office, Role, User
from queue_server.security.tokens import authenticate, issue_user_token, revoke_device

from .test_cli import ROOT, run

IDLE = timedelta(days=90)


def demo(environment, *flags: str) -> dict:
    """Run the demo; the passwords and device tokens it printed."""
    result = run(environment, "demo", *flags)
    assert result.returncode == 0, result.stderr
    passwords = dict(re.findall(r"^  (admin|tinh|quanly|canbo1|canbo2) +(\S+)$", result.stdout,
                                re.MULTILINE))
    kiosk, = re.findall(r"/kiosk/cam-lam\?token=(\S+)", result.stdout)
    tablet, = re.findall(r"/rate/cam-lam/1\?token=(\S+)", result.stdout)
    assert len(passwords) == 5
    return {"passwords": passwords, "kiosk": kiosk, "tablet": tablet, "output": result.stdout}


@pytest.fixture
def environment(tmp_path):
    return {**{k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")},
            "QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
            "QUEUE_VAR_DIR": str(tmp_path), "QUEUE_OFFICE_FILE": str(ROOT / "config/demo.toml")}


@pytest.fixture
def sessions(environment):
    engine = make_engine(environment["QUEUE_DATABASE_URL"])
    yield make_session_factory(engine)
    engine.dispose()


def works(sessions, token: str) -> bool:
    with sessions() as session:
        try:
            authenticate(session, token, now=utc_now(), device_idle_limit=IDLE)
        except Unauthorized:
            return False
        return True


def log_in(sessions, username: str, password: str) -> str:
    with sessions() as session:
        token = issue_user_token(session, username, password, now=utc_now(),
                                 lifetime=timedelta(hours=12)).token
        session.commit()
    return token


def test_running_the_demo_again_keeps_logins_tokens_and_logged_in_officers(environment,
                                                                           sessions):
    first = demo(environment)
    officer = log_in(sessions, "canbo1", first["passwords"]["canbo1"])
    again = demo(environment)
    assert again["passwords"] == first["passwords"]
    assert (again["kiosk"], again["tablet"]) == (first["kiosk"], first["tablet"])
    assert works(sessions, officer) and works(sessions, again["kiosk"])
    assert "the same as at the last run" in again["output"]
    assert "--rotate-tokens" in again["output"]


def test_rotating_gives_new_logins_and_refuses_the_old_ones(environment, sessions):
    first = demo(environment)
    officer = log_in(sessions, "canbo1", first["passwords"]["canbo1"])
    rotated = demo(environment, "--rotate-tokens")
    assert all(rotated["passwords"][name] != first["passwords"][name]
               for name in first["passwords"])
    assert rotated["kiosk"] != first["kiosk"] and rotated["tablet"] != first["tablet"]
    assert not works(sessions, officer) and not works(sessions, first["kiosk"])
    assert works(sessions, rotated["kiosk"]) and works(sessions, rotated["tablet"])
    printer = (Path(environment["QUEUE_VAR_DIR"]) / "printer-token").read_text().strip()
    assert works(sessions, printer)


def test_a_kiosk_revoked_meanwhile_gets_a_new_token_and_the_rest_is_kept(environment,
                                                                           sessions):
    first = demo(environment)
    with sessions() as session:
        revoke_device(session, session.scalar(select(Device).where(Device.name == "kiosk-1")))
        session.commit()
    again = demo(environment)
    assert again["kiosk"] != first["kiosk"] and works(sessions, again["kiosk"])
    assert again["tablet"] == first["tablet"] and again["passwords"] == first["passwords"]


def test_the_demo_has_a_province_manager_and_its_office_is_on_the_province_s_map(environment,
                                                                                sessions):
    first = demo(environment)
    assert re.search(r"Province monitor: +http://\S+/dashboard +\(log in as tinh\)",
                     first["output"])
    with sessions() as session:
        users = {user.username: user for user in session.scalars(select(User))}
        office = session.scalar(select(Office).where(Office.slug == "cam-lam"))
        assert office is not None
        assert (office.kind, office.address) == (
            "commune", "Thôn Tân Lập, xã Cam Lâm, tỉnh Khánh Hòa")
        assert office.latitude is not None and office.longitude is not None
    assert users["tinh"].role is Role.MANAGER and users["tinh"].office_id is None
    assert users["quanly"].role is Role.MANAGER and users["quanly"].office_id == office.id
    assert log_in(sessions, "tinh", first["passwords"]["tinh"])


def test_the_help_names_the_rotate_flag(environment):
    result = run(environment, "demo", "--help")
    assert "--rotate-tokens" in result.stdout and "logged out" in result.stdout
