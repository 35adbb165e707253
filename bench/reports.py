"""Report speed: a synthetic year of a busy office, then the main report and its XLSX export.

    .venv/bin/python bench/reports.py                   # SQLite, one office (~62,000 tickets)
    .venv/bin/python bench/reports.py --postgres URL    # PostgreSQL, 100 offices (~6 million)

Seeds 250 tickets a day for 250 working days per office, with every lifecycle event, ratings
(reasons, comments, visits) and dossier codes (on PostgreSQL the other 99 offices are copies
of the first, made by the database), then times through the real HTTP API (a
manager's bearer token): the year's report, its XLSX, a month's report, the monthly officer
report, the live monitor and the raw tickets of a month. Targets: under 1 s on SQLite and
under 2 s on PostgreSQL for the report and its XLSX.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from queue_server import create_app
from queue_server.core.db import make_engine, make_session_factory
from queue_server.core.migrate import upgrade_database
from queue_server.core.settings import Settings
from queue_server.feedback.ratings import REASONS
from queue_server.models import (
    Feedback,
    Role,
    Ticket,
    TicketEvent,
)
from queue_server.security.tokens import add_user
from queue_server.setup.office_file import CounterSpec, OfficeSpec, ServiceSpec
from queue_server.setup.seeding import apply_office_specs

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TICKETS_PER_DAY, DAYS = 250, 250
LAST_DAY = date(2026, 11, 27)
PASSWORD = "mat-khau-bench-dai"
SERVICES = [("dat-dai", "Đất đai", 1200), ("tu-phap", "Tư pháp – Hộ tịch", 900),
            ("kinh-doanh", "Đăng ký kinh doanh", 900), ("xay-dung", "Xây dựng", 1200),
            ("lao-dong", "Lao động – Thương binh và Xã hội", 900),
            ("tra-ket-qua", "Trả kết quả", 600)]
# Issue-time weights per half hour from 07:30: the opening and after-lunch peaks.
SLOTS = [(7, 30, 9), (8, 0, 8), (8, 30, 6), (9, 0, 5), (9, 30, 4), (10, 0, 3), (10, 30, 2),
         (11, 0, 1), (13, 30, 7), (14, 0, 5), (14, 30, 4), (15, 0, 3), (15, 30, 2),
         (16, 0, 1), (16, 30, 1)]


def office_spec(slug: str) -> OfficeSpec:
    services = tuple(ServiceSpec(code, name, str(i + 1), target_wait_s=target)
                     for i, (code, name, target) in enumerate(SERVICES))
    counters = tuple(CounterSpec(n, f"Quầy {n}", (SERVICES[(n - 1) % 6][0],
                                                  SERVICES[n % 6][0])) for n in range(1, 9))
    return OfficeSpec(slug=slug, name=f"Trung tâm Phục vụ hành chính công {slug}",
                      timezone="Asia/Ho_Chi_Minh", opening_hours="Mo-Fr 07:30-11:30,13:30-17:00",
                      holidays=(), services=services, counters=counters)


def working_days() -> list[date]:
    days, day = [], LAST_DAY
    while len(days) < DAYS:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


class Seeder:
    """Generates one office's year: ticket rows, event rows and feedback rows."""

    def __init__(self, office: dict, seed: int) -> None:
        self.random = random.Random(seed)
        self.office_id = office["id"]
        self.officers = office["officers"]
        self.services = office["services"]
        self.counters = office["counters"]
        self.by_service = {sid: [cid for cid, served in self.counters.items() if sid in served]
                           for sid in self.services}

    def day(self, day: date, next_id: int):
        """(tickets, events, feedback) of one day; ticket ids start at next_id."""
        tickets, events, ratings = [], [], []
        sequences = dict.fromkeys(self.services, 0)
        times = sorted(self._issue_time(day) for _ in range(TICKETS_PER_DAY))
        for index, issued_at in enumerate(times):
            ticket_id = next_id + index
            service_id = self.random.choice(self.services)
            sequences[service_id] += 1
            ticket, ticket_events, rating = self._ticket(ticket_id, day, service_id,
                                                         sequences[service_id], issued_at)
            tickets.append(ticket)
            events += ticket_events
            if rating:
                ratings.append(rating)
        return tickets, events, ratings

    def _issue_time(self, day: date) -> datetime:
        hour, minute, _ = self.random.choices(SLOTS, weights=[w for *_, w in SLOTS])[0]
        start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)
        return (start + timedelta(seconds=self.random.randrange(1800))).astimezone(UTC)

    def _ticket(self, ticket_id, day, service_id, sequence, issued_at):
        rnd = self.random
        outcome = rnd.choices(["done", "no_show", "cancelled"], weights=[90, 6, 4])[0]
        counter_id = rnd.choice(self.by_service[service_id])
        officer_id = self.officers[counter_id % len(self.officers)]
        events = [self._event(ticket_id, "issued", issued_at, None, None)]
        row = dict(id=ticket_id, code=secrets.token_urlsafe(24), office_id=self.office_id,
                   issued_service_id=service_id, service_id=service_id, day=day,
                   sequence=sequence, number=f"{self.services.index(service_id) + 1}"
                   f"{sequence:03d}", priority_id=None, channel="kiosk", status=outcome,
                   issued_at=issued_at, queued_at=issued_at, is_transferred=False,
                   target_counter_id=None, called_at=None, last_called_at=None,
                   finished_at=None, counter_id=None, officer_id=None, recall_count=0,
                   kiosk_id=None, idempotency_key=None,
                   dossier_code=f"HS-{rnd.randrange(40000)}" if rnd.random() < 0.2 else None)
        if outcome == "cancelled":
            row["finished_at"] = issued_at + timedelta(minutes=rnd.randint(5, 30))
            events.append(self._event(ticket_id, "cancelled", row["finished_at"], None, None))
            return row, events, None
        called_at = issued_at + timedelta(seconds=int(rnd.expovariate(1 / 700)) + 30)
        last_called = called_at
        events.append(self._event(ticket_id, "called", called_at, counter_id, officer_id))
        if outcome == "no_show" or rnd.random() < 0.05:
            last_called = called_at + timedelta(seconds=90)
            row["recall_count"] = 1
            events.append(self._event(ticket_id, "recalled", last_called, counter_id,
                                      officer_id))
        finished_at = last_called + timedelta(seconds=int(rnd.gauss(600, 240)) % 2400 + 60)
        row.update(called_at=called_at, last_called_at=last_called, finished_at=finished_at,
                   counter_id=counter_id, officer_id=officer_id)
        kind = "finished" if outcome == "done" else "no_show"
        events.append(self._event(ticket_id, kind, finished_at, counter_id, officer_id))
        rating = self._rating(row) if outcome == "done" and rnd.random() < 0.35 else None
        return row, events, rating

    def _event(self, ticket_id, kind, at, counter_id, user_id):
        return dict(ticket_id=ticket_id, office_id=self.office_id, kind=kind, at=at,
                    user_id=user_id, device_id=None, counter_id=counter_id, details={})

    def _rating(self, ticket: dict) -> dict:
        rnd = self.random
        level = rnd.choices([5, 4, 3, 2, 1], weights=[55, 30, 9, 4, 2])[0]
        reasons = sorted(rnd.sample(REASONS, rnd.randint(1, 2))) if level <= 3 else []
        return dict(ticket_id=ticket["id"], office_id=self.office_id,
                    service_id=ticket["service_id"], counter_id=ticket["counter_id"],
                    officer_id=ticket["officer_id"], rating=level, reasons=reasons,
                    comment="Cảm ơn" if rnd.random() < 0.05 else None,
                    visits=rnd.choice([None, "first", "first", "second", "three_or_more"]),
                    source="phone", device_id=None,
                    rated_at=ticket["finished_at"] + timedelta(minutes=2))


