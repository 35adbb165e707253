"""visits: the counter's outcome and dossier codes, the office's rating form in versions, its satisfaction targets

Revision ID: 0016_visits
Revises: 0015_outbox
Create Date: 2026-12-07 05:00:00.000000

Tickets gain `outcome`; their dossier codes get a table of their own (one visit may file
several), holding each code as typed and normalised. Offices gain `dossier_pattern` (empty: the
built-in pattern), `require_outcome`, `outcome_labels` and `rating_form` (NULL: the built-in
form) and `satisfaction_targets` (the minimum and the goal of "% hài lòng", 85 and 95). Every rating records the version of the form it answered, its levels and its answers;
existing ratings answered version 1, the built-in five-level form. Existing dossier codes on
tickets are copied into the new table, so the history starts with them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0016_visits'
down_revision = '0015_outbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: batch mode would copy tables others point to (and their triggers).
    op.add_column('offices', sa.Column('dossier_pattern', sa.String(length=200), nullable=False,
                                      server_default=''))
    op.add_column('offices', sa.Column('require_outcome', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.add_column('offices', sa.Column('outcome_labels', sa.JSON(), nullable=False,
                                      server_default='{}'))
    op.add_column('offices', sa.Column('rating_form', sa.JSON(), nullable=True))
    op.add_column('offices', sa.Column('satisfaction_targets', sa.JSON(), nullable=False,
                                       server_default='[85, 95]'))
    op.add_column('tickets', sa.Column('outcome', sa.String(length=20), nullable=True))
    op.add_column('feedback', sa.Column('form_version', sa.Integer(), nullable=False,
                                      server_default='1'))
    op.add_column('feedback', sa.Column('levels', sa.Integer(), nullable=False,
                                      server_default='5'))
    op.add_column('feedback', sa.Column('answers', sa.JSON(), nullable=False,
                                      server_default='{}'))
    # A paper form typed in by an officer: who typed it.
    if op.get_bind().dialect.name == 'sqlite':
        # The reference goes inline with ADD COLUMN (batch mode would copy the table).
        op.execute('ALTER TABLE feedback ADD COLUMN entered_by_id INTEGER '
                   'CONSTRAINT fk_feedback_entered_by_id_users REFERENCES users (id)')
    else:
        op.add_column('feedback', sa.Column('entered_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_feedback_entered_by_id_users'), 'feedback', 'users',
                              ['entered_by_id'], ['id'])
    op.create_table(
        'ticket_dossiers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('normalised', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'],
                                name=op.f('fk_ticket_dossiers_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_dossiers')),
        sa.UniqueConstraint('ticket_id', 'normalised',
                            name=op.f('uq_ticket_dossiers_ticket_id_normalised')))
    op.create_index(op.f('ix_ticket_dossiers_normalised'), 'ticket_dossiers', ['normalised'])
    op.create_table(
        'rating_forms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('form', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'],
                                name=op.f('fk_rating_forms_office_id_offices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_forms')),
        sa.UniqueConstraint('office_id', 'version',
                            name=op.f('uq_rating_forms_office_id_version')))
    op.execute(
        "INSERT INTO ticket_dossiers (ticket_id, code, normalised) "
        "SELECT id, TRIM(dossier_code), UPPER(TRIM(dossier_code)) FROM tickets "
        "WHERE dossier_code IS NOT NULL AND TRIM(dossier_code) <> ''")


def downgrade() -> None:
    op.drop_table('rating_forms')
    op.drop_index(op.f('ix_ticket_dossiers_normalised'), table_name='ticket_dossiers')
    op.drop_table('ticket_dossiers')
    # Plain DROP COLUMN (SQLite 3.35+), as in 0014: batch mode would copy tables others point to.
    if op.get_bind().dialect.name != 'sqlite':  # SQLite drops it with its column
        op.drop_constraint(op.f('fk_feedback_entered_by_id_users'), 'feedback',
                           type_='foreignkey')
    for column in ('entered_by_id', 'answers', 'levels', 'form_version'):
        op.drop_column('feedback', column)
    op.drop_column('tickets', 'outcome')
    for column in ('satisfaction_targets', 'rating_form', 'outcome_labels', 'require_outcome',
                   'dossier_pattern'):
        op.drop_column('offices', column)
