"""The school side of the submission package: merging colleges' packages into the summary workbook
(app/package/merge.py, merge_xlsx.py) — figures against the databases they came from, the newest package of a
college winning, bad packages left out with their reasons, hostile names kept as text, the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import shutil
import threading
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text

from app.db.engine import Database, open_database
from app.db.models import Enterprise, Teacher, Visit, VisitEnterprise
from app.errors import AppError, Cancelled
from app.io.outcomes_xlsx import wan4
from app.package import format as fmt
from app.package.export import export_package
from app.package.keys import export_public_key
from app.package.merge import merge_packages, plan_merge
from app.package.period import period_of
from app.package.trust import TrustStore, import_key_file
from app.reporting.columns import COOPERATION, TABLE_COLUMNS
from app.reporting.tables import report_tables
from app.services.settings import get_profile, save_profile
from tests import package_builder as pb
from tests.cli_run import run_cli
from tests.conftest import DEMO_TODAY as TODAY

YEAR = "2025-2026"
FIRST_EXPORT = dt.datetime(2026, 9, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SECOND_EXPORT = dt.datetime(2026, 9, 12, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
OTHER_COLLEGE = "信息工程学院"
HOSTILE = '=HYPERLINK("http://evil.example/x","点我")'


# ---------------------------------------------------------------- two colleges, built once


@dataclasses.dataclass(frozen=True)
class College:
    db: Database
    name: str
    package: Path
    figures: dict[str, int | float]  # as the exporter computed them
    key_file: Path  # the college's public key file, for the school to import


@pytest.fixture(scope="module")
def colleges(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> dict[str, College]:
    """Two colleges' databases (the shared demo, and a copy renamed 信息工程学院 with half its visits, a third of
    its ledger entries, a quarter of its teachers and a fifth of its enterprises deleted) and their 2025-2026
    packages; the first exported a second time two days later ("again")."""
    root = tmp_path_factory.mktemp("colleges")
    out: dict[str, College] = {}
    with pytest.MonkeyPatch.context() as mp:
        for seed in (1, 2):
            mp.setenv("CHANJIAO_HOME", str(root / f"home{seed}"))  # each college's own signing key
            path = root / f"college{seed}" / "chanjiao.db"
            path.parent.mkdir()
            shutil.copyfile(demo_file, path)  # the shared demo; the second college is made to differ
            database = open_database(path)
            with database.session() as s:
                if seed == 2:
                    save_profile(s, dataclasses.replace(get_profile(s), college=OTHER_COLLEGE))
                    gone = "2026-01-01 00:00:00.000000"  # as UTCDateTime stores it
                    for table, every in (
                        ("visit", 2),
                        ("ledger_entry", 3),
                        ("teacher", 4),
                        ("enterprise", 5),
                    ):
                        s.execute(
                            text(f"UPDATE {table} SET deleted_at = :at WHERE rowid % {every} = 0"),
                            {"at": gone},
                        )
            with database.reader() as s:
                name = get_profile(s).college
                period = period_of(s, year=YEAR)
                key, _ = export_public_key(s, root / f"key{seed}.json")
                first = export_package(s, period, root / f"{seed}-first.zip", today=TODAY, now=FIRST_EXPORT)
                out[str(seed)] = College(database, name, first.path, first.figures, key)
                if seed == 1:
                    again = export_package(s, period, root / "1-again.zip", today=TODAY, now=SECOND_EXPORT)
                    out["again"] = College(database, name, again.path, again.figures, key)
    yield out
    for seed in ("1", "2"):
        out[seed].db.close()


@pytest.fixture
def trusted(colleges: dict[str, College]) -> TrustStore:
    """The school's trust store (in this test's CHANJIAO_HOME) with both colleges' key files imported."""
    for seed in ("1", "2"):
        import_key_file(colleges[seed].key_file)
    return TrustStore.load()


def _local(when: dt.datetime) -> dt.datetime:
    """An export time as the summary shows it: the package's time (the exporter writes the local offset)."""
    return when.astimezone().replace(tzinfo=None)


def _sheet_rows(path: Path, name: str) -> list[tuple]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def _summary(path: Path) -> tuple[list[str], dict[str, dict[str, object]], dict[str, object]]:
    """The 汇总 sheet's header, its rows by college and its 合计 row, each as header → value."""
    rows = _sheet_rows(path, "汇总")
    at = next(i for i, r in enumerate(rows) if r[:2] == ("学校", "学院"))
    header = [h for h in rows[at] if h is not None]
    body = [dict(zip(header, r, strict=False)) for r in rows[at + 1 :] if any(v is not None for v in r)]
    assert body[-1]["学校"] == "合计"
    return header, {str(r["学院"]): r for r in body[:-1]}, body[-1]


