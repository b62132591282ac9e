"""上报材料包 in the GUI over a real database (pytest-qt): the export wizard on the small demo (the preview's
counts are the service's, the red banner of 错误 findings, the personal-data confirmation, the export on the
worker writes a ZIP that verify_package accepts, 取消 and a failed export leave no file and the wizard open to
retry), and the 学校汇总 page (valid, superseded and garbage packages; drag and drop; 生成汇总表…)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWizard

from app.db.engine import open_database
from app.docs.common import cn_date
from app.errors import AppError, Cancelled
from app.package import format as fmt
from app.package.export import export_package, preview_package
from app.package.keys import export_public_key
from app.package.period import period_choices
from app.package.trust import TrustStore, import_key_file
from app.package.verify import verify_package
from app.services.settings import get_profile, save_profile
from ui import theme
from ui.pages.school_summary import FILE_COL, PROBLEM_COL, STATUS_COL

pytestmark = pytest.mark.qt
TODAY = dt.date(2026, 3, 15)
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def db(demo_db):
    """The shared small demo (conftest), copied for each test."""
    return demo_db


def wizard(qtbot):
    from ui.package_wizard import PackageWizard

    w = PackageWizard(None, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    return w


def to_preview(qtbot, w) -> None:
    with qtbot.waitSignal(w.preview_page.loaded, timeout=30000):
        w.next()


def to_save(qtbot, w, out: Path) -> None:
    to_preview(qtbot, w)
    w.next()
    assert w.currentPage() is w.save_page
    w.save_page.path_edit.setText(str(out))


def test_periods_and_preview_are_the_service_s(ctx, qtbot, db):
    with db.reader() as s:
        periods, default = period_choices(s, TODAY)
        expected = preview_package(s, default, today=TODAY)
    w = wizard(qtbot)
    tree = w.period_page.tree
    assert tree.topLevelItemCount() == len([p for p in periods if p.kind == fmt.YEAR])
    year = tree.topLevelItem(0)
    assert year.childCount() == 2 and year.child(0).text(0) == "第一学期"
    assert year.text(1) == f"{cn_date(periods[0].first)} 至 {cn_date(periods[0].last)}"  # 2025年9月1日 至 …
    assert w.period() == default and w.button(QWizard.WizardButton.NextButton).isEnabled()
    to_preview(qtbot, w)
    page = w.preview_page
    shown = {
        page.counts.item(r, 0).text(): page.counts.item(r, 1).text() for r in range(page.counts.rowCount())
    }
    assert shown == {fmt.SHEET_BY_KEY[k].name: f"{n:,}" for k, n in expected.counts.items()}
    if expected.attachments:
        assert page.attachments.text().startswith(f"附件 {expected.attachments} 个")
    else:
        assert page.attachments.text() == "没有附件"
    errors = expected.findings.errors
    assert errors > 0  # the demo has 错误 findings
    assert page.banner.isVisible() and f"有 {errors} 个错误级问题：仍可导出" in page.banner.text()
    assert page.findings.rowCount() == len(expected.findings.open)
    assert [page.findings.item(r, 0).text() for r in range(errors)] == ["错误"] * errors  # errors first
    first = next(f for f in expected.findings.open if f.severity == "错误")
    assert page.findings.item(0, 1).text() == first.rule_title
    page.findings.setCurrentCell(0, 0)
    assert first.message in page.detail.text()


def test_a_semester_is_previewed_for_its_own_dates(ctx, qtbot, db):
    w = wizard(qtbot)
    semester = w.period_page.tree.topLevelItem(0).child(1)
    w.period_page.tree.setCurrentItem(semester)
    to_preview(qtbot, w)
    assert w.preview_page.preview.period.kind == fmt.SEMESTER
    assert "第二学期" in w.preview_page.heading.text()


def test_personal_data_needs_a_confirmation(ctx, qtbot, db, monkeypatch):
    asked: list[str] = []

    def answer(reply):
        return lambda _parent, _title, text, *_a: (asked.append(text), reply)[1]

    w = wizard(qtbot)
    to_save(qtbot, w, Path("x.zip"))
    check = w.save_page.personal_check
    assert not check.isChecked()  # off by default
    monkeypatch.setattr(QMessageBox, "warning", answer(NO))
    check.click()
    assert not check.isChecked() and "个人信息保护法" in asked[0] and "教育部" in asked[0]
    monkeypatch.setattr(QMessageBox, "warning", answer(YES))
    check.click()
    assert check.isChecked() and len(asked) == 2
    check.click()  # turning it off asks nothing
    assert not check.isChecked() and len(asked) == 2


def test_export_writes_a_package_that_verifies(ctx, qtbot, db, tmp_path: Path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from ui import files

    out = tmp_path / "上报" / "机电.zip"
    w = wizard(qtbot)
    to_save(qtbot, w, out)
    assert "即将导出：2025-2026学年" in w.save_page.outline.text()
    with qtbot.waitSignal(w.exported, timeout=60000) as done:
        w.next()
    result = done.args[0]
    assert result.path == out and out.is_file()
    check = verify_package(out)
    assert check.ok, check.problems
    assert check.manifest["personal_data"] == fmt.MASKED
    page = w.export_page
    assert page.isComplete() and page.folder_button.isVisible() and not page.retry_button.isVisible()
    assert "已导出2025-2026学年上报材料包" in page.summary.text()
    assert w.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert files.last_folder("package") == str(out.parent)  # remembered for next time
    opened: list[str] = []
    monkeypatch.setattr(files, "WINDOWS", False)  # Explorer's /select is tested in test_ui_files.py
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    page.folder_button.click()
    assert [Path(p) for p in opened] == [out.parent]
    with db.reader() as s:
        assert result.counts == preview_package(s, w.period(), today=TODAY).counts


def test_the_default_name_and_replacing_a_file(ctx, qtbot, db, tmp_path: Path, monkeypatch):
    from ui import files

    files.remember_folder("package", str(tmp_path / "x.zip"))
    w = wizard(qtbot)
    to_preview(qtbot, w)
    w.next()
    college = w.preview_page.preview.college
    expected = tmp_path / f"{college}_2025-2026学年_上报材料包.zip"
    assert w.save_page.path_edit.text() == str(expected)
    expected.write_bytes(b"older")
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: NO)
    w.next()
    assert w.currentPage() is w.save_page and expected.read_bytes() == b"older"  # declined: nothing done
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(tmp_path / "另存"), ""))
    w.save_page.browse()
    assert w.save_page.path_edit.text() == str(tmp_path / "另存.zip")  # the suffix added


def test_cancel_leaves_no_file_and_export_again(ctx, qtbot, db, tmp_path: Path):
    folder = tmp_path / "out"
    out = folder / "包.zip"
    w = wizard(qtbot)
    to_save(qtbot, w, out)
    with qtbot.waitSignal(w.export_failed, timeout=60000) as failed:
        w.next()
        w.export_page.cancel_button.click()
    assert isinstance(failed.args[0], Cancelled)
    assert not out.exists() and (not folder.exists() or not list(folder.iterdir()))  # nothing left
    page = w.export_page
    assert "已取消" in page.status.text() and page.retry_button.isVisible() and not page.isComplete()
    with qtbot.waitSignal(w.exported, timeout=60000):
        page.retry_button.click()
    assert verify_package(out).ok


def test_a_failed_export_is_shown_and_the_wizard_stays(ctx, qtbot, db, tmp_path: Path, monkeypatch):
    import ui.package_wizard as pw

    errors: list[BaseException] = []
    monkeypatch.setattr(pw, "show_error", lambda _p, exc, _t="": errors.append(exc))
    blocker = tmp_path / "一个文件"
    blocker.write_text("x")
    w = wizard(qtbot)
    to_save(qtbot, w, blocker / "包.zip")  # its folder is a file: cannot be written
    with qtbot.waitSignal(w.export_failed, timeout=60000):
        w.next()
    (exc,) = errors
    assert isinstance(exc, AppError)
    assert (
        w.isVisible() and w.export_page.retry_button.isVisible() and w.export_page.change_button.isVisible()
    )
    assert "导出失败" in w.export_page.status.text()


# ---------------------------------------------------------------- 学校汇总


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> dict[str, Path]:
    """Two colleges' packages of one 学年, an older one of the second, and a file that is no package: made
    once for the module from a copy of the shared demo (the tests only read them)."""
    root = tmp_path_factory.mktemp("packages")
    folder = root / "收到的材料包"
    folder.mkdir()
    shutil.copyfile(demo_file, root / "college.db")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHANJIAO_HOME", str(root / "home"))
        db = open_database(root / "college.db")
        try:
            with db.session() as s:
                _periods, period = period_choices(s, TODAY)
                out["a"] = export_package(
                    s, period, folder / "机电.zip", today=TODAY, now=dt.datetime(2026, 3, 1, 9)
                ).path
                export_public_key(s, root / "key_a.json")
                save_profile(s, dataclasses.replace(get_profile(s), college="信息工程学院"))
            mp.setenv("CHANJIAO_HOME", str(root / "home_b"))  # another college: its own installation's key
            with db.session() as s:
                export_public_key(s, root / "key_b.json")
                out["old"] = export_package(
                    s, period, folder / "信息_旧.zip", today=TODAY, now=dt.datetime(2026, 3, 2, 9)
                ).path
                out["b"] = export_package(
                    s, period, folder / "信息.zip", today=TODAY, now=dt.datetime(2026, 3, 3, 9)
                ).path
        finally:
            db.close()
    out["bad"] = folder / "坏文件.zip"
    out["bad"].write_bytes(b"this is not a zip file")
    return out


@pytest.fixture
def trusted(packages: dict[str, Path]) -> None:
    """Both colleges' public key files imported at the school (this test's CHANJIAO_HOME)."""
    for name in ("key_a.json", "key_b.json"):
        import_key_file(packages["a"].parent.parent / name)


def summary_page(qtbot):
    from ui.pages.school_summary import SchoolSummaryPage

    page = SchoolSummaryPage()
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    return page


def statuses(page) -> dict[str, str]:
    return {
        page.table.item(r, FILE_COL).text(): page.table.item(r, STATUS_COL).text()
        for r in range(page.table.rowCount())
    }


def row_of(page, name: str) -> int:
    return next(r for r in range(page.table.rowCount()) if page.table.item(r, FILE_COL).text() == name)


def test_summary_lists_usable_superseded_and_invalid(ctx, qtbot, db, packages, trusted, monkeypatch):
    page = summary_page(qtbot)
    assert page.stack.currentWidget() is page.empty and "拖到这里" in page.empty.hint.text()
    assert not page.merge_button.isEnabled()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_a: ([str(packages[k]) for k in ("a", "b", "bad")], "")
    )
    with qtbot.waitSignal(page.planned, timeout=60000) as planned:
        page.add_button.click()
    assert len(planned.args[0].used) == 2
    assert statuses(page) == {"机电.zip": "可用", "信息.zip": "可用", "坏文件.zip": "无效"}
    bad = row_of(page, "坏文件.zip")
    assert (
        "不是 ZIP 文件" in page.table.item(bad, PROBLEM_COL).text()
        and "不是 ZIP 文件" in page.table.item(bad, PROBLEM_COL).toolTip()
    )
    assert page.table.item(bad, 0).foreground().color().name() == theme.ERROR  # the theme's red
    assert "可用 2" in page.status.text() and "无效 1" in page.status.text()
    headline = len(fmt.HEADLINES)
    assert page.table.columnCount() == 7 + headline
    schools = {p.school or "—" for p in planned.args[0].used}
    assert page.table.horizontalHeaderItem(0).text() == "学校" and page.table.item(0, 0).text() in schools
    with db.reader() as s:
        errors = preview_package(s, period_choices(s, TODAY)[1], today=TODAY)  # both colleges: the same data
    col = 7 + [h.label for h in fmt.HEADLINES].index("未处理错误")
    assert page.table.item(0, col).text() == str(errors.findings.errors)

    with qtbot.waitSignal(page.planned, timeout=60000):  # the older one of the same college, dropped
        page.add_paths([packages["old"]])
    assert statuses(page)["信息_旧.zip"] == "已被较新的替代"
    old = row_of(page, "信息_旧.zip")
    assert "信息.zip" in page.table.item(old, PROBLEM_COL).text()

    page.table.selectRow(row_of(page, "坏文件.zip"))
    assert "不是 ZIP 文件" in page.detail.text()
    page.table.setFocus()
    with qtbot.waitSignal(page.planned, timeout=60000):
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # as 移除所选
    assert "坏文件.zip" not in statuses(page) and len(page.paths) == 3
    assert packages["bad"].exists()  # only the list changed
    with qtbot.waitSignal(page.planned, timeout=5000):
        page.clear_button.click()
    assert page.stack.currentWidget() is page.empty and not page.paths


def test_drop_and_folder_add_zip_files(ctx, qtbot, db, packages, monkeypatch):
    page = summary_page(qtbot)
    mime = QMimeData()
    mime.setUrls(
        [QUrl.fromLocalFile(str(packages["a"])), QUrl.fromLocalFile(str(packages["a"].with_suffix(".txt")))]
    )
    enter = QDragEnterEvent(
        page.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(page.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(page.planned, timeout=60000):
        page.dropEvent(drop)
    assert page.paths == [packages["a"]]
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(packages["a"].parent))
    with qtbot.waitSignal(page.planned, timeout=60000):
        page.folder_button.click()
    assert sorted(p.name for p in page.paths) == sorted(p.name for p in packages.values())  # each once
    text = QMimeData()
    text.setText("hello")
    other = QDragEnterEvent(
        page.rect().center(),
        Qt.DropAction.CopyAction,
        text,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dragEnterEvent(other)
    assert not other.isAccepted()


def test_generate_summary_writes_the_workbook(ctx, qtbot, db, packages, trusted, tmp_path: Path, monkeypatch):
    from ui import files

    page = summary_page(qtbot)
    with qtbot.waitSignal(page.planned, timeout=60000):
        page.add_paths([packages[k] for k in ("a", "b", "bad")])
    out = tmp_path / "汇总" / "学校汇总"
    out.parent.mkdir()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: (asked.append(text), YES)[1])
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda _p, _t, name, _f: (asked.append(name), (str(out), ""))[1]
    )
    offered: list[tuple[Path, str]] = []
    monkeypatch.setattr(files, "offer_open", lambda _p, path, text: offered.append((path, text)))
    with qtbot.waitSignal(page.merged, timeout=60000) as merged:
        page.merge_button.click()
    result = merged.args[0]
    written = out.with_suffix(".xlsx")
    assert result.out == written and written.is_file()
    assert "1 个材料包无效" in asked[0]  # asked before leaving it out
    assert asked[1].endswith("2025-2026学年_各学院上报汇总.xlsx")
    assert offered == [(written, result.summary())]
    wb = load_workbook(written, read_only=True)
    assert len(wb.sheetnames) >= 1
    wb.close()
    assert page.merge_button.isEnabled()


def test_the_list_is_kept_between_sessions(ctx, qtbot, db, packages, trusted):
    from ui.settings import ui_settings

    page = summary_page(qtbot)
    with qtbot.waitSignal(page.planned, timeout=60000):
        page.add_paths([packages["a"], packages["b"]])
    page.save_state(ui_settings())
    packages["b"].unlink()  # gone meanwhile: not listed again
    again = summary_page(qtbot)
    again.hide()
    again.restore_state(ui_settings())
    assert again.paths == [packages["a"]] and again.table.item(0, STATUS_COL).text() == "待校验"
    with qtbot.waitSignal(again.planned, timeout=60000):  # verified when shown
        again.show()
    assert statuses(again) == {"机电.zip": "可用"}


def test_main_window_menu_and_page(db, qapp, qtbot, monkeypatch):
    from ui.ops import DbContext, set_context

    context = DbContext(db)
    set_context(context)
    try:
        from ui.main_window import MainWindow
        from ui.package_wizard import PackageWizard

        w = MainWindow()
        qtbot.addWidget(w)
        assert w.pages.index(w.school_summary) == w.pages.index(w.evaluation) + 1
        action = next(a for a in w.menuBar().actions()[0].menu().actions() if a.text() == "导出上报材料包…")
        assert action.shortcut().toString() == "Ctrl+Shift+E"
        action.trigger()
        wizards = [x for x in w.findChildren(PackageWizard) if x.isVisible()]
        assert len(wizards) == 1
        wizards[0].reject()
        w.close()
    finally:
        context.wait()
        set_context(None)


def test_summary_sorts_figures_as_numbers_and_keeps_paths(ctx, qtbot, packages, trusted):
    from ui.pages.school_summary import SORT_ROLE, _Item

    nine, ten = _Item("9"), _Item("10")
    nine.setData(SORT_ROLE, 9.0)
    ten.setData(SORT_ROLE, 10.0)
    assert nine < ten and not ten < nine  # as text "10" < "9"
    assert _Item("") < nine  # an empty figure (an invalid package) first
    page = summary_page(qtbot)
    with qtbot.waitSignal(page.planned, timeout=60000):
        page.add_paths([packages["a"], packages["b"], packages["bad"]])
    col = 7 + [h.label for h in fmt.HEADLINES].index("合作中的企业")
    rows = range(page.table.rowCount())

    def column() -> list[str]:
        return [page.table.item(r, col).text() for r in rows]

    page.table.sortItems(col, Qt.SortOrder.DescendingOrder)
    figures = column()
    filled = [int(f) for f in figures if f]
    assert filled == sorted(filled, reverse=True) and figures[len(filled) :] == [""] * (
        len(figures) - len(filled)
    )
    page.table.sortItems(col, Qt.SortOrder.AscendingOrder)
    assert column()[0] == ""  # the rows without figures (invalid, replaced) first
    bad = row_of(page, "坏文件.zip")
    page.table.selectRow(bad)
    assert "不是 ZIP 文件" in page.detail.text()  # the row's own problem after the sort


# ---------------------------------------------------------------- signed packages on the 学校汇总 page (#22)


def test_new_keys_are_confirmed_with_their_fingerprints(ctx, qtbot, packages, monkeypatch):
    page = summary_page(qtbot)
    with qtbot.waitSignal(page.planned, timeout=60000) as planned:
        page.add_paths([packages["a"], packages["old"]])  # ("b" is gone: see above)
    plan = planned.args[0]
    assert not plan.used and len(plan.new_keys) == 2
    assert statuses(page) == {"机电.zip": "公钥未登记", "信息_旧.zip": "公钥未登记"}
    assert page.keys_strip.isVisibleTo(page) and "2 个学院的签名公钥尚未登记" in page.keys_label.text()
    assert "公钥未登记" in page.status.text() and not page.merge_button.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: (asked.append(text), NO)[1])
    page.trust_button.click()  # 否: nothing registered
    assert not TrustStore.load().keys
    for key in plan.new_keys:
        assert key.college in asked[0] and key.short in asked[0] and key.files[0].name in asked[0]
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: YES)
    with qtbot.waitSignal(page.planned, timeout=60000) as planned:
        page.trust_button.click()
    assert len(planned.args[0].used) == 2 and not planned.args[0].new_keys
    assert statuses(page) == {"机电.zip": "可用", "信息_旧.zip": "可用"}
    assert not page.keys_strip.isVisibleTo(page)
    assert {k.college for k in TrustStore.load().keys.values()} == {"机电工程学院", "信息工程学院"}


def test_import_a_college_key_file(ctx, qtbot, packages, monkeypatch):
    page = summary_page(qtbot)
    with qtbot.waitSignal(page.planned, timeout=60000):
        page.add_paths([packages["a"]])
    assert statuses(page) == {"机电.zip": "公钥未登记"}
    key = packages["a"].parent.parent / "key_a.json"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(key), ""))
    with qtbot.waitSignal(page.planned, timeout=60000):
        page.import_key_button.click()
    assert statuses(page) == {"机电.zip": "可用"}
    bad = packages["a"].parent.parent / "not_a_key.json"
    bad.write_text("{}", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(bad), ""))
    monkeypatch.setattr("ui.pages.school_summary.show_error", lambda _p, exc, _t: shown.append(str(exc)))
    page.import_key_button.click()
    assert shown and "不是本软件导出的学院公钥文件" in shown[0]


def test_insane_and_unsigned_packages_on_the_page(ctx, qtbot, packages, trusted, tmp_path: Path):
    from tests import package_builder as pb

    files = pb.package_files()
    year1 = pb.write_package(
        tmp_path / "year1.zip", files, pb.manifest_for(files, created="0001-01-01T00:00:00")
    )
    old = pb.write_package(tmp_path / "old.zip", files, pb.manifest_for(files, college="旧版学院"))
    page = summary_page(qtbot)
    with qtbot.waitSignal(page.planned, timeout=60000) as planned:
        page.add_paths([packages["a"], year1, old])
    assert len(planned.args[0].used) == 2  # the plan step no longer raises
    assert statuses(page) == {"机电.zip": "可用", "year1.zip": "无效", "old.zip": "可用（无签名）"}
    assert "合理范围" in page.table.item(row_of(page, "year1.zip"), PROBLEM_COL).text()
    assert "没有签名" in page.table.item(row_of(page, "old.zip"), PROBLEM_COL).toolTip()
    assert "其中 1 个没有签名" in page.status.text()


def test_the_wizard_exports_the_public_key(ctx, qtbot, db, tmp_path: Path, monkeypatch):
    from app.package.signing import college_key, read_public_key_file

    w = wizard(qtbot)
    page = w.export_page
    out = tmp_path / "公钥.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), ""))
    told: list[str] = []
    from ui import messages

    monkeypatch.setattr(messages, "inform", lambda _p, _t, text, *_a: told.append(text))
    page.export_key()
    qtbot.waitUntil(lambda: bool(told), timeout=30000)
    assert read_public_key_file(out).fingerprint == college_key().fingerprint
    assert "指纹" in told[0] and str(out) in told[0]
