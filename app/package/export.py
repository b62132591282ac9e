"""Export a submission package (上报材料包) of one period: data.xlsx, report.docx, the attachments of the records
in it and manifest.json, as one ZIP written to a temporary name beside the target and renamed at the end (a
cancel, a crash or a full disk never leaves a file under the final name). Format: app/package/format.py and
docs/package-format.md.

Personal data: students' ID numbers and phones are masked unless `include_personal_data` (the manifest says
which); nothing personal is logged."""

from __future__ import annotations

import datetime as dt
import errno
import functools
import hashlib
import json
import logging
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import __version__, archive
from app.compliance.acks import CheckResult
from app.compliance.registry import SEVERITIES
from app.db.models import Attachment, OperationReport
from app.errors import AppError
from app.fsutil import atomic_path, human_size, safe_filename, scratch_folder
from app.io.print_table import (
    body_cell,
    plan_layout,
    print_kind,
    row_height,
    set_page,
    style_head,
    use_table_font,
)
from app.io.report_xlsx import MONTH_FORMAT, YUAN_FORMAT, cell_value, table_title
from app.io.xlsx import (
    DATE_FORMAT,
    FixedCell,
    cells_to_row,
    discard_workbook,
    export_value,
    needs_guard,
    safe_text,
)
from app.package import format as fmt
from app.package.figures import headline_figures as figures_of
from app.package.figures import period_headline, with_period
from app.package.keys import reserve_sequence
from app.package.period import Period
from app.package.signing import college_key, signature_entry
from app.package.tables import BUILDERS, Context
from app.progress import Progress, noop_progress, tick
from app.reporting.columns import TABLE_NAMES
from app.reporting.period_figures import as_of, period_figures, period_findings, period_tables
from app.services import blobs
from app.services.settings import get_profile
from app.services.students import need_personal
from app.tempfiles import pause_for_test

log = logging.getLogger(__name__)

CHUNK = 1 << 20
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Attachments follow their records: owner_type → the sheet whose records own them.
OWNER_SHEETS = {
    "enterprise": "enterprises",
    "agreement": "agreements",
    "project": "projects",
    "practice_base": "bases",
    "internship": "internships",
    "teacher": "teachers",
    "enterprise_practice": "practice",
    "studio": "studios",
    "achievement": "achievements",
    "training": "training",
    "ledger_entry": "ledger",
    "asset": "assets",
    "visit": "visits",
    "meeting": "meetings",
}
REPORT_KIND = "operation_report"  # a project's 运行报告 files: under the project, for the period's semesters


# ---------------------------------------------------------------- what goes in


@dataclass(frozen=True)
class PackageFile:
    """One attachment to pack: its stored bytes (by SHA-256, app/services/blobs.py) and the entry it becomes."""

    attachment_id: str
    sheet: str
    owner_id: str
    original_name: str
    kind: str
    size: int
    sha256: str
    entry: str


@dataclass(frozen=True)
class Preview:
    """What the export of a period would hold, for the wizard's preview (nothing is written)."""

    period: Period
    school: str
    college: str
    counts: dict[str, int]  # sheet key → rows
    attachments: int
    attachment_bytes: int
    findings: CheckResult


def _context(s: Session, period: Period, today: dt.date | None, personal: bool) -> Context:
    """The findings are the period's (app/reporting/period_figures.py), as `chanjiao check --year` lists them.
    `personal`: the full 身份证号 and phones, which need 学生个人信息 on a server (refused before anything is read)."""
    if personal:
        need_personal(s)
    today = today or dt.date.today()
    return Context(s, period, today, personal, period_findings(s, period, today))


def _collect(
    c: Context, cancel: threading.Event | None = None, progress: Progress = noop_progress
) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {}
    for i, (key, build) in enumerate(BUILDERS.items()):
        tick(progress, cancel, i / len(BUILDERS), f"正在读取“{fmt.SHEET_BY_KEY[key].name}”…")
        rows[key] = list(build(c))
        if fmt.SHEET_BY_KEY[key].columns[0].type == fmt.UUID:
            c.ids[key].update(r[0] for r in rows[key] if r[0])
    return rows


