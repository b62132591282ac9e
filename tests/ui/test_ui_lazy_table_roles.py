"""The lazy table's data() answers every role as the first version of it did (issue 21: it now turns away the
roles it does not serve before it looks up the row, and compares plain ints): a model over rows of every kind
of value, and the enterprise list over a real database, each cell asked for every role, as ints and as Qt's
enums, through data() and through itemData() as a view asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from app.services import enterprise_list as listing
from app.services.enterprises import ContactData, EnterpriseData, create_enterprise
from ui.models.lazy_table import Column, LazyTableModel
from ui.pages.enterprises import EnterpriseTableModel, _uscc_text

pytestmark = pytest.mark.qt

ROLES = [*range(0, 16), int(Qt.ItemDataRole.UserRole), int(Qt.ItemDataRole.UserRole) + 1]
ENUM_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.UserRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.DecorationRole,
]


def first_default_fmt(value: Any) -> str:
    """ui/models/lazy_table.py's default_fmt as it was first written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def first_data(model: LazyTableModel, index: QModelIndex, role: int) -> Any:
    """LazyTableModel.data as it was first written: the reference."""
    if not index.isValid():
        return None
    row = model.row_at(index.row())
    if row is None:
        return None
    col = model.columns[index.column()]
    if role == Qt.ItemDataRole.DisplayRole:
        return (col.fmt or first_default_fmt)(getattr(row, col.key))
    if role == Qt.ItemDataRole.ToolTipRole:
        if col.tooltip:
            return col.tooltip(row)
        text = (col.fmt or first_default_fmt)(getattr(row, col.key))
        return text if len(text) > 8 else None
    if role == Qt.ItemDataRole.ForegroundRole and col.foreground:
        return col.foreground(row)
    if role == Qt.ItemDataRole.UserRole:
        return row.id
    return None


class Text(str):
    """A str subclass (default_fmt's fast path is for str itself)."""


@dataclass(frozen=True)
class Line:
    id: str
    text: Any
    flag: Any
    day: Any
    when: Any
    count: Any


LINES = [
    Line("a", "短", True, dt.date(2024, 2, 29), dt.datetime(2024, 5, 6, 23, 59, tzinfo=dt.UTC), 0),
    Line("b", "一个很长很长的企业名称有限公司", False, None, None, None),
    Line("c", "", None, dt.date(1999, 12, 31), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), -7),
    Line(
        "d",
        Text("子类的文字也照常显示出来"),
        1,
        dt.date(2026, 1, 1),
        dt.datetime(2026, 6, 30, 16, tzinfo=dt.UTC),
        12,
    ),
    Line("e", None, 0, dt.date(2026, 7, 1), dt.datetime(2000, 1, 1, 0, 0, 1, tzinfo=dt.UTC), 3.5),
]
COLUMNS = [
    Column("text", "文字"),
    Column("flag", "标记", tooltip=lambda r: "已标记" if r.flag else None),
    Column("day", "日期", "day", foreground=lambda r: QColor("red") if r.day is None else None),
    Column("when", "时间"),
    Column("count", "数量", fmt=lambda v: "" if v is None else f"{v} 家"),
    Column("id", "编号", foreground=lambda r: QColor("blue")),
]


def assert_same_answers(model: LazyTableModel, reference) -> None:
    asked = 0
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            for role in ROLES + ENUM_ROLES:
                assert model.data(index, role) == reference(model, index, role), (r, c, role)
                asked += 1
            expected = {role: reference(model, index, role) for role in ROLES[:14]}
            assert model.itemData(index) == {k: v for k, v in expected.items() if v is not None}, (r, c)
    for role in ROLES:
        assert model.data(QModelIndex(), role) is None
    assert asked


def test_every_role_of_every_cell_as_first_answered(qapp) -> None:
    by_id = {line.id: line for line in LINES}
    model = LazyTableModel(COLUMNS, lambda ids: {i: by_id[i] for i in ids if i in by_id})
    model.set_ids(["a", "b", "gone", "c", "d", "e"])  # "gone": a row deleted since the ids were read
    assert_same_answers(model, first_data)
    assert model.data(model.index(0, 0)) == "短" and model.data(model.index(0, 1)) == "是"
    assert model.data(model.index(2, 0)) is None  # the deleted row shows nothing
    assert model.data(model.index(1, 4), Qt.ItemDataRole.ToolTipRole) is None
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == LINES[1].text
    assert model.data(model.index(4, 5), Qt.ItemDataRole.UserRole) == "d"


def first_enterprise_data(model: EnterpriseTableModel, index: QModelIndex, role: int) -> Any:
    """EnterpriseTableModel.data (and RecordsModel's) as first written, over first_data."""
    if (
        role == Qt.ItemDataRole.DisplayRole
        and index.isValid()
        and model.columns[index.column()].key == "uscc"
    ):
        row = model.row_at(index.row())
        return _uscc_text(row) if row else None
    if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in model.right:
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return first_data(model, index, role)


def test_the_enterprise_list_answers_as_first(ctx, db) -> None:
    with db.session() as s:
        for name, uscc, confirmed, status, start, contacts, categories in [
            (
                "湖南甲科技有限公司",
                "91430100MA4L000001",
                True,
                "合作中",
                dt.date(2020, 3, 1),
                ("张三",),
                ("校友企业",),
            ),
            ("湖南乙制造有限公司", "", False, "暂停", None, (), ()),
            (
                "湖南丙服务有限公司",
                "",
                False,
                "已解除",
                dt.date(2024, 1, 31),
                ("李四", "王五"),
                (),
            ),
            ("湖南丁有限公司", "", False, "意向", None, (), ("上市公司", "世界500强")),
        ]:
            create_enterprise(
                s,
                EnterpriseData(
                    name=name,
                    uscc=uscc,
                    uscc_confirmed=confirmed,
                    status=status,
                    cooperation_start=start,
                    status_reason="经营调整" if status == "已解除" else "",
                    contacts=tuple(ContactData(name=n, phone="13800000000") for n in contacts),
                    categories=categories,
                ),
            )
    model = EnterpriseTableModel()
    with db.reader() as s:
        model.set_ids([*listing.enterprise_ids(s), "gone"])
    assert_same_answers(model, first_enterprise_data)
    uscc = [c.key for c in model.columns].index("uscc")
    shown = {model.data(model.index(r, uscc)) for r in range(model.rowCount())}
    assert "91430100MA4L000001（已核对）" in shown
