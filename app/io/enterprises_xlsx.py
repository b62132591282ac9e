"""合作企业 ⇄ Excel: read and check an import file (a preview, nothing written), import its valid rows,
export the list, write a blank template.

Columns (standard header first, then accepted aliases) are in FIELDS; only 企业名称 is required. The first
contact goes in 联系人 / 职务 / 联系电话 / 邮箱; any further contacts go in 其他联系人 as
“姓名（职务） 电话 邮箱”, contacts separated by “；” (a contact's 备注 is not exported). An exported file
re-imports as the same data.

A row of an enterprise already in the archive — the same 统一社会信用代码 when both have one, else the same
name by name_key (（）≡ ()) — is not a new enterprise: the preview says which archive record it is and what
更新 would change (EnterprisePreview.existing); the import skips it (default), updates the record from the
row's non-blank cells (keeping its id), or, chosen per row where only the name matched, adds it beside. One
transaction, journaled as one action (编辑 → 撤销 undoes the whole import: app/services/undo.py). An enterprise
to update that someone else saved since the file was read (its version moved on: Existing.opened) is not
overwritten: the import is refused whole (app/io/importing.py changed_since_read) and the file read again."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
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
from app.errors import AppError
from app.io.importing import (
    ImportPreview,
    ImportRow,
    ToUpdate,
    changed_since_read,
    hold_for_tests,
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
from app.progress import Progress, noop_progress, reading_file, tick
from app.services.common import Changes
from app.services.enterprise_list import EnterpriseQuery, enterprise_ids
from app.services.enterprises import (
    ContactData,
    ContactError,
    EnterpriseData,
    KnownEnterprises,
    add_enterprises,
    check_fields,
    get_enterprise,
    normalized,
    update_enterprise,
)
from app.services.undo import journaled, note_created
from app.services.versions import Opened

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
SAME_NAME = "已有名称相同的企业"  # the start of the preview's warning of a same name under another code
ADDED_MEANWHILE = "读取文件后由另一个导入或另一位用户添加"


# ---------------------------------------------------------------- preview


# RowError, ImportRow and ImportPreview live in app/io/importing.py (shared by every import); re-exported here.
EnterpriseRow = ImportRow[EnterpriseData]

# What to do with a row of an enterprise already in the archive (the default first).
ON_EXISTING = ("skip", "update")
CHOICES = {"skip": "跳过", "update": "更新", "new": "新建"}  # a row's choice, as the preview says it


@dataclass(frozen=True)
class Existing:
    """The live enterprise of the archive an import row is (by 统一社会信用代码 when both have one, else by
    name_key), and what 更新 would change in it."""

    id: str
    name: str
    by: str  # "code" | "name"
    filled: frozenset[str]  # the EnterpriseData fields the row gives (non-blank cells): what 更新 overwrites
    changes: tuple[tuple[str, str, str], ...] = ()  # (column, archive value, row value) that 更新 changes
    update_error: str = ""  # why 更新 is not possible ("" when it is)
    opened: Opened | None = None  # the record's version as of the values `changes` was worked out from

    @property
    def can_update(self) -> bool:
        return not self.update_error

    @property
    def can_create(self) -> bool:
        """新建 beside it: only when only the name matched (a code is unique)."""
        return self.by == "name"

    @property
    def description(self) -> str:
        if self.by == "code":
            text = f"档案中已有“{self.name}”（统一社会信用代码相同）"
        else:
            text = f"档案中已有同名企业“{self.name}”"
        if self.update_error:
            return f"{text}；不能更新：{self.update_error}"
        if not self.changes:
            return f"{text}；与档案一致，无需更新"
        changed = "、".join(f"{c}“{_short(old)}”→“{_short(new)}”" for c, old, new in self.changes)
        return f"{text}；更新将改动：{changed}"


def _short(text: str, most: int = 30) -> str:
    text = text or "空"
    return text if len(text) <= most else text[: most - 1] + "…"


@dataclass(frozen=True)
class EnterprisePreview(ImportPreview[EnterpriseData]):
    """The preview, and for each valid row of an enterprise already in the archive (row number → Existing)."""

    existing: Mapping[int, Existing] = field(default_factory=dict)

    @property
    def new_rows(self) -> tuple[EnterpriseRow, ...]:
        return tuple(r for r in self.valid_rows if r.row not in self.existing)

    @property
    def existing_rows(self) -> tuple[EnterpriseRow, ...]:
        return tuple(r for r in self.valid_rows if r.row in self.existing)

    def choices(self, on_existing: str = "skip", chosen: Mapping[int, str] | None = None) -> dict[int, str]:
        """Every valid row's choice: "new" for a new enterprise; for one already in the archive what `chosen`
        says, else `on_existing` (an 更新 that is not possible is 跳过)."""
        out = {}
        for r in self.valid_rows:
            match = self.existing.get(r.row)
            if match is None:
                out[r.row] = "new"
                continue
            choice = (chosen or {}).get(r.row, on_existing)
            if choice == "update" and not match.can_update:
                choice = "skip"
            out[r.row] = choice
        return out


@dataclass(frozen=True)
class ImportChanges(Changes):
    """An enterprise import's outcome: `ids` are the added and the updated enterprises."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    skipped: tuple[int, ...] = ()  # row numbers of enterprises already in the archive, left as they were

    def summary(self) -> str:
        parts = [f"新增 {len(self.added)} 家企业"]
        if self.updated:
            parts.append(f"更新 {len(self.updated)} 家")
        if self.skipped:
            parts.append(f"跳过 {len(self.skipped)} 家已在档案中的企业")
        return "，".join(parts)


