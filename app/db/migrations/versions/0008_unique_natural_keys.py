"""natural keys unique among live records (学号, 身份证号, 工号, 统一社会信用代码, 协议编号, names)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 20:40:00

Partial unique indexes, the same SQL on SQLite and PostgreSQL. A database that already holds duplicates of a
key does not fail the upgrade: that key's index is left out and logged, and app.db.unique_keys (run on every
open and by `chanjiao check-keys`) lists the records and creates the index once they are resolved.
The definitions are written out here (frozen), as app/db/unique_keys.py KEYS had them at this revision.
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

log = logging.getLogger("app.db.migrations")

# (index, table, indexed expression, column)
KEYS = (
    ("uq_live_student_no", "student", "lower(student_no)", "student_no"),
    ("uq_live_student_id_number", "student", "id_number", "id_number"),
    ("uq_live_teacher_staff_no", "teacher", "lower(staff_no)", "staff_no"),
    ("uq_live_enterprise_uscc", "enterprise", "uscc", "uscc"),
    ("uq_live_agreement_number", "agreement", "number", "number"),
    ("uq_live_practice_base_name", "practice_base", "name", "name"),
    ("uq_live_budget_category_name", "budget_category", "name", "name"),
    ("uq_live_industry_organization_name", "industry_organization", "name", "name"),
)


def _where(column: str) -> str:
    return f"deleted_at IS NULL AND {column} <> ''"


def _duplicated_values(table: str, expr: str, column: str) -> int:
    sql = (
        f"SELECT count(*) FROM (SELECT {expr} FROM {table} WHERE {_where(column)} "
        f"GROUP BY {expr} HAVING count(*) > 1) AS d"
    )
    return op.get_bind().execute(sa.text(sql)).scalar() or 0


def upgrade() -> None:
    for index, table, expr, column in KEYS:
        clashes = _duplicated_values(table, expr, column)
        if clashes:
            log.warning(
                "唯一索引 %s 暂未建立：%s 表中有 %d 个 %s 值被多条在用记录共用（打开数据库时会列出）",
                index,
                table,
                clashes,
                column,
            )
            continue
        where = sa.text(_where(column))
        op.create_index(
            index, table, [sa.text(expr)], unique=True, sqlite_where=where, postgresql_where=where
        )


def downgrade() -> None:
    for index, _table, _expr, _column in reversed(KEYS):
        op.execute(f"DROP INDEX IF EXISTS {index}")