def _db_figures(database: Database) -> dict[str, int]:
    """Some headline figures straight from the database, not through the package."""
    with database.reader() as s:
        period = period_of(s, year=YEAR)
        in_period = (Visit.deleted_at.is_(None), Visit.visited_on.between(period.first, period.last))
        live = Teacher.deleted_at.is_(None)
        return {
            "企业走访": s.scalar(select(func.count()).select_from(Visit).where(*in_period)),
            "可提供岗位数": s.scalar(
                select(func.coalesce(func.sum(VisitEnterprise.positions), 0))
                .join(Visit, Visit.id == VisitEnterprise.visit_id)
                .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)  # not in 回收站
                .where(*in_period, Enterprise.deleted_at.is_(None))
            ),
            "教师": s.scalar(select(func.count()).select_from(Teacher).where(live)),
            "双师型教师": s.scalar(select(func.count()).select_from(Teacher).where(live, Teacher.is_dual)),
        }


def _cooperation_sums(database: Database) -> dict[str, object]:
    """The 产学合作 table's numeric columns summed as its sheet shows them (万元 rounded per row)."""
    with database.reader() as s:
        table = report_tables(s, YEAR).table(COOPERATION)
    sums: dict[str, object] = {}
    for i, col in enumerate(TABLE_COLUMNS[COOPERATION]):
        values = [r[i] for r in table.rows if r[i] is not None]
        if col.kind == "int":
            sums[col.header] = sum(values)
        elif col.kind == "wan":
            sums[col.header] = float(sum((wan4(v) for v in values), Decimal(0)))
    return sums


def _by_college(path: Path, sheet: str) -> tuple[list[str], dict[str, list[tuple]], tuple]:
    rows = _sheet_rows(path, sheet)
    header = list(rows[0])
    grouped: dict[str, list[tuple]] = {}
    for r in rows[1:-1]:
        grouped.setdefault(str(r[0]), []).append(r)
    return header, grouped, rows[-1]


# ---------------------------------------------------------------- the round trip


def test_two_colleges_merge_to_the_sum_of_their_databases(
    colleges: dict[str, College], trusted: TrustStore, tmp_path: Path
) -> None:
    one, two = colleges["1"], colleges["2"]
    out = tmp_path / "全校汇总.xlsx"
    result = merge_packages([two.package, one.package], out)
    assert result.out == out and out.is_file()
    assert not result.invalid and not result.superseded and not result.warnings
    assert [p.college for p in result.used] == [one.name, OTHER_COLLEGE]  # 机电 (jidian) before 信息 (xinxi)

    header, rows, total = _summary(out)
    assert header == ["学校", "学院", "期间", "导出时间", "软件版本", *(h.label for h in fmt.HEADLINES)]
    assert set(rows) == {one.name, OTHER_COLLEGE}
    for college in (one, two):
        row = rows[college.name]
        assert row["期间"] == "2025-2026学年"
        assert row["导出时间"] == _local(FIRST_EXPORT)
        assert {h.label: row[h.label] for h in fmt.HEADLINES} == pytest.approx(college.figures)
        for label, value in _db_figures(college.db).items():
            assert row[label] == value, label
    db_one, db_two = _db_figures(one.db), _db_figures(two.db)
    for label in db_one:
        assert total[label] == db_one[label] + db_two[label]
    for h in fmt.HEADLINES:
        assert total[h.label] == pytest.approx(one.figures[h.label] + two.figures[h.label], abs=1e-9)
        assert result.totals[h.label] == pytest.approx(total[h.label], abs=1e-9)
    assert total["企业走访"] > 0 and total["经费支出（元）"] > 0

    header, grouped, last = _by_college(out, COOPERATION)
    assert header[0] == "学院"
    assert tuple(header[1:]) == dict(fmt.REPORT_SHEETS)[COOPERATION]
    assert list(grouped) == [one.name, OTHER_COLLEGE]  # one college's rows, then the other's
    sums = {c.name: _cooperation_sums(c.db) for c in (one, two)}
    for i, name in enumerate(header):
        if name not in sums[one.name]:
            continue
        for college in (one, two):
            got = sum(r[i] or 0 for r in grouped[college.name])
            assert got == pytest.approx(sums[college.name][name], abs=1e-6), (college.name, name)
        assert last[i] == pytest.approx(sums[one.name][name] + sums[two.name][name], abs=1e-6), name
    assert last[0] == "合计"
    for college in (one, two):
        with college.db.reader() as s:
            assert len(grouped[college.name]) == len(report_tables(s, YEAR).table(COOPERATION).rows)
    for name, headers in fmt.REPORT_SHEETS:
        rows_ = _sheet_rows(out, name)
        assert rows_[0] == ("学院", *headers) and rows_[-1][0] == "合计"

    notes = "\n".join(str(v) for r in _sheet_rows(out, "说明") for v in r if v is not None)
    assert one.package.name in notes and two.package.name in notes


