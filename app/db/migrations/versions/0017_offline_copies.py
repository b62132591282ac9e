"""offline copies: a database's own id, and where a copy came from with its rows as copied

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 12:40:00

带出副本 writes a database file for the laptop; 合并副本 merges it back three ways (app/offline/). For that every
database gets its own id (the `setting` DATABASE_ID, a UUID made here, or by the first upgrade of an older
database), which a copy carries; a copy holds where it came from (`offline_origin`) and each row as it was
copied (`offline_base`). Both tables stay empty elsewhere.
"""

import uuid

import sqlalchemy as sa
from alembic import op

import app.db.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offline_origin",
        sa.Column("copy_id", sa.String(36), nullable=False),
        sa.Column("origin_id", sa.String(36), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("made_at", app.db.base.UTCDateTime(), nullable=False),
        sa.Column("made_by", sa.String(100), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("copy_id", name=op.f("pk_offline_origin")),
    )
    op.create_table(
        "offline_base",
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_key", sa.String(200), nullable=False),
        sa.Column("row_values", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_key", name=op.f("pk_offline_base")),
    )
    setting = sa.table("setting", sa.column("key"), sa.column("value"))
    op.execute(setting.insert().values(key="database_id", value=str(uuid.uuid4())))


def downgrade() -> None:
    op.execute("DELETE FROM setting WHERE key = 'database_id'")
    op.drop_table("offline_base")
    op.drop_table("offline_origin")
