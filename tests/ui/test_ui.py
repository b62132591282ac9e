"""The GUI over a real database, driven with pytest-qt (text set with setText: keyClicks with Chinese
text trips a Qt assertion)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.domain.codes import uscc_check_char
from app.services import enterprise_list as listing
from app.services import enterprises as svc
from app.services import settings as settings_svc
from ui.ops import DbContext, set_context

pytestmark = pytest.mark.qt


def code(n: int) -> str:
    body = f"91430100{n:09d}"
    return body + uscc_check_char(body)


@pytest.fixture
def ctx(db, qapp):
    with db.session() as s:
        settings_svc.save_profile(
            s,
            settings_svc.CollegeProfile(
                "测试学校", "机电工程学院", (settings_svc.MajorGroupInfo("智能制造", ("机电一体化技术",)),)
            ),
        )
    context = DbContext(db)
    set_context(context)
    yield context
    context.wait()
    set_context(None)


@pytest.fixture
def page(ctx, qtbot):
    from ui.pages.enterprises import EnterprisesPage

    p = EnterprisesPage()
    qtbot.addWidget(p)
    ctx.wait()
    qtbot.waitUntil(lambda: p.count_label.text() != "")
    return p


def add(db, name: str, n: int, **kw) -> str:
    with db.session() as s:
        return svc.create_enterprise(s, svc.EnterpriseData(name=name, uscc=code(n), **kw)).ids[0]


def test_empty_page_offers_next_steps(page):
    assert page.stack.currentWidget() is page.empty
    assert "还没有合作企业" in page.empty.title.text()


def test_create_enterprise_through_form(page, qtbot, db):
    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    dlg = EnterpriseDialog(page)
    qtbot.addWidget(dlg)
    dlg.name.setText("湖南湘江智能装备有限公司")
    dlg.uscc.setText(code(7).lower())
    dlg.category_boxes["链主企业"].setChecked(True)
    dlg.contacts.add_row({"name": "李四", "phone": "13800001111"})
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    row = page.model.row_at(0)
    assert row.name == "湖南湘江智能装备有限公司"
    assert row.uscc == code(7)
    assert row.categories == "链主企业"
    assert row.contact_phone == "13800001111"
    assert page.stack.currentWidget() is page.table


def test_bad_code_shows_message_and_saves_nothing(page, qtbot, db, monkeypatch):
    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    discard = QMessageBox.StandardButton.Discard
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: discard)  # closed unsaved at the end

    dlg = EnterpriseDialog(page)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.name.setText("某某公司")
    dlg.uscc.setText("91430100MA4L1GXJ2")  # 17 characters
    dlg.save()
    assert dlg.errors["uscc"].isVisible()
    assert "18位" in dlg.errors["uscc"].text()
    assert dlg.result() == 0
    with db.reader() as s:
        assert listing.count_enterprises(s) == 0


def test_failed_check_char_needs_confirmation(page, qtbot, db):
    from ui.dialogs.enterprise_dialog import EnterpriseDialog

    good = code(3)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    dlg = EnterpriseDialog(page)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.name.setText("老代码企业")
    dlg.uscc.setText(wrong)
    assert dlg.uscc_confirmed.isVisible()
    assert "校验位" in dlg.errors["uscc"].text()
    dlg.save()
    assert dlg.result() == 0
    dlg.uscc_confirmed.setChecked(True)
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    index = page.model.index(0, 2)
    assert "已核对" in page.model.data(index)


def test_search_narrows_list(ctx, qtbot, db):
    from ui.pages.enterprises import EnterprisesPage

    add(db, "湖南湘江新区发展集团有限公司", 1)
    add(db, "三一重工股份有限公司", 2, contacts=(svc.ContactData("王五", phone="13912345678"),))
    add(db, "中联重科股份有限公司", 3)
    p = EnterprisesPage()
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: p.model.rowCount() == 3, timeout=5000)
    for text, expected in (
        ("hnxj", "湖南湘江新区发展集团有限公司"),
        ("王五", "三一重工股份有限公司"),
        ("重科", "中联重科股份有限公司"),
    ):
        with qtbot.waitSignal(p.loaded, timeout=5000):
            p.search.setText(text)
            p.search.returnPressed.emit()
        assert p.model.rowCount() == 1
        assert p.model.row_at(0).name == expected
    with qtbot.waitSignal(p.loaded, timeout=5000):
        p.search.setText("没有这家企业")
        p.search.returnPressed.emit()
    assert p.model.rowCount() == 0
    assert p.stack.currentWidget() is p.empty
    assert "没有符合条件" in p.empty.title.text()


def test_filter_and_sort(ctx, qtbot, db):
    from ui.pages.enterprises import EnterprisesPage

    add(db, "甲公司", 1, status="合作中")
    add(db, "乙公司", 2, status="意向")
    p = EnterprisesPage()
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: p.model.rowCount() == 2, timeout=5000)
    p.status_box.setCurrentIndex(p.status_box.findData("意向"))
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=5000)
    assert p.model.row_at(0).name == "乙公司"
    p.clear_filters()
    qtbot.waitUntil(lambda: p.model.rowCount() == 2, timeout=5000)
    first = p.model.row_at(0).name
    p._header_clicked(0)  # same column again: descending
    qtbot.waitUntil(lambda: p.model.row_at(0).name != first, timeout=5000)


def test_delete_goes_to_trash_and_undo_restores(ctx, qtbot, db, monkeypatch):
    from ui.pages.enterprises import EnterprisesPage

    add(db, "甲公司", 1)
    p = EnterprisesPage()
    qtbot.addWidget(p)
    p.show()
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=5000)
    p.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    p.delete_selected()
    qtbot.waitUntil(lambda: p.model.rowCount() == 0, timeout=5000)
    assert p.undo_bar.isVisible()
    with db.reader() as s:
        assert len(listing.enterprise_ids(s, listing.EnterpriseQuery(deleted=True))) == 1
    p.undo_bar.button.click()
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=5000)


def test_lazy_model_fetches_pages_not_everything(ctx, qtbot, db):
    from ui.models.lazy_table import PAGE
    from ui.pages.enterprises import EnterpriseTableModel

    with db.session() as s:
        for i in range(PAGE * 3):
            s.add(
                __import__("app.db.models", fromlist=["Enterprise"]).Enterprise(
                    name=f"企业{i:04d}", name_key=f"企业{i:04d}"
                )
            )
    model = EnterpriseTableModel()
    with db.reader() as s:
        model.set_ids(listing.enterprise_ids(s))
    assert model.rowCount() == PAGE * 3
    model.data(model.index(0, 0))
    model.data(model.index(10, 0))
    assert model.fetch_count == 1
    model.data(model.index(PAGE * 3 - 1, 0))
    assert model.fetch_count == 2


def test_main_window_opens_every_page(ctx, qtbot):
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    for i, page in enumerate(w.pages):
        w.nav.setCurrentRow(i)
        assert w.stack.currentWidget() is page
    assert str(ctx.database.path) in w.db_label.text()


def test_profile_dialog_saves_groups(ctx, qtbot, db):
    from ui.dialogs.profile_dialog import ProfileDialog

    dlg = ProfileDialog()
    qtbot.addWidget(dlg)
    dlg.school.setText("湖南某职业技术学院")
    dlg.groups.set_text(0, "majors", "机电一体化技术、工业机器人技术，智能控制技术")
    with qtbot.waitSignal(dlg.accepted, timeout=5000):
        dlg.save()
    with db.reader() as s:
        p = settings_svc.get_profile(s)
    assert p.school == "湖南某职业技术学院"
    assert p.groups[0].majors == ("机电一体化技术", "工业机器人技术", "智能控制技术")


def test_selftest_subprocess_exits_zero(tmp_path: Path):
    """The whole app in a fresh process: builds the window offscreen, opens every page, exits 0 (a crash at
    interpreter exit — e.g. PySide6's none_dealloc abort — would show as 134)."""
    env = {**__import__("os").environ, "CHANJIAO_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONIOENCODING"] = "utf-8"  # a pipe on Chinese Windows is GBK otherwise
    proc = subprocess.run(
        [sys.executable, "-m", "ui.launcher", "selftest"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "自检通过" in proc.stdout


def _roster(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["合作企业名单"])
    ws.append(["单位名称", "统一社会信用代码", "联系人", "手机"])
    ws.append(["湖南甲科技有限公司", code(11), "赵六", 13900001111])
    ws.append(["湖南乙制造有限公司", code(12), "钱七", "13900002222"])
    ws.append(["湖南丙物流有限公司", "12345", "孙八", ""])
    ws.append(["合计", "3家"])
    wb.save(path)
    return path


def test_import_preview_then_import_valid_rows(ctx, qtbot, db, tmp_path, monkeypatch):
    from app.io.enterprises_xlsx import read_enterprises
    from ui.dialogs.import_dialog import ImportDialog

    path = _roster(tmp_path / "名单.xlsx")
    with db.reader() as s:
        preview = read_enterprises(s, path)
    dlg = ImportDialog(None, path, preview)
    qtbot.addWidget(dlg)
    assert dlg.import_button.text() == "导入（新增 2 家）"
    assert dlg.only_problems.isChecked()
    assert dlg.model.rowCount() == 1  # only the rejected row is shown first
    problem = dlg.model.data(dlg.model.index(0, dlg.model.problem_column))
    assert "18位" in problem
    assert dlg.model.data(dlg.model.index(0, 0)) == "5"  # Excel row number
    dlg.only_problems.setChecked(False)
    assert dlg.model.rowCount() == 3
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    with qtbot.waitSignal(dlg.accepted, timeout=10000):
        dlg.import_button.click()
    with db.reader() as s:
        names = {r.name for r in listing.enterprise_rows(s, listing.enterprise_ids(s)).values()}
    assert names == {"湖南甲科技有限公司", "湖南乙制造有限公司"}


def test_write_op_outlives_its_closed_window(ctx, qtbot, db):
    """A dialog closed while its save runs: the write still commits and is announced; no callback runs on
    the deleted widget and nothing crashes."""
    import shiboken6
    from PySide6.QtWidgets import QWidget

    from ui.ops import WriteOp

    widget = QWidget()
    called = []

    def work(s):
        import time

        time.sleep(0.2)
        return svc.create_enterprise(s, svc.EnterpriseData(name="关窗后保存的企业"))

    WriteOp(widget, work).success(called.append).run()
    shiboken6.delete(widget)
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000) as blocker:
        pass
    assert blocker.args[0].table == "enterprise"
    assert called == []
    with db.reader() as s:
        assert listing.count_enterprises(s) == 1


def test_uncaught_exception_is_logged_and_shown(qapp, monkeypatch, tmp_path):
    import logging
    import sys

    from ui import errors

    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc, title="操作失败": shown.append(exc))
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("ui.errors").addHandler(handler)
    old = sys.excepthook
    try:
        errors.install_excepthook()
        try:
            raise RuntimeError("意外的错误")
        except RuntimeError as e:
            sys.excepthook(type(e), e, e.__traceback__)
    finally:
        sys.excepthook = old
        logging.getLogger("ui.errors").removeHandler(handler)
    assert [str(e) for e in shown] == ["意外的错误"]
    assert records and records[0].exc_info[0] is RuntimeError


@pytest.mark.parametrize("ahead", [False, True], ids=["checked-on-open", "checked-ahead"])
def test_unusable_database_gets_its_own_message(qapp, monkeypatch, tmp_path, ahead):
    """A file that is no database: its own message, the file untouched — whether its integrity check was started
    ahead of the open (as the launcher does, app/db/engine.py IntegrityCheck) or not."""
    from app.db.engine import IntegrityCheck
    from ui.app import open_or_ask

    not_db = tmp_path / "学院.db"
    not_db.write_text("这不是数据库", encoding="utf-8")
    seen = []

    def answer(box):
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "退出").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert open_or_ask(not_db, IntegrityCheck.start(not_db) if ahead else None) is None
    assert "不是本软件的数据库文件" in seen[0]
    assert not_db.read_text(encoding="utf-8") == "这不是数据库"  # untouched


def test_trash_restores_and_purges(ctx, qtbot, db, monkeypatch):
    from ui.pages.trash import TrashPage

    keep, gone = add(db, "恢复的公司", 21), add(db, "彻底删除的公司", 22)
    with db.session() as s:
        svc.delete_enterprises(s, [keep, gone])
    page = TrashPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    page.table.selectRow(page.model.row_of(keep))
    page.restore_selected()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.table.selectRow(0)
    page.purge_selected()
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    assert "回收站是空的" in page.count_label.text()  # 全部, the default
    with db.reader() as s:
        assert listing.enterprise_ids(s) == [keep]
        assert listing.count_enterprises(s, listing.EnterpriseQuery(deleted=True)) == 0
