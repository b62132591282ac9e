"""Two users writing the same records at the same moment (issue #19, “no lost update”), on a SQLite file and on a
PostgreSQL server: two handles on one database (two engines, as two PCs have), in two threads or as two real
processes of the command line, their write transactions made to overlap for sure (the second user already
waits for the database's write lock while the first one holds it: BEGIN IMMEDIATE on SQLite, the advisory
write lock on PostgreSQL).

Two users import overlapping enterprise files. Both read and check their file before either writes, so both
previews show every row as a new enterprise. The first import to take the write lock writes all its rows. The
second one rechecks its rows inside its own write transaction, sees the first one's enterprises, writes
nothing at all and says “数据已有变化，未导入任何数据：第N行：档案中已有“企业名”（读取文件后由另一个导入或另一位
用户添加）；…。请重新读取文件后再导入。”, naming the overlapping rows (the same 统一社会信用代码, or the same name
where a row has no code; the first three, then “等N处问题”). A row with the name of an enterprise added
meanwhile under another code is refused the same way (“已有名称相同的企业…（统一社会信用代码不同…）”): the
preview would have warned of it. Read again, the overlapping rows are enterprises of the archive (跳过 by
default, or 更新) and the rest are added: every enterprise of both files ends up there exactly once, and no
import is ever half written. A second import that waits for the first longer than the database's wait (5 s
on SQLite, 15 s on a server) gives up with “…正被占用…” / “…正被其他用户写入…等待超时…没有保存…请稍后重试”,
also writing nothing.

Two users import overlapping student rosters (the same 学号). As with enterprises: the first writes all its
students; the second writes none and says “第N行学号“…”已由另一个导入或另一位用户先添加” for the overlapping rows;
read again, those rows are students already there (not updated unless asked) and the rest are added. No 学号
is ever stored twice. Teacher lists (the same 工号) alike: the second says “第N行：工号“…”已被其他教师使用”;
read again, those rows are refused in the preview and the rest are added. The command line behaves the same:
`chanjiao import enterprises|students FILE` run twice at once exits 0 for the first and 2 for the second,
with “错误：数据已有变化，未导入任何数据：…” and nothing of its file written.

Two users give 三方协议编号 to overlapping and disjoint internships of the same years at the same moment
(生成三方协议 reserves them in a write transaction of its own: reserve_agreement_numbers). The reservations
run one after the other under the write lock: every internship gets exactly one number; for an internship the
first user numbered meanwhile the second gets the very number the first gave (both print the same 协议编号);
no number is given twice; the numbers of each year (“2026-SX-0001” …, “2027-SX-0001” …) run on without a gap;
and a number once given never changes.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.engine import Database, open_database
from app.db.models import Enterprise, Internship, Student
from app.domain.names import name_key
from app.errors import AppError
from app.io.enterprises_xlsx import ImportChanges, import_enterprises, read_enterprises
from app.io.students_xlsx import import_students, read_students
from app.services.students import student_key
from tests.codes import valid_uscc
from tests.held_import import start_import, wait_for

pytestmark = [
    pytest.mark.both_backends,
    pytest.mark.skipif(
        sys.platform == "win32",
        reason="the same code on every platform, tested on Linux on both backends (the Wine half of CI is its long pole)",
    ),
]

TODAY = dt.date(2026, 2, 20)  # before the internships start: every one is ready to sign


# ---------------------------------------------------------------- two users, one database


@pytest.fixture
def other(db: Database) -> Database:
    """A second user's handle on the same database: an engine (a pool of connections) of its own."""
    second = open_database(db.location)
    yield second
    second.close()


def _lock_waiters(db: Database) -> int:
    """How many connections wait for the server database's write lock now."""
    from app.db.server import WRITE_LOCK

    with db.reader() as s:
        return (
            s.connection()
            .exec_driver_sql(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                f"AND objid = {WRITE_LOCK} AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database())"
            )
            .scalar()
        )


