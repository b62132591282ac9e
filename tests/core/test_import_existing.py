"""Importing an enterprise list that overlaps the archive (#18): the rows of enterprises already there (by
统一社会信用代码 when both have one, else by name identity, （）≡ ()) are skipped by default or update the
archive record from their non-blank cells; the rejected rows can be saved to fix in Excel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import Enterprise
from app.domain.names import name_key
from app.errors import AppError
from app.io.enterprises_xlsx import export_rejected_rows, import_enterprises, read_enterprises
from app.services.enterprises import ContactData, EnterpriseData, create_enterprise, get_enterprise
from tests.cli_run import run_cli
from tests.codes import valid_uscc as code

HEAD = ["企业名称", "统一社会信用代码", "地址", "所属行业", "联系人", "联系电话"]


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A file as a user's Excel saves it: text starting with = is text (typed with a leading ')."""
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    wb.save(path)
    return path


def add(db: Database, name: str, uscc: str = "", **kw: object) -> str:
    with db.session() as s:
        return create_enterprise(s, EnterpriseData(name=name, uscc=uscc, **kw)).ids[0]  # type: ignore[arg-type]


def live(db: Database) -> int:
    with db.reader() as s:
        return (
            s.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.deleted_at.is_(None))) or 0
        )


@pytest.fixture
def archive(db: Database) -> dict[str, str]:
    return {
        "coded": add(
            db,
            "湖南甲科技有限公司",
            code(1),
            address="长沙市岳麓区",
            industry="信息技术",
            contacts=(ContactData("张三", "经理", "13900000001"),),
        ),
        "named": add(db, "湖南乙（长沙）机械有限公司", address="长沙市雨花区"),
    }


def overlap(tmp_path: Path) -> Path:
    return xlsx(
        tmp_path / "overlap.xlsx",
        [
            HEAD,
            ["湖南甲科技有限公司（改名）", code(1), "长沙市天心区", None, "张三", "13900000009"],  # by code
            ["湖南乙(长沙)机械有限公司", None, None, "装备制造", "李四", None],  # by name, () vs （）
            ["湖南丙新材料有限公司", code(3), "株洲市", None, None, None],  # new
            ["湖南丁有限公司", "123", None, None, None, None],  # rejected
        ],
    )


def test_the_preview_finds_the_enterprises_already_in_the_archive(
    db: Database, archive: dict[str, str], tmp_path: Path
) -> None:
    with db.reader() as s:
        p = read_enterprises(s, overlap(tmp_path))
    assert [r.row for r in p.new_rows] == [4] and [r.row for r in p.existing_rows] == [2, 3]
    assert [r.row for r in p.rejected_rows] == [5]
    by_code, by_name = p.existing[2], p.existing[3]
    assert (by_code.id, by_code.by) == (archive["coded"], "code") and not by_code.can_create
    assert (by_name.id, by_name.by) == (archive["named"], "name") and by_name.can_create
    changed = {c for c, _old, _new in by_code.changes}
    assert changed == {"企业名称", "地址", "联系人"}  # 所属行业 is blank in the row: kept
    assert ("地址", "长沙市岳麓区", "长沙市天心区") in by_code.changes
    assert "更新将改动" in by_code.description and "统一社会信用代码相同" in by_code.description
    assert {c for c, _o, _n in by_name.changes} == {"所属行业", "联系人"}  # the name is the same enterprise's
    assert not p.warnings  # an enterprise of the archive is a choice, not a 提示


def test_skip_adds_nothing_twice(db: Database, archive: dict[str, str], tmp_path: Path) -> None:
    path = overlap(tmp_path)
    with db.reader() as s:
        p = read_enterprises(s, path)
        before = {k: get_enterprise(s, i) for k, i in archive.items()}
    with db.session() as s:
        changes = import_enterprises(s, p)  # skip is the default
    assert len(changes.added) == 1 and changes.updated == () and changes.skipped == (2, 3)
    assert changes.ids == changes.added and "跳过 2 家" in changes.summary()
    assert live(db) == 3
    with db.reader() as s:
        after = {k: get_enterprise(s, i) for k, i in archive.items()}
        assert get_enterprise(s, changes.added[0]).name == "湖南丙新材料有限公司"
    assert after == before

    with db.reader() as s:  # the same file again: nothing new
        again = read_enterprises(s, path)
    assert again.new_rows == () and len(again.existing_rows) == 3
    with db.session() as s:
        assert import_enterprises(s, again).added == ()
    assert live(db) == 3


def test_update_fills_the_archive_record_and_keeps_its_id(
    db: Database, archive: dict[str, str], tmp_path: Path
) -> None:
    with db.reader() as s:
        p = read_enterprises(s, overlap(tmp_path))
    with db.session() as s:
        changes = import_enterprises(s, p, on_existing="update")
    assert set(changes.updated) == set(archive.values()) and len(changes.added) == 1
    assert live(db) == 3
    with db.reader() as s:
        coded = get_enterprise(s, archive["coded"])
        named = get_enterprise(s, archive["named"])
    assert coded.name == "湖南甲科技有限公司（改名）" and coded.address == "长沙市天心区"
    assert coded.industry == "信息技术"  # blank in the row: kept
    assert [(c.name, c.title, c.phone) for c in coded.contacts] == [("张三", "经理", "13900000009")]
    assert named.name == "湖南乙（长沙）机械有限公司"  # the registered （）, not the row's ()
    assert named.industry == "装备制造" and named.address == "长沙市雨花区"
    assert [c.name for c in named.contacts] == ["李四"]