# ---------------------------------------------------------------- the archive, for matching rows


@dataclass(frozen=True)
class _Known:
    id: str
    name: str
    uscc: str
    deleted: bool


@dataclass
class _Archive:
    """Live and deleted enterprises by code, live ones by name_key (one query)."""

    codes: dict[str, _Known]
    names: dict[str, list[_Known]]

    @classmethod
    def load(cls, s: Session) -> _Archive:
        codes: dict[str, _Known] = {}
        names: dict[str, list[_Known]] = {}
        stmt = select(
            Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.name_key, Enterprise.deleted_at
        )
        for eid, name, uscc, key, deleted_at in s.execute(
            stmt.order_by(Enterprise.created_at, Enterprise.id)
        ):
            k = _Known(eid, name, uscc, deleted_at is not None)
            if uscc and (uscc not in codes or codes[uscc].deleted):
                codes[uscc] = k  # a live one wins
            if not k.deleted:
                names.setdefault(key, []).append(k)
        return cls(codes, names)

    def match(self, d: EnterpriseData) -> tuple[_Known | None, str, str]:
        """(the live enterprise the row is, "code" | "name", an error): by code when the row has a usable
        code; else by name, unless both have a code and the codes differ."""
        res = check_uscc(d.uscc) if d.uscc else None
        code_ok = res is not None and not res.error and (not res.check_failed or d.uscc_confirmed)
        if code_ok and d.uscc in self.codes:
            k = self.codes[d.uscc]
            if k.deleted:
                return None, "", f"统一社会信用代码与已有企业“{k.name}”（在回收站中，可先恢复）重复"
            return k, "code", ""
        for k in self.names.get(name_key(d.name), []) if d.name else []:
            if not (d.uscc and k.uscc and d.uscc != k.uscc):
                return k, "name", ""
        return None, "", ""

    def same_name(self, d: EnterpriseData) -> str:
        """The name of a live enterprise with the row's name (and another code), "" when none."""
        found = self.names.get(name_key(d.name)) if d.name else None
        return found[0].name if found else ""


# ---------------------------------------------------------------- 更新: the row's non-blank cells overwrite


_SIMPLE = (
    "name short_name industry region address legal_representative staff_count scale categories status "
    "status_reason status_date cooperation_start website note"
).split()
_FIELD_OF_COLUMN = {f: f for f in FIELDS} | {
    "contact_name": "contacts",
    "contact_title": "contacts",
    "contact_phone": "contacts",
    "contact_email": "contacts",
    "other_contacts": "contacts",
}
_LABELS = {f: names[0] for f, names in FIELDS.items()} | {"contacts": "联系人"}


