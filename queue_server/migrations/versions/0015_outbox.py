"""One outbox for every message to a citizen; phone numbers with their consent

Revision ID: 0015_outbox
Revises: 0014_english_names_no_show_wait
Create Date: 2026-12-07 05:10:00.000000

`sms_requests` (a phone number and the state of its one SMS) becomes two tables: the number
with the consent given (`message_contacts`) and the messages (`outbox_messages`). Numbers
still waiting for their message move over as they are; a message already sent or failed
moves into the outbox log. Offices gain `messages`, their [office.messages] settings.
"""

import secrets

import sqlalchemy as sa
from alembic import op

import queue_server.models

revision = '0015_outbox'
down_revision = '0014_english_names_no_show_wait'
branch_labels = None
depends_on = None

_STATUS = sa.Enum('queued', 'sending', 'sent', 'failed', name='messagestatus',
                  native_enum=False, length=20)
_OLD_STATUS = sa.Enum('pending', 'sending', 'sent', 'failed', name='smsstatus',
                      native_enum=False, length=20)
# The text shown at the kiosk before this version; its number is recorded with each phone.
_OLD_CONSENT = ("Số điện thoại chỉ dùng để nhắn tin khi sắp đến lượt, và được xóa sau"
                " {hours} giờ.")


def upgrade() -> None:
    op.add_column('offices', sa.Column('messages', sa.JSON(), nullable=True))
    op.create_table('message_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('created_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_message_contacts_office_id_offices')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_message_contacts_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_contacts')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_message_contacts_ticket_id'))
    )
    op.create_index('ix_message_contacts_office_created', 'message_contacts',
                    ['office_id', 'created_at'], unique=False)
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('fallbacks', sa.JSON(), nullable=False),
    sa.Column('destination', sa.String(length=500), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('tracking_id', sa.String(length=48), nullable=False),
    sa.Column('status', _STATUS, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('expires_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('error_code', sa.String(length=40), nullable=True),
    sa.Column('provider_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('sent_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_outbox_messages_office_id_offices')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_outbox_messages_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key')),
    sa.UniqueConstraint('tracking_id', name=op.f('uq_outbox_messages_tracking_id'))
    )
    op.create_index('ix_outbox_messages_status_next', 'outbox_messages',
                    ['status', 'next_attempt_at'], unique=False)
    op.create_index('ix_outbox_messages_office_created', 'outbox_messages',
                    ['office_id', 'created_at'], unique=False)
    op.create_index('ix_outbox_messages_channel_claimed', 'outbox_messages',
                    ['channel', 'claimed_at'], unique=False)
    _move_sms_requests()
    op.drop_index('ix_sms_requests_office_created', table_name='sms_requests')
    op.drop_table('sms_requests')


def _move_sms_requests() -> None:
    connection = op.get_bind()
    requests = sa.table('sms_requests', *(sa.column(name) for name in (
        'ticket_id', 'office_id', 'phone', 'status', 'attempts', 'last_error', 'created_at',
        'claimed_at', 'sent_at')))
    offices = sa.table('offices', sa.column('id'), sa.column('phone_retention_hours'))
    hours = dict(connection.execute(sa.select(offices.c.id, offices.c.phone_retention_hours)).all())
    contacts = sa.table('message_contacts', *(sa.column(name) for name in (
        'ticket_id', 'office_id', 'phone', 'channel', 'consent_version', 'consent_text',
        'created_at')))
    outbox = sa.table('outbox_messages', sa.column('fallbacks', sa.JSON),
                      sa.column('payload', sa.JSON), *(sa.column(name) for name in (
        'office_id', 'ticket_id', 'kind', 'channel', 'destination', 'dedupe_key', 'tracking_id', 'status', 'attempts', 'next_attempt_at', 'expires_at',
        'claimed_at', 'last_error', 'created_at', 'sent_at')))
    for row in connection.execute(sa.select(requests)).mappings().all():
        phone = row['phone'].lstrip('+')
        connection.execute(contacts.insert().values(
            ticket_id=row['ticket_id'], office_id=row['office_id'], phone=phone, channel='sms',
            consent_version='2026-1',
            consent_text=_OLD_CONSENT.format(hours=hours.get(row['office_id'], 24)),
            created_at=row['created_at']))
        if row['status'] == 'pending':
            continue
        # A send interrupted midway was given up after 15 minutes: never sent twice.
        status = 'sent' if row['status'] == 'sent' else 'failed'
        connection.execute(outbox.insert().values(
            office_id=row['office_id'], ticket_id=row['ticket_id'], kind='near_turn',
            channel='sms', fallbacks=[], destination=phone, payload={},
            dedupe_key=f"near_turn:{row['ticket_id']}", tracking_id=secrets.token_hex(16),
            status=status, attempts=row['attempts'], next_attempt_at=row['created_at'],
            expires_at=row['created_at'], claimed_at=row['claimed_at'],
            last_error=row['last_error'] or ('interrupted (server restart)'
                                             if row['status'] == 'sending' else None),
            created_at=row['created_at'], sent_at=row['sent_at']))


def downgrade() -> None:
    op.create_table('sms_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('status', _OLD_STATUS, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', queue_server.models.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.Column('sent_at', queue_server.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_sms_requests_office_id_offices')),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_sms_requests_ticket_id_tickets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_requests')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_sms_requests_ticket_id'))
    )
    op.create_index('ix_sms_requests_office_created', 'sms_requests',
                    ['office_id', 'created_at'], unique=False)
    # Numbers whose near-turn message has not gone yet keep waiting for it; the log goes.
    op.execute(
        "INSERT INTO sms_requests (ticket_id, office_id, phone, status, attempts, created_at)"
        " SELECT c.ticket_id, c.office_id, '+' || c.phone, 'pending', 0, c.created_at"
        " FROM message_contacts c WHERE NOT EXISTS (SELECT 1 FROM outbox_messages m"
        " WHERE m.ticket_id = c.ticket_id AND m.kind = 'near_turn')")
    op.drop_index('ix_outbox_messages_channel_claimed', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_office_created', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_status_next', table_name='outbox_messages')
    op.drop_table('outbox_messages')
    op.drop_index('ix_message_contacts_office_created', table_name='message_contacts')
    op.drop_table('message_contacts')
    op.drop_column('offices', 'messages')
