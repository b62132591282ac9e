"""经费台账 from Excel: read the finance office's export (a preview, nothing written), import its valid rows in
one transaction, write a blank import template. The print-ready export is app/io/ledger_export.py.

Layouts read (the header may sit below merged title rows; columns are found by name, see FIELDS):
- 借方 / 贷方 (项目经费明细账): 贷方 = 收入, 借方 = 支出;
- 收入 / 支出;
- one 金额 column with a 收支 (or 方向) column: 收入 / 收 / 贷 → 收入, 支出 / 支 / 借 → 支出.
A row with an amount on both sides, or on neither, is an error (a 0 or “-” counts as empty). A negative amount
(红字冲销, “-1234” or “(1,234.50)”) is read as the opposite direction with the amount made positive, and warned
about: the running balance stays that of the finance office's book. Subtotal rows (本月合计, 本年累计, 累计,
合计, 小计, 期初余额, 上年结转, 承前页, 过次页 …) are skipped; a 余额 column is ignored.

项目: the 项目 / 项目名称 column, matched to the projects by name (an unknown or ambiguous name is a row error
naming it), or one project given for the whole file (then the column, if any, is only compared and warned
about). 类别: matched to the 经费类别 by name; blank → 未分类; an unknown name → 其他, with a warning naming it
(a ledger line is kept rather than lost; the user can re-categorise it). A row equal to a live entry of the
database (same date, 凭证号, amount, direction and project) is warned about and skipped, unless
`keep_duplicates`. Dates: dates, text (2025/10/08, 2025.11.20, 2025年10月8日, 2025-10-08) or Excel serials.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.audit import insert_entry
from app.db.base import new_id, utcnow
from app.db.models import LEDGER_DIRECTIONS, AuditLog, LedgerEntry, Project
from app.domain.money import format_money, parse_money
from app.domain.names import name_key
from app.errors import AppError, ImportFileError
from app.io.importing import ImportPreview, ImportRow, make_row, read_rows, refuse_if_changed, row_warnings
from app.io.xlsx import (
    DATE_FORMAT,
    bulk_gc,
    cell_date,
    cell_text,
    find_sheet,
    open_workbook,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
)
from app.progress import Progress, noop_progress, reading_file, tick
from app.services.common import NOTE_MAX, Changes
from app.services.funds import (
    MAX_FEN,
    MAX_YEAR,
    MIN_YEAR,
    UNCATEGORIZED,
    LedgerData,
    budget_categories,
    normalized,
    overspent_lines,
)

FIELDS: dict[str, tuple[str, ...]] = {
    "entry_date": ("日期", "记账日期", "凭证日期", "业务日期", "发生日期"),
    "voucher_no": ("凭证号", "凭证字号", "凭证编号", "凭证号码"),
    "summary": ("摘要", "内容", "事由"),
    "counterparty": ("对方单位", "往来单位", "收付款单位", "对方户名", "对方名称"),
    "project": ("项目", "项目名称"),
    "category": ("类别", "经费类别", "支出类别", "费用类别"),
    "income": ("收入", "贷方", "贷方金额", "收入金额"),
    "expense": ("支出", "借方", "借方金额", "支出金额"),
    "amount": ("金额", "发生额"),
    "direction": ("收支", "方向", "收支方向", "借贷方向", "收/支", "借/贷"),
    "note": ("备注",),
}
REQUIRED = {"entry_date"}
TEMPLATE_FIELDS = ("entry_date", "voucher_no", "summary", "counterparty", "project", "category", "income",
                   "expense", "note")  # fmt: skip
OTHER_CATEGORY = "其他"
MAX_ROWS = 100_000
MONEY_FORMAT = "¥#,##0.00"  # amounts in 元, shown to the fen
BATCH = 5000
LIMITS = (
    ("voucher_no", "凭证号", 50),
    ("counterparty", "对方单位", 200),
    ("summary", "摘要", 200),
    ("note", "备注", NOTE_MAX),
)

_DIRECTIONS = {
    **dict.fromkeys(("收入", "收", "贷", "贷方", "入", "+"), "收入"),
    **dict.fromkeys(("支出", "支", "借", "借方", "出", "-"), "支出"),
}
_EMPTY_AMOUNTS = {"-", "—", "--", "——", "/", "无"}
_PERIOD = r"(?:本日|本月|本年|本期|本季度?|全年|年度|上年|上月|上期|期初|期末|月初|年初|年末|月末)"
_SUBTOTAL = re.compile(
    rf"(?:{_PERIOD}?(?:合计|累计|小计|总计|余额|结转|结余)数?|结转下(?:年|月|期|页)|承前页|过次页|转下页|承上页)"
    r"(?:[:(\[【].*)?"
)
_LOOSE_SUBTOTAL = re.compile(r".{1,12}(?:小计|合计|累计)")


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class LedgerImportData(LedgerData):
    duplicate_ok: bool = False  # equals a database entry and the user chose to import it anyway

    def entry(self) -> LedgerData:
        return LedgerData(**{k: getattr(self, k) for k in LedgerData.__dataclass_fields__})


DupKey = tuple[dt.date, str, int, str, str]


def _dup_key(d: LedgerData) -> DupKey:
    return (d.entry_date, d.voucher_no, d.amount_fen, d.direction, d.project_id)  # type: ignore[return-value]


def existing_keys(s: Session, project_ids: Iterable[str] | None = None) -> set[DupKey]:
    """The duplicate keys (date, 凭证号, amount, direction, project) of the live entries."""
    stmt = select(
        LedgerEntry.entry_date,
        LedgerEntry.voucher_no,
        LedgerEntry.amount_fen,
        LedgerEntry.direction,
        LedgerEntry.project_id,
    ).where(LedgerEntry.deleted_at.is_(None))
    if project_ids is not None:
        stmt = stmt.where(LedgerEntry.project_id.in_(list(project_ids)))
    return {tuple(r) for r in s.execute(stmt)}  # type: ignore[misc]


@dataclass(frozen=True)
class ProjectRef:
    id: str
    name: str


def find_project(s: Session, text: str) -> ProjectRef:
    """A live project by id or by name (compared as names are); AppError naming it when unknown or ambiguous."""
    live = select(Project.id, Project.name).where(Project.deleted_at.is_(None))
    if row := s.execute(live.where(Project.id == text.strip())).first():
        return ProjectRef(*row)
    found = [ProjectRef(*r) for r in s.execute(live) if name_key(r[1]) == name_key(text)]
    if not found:
        raise AppError(f"找不到项目“{text}”（或它已在回收站中）。请核对项目名称。")
    if len(found) > 1:
        raise AppError(f"有{len(found)}个项目都叫“{text}”，请改用项目编号（id）指定。")
    return found[0]


@dataclass
class _Context:
    header_texts: dict[str, str]  # field → header as written
    projects: dict[str, list[ProjectRef]]  # name_key → live projects of that name
    the_project: ProjectRef | None  # one project for the whole file
    categories: dict[str, str]  # name_key → id
    existing: set[DupKey]
    keep_duplicates: bool
    seen: dict[DupKey, int] = field(default_factory=dict)

    def column(self, f: str) -> str:
        return self.header_texts.get(f) or FIELDS[f][0]

    @property
    def split(self) -> bool:
        return "income" in self.header_texts or "expense" in self.header_texts


def _is_subtotal(raw: dict[str, Any]) -> bool:
    has_voucher = bool(cell_text(raw.get("voucher_no")))
    for f in ("entry_date", "summary", "voucher_no"):
        v = raw.get(f)
        if not isinstance(v, str):
            continue
        t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", v))
        if _SUBTOTAL.fullmatch(t) or (not has_voucher and f == "summary" and _LOOSE_SUBTOTAL.fullmatch(t)):
            return True
    return False


def _money(value: object) -> int | None:
    """Fen, or None for an empty side (blank, 0, “-”); ValueError for anything unreadable."""
    if value is None or (isinstance(value, str) and (not value.strip() or value.strip() in _EMPTY_AMOUNTS)):
        return None
    fen = parse_money(value)
    return fen or None


def _side(raw: dict[str, Any], f: str, ctx: _Context, errors: list) -> int | None:
    try:
        return _money(raw.get(f))
    except ValueError as e:
        errors.append((ctx.column(f), str(e)))
        return None


def _amount(raw: dict[str, Any], ctx: _Context, errors: list, warnings: list) -> tuple[str, int] | None:
    """(direction, fen > 0) from the row's amount columns, or None with the error recorded."""
    if ctx.split:
        n = len(errors)
        income = _side(raw, "income", ctx, errors) if "income" in ctx.header_texts else None
        expense = _side(raw, "expense", ctx, errors) if "expense" in ctx.header_texts else None
        if len(errors) > n:
            return None
        both = f"{ctx.column('income')}、{ctx.column('expense')}"
        if income is not None and expense is not None:
            errors.append((both, f"{ctx.column('income')}（{format_money(income)}）和{ctx.column('expense')}"
                                 f"（{format_money(expense)}）都有金额，一行只能记一笔收入或支出"))  # fmt: skip
            return None
        if income is None and expense is None:
            errors.append((both, f"{ctx.column('income')}和{ctx.column('expense')}都没有金额"))
            return None
        direction, fen, col = (
            ("收入", income, "income") if income is not None else ("支出", expense, "expense")
        )
    else:
        fen = _side(raw, "amount", ctx, errors)
        col = "amount"
        text = unicodedata.normalize("NFKC", cell_text(raw.get("direction"))).strip()
        direction = _DIRECTIONS.get(text, "")
        if not direction:
            errors.append((ctx.column("direction"), f"收支方向应为“收入”或“支出”，现为“{text}”" if text else "未填写收支方向"))  # fmt: skip
        if fen is None:
            if not any(c == ctx.column("amount") for c, _ in errors):
                errors.append((ctx.column("amount"), "未填写金额（或金额为0）"))
            return None
        if not direction:
            return None
    assert fen is not None
    if fen < 0:
        direction = "支出" if direction == "收入" else "收入"
        warnings.append(
            (ctx.column(col), f"金额为负数（红字冲销），已按{direction} {format_money(-fen)} 记录，请核对")
        )
        fen = -fen
    if fen > MAX_FEN:
        errors.append((ctx.column(col), "金额过大，请检查"))
        return None
    return direction, fen