def merged(old: EnterpriseData, row: EnterpriseData, filled: frozenset[str]) -> EnterpriseData:
    """The archive record `old` with the fields the row fills (`filled`) taken from the row (a name that is the
    same by name_key stays as stored); a row's contact with the name of a contact of the record replaces the
    parts it gives; other contacts of the row are added."""
    values = {f.name: getattr(old, f.name) for f in fields(EnterpriseData)}
    for f in _SIMPLE:
        if f in filled:
            values[f] = getattr(row, f)
    if name_key(row.name) == name_key(old.name):
        values["name"] = old.name  # the same name: kept as stored (（）as registered)
    if "uscc" in filled:
        values["uscc"] = row.uscc
        values["uscc_confirmed"] = row.uscc_confirmed or (old.uscc_confirmed and old.uscc == row.uscc)
    if "uscc_confirmed" in filled:
        values["uscc_confirmed"] = row.uscc_confirmed
    if "contacts" in filled:
        contacts = list(old.contacts)
        for c in row.contacts:
            at = next((i for i, o in enumerate(contacts) if o.name == c.name), None)
            if at is None:
                contacts.append(c)
            else:
                o = contacts[at]
                contacts[at] = replace(
                    o, title=c.title or o.title, phone=c.phone or o.phone, email=c.email or o.email
                )
        values["contacts"] = tuple(contacts)
    return normalized(EnterpriseData(**values))


def _shown(f: str, d: EnterpriseData) -> str:
    if f == "contacts":
        return "；".join(format_contact(c) for c in d.contacts)
    value = getattr(d, f)
    if isinstance(value, tuple):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def field_changes(old: EnterpriseData, new: EnterpriseData) -> tuple[tuple[str, str, str], ...]:
    """(column, old, new) for each field 更新 changes (contacts compared without their ids)."""
    out = []
    for f in ("name", "uscc", "uscc_confirmed", *_SIMPLE[1:], "contacts"):
        before, after = _shown(f, old), _shown(f, new)
        if f == "categories":
            same = set(old.categories) == set(new.categories)
        else:
            same = before == after
        if not same:
            out.append((_LABELS[f], before, after))
    return tuple(out)


def _as_data(detail: EnterpriseData) -> EnterpriseData:
    return normalized(EnterpriseData(**{f.name: getattr(detail, f.name) for f in fields(EnterpriseData)}))


def _existing(s: Session, k: _Known, by: str, row: EnterpriseData, filled: frozenset[str]) -> Existing:
    ent = s.get(Enterprise, k.id)  # held: get_enterprise reads this very object, its version with its values
    assert ent is not None
    opened = Opened(Enterprise.__tablename__, ent.id, ent.version)
    old = _as_data(get_enterprise(s, k.id))
    new = merged(old, row, filled)
    found = check_fields(new)
    error = "；".join(e.message for e in found)
    if not error and new.uscc and new.uscc != old.uscc:
        clash = KnownEnterprises.load(s, like=new, exclude_id=k.id).code_clash(new)
        error = clash.message if clash else ""
    return Existing(k.id, k.name, by, filled, field_changes(old, new), error, opened)


# ---------------------------------------------------------------- reading one row


@dataclass
class _Context:
    s: Session
    header_texts: dict[str, str]  # field → header as written
    archive: _Archive
    seen_codes: dict[str, int] = field(default_factory=dict)
    seen_names: dict[str, int] = field(default_factory=dict)
    seen_existing: dict[str, int] = field(default_factory=dict)  # archive id → first row that is it
    existing: dict[int, Existing] = field(default_factory=dict)

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


def _file_and_db_checks(
    row: int, d: EnterpriseData, filled: frozenset[str], rejected: bool, ctx: _Context
) -> tuple[list, list]:
    """Duplicates within the file, and the archive's enterprise the row is (kept in ctx.existing; not looked
    for when the row is `rejected` already): errors and warnings as (column, message)."""
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
    known, by, error = (None, "", "") if rejected else ctx.archive.match(d)
    if error:
        errors.append((ctx.column("uscc"), error))
    elif known is not None and known.id in ctx.seen_existing:
        first = ctx.seen_existing[known.id]
        errors.append(
            (ctx.column(by if by == "name" else "uscc"), f"与第{first}行是档案中的同一家企业“{known.name}”")
        )
    elif known is not None and not errors:
        ctx.seen_existing[known.id] = row
        ctx.existing[row] = _existing(ctx.s, known, by, d, filled)
    elif known is None and (same := ctx.archive.same_name(d)):
        warnings.append(
            (ctx.column("name"), f"{SAME_NAME}“{same}”（统一社会信用代码不同），请确认不是同一家")
        )
    if code_ok:
        ctx.seen_codes.setdefault(d.uscc, row)
    if key:
        ctx.seen_names.setdefault(key, row)
    return errors, warnings