def _attachments(c: Context) -> list[PackageFile]:
    """The live attachments of the records in the package, each with a Windows-safe entry name unique
    (ignoring case) in its record's folder."""
    found: list[tuple[Attachment, str, str]] = []  # attachment, sheet, owner id
    rows = c.s.execute(
        select(Attachment)
        .where(Attachment.deleted_at.is_(None), Attachment.owner_type.in_([*OWNER_SHEETS, REPORT_KIND]))
        .order_by(Attachment.owner_type, Attachment.owner_id, Attachment.created_at, Attachment.id)
    ).scalars()
    reports = dict(
        c.s.execute(
            select(OperationReport.id, OperationReport.project_id).where(
                OperationReport.deleted_at.is_(None), OperationReport.semester.in_(c.semesters)
            )
        ).all()
    )
    for a in rows:
        if a.owner_type == REPORT_KIND:
            project = reports.get(a.owner_id)
            if project in c.ids["projects"]:
                found.append((a, "projects", project))
        elif a.owner_id in c.ids[OWNER_SHEETS[a.owner_type]]:
            found.append((a, OWNER_SHEETS[a.owner_type], a.owner_id))
    out: list[PackageFile] = []
    taken: set[str] = set()
    for a, sheet, owner in found:
        base = f"{fmt.ATTACHMENTS}/{sheet}/{owner}/"
        name = entry_name(base, a.original_name)
        stem, dot, ext = name.rpartition(".")
        stem, ext = (stem, dot + ext) if dot else (name, "")
        entry, n = base + name, 1
        while entry.casefold() in taken:
            n += 1
            entry = f"{base}{stem}({n}){ext}"
        taken.add(entry.casefold())
        out.append(PackageFile(a.id, sheet, owner, a.original_name, a.kind, a.size, a.sha256, entry))
    return out


def entry_name(base: str, original: str) -> str:
    """The file name an attachment gets under `base` in the package: Windows-safe (no device name such as
    CONIN$ or COM¹, no forbidden characters), without bidi, zero-width or other invisible characters, and
    passing verify's entry-name check with room for a “(n)” suffix; “附件” and the extension when nothing
    usable is left of the original."""
    room = fmt.MAX_PATH - len(base) - 6
    name = safe_filename(archive.visible_name(original), max_length=room)
    if not archive.name_problems(base + name, max_path=fmt.MAX_PATH - 6):
        return name
    ext = Path(name).suffix
    fallback = safe_filename("附件" + ext, max_length=room)
    return fallback if not archive.name_problems(base + fallback, max_path=fmt.MAX_PATH - 6) else "附件"


def preview_package(s: Session, period: Period, *, today: dt.date | None = None) -> Preview:
    c = _context(s, period, today, personal=False)
    rows = _collect(c)
    files = _attachments(c)
    counts = {key: len(v) for key, v in rows.items()}
    counts["attachments"] = len(files)
    profile = get_profile(s)
    return Preview(
        period, profile.school, profile.college, counts, len(files), sum(f.size for f in files), c.findings
    )


# ---------------------------------------------------------------- data.xlsx


_FORMATS = {fmt.DATE: DATE_FORMAT, fmt.MONTH: MONTH_FORMAT, fmt.YUAN: YUAN_FORMAT}