def _project(text: str, ctx: _Context, errors: list, warnings: list) -> str:
    if ctx.the_project is not None:
        if text and name_key(text) != name_key(ctx.the_project.name):
            warnings.append((ctx.column("project"), f"本行项目为“{text}”，已按指定的项目“{ctx.the_project.name}”导入"))  # fmt: skip
        return ctx.the_project.id
    if not text:
        errors.append((ctx.column("project"), "未填写项目"))
        return ""
    found = ctx.projects.get(name_key(text), [])
    if not found:
        errors.append((ctx.column("project"), f"找不到项目“{text}”，请先在“项目”中建立，或核对名称"))
        return ""
    if len(found) > 1:
        errors.append((ctx.column("project"), f"有{len(found)}个项目都叫“{text}”，无法确定是哪一个"))
        return ""
    return found[0].id


def _category(text: str, ctx: _Context, warnings: list) -> str | None:
    if not text or name_key(text) == name_key(UNCATEGORIZED):
        return None
    if cid := ctx.categories.get(name_key(text)):
        return cid
    other = ctx.categories.get(name_key(OTHER_CATEGORY))
    warnings.append((ctx.column("category"), f"没有经费类别“{text}”，已归入“{OTHER_CATEGORY if other else UNCATEGORIZED}”"))  # fmt: skip
    return other


