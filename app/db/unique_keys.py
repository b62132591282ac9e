"""Natural keys unique among live records, held by the database itself: 学号, 身份证号, 工号, 统一社会信用代码,
协议编号 and the names the services already keep unique (实践基地, 经费类别, 行业组织).

Each key is a partial unique index (`WHERE deleted_at IS NULL AND column <> ''`, the same on SQLite and
PostgreSQL), so a record in the 回收站 or a blank value never collides. 学号 and 工号 are compared after
lower(), as the services compare them case-insensitively.

The services check every key before writing (with a message naming the record); the index is the backstop
for two writers at once (another import, another user in server mode): its IntegrityError becomes
`DuplicateKey`, a plain Chinese message saying that someone else added the value first and nothing was saved.

A database written before migration 0008 may already hold duplicates: the migration leaves that key's index
out instead of failing, and `check_unique_keys` (run on every open and by `chanjiao check-keys`) lists them
by key and record, and creates the missing index once the user has resolved them. 身份证号 are never shown.

This module imports no models: app/db/models.py builds its Index objects from KEYS.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Index, Table, func, inspect, text
from sqlalchemy.exc import IntegrityError

from app.errors import AppError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UniqueKey:
    index: str
    table: str
    column: str
    label: str  # 学号
    record: str  # 学生
    title: str = "name"  # the column that names a record in messages
    folded: bool = False  # compared after lower()
    private: bool = False  # personal data: the value never appears in a message or the log
    also: tuple[str, str] | None = None  # (column, label) shown beside a record's name
    unit: str = "个"  # 2名学生, 2家企业

    @property
    def expr(self) -> str:
        return f"lower({self.column})" if self.folded else self.column

    @property
    def where(self) -> str:
        return f"deleted_at IS NULL AND {self.column} <> ''"

    def create_sql(self) -> str:
        return (
            f"CREATE UNIQUE INDEX IF NOT EXISTS {self.index} ON {self.table} ({self.expr}) WHERE {self.where}"
        )


KEYS: tuple[UniqueKey, ...] = (
    UniqueKey("uq_live_student_no", "student", "student_no", "学号", "学生", folded=True, unit="名"),
    UniqueKey(
        "uq_live_student_id_number",
        "student",
        "id_number",
        "身份证号",
        "学生",
        private=True,
        also=("student_no", "学号"),
        unit="名",
    ),
    UniqueKey("uq_live_teacher_staff_no", "teacher", "staff_no", "工号", "教师", folded=True, unit="名"),
    UniqueKey("uq_live_enterprise_uscc", "enterprise", "uscc", "统一社会信用代码", "企业", unit="家"),
    UniqueKey(
        "uq_live_agreement_number", "agreement", "number", "协议编号", "协议", title="title", unit="份"
    ),
    UniqueKey(
        "uq_live_internship_agreement_no",
        "internship",
        "agreement_no",
        "三方协议编号",
        "实习",
        title="position",
        unit="条",
    ),
    UniqueKey("uq_live_practice_base_name", "practice_base", "name", "基地名称", "实践基地"),
    UniqueKey("uq_live_budget_category_name", "budget_category", "name", "经费类别名称", "经费类别"),
    UniqueKey("uq_live_industry_organization_name", "industry_organization", "name", "组织名称", "行业组织"),
)


def add_model_indexes(tables: dict[str, Table]) -> None:
    """The indexes of KEYS on the models' tables (called once by app.db.models), so that the models and the
    migrations agree."""
    for key in KEYS:
        col = tables[key.table].c[key.column]
        where = text(key.where)
        expr = func.lower(col) if key.folded else col
        Index(key.index, expr, unique=True, sqlite_where=where, postgresql_where=where)


# ------------------------------------------------------------------ what an old database already holds


@dataclass(frozen=True)
class Duplicate:
    """Live records sharing one key value, which keep that key's index out of the database."""

    key: UniqueKey
    value: str  # "" for a private key
    records: tuple[str, ...]  # the records as the user knows them: 张三（学号 2023001）

    @property
    def message(self) -> str:
        k = self.key
        shown = "" if k.private else f"“{self.value}”"
        return (
            f"{len(self.records)}{k.unit}{k.record}的{k.label}{shown}相同：{'、'.join(self.records)}。"
            f"每个{k.label}只能属于一个{k.record}：请修改{k.label}或删除多余的记录"
        )


def _describe(key: UniqueKey, row: tuple) -> str:
    name = f"“{row[0]}”"
    return f"{name}（{key.also[1]} {row[1]}）" if key.also and row[1] else name


