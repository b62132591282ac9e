"""record versions, who saved last, the database user in the audit trail

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:00:00

Several people on one server database: a form that saves a record someone else changed since it was opened
must be refused, not overwrite the other change. Every record gets `version` (1 for the records there are,
SQLAlchemy's version counter from now on) and `updated_by` (who saved it last: the database user on a
server, the computer's login name on a file). The audit trail gets `db_user`: on PostgreSQL the server fills
it in itself (SESSION_USER, the role that logged in, whatever the client says) in the rows written from
then on; on SQLite, and in the rows written before, it stays empty.
Adding a column with a constant default is instant on both (no table rewrite).
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Every table of a record (app/db/base.py RecordMixin) at this revision.
RECORDS = (
    "achievement",
    "action_item",
    "agreement",
    "agreement_transition",
    "asset",
    "asset_disposal",
    "asset_repair",
    "attachment",
    "base_cost",
    "base_usage",
    "budget",
    "budget_category",
    "contact",
    "employment",
    "enterprise",
    "enterprise_practice",
    "finding_ack",
    "industry_organization",
    "internship",
    "ledger_entry",
    "major",
    "major_group",
    "meeting",
    "monthly_evaluation",
    "operation_report",
    "organization_activity",
    "practice_base",
    "project",
    "project_kpi",
    "project_responsible",
    "steering_meeting",
    "steering_member",
    "student",
    "studio",
    "studio_activity",
    "teacher",
    "training",
    "usage_summary",
    "visit",
)


def upgrade() -> None:
    for table in RECORDS:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        op.add_column(table, sa.Column("updated_by", sa.String(100), nullable=False, server_default=""))
    op.add_column("audit_log", sa.Column("db_user", sa.String(100)))
    if op.get_bind().dialect.name == "postgresql":
        # The server's default for the rows written from now on only: given with the column, it would fill
        # every audit row already there with the role running this upgrade, as if it had made those changes.
        op.alter_column(
            "audit_log", "db_user", server_default=sa.text("SESSION_USER"), existing_type=sa.String(100)
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("db_user")
    for table in RECORDS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_by")
            batch.drop_column("version")
