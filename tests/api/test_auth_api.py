"""Tokens: login, expiry and bad credentials."""

from datetime import timedelta

import pytest

from ..conftest import bearer


def test_a_user_gets_a_token_with_role_and_expiry(client, accounts):
    response = client.post("/api/v1/auth/token",
                           json={"username": "staff1", "password": "correct-horse-battery"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["role"] == "staff" and body["token"].startswith("u_")
    assert body["expires_at"] == "2026-11-26T21:00:00+07:00"


@pytest.mark.parametrize("body", [{"username": "staff1", "password": "wrong-password"},
                                  {"username": "ghost", "password": "correct-horse-battery"}])
def test_wrong_credentials_are_401(client, accounts, body):
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_credentials"


@pytest.mark.parametrize("body", [{}, {"username": "x"}, {"username": 1, "password": "y"}])
def test_malformed_login_is_400(client, body):
    assert client.post("/api/v1/auth/token", json=body).status_code == 400


def test_an_expired_token_is_refused(client, accounts, clock):
    clock.now = clock.now + timedelta(hours=13)
    response = client.post("/api/v1/offices/test-office/counters/1/call-next",
                           headers=bearer(accounts["staff1"]))
    assert response.status_code == 401


def test_the_password_is_stored_only_as_an_argon2_hash(app, accounts):
    from sqlalchemy import select

    from queue_server.models import ApiToken, User

    with app.extensions["queue"].sessions() as session:
        user = session.scalar(select(User).where(User.username == "staff1"))
        assert user.password_hash.startswith("$argon2id$")
        assert "correct-horse-battery" not in user.password_hash
        stored = session.scalars(select(ApiToken.token_hash)).all()
        assert accounts["staff1"] not in stored