def find_duplicates(conn: Connection, key: UniqueKey) -> list[Duplicate]:
    """The values of `key` that more than one live record holds, with those records (oldest first)."""
    values = conn.execute(
        text(
            f"SELECT {key.expr} FROM {key.table} WHERE {key.where} "
            f"GROUP BY {key.expr} HAVING count(*) > 1 ORDER BY {key.expr}"
        )
    ).scalars()
    also = f", {key.also[0]}" if key.also else ""
    out = []
    for value in list(values):
        rows = conn.execute(
            text(
                f"SELECT {key.title}{also}, {key.column} FROM {key.table} "
                f"WHERE {key.where} AND {key.expr} = :v ORDER BY created_at, id"
            ),
            {"v": value},
        ).all()
        shown = "" if key.private else rows[0][-1]
        out.append(Duplicate(key, shown, tuple(_describe(key, tuple(r)) for r in rows)))
    return out


def index_names(conn: Connection) -> set[str]:
    """The names of the indexes in the database (reflection skips expression indexes on SQLite)."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return set(conn.execute(text(sql)).scalars())


def missing_keys(conn: Connection) -> list[UniqueKey]:
    present = index_names(conn)
    tables = set(inspect(conn).get_table_names())
    return [k for k in KEYS if k.index not in present and k.table in tables]


def check_unique_keys(conn: Connection) -> list[Duplicate]:
    """For each key whose index is missing (left out by migration 0008 because of duplicates): create it if
    the duplicates are gone, else list them. [] when every key is enforced. Run in the caller's transaction."""
    problems: list[Duplicate] = []
    for key in missing_keys(conn):
        found = find_duplicates(conn, key)
        if found:
            problems += found
        else:
            conn.execute(text(key.create_sql()))
            log.info("unique index %s created (its duplicates are resolved)", key.index)
    for p in problems:
        log.warning("duplicate key %s on %s: %d records", p.key.label, p.key.table, len(p.records))
    return problems


# ------------------------------------------------------------------ a second writer won the race


class DuplicateKey(AppError):
    """A write refused by a unique index: another import or user saved the same key first."""

    def __init__(self, key: UniqueKey) -> None:
        super().__init__(
            f"{key.label}重复：另一个导入或另一位用户刚刚先保存了使用同一{key.label}的{key.record}，"
            f"每个{key.label}只能属于一个{key.record}。本次操作没有保存任何数据（已全部撤销）。"
            "请刷新后再试（导入请重新读取文件）。",
            key.index,
        )
        self.key = key


def duplicate_key_error(e: IntegrityError) -> DuplicateKey | None:
    """The DuplicateKey for a unique-index violation of one of KEYS (SQLite names the index or the column,
    PostgreSQL the index), or None for any other integrity error."""
    msg = str(e.orig) if e.orig is not None else str(e)
    for key in KEYS:
        if key.index in msg or f"{key.table}.{key.column}" in msg:
            return DuplicateKey(key)
    return None


# ------------------------------------------------------------------ restore from the 回收站


def refuse_taken_keys(conn: Connection, table: str, ids: list[str]) -> None:
    """Restoring these deleted records would give a key two live records: refuse with the record's name
    (the key's value unless private), before anything is written."""
    for key in (k for k in KEYS if k.table == table):
        seen: dict[str, str] = {}
        for _rid, title, value in _deleted_with_key(conn, key, ids):
            folded = value.lower() if key.folded else value
            other = seen.get(folded) or _live_holder(conn, key, value)
            if other:
                shown = "" if key.private else f"“{value}”"
                raise AppError(
                    f"{key.label}{shown}已被{key.record}“{other}”使用，不能恢复{key.record}“{title}”。"
                    f"请先修改其中一个的{key.label}。"
                )
            seen[folded] = title


def _deleted_with_key(conn: Connection, key: UniqueKey, ids: list[str]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for i in range(0, len(ids), 500):
        chunk = {f"i{n}": v for n, v in enumerate(ids[i : i + 500])}
        marks = ", ".join(f":{p}" for p in chunk)
        out += conn.execute(
            text(
                f"SELECT id, {key.title}, {key.column} FROM {key.table} WHERE id IN ({marks}) "
                f"AND deleted_at IS NOT NULL AND {key.column} <> '' ORDER BY deleted_at, id"
            ),
            chunk,
        ).all()
    return out


def _live_holder(conn: Connection, key: UniqueKey, value: str) -> str | None:
    probe = "lower(:v)" if key.folded else ":v"
    return conn.execute(
        text(f"SELECT {key.title} FROM {key.table} WHERE {key.where} AND {key.expr} = {probe} LIMIT 1"),
        {"v": value},
    ).scalar()
