"""合并副本: the three-way merge of an offline copy into the database it came from (`chanjiao copy merge`).

Each row of each merged table (app/offline/copies.py `merged_tables`) is compared, column by column, in three
versions: as copied (the base, `offline_base`), in the copy now, and in the origin now — by the columns' canonical
values (app/db/table_rows.py), leaving out what every write changes (version, updated_at, updated_by) and what is
derived from other columns (pinyin, masked copies: written again by the ORM when their source is).

- A row the copy added is added (with its children); one whose natural key (信用代码, 学号, 工号 …) an origin
  record has taken meanwhile is that record: the copy's children follow it, and its fields that differ are conflicts.
- A column changed on one side only takes that side's value; changed the same way on both, nothing to do; changed
  differently: a conflict (`Conflict`, kind FIELD).
- A record deleted (to the 回收站, or for good) on one side and changed on the other: a conflict of the record
  (kinds DELETED_IN_COPY / DELETED_IN_ORIGIN). Deleted on one side, unchanged on the other: deleted.
- The copy's audit rows join the origin's trail (by id, with their user and computer); attachments travel with
  their records (bytes by SHA-256, once).

`plan_merge` reads and decides (the preview; nothing written). `apply_merge` plans again inside the write
transaction (so that it acts on the database as it is then) and writes it all through the ORM — audited, versions
moved, derived columns kept — or nothing: a conflict without a choice, or one that appeared since the preview,
refuses. Merging a copy twice changes nothing the first merge did not (what it took is then the same on both
sides). No Qt here."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session, undefer_group

from app.db import migrate
from app.db import table_rows as rows_
from app.db.base import Base, utcnow
from app.db.engine import Database, open_database
from app.db.models_offline import OfflineBase
from app.db.personal import MASKED_COPIES, PERSONAL_COLUMNS, PERSONAL_GROUP, may_read_personal
from app.db.unique_keys import KEYS
from app.errors import AppError
from app.offline.copies import CopyInfo, CopyRefused, copy_info, database_id, merged_tables, row_key
from app.progress import Progress, noop_progress, tick
from app.services.versions import when_words

NOT_COMPARED = frozenset(
    {"version", "updated_at", "updated_by", "pinyin_initials", "pinyin_full", "name_key"}
)
NOT_COMPARED |= MASKED_COPIES

FIELD, DELETED_IN_COPY, DELETED_IN_ORIGIN = "field", "deleted_in_copy", "deleted_in_origin"
COPY, ORIGIN = "copy", "origin"  # a conflict's choices (a FIELD conflict may also be given a value)


@dataclass(frozen=True)
class Conflict:
    """Something only the user can decide. `id` names it in a choice; `copy` / `origin` / `base` are the values
    in words (personal data only as “已修改”)."""

    id: str
    kind: str
    table: str
    key: str
    title: str  # the record as the user knows it
    column: str = ""
    label: str = ""  # the column in words
    base: str = ""
    copy: str = ""
    origin: str = ""
    longest: int = 0  # a text the user may write instead of either side (Edited): at most this long; 0: not
    copy_text: str = ""  # the copy's text whole (where `longest`): what 自己填写 starts from

    @property
    def editable(self) -> bool:
        return self.longest > 0


@dataclass(frozen=True)
class Edited:
    """A conflict's value written by the user instead of either side's (a text field only)."""

    value: str


@dataclass
class _Write:
    table: Table
    key: str
    action: str  # "add" | "update" | "delete"
    values: dict[str, Any] = field(default_factory=dict)  # the copy's raw values to write (add: every column)


@dataclass
class MergePlan:
    info: CopyInfo
    writes: list[_Write] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # what each conflict's choice writes: {conflict id: {COPY: write, ORIGIN: write}} (None: nothing)
    choices: dict[str, dict[str, _Write | None]] = field(default_factory=dict)
    same_records: list[tuple[str, str, str]] = field(default_factory=list)  # (table, copy id, origin id)
    id_map: dict[str, str] = field(default_factory=dict)  # copy id → origin id of those
    clashes: list[str] = field(default_factory=list)  # unique keys the merge would give twice (in words)
    # rows the office deleted with their record, unchanged on the laptop: {(table, id) of the record: their adds},
    # written when the record comes back (the laptop's side of its conflict)
    followers: dict[tuple[str, str], list[_Write]] = field(default_factory=dict)
    namer: Callable[[Table, object], str] | None = field(default=None, repr=False, compare=False)
    audit_rows: int = 0
    attachments: frozenset[str] = frozenset()

    def counts(self) -> dict[str, dict[str, int]]:
        """{table: {"added": n, "changed": n, "deleted": n, "conflicts": n}} of what the merge would do."""
        out: dict[str, dict[str, int]] = {}
        words = {"add": "added", "update": "changed", "delete": "deleted"}
        for w in self.writes:
            row = out.setdefault(w.table.name, {"added": 0, "changed": 0, "deleted": 0, "conflicts": 0})
            row[words[w.action]] += 1
        for c in self.conflicts:
            row = out.setdefault(c.table, {"added": 0, "changed": 0, "deleted": 0, "conflicts": 0})
            row["conflicts"] += 1
        return out

    @property
    def nothing_to_do(self) -> bool:
        return not self.writes and not self.conflicts and not self.audit_rows and not self.clashes

    def as_json(self) -> dict[str, object]:
        return {
            "copy": {"origin": self.info.origin, "made_at": self.info.made_at.isoformat(),
                     "made_by": self.info.made_by, "personal_data": self.info.personal_data},
            "tables": self.counts(),
            "conflicts": [c.__dict__ for c in self.conflicts],
            "same_records": [{"table": t, "copy": a, "origin": b} for t, a, b in self.same_records],
            "clashes": list(self.clashes),
            "audit_rows": self.audit_rows,
            "attachments": len(self.attachments),
        }  # fmt: skip


# ------------------------------------------------------------------ opening the copy


def open_copy(origin: Session, path: Path) -> tuple[Database, CopyInfo]:
    """The copy at `path`, opened (and upgraded: a copy made by an older version is brought to this schema), if it
    is an offline copy of the database `origin` reads; CopyRefused saying why not."""
    path = Path(path)
    if not path.is_file():
        raise CopyRefused(f"找不到副本文件“{path.name}”。")
    copy_db = open_database(path)
    try:
        with copy_db.reader() as s:
            info = copy_info(s)
        if info is None:
            raise CopyRefused(f"“{path.name}”不是用“带出副本”做的副本，不能合并。")
        if info.origin_id != database_id(origin):
            raise CopyRefused(
                f"“{path.name}”是从另一个数据库（{info.origin}）带出的副本，不能合并到这里。请在原来的数据库中合并。"
            )
        if info.revision and not migrate.known_revision(info.revision):
            raise CopyRefused(f"“{path.name}”由更新版本的软件做成，请先升级本软件。")
        if merged := merged_at(origin, info.copy_id):
            raise CopyRefused(
                f"副本“{path.name}”已于{when_words(merged)}合并到这里。合并过的副本不能再合并（它记下的“带出时的内容”"
                "已不能说明之后在哪一边改了什么）：要继续外出使用，请在合并后选择更新副本，或重新带出副本。"
            )
    except BaseException:
        copy_db.close()
        raise
    return copy_db, info


# ------------------------------------------------------------------ planning


def plan_merge(
    origin: Session,
    copy: Session,
    info: CopyInfo,
    *,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
) -> MergePlan:
    """What merging the copy (read through `copy`) into the origin (`origin`) would do; nothing is written."""
    personal = may_read_personal(origin)
    if info.personal_data and not personal:
        from app.services.students import need_personal

        need_personal(origin)  # the copy holds personal data the user may not read here
    plan = MergePlan(info, namer=_record_namer(origin, copy))
    id_map = plan.id_map
    # the tables naming a record by id without a foreign key (an attachment's owner) after every other: by then the
    # records found as the office's own are known (id_map)
    tables = sorted(merged_tables(), key=lambda t: t.name in NAMING_COLUMNS)
    for n, table in enumerate(tables):
        tick(progress, cancel, n / max(len(tables), 1), f"正在比较：{table_words(table.name)}")
        # the personal columns: not read without 学生个人信息, not compared when the copy went without them
        # (blank there: never taken for the laptop's change)
        kept = personal and info.personal_data
        leave_out = frozenset() if kept or table.name != "student" else PERSONAL_COLUMNS
        _plan_table(plan, table, origin, copy, id_map, leave_out)
    _keep_what_others_still_use(plan, origin)
    plan.clashes = _key_clashes(origin, plan.writes)
    origin_audit = set(origin.execute(select(_audit().c.id)).scalars())
    plan.audit_rows = sum(1 for i in copy.execute(select(_audit().c.id)).scalars() if i not in origin_audit)
    added = {w.key for w in plan.writes if w.table.name == "attachment" and w.action == "add"}
    plan.attachments = frozenset(
        w.values["sha256"] for w in plan.writes if w.table.name == "attachment" and w.key in added
    )
    tick(progress, cancel, 1.0, "比较完成")
    return plan


def _audit() -> Table:
    return Base.metadata.tables["audit_log"]


def _rows(conn: Session, table: Table, leave_out: frozenset[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for part in rows_.read_rows(conn.connection(), table, leave_out):
        for row in part:
            out[row_key(table, row)] = row
    return out


def _base(copy: Session, table: Table) -> dict[str, dict[str, Any]]:
    base = OfflineBase.__table__
    rows = copy.execute(select(base.c.row_key, base.c.row_values).where(base.c.table_name == table.name))
    return {k: v for k, v in rows}


def _foreign_keys(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.foreign_keys]


# Columns naming a record of any kind by its id (no foreign key to follow): remapped like foreign keys when the
# copy's record is the office's (the same 信用代码 …).
NAMING_COLUMNS = {"attachment": ("owner_id",), "finding_ack": ("record_id",), "audit_log": ("record_id",)}


def _remapped(table: Table, row: dict[str, Any], id_map: Mapping[str, str]) -> dict[str, Any]:
    if not id_map:
        return row
    out = dict(row)
    for name in (*_foreign_keys(table), *NAMING_COLUMNS.get(table.name, ())):
        if out.get(name) in id_map:
            out[name] = id_map[out[name]]
    return out


def _compared(table: Table) -> list[str]:
    keys = {c.name for c in table.primary_key.columns}
    return [c.name for c in table.columns if c.name not in NOT_COMPARED and c.name not in keys]


def _plan_table(
    plan: MergePlan,
    table: Table,
    origin: Session,
    copy: Session,
    id_map: dict[str, str],
    leave_out: frozenset[str],
) -> None:
    base = _base(copy, table)
    theirs = _rows(origin, table, leave_out)
    mine_raw = _rows(copy, table, leave_out)
    columns = [c for c in _compared(table) if c not in leave_out]
    keys_by_value = _natural_keys(table, theirs)
    for key in sorted(set(base) | set(mine_raw)):
        b = base.get(key)
        c_raw = mine_raw.get(key)
        c_raw = _remapped(table, c_raw, id_map) if c_raw is not None else None
        if (
            b is None and c_raw is not None
        ):  # a row the copy added: found in the origin by its key as remapped
            key = row_key(table, c_raw)  # (a category of an enterprise found as the office's own)
        o_raw = theirs.get(key)
        c = rows_.canonical_values(table, c_raw) if c_raw is not None else None
        if b is None:
            if c_raw is None:
                continue
            if o_raw is None:
                same = _same_record(table, c_raw, keys_by_value)
                if same is None:
                    plan.writes.append(_Write(table, key, "add", dict(c_raw)))
                    continue
                id_map[str(c_raw["id"])] = same
                plan.same_records.append((table.name, str(c_raw["id"]), same))
                o_raw = next(r for r in theirs.values() if r.get("id") == same)
                key = row_key(table, o_raw)
            _both_added(plan, table, key, columns, c_raw, o_raw)
            continue
        o = rows_.canonical_values(table, o_raw) if o_raw is not None else None
        if c is None and o is None:
            continue
        if c is None:  # deleted for good in the copy
            if _owner_gone(copy, table, o_raw):
                continue  # with its owner: it follows the owner, which a merge never deletes for good
            if o.get("deleted_at") is not None:
                continue  # already in the office's 回收站: kept there, restorable (a merge never purges)
            # changed in the office (its columns or its parts): a conflict; the copy's side is the 回收站
            if _changed(b, o, columns) or _parts_moved(b, o_raw):
                _row_conflict(plan, table, key, DELETED_IN_COPY, o_raw, _to_trash(table, key), None)
            else:  # to the office's 回收站: a merge never deletes a record for good (the office may still purge it)
                plan.writes.append(_to_trash(table, key))
            continue
        if o is None:  # deleted for good in the origin
            if _changed(b, c, columns) or _parts_moved(b, c_raw):  # (parts: a contact added on the laptop)
                _row_conflict(
                    plan, table, key, DELETED_IN_ORIGIN, c_raw, _Write(table, key, "add", dict(c_raw)), None
                )
            elif owner := _owner_gone(
                origin, table, c_raw
            ):  # comes back if its owner does (the laptop's side)
                plan.followers.setdefault(owner, []).append(_Write(table, key, "add", dict(c_raw)))
            continue
        _three_way(plan, table, key, columns, b, c, o, c_raw, o_raw)


def _owner_gone(side: Session, table: Table, row: Mapping[str, Any]) -> tuple[str, str] | None:
    """(table, id) of the record owning `row` (a foreign key deleting it with the record: ON DELETE CASCADE; an
    attachment's owner) when that record is not in `side`: the row was deleted with it, not on its own."""
    if table.name == "attachment":
        owner = Base.metadata.tables.get(str(row.get("owner_type")))
        if owner is not None and row.get("owner_id"):
            pk = next(iter(owner.primary_key.columns))
            if side.execute(select(pk).where(pk == row["owner_id"])).first() is None:
                return (owner.name, str(row["owner_id"]))
        return None
    for col in table.columns:
        for fk in col.foreign_keys:
            value = row.get(col.name)
            if fk.ondelete != "CASCADE" or value is None:
                continue
            if side.execute(select(fk.column).where(fk.column == value)).first() is None:
                return (fk.column.table.name, str(value))
    return None


def _keep_what_others_still_use(plan: MergePlan, origin: Session) -> None:
    """A row the copy deleted for good that the origin still refers to from a row the merge keeps (a contact the
    office added to an enterprise purged on the laptop): not deleted silently — a conflict of the record."""
    deleted: dict[str, set[str]] = {}
    for w in plan.writes:
        if w.action == "delete" and len(w.table.primary_key.columns) == 1:
            deleted.setdefault(w.table.name, set()).add(json.loads(w.key)[0])
    if not deleted:
        return
    used: set[tuple[str, str]] = set()
    for table in merged_tables():
        going = deleted.get(table.name, set())
        pk = list(table.primary_key.columns)
        for col in table.columns:
            for fk in col.foreign_keys:
                target = fk.column.table.name
                if target not in deleted:
                    continue
                ids = sorted(deleted[target])
                for start in range(0, len(ids), 500):
                    rows = origin.execute(select(col, *pk).where(col.in_(ids[start : start + 500])))
                    for ref, *key in rows:
                        if not (len(key) == 1 and key[0] in going):
                            used.add((target, ref))
    if not used:
        return
    kept = []
    for w in plan.writes:
        rid = json.loads(w.key)[0] if w.action == "delete" else None
        if (w.table.name, rid) not in used:
            kept.append(w)
            continue
        pk = next(iter(w.table.primary_key.columns))
        row = origin.execute(select(w.table).where(pk == rid)).mappings().first()
        # the copy's side: to the 回收站 (restorable, its rows kept), never a delete the rows still naming it forbid
        _row_conflict(plan, w.table, w.key, DELETED_IN_COPY, row, _to_trash(w.table, w.key), None)
    plan.writes = kept


def _to_trash(table: Table, key: str) -> _Write:
    """A record deleted for good in the copy, as the merge takes the copy's side when the office changed or still
    uses it: moved to the 回收站 (restorable), not deleted; a row that is not a record (no 回收站): deleted."""
    if "deleted_at" in table.c:
        return _Write(table, key, "update", {"deleted_at": utcnow()})
    return _Write(table, key, "delete")


# The unique keys that say which thing a record is (the same 信用代码: the same enterprise; the same 学号: the same
# student): a record created on both sides with one of them is one record. Not the numbers the app gives out
# (协议编号, 三方协议编号): the same number on two sides is a clash (_key_clashes), never one record.
IDENTITY_KEYS = frozenset(k.index for k in KEYS if k.column not in ("number", "agreement_no"))


def _natural_keys(table: Table, theirs: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    """{(column, value as the index compares it): id} of the origin's live records, for the table's identity keys."""
    keys = [k for k in KEYS if k.table == table.name and k.index in IDENTITY_KEYS]
    out: dict[tuple[str, str], str] = {}
    for row in theirs.values() if keys else ():
        if row.get("deleted_at") is not None:
            continue
        for k in keys:
            value = row.get(k.column)
            if value:
                out[(k.column, str(value).lower() if k.folded else str(value))] = str(row["id"])
    return out


def _same_record(table: Table, row: dict[str, Any], keys_by_value: dict[tuple[str, str], str]) -> str | None:
    if row.get("deleted_at") is not None:
        return None
    for k in KEYS:
        if k.table != table.name or k.index not in IDENTITY_KEYS:
            continue
        value = row.get(k.column)
        if value:
            found = keys_by_value.get((k.column, str(value).lower() if k.folded else str(value)))
            if found is not None:
                return found
    return None


def _parts_moved(base: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """The record's version moved since the copy was made though none of its own columns changed: its parts did
    (a contact, a category, a cost row: app/db/audit.py moves the owner's version)."""
    return "version" in base and now.get("version") not in (None, base["version"])


def _changed(base: Mapping[str, Any], now: Mapping[str, Any], columns: list[str]) -> bool:
    return any(now[c] != base[c] for c in columns if c in base)


def _three_way(
    plan: MergePlan,
    table: Table,
    key: str,
    columns: list[str],
    b: Mapping[str, Any],
    c: Mapping[str, Any],
    o: Mapping[str, Any],
    c_raw: dict[str, Any],
    o_raw: dict[str, Any],
) -> None:
    # A column the base lacks (added by a migration after the copy was made): no ancestor to decide by. Left blank
    # on one side (as the migration made it), the other side's value is taken; filled differently on both sides: a
    # conflict, never a silent choice.
    unknown = [col for col in columns if col not in b and c[col] != o[col]]
    columns = [col for col in columns if col in b]
    mine = {col for col in columns if c[col] != b[col]}
    theirs = {col for col in columns if o[col] != b[col]}
    filled_in_copy: dict[str, Any] = {}
    filled_in_office = False
    for col in unknown:
        if _blank(table.c[col], c[col]):
            filled_in_office = True
            continue  # filled in the office only: kept
        if _blank(table.c[col], o[col]):
            filled_in_copy[col] = c_raw[col]
            continue
        _field_conflict(
            plan, table, key, col, None, c_raw, o_raw, base_known=False, no_base="（带出时还没有这一项）"
        )
    if "deleted_at" in columns:
        was_live = b.get("deleted_at") is None
        copy_deleted = was_live and c["deleted_at"] is not None and o["deleted_at"] is None
        origin_deleted = was_live and o["deleted_at"] is not None and c["deleted_at"] is None
        if copy_deleted and (theirs - {"deleted_at"} or filled_in_office or _parts_moved(b, o_raw)):
            update = filled_in_copy | {
                col: c_raw[col] for col in mine if col not in theirs or c[col] != o[col]
            }
            _row_conflict(
                plan, table, key, DELETED_IN_COPY, o_raw, _Write(table, key, "update", update), None
            )
            return
        if origin_deleted and (
            mine - {"deleted_at"} or filled_in_copy or _parts_moved(b, c_raw)
        ):  # (a contact added)
            update = filled_in_copy | {col: c_raw[col] for col in mine} | {"deleted_at": None}
            _row_conflict(
                plan, table, key, DELETED_IN_ORIGIN, c_raw, _Write(table, key, "update", update), None
            )
            return
    update: dict[str, Any] = dict(filled_in_copy)
    for col in sorted(mine):
        if col not in theirs:
            update[col] = c_raw[col]
        elif col == "deleted_at" and c[col] is not None and o[col] is not None:
            continue  # deleted on both sides (at other moments): agreed
        elif c[col] != o[col]:
            _field_conflict(plan, table, key, col, b[col], c_raw, o_raw)
    if update:
        plan.writes.append(_Write(table, key, "update", update))


def _blank(column: Any, value: object) -> bool:
    """`value` is what a new column holds before anyone fills it: empty, or the column's default."""
    if value in (None, ""):
        return True
    default = column.default
    return default is not None and default.is_scalar and value == default.arg


def _both_added(
    plan: MergePlan, table: Table, key: str, columns: list[str], c_raw: dict[str, Any], o_raw: dict[str, Any]
) -> None:
    """A record on both sides that was not there when the copy was made (the same natural key, or a copy merged
    before): its columns that differ are conflicts (no common ancestor to decide them)."""
    c, o = rows_.canonical_values(table, c_raw), rows_.canonical_values(table, o_raw)
    for col in columns:
        if c[col] != o[col] and col != "created_at":
            _field_conflict(
                plan, table, key, col, None, c_raw, o_raw, base_known=False, no_base="（带出时还没有这一项）"
            )


TITLE_COLUMNS = (
    "name",
    "title",
    "original_name",
    "student_no",
    "position",
    "key",
)  # a row's name, the first there


def _title(table: Table, row: Mapping[str, Any] | None) -> str:
    if row is None:
        return ""
    for name in TITLE_COLUMNS:
        if row.get(name):
            return str(row[name])
    return ""


def _record_words(table: Table, row: Mapping[str, Any] | None) -> str:
    what = table_words(table.name)
    title = _title(table, row)
    return f"{what}“{title}”" if title else what


def _field_conflict(
    plan: MergePlan,
    table: Table,
    key: str,
    column: str,
    base: object,
    c_raw: dict[str, Any],
    o_raw: dict[str, Any],
    *,
    base_known: bool = True,
    no_base: str = "（新建）",
) -> None:
    cid = f"{table.name}:{key}:{column}"
    if (
        cid in plan.choices
    ):  # the office's record twice (its own edits, and a new one of the copy found as it)
        cid += f"@{c_raw.get('id', len(plan.choices))}"
    private = table.name == "student" and column in PERSONAL_COLUMNS
    longest = 0 if private else _text_length(table.c[column])
    fks = list(table.c[column].foreign_keys)

    def words(value: object) -> str:  # a record named by id: by its name
        if fks and plan.namer is not None:
            return plan.namer(fks[0].column.table, value)
        return _words(column, value, private)

    plan.conflicts.append(
        Conflict(
            cid,
            FIELD,
            table.name,
            key,
            _record_words(table, o_raw),
            column,
            column_words(table.name, column),
            words(base) if base_known else no_base,
            words(c_raw[column]),
            words(o_raw[column]),
            longest,
            str(c_raw[column] or "") if longest else "",
        )
    )
    plan.choices[cid] = {
        COPY: _Write(table, key, "update", {column: c_raw[column]}),
        ORIGIN: None,
    }


def _text_length(column: Any) -> int:
    """How long a text the user may write into `column` (0: not a text column: a date, a number, a key)."""
    from sqlalchemy import String

    if not isinstance(column.type, String) or column.foreign_keys:
        return 0
    return column.type.length or 100_000


def _row_conflict(
    plan: MergePlan,
    table: Table,
    key: str,
    kind: str,
    row: Mapping[str, Any] | None,
    copy_side: _Write | None,
    origin_side: _Write | None,
) -> None:
    cid = f"{table.name}:{key}:*"
    what = {
        DELETED_IN_COPY: ("已删除", "有修改"),
        DELETED_IN_ORIGIN: ("有修改", "已删除"),
    }[kind]
    plan.conflicts.append(
        Conflict(cid, kind, table.name, key, _record_words(table, row), copy=what[0], origin=what[1])
    )
    plan.choices[cid] = {COPY: copy_side, ORIGIN: origin_side}


def _words(column: str, value: object, private: bool) -> str:
    from app.services.versions import value_words

    if private:
        return "（空）" if value in (None, "") else "（个人信息，不显示）"
    return value_words(column, value)


def table_words(table: str) -> str:
    from app.db.transfer import LABELS

    return LABELS.get(table, table)


def column_words(table: str, column: str) -> str:
    """A column as the user reads it (COLUMN_LABELS of app/db/labels.py, else the form's label where one is known;
    a record named by its id: the kind of record, as 学生 for student_id)."""
    from app.db.labels import COLUMN_LABELS
    from app.services.history import FIELDS
    from app.services.students import FIELD_LABELS

    if column in COLUMN_LABELS.get(table, {}):
        return COLUMN_LABELS[table][column]
    words = {**FIELDS, "deleted_at": "删除到回收站的时间"} | (FIELD_LABELS if table == "student" else {})
    if column in words:
        return words[column]
    col = Base.metadata.tables[table].c.get(column) if table in Base.metadata.tables else None
    for fk in col.foreign_keys if col is not None else ():
        return table_words(fk.column.table.name)
    return column


def _record_namer(origin: Session, copy: Session) -> Callable[[Table, object], str]:
    """A record named by id (a foreign key's value) in words: its name as the office or the copy has it."""
    from app.services.record_labels import RECORD_TYPES, record_labels

    def name(target: Table, value: object) -> str:
        if value in (None, ""):
            return "（空）"
        for side in (origin, copy):
            if target.name in RECORD_TYPES:
                found = record_labels(side, target.name, [str(value)])
                if found:
                    return found[0][1]
            pk = next(iter(target.primary_key.columns))
            # the naming columns only: a user without 学生个人信息 may not read a student's every column
            shown = [target.c[n] for n in TITLE_COLUMNS if n in target.c]
            row = side.execute(select(pk, *shown).where(pk == value)).mappings().first()
            if row is not None:
                return _title(target, row) or table_words(target.name)
        return "（已不存在的记录）"

    return name


# ------------------------------------------------------------------ applying


class MergeRefused(AppError):
    """The merge cannot be written as it is: a conflict without a choice, or the databases changed since the
    preview."""


@dataclass(frozen=True)
class MergeReport:
    added: int
    changed: int
    deleted: int
    conflicts_decided: int
    audit_rows: int
    attachments: int
    tables: tuple[str, ...] = ()  # the tables written (the window reloads what shows them)
    dropped: int = 0  # rows the copy added under a record whose deletion in the office the user kept

    @property
    def summary(self) -> str:
        return (
            f"已合并：新增 {self.added} 条、修改 {self.changed} 条、删除 {self.deleted} 条，"
            f"处理冲突 {self.conflicts_decided} 处，修改记录 {self.audit_rows} 条，附件 {self.attachments} 个。"
            + (f"另有 {self.dropped} 条随本数据库中已删除的记录一起没有合并。" if self.dropped else "")
        )


def apply_merge(
    origin: Session,
    copy: Session,
    info: CopyInfo,
    decisions: Mapping[str, str | Edited],
    *,
    expected: set[str] | None = None,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
) -> MergeReport:
    """Merge the copy into the origin in `origin`'s transaction (the caller's write transaction). `decisions`:
    {conflict id: COPY, ORIGIN, or an Edited value (a text field)} for every conflict; `expected`: the conflict ids the user was shown (a
    conflict not among them refuses: the origin changed since the preview)."""
    plan = plan_merge(origin, copy, info, progress=lambda f, m: progress(0.5 * f, m), cancel=cancel)
    ids = {c.id for c in plan.conflicts}
    if expected is not None and not ids <= expected:
        raise MergeRefused("预览之后数据库又有了变化，出现了新的冲突。请重新预览后再合并。没有合并任何内容。")

    def decided(c: Conflict) -> bool:
        d = decisions.get(c.id)
        return d in (COPY, ORIGIN) or (isinstance(d, Edited) and c.editable)

    if missing := [c for c in plan.conflicts if not decided(c)]:
        raise MergeRefused(
            f"还有 {len(missing)} 处冲突没有决定（如{missing[0].title}的“{missing[0].label or '记录'}”）。"
            "请逐一选择保留哪一方后再合并。没有合并任何内容。"
        )
    writes = list(plan.writes)
    for c in plan.conflicts:
        d = decisions[c.id]
        if isinstance(d, Edited):
            value = d.value.strip()
            if len(value) > c.longest:
                raise MergeRefused(
                    f"{c.title}的“{c.label}”最多 {c.longest} 个字，填写的有 {len(value)} 个。没有合并任何内容。"
                )
            side = plan.choices[c.id][COPY]
            assert side is not None
            writes.append(_Write(side.table, side.key, "update", {c.column: value}))
            continue
        chosen = plan.choices[c.id][d]
        if chosen is not None:
            writes.append(chosen)
    writes = _with_followers(writes, plan.followers)
    dropped: list[_Write] = []
    writes = _with_parents(origin, writes, dropped)
    if clashes := _key_clashes(origin, writes):
        raise MergeRefused(
            clashes[0]
            + (f"（另有 {len(clashes) - 1} 处）" if len(clashes) > 1 else "")
            + "没有合并任何内容。"
        )
    personal = may_read_personal(origin)
    counts = _write(origin, writes, personal, lambda f, m: tick(progress, cancel, 0.5 + 0.4 * f, m))
    audit = _join_audit(origin, copy, plan.id_map)
    _log_kept(origin, [c for c in plan.conflicts if decisions[c.id] == ORIGIN])
    # the bytes of the attachments written (a record's, back with it; not those dropped with their record)
    shas = frozenset(w.values["sha256"] for w in writes if w.table.name == "attachment" and w.action == "add")
    brought = _bring_attachments(origin, copy, shas)
    _mark_merged(origin, info.copy_id)
    tick(progress, cancel, 1.0, "合并完成")
    tables = tuple(sorted({w.table.name for w in writes}))
    return MergeReport(
        counts["add"],
        counts["update"],
        counts["delete"],
        len(plan.conflicts),
        audit,
        brought,
        tables,
        len(dropped),
    )


MERGED = "offline_merged:"  # + a copy's id: the setting saying when that copy was merged here


def merged_at(origin: Session, copy_id: str) -> dt.datetime | None:
    """When the copy `copy_id` was merged into this database; None if it was not."""
    from app.db.models import Setting

    value = origin.scalar(select(Setting.value).where(Setting.key == MERGED + copy_id))
    return dt.datetime.fromisoformat(value) if value else None


def _mark_merged(origin: Session, copy_id: str) -> None:
    """In the merge's transaction: this copy is merged (and is not merged again: open_copy refuses it)."""
    from app.db.models import Setting

    origin.merge(Setting(key=MERGED + copy_id, value=utcnow().isoformat()))
    origin.flush()


def _with_followers(writes: list[_Write], followers: Mapping[tuple[str, str], list[_Write]]) -> list[_Write]:
    """The writes, and after a record brought back the rows the office had deleted with it (its contacts, its
    categories: `MergePlan.followers`), theirs after them."""
    out: list[_Write] = []
    queue = list(writes)
    while queue:
        w = queue.pop(0)
        out.append(w)
        if w.action == "add":
            queue.extend(followers.get((w.table.name, str(json.loads(w.key)[0])), ()))
    return out


def _with_parents(origin: Session, writes: list[_Write], dropped: list[_Write]) -> list[_Write]:
    """The writes but the rows the copy added under a record that is gone from the office and not coming back
    (its deletion kept by the user's choice): those would name nothing; they go with their record (`dropped`)."""
    out = list(writes)
    while True:  # until no row is left naming a dropped one (a contact's attachment …)
        added = {(w.table.name, json.loads(w.key)[0]) for w in out if w.action == "add"}
        kept = [w for w in out if not (w.action == "add" and _names_missing(origin, w, added))]
        if len(kept) == len(out):
            return out
        dropped.extend(w for w in out if w not in kept)
        out = kept


def _names_missing(origin: Session, w: _Write, added: set[tuple[str, Any]]) -> bool:
    for col in w.table.columns:
        for fk in col.foreign_keys:
            target, value = fk.column.table, w.values.get(col.name)
            if value is None or (target.name, value) in added:
                continue
            pk = next(iter(target.primary_key.columns))
            if origin.execute(select(pk).where(pk == value)).first() is None:
                return True
    return False


def _key_clashes(origin: Session, writes: list[_Write]) -> list[str]:
    """The unique keys (学号, 信用代码, 协议编号 …) two live records would hold after these writes, in words (a
    private key's value never shown): the merge refuses them before it writes anything."""
    out: list[str] = []
    for k in KEYS:
        mine = [w for w in writes if w.table.name == k.table and w.action in ("add", "update")]
        if not mine:
            continue
        table = mine[0].table
        title_col = table.c[k.title] if k.title in table.c else table.c["id"]
        final: dict[str, dict[str, Any]] = {}
        for w in mine:
            rid = json.loads(w.key)[0]
            if rid not in final:
                now = origin.execute(
                    select(table.c[k.column], table.c.deleted_at, title_col).where(table.c.id == rid)
                ).first()
                final[rid] = (
                    {k.column: now[0], "deleted_at": now[1], "title": now[2]} if now is not None else {}
                )
            final[rid].update({c: v for c, v in w.values.items() if c in (k.column, "deleted_at", k.title)})
            if k.title in w.values:
                final[rid]["title"] = w.values[k.title]

        live = {
            rid: v for rid, v in final.items() if v.get("deleted_at") is None and _norm(k, v.get(k.column))
        }
        seen: dict[str, str] = {}
        for rid, v in live.items():
            value = _norm(k, v.get(k.column))
            other_title = None
            if value in seen:
                other_title = str(final[seen[value]].get("title") or "")
            else:
                seen[value] = rid
                col = table.c[k.column]
                expr = col.lower() if k.folded else col
                row = origin.execute(
                    select(title_col)
                    .where(table.c.deleted_at.is_(None), expr == value, table.c.id.notin_(list(final)))
                    .limit(1)
                ).first()
                if row is not None:
                    other_title = str(row[0] or "")
            if other_title is not None:
                shown = "" if k.private else f"“{v.get(k.column)}”"
                out.append(
                    f"合并后{k.record}“{v.get('title') or ''}”与{k.record}“{other_title}”的{k.label}{shown}相同，"
                    f"每个{k.label}只能属于一个{k.record}。请先在副本或本数据库中改掉其中一个，再合并。"
                )
    return out


def _norm(key: Any, value: object) -> str:
    return str(value or "").lower() if key.folded else str(value or "")


def _classes() -> dict[str, type]:
    return {m.local_table.name: m.class_ for m in Base.registry.mappers}


def _pk(table: Table, key: str) -> Any:
    values = json.loads(key)
    return values[0] if len(values) == 1 else tuple(values)


def _write(origin: Session, writes: list[_Write], personal: bool, progress: Progress) -> dict[str, int]:
    """The writes, tables in foreign-key order (deletes children first), through the ORM where the table is a
    model's (audited, versions moved, derived columns written), else as rows."""
    counts = {"add": 0, "update": 0, "delete": 0}
    order = {t.name: i for i, t in enumerate(merged_tables())}
    classes = _classes()
    ups = sorted((w for w in writes if w.action != "delete"), key=lambda w: order[w.table.name])
    downs = sorted((w for w in writes if w.action == "delete"), key=lambda w: -order[w.table.name])
    last = None
    for i, w in enumerate([*ups, *downs]):
        if w.table.name != last:
            origin.flush()  # parents before children
            last = w.table.name
            progress(i / max(len(writes), 1), f"正在合并：{table_words(w.table.name)}")
        cls = classes.get(w.table.name)
        if cls is None:
            _write_row(origin, w)
        else:
            _write_record(origin, cls, w, personal)
        counts[w.action] += 1
    origin.flush()
    return counts


def _write_row(origin: Session, w: _Write) -> None:
    conn = origin.connection()
    if w.action == "add":
        conn.execute(w.table.insert(), [rows_.for_insert(w.table, w.values)])
        return
    where = [c == v for c, v in zip(w.table.primary_key.columns, json.loads(w.key), strict=True)]
    if w.action == "delete":
        conn.execute(w.table.delete().where(*where))
    else:
        conn.execute(w.table.update().where(*where).values(**w.values))


def _write_record(origin: Session, cls: type, w: _Write, personal: bool) -> None:
    options = [undefer_group(PERSONAL_GROUP)] if personal and w.table.name == "student" else []
    obj = origin.get(cls, _pk(w.table, w.key), options=options)
    mapper = cls.__mapper__  # type: ignore[attr-defined]
    if w.action == "delete":
        if obj is not None:
            origin.delete(obj)
        return
    if obj is None:
        if w.action != "add":
            return
        obj = cls()
        origin.add(obj)
        values = rows_.for_insert(w.table, w.values)
    else:
        values = w.values
    for name, value in values.items():
        if name in NOT_COMPARED and w.action != "add":
            continue
        if name in ("version",):
            continue
        prop = mapper.get_property_by_column(w.table.c[name])
        setattr(obj, prop.key, None if _is_sql_null(value) else value)
    if w.table.name == "enterprise" and {"name", "short_name"} & set(values):  # its search columns follow
        from app.services.enterprises import name_columns

        for name, value in name_columns(obj.name, obj.short_name or "").items():
            setattr(obj, name, value)


def _is_sql_null(value: object) -> bool:
    from sqlalchemy.sql.elements import Null

    return isinstance(value, Null)


def _join_audit(origin: Session, copy: Session, id_map: Mapping[str, str]) -> int:
    """The copy's audit rows the origin lacks, as they are (their user, computer and time)."""
    audit = _audit()
    have = set(origin.execute(select(audit.c.id)).scalars())
    # not db_user: on a server the server writes it (the login role), and 录入 may not give it (app/db/roles.py)
    rows = [
        {k: v for k, v in rows_.for_insert(audit, _remapped(audit, r, id_map)).items() if k != "db_user"}
        for part in rows_.read_rows(copy.connection(), audit)
        for r in part
        if r["id"] not in have
    ]
    if rows:
        origin.connection().execute(audit.insert(), rows)
    return len(rows)


KEPT = "merge_kept"  # an audit row's action: a conflict of a merge decided for this database (app/services/history.py)


def _log_kept(origin: Session, conflicts: list[Conflict]) -> None:
    """A history entry on each record whose conflict kept this database's side: the laptop's change, which joined
    the trail with the copy's rows, is said not to have been taken ({what: [the copy's, the kept] in words})."""
    from app.db.audit import os_user
    from app.db.models import AuditLog

    by_record: dict[tuple[str, str], dict[str, list[str]]] = {}
    for c in conflicts:
        key = json.loads(c.key)
        if len(key) != 1:
            continue  # a row of two keys (a link): no history of its own
        what = c.label if c.kind == FIELD else "记录"
        by_record.setdefault((c.table, str(key[0])), {})[what] = [c.copy, c.origin]
    for (table, record_id), changes in by_record.items():
        origin.add(
            AuditLog(os_user=os_user(), table_name=table, record_id=record_id, action=KEPT, changes=changes)
        )
    origin.flush()


def _bring_attachments(origin: Session, copy: Session, shas: frozenset[str]) -> int:
    from app.db.transfer import read_attachment, write_attachment
    from app.fsutil import scratch_folder
    from app.services import blobs

    wanted = sorted(shas - blobs.present(origin, set(shas)))
    brought = 0
    with scratch_folder("merge") as scratch:
        for sha in wanted:
            path = read_attachment(copy, sha, scratch)
            if path is not None:  # (the copy's folder of attachments may not have come back with its file)
                write_attachment(origin, path)
                brought += 1
    return brought


# ------------------------------------------------------------------ one call each (the window, the command line)


def preview_merge(
    origin: Session, path: Path, *, progress: Progress = noop_progress, cancel: threading.Event | None = None
) -> MergePlan:
    """The plan of merging the copy at `path` into the database `origin` reads (the copy opened and closed)."""
    copy_db, info = open_copy(origin, path)
    try:
        with copy_db.reader() as c:
            return plan_merge(origin, c, info, progress=progress, cancel=cancel)
    finally:
        copy_db.close()


def merge_copy(
    origin: Session,
    path: Path,
    decisions: Mapping[str, str | Edited],
    *,
    expected: set[str] | None = None,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
) -> MergeReport:
    """Merge the copy at `path` in `origin`'s write transaction (see apply_merge)."""
    copy_db, info = open_copy(origin, path)
    try:
        with copy_db.reader() as c:
            return apply_merge(
                origin, c, info, decisions, expected=expected, progress=progress, cancel=cancel
            )
    finally:
        copy_db.close()