def rule_errors(d: LedgerData) -> list[tuple[str, str]]:
    """The checks of services.funds.check_ledger_entry that need no database, as (field, message)."""
    out = []
    if not isinstance(d.entry_date, dt.date):
        out.append(("entry_date", "未填写日期"))
    elif not MIN_YEAR <= d.entry_date.year <= MAX_YEAR:
        out.append(("entry_date", f"日期应在{MIN_YEAR}–{MAX_YEAR}年之间"))
    if d.direction not in LEDGER_DIRECTIONS:
        out.append(("direction", "收支方向应为“收入”或“支出”"))
    if not isinstance(d.amount_fen, int) or not 0 < d.amount_fen <= MAX_FEN:
        out.append(("amount", "金额须大于0"))
    for f, label, most in LIMITS:
        if len(getattr(d, f)) > most:
            out.append((f, f"{label}过长（最多{most}字）"))
    return out


def _read_row(row: int, raw: dict[str, Any], ctx: _Context) -> ImportRow[LedgerData] | None:
    if _is_subtotal(raw):
        return None
    text = {f: cell_text(v) for f, v in raw.items()}
    values = {ctx.column(f): t for f, t in text.items()}
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    day = None
    try:
        day = cell_date(raw.get("entry_date"))
    except ValueError as e:
        errors.append((ctx.column("entry_date"), str(e)))
    amount = _amount(raw, ctx, errors, warnings)
    project_id = _project(text.get("project", ""), ctx, errors, warnings)
    d = normalized(
        LedgerData(
            entry_date=day,
            direction=amount[0] if amount else "收入",
            amount_fen=amount[1] if amount else 1,
            project_id=project_id,
            category_id=_category(text.get("category", ""), ctx, warnings),
            voucher_no=text.get("voucher_no", ""),
            counterparty=text.get("counterparty", ""),
            summary=text.get("summary", ""),
            note=cell_text(raw.get("note"), free_text=True),
        )
    )
    reported = {c for c, _ in errors}
    for f, m in rule_errors(d):
        column = (
            ctx.column("income" if ctx.split else "amount") if f in ("amount", "direction") else ctx.column(f)
        )
        if f == "entry_date" and column in reported or f in ("amount", "direction"):
            continue  # already said why
        errors.append((column, m))
    if errors:
        return make_row(row, None, errors, warnings, values)
    return _duplicates(row, d, ctx, warnings, values)


