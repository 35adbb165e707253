"""Shared fixtures: a migrated file-backed SQLite database, a fixed clock, factories."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from queue_server import create_app
from queue_server.core.db import make_engine, make_session_factory
from queue_server.core.migrate import upgrade_database
from queue_server.core.settings import Settings
from queue_server.models import DeviceKind, Role
from queue_server.security.tokens import add_device, add_user
from queue_server.setup.office_file import CounterSpec, OfficeSpec, PrioritySpec, ServiceSpec
from queue_server.setup.seeding import apply_office_specs

pytest_plugins = ["tests.support.harness"]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# A Thursday morning, office open.
THURSDAY_9AM = datetime(2026, 11, 26, 9, 0, tzinfo=HCM)


def local(year: int, month: int, day: int, hour: int, minute: int = 0,
          second: int = 0) -> datetime:
    """An instant given as Ho Chi Minh City wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=HCM)


class Clock:
    """A settable clock for the app and the domain."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def office_spec(**overrides: object) -> OfficeSpec:
    """A small office: land (two counters), justice (one), results at a shared counter."""
    spec = OfficeSpec(
        slug="test-office", name="Bộ phận Một cửa – Xã Thử", timezone="Asia/Ho_Chi_Minh",
        opening_hours="Mo-Fr 07:30-11:30,13:30-17:00", holidays=(),
        services=(
            ServiceSpec("dat-dai", "Đất đai", "1", mean_service_s=600),
            ServiceSpec("tu-phap", "Tư pháp – Hộ tịch", "2", mean_service_s=300),
            ServiceSpec("tra-ket-qua", "Trả kết quả", "3", mean_service_s=120),
        ),
        counters=(
            CounterSpec(1, "Quầy 1", ("dat-dai",)),
            CounterSpec(2, "Quầy 2", ("dat-dai",)),
            CounterSpec(3, "Quầy 3", ("tu-phap",)),
            CounterSpec(4, "Quầy 4", ("tra-ket-qua",)),
        ),
        priorities=(PrioritySpec("elderly", "Người cao tuổi"),
                    PrioritySpec("disability", "Người khuyết tật")),
        # Most tests mark a no-show at once; the wait before it has tests of its own.
        min_seconds_before_no_show=0,
    )
    return replace(spec, **overrides)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2id with test-sized costs: the real algorithm, without 50 ms per hash."""
    from argon2 import PasswordHasher

    from queue_server.security import hashing

    original = hashing.HASHER
    hashing.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    hashing.HASHER = original


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """A database migrated once; each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("template") / "queue.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file
    return str(path)


@pytest.fixture
def database_url(tmp_path, migrated_template) -> str:
    shutil.copyfile(migrated_template, tmp_path / "queue.db")
    return f"sqlite:///{tmp_path}/queue.db"


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with make_session_factory(engine)() as session:
        yield session


@pytest.fixture
def make_office(session):
    """Create (or update) an office from office_spec(**overrides)."""

    def factory(**overrides: object):
        office = apply_office_specs(session, [office_spec(**overrides)])[0]
        session.commit()
        return office

    return factory


@pytest.fixture
def clock() -> Clock:
    return Clock(THURSDAY_9AM)


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(database_url=database_url, secret_key="test-secret", var_dir=str(tmp_path),
                    public_url="http://queue.test", testing=True).validated()


@pytest.fixture
def app(settings, engine, clock):
    application = create_app(settings, async_mode="threading")
    application.extensions["queue"].clock = clock
    state = application.extensions["queue"]
    with state.sessions() as session:
        apply_office_specs(session, [office_spec(), office_spec(slug="other-office",
                                                                name="Phường Khác")])
        session.commit()
    yield application
    worker = application.extensions.get("outbox")
    if worker is not None:  # the outbox's background loop, started by a queued message
        worker.stop()
    state.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def accounts(app, clock):
    """Tokens for every kind of caller, by name."""
    from queue_server.tickets.queue_state import find_office

    state = app.extensions["queue"]
    with state.sessions() as session:
        office = find_office(session, "test-office")
        other = find_office(session, "other-office")
        password = "correct-horse-battery"
        for username, role, home in [("staff1", Role.STAFF, office),
                                     ("manager1", Role.MANAGER, office),
                                     ("admin1", Role.ADMIN, None),
                                     ("otherstaff", Role.STAFF, other)]:
            add_user(session, username, password, role, home, now=clock())
        tokens = {"kiosk": add_device(session, "kiosk-1", DeviceKind.KIOSK, office,
                                      now=clock())[1],
                  "other_kiosk": add_device(session, "kiosk-2", DeviceKind.KIOSK, other,
                                            now=clock())[1],
                  "display": add_device(session, "tv-1", DeviceKind.DISPLAY, office,
                                        now=clock())[1]}
        session.commit()
    client = app.test_client()
    for username in ["staff1", "manager1", "admin1", "otherstaff"]:
        response = client.post("/api/v1/auth/token",
                               json={"username": username, "password": password})
        tokens[username] = response.get_json()["token"]
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
