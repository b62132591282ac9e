"""Databases written by earlier schema versions (tests/fixtures/schema_NNNN.db) open, upgrade in place
after a backup copy, and keep every record (STYLE §8). Add a fixture for each released schema."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.backup import backups_dir_for
from app.db.engine import open_database
from app.db.migrate import current_revision, head_revision
from app.services import settings
from app.services.enterprise_list import EnterpriseQuery, count_enterprises

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema_*.db"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_old_database_upgrades_and_keeps_its_records(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "旧版本" / "chanjiao.db"
    path.parent.mkdir()
    shutil.copyfile(fixture, path)
    db = open_database(path)
    try:
        assert current_revision(db.engine) == head_revision()
        with db.reader() as s:
            assert count_enterprises(s) == 2
            assert count_enterprises(s, EnterpriseQuery(deleted=True)) == 1
            assert count_enterprises(s, EnterpriseQuery(text="张三")) == 2
            profile = settings.get_profile(s)
        assert profile.college == "机电工程学院"
        assert profile.majors == ("机电一体化技术", "工业机器人技术")
        indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("contact")}
        assert "ix_contact_deleted_at" not in indexes
    finally:
        db.close()
    backups = list(backups_dir_for(path).glob("chanjiao-*-升级前.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as con:  # the copy is the old database, whole
        assert con.execute("select count(*) from enterprise").fetchone()[0] == 3
        assert (
            con.execute("select version_num from alembic_version").fetchone()[0] == fixture.stem.split("_")[1]
        )


def test_fixtures_exist() -> None:
    assert FIXTURES, "tests/fixtures/schema_*.db missing"