def test_the_newer_package_of_a_college_replaces_the_older(
    colleges: dict[str, College], trusted: TrustStore, tmp_path: Path
) -> None:
    old, new, two = colleges["1"], colleges["again"], colleges["2"]
    older = shutil.copy(old.package, tmp_path / "A.zip")
    newer = shutil.copy(new.package, tmp_path / "B.zip")
    os.utime(older, (2_000_000_000, 2_000_000_000))  # the older export is the newer file: sequence decides
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([newer, two.package, older], out)
    assert [p.path.name for p in result.used] == ["B.zip", two.package.name]
    assert [(a.path.name, b.path.name) for a, b in result.superseded] == [("A.zip", "B.zip")]
    ((a, b),) = result.superseded
    assert a.sequence is not None and b.sequence == a.sequence + 1  # numbered in sequence by the college
    notes = [str(v) for r in _sheet_rows(out, "说明") for v in r if v is not None]
    assert (
        f"{old.name} 2025-2026学年：使用序号 {b.sequence} 的 B.zip，序号较小（{a.sequence}）的 A.zip 未计入"
        in notes
    )
    assert "A.zip" in result.summary() and "未计入" in result.summary()
    _, rows, _ = _summary(out)
    assert rows[old.name]["导出时间"] == _local(SECOND_EXPORT)
    assert result.as_json()["superseded"][0]["file"].endswith("A.zip")


def test_bad_packages_are_left_out_with_their_reasons(
    colleges: dict[str, College], trusted: TrustStore, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"not a zip at all")
    tampered = _tamper(colleges["2"].package, tmp_path / "tampered.zip")
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([garbage, colleges["1"].package, tampered], out)
    assert [p.college for p in result.used] == [colleges["1"].name]
    assert [v.path.name for v in result.invalid] == ["garbage.zip", "tampered.zip"]
    assert all(v.problems for v in result.invalid)
    text = result.summary()
    assert "garbage.zip：" in text and "不是 ZIP 文件" in text and "tampered.zip：" in text
    notes = _sheet_rows(out, "说明")
    reasons = {r[0]: r[1] for r in notes if r[0] in ("garbage.zip", "tampered.zip")}
    assert "不是 ZIP 文件" in reasons["garbage.zip"] and reasons["tampered.zip"]
    _, rows, total = _summary(out)
    assert list(rows) == [colleges["1"].name]
    assert total["企业走访"] == colleges["1"].figures["企业走访"]
    assert json.loads(json.dumps(result.as_json()))["invalid"][1]["ok"] is False


def _tamper(source: Path, target: Path) -> Path:
    """A copy of a (stored) package with one byte of data.xlsx changed."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as z:
        info = z.getinfo(fmt.DATA)
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    at = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    data[at] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def test_cli_merge(colleges: dict[str, College], tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    one, two = str(colleges["1"].package), str(colleges["2"].package)
    proc = run_cli("package", "merge", one, two, "--out", str(out))
    assert proc.returncode == 2, proc.stderr  # the colleges' keys unknown: nothing usable
    assert "没有可用的材料包" in proc.stdout and "未登记的公钥" in proc.stdout and not out.exists()
    proc = run_cli("package", "merge", one, two, "--out", str(out), "--trust-new")
    assert proc.returncode == 0, proc.stderr
    assert "已汇总 2 个材料包" in proc.stdout and out.is_file() and "首次登记的学院公钥" in proc.stdout
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK but broken")
    proc = run_cli("package", "merge", str(garbage), two, "--out", str(out), "--json")
    assert proc.returncode == 1  # written, one package left out
    data = json.loads(proc.stdout)
    assert data["out"] == str(out) and [u["college"] for u in data["used"]] == [OTHER_COLLEGE]
    assert data["invalid"][0]["file"] == str(garbage) and data["invalid"][0]["problems"]
    assert data["totals"]["企业走访"] == colleges["2"].figures["企业走访"]


# ---------------------------------------------------------------- hand-built packages


def test_nothing_valid_writes_nothing_and_the_cli_fails(tmp_path: Path) -> None:
    garbage = tmp_path / "a.zip"
    garbage.write_bytes(b"garbage")
    empty = tmp_path / "b.zip"
    empty.write_bytes(b"")
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([garbage, empty, tmp_path / "missing.zip"], out)
    assert result.out is None and not result.used and len(result.invalid) == 3
    assert not out.exists()
    assert not any(p.suffix == ".tmp" for p in tmp_path.iterdir())
    assert result.summary().startswith("没有可用的材料包，未生成汇总表。")
    proc = run_cli("package", "merge", str(garbage), str(empty), "--out", str(out))
    assert proc.returncode == 2 and "没有可用的材料包" in proc.stdout and not out.exists()


def _rows_xlsx(rows: dict[str, list[list[object]]]) -> bytes:
    """data.xlsx with every sheet and headers, and `rows` (sheet name → rows; text cells kept as text)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers in pb.all_sheets():
        ws = wb.create_sheet(name)
        ws.append(list(headers))
        for r, row in enumerate(rows.get(name, []), start=2):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # "=…" stays a string, as a hostile package would store it
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _package(path: Path, rows: dict[str, list[list[object]]] | None = None, **manifest: object) -> Path:
    files = pb.package_files()
    if rows is not None:
        files[fmt.DATA] = _rows_xlsx(rows)
    return pb.write_package(path, files, pb.manifest_for(files, **manifest))


