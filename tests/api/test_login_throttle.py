"""Login throttling: backoff per (user, client), a per-client limit, never a long lock-out."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from queue_server import create_app
from queue_server.security.limits import MAX_LOCK_S, LoginThrottle, lock_seconds

PASSWORD = "correct-horse-battery"
ATTACKER, OFFICER_PC = "10.0.0.66", "10.0.0.7"


def api_login(client, username="staff1", password="wrong-password-1", address=ATTACKER):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def form_login(client, username="staff1", password="wrong-password-1", address=ATTACKER):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def fail(client, times, **kwargs):
    for _ in range(times):
        assert api_login(client, **kwargs).status_code == 401


def fail_waiting_each_time(client, clock, times):
    """Fail, sitting out every wait, as a patient attacker does."""
    for _ in range(times):
        answer = api_login(client)
        if answer.status_code == 429:
            clock.now += timedelta(seconds=int(answer.headers["Retry-After"]))
            answer = api_login(client)
        assert answer.status_code == 401


def test_five_failures_are_free_then_the_pair_waits_one_second(client, accounts, clock):
    fail(client, 6)
    refused = api_login(client, password=PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    error = refused.get_json()["error"]
    assert error["code"] == "too_many_attempts" and "1" in error["message"]
    clock.now += timedelta(seconds=1)
    assert api_login(client, password=PASSWORD).status_code == 200


def test_the_wait_doubles_per_failure_and_stops_at_five_minutes(client, accounts, clock):
    fail(client, 5)
    waits = []
    for _ in range(12):
        assert api_login(client).status_code == 401
        refused = api_login(client)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        clock.now += timedelta(seconds=waits[-1])
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert api_login(client, password=PASSWORD).status_code == 200


def test_an_attack_never_stops_the_officer_at_another_machine(client, accounts, clock):
    fail_waiting_each_time(client, clock, 20)
    assert api_login(client, password=PASSWORD).status_code == 429
    assert api_login(client, password=PASSWORD, address=OFFICER_PC).status_code == 200


def test_one_machine_trying_many_usernames_is_slowed_down_alone(client, accounts, clock):
    for number in range(30):
        assert api_login(client, username=f"guess{number}").status_code == 401
    assert api_login(client, username="guess-30").status_code == 401
    refused = api_login(client, username="manager1", password=PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert api_login(client, username="manager1", password=PASSWORD,
                     address=OFFICER_PC).status_code == 200


def test_a_correct_password_clears_the_pairs_failures(client, accounts, clock):
    fail(client, 5)
    assert api_login(client, password=PASSWORD).status_code == 200
    fail(client, 5)
    assert api_login(client).status_code == 401  # the sixth since the success: still free
    assert api_login(client).status_code == 429


def test_failures_are_forgotten_after_a_quiet_quarter_hour(client, accounts, clock):
    fail(client, 5)
    clock.now += timedelta(minutes=16)
    fail(client, 5)
    assert api_login(client).status_code == 401


def test_a_refused_attempt_does_not_lengthen_the_wait(client, accounts, clock):
    fail_waiting_each_time(client, clock, 7)  # locked for 2 s
    for _ in range(10):
        assert api_login(client, password=PASSWORD).headers["Retry-After"] == "2"
    clock.now += timedelta(seconds=2)
    assert api_login(client, password=PASSWORD).status_code == 200


def test_the_login_page_is_throttled_the_same_way(client, accounts, clock):
    for _ in range(6):
        assert form_login(client).status_code == 401
    refused = form_login(client, password=PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "Xin thử lại sau 1 giây" in refused.get_data(as_text=True)
    assert client.get("/api/v1/offices/test-office/counters/1").status_code == 401
    clock.now += timedelta(seconds=1)
    assert form_login(client, password=PASSWORD).status_code == 302


def test_page_and_api_share_the_count(client, accounts, clock):
    fail(client, 3)
    for _ in range(3):
        assert form_login(client).status_code == 401
    assert api_login(client).status_code == 429


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(settings, clock, accounts, app):
    spoofed = {"X-Forwarded-For": "203.0.113.9"}
    client = app.test_client()
    fail(client, 6)
    # Without QUEUE_TRUSTED_PROXIES an attacker cannot pose as another machine.
    assert client.post("/api/v1/auth/token", headers=spoofed, json={
        "username": "staff1", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": ATTACKER}).status_code == 429
    proxied = create_app(replace(settings, trusted_proxies=1), async_mode="threading")
    proxied.extensions["queue"].clock = clock
    behind_nginx = proxied.test_client()
    for _ in range(6):
        assert behind_nginx.post("/api/v1/auth/token", headers=spoofed, json={
            "username": "staff1", "password": "wrong-password-1"}).status_code == 401
    assert behind_nginx.post("/api/v1/auth/token", headers=spoofed, json={
        "username": "staff1", "password": PASSWORD}).status_code == 429
    assert behind_nginx.post("/api/v1/auth/token", headers={"X-Forwarded-For": "10.9.9.9"},
                             json={"username": "staff1", "password": PASSWORD}).status_code == 200
    proxied.extensions["queue"].engine.dispose()


def test_lock_seconds_double_up_to_the_cap():
    assert [lock_seconds(n) for n in (1, 2, 3, 9, 10, 1000)] == [1, 2, 4, 256, MAX_LOCK_S,
                                                                 MAX_LOCK_S]


def test_usernames_count_whatever_their_case_or_spaces():
    throttle = LoginThrottle()
    for name in ["Staff1", " staff1", "STAFF1 ", "staff1", "sTaff1", "staff1"]:
        throttle.failed(name, ATTACKER, 0.0)
    assert throttle.retry_after("staff1", ATTACKER, 0.0) == 1


@pytest.mark.parametrize("flood", [100, 1000])
def test_memory_stays_bounded_under_a_flood_of_new_names(flood):
    throttle = LoginThrottle(max_keys=50)
    for number in range(flood):
        throttle.failed(f"user{number}", f"10.1.{number // 250}.{number % 250}", float(number))
    assert len(throttle._entries) <= 51
