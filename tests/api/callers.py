"""Every kind of caller the security tests try: users of each role and devices of each kind."""

from queue_server.auth import add_device
from queue_server.models import DeviceKind
from queue_server.queries import find_office

# Added to the `accounts` fixture's callers: (name, kind, office).
EXTRA_DEVICES = [("printer", DeviceKind.PRINTER, "test-office"),
                 ("other_printer", DeviceKind.PRINTER, "other-office"),
                 ("rating", DeviceKind.RATING, "test-office"),
                 ("other_rating", DeviceKind.RATING, "other-office")]


def every_caller(app, clock, accounts: dict[str, str]) -> dict[str, str]:
    """`accounts` plus printers and rating tablets of both offices: a token per caller name."""
    tokens = dict(accounts)
    with app.extensions["queue"].sessions() as session:
        for name, kind, slug in EXTRA_DEVICES:
            tokens[name] = add_device(session, f"{name}-1", kind, find_office(session, slug),
                                      now=clock())[1]
        session.commit()
    return tokens
