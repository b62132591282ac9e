"""students' personal data held by the server against writes too

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 13:05:00

On PostgreSQL (issue 19):
- A user without 学生个人信息 may not write a student's personal columns either (`personal_write_guard`, a
  BEFORE INSERT OR UPDATE trigger on `student`): were they allowed to, the unique index on 身份证号 would tell a
  录入 user with psql whether a guessed number is a student's (an INSERT refused as a duplicate), and the masked
  copy (region and last four) leaves few guesses once the birth date is known. The app never writes them for
  such a user (app/services/students.py). Refused as the server refuses a column: SQLSTATE 42501.
- `internship_start_age` (0014) shows nothing inside a transaction that has written: a 录入 user cannot move an
  internship's first day back and forth in a transaction rolled back afterwards, reading the age each time, to
  find the birth date. (Between committed writes the moves are there for everyone to see.)

A database file needs none of this (one user, who reads everything): the upgrade does nothing there.
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

PERSONAL = ("id_number", "phone", "guardian_phone", "guardian_id_number", "emergency_phone", "home_address")

_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in (*PERSONAL, "birth_date"))
_FILLED = " OR ".join(f"COALESCE(NEW.{c}, '') <> ''" for c in PERSONAL) + " OR NEW.birth_date IS NOT NULL"
GUARD = f"""
CREATE OR REPLACE FUNCTION chanjiao_personal_write_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER AS $body$
BEGIN
    IF has_column_privilege('student', 'id_number', 'SELECT') THEN
        RETURN NEW;
    END IF;
    IF (TG_OP = 'INSERT' AND ({_FILLED})) OR (TG_OP = 'UPDATE' AND ({_CHANGED})) THEN
        RAISE EXCEPTION 'permission denied for table student'
            USING ERRCODE = '42501', HINT = '学生个人信息';
    END IF;
    RETURN NEW;
END
$body$
"""

START_AGE_VIEW = """
CREATE OR REPLACE VIEW internship_start_age AS
SELECT internship.id AS internship_id,
       CAST(EXTRACT(YEAR FROM internship.starts_on) - EXTRACT(YEAR FROM student.birth_date)
            - CASE WHEN (EXTRACT(MONTH FROM internship.starts_on), EXTRACT(DAY FROM internship.starts_on))
                        < (EXTRACT(MONTH FROM student.birth_date), EXTRACT(DAY FROM student.birth_date))
                   THEN 1 ELSE 0 END AS integer) AS age
FROM internship JOIN student ON student.id = internship.student_id
WHERE student.birth_date IS NOT NULL AND txid_current_if_assigned() IS NULL
"""


DOWN_VIEW = START_AGE_VIEW.replace(" AND txid_current_if_assigned() IS NULL", "")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)
        op.execute("DROP TRIGGER IF EXISTS personal_write_guard ON student")
        op.execute(
            "CREATE TRIGGER personal_write_guard BEFORE INSERT OR UPDATE ON student "
            "FOR EACH ROW EXECUTE FUNCTION chanjiao_personal_write_guard()"
        )
        op.execute(START_AGE_VIEW)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS personal_write_guard ON student")
        op.execute("DROP FUNCTION IF EXISTS chanjiao_personal_write_guard()")
        op.execute(DOWN_VIEW)
