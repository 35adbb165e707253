"""The procedure catalogue; tickets name their procedure; checklist slips print without a ticket

Revision ID: 0017_procedures
Revises: 0016_visits
Create Date: 2026-12-07 05:00:00.000000

A procedure (thủ tục hành chính) belongs to an office and is handled by one of its services.
A ticket may name the procedure the citizen chose. A print job may carry a procedure's
checklist instead of a ticket, so its ticket becomes optional.
"""

import sqlalchemy as sa
from alembic import op

revision = '0017_procedures'
down_revision = '0016_visits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'procedures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=500), nullable=False),
        sa.Column('field', sa.String(length=200), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('documents', sa.JSON(), nullable=False),
        sa.Column('processing_time', sa.Text(), nullable=False),
        sa.Column('fees', sa.Text(), nullable=False),
        sa.Column('forms', sa.Text(), nullable=False),
        sa.Column('legal_basis', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('is_hidden', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'],
                                name=op.f('fk_procedures_office_id_offices')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_procedures_service_id_services')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_procedures')),
        sa.UniqueConstraint('office_id', 'code', name=op.f('uq_procedures_office_id_code')),
    )
    op.create_index(op.f('ix_procedures_office_id'), 'procedures', ['office_id'], unique=False)
    # A plain ADD COLUMN: batch mode would copy the tickets table and drop its triggers.
    # SQLite takes the foreign key only inside the column's own definition.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("ALTER TABLE tickets ADD COLUMN procedure_id INTEGER "
                   "CONSTRAINT fk_tickets_procedure_id_procedures REFERENCES procedures (id)")
    else:
        op.add_column('tickets', sa.Column('procedure_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_tickets_procedure_id_procedures'), 'tickets',
                              'procedures', ['procedure_id'], ['id'])
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Checklist jobs have no ticket and cannot stay in the older table.
    op.execute("DELETE FROM print_jobs WHERE ticket_id IS NULL")
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=False)
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_tickets_procedure_id_procedures'), 'tickets',
                           type_='foreignkey')
    op.drop_column('tickets', 'procedure_id')
    op.drop_index(op.f('ix_procedures_office_id'), table_name='procedures')
    op.drop_table('procedures')
