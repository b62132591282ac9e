"""The students' personal data and who may read it (DOMAIN.md → Privacy; issue 19).

A student's 身份证号, phones, 家庭住址 and 出生日期 are personal data. On a server only users granted 学生个人信息
may read those columns (PostgreSQL column privileges, app/db/roles.py); on a file the one user may. Beside each
column (but 出生日期, which the masked 身份证号 already hides) is its masked copy, `<column>_masked`, which every
user may read: the lists, the masked exports and a form opened without 学生个人信息 show it.

The copies are written here, from the app's one masking function (app/domain/privacy.py MASKS), whenever the ORM
writes a student; a Core insert of students takes them from `with_masked_copies`. The personal columns are
deferred in the model (loaded only with `undefer_group(PERSONAL_GROUP)`): a query that does not ask for them does
not read them, so it works for every user.

`may_read_personal(s)` says whether the connected user may read them (asked of the server once per engine)."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db.models_internships import PERSONAL_GROUP, Student
from app.domain.privacy import MASKS, masked_copy

__all__ = [
    "COPIED",
    "MASKED_COPIES",
    "PERSONAL_COLUMNS",
    "PERSONAL_GROUP",
    "copies_of",
    "may_read_personal",
    "personal_refusal",
    "unreadable",
    "with_masked_copies",
]

COPIED = tuple(MASKS)  # the personal columns with a masked copy
PERSONAL_COLUMNS = frozenset(Student.__audit_masked__)  # the copied ones and 出生日期
MASKED_COPIES = frozenset(f"{c}_masked" for c in COPIED)


def copies_of(values: Mapping[str, Any]) -> dict[str, str]:
    """{`<column>_masked`: masked value} for the personal columns in `values` (masked_copy of each; a blank one
    has the copy of "" worked out once: a roster leaves most of them blank)."""
    return {
        name: mask(v) if (v := values.get(c)) else blank for c, name, mask, blank in _COPIES if c in values
    }


# (column, its copy's column, the mask, the copy of a blank value)
_COPIES = tuple((c, f"{c}_masked", MASKS[c], masked_copy(c, "")) for c in COPIED)


def with_masked_copies(row: Mapping[str, Any]) -> dict[str, Any]:
    """A student row for a Core insert, with the masked copies of its personal columns."""
    return {**row, **copies_of(row)}


def _copy_all(_mapper: Any, _conn: Any, target: Student) -> None:
    for column in COPIED:
        setattr(target, f"{column}_masked", masked_copy(column, getattr(target, column) or ""))


def _copy_changed(_mapper: Any, _conn: Any, target: Student) -> None:
    state = inspect(target)
    for column in COPIED:
        if state.attrs[column].history.has_changes():
            setattr(target, f"{column}_masked", masked_copy(column, getattr(target, column) or ""))


event.listen(Student, "before_insert", _copy_all)
event.listen(Student, "before_update", _copy_changed)


# ------------------------------------------------------------------ who may read them

_READS: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def may_read_personal(bind: Session | Engine | Connection) -> bool:
    """Whether the connected user may read students' personal data: on a server as the server's privileges say
    (asked once per engine: a grant given meanwhile takes effect at the next start); on a file always, but in an
    offline copy made without them (app/offline/: the columns are blank there, their masked copies are not)."""
    engine = (bind.get_bind() if isinstance(bind, Session) else bind).engine
    if engine not in _READS:
        if engine.dialect.name == "postgresql":
            from app.db.roles import privileges

            _READS[engine] = privileges(engine).personal_data
        else:
            _READS[engine] = not _copy_without_personal_data(engine)
    return _READS[engine]


def _copy_without_personal_data(engine: Engine) -> bool:
    from sqlalchemy import text

    with engine.connect() as conn:
        try:
            row = conn.execute(text("SELECT personal_data FROM offline_origin")).first()
        except DBAPIError:  # a database not yet upgraded (no such table): not a copy
            return False
    return row is not None and not row[0]


COPY_REFUSAL = (
    "这是不含学生个人信息的副本（带出时没有选择包含），其中没有学生的身份证号、电话、家庭住址和出生日期。"
    "需要这些信息的事（如打印三方协议、导入学生名单）请回到原来的数据库办理。"
)


def personal_refusal(s: Session) -> str:
    """Why the connected user may not read students' personal data, in Chinese; "" if they may."""
    if may_read_personal(s):
        return ""
    if s.get_bind().dialect.name != "postgresql":
        return COPY_REFUSAL
    from app.db.roles import PERSONAL, privileges

    return privileges(s).refusal(PERSONAL) or ""


def unreadable(bind: Session | Engine | Connection, model: type) -> frozenset[str]:
    """The columns of `model` the connected user may not read (a student's personal ones, without the grant)."""
    if model is Student and not may_read_personal(bind):
        return PERSONAL_COLUMNS
    return frozenset()