def _until_someone_waits(watch: Database, started: Callable[[], bool]) -> None:
    """Wait until another writer waits for the write lock: on a server until pg_locks shows it; on SQLite
    (whose busy wait shows nowhere) a while after it started asking for it."""
    deadline = time.monotonic() + 30
    while not started():
        assert time.monotonic() < deadline, "the other user never started to write"
        time.sleep(0.02)
    if not watch.is_server:
        time.sleep(0.5)
        return
    while _lock_waiters(watch) == 0:
        assert time.monotonic() < deadline, "the other user never waited for the write lock"
        time.sleep(0.02)


@dataclass
class Race:
    """What came of two writers started together: per user ("done", result) or ("refused", exception), and
    the order in which they took the write lock."""

    outcomes: list[tuple[str, Any]]
    order: list[int] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.order[0]

    @property
    def second(self) -> int:
        return self.order[1]


def both_at_once(watch: Database, users: list[tuple[Database, Callable[[Session], Any]]]) -> Race:
    """Each user's `work(session)` in a write transaction of its own handle, two threads released together by a
    barrier; whoever takes the write lock first holds it until the other is waiting for it."""
    barrier = threading.Barrier(len(users))
    trying = [threading.Event() for _ in users]
    race = Race([("none", None)] * len(users))
    order_lock = threading.Lock()

    def run(n: int, db: Database, work: Callable[[Session], Any]) -> None:
        try:
            barrier.wait(30)
            trying[n].set()
            with db.session() as s:
                with order_lock:
                    race.order.append(n)
                result = work(s)
                if race.order[0] == n:
                    _until_someone_waits(watch, trying[1 - n].is_set)
            race.outcomes[n] = ("done", result)
        except Exception as e:
            with order_lock:
                if n not in race.order:
                    race.order.append(n)
            race.outcomes[n] = ("refused", e)

    threads = [threading.Thread(target=run, args=(n, db, work)) for n, (db, work) in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive(), "a writer never finished"
    return race


def _plain_chinese(message: str) -> None:
    """A message a user reads: no SQL, no English error, no traceback."""
    for word in (
        "Traceback",
        "Error",
        "UNIQUE",
        "unique",
        "duplicate",
        "violates",
        "INSERT",
        "sqlite",
        "psycopg",
    ):
        assert word not in message, message


# ---------------------------------------------------------------- enterprises


def _enterprise_file(path: Path, rows: list[tuple[str, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "合作企业"
    ws.append(["企业名称", "统一社会信用代码", "所在地区"])
    for name, code in rows:
        ws.append([name, code, "湖南省长沙市"])
    wb.save(path)
    return path


# Rows 2-4 of both files are the same enterprises: by code, by code under a name written otherwise, by name
# where neither has a code. The other rows are each file's own.
FILE_A = [
    ("湖南麓谷精密机械有限公司", valid_uscc(101)),
    ("长沙星城智能科技有限公司", valid_uscc(102)),
    ("湘潭共用电气设备厂", ""),
    ("岳阳甲方独有物流有限公司", valid_uscc(105)),
    ("益阳甲方独有竹业有限公司", ""),
]
FILE_B = [
    ("湖南麓谷精密机械有限公司", valid_uscc(101)),
    ("长沙星城智能科技股份有限公司", valid_uscc(102)),
    ("湘潭共用电气设备厂", ""),
    ("衡阳乙方独有汽配有限公司", valid_uscc(205)),
    ("常德乙方独有食品有限公司", ""),
    ("郴州乙方独有矿业有限公司", valid_uscc(207)),
]


def _live_enterprises(db: Database) -> list[tuple[str, str]]:
    with db.reader() as s:
        stmt = select(Enterprise.name, Enterprise.uscc).where(Enterprise.deleted_at.is_(None))
        return sorted(tuple(r) for r in s.execute(stmt))


def _preview_enterprises(db: Database, path: Path):
    with db.reader() as s:
        return read_enterprises(s, path)


def test_two_users_import_overlapping_enterprise_files(db: Database, other: Database, tmp_path: Path) -> None:
    files = [
        _enterprise_file(tmp_path / "甲的企业.xlsx", FILE_A),
        _enterprise_file(tmp_path / "乙的企业.xlsx", FILE_B),
    ]
    users = [db, other]
    previews = [_preview_enterprises(u, f) for u, f in zip(users, files, strict=True)]
    for p, rows in zip(previews, (FILE_A, FILE_B), strict=True):  # both read before either writes
        assert len(p.new_rows) == len(rows) and not p.existing and not p.errors

    race = both_at_once(
        db, [(u, lambda s, p=p: import_enterprises(s, p)) for u, p in zip(users, previews, strict=True)]
    )
    first, second = race.first, race.second
    kind, changes = race.outcomes[first]
    assert kind == "done", changes
    assert isinstance(changes, ImportChanges) and len(changes.added) == len((FILE_A, FILE_B)[first])
    kind, refusal = race.outcomes[second]
    assert kind == "refused" and isinstance(refusal, AppError), refusal
    message = refusal.message
    _plain_chinese(message)
    assert message.startswith("数据已有变化，未导入任何数据：") and message.endswith(
        "请重新读取文件后再导入。"
    )
    for row in (2, 3, 4):
        assert f"第{row}行：档案中已有“" in message, message
    assert "读取文件后由另一个导入或另一位用户添加" in message
    assert "第5行" not in message and "第6行" not in message and "第7行" not in message
    # Nothing of the second file is half written: exactly the first file's enterprises are there.
    first_rows = (FILE_A, FILE_B)[first]
    assert _live_enterprises(db) == sorted(first_rows)

    # The second user reads the file again: its overlapping rows are now the archive's, the rest new.
    again = _preview_enterprises(users[second], files[second])
    assert sorted(again.existing) == [2, 3, 4] and len(again.new_rows) == len((FILE_A, FILE_B)[second]) - 3
    assert "（统一社会信用代码相同）" in again.existing[3].description
    with users[second].session() as s:
        done = import_enterprises(s, again)
    assert done.skipped == (2, 3, 4) and len(done.added) == len((FILE_A, FILE_B)[second]) - 3

    live = _live_enterprises(db)
    assert len(live) == 3 + (len(FILE_A) - 3) + (len(FILE_B) - 3)
    names = [name_key(n) for n, _ in live]
    codes = [c for _, c in live if c]
    assert len(set(names)) == len(names) and len(set(codes)) == len(codes)  # no enterprise twice
    # the enterprise both had under another written name keeps the name the first import gave it
    loser_name = (FILE_A, FILE_B)[second][1][0]
    assert set(names) == {name_key(n) for n, _ in [*FILE_A, *FILE_B]} - {name_key(loser_name)}


def test_a_name_added_meanwhile_under_another_code_is_not_added_beside_it_unseen(
    db: Database, other: Database, tmp_path: Path
) -> None:
    """The preview warns of an enterprise of the same name with another 统一社会信用代码 (“请确认不是同一家”).
    When it was added by another user after the preview, the import says so instead of adding a second one
    the user was never warned of; read again, the warning is there and the import adds it as a choice."""
    same = "株洲同名电子有限公司"
    mine = _enterprise_file(tmp_path / "乙.xlsx", [(same, valid_uscc(304)), ("娄底乙方陶瓷有限公司", "")])
    theirs = _enterprise_file(tmp_path / "甲.xlsx", [(same, valid_uscc(303))])
    preview = _preview_enterprises(other, mine)
    assert not preview.warnings and len(preview.new_rows) == 2
    with db.session() as s:  # the other user, meanwhile
        import_enterprises(s, _preview_enterprises(db, theirs))
    with pytest.raises(AppError) as e, other.session() as s:
        import_enterprises(s, preview)
    _plain_chinese(e.value.message)
    assert (
        "未导入任何数据：第2行：已有名称相同的企业“株洲同名电子有限公司”（统一社会信用代码不同"
        in e.value.message
    )
    assert "读取文件后由另一个导入或另一位用户添加" in e.value.message
    assert _live_enterprises(db) == [(same, valid_uscc(303))]

    again = _preview_enterprises(other, mine)
    assert [w.message for w in again.warnings] == [
        "已有名称相同的企业“株洲同名电子有限公司”（统一社会信用代码不同），请确认不是同一家"
    ]
    with other.session() as s:
        import_enterprises(s, again)
    assert _live_enterprises(db) == sorted(
        [(same, valid_uscc(303)), (same, valid_uscc(304)), ("娄底乙方陶瓷有限公司", "")]
    )


def test_an_import_that_waits_too_long_for_the_other_gives_up_writing_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second import that waits for the write lock longer than the database's wait (5 s on SQLite, 15 s on a
    server; shortened here) gives up with “正被占用” / “正被其他用户写入…等待超时” and writes nothing; tried
    again after the first committed, its stale preview is refused as above."""
    from app.db import engine, server
    from app.errors import DatabaseLocked

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(server, "LOCK_TIMEOUT_MS", 300)
    late = open_database(db.location)  # a handle made with the short wait
    try:
        files = [
            _enterprise_file(tmp_path / "甲.xlsx", FILE_A),
            _enterprise_file(tmp_path / "乙.xlsx", FILE_B),
        ]
        mine, theirs = _preview_enterprises(late, files[1]), _preview_enterprises(db, files[0])
        with db.session() as s:  # the first import holds the write lock …
            import_enterprises(s, theirs)
            with pytest.raises(DatabaseLocked) as e, late.session() as s2:  # … while the second waits
                import_enterprises(s2, mine)
        _plain_chinese(e.value.message)
        assert "正被占用" in e.value.message or "正被其他用户写入" in e.value.message, e.value.message
        assert "没有保存" in e.value.message
        assert _live_enterprises(db) == sorted(FILE_A)
        with pytest.raises(AppError, match="数据已有变化，未导入任何数据：第2行"), late.session() as s:
            import_enterprises(s, mine)
        assert _live_enterprises(db) == sorted(FILE_A)
    finally:
        late.close()


# ---------------------------------------------------------------- student rosters


def _roster(path: Path, numbers: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "学生"
    ws.append(["学号", "姓名", "班级"])
    for no in numbers:
        ws.append([no, f"学生{no[-3:]}", "机电2301"])
    wb.save(path)
    return path


ROSTER_A = ["2023001", "2023002", "2023003", "2023101", "2023102"]
ROSTER_B = ["2023001", "2023002", "2023003", "2023201", "2023202", "2023203"]  # rows 2-4 in both


def _student_numbers(db: Database) -> list[str]:
    with db.reader() as s:
        return sorted(s.scalars(select(Student.student_no).where(Student.deleted_at.is_(None))))


def test_two_users_import_overlapping_rosters(db: Database, other: Database, tmp_path: Path) -> None:
    files = [_roster(tmp_path / "甲的名册.xlsx", ROSTER_A), _roster(tmp_path / "乙的名册.xlsx", ROSTER_B)]
    users = [db, other]
    previews = []
    for u, f in zip(users, files, strict=True):
        with u.reader() as s:
            previews.append(read_students(s, f))
    for p, rows in zip(previews, (ROSTER_A, ROSTER_B), strict=True):
        assert len(p.valid_rows) == len(rows) and not any(r.data.existing_id for r in p.valid_rows)

    race = both_at_once(
        db, [(u, lambda s, p=p: import_students(s, p)) for u, p in zip(users, previews, strict=True)]
    )
    first, second = race.first, race.second
    kind, changes = race.outcomes[first]
    assert kind == "done" and len(changes.ids) == len((ROSTER_A, ROSTER_B)[first]), changes
    kind, refusal = race.outcomes[second]
    assert kind == "refused" and isinstance(refusal, AppError), refusal
    _plain_chinese(refusal.message)
    assert refusal.message.startswith("数据已有变化，未导入任何数据：")
    for row, no in ((2, "2023001"), (3, "2023002"), (4, "2023003")):
        assert f"第{row}行学号“{no}”已由另一个导入或另一位用户先添加" in refusal.message
    assert _student_numbers(db) == sorted((ROSTER_A, ROSTER_B)[first])  # nothing of the second written

    with users[second].reader() as s:
        again = read_students(s, files[second])
    assert [r.row for r in again.valid_rows if r.data.existing_id] == [2, 3, 4]
    with users[second].session() as s:
        done = import_students(s, again)
    assert len(done.ids) == len((ROSTER_A, ROSTER_B)[second]) - 3
    assert "3名学生的学号已存在，未更新（确认后可选择更新）" in done.warnings
    numbers = _student_numbers(db)
    assert numbers == sorted(set(ROSTER_A) | set(ROSTER_B))
    assert len({student_key(n) for n in numbers}) == len(numbers)


def _teachers_file(path: Path, numbers: list[str]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "教师"
    ws.append(["工号", "姓名"])
    for no in numbers:
        ws.append([no, f"教师{no[-3:]}"])
    wb.save(path)
    return path


def test_two_users_import_overlapping_teacher_files(db: Database, other: Database, tmp_path: Path) -> None:
    """The same with teachers (the same 工号): the second import writes none and names the rows; read again,
    those rows are refused in the preview (工号 in use) and the rest are added."""
    from app.db.models import Teacher
    from app.io.teachers_xlsx import import_teachers, read_teachers

    lists = [["T001", "T002", "T101"], ["T001", "T002", "T201", "T202"]]
    files = [_teachers_file(tmp_path / f"{who}的教师.xlsx", n) for who, n in zip("甲乙", lists, strict=True)]
    users = [db, other]
    previews = []
    for u, f in zip(users, files, strict=True):
        with u.reader() as s:
            previews.append(read_teachers(s, f))
    race = both_at_once(
        db, [(u, lambda s, p=p: import_teachers(s, p)) for u, p in zip(users, previews, strict=True)]
    )
    first, second = race.first, race.second
    assert race.outcomes[first][0] == "done", race.outcomes[first]
    kind, refusal = race.outcomes[second]
    assert kind == "refused" and isinstance(refusal, AppError), refusal
    _plain_chinese(refusal.message)
    assert (
        "未导入任何数据：第2行：工号“T001”已被其他教师使用；第3行：工号“T002”已被其他教师使用。"
        in refusal.message
    )

    def staff_numbers() -> list[str]:
        with db.reader() as s:
            return sorted(s.scalars(select(Teacher.staff_no).where(Teacher.deleted_at.is_(None))))

    assert staff_numbers() == sorted(lists[first])
    with users[second].reader() as s:
        again = read_teachers(s, files[second])
    assert [r.row for r in again.rejected_rows] == [2, 3] and len(again.valid_rows) == len(lists[second]) - 2
    with users[second].session() as s:
        import_teachers(s, again)
    assert staff_numbers() == sorted(set(lists[0]) | set(lists[1]))


# ---------------------------------------------------------------- the command line, twice at once


def _cli(tmp_path: Path, db_arg: str, table: str, file: Path, **hooks: str) -> subprocess.Popen[str]:
    return start_import(tmp_path, db_arg, table, str(file), **hooks)


# Two real import processes at once on Windows: test_two_writers.py (its file locking); the outcome here is the
# same code on every platform (the Wine half of CI is its long pole).
@pytest.mark.skipif(sys.platform == "win32", reason="test_two_writers.py runs two imports at once on Windows")
@pytest.mark.parametrize("table", ["enterprises", "students"])
def test_the_same_import_twice_at_once_from_the_command_line(
    db: Database, db_arg: str, tmp_path: Path, table: str
) -> None:
    """Two `chanjiao import` processes: the second reads its file (nothing of the first's there yet) and waits;
    the first reads, rechecks and holds its write transaction; the second goes on to its write and waits for
    the lock; then the first commits. The second refuses in Chinese and writes nothing (exit 2)."""
    if table == "enterprises":
        files = [
            _enterprise_file(tmp_path / "甲.xlsx", FILE_A),
            _enterprise_file(tmp_path / "乙.xlsx", FILE_B),
        ]
        said = "第2行：档案中已有“湖南麓谷精密机械有限公司”（读取文件后由另一个导入或另一位用户添加）"
    else:
        files = [_roster(tmp_path / "甲.xlsx", ROSTER_A), _roster(tmp_path / "乙.xlsx", ROSTER_B)]
        said = "第2行学号“2023001”已由另一个导入或另一位用户先添加"
    f = {name: tmp_path / name for name in ("read", "go_on", "holding", "commit")}
    second = _cli(tmp_path, db_arg, table, files[1], CHANJIAO_TEST_HOLD_READ=f"{f['read']};{f['go_on']}")
    wait_for(f["read"], second)
    first = _cli(tmp_path, db_arg, table, files[0], CHANJIAO_TEST_HOLD_IMPORT=f"{f['holding']};{f['commit']}")
    wait_for(f["holding"], first)
    f["go_on"].write_text("go", encoding="utf-8")
    _until_someone_waits(db, lambda: second.poll() is None)
    f["commit"].write_text("go", encoding="utf-8")
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)

    assert first.returncode == 0, (out1, err1)
    assert second.returncode == 2, (out2, err2)
    assert f"错误：数据已有变化，未导入任何数据：{said}" in err2, err2
    _plain_chinese(err2)
    if table == "enterprises":
        assert _live_enterprises(db) == sorted(FILE_A)
    else:
        assert _student_numbers(db) == sorted(ROSTER_A)


# ---------------------------------------------------------------- 三方协议编号


def _numbers(db: Database, ids: list[str]) -> dict[str, str]:
    with db.reader() as s:
        return dict(
            s.execute(select(Internship.id, Internship.agreement_no).where(Internship.id.in_(ids))).all()
        )


def _to_2027(db: Database, ids: list[str]) -> None:
    with db.session() as s:
        for i in ids:
            it = s.get(Internship, i)
            it.starts_on, it.ends_on = dt.date(2027, 3, 1), dt.date(2027, 8, 31)
            it.insured_from, it.insured_to = it.starts_on, it.ends_on


def test_two_users_number_overlapping_agreements_at_once(db: Database, other: Database) -> None:
    from app.docs.internship import reserve_agreement_numbers
    from tests.tripartite_data import make_internships

    ids = make_internships(db, [f"学生{n:02d}" for n in range(1, 15)])
    _to_2027(db, ids[10:])  # 10 internships of 2026, 4 of 2027
    with db.session() as s:  # numbered before: kept as it is
        given = reserve_agreement_numbers(s, [ids[0]], today=TODAY)
    assert given == {ids[0]: "2026-SX-0001"}

    # 甲 chooses 2026's 0-6 and 2027's 10-11; 乙 2026's 4-9 and 2027's 11-13: 4-6 and 11 chosen by both.
    chosen = [[*ids[0:7], ids[10], ids[11]], [*ids[4:10], *ids[11:14]]]
    race = both_at_once(
        db,
        [
            (u, lambda s, c=c: reserve_agreement_numbers(s, c, today=TODAY))
            for u, c in zip([db, other], chosen, strict=True)
        ],
    )
    got = []
    for kind, result in race.outcomes:
        assert kind == "done", result
        got.append(result)

    stored = _numbers(db, ids)
    for mine, c in zip(got, chosen, strict=True):
        assert sorted(mine) == sorted(c)  # every internship chosen got a number …
        assert all(stored[i] == no for i, no in mine.items())  # … the one stored, the same for both users
    assert stored[ids[0]] == "2026-SX-0001"  # never changed
    assert len(set(stored.values())) == len(ids)  # exactly one each, none given twice
    for year, count in ((2026, 10), (2027, 4)):
        of_year = sorted(n for n in stored.values() if n.startswith(f"{year}-"))
        assert of_year == [f"{year}-SX-{k:04d}" for k in range(1, count + 1)]  # on without a gap

    # What the first to write gave, the second did not give again nor change: its own new numbers come after.
    first, second = race.first, race.second
    first_new = {i: n for i, n in got[first].items() if i != ids[0]}
    second_only = {i: n for i, n in got[second].items() if i not in got[first] and i != ids[0]}
    for year in ("2026", "2027"):
        last_first = max((n for n in first_new.values() if n.startswith(year)), default="")
        assert all(n > last_first for n in second_only.values() if n.startswith(year))

    with other.session() as s:  # asked again later: the same numbers
        assert reserve_agreement_numbers(s, ids, today=TODAY) == stored