def setup_offices(session_factory, slugs: list[str]) -> list[dict]:
    """The offices, their officers, a manager of the first and an admin, as plain data."""
    with session_factory() as session:
        offices = apply_office_specs(session, [office_spec(slug) for slug in slugs])
        result = []
        for office in offices:
            officers = [add_user(session, f"cb{index}-{office.slug}", PASSWORD, Role.STAFF,
                                 office, now=datetime.now(UTC),
                                 full_name=f"Cán bộ {index}").id for index in range(1, 9)]
            result.append({"id": office.id, "slug": office.slug, "officers": officers,
                           "services": [s.id for s in office.services],
                           "counters": {c.id: [s.id for s in c.services]
                                        for c in office.counters}})
        add_user(session, "quanly", PASSWORD, Role.MANAGER, offices[0], now=datetime.now(UTC))
        add_user(session, "quantri", PASSWORD, Role.ADMIN, None, now=datetime.now(UTC))
        session.commit()
    return result


def seed_sqlite(engine, offices) -> int:
    next_id, count = 1, 0
    with engine.begin() as connection:
        for seed, office in enumerate(offices):
            seeder = Seeder(office, seed)
            for day in working_days():
                tickets, events, ratings = seeder.day(day, next_id)
                next_id += len(tickets)
                count += len(tickets)
                connection.execute(insert(Ticket.__table__), tickets)
                connection.execute(insert(TicketEvent.__table__), events)
                if ratings:
                    connection.execute(insert(Feedback.__table__), ratings)
    return count


