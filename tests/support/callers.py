"""Every kind of caller the security tests try: users of each role and devices of each kind."""

from queue_server.models import DeviceKind, Role
from queue_server.security.tokens import add_device, add_user
from queue_server.tickets.queue_state import find_office

PASSWORD = "correct-horse-battery"  # the `accounts` fixture's password, for every user

# Added to the `accounts` fixture's callers: (name, kind, office).
EXTRA_DEVICES = [("printer", DeviceKind.PRINTER, "test-office"),
                 ("other_printer", DeviceKind.PRINTER, "other-office"),
                 ("rating", DeviceKind.RATING, "test-office"),
                 ("other_rating", DeviceKind.RATING, "other-office"),
                 ("integration", DeviceKind.INTEGRATION, "test-office"),
                 ("other_integration", DeviceKind.INTEGRATION, "other-office")]
# And users: (username, role, office). `accounts` has staff1, manager1 and admin1 of
# test-office and otherstaff of other-office; a manager of other-office proves that the
# manager's pages and reports refuse another office's manager, not only its staff; a manager
# of no office is the province's, who reads every office and changes none.
EXTRA_USERS = [("othermanager", Role.MANAGER, "other-office"),
               ("provincemanager", Role.MANAGER, None)]


def every_caller(app, clock, accounts: dict[str, str]) -> dict[str, str]:
    """`accounts` plus printers, rating tablets and integration tokens of both offices and
    another office's
    manager: a token per caller name."""
    tokens = dict(accounts)
    with app.extensions["queue"].sessions() as session:
        for name, kind, slug in EXTRA_DEVICES:
            tokens[name] = add_device(session, f"{name}-1", kind, find_office(session, slug),
                                      now=clock())[1]
        for username, role, slug in EXTRA_USERS:
            add_user(session, username, PASSWORD, role,
                     find_office(session, slug) if slug else None, now=clock())
        session.commit()
    client = app.test_client()
    for username, _role, _slug in EXTRA_USERS:
        answer = client.post("/api/v1/auth/token",
                             json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.get_json()
        tokens[username] = answer.get_json()["token"]
    return tokens
