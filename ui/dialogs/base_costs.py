"""A 校内实训基地's 耗材 and 维护 costs per 学年 (校内实践基地 table), edited in the base form as a grid of
学年 / 原材料（耗材）费用 / 设备维护费用 / 备注 (ui/forms/grid.py: one click edits, Ctrl+V pastes from Excel) and saved
with the base in its one transaction. One row per 学年: a second one is refused with a message naming the row."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.domain.money import format_money, parse_money
from app.errors import ValidationError, ValidationErrors
from app.services import bases as svc
from ui import theme
from ui.forms import EditGrid, GridColumn
from ui.qt import *  # noqa: F403

FIELD = "costs"  # the form's error line under the grid
KEYS = {"school_year": "school_year", "consumables_fen": "consumables", "maintenance_fen": "maintenance"}


def recent_school_years(current_semester: str, back: int = 5) -> list[str]:
    """The 学年 of the current semester, the next one and `back` before it, latest first."""
    first = int(current_semester[:4])
    return [f"{y}-{y + 1}" for y in range(first + 1, first - back - 1, -1)]


def _yuan(fen: int) -> str:
    return format_money(fen, symbol=False)


@dataclass(frozen=True)
class CostEdits:
    """What the grid changed: rows to write (id None for a new one, with their grid row number) and ids to
    delete."""

    saved: tuple[tuple[int, str | None, svc.CostData], ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.saved or self.removed)


class CostPanel(QWidget):
    """The cost rows of one saved 校内 base (set_base); `edits()` says what to write."""

    def __init__(self, current_semester: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_id: str | None = None
        self.years = recent_school_years(current_semester)
        self.loaded: dict[str, svc.CostRow] = {}
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(
            theme.muted(
                QLabel(
                    "校内实训基地每学年的原材料（耗材）费用和设备维护费用，计入“校内实践基地”表（万元）。"
                    "每个学年一行；金额以元填写，可从 Excel 复制后按 Ctrl+V 粘贴。随基地一起保存。",
                    wordWrap=True,
                )
            )
        )
        self.grid = EditGrid(
            self._columns(self.years),
            add_text="添加学年",
            remove_text="删除所选学年",
            empty_text="还没有登记费用",
        )
        v.addWidget(self.grid, 1)

    @staticmethod
    def _columns(years: list[str]) -> list[GridColumn]:
        return [
            GridColumn("school_year", "学年", width=110, kind="choice", choices=tuple(years)),
            GridColumn("consumables", "原材料（耗材）费用（元）", width=170, kind="money"),
            GridColumn("maintenance", "设备维护费用（元）", width=150, kind="money"),
            GridColumn("note", "备注", stretch=True, max_length=500),
        ]

    def set_base(self, base_id: str, rows: list[svc.CostRow]) -> None:
        """Show the base's rows (`svc.cost_rows`, read with the base)."""
        self.base_id = base_id
        self.loaded = {c.id: c for c in rows}
        years = sorted({*self.years, *(c.school_year for c in rows)}, reverse=True)
        if years != self.years:
            self.years = years
            self.grid.columns[0] = self._columns(years)[0]
        self.grid.set_rows(
            [{"id": c.id, "school_year": c.school_year, "consumables": _yuan(c.consumables_fen),
              "maintenance": _yuan(c.maintenance_fen), "note": c.note} for c in rows]
        )  # fmt: skip

    def edits(self) -> CostEdits:
        """The rows added or changed and the ids removed; ValidationErrors (field "costs", naming the row)
        for an amount that is no amount."""
        if self.base_id is None:
            return CostEdits()
        saved, errors, kept = [], [], set()
        for n, row in enumerate(self.grid.rows(), start=1):
            amounts = {}
            for field, key, label in (("consumables_fen", "consumables", "原材料（耗材）费用"),
                                      ("maintenance_fen", "maintenance", "设备维护费用")):  # fmt: skip
                text = row[key].strip()
                try:
                    amounts[field] = parse_money(text) if text else 0
                except ValueError as e:
                    errors.append(ValidationError(FIELD, f"费用第{n}行：{label}：{e}"))
            if row["id"]:
                kept.add(row["id"])
            if len(amounts) < 2:
                continue
            data = svc.CostData(self.base_id, row["school_year"].strip(), note=row["note"].strip(), **amounts)
            old = self.loaded.get(row["id"])
            if old is None or svc.CostData(old.base_id, old.school_year, old.consumables_fen,
                                           old.maintenance_fen, old.note) != data:  # fmt: skip
                saved.append((n, row["id"] or None, data))
        if errors:
            raise ValidationErrors(errors)
        removed = tuple(i for i in self.loaded if i not in kept)
        return CostEdits(tuple(saved), removed)

    def check(self, s: Session, edits: CostEdits) -> list[ValidationError]:
        """Each changed row as the service checks it, and a 学年 twice in the grid; the cells marked red."""
        for r, key, _text in self.grid.errors():
            if key == "school_year":
                self.grid.set_error(r, key, "")
        found: list[ValidationError] = []
        years = Counter(row["school_year"].strip() for row in self.grid.rows())
        for n, row in enumerate(self.grid.rows(), start=1):
            year = row["school_year"].strip()
            if not year:
                found.append(self._mark(n, "school_year", "请选择学年"))
            elif years[year] > 1:
                found.append(self._mark(n, "school_year", f"{year}学年出现了不止一行，每个学年只登记一行"))
        if found:
            return found
        for n, cost_id, data in edits.saved:
            freed = self._freed(data.school_year, cost_id, edits)
            for e in svc.check_cost(s, data, cost_id):
                if freed and e.field == "school_year" and "已登记" in e.message:
                    continue  # the stored row of that 学年 is removed or given another 学年 in this save
                found.append(self._mark(n, KEYS.get(e.field, ""), e.message))
        return found

    def _freed(self, year: str, cost_id: str | None, edits: CostEdits) -> bool:
        """Whether the stored row holding `year` (another than `cost_id`) is removed or moved in this save."""
        holder = next((c for c in self.loaded.values() if c.school_year == year and c.id != cost_id), None)
        if holder is None:
            return False
        moved = any(i == holder.id and d.school_year != year for _n, i, d in edits.saved)
        return holder.id in edits.removed or moved

    def _mark(self, n: int, key: str, message: str) -> ValidationError:
        if key:
            self.grid.set_error(n - 1, key, message)
        return ValidationError(FIELD, f"费用第{n}行：{message}")


def write_costs(s: Session, edits: CostEdits) -> None:
    """Removals first (a 学年 freed may be taken again by another row), then the rows added or changed."""
    if edits.removed:
        svc.delete_costs(s, list(edits.removed))
    moved = [(cost_id, data) for _n, cost_id, data in edits.saved]
    for cost_id, data in sorted(moved, key=lambda m: m[0] is None):  # existing rows before new ones
        svc.save_cost(s, data, cost_id)
