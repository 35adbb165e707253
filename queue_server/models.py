"""Typed SQLAlchemy models: offices, services, counters, people, devices, tickets, events."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    Unmapped,
    mapped_column,
    relationship,
    unmapped_column,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC and returns them aware, on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy's own hook


def _enum(enum_class: type[enum.Enum]) -> Enum:
    # Store the lowercase values, not the member names, and skip native enum types so
    # that adding a value is a plain migration on both SQLite and PostgreSQL.
    return Enum(
        enum_class,
        values_callable=lambda members: [member.value for member in members],
        native_enum=False,
        length=20,
        validate_strings=True,
    )


class PriorityMode(enum.Enum):
    STRICT = "strict"
    INTERLEAVED = "interleaved"


class Role(enum.Enum):
    STAFF = "staff"
    MANAGER = "manager"
    ADMIN = "admin"


class DeviceKind(enum.Enum):
    KIOSK = "kiosk"
    DISPLAY = "display"
    PRINTER = "printer"
    RATING = "rating"
    # Read-only: the visits feed for the province's one-stop system.
    INTEGRATION = "integration"


class TicketStatus(enum.Enum):
    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Channel(enum.Enum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    API = "api"


class TicketEventKind(enum.Enum):
    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    # The outcome or dossier codes recorded or corrected.
    VISIT_RECORDED = "visit_recorded"


class CounterEventKind(enum.Enum):
    PAUSED = "paused"
    RESUMED = "resumed"


class Office(Base):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    opening_hours: Mapped[str] = mapped_column(String(500))
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority_mode: Mapped[PriorityMode] = mapped_column(
        _enum(PriorityMode), default=PriorityMode.INTERLEAVED
    )
    ordinary_per_priority: Mapped[int] = mapped_column(Integer, default=2)
    min_recalls_before_no_show: Mapped[int] = mapped_column(Integer, default=1)
    # Seconds from the latest call or recall before a no-show is accepted.
    min_seconds_before_no_show: Mapped[int] = mapped_column(Integer, default=60)
    notice: Mapped[str] = mapped_column(Text, default="")
    ticket_footer: Mapped[str] = mapped_column(String(200), default="")
    # The top line of the printed ticket; empty prints the office name.
    ticket_header: Mapped[str] = mapped_column(String(200), default="")
    near_threshold: Mapped[int] = mapped_column(Integer, default=3)
    number_reading: Mapped[str] = mapped_column(String(20), default="numeral")
    number_region: Mapped[str] = mapped_column(String(20), default="north")
    # How long a phone number given for "your turn is near" is kept (personal data).
    phone_retention_hours: Mapped[int] = mapped_column(Integer, default=24)
    # Working days (Mon-Fri minus holidays) to handle a feedback inbox item.
    feedback_target_days: Mapped[int] = mapped_column(Integer, default=3)
    # The dossier codes the counter accepts (a regular expression); empty: the built-in one.
    dossier_pattern: Mapped[str] = mapped_column(String(200), default="")
    # Finishing a visit without its outcome is refused.
    require_outcome: Mapped[bool] = mapped_column(Boolean, default=False)
    # The office's own names of outcomes: {"supplement": "Trả hồ sơ bổ sung"}.
    outcome_labels: Mapped[dict] = mapped_column(JSON, default=dict)
    # The rating form in use (levels, labels, questions); None: the built-in form.
    rating_form: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # "% hài lòng" targets in percent: the minimum, then the goal (the plan's 85 and 95).
    satisfaction_targets: Mapped[list[int]] = mapped_column(JSON, default=lambda: [85, 95])
    # [office.messages] of the office file: channels, Zalo template ids, SMS texts, rate.
    # None: SMS alone, "your turn is near" only (see notify/office_messages.py).
    messages: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # [office.booking] of the office file (slot length, days ahead, caps, check-in window);
    # None: the defaults (see booking/rules.py).
    booking: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Its place in the province's network (Decree 118/2025): centre, branch or commune;
    # None: not said (an office on its own).
    kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The commune, ward or area it serves, and its street address, as the province writes them.
    area: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # Where it is (WGS 84 degrees), for "where to go now"; None: not given.
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    # [office.retention] of the office file but phone_hours (phone_retention_hours above):
    # comment_days, ip_days, citizen_hash_days; None: the defaults (see privacy/retention.py).
    retention: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # A citizen ID card read at the kiosk showing this age or more gives elderly_priority
    # (a priority category code; empty: no priority from the card).
    elderly_age: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    elderly_priority: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Who answers for the personal data (the controller named in privacy notices); empty:
    # the office's name.
    privacy_controller: Mapped[str] = mapped_column(String(300), default="", server_default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Moved on by database triggers with every ticket or counter event of the office and
    # every edit of its services and counters (see migrations 0008 and 0013). Not mapped:
    # an object loaded earlier, merged or flushed, must never write back its old value.
    # Read through `Office.__table__.c.queue_version`.
    queue_version: Unmapped[int] = unmapped_column(BigInteger, server_default="0")

    services: Mapped[list[Service]] = relationship(
        back_populates="office", order_by="Service.sort_order"
    )
    counters: Mapped[list[Counter]] = relationship(
        back_populates="office", order_by="Counter.number"
    )
    priorities: Mapped[list[PriorityCategory]] = relationship(
        back_populates="office", order_by="PriorityCategory.sort_order"
    )

    @property
    def location(self) -> list[float] | None:
        """[latitude, longitude], or None when the file gives none."""
        if self.latitude is None or self.longitude is None:
            return None
        return [self.latitude, self.longitude]


counter_services = Table(
    "counter_services",
    Base.metadata,
    Column("counter_id", ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    # The English screens' name; empty shows the Vietnamese one.
    name_en: Mapped[str] = mapped_column(String(200), default="")
    prefix: Mapped[str] = mapped_column(String(8), default="")
    start_number: Mapped[int] = mapped_column(Integer, default=1)
    daily_capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mean_service_s: Mapped[int] = mapped_column(Integer, default=600)
    target_wait_s: Mapped[int] = mapped_column(Integer, default=900)
    # Running mean of real service times (see queue._record_service_time).
    recent_service_s: Mapped[float] = mapped_column(Float, default=0.0)
    service_time_samples: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Closed in /admin: no new tickets, but the ones waiting are still called.
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bookings taken per slot; 0: the service takes no bookings.
    booking_capacity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    office: Mapped[Office] = relationship(back_populates="services")
    counters: Mapped[list[Counter]] = relationship(
        secondary=counter_services, back_populates="services", order_by="Counter.number"
    )


class Counter(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("office_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    is_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    paused_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Ordinary tickets called in a row since the last priority one (interleaving rule).
    ordinary_streak: Mapped[int] = mapped_column(Integer, default=0)
    # Idempotency-Key of the last Call next, so a double click never calls twice.
    last_call_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    office: Mapped[Office] = relationship(back_populates="counters")
    services: Mapped[list[Service]] = relationship(
        secondary=counter_services, back_populates="counters", order_by="Service.sort_order"
    )


class CounterEvent(Base):
    __tablename__ = "counter_events"
    # The audit page lists them newest first within its dates.
    __table_args__ = (Index("ix_counter_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), index=True)
    kind: Mapped[CounterEventKind] = mapped_column(_enum(CounterEventKind))
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    at: Mapped[datetime]


class PriorityCategory(Base):
    __tablename__ = "priority_categories"
    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    office: Mapped[Office] = relationship(back_populates="priorities")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(_enum(Role))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    office: Mapped[Office | None] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship()


class PrinterState(enum.Enum):
    """What a print agent last reported about its printer."""

    OK = "ok"
    ERROR = "error"
    PAPER_OUT = "paper_out"


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[DeviceKind] = mapped_column(_enum(DeviceKind))
    # A printer prints for the kiosk it is paired with; unpaired, for every unpaired kiosk.
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Printers only: the agent's last report, its last error, and when it last spoke.
    printer_state: Mapped[PrinterState | None] = mapped_column(
        _enum(PrinterState), nullable=True)
    printer_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    printer_error_at: Mapped[datetime | None] = mapped_column(nullable=True)
    printer_seen_at: Mapped[datetime | None] = mapped_column(nullable=True)

    office: Mapped[Office] = relationship()
    kiosk: Mapped[Device | None] = relationship(remote_side="Device.id")


class DailySequence(Base):
    """The last number handed out per service and local day; the numbering lock row."""

    __tablename__ = "daily_sequences"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # The backstop: a number is never handed out twice for a service and day.
        UniqueConstraint("issued_service_id", "day", "sequence"),
        UniqueConstraint("office_id", "idempotency_key"),
        Index("ix_tickets_queue", "office_id", "day", "status"),
        Index("ix_tickets_office_issued", "office_id", "issued_at"),
        # Repeat visits: earlier tickets carrying the same dossier code. Partial, as the
        # next one is: an issued ticket has neither, and adds no entry (migration 0012).
        Index("ix_tickets_office_dossier", "office_id", "dossier_code",
              sqlite_where=text("dossier_code IS NOT NULL"),
              postgresql_where=text("dossier_code IS NOT NULL")),
        # The ticket a counter serves now, on every call, finish and console refresh:
        # without it each one read every ticket ever issued.
        Index("ix_tickets_counter_status", "counter_id", "status",
              sqlite_where=text("counter_id IS NOT NULL"),
              postgresql_where=text("counter_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(43), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    # The service the number came from; service_id is the queue it waits in now.
    issued_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    priority_id: Mapped[int | None] = mapped_column(
        ForeignKey("priority_categories.id"), nullable=True
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus))
    issued_at: Mapped[datetime]
    # When the ticket joined its current queue: issue time, or the time of a transfer.
    queued_at: Mapped[datetime]
    is_transferred: Mapped[bool] = mapped_column(Boolean, default=False)
    target_counter_id: Mapped[int | None] = mapped_column(
        ForeignKey("counters.id"), nullable=True
    )
    called_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_called_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recall_count: Mapped[int] = mapped_column(Integer, default=0)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The first of the visit's dossier codes (ticket_dossiers holds them all); read by the
    # repeat-visits figure.
    dossier_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The procedure the citizen chose at the kiosk; None when they chose a service only.
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"), nullable=True)
    # What happened at the counter: received, supplement, refused, guided, returned, other.
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # With the supplement outcome: the procedure's documents that were missing, as the
    # catalogue words them; None when none were recorded.
    missing_documents: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # The booking checked in for this ticket; None for a walk-in.
    booking_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Checked in after the booking's window: served as a walk-in.
    booking_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The keyed hash (HMAC) of the citizen ID number read at the kiosk, for counting repeat
    # visits; None without a card and after the office's citizen_hash_days. Never the number.
    citizen_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # The card's age band ("60-74"), kept instead of the date of birth.
    age_band: Mapped[str | None] = mapped_column(String(8), nullable=True)

    office: Mapped[Office] = relationship()
    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    issued_service: Mapped[Service] = relationship(foreign_keys=[issued_service_id])
    priority: Mapped[PriorityCategory | None] = relationship()
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])
    target_counter: Mapped[Counter | None] = relationship(foreign_keys=[target_counter_id])
    officer: Mapped[User | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    # Read only when dossier_code is set: a ticket without it has none.
    dossiers: Mapped[list[TicketDossier]] = relationship(order_by="TicketDossier.id",
                                                         viewonly=True)

    # Not stored: the id of the call or recall event written for this ticket in the current
    # transaction, which the displays receive as the call's id; None when not called here.
    if TYPE_CHECKING:
        call_event_id: int | None  # the call's event, set by the lifecycle; never mapped
    else:
        call_event_id = None  # no annotation at run time: the ORM would map it


class TicketDossier(Base):
    """One dossier code (mã hồ sơ) recorded for a visit, as typed and normalised."""

    __tablename__ = "ticket_dossiers"
    __table_args__ = (UniqueConstraint("ticket_id", "normalised"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    code: Mapped[str] = mapped_column(String(64))
    # Trimmed and upper case: how a dossier is looked up across every office.
    normalised: Mapped[str] = mapped_column(String(64), index=True)


class TicketEvent(Base):
    """Append-only log of every ticket transition: what, who, which counter, when."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_office_at", "office_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    # Indexed by ix_ticket_events_office_at, which leads with it (migration 0011).
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    kind: Mapped[TicketEventKind] = mapped_column(_enum(TicketEventKind))
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class PrintJobStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    PRINTED = "printed"
    FAILED = "failed"