class _SheetWriter:
    """Rows of one write-only sheet through cells reused row after row (one per column, its number format
    set once: a new styled cell per value made 100,000 enterprises take half a minute). Values as the
    column's type wants them; text is always text, with Excel's quote prefix when it starts like a formula."""

    def __init__(self, ws, kinds: Sequence[str]) -> None:
        self.ws, self.kinds = ws, list(kinds)
        self.cells = [self._make(k) for k in self.kinds]
        self.guarded: dict[int, Cell] = {}
        self.stamped: dict[int, Cell] = {}  # date columns holding a date and time (忽略时间)
        if hasattr(ws, "_values_to_row"):  # openpyxl 3.1's write-only sheet: rows made only of cells
            ws._values_to_row = cells_to_row

    def _make(self, kind: str, number_format: str | None = None, *, guard: bool = False) -> Cell:
        cell = WriteOnlyCell(self.ws)
        if number_format or kind in _FORMATS:
            cell.number_format = number_format or _FORMATS[kind]
        if guard:
            cell.quotePrefix = True
        return FixedCell(cell)

    def _text(self, i: int, value: object) -> Cell:
        text = safe_text(value)
        cell = self.cells[i]
        if needs_guard(text):
            cell = self.guarded.get(i) or self.guarded.setdefault(i, self._make(fmt.TEXT, guard=True))
        cell._value, cell.data_type = text or None, "s"
        return cell

    def append(self, row: Sequence[object]) -> None:
        out = []
        for i, (kind, v) in enumerate(zip(self.kinds, row, strict=True)):
            cell = self.cells[i]
            if v is None or v == "":
                cell._value, cell.data_type = None, "n"
            elif kind == fmt.BOOL:
                cell = self._text(i, fmt.YES if v else fmt.NO)
            elif kind == fmt.YUAN:
                cell._value, cell.data_type = int(v) / 100, "n"
            elif isinstance(v, dt.datetime):
                cell = self.stamped.get(i) or self.stamped.setdefault(i, self._make(kind, DATETIME_FORMAT))
                cell._value = v.astimezone().replace(tzinfo=None) if v.tzinfo else v
                cell.data_type = "d"
            elif isinstance(v, dt.date):
                cell._value, cell.data_type = v, "d"
            elif kind in (fmt.INT, fmt.DECIMAL) and isinstance(v, int | float):
                cell._value, cell.data_type = v, "n"
            else:
                cell = self._text(i, v)
            out.append(cell)
        self.ws.append(out)


def _write_sheet(
    wb: Workbook, name: str, headers: Sequence[str], kinds: Sequence[str], rows: Iterable
) -> None:
    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    ws.append([export_value(ws, h) for h in headers])
    writer = _SheetWriter(ws, kinds)
    for row in rows:
        writer.append(row)


def _write_report_sheet(wb: Workbook, table, title: str) -> None:
    """A standard report table as it prints (app/io/print_table.py): header in row 1, every cell bordered."""
    ws = wb.create_sheet(table.name)
    kinds = [print_kind(c.header, c.kind) for c in table.columns]
    rows = [[cell_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)] for row in table.rows]
    layout = plan_layout(table.headers, kinds, rows[:500])
    ws.freeze_panes = "A2"
    set_page(ws, layout, title=title)  # before the first row: a write-only sheet writes its head then
    ws.row_dimensions[1].height = layout.header_height
    ws.append([style_head(_text_cell(ws, h)) for h in table.headers])
    for r, row in enumerate(rows, start=2):
        height = row_height(row, kinds, layout.widths)
        if height:  # set before the row is written: a write-only sheet writes it then
            ws.row_dimensions[r].height = height
        out = []
        for kind, v in zip(kinds, row, strict=True):
            if isinstance(v, bool):
                v = fmt.YES if v else fmt.NO
            elif v is not None and (kind == "code" or not isinstance(v, int | float | dt.date)):
                v = _text_cell(ws, v)  # a code is text even when it is all digits
            out.append(body_cell(ws, kind, v))
        ws.append(out)


def _text_cell(ws, value: object) -> WriteOnlyCell:
    """Text as text, never a formula (the quote prefix for text that starts like one)."""
    text = safe_text(value)
    cell = WriteOnlyCell(ws, value=text or None)
    if text:
        cell.data_type = "s"
        cell.quotePrefix = needs_guard(text)
    return cell


def _attachment_rows(files: Sequence[PackageFile]) -> Iterator[tuple]:
    for f in files:
        yield (f.attachment_id, f.sheet, f.owner_id, f.original_name, f.kind, f.size, f.sha256, f.entry)


