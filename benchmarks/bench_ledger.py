"""Print-ready 台账 export of 100,000 ledger entries against openpyxl write-only mode writing the same cells
plainly (no styles, no print layout, no totals), measured in the same run.

    python benchmarks/bench_ledger.py [--entries 100000] [--repeat 3]

Builds a database in a temporary folder: three projects and the entries, bulk inserted (Core, as the large
demo does). Two floors: the cells already in memory (openpyxl only), and a bare sqlite3 query for the same
rows and running balance plus openpyxl (the export reads its rows from the database too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from app.db.base import new_id, utcnow  # noqa: E402
from app.db.engine import open_database  # noqa: E402
from app.db.models import LedgerEntry  # noqa: E402
from app.io.ledger_export import export_ledger  # noqa: E402
from app.services.funds import budget_categories  # noqa: E402
from app.services.projects import ProjectData, create_project  # noqa: E402
from benchmarks.common import best  # noqa: E402

HEADERS = ["日期", "凭证号", "摘要", "项目", "对方单位", "类别", "收入", "支出", "余额"]
SUMMARIES = ("购买实训耗材", "带队岗位实习巡查差旅费", "企业兼职教师授课酬金", "学校产教融合专项经费拨款")
PARTIES = ("长沙市岳麓区精工五金机电经营部", "湖南湘麓职业技术学院计划财务处", "中国铁路长沙局集团有限公司")


def build(path: Path, n: int) -> None:
    db = open_database(path)
    rng = random.Random(1)
    with db.session() as s:
        cats = [c.id for c in budget_categories(s)]
        projects = [
            create_project(s, ProjectData(name=name, kind="订单培养", leader="王强")).ids[0]
            for name in ("智能制造订单班", "新能源汽车现代学徒制试点", "现代产业学院共建项目")
        ]
        stamp = utcnow()
        first = dt.date(2016, 1, 1)
        rows = []
        for i in range(n):
            day = first + dt.timedelta(days=i * 3650 // n)
            income = i % 12 == 0
            rows.append({
                "id": new_id(), "entry_date": day, "year": day.year, "direction": "收入" if income else "支出",
                "amount_fen": rng.randrange(100, 5_000_000), "voucher_no": f"记-{day.month:02d}-{i % 10000:05d}",
                "counterparty": rng.choice(PARTIES), "summary": rng.choice(SUMMARIES),
                "project_id": rng.choice(projects), "category_id": None if income else rng.choice(cats),
                "note": "", "created_at": stamp, "updated_at": stamp, "deleted_at": None,
            })  # fmt: skip
        for start in range(0, n, 5000):
            s.execute(insert(LedgerEntry.__table__), rows[start : start + 5000])
    db.close()


def bare_rows(path: Path) -> list[list[object]]:
    con = sqlite3.connect(str(path))
    sql = """
        SELECT e.entry_date, e.voucher_no, e.summary, p.name, e.counterparty, coalesce(c.name, '未分类'),
               e.direction, e.amount_fen,
               sum(CASE e.direction WHEN '收入' THEN e.amount_fen ELSE -e.amount_fen END)
                   OVER (ORDER BY e.entry_date, e.voucher_no, e.created_at, e.id ROWS UNBOUNDED PRECEDING)
        FROM ledger_entry e JOIN project p ON p.id = e.project_id
        LEFT JOIN budget_category c ON c.id = e.category_id
        WHERE e.deleted_at IS NULL ORDER BY e.entry_date, e.voucher_no, e.created_at, e.id"""
    out = []
    for day, voucher, summary, project, party, cat, direction, fen, balance in con.execute(sql):
        income = fen / 100 if direction == "收入" else None
        expense = None if direction == "收入" else fen / 100
        out.append(
            [
                dt.date.fromisoformat(day),
                voucher,
                summary,
                project,
                party,
                cat,
                income,
                expense,
                balance / 100,
            ]
        )
    con.close()
    return out


def plain_write(rows: list[list[object]], out: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("经费台账")
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    os.environ.setdefault("CHANJIAO_HOME", str(folder / "home"))
    path = folder / "bench.db"
    t = time.perf_counter()
    build(path, args.entries)
    print(f"built {args.entries} entries in {time.perf_counter() - t:.1f}s ({path})")
    rows = bare_rows(path)
    db = open_database(path)

    def ours() -> None:
        with db.reader() as s:
            result = export_ledger(s, folder / "台账.xlsx")
        assert result.entries == args.entries

    measures = {
        "print-ready export_ledger (DB → .xlsx)": best(ours, args.repeat),
        "floor A: openpyxl write-only, cells in memory": best(lambda: plain_write(rows, folder / "a.xlsx"), args.repeat),
        "floor B: bare sqlite3 query + openpyxl write-only": best(
            lambda: plain_write(bare_rows(path), folder / "b.xlsx"), args.repeat
        ),
    }  # fmt: skip
    db.close()
    ours_t = measures["print-ready export_ledger (DB → .xlsx)"]
    print(f"{'measure':52} {'time':>8} {'ratio':>7}")
    for name, secs in measures.items():
        print(f"{name:52} {secs:7.2f}s {ours_t / secs:6.2f}×")
    size = (folder / "台账.xlsx").stat().st_size / 2**20
    print(f"export: {size:.1f} MB; ratio to floor A {ours_t / measures[list(measures)[1]]:.2f}× (aim ≤ 1.0×)")


if __name__ == "__main__":
    main()
