"""the server moves every record's version forward on each UPDATE, whoever writes it

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:40:00

No lost update held by the server, not only by the app (issue 19): on PostgreSQL each record table gets a
BEFORE UPDATE trigger that gives an updated row a version above the one it had, whatever the client sends
(app/db/version_guard.py has the design): a 录入 user with psql can no longer change a record and keep its
version, or move it back, so that a form opened before saves over the change. What the app sends (old + 1) is
what the trigger keeps; no row is rewritten by this upgrade. A database file gets nothing (one user at a time).

A later migration that adds a record table (one with `version`, app/db/base.py RecordMixin) gives it the trigger
in its upgrade, and takes it away first in its downgrade:

    from app.db import version_guard
    version_guard.install(op.get_bind(), ("new_table",))  # upgrade, after creating the table
    version_guard.remove(op.get_bind(), ("new_table",))  # downgrade, before dropping it

(tests/core/test_version_guard.py fails on a table with `version` and no trigger). A later backfill with a plain
UPDATE of a record table moves the versions of the rows it writes (a form open meanwhile is told the record
changed: the safe side).
"""

from alembic import op

from app.db import version_guard

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Every table of a record (app/db/base.py RecordMixin) at this revision (as in 0012).
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
    version_guard.install(op.get_bind(), RECORDS)  # nothing on SQLite


def downgrade() -> None:
    version_guard.remove(op.get_bind(), RECORDS)
    version_guard.drop_function(op.get_bind())