def _duplicates(row: int, d: LedgerData, ctx: _Context, warnings: list, values: dict[str, str]) -> ImportRow:
    key = _dup_key(d)
    data: LedgerImportData | None = LedgerImportData(**vars(d))
    if key in ctx.existing:
        if ctx.keep_duplicates:
            warnings.append((ctx.column("voucher_no"), "与已有台账记录相同（日期、凭证号、金额、收支、项目），按要求仍导入"))  # fmt: skip
            data = replace(data, duplicate_ok=True)  # type: ignore[type-var]
        else:
            warnings.append((ctx.column("voucher_no"), "与已有台账记录相同（日期、凭证号、金额、收支、项目），已跳过"))  # fmt: skip
            data = None
    elif key in ctx.seen:
        warnings.append((ctx.column("voucher_no"), f"与第{ctx.seen[key]}行的日期、凭证号、金额、收支相同，请确认不是重复行"))  # fmt: skip
    ctx.seen.setdefault(key, row)
    return make_row(row, data, [], warnings, values)


def _check_layout(header_texts: dict[str, str], the_project: ProjectRef | None, name: str) -> None:
    has = set(header_texts)
    if not ({"income", "expense"} & has) and "amount" not in has:
        raise ImportFileError(
            f"“{name}”中找不到金额列：需要“借方”“贷方”两列、“收入”“支出”两列，或“金额”列加“收支”（或“方向”）列。"
        )
    if not ({"income", "expense"} & has) and "direction" not in has:
        raise ImportFileError(f"“{name}”有“{header_texts['amount']}”列，但没有“收支”（或“方向”）列，无法判断收入还是支出。")  # fmt: skip
    if the_project is None and "project" not in has:
        raise ImportFileError(
            f"“{name}”中没有“项目”列：请指定这些台账记录所属的项目（命令行：--project 项目名称）。"
        )