def write_data(
    path: Path,
    rows: dict[str, list[tuple]],
    tables,
    files: Sequence[PackageFile],
    cancel: threading.Event | None = None,
    progress: Progress = noop_progress,
    college: str = "",
) -> None:
    """data.xlsx; progress goes from 0 to 0.8 over the rows, the rest is openpyxl saving."""
    wb = Workbook(write_only=True)
    use_table_font(wb)
    total = sum(len(v) for v in rows.values()) or 1
    done = 0

    def counted(data: Iterable[tuple], name: str) -> Iterator[tuple]:
        nonlocal done
        for row in data:
            done += 1
            if done % 2000 == 0:
                tick(progress, cancel, 0.8 * done / total, f"正在写入数据表“{name}”…")
            yield row

    try:
        for sheet in fmt.SHEETS:
            tick(progress, cancel, 0.8 * done / total, f"正在写入数据表“{sheet.name}”…")
            data = (
                _attachment_rows(files)
                if sheet.key == "attachments"
                else counted(rows[sheet.key], sheet.name)
            )
            _write_sheet(wb, sheet.name, sheet.headers, [c.type for c in sheet.columns], data)
        for table in tables.tables:
            _write_report_sheet(wb, table, table_title(table.name, tables.school_year, college))
        progress(0.8, "正在保存数据表…")
        wb.save(str(path))
    except BaseException:  # cancelled or failed: close the sheets' temporary files (Windows keeps them open)
        discard_workbook(wb)
        raise


# ---------------------------------------------------------------- headline figures


def _as_written(sheet: fmt.Sheet, rows: Iterable[tuple]) -> Iterator[tuple]:
    """Rows as data.xlsx holds them (是/否, money in 元), for app/package/figures.py."""
    kinds = [c.type for c in sheet.columns]
    for row in rows:
        yield tuple(
            (fmt.YES if v else fmt.NO) if k == fmt.BOOL else v / 100 if k == fmt.YUAN and v is not None else v
            for k, v in zip(kinds, row, strict=True)
        )


def headline_figures(rows: dict[str, list[tuple]]) -> dict[str, int | float]:
    """format.HEADLINES of the rows the package holds, as the school's merge computes them."""
    return figures_of(lambda sheet: _as_written(sheet, rows[sheet.key]))


# ---------------------------------------------------------------- the ZIP


@dataclass(frozen=True)
class ExportResult:
    path: Path
    size: int
    period: Period
    counts: dict[str, int]
    report_rows: dict[str, int]
    attachments: int
    attachment_bytes: int
    missing: tuple[str, ...]  # attachments whose stored file is gone (listed in 附件清单 without a file)
    open_findings: dict[str, int]  # severity → open findings
    figures: dict[str, int | float] = field(default_factory=dict)
    personal_data: bool = False

    def summary(self) -> str:
        lines = [
            f"已导出{self.period.label}上报材料包：{self.path}（{human_size(self.size)}）",
            "记录：" + "，".join(f"{fmt.SHEET_BY_KEY[k].name} {n}" for k, n in self.counts.items() if n),
            f"附件 {self.attachments} 个（{human_size(self.attachment_bytes)}）",
            "未处理的合规问题：" + "，".join(f"{k} {v}" for k, v in self.open_findings.items()),
            "身份证号和电话：" + ("完整（已按要求包含）" if self.personal_data else "已打码"),
        ]
        if self.missing:
            lines.append(f"注意：{len(self.missing)} 个附件在附件文件夹中找不到，未能放入材料包：")
            lines.extend(f"  {m}" for m in self.missing)
        return "\n".join(lines)

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "size": self.size,
            "period": self.period.as_json(),
            "tables": self.counts,
            "report_tables": self.report_rows,
            "attachments": self.attachments,
            "attachment_bytes": self.attachment_bytes,
            "missing_attachments": list(self.missing),
            "open_findings": self.open_findings,
            "figures": self.figures,
            "personal_data": fmt.INCLUDED if self.personal_data else fmt.MASKED,
        }


# What pack reads: a file, or a function giving the bytes to read (an attachment's, app/services/blobs.py).
Source = Path | Callable[[], AbstractContextManager[BinaryIO]]


def _open(source: Source) -> AbstractContextManager[BinaryIO]:
    return source.open("rb") if isinstance(source, Path) else source()


