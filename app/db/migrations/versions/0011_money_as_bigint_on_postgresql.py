"""money as 64-bit integers on PostgreSQL

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:45:00

Money is integer 分. SQLite's INTEGER holds 64 bits; PostgreSQL's integer only 32 (up to 21,474,836.47 元: a
college's yearly budget or ledger total can pass it). On PostgreSQL every *_fen column becomes bigint
(app/db/base.py Money); on SQLite nothing changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MONEY = (
    ("budget", "amount_fen"),
    ("ledger_entry", "amount_fen"),
    ("practice_base", "fee_per_student_fen"),
    ("achievement", "amount_fen"),
    ("asset", "unit_value_fen"),
    ("base_cost", "consumables_fen"),
    ("base_cost", "maintenance_fen"),
    ("training", "income_fen"),
    ("visit_enterprise", "average_pay_fen"),
    ("visit_enterprise", "intern_pay_fen"),
    ("visit_enterprise", "starting_pay_fen"),
    ("asset_disposal", "value_fen"),
    ("asset_repair", "cost_fen"),
    ("employment", "monthly_salary_fen"),
    ("internship", "monthly_pay_fen"),
    ("internship", "same_post_wage_fen"),
)


def _retype(new: sa.types.TypeEngine, old: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in MONEY:
        op.alter_column(table, column, type_=new, existing_type=old)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())
