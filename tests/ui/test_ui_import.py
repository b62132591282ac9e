"""The enterprise import preview (#18): rows already in the archive with 跳过 / 更新 / 新建 for all and per row,
the counts, the 问题说明 column on screen, and 导出有问题的行…."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.io.enterprises_xlsx import read_enterprises
from app.services.enterprises import EnterpriseData, create_enterprise, get_enterprise
from tests.codes import valid_uscc as code


def _file(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["企业名称", "统一社会信用代码", "地址", "所属行业", "所在地区", "网址", "备注", "联系人", "联系电话"]
    )
    ws.append(["湖南甲科技有限公司", code(1), "长沙市天心区", None, None, None, None, None, None])
    ws.append(["湖南乙(长沙)机械有限公司", None, None, "装备制造", None, None, None, None, None])
    ws.append(["湖南丙新材料有限公司", code(3), "株洲市", None, None, None, None, None, None])
    ws.append(["湖南丁有限公司", "123", None, None, None, None, None, None, None])
    wb.save(path)
    return path


def _dialog(db, qtbot, tmp_path: Path):
    from ui.dialogs.import_dialog import ImportDialog

    with db.session() as s:
        ids = [
            create_enterprise(
                s, EnterpriseData(name="湖南甲科技有限公司", uscc=code(1), address="长沙市岳麓区")
            ).ids[0],
            create_enterprise(s, EnterpriseData(name="湖南乙（长沙）机械有限公司")).ids[0],
        ]
    path = _file(tmp_path / "名单.xlsx")
    with db.reader() as s:
        preview = read_enterprises(s, path)
    dlg = ImportDialog(None, path, preview)
    qtbot.addWidget(dlg)
    return dlg, ids


def test_overlap_counts_choices_and_update(ctx, qtbot, db, tmp_path, monkeypatch):
    dlg, (coded, named) = _dialog(db, qtbot, tmp_path)
    m = dlg.model
    assert m.headers[:4] == ["行号", "结果", "处理", "问题说明"]  # the problem column is on screen
    text = dlg.summary.text()
    assert "新增 <b>1</b> 家" in text and "已在档案中 <b>2</b> 家（跳过 2）" in text and "有问题" in text
    assert dlg.import_button.text() == "导入（新增 1 家）"
    assert not dlg.import_button.isDefault() and not dlg.import_button.autoDefault()  # Enter does not import
    rows = {m.rows[i].row: i for i in range(m.rowCount())}
    assert set(rows) == {2, 3, 5}  # problems and rows already in the archive first
    assert m.data(m.index(rows[2], 1)) == "已在档案中" and m.data(m.index(rows[2], 2)) == "跳过 ▼"
    assert "地址“长沙市岳麓区”→“长沙市天心区”" in m.data(m.index(rows[2], m.problem_column))
    dlg.table.setCurrentIndex(m.index(rows[2], 0))  # the whole text under the table
    assert dlg.detail.text().startswith("第2行：档案中已有") and "长沙市天心区" in dlg.detail.text()
    tip = m.data(m.index(rows[2], m.problem_column), Qt.ItemDataRole.ToolTipRole)
    assert "white-space:pre-wrap" in tip  # the tooltip wraps
    assert m.allowed(2) == ["skip", "update"] and m.allowed(3) == ["skip", "update", "new"]

    dlg.all_choice.setCurrentIndex(1)
    dlg.all_choice.activated.emit(1)
    assert m.choice == {2: "update", 3: "update"}
    assert m.setData(m.index(rows[3], 2), "skip")
    assert not m.setData(m.index(rows[2], 2), "new")  # a code is unique: no second enterprise
    assert "已在档案中 <b>2</b> 家（跳过 1、更新 1）" in dlg.summary.text()
    assert dlg.import_button.text() == "导入（新增 1 家，更新 1 家）"

    # The problem column fits in the dialog at its default size.
    dlg.resize(1100, 620)
    dlg.show()
    qtbot.waitExposed(dlg)
    x = dlg.table.columnViewportPosition(m.problem_column) + dlg.table.columnWidth(m.problem_column)
    assert 0 < x <= dlg.table.viewport().width()

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    with qtbot.waitSignal(dlg.accepted, timeout=10000):
        dlg.import_button.click()
    assert dlg.imported.updated == (coded,) and len(dlg.imported.added) == 1
    with db.reader() as s:
        assert get_enterprise(s, coded).address == "长沙市天心区"
        assert get_enterprise(s, named).industry == ""  # skipped


def test_export_the_rows_with_problems(ctx, qtbot, db, tmp_path, monkeypatch):
    from ui import files as mod  # the import preview saves the rows through ui/files.py's save_file

    dlg, _ids = _dialog(db, qtbot, tmp_path)
    target = tmp_path / "out" / "要改的行.xlsx"
    target.parent.mkdir()
    offered: list[str] = []
    monkeypatch.setattr(mod, "ask_save", lambda *a, **k: target)
    monkeypatch.setattr(mod, "offer_open", lambda _p, path, text: offered.append(text))
    assert dlg.export_button.isEnabled()
    assert dlg.export_problems() == target
    assert "已把 1 行有问题的数据" in offered[0]
    ws = load_workbook(target).active
    header = [c.value for c in ws[1]]
    assert header[0] == "原行号" and header[-1] == "问题说明"
    assert ws.cell(row=2, column=1).value == 5 and ws.cell(row=2, column=2).value == "湖南丁有限公司"
    assert "统一社会信用代码" in ws.cell(row=2, column=len(header)).value


def test_an_import_refused_because_the_data_changed_reads_the_file_again(
    ctx, qtbot, db, tmp_path, monkeypatch
):
    """Another user adds one of the file's enterprises between the preview and 导入: nothing is written, the
    message says why and offers 重新读取文件, which closes the out-of-date preview and shows the file as it
    would import now (that enterprise already in the archive)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.db.engine import open_database
    from ui import files
    from ui.dialogs.import_dialog import ImportDialog

    path = _file(tmp_path / "名单.xlsx")
    other = open_database(db.location)
    seen: list[ImportDialog] = []
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)

    def drive() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, ImportDialog) and modal not in seen:
            seen.append(modal)
            if len(seen) == 1:  # the first preview: another user adds 丙 meanwhile, then 导入
                with other.session() as s:
                    create_enterprise(s, EnterpriseData(name="湖南丙新材料有限公司", uscc=code(3)))
                modal.import_button.click()
            else:  # the new preview: 丙 is in the archive now
                said.append(modal.summary.text())
                modal.reject()
                return
        elif isinstance(modal, QMessageBox) and modal.windowTitle() == "数据已有变化":
            said.append(modal.text())
            next(b for b in modal.buttons() if b.text() == "重新读取文件").click()
        QTimer.singleShot(30, drive)

    QTimer.singleShot(0, drive)
    try:
        files.preview_file(None, path, read_enterprises, lambda p: ImportDialog(None, path, p))
        qtbot.waitUntil(lambda: len(said) == 2, timeout=20_000)
    finally:
        other.close()
    assert "数据已有变化，未导入任何数据" in said[0] and "湖南丙新材料有限公司" in said[0]
    assert "已在档案中 <b>1</b> 家" in said[1]
    with db.reader() as s:  # the refused import wrote nothing: only the other user's enterprise
        from app.services.enterprise_list import count_enterprises

        assert count_enterprises(s) == 1
