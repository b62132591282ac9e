"""The database failing under the running app — full disk, read-only file, file deleted or moved — gives a
clear Chinese message, saves nothing half, and loses nothing already saved (real SQLite files)."""

from __future__ import annotations

import shutil
import sys

import pytest
from sqlalchemy import event

from app.db.engine import Database, open_database
from app.errors import DatabaseGone, DatabaseReadOnly, DiskFull
from app.services.enterprise_list import count_enterprises
from app.services.enterprises import EnterpriseData, add_enterprises, create_enterprise


def names(n: int, prefix: str = "湖南测试") -> list[EnterpriseData]:
    return [EnterpriseData(name=f"{prefix}{i:05d}有限公司", note="备注" * 200) for i in range(n)]


def test_full_disk_rolls_back_the_whole_action(db: Database) -> None:
    with db.session() as s:
        create_enterprise(s, EnterpriseData(name="湖南已保存有限公司"))
    with db.reader() as s:
        pages = s.connection().exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(db.engine, "connect")
    def tiny_disk(conn, _rec) -> None:  # the disk fills up a few pages from now
        conn.execute(f"PRAGMA max_page_count={pages + 5}")

    db.engine.dispose()  # new connections see the limit
    with pytest.raises(DiskFull) as info, db.session() as s:
        add_enterprises(s, names(500))
    assert "磁盘空间已满" in info.value.message and "没有保存" in info.value.message
    event.remove(db.engine, "connect", tiny_disk)
    db.engine.dispose()
    with db.reader() as s:
        assert count_enterprises(s) == 1  # nothing half written


def test_read_only_file_is_explained(db: Database) -> None:
    @event.listens_for(db.engine, "connect")
    def read_only(conn, _rec) -> None:  # as SQLite reports a file that became read-only
        conn.execute("PRAGMA query_only=ON")

    db.engine.dispose()
    with pytest.raises(DatabaseReadOnly) as info, db.session() as s:
        create_enterprise(s, EnterpriseData(name="湖南只读有限公司"))
    assert "只读" in info.value.message and "写保护" in info.value.message
    event.remove(db.engine, "connect", read_only)
    db.engine.dispose()
    with db.reader() as s:
        assert count_enterprises(s) == 0


@pytest.mark.skipif(sys.platform == "win32", reason="Windows does not let an open database be moved")
def test_file_moved_away_while_open_refuses_to_write(tmp_path) -> None:
    path = tmp_path / "学院.db"
    db = open_database(path)
    try:
        with db.session() as s:
            create_enterprise(s, EnterpriseData(name="湖南移走前有限公司"))
        moved = tmp_path / "别处.db"
        shutil.move(path, moved)
        for suffix in ("-wal", "-shm"):
            if (tmp_path / f"学院.db{suffix}").exists():
                shutil.move(tmp_path / f"学院.db{suffix}", tmp_path / f"别处.db{suffix}")
        with pytest.raises(DatabaseGone) as info, db.session() as s:
            create_enterprise(s, EnterpriseData(name="湖南移走后有限公司"))
        assert "已不在原处" in info.value.message and str(path) in info.value.message
        assert not path.exists()  # no new empty database appears under the old name
    finally:
        db.close()
    assert not path.exists()
    again = open_database(moved)
    with again.reader() as s:
        assert count_enterprises(s) == 1  # what was saved before is all there
    again.close()
