"""an enterprise's first contact found by an index: contact (enterprise_id, sort_order, id)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 16:40:00

The enterprise list shows each enterprise's first contact (lowest sort_order, then id:
app/services/enterprise_list.py). With only the index on enterprise_id, each page of 200 rows sorted every
enterprise's contacts again; with this index the first one is read in order. Both kinds of database.
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contact_enterprise_order", "contact", ["enterprise_id", "sort_order", "id"])


def downgrade() -> None:
    op.drop_index("ix_contact_enterprise_order", table_name="contact")