def test_per_row_choices_and_new_only_where_the_keys_allow(
    db: Database, archive: dict[str, str], tmp_path: Path
) -> None:
    with db.reader() as s:
        p = read_enterprises(s, overlap(tmp_path))
    with pytest.raises(AppError, match="第2行.*不能另建"), db.session() as s:
        import_enterprises(s, p, choices={2: "new"})
    assert live(db) == 2
    with db.session() as s:
        changes = import_enterprises(s, p, choices={2: "update", 3: "new"})
    assert changes.updated == (archive["coded"],) and len(changes.added) == 2 and changes.skipped == ()
    with db.reader() as s:
        keys = list(s.scalars(select(Enterprise.name_key).where(Enterprise.deleted_at.is_(None))))
    assert keys.count(name_key("湖南乙（长沙）机械有限公司")) == 2  # the user insisted


def test_full_width_brackets_are_stored_as_registered(db: Database, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "b.xlsx", [["企业名称"], ["湖南戊（长沙）科技有限公司"], ["湖南己(株洲)有限公司"]])
    with db.reader() as s:
        p = read_enterprises(s, path)
    assert p.rows[0].values["企业名称"] == "湖南戊（长沙）科技有限公司"
    with db.session() as s:
        ids = import_enterprises(s, p).added
    with db.reader() as s:
        names = [get_enterprise(s, i).name for i in ids]
    assert names == ["湖南戊（长沙）科技有限公司", "湖南己(株洲)有限公司"]  # each as typed
    with db.reader() as s:  # and （）≡ () for identity: the half-width spelling is the same enterprise
        again = read_enterprises(s, xlsx(tmp_path / "c.xlsx", [["企业名称"], ["湖南戊(长沙)科技有限公司"]]))
    assert again.existing[2].id == ids[0] and again.new_rows == ()


def test_the_archive_changed_since_the_preview(db: Database, archive: dict[str, str], tmp_path: Path) -> None:
    with db.reader() as s:
        p = read_enterprises(s, overlap(tmp_path))
    add(db, "湖南丙新材料有限公司")  # row 4 was new when the file was read
    with pytest.raises(AppError, match="第4行.*湖南丙新材料有限公司"), db.session() as s:
        import_enterprises(s, p)
    assert live(db) == 3


def test_rejected_rows_saved_for_excel_with_the_problem_column(db: Database, tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "bad.xlsx",
        [
            ["企业名称", "统一社会信用代码", "备注"],
            ["湖南好有限公司", None, None],
            ['=HYPERLINK("http://x","点我")', "123", "@SUM(A1)"],
            [None, None, "只有备注"],
        ],
    )
    with db.reader() as s:
        p = read_enterprises(s, path)
    out = tmp_path / "有问题的行.xlsx"
    assert export_rejected_rows(p, out) == 2
    assert not list(tmp_path.glob("*.tmp*"))  # written through a temporary file, renamed
    ws = load_workbook(out).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["原行号", "企业名称", "统一社会信用代码", "备注", "问题说明"]
    assert [r[0] for r in rows[1:]] == [3, 4]
    formula = ws.cell(row=2, column=2)
    assert (
        formula.value == '=HYPERLINK("http://x","点我")' and formula.data_type == "s"
    )  # text, not a formula
    assert ws.cell(row=2, column=4).data_type == "s"
    assert "统一社会信用代码" in rows[1][4] and "企业名称不能为空" in rows[2][4]

    with db.reader() as s:  # the saved file reads again: the extra columns are not import columns
        again = read_enterprises(s, out)
    assert again.headers == ("企业名称", "统一社会信用代码", "备注")


def test_cli_on_existing(tmp_path: Path) -> None:
    db_file = str(tmp_path / "cli.db")
    first = xlsx(tmp_path / "a.xlsx", [HEAD, ["湖南甲科技有限公司", code(1), "长沙市岳麓区"]])
    assert run_cli("import", "enterprises", str(first), "--db", db_file).returncode == 0
    second = xlsx(tmp_path / "b.xlsx", [HEAD, ["湖南甲科技有限公司", code(1), "长沙市天心区"]])
    skipped = run_cli("import", "enterprises", str(second), "--db", db_file)
    assert skipped.returncode == 0, skipped.stderr
    assert "新增 0 家企业，跳过 1 家已在档案中的企业" in skipped.stdout
    assert "地址“长沙市岳麓区”→“长沙市天心区”" in skipped.stdout
    done = run_cli("import", "enterprises", str(second), "--on-existing", "update", "--json", "--db", db_file)
    out = json.loads(done.stdout)
    assert (out["added"], out["updated"], out["skipped"]) == (0, 1, 0)
    assert out["existing"][0]["changes"] == [["地址", "长沙市岳麓区", "长沙市天心区"]]
    wrong = run_cli("import", "teachers", str(second), "--on-existing", "update", "--db", db_file)
    assert wrong.returncode == 2 and "--on-existing 只用于 enterprises" in wrong.stderr


def test_a_quick_visit_keeps_the_registered_brackets(db: Database) -> None:
    """An enterprise typed by name while recording a visit is stored as typed too, and found by name_key."""
    import datetime as dt

    from app.services.visits import VisitData, create_quick_visit, get_visit

    day = dt.date(2026, 11, 23)
    with db.session() as s:
        changes = create_quick_visit(
            s, VisitData(day, (), "张院长", purpose="访企拓岗"), ["湖南庚（长沙）有限公司"], today=day
        )
        assert get_visit(s, changes.ids[0]).enterprise_names == ("湖南庚（长沙）有限公司",)
    with db.session() as s:  # the half-width spelling is the same enterprise: no second one
        create_quick_visit(
            s, VisitData(day, (), "张院长", purpose="访企拓岗"), ["湖南庚(长沙)有限公司"], today=day
        )
    assert live(db) == 1