class PrintJob(Base):
    """One slip to print on one printer: the ticket's issue print or a staff reprint."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        Index("ix_print_jobs_printer_status", "printer_id", "status"),
        # The audit page's reprints: a few among one job per ticket ever issued.
        Index("ix_print_jobs_reprints", "created_at", sqlite_where=text("is_reprint = 1"),
              postgresql_where=text("is_reprint")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and never reused, so an agent's journal of printed jobs survives a new database.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    # None for a slip printed without a ticket (a procedure's checklist).
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True,
                                                  nullable=True)
    printer_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    status: Mapped[PrintJobStatus] = mapped_column(_enum(PrintJobStatus))
    # The slip as printer.Slip.to_dict() gives it: the agent renders it with its own profile.
    slip: Mapped[dict] = mapped_column(JSON)
    is_reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)

    ticket: Mapped[Ticket | None] = relationship()
    printer: Mapped[Device] = relationship()


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a logged ticket event."""


@event.listens_for(Session, "before_flush")
def _keep_event_log_append_only(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, TicketEvent) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise AppendOnlyError("ticket events are append-only")


class VisitCount(enum.Enum):
    """How many times the citizen has come for this matter (số lần đi lại)."""

    FIRST = "first"
    SECOND = "second"
    THREE_OR_MORE = "three_or_more"


