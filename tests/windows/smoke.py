"""CLI smoke on Windows: every command as its own `python -m app` process, on a Chinese-named folder under
C:\\, with Chinese file names. Run by tests/windows/run_wine.sh under Windows Python (works on real Windows too:
`python tests\\windows\\smoke.py` with the project and its dependencies importable).

To cover a new command, add a step to `steps()`: `run(...)` checks the exit code and the files it must write.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

# One folder per run (runs from two checkouts may share a Wine prefix); removed when the smoke passes.
ROOT = Path(os.environ.get("SystemDrive", "C:") + "\\") / f"产教融合 冒烟测试 {os.getpid()}"
DATA = ROOT / "数据（2026）"
DB = DATA / "学院.db"
FAILURES: list[str] = []
SKIPPED: list[str] = []


def app(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m app ARGS` as a new process, like a user's shortcut or script would. --json output is
    UTF-8 (app.commands.common.print_json); everything else is in the console's code page (GBK here)."""
    cmd = [sys.executable, "-m", "app", *map(str, args)]
    encoding = "utf-8" if "--json" in args else None
    return subprocess.run(cmd, capture_output=True, text=True, env=env, encoding=encoding, errors="replace")


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its package is missing too
        return False


def run(
    title: str,
    *args: str | Path,
    rc: int | set[int] = 0,
    makes: tuple[Path, ...] = (),
    needs: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str] | None:
    """One step: run, then check the exit code and that each file in `makes` was written (new or newer)
    and is not empty. `needs` names a module the command imports; while it is not written yet, the step is
    skipped loudly."""
    if needs and not _exists(needs):
        SKIPPED.append(f"{title}（{needs} 尚不存在）")
        print(f"SKIP {title}: {needs} does not exist yet")
        return None
    before = {f: f.stat().st_mtime_ns if f.exists() else None for f in makes}
    time.sleep(0.02)  # mtimes must be able to differ
    t = time.perf_counter()
    proc = app(*args, env=env)
    ok_rc = {rc} if isinstance(rc, int) else rc
    problems = [] if proc.returncode in ok_rc else [f"exit code {proc.returncode}, expected {rc}"]
    for f, mtime in before.items():
        if not (f.is_file() and f.stat().st_size > 0):
            problems.append(f"missing {f}")
        elif f.stat().st_mtime_ns == mtime:
            problems.append(f"not rewritten: {f}")
    status = "FAIL" if problems else "ok  "
    print(f"{status} {title} ({time.perf_counter() - t:.1f}s): chanjiao {' '.join(map(str, args))}")
    if problems:
        FAILURES.append(title)
        for p in problems:
            print(f"     {p}")
        for line in (proc.stdout + proc.stderr).strip().splitlines()[-25:]:
            print(f"     | {line}")
    return proc


