"""the audit trail names the computer each change was made on

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:50:00

An audit row keeps who made a change (the login name; on a server also the server's user) and now on which
computer (`machine`, its name): rows a merged offline copy brings say the laptop of the trip. Rows written
before this version have "".
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("machine", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("machine")