def _read_row(row: int, raw: dict[str, Any], ctx: _Context) -> ImportRow:
    text = {f: cell_text(v) for f, v in raw.items()}
    if "name" in raw:
        text["name"] = cell_text(raw["name"], registered_name=True)  # （）as registered
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
    filled = frozenset(_FIELD_OF_COLUMN[f] for f, t in text.items() if t)
    more_errors, warnings = _file_and_db_checks(row, d, filled, bool(errors), ctx)
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
) -> EnterprisePreview:
    """Parse and check every row of an import file against the database, and find the rows of enterprises
    already in the archive (EnterprisePreview.existing). Nothing is written."""
    path = Path(path)
    report = progress or noop_progress
    tick(report, cancel, 0.0, "正在打开文件…")
    wb = open_workbook(path, on_rows=reading_file(report, cancel))
    try:
        with bulk_gc():
            preview = _read_sheet(s, wb, path, report, cancel)
    finally:
        wb.close()
    report(1.0, f"已检查 {len(preview.rows)} 行")
    hold_for_tests("CHANJIAO_TEST_HOLD_READ")
    return preview


def _read_sheet(
    s: Session, wb: Workbook, path: Path, report: Progress, cancel: threading.Event | None
) -> EnterprisePreview:
    ws, header = find_sheet(wb, FIELDS, REQUIRED, file_name=path.name)
    ctx = _Context(
        s=s,
        header_texts={f: header.texts[c] for c, f in header.fields.items()},
        archive=_Archive.load(s),
    )
    preview = read_rows(
        ws,
        header,
        lambda row_no, raw: _read_row(row_no, raw, ctx),
        path=path,
        report=report,
        cancel=cancel,
        max_rows=MAX_ROWS,
    )
    kept = {r.row for r in preview.valid_rows}
    existing = {n: e for n, e in ctx.existing.items() if n in kept}
    return EnterprisePreview(**{f.name: getattr(preview, f.name) for f in fields(preview)}, existing=existing)


def _recheck(s: Session, preview: EnterprisePreview, choices: Mapping[int, str]) -> None:
    """The database may have changed since the preview: check the rules, the codes and which rows are
    enterprises of the archive once more (in the write transaction: another user's import of the same
    enterprises, committed meanwhile, refuses this one whole — see refuse_if_changed). An enterprise to update
    that someone else saved since the preview read it refuses it too."""
    saved = changed_since_read(
        s,
        {
            r.row: ToUpdate(f"企业“{m.name}”", m.opened)
            for r in preview.valid_rows
            if choices.get(r.row) == "update" and (m := preview.existing.get(r.row)) and m.opened
        },
    )
    archive = _Archive.load(s)
    problems = list(saved.values())
    for r in preview.valid_rows:
        assert r.data is not None
        if r.row in saved:
            continue
        problems += [f"第{r.row}行：{e.message}" for e in check_fields(r.data)]
        known, _by, error = archive.match(r.data)
        was = preview.existing.get(r.row)
        if error:
            problems.append(f"第{r.row}行：{error}")
        elif was is None and known is not None:
            problems.append(f"第{r.row}行：档案中已有“{known.name}”（{ADDED_MEANWHILE}）")
        elif was is not None and choices.get(r.row) != "skip" and (known is None or known.id != was.id):
            problems.append(f"第{r.row}行：档案中的“{was.name}”已被删除或修改")
        elif was is None and (same := archive.same_name(r.data)) and not _warned_of_same_name(r):
            # the preview would have asked “请确认不是同一家”: not added beside it unseen
            problems.append(
                f"第{r.row}行：{SAME_NAME}“{same}”（统一社会信用代码不同，{ADDED_MEANWHILE}），请确认不是同一家"
            )
    refuse_if_changed(problems)


