"""devices.last_seen_at filled in from what each device last did (data only)

Revision ID: 0009_device_last_seen
Revises: 0008_queue_version
Create Date: 2026-11-28 09:00:00.000000

Until now last_seen_at was never written, and device tokens now expire after a time unused
counted from it (or from the device's creation when empty). Without this, upgrading an
installation older than that limit would refuse every kiosk in use at its next request. The
evidence is what the admin page showed as "last activity": tickets a kiosk issued, ticket
actions and ratings made with a device, a printer's last report. A device with none keeps an
empty last_seen_at and counts from its creation. No schema change; downgrade leaves the values.
"""

import sqlalchemy as sa
from alembic import op

from queue_server.models import UTCDateTime

revision = '0009_device_last_seen'
down_revision = '0008_queue_version'
branch_labels = None
depends_on = None

_moment = UTCDateTime()
devices = sa.table("devices", sa.column("id", sa.Integer),
                   sa.column("last_seen_at", _moment), sa.column("printer_seen_at", _moment))
tickets = sa.table("tickets", sa.column("kiosk_id", sa.Integer),
                   sa.column("issued_at", _moment))
ticket_events = sa.table("ticket_events", sa.column("device_id", sa.Integer),
                         sa.column("at", _moment))
feedback = sa.table("feedback", sa.column("device_id", sa.Integer),
                    sa.column("rated_at", _moment))


def upgrade() -> None:
    connection = op.get_bind()
    queries = [sa.select(devices.c.id, devices.c.printer_seen_at)
               .where(devices.c.last_seen_at.is_(None))]
    for device_id, moment in [(tickets.c.kiosk_id, tickets.c.issued_at),
                              (ticket_events.c.device_id, ticket_events.c.at),
                              (feedback.c.device_id, feedback.c.rated_at)]:
        queries.append(sa.select(device_id, sa.func.max(moment))
                       .where(device_id.is_not(None)).group_by(device_id))
    latest: dict[int, object] = {}
    for query in queries:
        for device_id, moment in connection.execute(query):
            if moment is not None:
                latest[device_id] = max(moment, latest.get(device_id, moment))
    if latest:
        connection.execute(
            devices.update().where(devices.c.id == sa.bindparam("device"),
                                   devices.c.last_seen_at.is_(None))
            .values(last_seen_at=sa.bindparam("seen")),
            [{"device": device_id, "seen": moment} for device_id, moment in latest.items()])


def downgrade() -> None:
    pass  # the column was there before; its values do no harm