def _row(sheet_key: str, **values: object) -> list[object]:
    headers = fmt.SHEET_BY_KEY[sheet_key].headers
    return [values.get(h) for h in headers]


def test_headline_figures_from_the_data_sheets(tmp_path: Path) -> None:
    sheets = {s.key: s.name for s in fmt.SHEETS}
    rows = {
        sheets["enterprises"]: [
            _row("enterprises", 记录ID="a", 合作状态="合作中"),
            _row("enterprises", 记录ID="b", 合作状态=" 合作中 "),
            _row("enterprises", 记录ID="c", 合作状态="已终止"),
            [None] * 5,  # an empty row is no record
            _row("enterprises", 记录ID="d"),
        ],
        sheets["ledger"]: [
            _row("ledger", 记录ID=str(i), 收支="支出", **{"金额（元）": v})
            for i, v in enumerate([0.1, 0.2, "0.3", None, "abc", True])
        ]
        + [_row("ledger", 记录ID="x", 收支="收入", **{"金额（元）": 1000})],
        sheets["visits"]: [
            _row("visits", 记录ID="v1", 可提供岗位数=3),
            _row("visits", 记录ID="v2", 可提供岗位数=None),
            _row("visits", 记录ID="v3", 可提供岗位数=2.0),
        ],
        sheets["findings"]: [
            _row("findings", 规则代码="R1", 级别="错误", 处理状态=fmt.OPEN),
            _row("findings", 规则代码="R2", 级别="错误", 处理状态=fmt.ACKNOWLEDGED),
            _row("findings", 规则代码="R3", 级别="警告", 处理状态=fmt.OPEN),
        ],
        sheets["teachers"]: [
            _row("teachers", 记录ID="t1", 双师型=fmt.YES),
            _row("teachers", 记录ID="t2", 双师型="否"),
        ],
    }
    plan = plan_merge([_package(tmp_path / "a.zip", rows)])
    assert not plan.invalid
    figures = plan.used[0].figures
    assert set(figures) == {h.label for h in fmt.HEADLINES}
    assert figures["合作中的企业"] == 2  # no manifest "figures" (an older package): from the sheet
    assert figures["经费支出（元）"] == 0.6  # in 分: no 0.30000000000000004
    assert figures["企业走访"] == 3 and figures["可提供岗位数"] == 5
    assert figures["未处理错误"] == 1 and figures["未处理警告"] == 1
    assert figures["教师"] == 2 and figures["双师型教师"] == 1
    assert figures["项目"] == 0
    assert not list(tmp_path.glob("*.xlsx"))  # planning writes nothing


