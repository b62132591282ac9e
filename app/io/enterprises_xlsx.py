"""合作企业 ⇄ Excel: read and check an import file (a preview, nothing written), import its valid rows,
export the list, write a blank template.

Columns (standard header first, then accepted aliases) are in FIELDS; only 企业名称 is required. The first
contact goes in 联系人 / 职务 / 联系电话 / 邮箱; any further contacts go in 其他联系人 as
“姓名（职务） 电话 邮箱”, contacts separated by “；” (a contact's 备注 is not exported). An exported file
re-imports as the same data.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    ENTERPRISE_CATEGORIES,
    ENTERPRISE_SCALES,
    ENTERPRISE_STATUSES,
    Contact,
    Enterprise,
    EnterpriseCategory,
)
from app.domain.codes import check_uscc
from app.domain.names import clean_text, name_key
from app.domain.privacy import mask_phone
from app.io.importing import (
    ImportPreview,
    ImportRow,
    make_row,
    read_rows,
    refuse_if_changed,
    row_warnings,
)
from app.io.importing import (
    RowError as RowError,  # re-exported
)
from app.io.xlsx import (
    DATE_FORMAT,
    bulk_gc,
    cell_bool,
    cell_date,
    cell_text,
    discard_workbook,
    find_sheet,
    lost_digits,
    open_workbook,
    save_workbook_atomic,
    set_print_layout,
    set_widths,
    style_header,
    write_cell,
    write_table,
)
from app.progress import Progress, noop_progress, tick
from app.services.common import Changes
from app.services.enterprise_list import EnterpriseQuery, enterprise_ids
from app.services.enterprises import (
    ContactData,
    ContactError,
    EnterpriseData,
    KnownEnterprises,
    add_enterprises,
    check_fields,
    normalized,
)

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "单位名称", "企业全称", "公司名称"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码"),
    "uscc_confirmed": ("已核对营业执照",),
    "short_name": ("简称", "企业简称"),
    "industry": ("所属行业", "行业"),
    "region": ("所在地区", "地区", "所在地", "区域"),
    "address": ("地址", "详细地址", "企业地址"),
    "legal_representative": ("法定代表人", "法人代表", "法定代表人姓名", "法定代表人（负责人）", "法人"),
    "scale": ("企业规模", "规模"),
    "staff_count": ("在岗职工总数", "职工人数", "职工总数", "在岗职工人数", "员工人数", "从业人数"),
    "categories": ("企业类别", "类别", "企业类型"),
    "status": ("合作状态", "状态"),
    "status_reason": ("状态说明", "解除原因"),
    "status_date": ("状态日期", "解除日期"),
    "cooperation_start": ("合作开始日期", "合作开始时间", "开始合作时间"),
    "website": ("网址", "网站"),
    "contact_name": ("联系人", "联系人姓名"),
    "contact_title": ("职务", "联系人职务"),
    "contact_phone": ("联系电话", "电话", "手机", "手机号", "联系方式"),
    "contact_email": ("邮箱", "电子邮箱", "Email"),
    "other_contacts": ("其他联系人",),
    "note": ("备注",),
}
REQUIRED = {"name"}
HEADERS = tuple(names[0] for names in FIELDS.values())
DATE_FIELDS = ("status_date", "cooperation_start")
FREE_TEXT_FIELDS = ("status_reason", "note", "other_contacts")
MAX_ROWS = 100_000
BATCH = 500


# ---------------------------------------------------------------- preview


# RowError, ImportRow and ImportPreview live in app/io/importing.py (shared by every import); re-exported here.
EnterpriseRow = ImportRow[EnterpriseData]
EnterprisePreview = ImportPreview[EnterpriseData]


# ---------------------------------------------------------------- reading one row


@dataclass
class _Context:
    header_texts: dict[str, str]  # field → header as written
    known: KnownEnterprises
    seen_codes: dict[str, int] = field(default_factory=dict)
    seen_names: dict[str, int] = field(default_factory=dict)

    def column(self, f: str) -> str:
        return self.header_texts.get(f) or FIELDS[f][0]


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(p for p in re.split(r"[、,;/\s]+", text) if p)


_CONTACT_RE = re.compile(r"(?P<name>[^()\s]+)\s*(?:\((?P<title>[^()]*)\))?\s*(?P<rest>.*)")


def parse_contacts(text: str) -> list[ContactData]:
    """其他联系人: “张三（经理） 13900000000 zs@example.com；李四 0731-88880000”."""
    out = []
    for item in re.split(r"[;\n]+", clean_text(text.replace("\n", ";"))):
        m = _CONTACT_RE.fullmatch(item.strip())
        if not m:
            continue
        tokens = m["rest"].split()
        email = next((t for t in tokens if "@" in t), "")
        phone = " ".join(t for t in tokens if t != email)
        out.append(ContactData(name=m["name"], title=(m["title"] or "").strip(), phone=phone, email=email))
    return out


def format_contact(c: ContactData) -> str:
    title = f"（{c.title}）" if c.title else ""
    return " ".join(p for p in (f"{c.name}{title}", c.phone, c.email) if p)


def _parse(
    raw: dict[str, Any], text: dict[str, str], ctx: _Context
) -> tuple[EnterpriseData, list[tuple[str, str]]]:
    """Cells → EnterpriseData; problems that stop a value from being read, as (field, message)."""
    problems: list[tuple[str, str]] = []
    dates: dict[str, dt.date | None] = {}
    for f in DATE_FIELDS:
        try:
            dates[f] = cell_date(raw.get(f))
        except ValueError as e:
            problems.append((f, str(e)))
    staff = None
    try:
        staff = _count(raw.get("staff_count"), ctx.column("staff_count"))
    except ValueError as e:
        problems.append(("staff_count", str(e)))
    if lost_digits(raw.get("uscc")):
        problems.append(
            ("uscc", "统一社会信用代码被 Excel 存成了数字，末几位已丢失；请把该列设为文本后重新录入")
        )
    confirmed = False
    try:
        confirmed = cell_bool(raw.get("uscc_confirmed"))
    except ValueError as e:
        problems.append(("uscc_confirmed", f"{ctx.column('uscc_confirmed')}{e}"))
    first = ContactData(
        name=text.get("contact_name", ""),
        title=text.get("contact_title", ""),
        phone=text.get("contact_phone", ""),
        email=text.get("contact_email", ""),
    )
    data = EnterpriseData(
        name=text.get("name", ""),
        uscc=text.get("uscc", ""),
        uscc_confirmed=confirmed,
        short_name=text.get("short_name", ""),
        industry=text.get("industry", ""),
        region=text.get("region", ""),
        address=text.get("address", ""),
        legal_representative=text.get("legal_representative", ""),
        staff_count=staff,
        scale=text.get("scale", ""),
        categories=_split_list(text.get("categories", "")),
        status=text.get("status", ""),
        status_reason=text.get("status_reason", ""),
        status_date=dates.get("status_date"),
        cooperation_start=dates.get("cooperation_start"),
        website=text.get("website", ""),
        note=text.get("note", ""),
        contacts=(first, *parse_contacts(text.get("other_contacts", ""))),
    )
    return data, problems


_COUNT_TEXT = re.compile(r"(\d[\d,，]*)\s*人?")


def _count(value: Any, column: str) -> int | None:
    """A head count (120, 120.0, “120”, “1,200人”); empty is None. Anything else is an error naming the column."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 0:
            return int(value)
    else:
        m = _COUNT_TEXT.fullmatch(cell_text(value))
        if m:
            return int(re.sub(r"[,，]", "", m.group(1)))
    raise ValueError(f"{column}应为不小于0的整数（人数），而不是“{cell_text(value)[:20]}”")


