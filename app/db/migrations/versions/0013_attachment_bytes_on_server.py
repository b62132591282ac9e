"""attachment bytes in the database on a server

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 09:30:00

A database file keeps its attachments in the folder beside it (by SHA-256); a database on a server has no
folder every client can reach, so there the bytes live in `attachment_blob`, once per SHA-256, and the
server's own backup carries them (app/services/blobs.py). The table is created on both backends, so the
models and the migrations agree; on a file it stays empty.

On PostgreSQL the bytes are stored uncompressed (STORAGE EXTERNAL): attachments are mostly PDF, JPEG and
Office files, compressed already, and a piece of an uncompressed value is read without reading all of it
(the app reads an attachment 8 MB at a time).
"""

import sqlalchemy as sa
from alembic import op

import app.db.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_blob",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", app.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blob")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE attachment_blob ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("attachment_blob")