def _warned_of_same_name(r: EnterpriseRow) -> bool:
    return any(w.message.startswith(SAME_NAME) for w in r.warnings)


def import_enterprises(
    s: Session,
    preview: ImportPreview,
    *,
    on_existing: str = "skip",
    choices: Mapping[int, str] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportChanges:
    """Write the valid rows in the caller's transaction (all or nothing: on any error the caller rolls back),
    each record audited: a new enterprise is added; a row of an enterprise already in the archive is skipped
    (`on_existing="skip"`, the default), updates the archive record from its non-blank cells ("update", the
    record keeps its id), or — chosen per row in `choices` {row: "skip" | "update" | "new"}, and only when
    just the name matched — is added beside it ("new"). The rows are checked once more first (the database
    may have changed since the preview; add_enterprises itself checks nothing)."""
    if on_existing not in ON_EXISTING:
        raise AppError(f"已在档案中的企业只能跳过或更新，而不是“{on_existing}”")
    if not isinstance(preview, EnterprisePreview):
        preview = EnterprisePreview(**{f.name: getattr(preview, f.name) for f in fields(preview)})
    chosen = preview.choices(on_existing, choices)
    for row, choice in chosen.items():
        match = preview.existing.get(row)
        if match is not None and choice == "new" and not match.can_create:
            raise AppError(f"第{row}行与档案中的“{match.name}”统一社会信用代码相同，不能另建一家")
        if choice not in CHOICES:
            raise AppError(f"第{row}行的处理方式“{choice}”不明")
    label = f"导入企业名单“{Path(preview.file).name}”"
    return journaled(s, lambda: _import(s, preview, chosen, progress, cancel), label)  # undoable as one


def _import(
    s: Session,
    preview: EnterprisePreview,
    chosen: Mapping[int, str],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> ImportChanges:
    _recheck(s, preview, chosen)
    rows = preview.valid_rows
    new = [r for r in rows if chosen[r.row] == "new"]
    updates = [r for r in rows if chosen[r.row] == "update"]
    skipped = tuple(r.row for r in rows if chosen[r.row] == "skip")
    with bulk_gc():
        added = add_enterprises(s, [r.data for r in new if r.data], progress=progress, cancel=cancel)
    note_created(s, Enterprise, added.ids)  # Core inserts: undo moves them to the 回收站
    updated = []
    for r in updates:
        match = preview.existing[r.row]
        assert r.data is not None
        tick(progress or noop_progress, cancel, 1.0, f"正在更新“{match.name}”…")
        old = _as_data(get_enterprise(s, match.id))
        update_enterprise(s, match.id, merged(old, r.data, match.filled))
        updated.append(match.id)
    done = [*new, *updates]
    return ImportChanges(
        "enterprise",
        (*added.ids, *updated),
        row_warnings(done),
        added=added.ids,
        updated=tuple(updated),
        skipped=skipped,
    )


# ---------------------------------------------------------------- the rows to fix, for Excel

PROBLEM_COLUMN = "问题说明"
ROW_COLUMN = "原行号"


def problem_text(row: ImportRow[Any]) -> str:
    return "；".join(f"[{e.column}] {e.message}" for e in (*row.errors, *row.warnings))


def export_rejected_rows(preview: ImportPreview[Any], path: Path) -> int:
    """The rejected rows of a preview, to fix in Excel: 原行号, the file's recognised columns as read, and
    问题说明 — a file that imports again once fixed (the two extra columns are not read). Text stays text
    (no formula), saved through a temporary file. Returns the number of rows."""
    headers = [ROW_COLUMN, *preview.headers, PROBLEM_COLUMN]
    rows = [
        [r.row, *(r.values.get(h, "") for h in preview.headers), problem_text(r)]
        for r in preview.rejected_rows
    ]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("有问题的行")
    try:
        count = write_table(ws, headers, rows)
        save_workbook_atomic(wb, Path(path))
    except BaseException:
        discard_workbook(wb)
        raise
    return count


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