def pack(
    target: Path,
    sources: Sequence[tuple[Source, str]],
    manifest: Callable[[list[dict[str, object]]], dict[str, object]],
    *,
    now: dt.datetime,
    report: Callable[[int], None] = lambda n: None,
    cancel: threading.Event | None = None,
    sign: Callable[[bytes], bytes] | None = None,
) -> None:
    """Write the ZIP at `target`: each (file, entry) stored a chunk at a time and hashed as it goes (the
    manifest lists the SHA-256 and size of the bytes actually written), then manifest.json made by
    `manifest(listed files)`, then signature.json made by `sign(manifest.json's bytes)` when given. Stored,
    not deflated: xlsx, docx, PDF and JPEG are packed already."""
    stamp = now.timetuple()[:6]
    listed: list[dict[str, object]] = []
    with zipfile.ZipFile(target, "w", allowZip64=True) as z:
        for source, entry in sources:
            info = zipfile.ZipInfo(entry, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            h, size = hashlib.sha256(), 0
            with _open(source) as f, z.open(info, "w", force_zip64=True) as out:
                while chunk := f.read(CHUNK):
                    tick(noop_progress, cancel, 0, "")
                    out.write(chunk)
                    h.update(chunk)
                    size += len(chunk)
                    report(len(chunk))
            listed.append({"path": entry, "sha256": h.hexdigest(), "size": size})
        raw = json.dumps(manifest(listed), ensure_ascii=False, indent=2).encode("utf-8")
        z.writestr(zipfile.ZipInfo(fmt.MANIFEST, date_time=stamp), raw, compress_type=zipfile.ZIP_DEFLATED)
        if sign is not None:  # the signature covers these exact bytes, which cover every file's SHA-256
            z.writestr(
                zipfile.ZipInfo(fmt.SIGNATURE, date_time=stamp), sign(raw), compress_type=zipfile.ZIP_DEFLATED
            )


def default_package_name(college: str, period: Period) -> str:
    return safe_filename(f"{college or '学院'}_{period.label}_上报材料包.zip")


def export_package(
    s: Session,
    period: Period,
    out: Path,
    *,
    include_personal_data: bool = False,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Write the package of `period` to `out` (a .zip; the suffix is added when missing)."""
    out = Path(out)
    if out.suffix.lower() != ".zip":
        out = out.with_name(out.name + ".zip")
    now = (now or dt.datetime.now()).astimezone()
    profile = get_profile(s)
    progress(0.0, "正在读取数据…")
    c = _context(s, period, today, include_personal_data)
    rows = _collect(c, cancel, lambda f, m: progress(0.15 * f, m))
    files = _attachments(c)
    # A stored file gone from the attachments folder: listed in 附件清单 without a 包内路径, named in the result.
    stored = blobs.present(s, {f.sha256 for f in files})
    files = [f if f.sha256 in stored else replace(f, entry="") for f in files]
    present = [f for f in files if f.entry]
    missing = tuple(f.original_name for f in files if not f.entry)
    tick(progress, cancel, 0.15, "正在统计标准报表…")
    tables = period_tables(s, period, c.today)
    period_values = period_figures(s, period, c.today, tables=tables, findings=c.findings).headline()
    figures = with_period(headline_figures(rows), period_values)
    key = college_key()
    assert key is not None
    signing = {"key": key.fingerprint, "sequence": reserve_sequence(s, key)}
    try:
        with scratch_folder("package-") as scratch, atomic_path(out) as tmp:
            tick(progress, cancel, 0.2, "正在写入数据表…")
            data = scratch / fmt.DATA
            college = "".join(x for x in (profile.school, profile.college) if x)
            write_data(data, rows, tables, files, cancel, lambda f, m: progress(0.2 + 0.45 * f, m), college)
            tick(progress, cancel, 0.65, "正在生成报告…")
            report = scratch / fmt.REPORT
            _write_report(s, c, report, profile, rows, figures)
            total = data.stat().st_size + report.stat().st_size + sum(f.size for f in present) or 1
            done = 0

            def report_bytes(n: int) -> None:
                nonlocal done
                done += n
                tick(progress, cancel, 0.8 + 0.19 * done / total, "正在打包附件…")

            attached = ((functools.partial(blobs.opened, s, f.sha256), f.entry) for f in present)
            sources: list[tuple[Source, str]] = [(data, fmt.DATA), (report, fmt.REPORT), *attached]
            expected = {f.entry: (f.sha256, f.original_name) for f in present}

            def manifest(listed: list[dict[str, object]]) -> dict[str, object]:
                for item in listed:
                    sha, name = expected.get(str(item["path"]), (item["sha256"], ""))
                    if sha != item["sha256"]:
                        raise AppError(
                            f"附件“{name}”的文件已损坏（内容与登记时不同），请从备份恢复附件文件夹后再导出。"
                        )
                man = _manifest(profile, period, now, include_personal_data, listed, rows, tables, c)
                return {**man, "figures": period_headline(period_values), "signing": signing}

            sign = functools.partial(signature_entry, key)
            pack(tmp, sources, manifest, now=now, report=report_bytes, cancel=cancel, sign=sign)
            pause_for_test("package")
            progress(0.99, "正在完成…")
            size = tmp.stat().st_size
    except OSError as e:
        raise _write_error(out, e) from e
    counts = {key: len(v) for key, v in rows.items()}
    counts["attachments"] = len(files)
    log.info("package %s exported: %d bytes, %d attachments", period.code, size, len(present))
    return ExportResult(
        out,
        size,
        period,
        counts,
        {t.name: len(t.rows) for t in tables.tables},
        len(present),
        sum(f.size for f in present),
        missing,
        _open_counts(c.findings),
        figures,
        include_personal_data,
    )


def _open_counts(findings: CheckResult) -> dict[str, int]:
    return {sev: sum(f.severity == sev for f in findings.open) for sev in SEVERITIES}


def _write_report(s: Session, c: Context, out: Path, profile, rows, figures) -> None:
    if c.period.kind == fmt.YEAR:
        from app.docs.self_evaluation import write_self_evaluation

        write_self_evaluation(s, c.period.code, out, today=c.today)
        return
    from app.docs.semester_summary import write_semester_summary

    counts = {fmt.SHEET_BY_KEY[k].name: len(v) for k, v in rows.items()}
    write_semester_summary(
        out,
        school=profile.school,
        college=profile.college,
        period_label=c.period.label,
        first=c.period.first,
        last=c.period.last,
        counts=counts,
        figures=figures,
        findings=c.findings,
        today=c.today,
    )


def _manifest(profile, period, now, personal, listed, rows, tables, c: Context) -> dict[str, object]:
    by_rule: dict[str, int] = {}
    for f in c.findings.open:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    counts = {key: len(v) for key, v in rows.items()}
    counts["attachments"] = sum(1 for x in listed if str(x["path"]).startswith(f"{fmt.ATTACHMENTS}/"))
    return {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "school": profile.school,
        "college": profile.college,
        "period": period.as_json(),
        "created": now.isoformat(timespec="seconds"),
        "app_version": __version__,
        "personal_data": fmt.INCLUDED if personal else fmt.MASKED,
        "files": listed,
        "tables": {x.key: {"sheet": x.name, "rows": counts[x.key]} for x in fmt.SHEETS},
        "report_tables": {
            "school_year": tables.school_year,
            "rows": {t.name: len(t.rows) for t in tables.tables},
        },
        "compliance": {
            "checked_on": as_of(c.period, c.today).isoformat(),
            "open": _open_counts(c.findings),
            "acknowledged": len(c.findings.acknowledged),
            "open_by_rule": by_rule,
        },
    }


def _write_error(out: Path, e: OSError) -> AppError:
    if e.errno == errno.ENOSPC:
        return AppError(f"磁盘空间不足，无法写入“{out.name}”。请清理磁盘或另选位置（如U盘）后重试。", repr(e))
    if isinstance(e, PermissionError):
        return AppError(f"没有权限在文件夹“{out.parent}”中保存“{out.name}”，请换一个位置。", repr(e))
    if isinstance(e, FileExistsError | NotADirectoryError):
        return AppError(
            f"无法在“{out.parent}”中保存：路径中有同名的文件而不是文件夹，请另选保存位置。", repr(e)
        )
    if isinstance(e, FileNotFoundError):
        return AppError(f"找不到文件夹“{out.parent}”（U盘是否已拔出？），请另选保存位置。", repr(e))
    return AppError(f"无法写入“{out.name}”，请另选保存位置后重试（系统提示：{e.strerror or e}）。", repr(e))


assert tuple(TABLE_NAMES) == tuple(n for n, _ in fmt.REPORT_SHEETS)
