"""The password rule, wherever a password is set: add_user, set_password and the CLI."""

import pytest
from sqlalchemy import select

from queue_server.core.errors import InvalidInput
from queue_server.core.i18n import message
from queue_server.models import ApiToken, Role, User
from queue_server.security.password_rule import check_password_strength
from queue_server.security.tokens import add_user, set_password

from ..conftest import THURSDAY_9AM, bearer


@pytest.mark.parametrize(("password", "reason"), [
    ("short-1", "weak_password_short"),
    ("x" * 1025 + "abcde", "weak_password_long"),
    ("nguyenvana-2026", "weak_password_username"),
    ("NguyenVanA!!2026", "weak_password_username"),
    ("Nguyễnvăna!!2026", "weak_password_username"),
    ("aaaaabbbbbaaaa", "weak_password_repetitive"),
    ("1234567890", "weak_password_common"),
    ("matkhau123", "weak_password_common"),
    ("Mật-Khẩu-123", "weak_password_common"),
    ("Password123", "weak_password_common"),
    ("qwertyuiop", "weak_password_common"),
    ("abcdefghijklm", "weak_password_common"),
    ("9876543210", "weak_password_common"),
])
def test_weak_passwords_are_refused_with_a_coded_reason(password, reason):
    with pytest.raises(InvalidInput) as refused:
        check_password_strength(password, "nguyenvana")
    assert refused.value.code == "weak_password"
    assert refused.value.message_key == reason
    assert "{" not in message(reason, "en", **refused.value.params)


@pytest.mark.parametrize("password", ["mot-mat-khau-dai", "Quầy số 3 mở cửa", "x7#Lq9!vPz",
                                      "mat-khau-nguyen-van-a"])
def test_reasonable_passwords_are_accepted(password):
    check_password_strength(password, "nguyenvana")


def test_add_user_refuses_a_weak_password(session, make_office):
    office = make_office()
    with pytest.raises(InvalidInput, match="weak_password"):
        add_user(session, "tranthib", "matkhau123", Role.STAFF, office, now=THURSDAY_9AM)
    assert session.scalar(select(User).where(User.username == "tranthib")) is None


def test_set_password_checks_strength_and_logs_the_user_out_everywhere(app, client, accounts):
    state = app.extensions["queue"]
    with state.sessions() as session:
        user = session.scalar(select(User).where(User.username == "staff1"))
        with pytest.raises(InvalidInput):
            set_password(user, "staff1-password")
        set_password(user, "mot-mat-khau-moi-dai")
        session.commit()
        assert session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None
    from queue_server.edge.callers import forget_principals

    forget_principals()
    response = client.get("/api/v1/offices/test-office/counters/1",
                          headers=bearer(accounts["staff1"]))
    assert response.status_code == 401
    fresh = client.post("/api/v1/auth/token",
                        json={"username": "staff1", "password": "mot-mat-khau-moi-dai"})
    assert fresh.status_code == 200


def test_the_cli_refuses_a_common_password_in_one_line(tmp_path):
    from ..cli.test_cli import ROOT, run

    environment = {"QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
                   "QUEUE_VAR_DIR": str(tmp_path),
                   "QUEUE_OFFICE_FILE": str(ROOT / "config/demo.toml"),
                   "PATH": "/usr/bin:/bin"}
    assert run(environment, "init").returncode == 0
    result = run(environment, "user", "add", "tranthib", "--role", "staff", "--office",
                 "cam-lam", "--password-stdin", stdin="matkhau123\n")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "too weak" in result.stderr and "common" in result.stderr
