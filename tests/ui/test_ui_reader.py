"""A 只读 user in the window (issue 19: "the app hides what the user's role cannot do and says why"), over a
college's server database set up by the real `chanjiao server init` (tests/college_users.py), once empty and
once filled with the small demo: every page loads, and no enabled button, menu entry or key of any page or
menu adds, changes or deletes records — each such control is disabled, its tooltip saying why.

"A write" is judged by the words of its text (WRITE_WORDS), so a write button added later without
`writes=True` / for_writers fails here; READS lists the few texts with such a word whose action only reads
or writes a file on this PC, each with the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QPushButton,
    QTabWidget,
    QToolButton,
    QWidget,
)

from app.db.roles import READER
from tests.college_users import College, add_user, prefixed, set_up_college
from tests.ui.test_ui_server_users import signed_in

pytestmark = pytest.mark.qt

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screens" / "reader"

# Words of a control whose action adds, changes or deletes records (a button, a menu entry).
# (生成 alone makes a document, a read; 生成三方协议 also gives each its 协议编号.)
WRITE_WORDS = (
    "新建", "新增", "导入", "删除", "恢复", "保存", "添加", "生成三方协议", "确认", "登记", "编制", "移除",
    "撤销", "重做", "标记", "处置", "提交", "更换", "忽略", "记录", "终止", "退回", "开始", "结束", "审定",
    "审核", "通过", "已签", "清空", "变更",
)  # fmt: skip
READ_STARTS = ("下载", "导出", "显示", "查看", "打开", "另存", "复制")  # 下载导入模板…, 显示已结束的 …
# Texts with a write word whose action never writes a record, and why.
READS = {
    "添加材料包…": "学校汇总: the list of package files on this PC",
    "添加文件夹…": "学校汇总: the same",
    "移除所选": "学校汇总: the same (the files stay)",
    "清空": "学校汇总: the same",
    "导入学院公钥…": "学校汇总: the trust store, a file on this PC",
    "核对并登记公钥…": "学校汇总: the same",
    "保存内置模板…": "设置 → 模板: the built-in Word template saved as a file",
    "保存服务器数据到本机文件…": "设置 → 数据: a copy of the server's data in a file on this PC",
    "导入 / 导出": "师资队伍: opens its menu, whose 导入 entries are judged on their own",
}


def _is_write(text: str) -> bool:
    text = text.replace("&", "")
    return text not in READS and not text.startswith(READ_STARTS) and any(w in text for w in WRITE_WORDS)


@pytest.fixture(scope="module")
def colleges(pg_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, College]]:
    """An empty college and one filled with the small demo (written by its administrator), each with the 只读
    user “li”."""
    from app.demo import fill_demo

    with prefixed(pg_server, "uireader") as prefix:
        made = {}
        for kind in ("empty", "filled"):
            college = set_up_college(pg_server, f"{prefix}_{kind}", tmp_path_factory.mktemp("home"))
            add_user(college, "li", READER)
            made[kind] = college
        admin = made["filled"].open()
        try:
            with pytest.MonkeyPatch.context() as mp, admin.session() as s:
                mp.setenv("CHANJIAO_HOME", str(tmp_path_factory.mktemp("demo")))
                fill_demo(s, size="small", seed=1, today=dt.date.today())
        finally:
            admin.close()
        yield made


def _settle() -> None:
    from ui.ops import context

    for _ in range(3):
        QApplication.processEvents()
        context().wait()
    QApplication.processEvents()


def _select_first_rows(page: QWidget) -> None:
    """As a user would: a row chosen in every list of the page (what enables 删除, the status buttons …)."""
    for view in page.findChildren(QAbstractItemView):
        model = view.model()
        if model is not None and model.rowCount() > 0 and view.selectionModel() is not None:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            view.selectionModel().setCurrentIndex(model.index(0, 0), flags)
    _settle()


def _enabled_writes(root: QWidget) -> list[str]:
    """The enabled buttons and actions under `root` (shown or not) whose text says they write, the enabled
    Delete keys, and the disabled writes whose tooltip does not say why."""
    wrong: list[str] = []
    controls: list[tuple[str, bool, str, str]] = []
    for b in [*root.findChildren(QPushButton), *root.findChildren(QToolButton)]:  # (a check box is a field)
        if b.menu() is None or _is_write(b.text()):
            controls.append(("button", b.isEnabled(), b.text(), b.toolTip()))
    for a in root.findChildren(QAction):
        controls.append(("action", a.isEnabled(), a.text(), a.toolTip()))
        if a.isEnabled() and QKeySequence(QKeySequence.StandardKey.Delete) in a.shortcuts():
            wrong.append(f"enabled Delete key on {a.parent().metaObject().className()}")
    for kind, enabled, text, tip in controls:
        if not _is_write(text):
            continue
        if enabled:
            wrong.append(f"enabled {kind} “{text}”")
        elif "只读" not in tip:
            wrong.append(f"{kind} “{text}” disabled without the reason: {tip!r}")
    return wrong


def _tour(college: College, qtbot, shots: str) -> tuple[set[str], dict[str, int]]:
    """Every page of the window as the 只读 user, each tab shown and a row chosen in each list, four of them
    photographed (build/screens/reader/<shots>-<page>.png); no write found enabled or disabled without the
    reason. The disabled write texts met, and the rows of each list page."""
    from ui.main_window import MainWindow

    problems: set[str] = set()
    met: set[str] = set()
    rows: dict[str, int] = {}
    with signed_in(college, college.user("li")):
        w = MainWindow()
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        assert "只读" in w.db_label.text()
        for i, name in enumerate(w.page_names):
            w.nav.setCurrentRow(i)
            _settle()
            page = w.page(name)
            assert w.stack.currentWidget() is page
            tabs = page.findChildren(QTabWidget)
            for tab in tabs:
                for t in range(tab.count()):
                    tab.setCurrentIndex(t)
                    _settle()
                    _select_first_rows(tab.widget(t))
            _select_first_rows(page)
            if hasattr(page, "model"):
                rows[name] = page.model.rowCount()
            if name in ("enterprises", "agreements", "internships", "settings_page"):
                SHOTS.mkdir(parents=True, exist_ok=True)
                w.grab().save(str(SHOTS / f"{shots}-{name}.png"))
            problems |= {f"{page.title}: {p}" for p in _enabled_writes(page)}
            met |= {b.text() for b in page.findChildren(QAbstractButton) if _is_write(b.text())}
        # the menus' entries (文件, 编辑 → 撤销 / 新建… …) are the window's actions
        problems |= {f"窗口: {p}" for p in _enabled_writes(w) if "Delete" in p or "action" in p}
        w.close()
    assert not problems, "\n".join(sorted(problems))
    return met, rows


def test_a_reader_meets_no_enabled_write_on_any_page_of_an_empty_college(qtbot, colleges) -> None:
    met, rows = _tour(colleges["empty"], qtbot, "empty")
    assert "新建企业…（Ctrl+N）" in met and "导入名册…" in met  # the empty states' actions, disabled
    assert rows["enterprises"] == 0


def test_a_reader_meets_no_enabled_write_on_any_page_of_a_filled_college(qtbot, colleges) -> None:
    met, rows = _tour(colleges["filled"], qtbot, "filled")
    assert {"新建企业…", "删除", "从 Excel 导入…", "恢复所选", "生成三方协议…", "提交学院审核"} <= met
    assert min(rows[n] for n in ("enterprises", "agreements", "internships", "teachers", "assets")) > 0


# Buttons of a form that change only the form's own rows (saved by its 保存, which a 只读 user cannot press).
FORM_LOCAL = {"添加责任人", "添加指标", "删除所选", "添加待办", "添加 →", "移除", "添加学年", "删除所选学年"}


def test_a_readers_forms_show_their_own_writes_disabled_with_the_reason(qtbot, colleges) -> None:
    """The forms whose buttons write on their own (a repair, a status change, a child record, a meeting, a
    submitted summary): as the 只读 user, each such button is disabled saying why, the form opens to read."""
    from sqlalchemy import select

    from app.db import models as m
    from app.db.models_internships import BaseUsage, Internship
    from ui.dialogs.agreement_dialog import AgreementDialog
    from ui.dialogs.asset_dialog import AssetDialog
    from ui.dialogs.base_dialog import BaseDialog
    from ui.dialogs.base_summary import BaseSummaryDialog
    from ui.dialogs.internship_dialog import InternshipDialog
    from ui.dialogs.organization_dialog import OrganizationDialog
    from ui.dialogs.project_dialog import ProjectDialog
    from ui.dialogs.semester_dialog import SemesterDialog
    from ui.dialogs.teacher_dialog import TeacherDialog

    college = colleges["filled"]
    admin = college.open()
    try:
        with admin.reader() as s:
            first = lambda column: s.scalars(select(column).limit(1)).one()  # noqa: E731
            ids = {
                AssetDialog: first(m.AssetRepair.asset_id),
                ProjectDialog: first(m.Meeting.project_id),
                TeacherDialog: first(m.EnterprisePractice.teacher_id),
                InternshipDialog: first(Internship.id),
                AgreementDialog: first(m.Agreement.id),
                BaseDialog: first(BaseUsage.base_id),
                OrganizationDialog: first(m.OrganizationActivity.organization_id),
            }
    finally:
        admin.close()
    problems: list[str] = []
    with signed_in(college, college.user("li")):
        forms = [cls(None, record_id) for cls, record_id in ids.items()]
        for d in [*forms, BaseSummaryDialog(None), SemesterDialog(None)]:
            qtbot.addWidget(d)
            d.show()
            _settle()
            for tabs in d.findChildren(QTabWidget):
                for t in range(tabs.count()):
                    tabs.setCurrentIndex(t)
                    _settle()
                    _select_first_rows(tabs.widget(t))
            _select_first_rows(d)
            name = type(d).__name__
            problems += [
                f"{name}: {p}" for p in _enabled_writes(d) if not any(f"“{t}”" in p for t in FORM_LOCAL)
            ]
            if d in forms:
                assert d.windowTitle().endswith("（只读）") and not d.save_button.isEnabled(), name
            d.close()
    assert not problems, "\n".join(problems)