class FeedbackSource(enum.Enum):
    PHONE = "phone"
    TABLET = "tablet"
    # The official paper form, typed in by an officer.
    PAPER = "paper"


class Feedback(Base):
    """A citizen's rating of one finished ticket, attributed to its counter and officer."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_office_rated", "office_id", "rated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One rating per ticket: the unique constraint is the backstop for two at once.
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # 5 Rất hài lòng, 4 Hài lòng, 3 Bình thường, 2 Không hài lòng, 1 Rất không hài lòng.
    rating: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    visits: Mapped[VisitCount | None] = mapped_column(_enum(VisitCount), nullable=True)
    source: Mapped[FeedbackSource] = mapped_column(_enum(FeedbackSource))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), nullable=True)
    rated_at: Mapped[datetime]
    # The version of the office's rating form answered (1: the built-in form), its levels,
    # and the answer to each of its questions: {"thai-do": 5}.
    form_version: Mapped[int] = mapped_column(Integer, default=1)
    levels: Mapped[int] = mapped_column(Integer, default=5)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    # The officer who typed in a paper form; None for the phone and the tablet.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    ticket: Mapped[Ticket] = relationship()


class RatingForm(Base):
    """One version of an office's rating form, kept for the ratings that answered it."""

    __tablename__ = "rating_forms"
    __table_args__ = (UniqueConstraint("office_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    version: Mapped[int] = mapped_column(Integer)
    # {"levels", "labels", "questions": [{"code", "text", "criterion"}]}
    form: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime]


class MessageStatus(enum.Enum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class MessageContact(Base):
    """A phone number given for one ticket's messages, with the consent the citizen gave.

    Kept apart from the ticket and deleted after the office's retention period.
    """

    __tablename__ = "message_contacts"
    __table_args__ = (Index("ix_message_contacts_office_created", "office_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    # International form without "+" (84912345678), as Zalo takes it.
    phone: Mapped[str] = mapped_column(String(16))
    # The channel the citizen chose; None: the office's order.
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_text: Mapped[str] = mapped_column(Text)
    # Given with the consent; retention counts from here.
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """One message to send on one channel: queued, sending, sent or failed, with its attempts.

    A refusal by the channel (Zalo does not know the number) ends this row as failed and
    queues the same message on the next channel of `fallbacks`.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
                      Index("ix_outbox_messages_office_created", "office_id", "created_at"),
                      # The latest attempt on a channel (the admin's Zalo token warning).
                      Index("ix_outbox_messages_channel_claimed", "channel", "claimed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    # What it says: near_turn, called, rating (a template of the office's [office.messages]).
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    # Channels still to try, in order, when this one refuses the message.
    fallbacks: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A phone number (84…) or a URL; None once forgotten after the office's retention.
    destination: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # The message's data fields (number, ahead, office, counter, url …).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # One message per key on its first channel ("near_turn:42"): enqueued twice, kept once.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), nullable=True, unique=True)
    # Sent with every attempt, so a provider or receiver can drop a repeat.
    tracking_id: Mapped[str] = mapped_column(String(48), unique=True)
    status: Mapped[MessageStatus] = mapped_column(_enum(MessageStatus))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # Not sent by then: failed (a near-turn message an hour late helps nobody).
    expires_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # The provider's own code (Zalo's -124, "http_503"), for the log and the token warning.
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # The provider's id of the sent message (Zalo's msg_id).
    provider_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)

    office: Mapped[Office] = relationship()
    ticket: Mapped[Ticket | None] = relationship()


class FeedbackCase(Base):
    """How one feedback inbox item (a rating of 3 or less, or any comment) was handled."""

    __tablename__ = "feedback_cases"
    __table_args__ = (Index("ix_feedback_cases_office_closed", "office_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The inbox item is the rating itself; this row appears at the first action on it.
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    assigned_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Shown to the citizen on the ticket page.
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # Internal: what was done; never shown to the citizen.
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)

    feedback: Mapped[Feedback] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class AdminObject(enum.Enum):
    """What an administration change was made to."""

    OFFICE = "office"
    SERVICE = "service"
    COUNTER = "counter"
    PRIORITY = "priority"
    USER = "user"
    DEVICE = "device"
    PROCEDURE = "procedure"
    # A person's request under the personal-data law (export, erase).
    PERSON = "person"


class AdminAction(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    PASSWORD_RESET = "password_reset"
    REVOKED = "revoked"
    FILE_APPLIED = "file_applied"
    EXPORTED = "exported"
    ERASED = "erased"


class AdminAuditEntry(Base):
    """Append-only log of every change made in /admin or by `init`: who, when, from where, what."""

    __tablename__ = "admin_audit_entries"
    __table_args__ = (Index("ix_admin_audit_entries_office_at", "office_id", "at"),
                      Index("ix_admin_audit_entries_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # The username at the time (or "init"), so the line reads the same after renames.
    actor: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    client_agent: Mapped[str | None] = mapped_column(String(200), nullable=True)
    action: Mapped[AdminAction] = mapped_column(_enum(AdminAction))
    object_kind: Mapped[AdminObject] = mapped_column(_enum(AdminObject))
    object_key: Mapped[str] = mapped_column(String(100))
    # {"field": [before, after]}; secrets (passwords, tokens) are never written here.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)


class OfficeFileState(Base):
    """What `init` last applied from the office file: tells file edits from /admin edits."""

    __tablename__ = "office_file_states"

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    applied: Mapped[dict] = mapped_column(JSON)
    applied_at: Mapped[datetime]


@event.listens_for(Session, "before_flush")
def _keep_admin_audit_append_only(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AdminAuditEntry) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise AppendOnlyError("the admin audit log is append-only")


class Procedure(Base):
    """An administrative procedure (thủ tục hành chính) of an office's published catalogue."""

    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("office_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    # The national code, such as 1.001193.000.00.00.H37.
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(200), default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    # The dossier's components, one text per document, in the published order.
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    processing_time: Mapped[str] = mapped_column(Text, default="")
    fees: Mapped[str] = mapped_column(Text, default="")
    forms: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    # Name, code and field without diacritics or case: what searches compare with.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Missing from the latest import: kept for the tickets that name it, never offered.
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]

    office: Mapped[Office] = relationship()
    service: Mapped[Service] = relationship()


class BookingStatus(enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"


class Booking(Base):
    """An appointment: a slot of a service held for a phone, confirmed by a one-time code."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_slot", "service_id", "starts_at"),
        Index("ix_bookings_office_day", "office_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the citizen types or scans at the kiosk (short, unambiguous letters and digits).
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # The id the confirmation step names before the code is known (a secret of the phone).
    hold_id: Mapped[str] = mapped_column(String(43), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # International form without "+"; None once forgotten after the office's retention.
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus))
    otp_hash: Mapped[str] = mapped_column(String(64))
    otp_expires_at: Mapped[datetime]
    otp_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(nullable=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    # The keyed hash of the ID number the citizen chose to give, for check-in with the card.
    citizen_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # The consent to keep the phone number (and the ID's hash): the text shown, its version.
    consent_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    consent_version: Mapped[str | None] = mapped_column(String(20), nullable=True)
    consent_at: Mapped[datetime | None] = mapped_column(nullable=True)

    office: Mapped[Office] = relationship()
    service: Mapped[Service] = relationship()


class Province(Base):
    """The province the installation serves ([province] of the office file); one row at most."""

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