def test_hostile_names_stay_text(tmp_path: Path) -> None:
    # 专业代码, 专业名称, …, 订单培养人数 (the 6th), 共同开发课程门数, …, 是否合作开展学徒制 (the 16th)
    row = ["=cmd|' /C calc'!A0", "@SUM(A1)", None, None, None, 1, "+1", *[None] * 8, "是"]
    package = _package(
        tmp_path / "evil.zip", {COOPERATION: [row]}, college=HOSTILE, school="-2+3", app_version="=1+1"
    )
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([package], out)
    assert [p.college for p in result.used] == [HOSTILE]
    wb = load_workbook(out)  # not data_only: a formula would show as one
    formulas = [c.coordinate for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []
    summary = wb["汇总"]
    values = [[c.value for c in r] for r in summary.iter_rows()]
    assert ["-2+3", HOSTILE, "2025-2026学年"] == values[2][:3] and values[2][4] == "=1+1"
    coop = wb[COOPERATION]
    assert [c.value for c in coop[2]][:3] == [HOSTILE, "=cmd|' /C calc'!A0", "@SUM(A1)"]
    assert coop["A2"].data_type == "s" and coop["B2"].data_type == "s"
    assert coop.cell(row=3, column=1).value == "合计" and coop.cell(row=3, column=7).value == 1
    assert coop.cell(row=3, column=17).value == 1  # 是/否: the rows with 是
    assert "cmd" not in "".join(c.value or "" for c in coop[3] if isinstance(c.value, str))


def test_a_package_without_a_college_name_is_left_out(tmp_path: Path) -> None:
    plan = plan_merge([_package(tmp_path / "a.zip", college="  "), _package(tmp_path / "b.zip")])
    assert [p.path.name for p in plan.used] == ["b.zip"]
    assert [v.path.name for v in plan.invalid] == ["a.zip"]
    assert "没有填写学院名称" in plan.invalid_text(plan.invalid[0])


def test_different_periods_and_the_same_file_twice(tmp_path: Path) -> None:
    last_year = {
        "kind": fmt.YEAR,
        "code": "2024-2025",
        "label": "2024-2025学年",
        "first_day": "2024-09-01",
        "last_day": "2025-08-31",
    }
    a = _package(tmp_path / "a.zip")
    b = _package(tmp_path / "b.zip", period=last_year)
    out = tmp_path / "汇总.xlsx"
    (tmp_path / "x").mkdir()
    again = tmp_path / "x" / ".." / "a.zip"  # a.zip spelled another way (a relative path fails across drives)
    result = merge_packages([a, b, again], out)
    assert [p.period_code for p in result.used] == ["2024-2025", "2025-2026"]  # same college: by period
    assert not result.superseded  # different periods: both used
    assert any("同一个文件“a.zip”" in w for w in result.warnings)
    assert any("期间不同" in w for w in result.warnings)
    assert _sheet_rows(out, COOPERATION)[0][:2] == ("学院", "期间")
    _, _, total = _summary(out)
    assert total["合作中的企业"] == 0


def test_same_created_time_takes_the_later_file(tmp_path: Path) -> None:
    a = _package(tmp_path / "a.zip")
    b = _package(tmp_path / "b.zip")
    os.utime(a, (1_900_000_000, 1_900_000_000))
    os.utime(b, (1_800_000_000, 1_800_000_000))
    plan = plan_merge([b, a])
    assert [p.path.name for p in plan.used] == ["a.zip"]
    assert [(x.path.name, y.path.name) for x, y in plan.superseded] == [("b.zip", "a.zip")]
    assert any("导出时间相同" in w for w in plan.warnings)


def test_cancel_writes_nothing(tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    out = tmp_path / "汇总.xlsx"
    with pytest.raises(Cancelled):
        merge_packages([_package(tmp_path / "a.zip")], out, cancel=cancel)
    assert not out.exists()


def test_progress_and_the_output_not_a_package(tmp_path: Path) -> None:
    package = _package(tmp_path / "a.zip")
    seen: list[float] = []
    result = merge_packages([package], tmp_path / "汇总", progress=lambda f, m="": seen.append(f))
    assert result.out == tmp_path / "汇总.xlsx" and result.out.is_file()
    assert seen == sorted(seen) and seen[-1] == 1.0
    with pytest.raises(AppError):
        merge_packages([result.out], result.out)


# ---------------------------------------------------------------- one bad package never sinks the merge (#22)


def _visits_row(pay: object) -> list[object]:
    return _row("visits", 记录ID="v1", 走访日期=None, 可提供岗位数=1, **{"平均薪酬（元）": pay})


def _report_row(name: str, **values: object) -> list[object]:
    return [values.get(c.header) for c in TABLE_COLUMNS[name]]


# written as numbers, then as <v>1e999</v> and <v>nan</v> (as openpyxl never writes them)
INF, NAN = 12345.678, 23456.789


def _raw_numbers(path: Path) -> Path:
    """The package at `path` with the INF and NAN placeholders of its data.xlsx written as a hostile
    program writes them (the manifest's hash updated: a college's own export could hold them)."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist() if n != fmt.MANIFEST}
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(files[fmt.DATA])) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(f"<v>{INF}</v>".encode(), b"<v>1e999</v>")
                data = data.replace(f"<v>{NAN}</v>".encode(), b"<v>nan</v>")
            dst.writestr(info, data)
    files[fmt.DATA] = buf.getvalue()
    return pb.write_package(path, files, pb.manifest_for(files, college=path.stem))


def _first(name: str, kind: str) -> str:
    return next(c.header for c in TABLE_COLUMNS[name] if c.kind == kind)


def test_insane_packages_are_unusable_while_the_others_merge(tmp_path: Path) -> None:
    visits = fmt.SHEET_BY_KEY["visits"].name
    wan, count = _first(COOPERATION, "wan"), _first(COOPERATION, "int")
    pay = next(c.header for c in TABLE_COLUMNS["访企拓岗"] if c.header == "平均薪酬（元）")
    hostile = {
        "year1.zip": ({}, {"created": "0001-01-01T00:00:00"}),
        "year9999.zip": ({}, {"created": "9999-12-31T23:59:59+14:00"}),
        "pay.zip": ({visits: [_visits_row(1e307)]}, {}),
        "report_pay.zip": ({"访企拓岗": [_report_row("访企拓岗", **{pay: 1e307})]}, {}),
        "wan.zip": ({COOPERATION: [_report_row(COOPERATION, **{wan: 1e308})]}, {}),
        "inf.zip": ({COOPERATION: [_report_row(COOPERATION, **{wan: INF})]}, {}),
        "nan.zip": ({visits: [_visits_row(NAN)]}, {}),
        "count.zip": ({COOPERATION: [_report_row(COOPERATION, **{count: 1e308})] * 2}, {}),
    }
    paths = [_package(tmp_path / name, rows, college=name[:-4]) for name, (rows, man) in hostile.items()]
    for path, (_rows, man) in zip(paths, hostile.values(), strict=True):
        if man:
            _package(path, _rows or None, college=path.stem, **man)
    _raw_numbers(tmp_path / "inf.zip")
    _raw_numbers(tmp_path / "nan.zip")
    good = _package(tmp_path / "good.zip", {visits: [_visits_row(4500)]})
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([*paths, good], out)
    assert [p.path.name for p in result.used] == ["good.zip"] and out.is_file()
    assert sorted(v.path.name for v in result.invalid) == sorted(hostile)
    reasons = {v.path.name: result.invalid_text(v) for v in result.invalid}
    assert "导出时间" in reasons["year1.zip"] and "合理范围" in reasons["year9999.zip"]
    assert "平均薪酬（元）" in reasons["pay.zip"] and "1e+307" in reasons["pay.zip"]
    assert "访企拓岗" in reasons["report_pay.zip"] and wan in reasons["wan.zip"]
    assert "不是有限的数" in reasons["inf.zip"] and "无法读取的单元格" in reasons["nan.zip"]
    assert count in reasons["count.zip"]
    _, rows, total = _summary(out)
    assert list(rows) == ["智能制造学院"] and total["企业走访"] == 1
    proc = run_cli("package", "merge", *map(str, paths), str(good), "--out", str(out), "--json")
    assert proc.returncode == 1, proc.stderr  # written without the unusable ones
    data = json.loads(proc.stdout)
    assert data["out"] == str(out) and len(data["invalid"]) == len(hostile)


def test_a_package_failing_in_reading_is_left_out_alone(tmp_path: Path, monkeypatch) -> None:
    from app.package import merge

    bad = _package(tmp_path / "bad.zip", college="坏学院")
    good = _package(tmp_path / "good.zip")
    real = merge.figures_of

    def exploding(rows_of):
        figures = real(rows_of)
        if "bad.zip" in str(current[0]):
            raise OverflowError("a bug in computing")
        return figures

    current: list[Path] = [Path()]
    real_read = merge._read_data

    def reading(path, **kw):
        current[0] = path
        return real_read(path, **kw)

    monkeypatch.setattr(merge, "figures_of", exploding)
    monkeypatch.setattr(merge, "_read_data", reading)
    plan = plan_merge([bad, good])
    assert [p.path.name for p in plan.used] == ["good.zip"]
    assert [v.path.name for v in plan.invalid] == ["bad.zip"]
    assert "无法读取" in plan.invalid_text(plan.invalid[0])


def test_the_figures_cannot_raise() -> None:
    from app.package.figures import sum_column, totals

    assert sum_column([1e307], "yuan") == 0 and sum_column([1e308], "wan") == 0
    assert sum_column([1e308, 1e308], "int") == 0 and sum_column([1e306] * 1000, "yuan") == 0
    assert sum_column(["1e308", float("inf"), float("nan")], "yuan") == 0
    assert totals([{"成果金额（元）": 1e308}, {"成果金额（元）": 1e308}])["成果金额（元）"] == 0


def test_an_offset_trick_never_shows_two_equal_times_one_called_earlier(tmp_path: Path) -> None:
    """Unsigned packages (older versions) still go by export time: compared as instants, shown in this
    computer's time zone, finer than minutes when needed."""
    a = _package(tmp_path / "a.zip", created="2026-09-10T10:00:00+08:00")  # 02:00 UTC
    b = _package(tmp_path / "b.zip", created="2026-09-10T10:00:00+09:00")  # 01:00 UTC: earlier
    plan = plan_merge([b, a])
    assert [p.path.name for p in plan.used] == ["a.zip"]
    text = plan.superseded_text(*plan.superseded[0])
    shown = [
        dt.datetime.fromisoformat(x).astimezone().strftime("%Y-%m-%d %H:%M")
        for x in ("2026-09-10T10:00:00+08:00", "2026-09-10T10:00:00+09:00")
    ]
    assert f"使用 {shown[0]} 导出的 a.zip，较早（{shown[1]} 导出）的 b.zip" in text
    c = _package(tmp_path / "c.zip", created="2026-09-10T11:00:00+09:00")  # the same instant as a
    d = _package(tmp_path / "d.zip", created="2026-09-10T02:00:00.5+00:00")  # half a second later
    os.utime(c, (1_900_000_000, 1_900_000_000))
    os.utime(a, (1_800_000_000, 1_800_000_000))
    plan = plan_merge([a, c])
    text = plan.superseded_text(*plan.superseded[0])
    assert "较早" not in text and "导出时间相同" in text
    plan = plan_merge([a, d])
    text = plan.superseded_text(*plan.superseded[0])
    first, second = (x.split(" 导出")[0].split("（")[-1].split("使用 ")[-1] for x in text.split("，")[:2])
    assert first != second and "较早" in text


def test_unsigned_packages_are_flagged(tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([_package(tmp_path / "old.zip")], out)
    assert [p.path.name for p in result.used] == ["old.zip"] and result.unsigned == result.used
    assert any("没有签名" in w for w in result.warnings)
    assert "（无签名）" in result.summary() and result.as_json()["used"][0]["signed"] is False


# ---------------------------------------------------------------- signed packages (#22)


def _signed(path: Path, key, sequence: int, **manifest: object) -> Path:
    files = pb.package_files()
    return pb.write_package(path, files, pb.manifest_for(files, **manifest), key=key, sequence=sequence)


def _trust(key, tmp_path: Path, college: str = "智能制造学院") -> TrustStore:
    import_key_file(pb.key_file(tmp_path / f"{college}.json", key, college))
    return TrustStore.load()


def test_a_forged_created_date_cannot_replace_a_genuine_package(tmp_path: Path) -> None:
    key = pb.new_key()
    _trust(key, tmp_path)
    genuine = _signed(tmp_path / "genuine.zip", key, 5)
    files = pb.package_files()
    forged_far = pb.write_package(
        tmp_path / "forged_far.zip", files, pb.manifest_for(files, created="9999-12-31T23:59:59+14:00")
    )
    forged_near = pb.write_package(  # a sane date, but no signature: the college has a key
        tmp_path / "forged_near.zip", files, pb.manifest_for(files, created="2026-12-01T00:00:00+08:00")
    )
    resigned = _signed(tmp_path / "resigned.zip", pb.new_key(), 99, created="2026-12-01T00:00:00+08:00")
    plan = plan_merge([genuine, forged_far, forged_near, resigned])
    assert [p.path.name for p in plan.used] == ["genuine.zip"]
    reasons = {v.path.name: plan.invalid_text(v) for v in plan.invalid}
    assert "合理范围" in reasons["forged_far.zip"]
    assert "没有签名" in reasons["forged_near.zip"]
    assert "与学校为该学院登记的" in reasons["resigned.zip"]


def test_newer_is_decided_by_the_signed_sequence_not_the_date(tmp_path: Path) -> None:
    key = pb.new_key()
    _trust(key, tmp_path)
    early_date = _signed(tmp_path / "seq4.zip", key, 4, created="2026-09-01T08:00:00+08:00")
    late_date = _signed(tmp_path / "seq3.zip", key, 3, created="2026-09-12T08:00:00+08:00")
    plan = plan_merge([late_date, early_date])
    assert [p.path.name for p in plan.used] == ["seq4.zip"]
    assert "使用序号 4 的 seq4.zip，序号较小（3）的 seq3.zip 未计入" in plan.superseded_text(
        *plan.superseded[0]
    )


def test_a_changed_college_is_detected(tmp_path: Path) -> None:
    key = pb.new_key()
    _trust(key, tmp_path)
    signed_as_other = _signed(tmp_path / "other.zip", key, 2, college=OTHER_COLLEGE)  # the college's own key
    edited = tmp_path / "edited.zip"  # the manifest's college changed after signing
    genuine = _signed(tmp_path / "genuine.zip", key, 1)
    with zipfile.ZipFile(genuine) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    manifest = json.loads(parts.pop(fmt.MANIFEST))
    manifest["college"] = OTHER_COLLEGE
    signature = parts.pop(fmt.SIGNATURE)
    pb.write_package(edited, parts, manifest, signature=signature)
    plan = plan_merge([signed_as_other, edited, genuine])
    assert [p.path.name for p in plan.used] == ["genuine.zip"]
    reasons = {v.path.name: plan.invalid_text(v) for v in plan.invalid}
    assert "签名的密钥属于" in reasons["other.zip"] and "智能制造学院" in reasons["other.zip"]
    assert "签名与清单不符" in reasons["edited.zip"]


def test_a_tampered_file_is_detected(tmp_path: Path) -> None:
    key = pb.new_key()
    _trust(key, tmp_path)
    files = pb.package_files()
    files[pb.ATTACHMENT] = pb.ATTACHMENT_BYTES.replace(b"tiny", b"TINY")
    stale = pb.write_package(tmp_path / "stale.zip", files, pb.manifest_for(pb.package_files()), key=key)
    genuine = _signed(tmp_path / "genuine.zip", key, 1)
    with zipfile.ZipFile(genuine) as z:
        signature = z.read(fmt.SIGNATURE)
    rehashed = pb.write_package(  # the manifest's hashes updated to match: the signature no longer does
        tmp_path / "rehashed.zip",
        files,
        {**pb.manifest_for(files), "signing": {"key": key.fingerprint, "sequence": 1}},
        signature=signature,
    )
    plan = plan_merge([stale, rehashed])
    assert not plan.used
    reasons = {v.path.name: plan.invalid_text(v) for v in plan.invalid}
    assert "SHA-256 不符" in reasons["stale.zip"]
    assert "签名与清单不符" in reasons["rehashed.zip"]


def test_an_unknown_key_is_named_and_trusted_only_when_asked(tmp_path: Path) -> None:
    key = pb.new_key()
    package = _signed(tmp_path / "p.zip", key, 1)
    plan = plan_merge([package])
    assert not plan.used and "公钥未登记" in plan.invalid_text(plan.invalid[0])
    (new,) = plan.new_keys
    assert new.fingerprint == key.fingerprint and new.college == "智能制造学院" and new.files == (package,)
    out = tmp_path / "汇总.xlsx"
    result = merge_packages([package], out, trust_new=True)
    assert [p.path.name for p in result.used] == ["p.zip"] and [k.fingerprint for k in result.trusted] == [
        key.fingerprint
    ]
    assert TrustStore.load().for_college("示例职业技术学院", "智能制造学院").fingerprint == key.fingerprint
    assert plan_merge([package]).used  # trusted from now on
    # two different unknown keys claiming one college: neither is trusted on first use
    a = _signed(tmp_path / "a.zip", pb.new_key(), 1, college=OTHER_COLLEGE)
    b = _signed(tmp_path / "b.zip", pb.new_key(), 1, college=OTHER_COLLEGE)
    plan = plan_merge([a, b], trust_new=True)
    assert not plan.used and len(plan.new_keys) == 2


def test_an_older_sequence_than_one_merged_is_named(tmp_path: Path) -> None:
    key = pb.new_key()
    _trust(key, tmp_path)
    newer = _signed(tmp_path / "seq7.zip", key, 7)
    older = _signed(tmp_path / "seq6.zip", key, 6, created="2026-12-01T00:00:00+08:00")
    merge_packages([newer], tmp_path / "汇总.xlsx")
    plan = plan_merge([older])
    assert not plan.used
    assert "较旧的材料包（序号 6）" in plan.invalid_text(plan.invalid[0]) and "序号 7" in plan.invalid_text(
        plan.invalid[0]
    )
    assert plan_merge([newer]).used  # the same package again is fine
    other_period = {
        "kind": fmt.YEAR,
        "code": "2024-2025",
        "label": "2024-2025学年",
        "first_day": "2024-09-01",
        "last_day": "2025-08-31",
    }
    assert plan_merge([_signed(tmp_path / "last_year.zip", key, 3, period=other_period)]).used


def test_a_new_key_of_a_college_numbers_afresh(tmp_path: Path) -> None:
    """A college reinstalled with a database restored from an old backup and a new key: once the school has
    registered the new key, its packages count from their own numbers; the old key's are refused."""
    old_key, new_key = pb.new_key(), pb.new_key()
    _trust(old_key, tmp_path)
    merge_packages([_signed(tmp_path / "old7.zip", old_key, 7)], tmp_path / "汇总.xlsx")
    (tmp_path / "新").mkdir()
    _trust(new_key, tmp_path / "新")
    assert plan_merge([_signed(tmp_path / "new2.zip", new_key, 2)]).used
    assert not plan_merge([_signed(tmp_path / "old8.zip", old_key, 8)]).used


def test_cli_key_export_and_import(demo_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "公钥"
    proc = run_cli("package", "key", "export", "--db", str(demo_db.path), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    written = out.with_suffix(".json")
    assert written.is_file() and "指纹" in proc.stdout
    proc = run_cli("package", "key", "import", str(written))
    assert proc.returncode == 0, proc.stderr
    assert "已登记" in proc.stdout
    proc = run_cli("package", "key", "list")
    assert proc.returncode == 0 and "机电工程学院" in proc.stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "x"}', encoding="utf-8")
    proc = run_cli("package", "key", "import", str(bad))
    assert proc.returncode != 0 and "不是本软件导出的学院公钥文件" in proc.stdout + proc.stderr


def test_a_package_changed_after_its_verification_is_not_read(
    colleges: dict[str, College], trusted: TrustStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merge verifies every package first and reads the figures afterwards, from the file again: a
    package replaced in between (on a shared folder the colleges upload to) is left out, never read as the
    college its verified manifest and signature name."""
    from app.package import merge

    one, two = colleges["1"], colleges["2"]
    mine = tmp_path / "机电学院.zip"
    shutil.copyfile(one.package, mine)
    real = merge._verify

    def verify_then_swap(path: Path, cancel: threading.Event | None):  # noqa: ANN202
        v = real(path, cancel)
        if path == mine:  # replaced once verified: another college's data under this one's name
            shutil.copyfile(two.package, mine)
        return v

    monkeypatch.setattr(merge, "_verify", verify_then_swap)
    result = merge_packages([mine], tmp_path / "汇总.xlsx")
    assert not result.used and result.out is None
    assert [v.path for v in result.invalid] == [mine]
    assert "校验后被改动" in result.invalid_text(result.invalid[0])


def test_an_unsigned_package_is_not_used_while_a_signed_one_of_its_college_waits(tmp_path: Path) -> None:
    """A college's genuine package is signed with a key the school has not confirmed yet: a forged unsigned
    package naming the same college (no signature needed while no key is registered) is not used meanwhile
    in its place."""
    genuine = _signed(tmp_path / "genuine.zip", pb.new_key(), 3)
    files = pb.package_files()
    forged = pb.write_package(
        tmp_path / "forged.zip", files, pb.manifest_for(files, created="2026-12-01T00:00:00+08:00")
    )
    plan = plan_merge([forged, genuine])
    assert not plan.used
    reasons = {v.path.name: plan.invalid_text(v) for v in plan.invalid}
    assert "公钥未登记" in reasons["genuine.zip"]
    assert "没有签名" in reasons["forged.zip"] and "genuine.zip" in reasons["forged.zip"]
    assert plan_merge([forged]).used  # alone, an unsigned package of an unregistered college is still used