def seed_postgres(engine, offices) -> int:
    """COPY, the fast path for millions of rows."""
    tables = {"tickets": list(Ticket.__table__.c.keys()),
              "ticket_events": [c.key for c in TicketEvent.__table__.c if c.key != "id"],
              "feedback": [c.key for c in Feedback.__table__.c if c.key != "id"]}
    next_id, count = 1, 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        # No triggers while seeding: the queue-version triggers (migration 0008) would update
        # the office's row once per copied row, and each office's COMMIT took minutes.
        cursor.execute("SET session_replication_role = replica")
        for seed, office in enumerate(offices):
            seeder = Seeder(office, seed)
            batches = {name: [] for name in tables}
            for day in working_days():
                tickets, events, ratings = seeder.day(day, next_id)
                next_id += len(tickets)
                count += len(tickets)
                batches["tickets"] += tickets
                batches["ticket_events"] += events
                batches["feedback"] += ratings
            for name, columns in tables.items():
                with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in batches[name]:
                        copy.write_row([_pg_value(row[c]) for c in columns])
            raw.commit()
            print(f"  seeded {office['slug']}: {count:,} tickets so far", flush=True)
        cursor.execute("SELECT setval('tickets_id_seq', %s)", (next_id,))
        cursor.execute("SET session_replication_role = DEFAULT")
        raw.commit()
    finally:
        raw.close()
    return count


def replicate_postgres(engine, offices) -> int:
    """Every other office gets a copy of the first one's year, in one statement per table.

    Generating rows in Python took 10-45 s per office; PostgreSQL copies them in a few
    minutes for all 99. Each copy maps the services, counters and officers to the office's
    own (by their order), shifts ticket ids, and draws new lookup codes.
    """
    first, others = offices[0], offices[1:]
    if not others:
        return 0
    mapping = [(kind, k, old, new) for k, office in enumerate(others, start=1)
               for kind, olds, news in (
                   ("service", first["services"], office["services"]),
                   ("counter", list(first["counters"]), list(office["counters"])),
                   ("user", first["officers"], office["officers"]))
               for old, new in zip(olds, news, strict=True)]
    with engine.begin() as connection:
        span = connection.execute(text("SELECT max(id) FROM tickets")).scalar()
        connection.execute(text(
            "CREATE TEMPORARY TABLE office_map (k int, office_id int) ON COMMIT DROP"))
        connection.execute(text(
            "CREATE TEMPORARY TABLE id_map (kind text, k int, old_id int, new_id int) "
            "ON COMMIT DROP"))
        connection.execute(text("INSERT INTO office_map VALUES (:k, :office_id)"),
                           [{"k": k, "office_id": o["id"]} for k, o in enumerate(others, 1)])
        connection.execute(text("INSERT INTO id_map VALUES (:kind, :k, :old, :new)"),
                           [dict(zip(("kind", "k", "old", "new"), row, strict=True))
                            for row in mapping])
        connection.execute(text("CREATE INDEX ON id_map (kind, k, old_id)"))
        connection.execute(text("ANALYZE id_map; ANALYZE office_map"))
        # No triggers at all while copying, foreign-key checks included: the copies refer to
        # rows that exist, and checking 19 million events took longer than inserting them.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        params = {"first": first["id"], "span": span}
        connection.execute(text(f"""
            INSERT INTO tickets ({TICKET_COLUMNS})
            SELECT t.id + m.k * :span, md5(t.code || m.k), m.office_id, s1.new_id, s2.new_id,
                   t.day, t.sequence, t.number, t.priority_id, t.channel, t.status,
                   t.issued_at, t.queued_at, t.is_transferred, NULL, t.called_at,
                   t.last_called_at, t.finished_at, c.new_id, u.new_id, t.recall_count, NULL,
                   NULL, t.dossier_code
            FROM tickets t CROSS JOIN office_map m
            JOIN id_map s1 ON (s1.kind, s1.k, s1.old_id) = ('service', m.k, t.issued_service_id)
            JOIN id_map s2 ON (s2.kind, s2.k, s2.old_id) = ('service', m.k, t.service_id)
            LEFT JOIN id_map c ON (c.kind, c.k, c.old_id) = ('counter', m.k, t.counter_id)
            LEFT JOIN id_map u ON (u.kind, u.k, u.old_id) = ('user', m.k, t.officer_id)
            WHERE t.office_id = :first"""), params)
        print("  copied the tickets", flush=True)
        connection.execute(text("""
            INSERT INTO ticket_events (ticket_id, office_id, kind, at, user_id, device_id,
                                       counter_id, details)
            SELECT e.ticket_id + m.k * :span, m.office_id, e.kind, e.at, u.new_id, NULL,
                   c.new_id, e.details
            FROM ticket_events e CROSS JOIN office_map m
            LEFT JOIN id_map c ON (c.kind, c.k, c.old_id) = ('counter', m.k, e.counter_id)
            LEFT JOIN id_map u ON (u.kind, u.k, u.old_id) = ('user', m.k, e.user_id)
            WHERE e.office_id = :first"""), params)
        print("  copied the events", flush=True)
        connection.execute(text("""
            INSERT INTO feedback (ticket_id, office_id, service_id, counter_id, officer_id,
                                  rating, reasons, comment, visits, source, device_id, rated_at)
            SELECT f.ticket_id + m.k * :span, m.office_id, s.new_id, c.new_id, u.new_id,
                   f.rating, f.reasons, f.comment, f.visits, f.source, NULL, f.rated_at
            FROM feedback f CROSS JOIN office_map m
            JOIN id_map s ON (s.kind, s.k, s.old_id) = ('service', m.k, f.service_id)
            LEFT JOIN id_map c ON (c.kind, c.k, c.old_id) = ('counter', m.k, f.counter_id)
            LEFT JOIN id_map u ON (u.kind, u.k, u.old_id) = ('user', m.k, f.officer_id)
            WHERE f.office_id = :first"""), params)
        connection.execute(text("SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))"))
        return connection.execute(text("SELECT count(*) FROM tickets")).scalar() - span


