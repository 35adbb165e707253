"""missing documents: what a visit sent back for completion lacks

Revision ID: 0018_missing_documents
Revises: 0017_procedures
Create Date: 2026-12-07 06:00:00.000000

A visit whose outcome is `supplement` (yêu cầu bổ sung, hoàn thiện) names the documents of its
procedure that were missing, as the catalogue words them, so the citizen reads the same list on
their ticket page and on the slip, and the reports count which documents are missing most.
NULL: none recorded.
"""

import sqlalchemy as sa
from alembic import op

revision = '0018_missing_documents'
down_revision = '0017_procedures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: batch mode would copy the tickets table and drop its triggers.
    op.add_column('tickets', sa.Column('missing_documents', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('tickets', 'missing_documents')