def read_ledger(
    s: Session,
    path: Path,
    *,
    project: str | None = None,
    keep_duplicates: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportPreview[LedgerData]:
    """Parse and check every row of a finance-office ledger file against the database. Nothing is written.
    `project` (a project's id or name) applies that project to every row."""
    path = Path(path)
    report = progress or noop_progress
    the_project = find_project(s, project) if project else None
    tick(report, cancel, 0.0, "正在打开文件…")
    wb = open_workbook(path, on_rows=reading_file(report, cancel))
    try:
        with bulk_gc():
            ws, header = find_sheet(wb, FIELDS, REQUIRED, file_name=path.name)
            header_texts = {f: header.texts[c] for c, f in header.fields.items()}
            _check_layout(header_texts, the_project, path.name)
            projects: dict[str, list[ProjectRef]] = defaultdict(list)
            for pid, pname in s.execute(select(Project.id, Project.name).where(Project.deleted_at.is_(None))):
                projects[name_key(pname)].append(ProjectRef(pid, pname))
            ctx = _Context(
                header_texts=header_texts,
                projects=projects,
                the_project=the_project,
                categories={name_key(c.name): c.id for c in budget_categories(s)},
                existing=existing_keys(s, [the_project.id] if the_project else None),
                keep_duplicates=keep_duplicates,
            )
            preview = read_rows(
                ws, header, lambda n, raw: _read_row(n, raw, ctx), path=path, report=report, cancel=cancel,
                max_rows=MAX_ROWS,
            )  # fmt: skip
    finally:
        wb.close()
    report(1.0, f"已检查 {len(preview.rows)} 行")
    return preview


# ---------------------------------------------------------------- import


def _recheck(s: Session, rows: Sequence[ImportRow[LedgerData]]) -> None:
    """The database may have changed since the preview: projects, categories, duplicates."""
    datas = [r.data for r in rows if r.data is not None]
    pids = {d.project_id for d in datas}
    live_projects = set(
        s.scalars(select(Project.id).where(Project.id.in_(pids), Project.deleted_at.is_(None)))
    )
    live_categories = {c.id for c in budget_categories(s)}
    existing = existing_keys(s, pids)
    problems = []
    for r in rows:
        d = r.data
        assert isinstance(d, LedgerData)
        if d.project_id not in live_projects:
            problems.append(f"第{r.row}行：项目已不存在或已在回收站中")
        if d.category_id and d.category_id not in live_categories:
            problems.append(f"第{r.row}行：经费类别已不存在")
        if _dup_key(d) in existing and not getattr(d, "duplicate_ok", False):
            problems.append(f"第{r.row}行：与已有台账记录相同")
        problems += [f"第{r.row}行：{m}" for _, m in rule_errors(d)]
    refuse_if_changed(problems)


def import_ledger(
    s: Session,
    preview: ImportPreview[LedgerData],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Changes:
    """Write every valid row in the caller's transaction (all or nothing), one audit row each, after checking
    them once more. The warnings: the rows' own, then each budget line the import left overspent."""
    report = progress or noop_progress
    rows = preview.valid_rows
    _recheck(s, rows)
    ids: list[str] = []
    stamp = utcnow()
    entries, audit = [], []
    with bulk_gc():
        for i, r in enumerate(rows):
            if i % 200 == 0:
                tick(report, cancel, i / max(len(rows), 1), f"正在写入第{i + 1}/{len(rows)}条台账记录…")
            d = r.data.entry() if isinstance(r.data, LedgerImportData) else r.data
            assert d is not None and d.entry_date is not None
            cols = {**vars(d), "id": new_id(), "year": d.entry_date.year, "created_at": stamp,
                    "updated_at": stamp, "deleted_at": None}  # fmt: skip
            entries.append(cols)
            audit.append(insert_entry(LedgerEntry, cols, at=stamp))
            ids.append(cols["id"])
            if len(entries) >= BATCH:
                _write(s, entries, audit)
                entries, audit = [], []
        _write(s, entries, audit)
    tick(report, cancel, 1.0, f"已写入 {len(ids)} 条台账记录")
    return Changes("ledger_entry", tuple(ids), row_warnings(rows) + _overspent(s, rows))


def _write(s: Session, entries: list[dict[str, Any]], audit: list[dict[str, Any]]) -> None:
    if entries:
        s.execute(insert(LedgerEntry.__table__), entries)
        s.execute(insert(AuditLog.__table__), audit)


def _overspent(s: Session, rows: Sequence[ImportRow[LedgerData]]) -> tuple[str, ...]:
    touched = {(r.data.entry_date.year, r.data.project_id, r.data.category_id) for r in rows if r.data}  # type: ignore[union-attr]
    lines = overspent_lines(s, {k[0] for k in touched})
    return tuple(
        f"{x.project_name} {x.year}年度“{x.category_name}”支出{format_money(x.spent_fen)}，"
        f"超出预算{format_money(-x.remaining_fen)}。"
        for x in lines
        if (x.year, x.project_id, x.category_id) in touched
    )


# ---------------------------------------------------------------- template

TEMPLATE_ROWS = 2000
_NOTES = {
    "entry_date": "必填。日期，如 2025-10-08（也可写 2025/10/08、2025年10月8日）。",
    "voucher_no": "财务凭证号，如 记-10-0001。本列已设为文本格式。",
    "project": "必填（导入时也可为整个文件指定一个项目）。须与系统中的项目名称一致。",
    "category": "经费类别，如 设备、材料、差旅、劳务、培训、会议、其他；不认识的类别归入“其他”。",
    "income": "收到的经费（贷方），元。与“支出”只填一个。",
    "expense": "花出的经费（借方），元。与“收入”只填一个。",
}


def write_template(path: Path, *, categories: Sequence[str] = ()) -> None:
    """A blank import template: a note row, the standard headers (each with a comment), money and date
    formats on the columns, a 收入 / 支出 layout; `categories` (names) become the 类别 drop-down."""
    wb = Workbook()
    ws: Worksheet = wb.active  # type: ignore[assignment]
    ws.title = "经费台账"
    fields = list(TEMPLATE_FIELDS)
    note = ws.cell(
        row=1, column=1, value="经费台账导入模板：收入、支出每行只填一个；请从第3行开始填写，勿改动列名。"
    )
    note.font = Font(bold=True, color="C00000")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(fields))
    for col, f in enumerate(fields, start=1):
        cell = write_cell(ws, 2, col, FIELDS[f][0])
        if f in _NOTES:
            cell.comment = Comment(_NOTES[f], "产教融合工作台", width=260, height=90)
    style_header(ws, 2, len(fields), last_row=2)
    for f in ("entry_date", "project"):
        ws.cell(row=2, column=fields.index(f) + 1).font = Font(bold=True, color="C00000")
    widths = {"entry_date": 12, "voucher_no": 14, "summary": 30, "counterparty": 28, "project": 24,
              "category": 10, "income": 14, "expense": 14, "note": 20}  # fmt: skip
    set_widths(ws, [widths[f] for f in fields])
    for f, fmt in (("entry_date", DATE_FORMAT), ("voucher_no", "@"), ("income", MONEY_FORMAT), ("expense", MONEY_FORMAT)):  # fmt: skip
        ws.column_dimensions[get_column_letter(fields.index(f) + 1)].number_format = fmt
    if categories:
        letter = get_column_letter(fields.index("category") + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(categories) + '"', allow_blank=True)
        dv.errorStyle = "information"
        dv.error = "不在列表中的类别导入时归入“其他”。"
        ws.add_data_validation(dv)
        dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
    ws.freeze_panes = "A3"
    set_print_layout(ws, header_rows="1:2")
    save_workbook_atomic(wb, Path(path))