TICKET_COLUMNS = ", ".join(Ticket.__table__.c.keys())


def _pg_value(value):
    import json

    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def timed(client, path: str, headers: dict, runs: int = 3) -> tuple[float, float, int]:
    """(first, best of the rest) in seconds, and the body size."""
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        size = len(response.get_data())
    return times[0], min(times[1:] or times), size


def measure(database_url: str, slug: str, folder: str) -> None:
    settings = Settings(database_url=database_url, secret_key="bench", var_dir=folder,
                        public_url="http://bench", testing=True).validated()
    app = create_app(settings, async_mode="threading")
    client = app.test_client()
    clock = datetime(LAST_DAY.year, LAST_DAY.month, LAST_DAY.day, 17, 30, tzinfo=ZONE)
    app.extensions["queue"].clock = lambda: clock
    tokens = {}
    for username in ("quanly", "quantri"):
        answer = client.post("/api/v1/auth/token",
                             json={"username": username, "password": PASSWORD})
        tokens[username] = {"Authorization": f"Bearer {answer.get_json()['token']}"}
    first, last = working_days()[0], working_days()[-1]
    year = f"from={first}&to={last}"
    month = f"from={last.replace(day=1)}&to={last}"
    base = f"/api/v1/offices/{slug}"
    rows = [("report, a year (JSON)", f"{base}/stats?{year}", "quanly"),
            ("report, a year (XLSX)", f"{base}/stats.xlsx?{year}", "quanly"),
            ("report, a month (JSON)", f"{base}/stats?{month}", "quanly"),
            ("officer report, a month (XLSX)",
             f"{base}/officer-report.xlsx?month={last.isoformat()[:7]}", "quanly"),
            ("live monitor", f"{base}/monitor", "quanly"),
            ("raw tickets, a month (CSV)", f"{base}/tickets.csv?{month}", "quanly"),
            ("raw tickets, a month (XLSX)", f"{base}/tickets.xlsx?{month}", "quanly"),
            ("province, a month (JSON)", f"/api/v1/stats?{month}", "quantri")]
    print(f"{'what':34} {'first':>8} {'best':>8} {'size':>10}")
    for label, path, who in rows:
        cold, best, size = timed(client, path, tokens[who])
        print(f"{label:34} {cold:7.3f}s {best:7.3f}s {size:>9,}B", flush=True)
    app.extensions["queue"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL",
                        help="an empty PostgreSQL database (postgresql+psycopg://…)")
    parser.add_argument("--offices", type=int, default=None,
                        help="offices to seed (default 1 on SQLite, 100 on PostgreSQL)")
    options = parser.parse_args()
    count = options.offices or (100 if options.postgres else 1)
    slugs = [f"trung-tam-{index:03d}" for index in range(1, count + 1)]
    with tempfile.TemporaryDirectory() as folder:
        url = options.postgres or f"sqlite:///{folder}/queue.db"
        engine = make_engine(url)
        upgrade_database(engine)
        offices = setup_offices(make_session_factory(engine), slugs)
        started = time.perf_counter()
        if options.postgres:
            seeded = seed_postgres(engine, offices[:1])
            seeded += replicate_postgres(engine, offices)
        else:
            seeded = seed_sqlite(engine, offices)
        if options.postgres:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        else:
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        print(f"seeded {seeded:,} tickets in {len(offices)} office(s) "
              f"in {time.perf_counter() - started:.1f}s ({engine.url.get_backend_name()})")
        engine.dispose()
        measure(url, slugs[0], folder)


if __name__ == "__main__":
    main()