def check(title: str, ok: bool, detail: str = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {title}{'' if ok else ': ' + detail}")
    if not ok:
        FAILURES.append(title)


def is_xlsx(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def steps() -> None:
    run("version", "--version")
    run("help (GBK console)", "--help")
    run("init under a Chinese folder", "init", "--db", DB, makes=(DB,))
    run("init again (already up to date)", "init", "--db", DB)
    default_db_in_localappdata()
    rare = ROOT / "𠮷野家·Café" / "学院.db"  # 𠮷 and é are not in GBK: printed as "?", never a crash
    run("init in a folder named outside GBK", "init", "--db", rare, makes=(rare,))
    run("selftest (core, no GUI)", "selftest", needs="app.selftest")
    run("demo data", "demo", "--db", DB, needs="app.demo")
    setup_from_the_command_line()
    funds_summary()
    practice_gaps()
    base_summaries()
    students_and_compliance()
    backup_and_restore()
    word_documents()
    tripartite_documents()
    ledger_workbooks()
    submission_package()

    xlsx = "app.io.enterprises_xlsx"
    template = DATA / "企业导入模板.xlsx"
    run("import template", "template", "enterprises", template, makes=(template,), needs=xlsx)
    exported = DATA / "导出" / "合作企业档案（全部）.xlsx"
    exported.parent.mkdir()
    run("export", "export", "enterprises", "--db", DB, exported, makes=(exported,), needs=xlsx)
    check("export is an .xlsx", not exported.exists() or is_xlsx(exported), str(exported))
    if exported.exists():
        roundtrip_import(exported)
        export_onto_open_file(exported)


def setup_from_the_command_line() -> None:
    """An empty database prepared by a script: 学校、学院、专业群 (setup), then a project (projects add|list)."""
    fresh = DATA / "脚本准备" / "空白学院.db"
    run("init an empty database", "init", "--db", fresh, makes=(fresh,))
    group = "智能制造专业群:机电一体化技术,工业机器人技术"
    args = (
        "--db",
        fresh,
        "--school",
        "某某职业技术学院",
        "--college",
        "智能制造学院",
        "--group",
        group,
        "--json",
    )
    proc = run("setup --json", "setup", *args, needs="app.commands.setup")
    check("setup names the two majors", proc.stdout.count("技术") >= 2, proc.stdout[-300:])
    run(
        "projects add",
        "projects",
        "add",
        "校企合作订单班",
        "--kind",
        "订单培养",
        "--db",
        fresh,
        needs="app.commands.projects",
    )
    proc = run(
        "projects list --json", "projects", "list", "--db", fresh, "--json", needs="app.commands.projects"
    )
    check("projects list shows the new project", "校企合作订单班" in proc.stdout, proc.stdout[-300:])


def ledger_workbooks() -> None:
    """经费台账: the import template, the print-ready export of the demo ledger to a Chinese path, and that export
    read back with --dry-run --json (every entry is already in the database: warned as duplicates, none lost)."""
    needs = "app.io.ledger_xlsx"
    folder = DATA / "经费台账"
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "台账导入模板.xlsx"
    run("template ledger", "template", "ledger", template, makes=(template,), needs=needs)
    exported = folder / "经费台账（全部项目）.xlsx"
    run("export ledger", "export", "ledger", "--db", DB, exported, makes=(exported,), needs=needs)
    if not exported.exists():
        return
    args = ("import", "ledger", "--db", DB, exported, "--dry-run", "--json")
    proc = run("import ledger --dry-run --json", *args, rc={0, 1}, needs=needs)
    if proc is not None and proc.returncode in (0, 1):
        try:
            data = json.loads(proc.stdout)
            ok = data["imported"] == 0 and data["valid"] == 0 and len(data["warnings"]) > 0
            detail = f"valid {data['valid']}, rejected {data['rejected']}, warnings {len(data['warnings'])}"
        except (ValueError, KeyError, TypeError) as e:
            ok, detail = False, repr(e)
        check("the exported 台账 reads back as duplicates of the database", ok, detail)


def word_documents() -> None:
    """`docs`: a built-in template saved to a Chinese path, then a draft agreement (with that template) and a
    运行报告 from the demo data; a file that is not .docx as the template is refused (exit 2)."""
    folder, needs = DATA / "Word 文档", "app.docs.cooperation"
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "协议模板（可编辑）.docx"
    run("docs template", "docs", "template", "agreement", "--out", template, makes=(template,), needs=needs)
    ids = {}
    if DB.exists():
        with sqlite3.connect(
            DB
        ) as con:  # the CLI lists agreements but not projects: ids straight from the file
            for table in ("agreement", "project"):
                row = con.execute(f"SELECT id FROM {table} WHERE deleted_at IS NULL LIMIT 1").fetchone()
                ids[table] = row[0] if row else None
    if not ids.get("agreement") or not ids.get("project"):
        check("demo data has an agreement and a project", False, str(ids))
        return
    draft = folder / "合作协议草稿.docx"
    args = ("--db", DB, "--template", template, "--out", draft)
    run("docs agreement", "docs", "agreement", ids["agreement"], *args, makes=(draft,), needs=needs)
    report = folder / "运行报告 2025-2026-1.docx"
    args = ("--semester", "2025-2026-1", "--db", DB, "--out", report)
    run("docs report", "docs", "report", ids["project"], *args, makes=(report,), needs=needs)
    fake = folder / "不是模板.docx"
    fake.write_text("不是 Word 文件", encoding="utf-8")
    args = ("--db", DB, "--template", fake, "--out", folder / "不应生成.docx")
    run("docs agreement with a bad template", "docs", "agreement", ids["agreement"], *args, rc=2, needs=needs)
    check("a refused template writes nothing", not (folder / "不应生成.docx").exists())


def tripartite_documents() -> None:
    """`docs tripartite`: the 三方协议 of every internship in the demo data into a Chinese folder, with the
    combined print copy; the built-in template saved for editing. Skipped loudly while the demo has none."""
    folder, needs = DATA / "三方协议（2026 春）", "app.docs.internship"
    template = DATA / "Word 文档" / "三方协议模板.docx"
    run(
        "docs template tripartite",
        "docs",
        "template",
        "tripartite",
        "--out",
        template,
        makes=(template,),
        needs=needs,
    )
    count = 0
    if DB.exists():
        with sqlite3.connect(DB) as con:
            try:
                count = con.execute("SELECT count(*) FROM internship WHERE deleted_at IS NULL").fetchone()[0]
            except sqlite3.OperationalError:  # a database from before migration 0006
                count = 0
    if not count or count > 500:  # the large demo: 20,000 agreements is not a smoke test
        SKIPPED.append(f"docs tripartite（演示数据中有 {count} 条实习记录）")
        return

    def _placements() -> int:
        with sqlite3.connect(DB) as con:
            return con.execute(
                "SELECT count(*) FROM internship WHERE deleted_at IS NULL AND kind = '岗位实习' AND status <> '终止'"
            ).fetchone()[0]

    combined = folder / "三方协议_合并打印.docx"
    args = ("--all", "--db", DB, "--out", folder, "--combined", "--json")
    proc = run(
        "docs tripartite --all --combined",
        "docs",
        "tripartite",
        *args,
        rc={0, 1},
        makes=(combined,),
        needs=needs,
    )
    if proc is not None and proc.returncode in (0, 1):
        try:
            data = json.loads(proc.stdout)
            # --all takes every 岗位实习 not 终止 (认识实习 need none): each is written, blocked by a rule or
            # skipped for missing data; a minor's 知情同意书 is on disk beside the agreement
            placements = _placements()
            listed = data["written"] + len(data["skipped"]) + len(data["blocked"])
            ok = listed == placements and all(Path(f).is_file() for f in data["files"] + data["consents"])
            detail = (
                f"{data['written']} written, {len(data['blocked'])} blocked, {len(data['skipped'])} skipped "
                f"of {placements} 岗位实习 ({len(data['consents'])} 知情同意书)"
            )
        except (ValueError, KeyError, TypeError) as e:
            ok, detail = False, repr(e)
        check("one 三方协议 per internship, each file on disk", ok, detail)


def funds_summary() -> None:
    """`funds summary --json` over the demo data: UTF-8 JSON with the totals in fen; `assets list --json`."""
    needs = "app.commands.funds"
    proc = run("funds summary --json", "funds", "summary", "--db", DB, "--json", needs=needs)
    if proc is not None and proc.returncode == 0:
        try:
            data = json.loads(proc.stdout)
            ok = isinstance(data["total_income_fen"], int) and isinstance(data["total_expense_fen"], int)
            detail = f"{len(data['lines'])} lines"
        except (ValueError, KeyError, TypeError) as e:
            ok, detail = False, repr(e)
        check("funds summary JSON has the totals in fen", ok and bool(data["lines"]), detail)
    run("assets list --json", "assets", "list", "--db", DB, "--json", needs=needs)


def practice_gaps() -> None:
    """`teachers practice-gaps --json` over the demo data: one object per full-time teacher, some short."""
    needs = "app.commands.teachers"
    args = ("teachers", "practice-gaps", "--db", DB, "--as-of", "2026-11-23", "--json")
    proc = run("teachers practice-gaps --json", *args, needs=needs)
    if proc is not None and proc.returncode == 0:
        try:
            rows = json.loads(proc.stdout)
            ok = bool(rows) and all(isinstance(r["days_missing"], int) and r["name"] for r in rows)
            detail = f"{len(rows)} teachers, {sum(r['days_missing'] > 0 for r in rows)} short"
        except (ValueError, KeyError, TypeError) as e:
            ok, detail = False, repr(e)
        check("practice-gaps JSON names each teacher with the days missing", ok, detail)


def students_and_compliance() -> None:
    """The roster template and export (masked), `check --json` over the demo (exit 1: the demo breaks rules
    on purpose), `internships check` and `students list` with the ID numbers masked."""
    needs = "app.commands.internships"
    template = DATA / "学生名册模板.xlsx"
    run("template students", "template", "students", template, makes=(template,), needs=needs)
    roster = DATA / "学生名册导出" / "学生名册（打码）.xlsx"
    roster.parent.mkdir()
    run("export students", "export", "students", "--db", DB, roster, makes=(roster,), needs=needs)
    proc = run("students list --json", "students", "list", "--db", DB, "--json", needs=needs)
    if proc is not None and proc.returncode == 0:
        rows = json.loads(proc.stdout)
        check(
            "students listed with ID numbers masked", bool(rows) and all("*" in r["id_number"] for r in rows)
        )
    proc = run(
        "check --json", "check", "--db", DB, "--json", "--today", "2026-11-23", rc={1}, needs="app.compliance"
    )
    if proc is not None and proc.returncode == 1:
        try:
            found = json.loads(proc.stdout)
            ok = any(f["severity"] == "错误" for f in found) and all(f["rule"] and f["source"] for f in found)
            detail = f"{len(found)} findings"
        except (ValueError, KeyError, TypeError) as e:
            ok, detail = False, repr(e)
        check("check JSON: rule, severity and source on each finding", ok, detail)
    args = ("internships", "check", "--db", DB, "--json", "--today", "2026-11-23")
    run("internships check --json", *args, rc={1}, needs=needs)


def base_summaries() -> None:
    """`bases list --json` over the demo data (this semester's usage per base), then the semester summary as
    Excel and one major's as Word into a Chinese folder, the major named in Chinese on the command line."""
    needs = "app.commands.bases"
    proc = run("bases list --json", "bases", "list", "--db", DB, "--json", needs=needs)
    if proc is None or proc.returncode != 0:
        return
    try:
        rows = json.loads(proc.stdout)
        semester, major = rows[0]["semester"], rows[0]["majors"].split("、")[0]
    except (ValueError, KeyError, TypeError, IndexError) as e:
        check("bases list JSON names the bases with their semester and majors", False, repr(e))
        return
    folder = DATA / "实践基地汇总"
    folder.mkdir(parents=True, exist_ok=True)
    sheet = folder / f"基地使用汇总 {semester}.xlsx"
    args = ("--db", DB, "--semester", semester, "--out", sheet)
    run("bases summary", "bases", "summary", *args, makes=(sheet,))
    check("bases summary is an .xlsx", is_xlsx(sheet), str(sheet))
    doc = folder / f"{major} 基地使用汇总.docx"
    args = ("--db", DB, "--semester", semester, "--major", major, "--out", doc)
    run("bases summary-doc (major named in Chinese)", "bases", "summary-doc", *args, makes=(doc,))


def submission_package() -> None:
    """上报材料包 of a 学年 and of a 学期 into a Chinese folder, each verified (--json), then merged at the school
    into a Chinese-named workbook; a package with a changed byte fails verification with exit code 1."""
    needs = "app.package.merge"
    folder = DATA / "上报材料包 2025-2026"
    folder.mkdir(parents=True, exist_ok=True)
    year, term = folder / "机电工程学院 2025-2026学年.zip", folder / "机电工程学院 2025-2026-1.zip"
    run("package export (学年)", "package", "export", "--db", DB, "--year", "2025-2026", "--out", year,
        makes=(year,), needs=needs)  # fmt: skip
    run("package export (学期)", "package", "export", "--db", DB, "--semester", "2025-2026-1", "--out", term,
        makes=(term,), needs=needs)  # fmt: skip
    for package in (year, term):
        proc = run(f"package verify {package.name}", "package", "verify", package, "--json", needs=needs)
        if proc is not None and proc.returncode == 0:
            check(
                f"verify JSON of {package.name} says ok",
                json.loads(proc.stdout).get("ok") is True,
                proc.stdout,
            )
    summary = folder / "全校汇总.xlsx"
    run(
        "package merge",
        "package",
        "merge",
        year,
        term,
        "--out",
        summary,
        "--trust-new",  # the college's signing key is new to this "school"
        makes=(summary,),
        needs=needs,
    )
    check("merge wrote an .xlsx", is_xlsx(summary), str(summary))
    if year.is_file():
        tampered = folder / "改过的.zip"
        data = bytearray(year.read_bytes())
        data[len(data) // 2] ^= 0xFF
        tampered.write_bytes(bytes(data))
        run("package verify of a tampered package", "package", "verify", tampered, rc=1, needs=needs)


def backup_and_restore() -> None:
    """Backup to a Chinese-named folder (a USB stick), list, restore it over the database (Windows replaces
    the file only when nothing holds it open)."""
    zipped = DATA / "U盘 备份" / "产教融合备份.zip"
    run("backup --out", "backup", "--db", DB, "--out", zipped, makes=(zipped,), needs="app.backup")
    run("backup --list --json", "backup", "--list", "--json", "--db", DB, needs="app.backup")
    run("restore without --yes", "restore", zipped, "--db", DB, rc=1, needs="app.backup")
    run("restore --yes", "restore", zipped, "--yes", "--db", DB, makes=(DB,), needs="app.backup")


def default_db_in_localappdata() -> None:
    """No --db and no CHANJIAO_HOME: the database goes to %LOCALAPPDATA%\\chanjiao."""
    env = {k: v for k, v in os.environ.items() if k not in ("CHANJIAO_HOME", "CHANJIAO_DB")}
    expected = Path(os.environ["LOCALAPPDATA"]) / "chanjiao" / "chanjiao.db"
    shutil.rmtree(expected.parent, ignore_errors=True)
    run("init default database (%LOCALAPPDATA%)", "init", env=env, makes=(expected,))


def roundtrip_import(exported: Path) -> None:
    fresh = DATA / "导入测试" / "新学院.db"
    run("init second database", "init", "--db", fresh, makes=(fresh,))
    cmd = ("import", "enterprises", "--db", fresh, exported, "--json")
    dry = run("import --dry-run", *cmd, "--dry-run", rc={0, 1})
    proc = run("import the export", *cmd)
    if proc is not None and dry is not None and proc.returncode == 0:
        try:
            imported, valid = json.loads(proc.stdout)["imported"], json.loads(dry.stdout)["valid"]
        except (ValueError, KeyError) as e:
            check("import --json output", False, repr(e))
        else:
            check(f"import count ({imported} = {valid} valid in the dry run)", imported == valid > 0)


def export_onto_open_file(exported: Path) -> None:
    """Windows cannot replace a file another process holds open (Excel, WPS, antivirus, Explorer preview)."""
    cmd = ("export", "enterprises", "--db", DB, exported)
    with exported.open("rb"):
        run("export onto a file open elsewhere: clear error", *cmd, rc=2)
    holder = exported.open("rb")
    threading.Timer(0.5, holder.close).start()  # closed while the export retries
    run("export onto a file released after 0.5 s", *cmd, makes=(exported,))


def main() -> int:
    sys.stdout.reconfigure(errors="replace")  # GBK when piped, as the app's own console (app.cli)
    shutil.rmtree(ROOT, ignore_errors=True)
    DATA.mkdir(parents=True)
    t = time.perf_counter()
    steps()
    print(f"smoke: {len(FAILURES)} failed, {len(SKIPPED)} skipped, in {time.perf_counter() - t:.0f}s")
    if not FAILURES:
        shutil.rmtree(ROOT, ignore_errors=True)
    else:
        print(f"  files left in {ROOT}")
    for s in SKIPPED:
        print(f"  skipped: {s}")
    for f in FAILURES:
        print(f"  FAILED: {f}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
