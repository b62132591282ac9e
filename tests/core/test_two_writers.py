"""Two writers at once (issue #22, finding 6): a big roster import and a small overlapping one, run as real
processes of the CLI, never store a 学号 twice; the one that loses the race says so and writes nothing.

The overlap is made the same on every run by two test hooks in app/io/importing.py: the small import stops
once it has read its file (CHANJIAO_TEST_HOLD_READ), the big one once it has rechecked its rows inside its
write transaction (CHANJIAO_TEST_HOLD_IMPORT); the small one is let go first, then the big one. Before the
fix the small import's recheck read the data outside any transaction, found none of its students, and its
rows went in beside the big import's: three 学号 twice."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from app.db.engine import open_database
from app.db.models import Student
from tests.held_import import start_import, wait_for

BIG = 2000


def _roster(path: Path, numbers: list[str]) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("学生")
    ws.append(["学号", "姓名", "班级"])
    for no in numbers:
        ws.append([no, f"学生{no}", "机电2301"])
    wb.save(path)
    return path


def _start(tmp_path: Path, db: Path, roster: Path, **hooks: str) -> subprocess.Popen[str]:
    return start_import(tmp_path, str(db), "students", str(roster), **hooks)


def test_two_imports_at_once_never_store_a_student_number_twice(tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "chanjiao.db"
    open_database(db_path).close()  # created and migrated before the race
    big = _roster(tmp_path / "大名册.xlsx", [f"2023{n:05d}" for n in range(1, BIG + 1)])
    overlap = [f"2023{n:05d}" for n in range(BIG - 2, BIG + 1)]
    small = _roster(tmp_path / "小名册.xlsx", [*overlap, "2024000001", "2024000002"])
    f = {name: tmp_path / name for name in ("read", "go_on", "holding", "commit")}

    # The small import reads its file (none of its students exist yet) and waits; the big one reads its
    # file, rechecks, and holds its transaction before writing; the small one goes on while it does (its
    # recheck now has to see what the big one writes), and then the big one writes and commits.
    second = _start(tmp_path, db_path, small, CHANJIAO_TEST_HOLD_READ=f"{f['read']};{f['go_on']}")
    wait_for(f["read"], second)
    first = _start(tmp_path, db_path, big, CHANJIAO_TEST_HOLD_IMPORT=f"{f['holding']};{f['commit']}")
    wait_for(f["holding"], first)
    f["go_on"].write_text("go", encoding="utf-8")
    time.sleep(0.5)  # the small import reaches its write (either way, its recheck runs after the big commit)
    f["commit"].write_text("go", encoding="utf-8")
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)

    db = open_database(db_path)
    try:
        with db.reader() as s:
            twice = s.execute(
                select(func.lower(Student.student_no))
                .where(Student.deleted_at.is_(None))
                .group_by(func.lower(Student.student_no))
                .having(func.count() > 1)
            ).all()
            numbers = set(s.scalars(select(Student.student_no)))
    finally:
        db.close()
    assert twice == []
    assert first.returncode == 0, err1
    assert len(numbers) == BIG
    # The second import lost the race: it writes nothing and says why. Its write transaction waited for the
    # first one's (BEGIN IMMEDIATE), then its recheck saw the first one's students; on a very slow machine it
    # may instead give up waiting for the lock, with the same “nothing saved”.
    assert second.returncode == 2, (out2, err2)
    assert "2024000001" not in numbers and "2024000002" not in numbers
    assert (
        "数据已有变化，未导入任何数据：第2行学号“202301998”已由另一个导入或另一位用户先添加" in err2
        or "正被占用（本软件的另一个窗口或另一个导入正在写入" in err2
    ), err2
    assert "Traceback" not in err2 and "IntegrityError" not in err2
