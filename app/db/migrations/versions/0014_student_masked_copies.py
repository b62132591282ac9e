"""masked copies of the students' personal data, readable by every user

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:20:00

On a server the students' personal columns (身份证号, the phones, 家庭住址, and 出生日期, which the 身份证号's
middle digits repeat) are readable only with 学生个人信息 (app/db/roles.py). A user without it still needs to
tell students apart and see that a number is on file: each personal column gets a masked copy beside it
(`id_number_masked` = 430102********1234 …), computed by the app's one masking function
(app/domain/privacy.py) whenever the column is written (app/db/personal.py), and readable by every user.

This upgrade fills the copies of the students there are, and removes the birth dates from the audit trail
(every user may read it; the trail notes that a birth date changed, not the date, as for an ID number).

On PostgreSQL it also makes the view `internship_start_age`: each internship's student's age in whole years on
its first day (app/domain/internship_rules.py `age_on`, in SQL), which the 未满16周岁 rule needs and every user
may read — a view reads its tables with its owner's rights (the college's 管理员), so a user without 学生个人信息
learns the age, never the birth date. (A file has one user, who reads the birth date itself.) A later
migration that changes `student.birth_date`, `internship.starts_on` or `student_id` drops and remakes the view.
"""

import json

import sqlalchemy as sa
from alembic import op

from app.domain.privacy import masked_copy

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COPIES = {  # personal column: its length
    "id_number": 18,
    "phone": 30,
    "guardian_phone": 30,
    "guardian_id_number": 18,
    "emergency_phone": 30,
    "home_address": 300,
}
BATCH = 2000


def upgrade() -> None:
    for column, length in COPIES.items():
        op.add_column(
            "student",
            sa.Column(f"{column}_masked", sa.String(length), nullable=False, server_default=""),
        )
    conn = op.get_bind()
    student = sa.table(
        "student",
        sa.column("id"),
        *(sa.column(c) for c in COPIES),
        *(sa.column(f"{c}_masked") for c in COPIES),
    )
    rows = conn.execute(sa.select(student.c.id, *(student.c[c] for c in COPIES))).all()
    update = (
        sa.update(student)
        .where(student.c.id == sa.bindparam("_id"))
        .values({f"{c}_masked": sa.bindparam(f"_{c}") for c in COPIES})
    )
    for start in range(0, len(rows), BATCH):
        batch = [
            {"_id": row.id, **{f"_{c}": masked_copy(c, getattr(row, c) or "") for c in COPIES}}
            for row in rows[start : start + BATCH]
        ]
        batch = [b for b in batch if any(b[f"_{c}"] for c in COPIES)]
        if batch:
            conn.execute(update, batch)
    _hide_birth_dates(conn)
    if conn.dialect.name == "postgresql":
        op.execute(START_AGE_VIEW)


START_AGE_VIEW = """
CREATE VIEW internship_start_age AS
SELECT internship.id AS internship_id,
       CAST(EXTRACT(YEAR FROM internship.starts_on) - EXTRACT(YEAR FROM student.birth_date)
            - CASE WHEN (EXTRACT(MONTH FROM internship.starts_on), EXTRACT(DAY FROM internship.starts_on))
                        < (EXTRACT(MONTH FROM student.birth_date), EXTRACT(DAY FROM student.birth_date))
                   THEN 1 ELSE 0 END AS integer) AS age
FROM internship JOIN student ON student.id = internship.student_id
WHERE student.birth_date IS NOT NULL
"""


def _hide_birth_dates(conn: sa.Connection) -> None:
    audit = sa.table("audit_log", sa.column("id"), sa.column("table_name"), sa.column("changes", sa.JSON))
    rows = conn.execute(sa.select(audit.c.id, audit.c.changes).where(audit.c.table_name == "student")).all()
    for rid, changes in rows:
        if isinstance(changes, str):
            changes = json.loads(changes)
        if not isinstance(changes, dict) or "birth_date" not in changes:
            continue
        value = changes["birth_date"]
        if isinstance(value, list):
            hidden = ["***" if v else v for v in value]
        else:
            hidden = "***" if value else value
        if hidden == value:
            continue
        conn.execute(
            sa.update(audit).where(audit.c.id == rid).values(changes={**changes, "birth_date": hidden})
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP VIEW IF EXISTS internship_start_age")
    with op.batch_alter_table("student") as batch:
        for column in COPIES:
            batch.drop_column(f"{column}_masked")