def _contact_column(e: ContactError, has_first: bool, ctx: _Context) -> str:
    if e.number == 1 and has_first and f"contact_{e.part}" in FIELDS:
        return ctx.column(f"contact_{e.part}")
    return ctx.column("other_contacts")


def _rule_errors(d: EnterpriseData, has_first: bool, skip: set[str], ctx: _Context) -> list[tuple[str, str]]:
    out = []
    for e in check_fields(d):
        if isinstance(e, ContactError):
            out.append((_contact_column(e, has_first, ctx), e.message))
        elif e.field not in skip:  # skip: already reported as unreadable
            message = e.message
            if e.field == "categories":
                message += f"（可填：{'、'.join(ENTERPRISE_CATEGORIES)}）"
            out.append((ctx.column(e.field), message))
    return out


def _file_and_db_checks(row: int, d: EnterpriseData, ctx: _Context) -> tuple[list, list]:
    """Duplicates within the file and against the database: errors and warnings as (column, message)."""
    errors: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    key = name_key(d.name)
    code_ok = bool(d.uscc) and not check_uscc(d.uscc).error
    if code_ok and d.uscc in ctx.seen_codes:
        errors.append((ctx.column("uscc"), f"与第{ctx.seen_codes[d.uscc]}行重复（统一社会信用代码相同）"))
    elif not d.uscc and key and key in ctx.seen_names:
        errors.append((ctx.column("name"), f"与第{ctx.seen_names[key]}行重复（企业名称相同）"))
    elif key and key in ctx.seen_names:
        warnings.append((ctx.column("name"), f"与第{ctx.seen_names[key]}行企业名称相同，请确认不是同一家"))
    if clash := ctx.known.code_clash(d):
        errors.append((ctx.column("uscc"), clash.message))
    if same := ctx.known.same_name(d):
        warnings.append((ctx.column("name"), same.message))
    if code_ok:
        ctx.seen_codes.setdefault(d.uscc, row)
    if key:
        ctx.seen_names.setdefault(key, row)
    return errors, warnings


def _read_row(row: int, raw: dict[str, Any], ctx: _Context) -> ImportRow:
    text = {f: cell_text(v) for f, v in raw.items()}
    values = {ctx.column(f): t for f, t in text.items()}
    for f in FREE_TEXT_FIELDS:
        if f in raw:
            text[f] = cell_text(raw[f], free_text=True)
    data, problems = _parse(raw, text, ctx)
    errors = [(ctx.column(f), m) for f, m in problems]
    try:
        d = normalized(data)
    except Exception as e:  # normalisation of odd input must not stop the whole file
        errors.append((ctx.column("name"), f"无法读取此行：{e}"))
        return _row(row, None, errors, [], values)
    has_first = any(getattr(data.contacts[0], a) for a in ("name", "title", "phone", "email"))
    errors += _rule_errors(d, has_first, {f for f, _ in problems}, ctx)
    more_errors, warnings = _file_and_db_checks(row, d, ctx)
    errors += more_errors
    return _row(row, None if errors else d, errors, warnings, values)


def _row(
    row: int, d: EnterpriseData | None, errors: list, warnings: list, values: dict[str, str]
) -> ImportRow[EnterpriseData]:
    return make_row(row, d, errors, warnings, values)


# ---------------------------------------------------------------- read / import


def read_enterprises(
    s: Session,
    path: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportPreview:
    """Parse and check every row of an import file against the database. Nothing is written."""
    path = Path(path)
    report = progress or noop_progress
    tick(report, cancel, 0.0, "正在打开文件…")
    wb = open_workbook(path)
    try:
        with bulk_gc():
            preview = _read_sheet(s, wb, path, report, cancel)
    finally:
        wb.close()
    report(1.0, f"已检查 {len(preview.rows)} 行")
    return preview


def _read_sheet(
    s: Session, wb: Workbook, path: Path, report: Progress, cancel: threading.Event | None
) -> ImportPreview:
    ws, header = find_sheet(wb, FIELDS, REQUIRED, file_name=path.name)
    ctx = _Context(
        header_texts={f: header.texts[c] for c, f in header.fields.items()},
        known=KnownEnterprises.load(s),
    )
    return read_rows(
        ws,
        header,
        lambda row_no, raw: _read_row(row_no, raw, ctx),
        path=path,
        report=report,
        cancel=cancel,
        max_rows=MAX_ROWS,
    )


def _recheck(s: Session, rows: Sequence[ImportRow]) -> None:
    """The database may have changed since the preview: check the rules and codes once more."""
    known = KnownEnterprises.load(s)
    problems = []
    for r in rows:
        assert r.data is not None
        found = [*check_fields(r.data), known.code_clash(r.data)]
        problems += [f"第{r.row}行：{e.message}" for e in found if e is not None]
    refuse_if_changed(problems)


def import_enterprises(
    s: Session,
    preview: ImportPreview,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Changes:
    """Write every valid row in the caller's transaction (all or nothing: on any error the caller rolls back),
    each record audited. The rows are checked once more first (add_enterprises itself checks nothing)."""
    rows = preview.valid_rows
    _recheck(s, rows)
    with bulk_gc():
        added = add_enterprises(s, [r.data for r in rows if r.data], progress=progress, cancel=cancel)
    return Changes("enterprise", added.ids, row_warnings(rows))


# ---------------------------------------------------------------- export


_EXPORT_KEYS = (
    "id name uscc uscc_confirmed short_name industry region address legal_representative scale staff_count "
    "status status_reason status_date cooperation_start website note"
).split()
_EXPORT_COLUMNS = tuple(getattr(Enterprise, k) for k in _EXPORT_KEYS)


def _export_batch(s: Session, ids: Sequence[str], mask: bool) -> list[list[Any]]:
    """Plain column queries (no ORM objects): fast, and the caller's session is left as it was."""
    ents = {e.id: e for e in s.execute(select(*_EXPORT_COLUMNS).where(Enterprise.id.in_(ids)))}
    contacts: dict[str, list[ContactData]] = {}
    stmt = select(Contact.enterprise_id, Contact.name, Contact.title, Contact.phone, Contact.email)
    for eid, name, title, phone, email in s.execute(
        stmt.where(Contact.enterprise_id.in_(ids)).order_by(Contact.enterprise_id, Contact.sort_order)
    ):
        contacts.setdefault(eid, []).append(
            ContactData(name, title, mask_phone(phone) if mask else phone, email)
        )
    cats: dict[str, set[str]] = {}
    for eid, cat in s.execute(
        select(EnterpriseCategory.enterprise_id, EnterpriseCategory.category).where(
            EnterpriseCategory.enterprise_id.in_(ids)
        )
    ):
        cats.setdefault(eid, set()).add(cat)
    return [_export_row(ents[i], contacts.get(i, []), cats.get(i, set())) for i in ids if i in ents]


def _export_row(e: Any, contacts: list[ContactData], cats: set[str]) -> list[Any]:
    first = contacts[0] if contacts else ContactData("")
    ordered = [c for c in ENTERPRISE_CATEGORIES if c in cats] + sorted(cats - set(ENTERPRISE_CATEGORIES))
    return [
        e.name,
        e.uscc,
        "是" if e.uscc_confirmed else "",
        e.short_name,
        e.industry,
        e.region,
        e.address,
        e.legal_representative,
        e.scale,
        e.staff_count,
        "、".join(ordered),
        e.status,
        e.status_reason,
        e.status_date,
        e.cooperation_start,
        e.website,
        first.name,
        first.title,
        first.phone,
        first.email,
        "；".join(format_contact(c) for c in contacts[1:]),
        e.note,
    ]


def _export_rows(
    s: Session, ids: list[str], mask: bool, report: Progress, cancel: threading.Event | None
) -> Iterator[list[Any]]:
    for start in range(0, len(ids), BATCH):
        tick(report, cancel, start / max(len(ids), 1) * 0.95, f"正在导出第{start + 1}/{len(ids)}家企业…")
        yield from _export_batch(s, ids[start : start + BATCH], mask)


def export_enterprises(
    s: Session,
    path: Path,
    query: EnterpriseQuery | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    mask_phones: bool = False,
) -> int:
    """Export the enterprises `query` selects (default: all live ones, in list order) to one sheet 合作企业.
    Returns the number exported. `mask_phones` hides the middle digits of phone numbers (the file then no
    longer re-imports those phones)."""
    report = progress or noop_progress
    ids = enterprise_ids(s, query or EnterpriseQuery())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("合作企业")
    try:
        count = write_table(ws, HEADERS, _export_rows(s, ids, mask_phones, report, cancel))
        tick(report, cancel, 0.96, "正在保存文件…")
        save_workbook_atomic(wb, Path(path))
    except BaseException:
        discard_workbook(wb)
        raise
    report(1.0, f"已导出 {count} 家企业")
    return count


# ---------------------------------------------------------------- template

TEMPLATE_ROWS = 2000
_NOTES = {
    "name": "必填。与营业执照上的名称一致。",
    "uscc": "18位，可不填；填写时须符合 GB 32100 校验规则。本列已设为文本格式。",
    "uscc_confirmed": "是 / 否。代码校验位不符但已对照营业执照确认无误时填“是”。",
    "scale": "从下拉列表选择：" + "、".join(ENTERPRISE_SCALES),
    "legal_representative": "营业执照上的法定代表人，三方协议乙方使用。",
    "staff_count": "依托单位在岗职工总数（人），整数，可不填。",
    "categories": "可选：" + "、".join(ENTERPRISE_CATEGORIES) + "。多个类别用“、”分隔。",
    "status": "从下拉列表选择：" + "、".join(ENTERPRISE_STATUSES) + "。不填视为“意向”。",
    "status_reason": "状态为“已解除”时必填解除原因。",
    "status_date": "日期，如 2025-10-08。",
    "cooperation_start": "日期，如 2025-10-08；也可只写年月，如 2025-10。",
    "contact_phone": "本列已设为文本格式，可填手机或座机（如 0731-88880000）。",
    "other_contacts": "更多联系人：姓名（职务） 电话 邮箱，多人用“；”分隔。",
}


def _list_validation(ws: Any, col: int, values: Sequence[str], *, strict: bool = True) -> None:
    letter = get_column_letter(col)
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    dv.errorStyle = "stop" if strict else "information"
    dv.error = "请从下拉列表中选择：" + "、".join(values)
    dv.errorTitle = "输入值无效"
    if not strict:
        dv.error = "多个类别请用“、”分隔，可选：" + "、".join(values)
    ws.add_data_validation(dv)
    dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")


def write_template(path: Path) -> None:
    """A blank import template: a note row, the standard headers (required ones in red, each with a comment),
    drop-downs for 合作状态 / 企业规模 / 企业类别 / 已核对营业执照, text format for code and phone."""
    wb = Workbook()
    ws = wb.active
    ws.title = "合作企业"
    fields = list(FIELDS)
    note = ws.cell(
        row=1,
        column=1,
        value="合作企业导入模板：红色列为必填；把鼠标移到列名上可看填写说明。请从第3行开始填写，勿改动列名。",
    )
    note.font = Font(bold=True, color="C00000")
    note.alignment = Alignment(vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(fields))
    for col, f in enumerate(fields, start=1):
        cell = write_cell(ws, 2, col, FIELDS[f][0])
        if f in _NOTES:
            cell.comment = Comment(_NOTES[f], "产教融合工作台", width=260, height=90)
    style_header(ws, 2, len(fields), last_row=2)
    for f in REQUIRED:
        ws.cell(row=2, column=fields.index(f) + 1).font = Font(bold=True, color="C00000")
    col = {f: i for i, f in enumerate(fields, start=1)}
    _list_validation(ws, col["status"], ENTERPRISE_STATUSES)
    _list_validation(ws, col["scale"], ENTERPRISE_SCALES)
    _list_validation(ws, col["categories"], ENTERPRISE_CATEGORIES, strict=False)
    _list_validation(ws, col["uscc_confirmed"], ("是", "否"))
    widths = [max(10, min(len(FIELDS[f][0]) * 2 + 4, 30)) for f in fields]
    widths[col["name"] - 1], widths[col["address"] - 1], widths[col["uscc"] - 1] = 30, 30, 22
    set_widths(ws, widths)
    for f, fmt in (
        ("uscc", "@"),
        ("contact_phone", "@"),
        ("status_date", DATE_FORMAT),
        ("cooperation_start", DATE_FORMAT),
    ):
        ws.column_dimensions[get_column_letter(col[f])].number_format = fmt  # applies to what the user types
    ws.row_dimensions[1].height = 24
    ws.freeze_panes = "A3"
    set_print_layout(ws, header_rows="1:2")
    save_workbook_atomic(wb, Path(path))
