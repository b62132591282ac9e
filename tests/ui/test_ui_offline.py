"""文件 → 带出副本… and 合并副本… with real widgets over real database files (issue 20): the copy is written, both
sides are edited, the merge's preview counts what it would do and lists the conflict side by side, 合并 stays
disabled until it is decided — each way — and the merge writes it; then the copy is made new again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.db.engine import Database, open_database
from app.offline.copies import copy_info
from app.services.enterprises import EnterpriseData, create_enterprise, get_enterprise, update_enterprise

pytestmark = pytest.mark.qt

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screens" / "offline"


def _fail_on_error(monkeypatch, said: list[str]) -> None:
    """An error the flow would show in a box: said instead (the test then fails naming it, not by a timeout)."""
    import ui.files

    monkeypatch.setattr(ui.files.errors, "show_error", lambda _p, exc, *_a: said.append(f"错误：{exc!r}"))


def _address(db: Database, eid: str) -> str:
    with db.reader() as s:
        return get_enterprise(s, eid).address


def _set_address(db: Database, eid: str, address: str) -> None:
    with db.session() as s:
        d = get_enterprise(s, eid)
        data = EnterpriseData(**{f: getattr(d, f) for f in EnterpriseData.__dataclass_fields__})
        update_enterprise(s, eid, replace(data, address=address))


@pytest.mark.parametrize("keep", ["副本中的", "本数据库的", "自己填写…"])
def test_out_edit_both_sides_and_merge_a_conflict_each_way(
    ctx, qtbot, db: Database, tmp_path: Path, monkeypatch, keep: str
) -> None:
    import ui.offline_flow as flow

    with db.session() as s:
        eid = create_enterprise(s, EnterpriseData("湖南甲机械有限公司", address="长沙市")).ids[0]
    path = tmp_path / "笔记本.db"
    said: list[str] = []
    monkeypatch.setattr(flow.messages, "inform", lambda _p, _t, text, *_a: said.append(text))
    _fail_on_error(monkeypatch, said)
    monkeypatch.setattr(flow.CopyOutDialog, "exec", lambda self: 1)
    monkeypatch.setattr(flow.files, "ask_save", lambda *a, **k: path)
    flow.copy_out_flow(None)
    qtbot.waitUntil(lambda: bool(said), timeout=60000)
    assert "已带出副本" in said[0] and "不含学生个人信息" in said[0]

    copy = open_database(path)
    try:
        with copy.reader() as s:
            assert copy_info(s) is not None
        _set_address(copy, eid, "长沙市岳麓区")
    finally:
        copy.close()
    _set_address(db, eid, "长沙市雨花区")

    shown: list[flow.MergeDialog] = []
    monkeypatch.setattr(flow.files, "ask_open", lambda *a, **k: path)
    monkeypatch.setattr(flow.MergeDialog, "exec", lambda self: shown.append(self) or 0)
    flow.merge_flow(None)
    qtbot.waitUntil(lambda: bool(shown), timeout=60000)
    dialog = shown[0]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    cells = [dialog.summary.item(0, c).text() for c in range(5)]
    assert cells == ["合作企业", "", "", "", "1"]
    assert not dialog.merge_button.isEnabled() and "1 处冲突" in dialog.merge_button.toolTip()
    (box,) = dialog.choices.values()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "merge-preview.png"))
    monkeypatch.setattr(flow.QInputDialog, "getText", lambda *a, **k: ("长沙市岳麓区麓谷大道", True))
    box.setCurrentIndex(box.findText(keep))
    assert dialog.merge_button.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.No
    )
    dialog.accept()
    qtbot.waitUntil(lambda: bool(asked), timeout=60000)
    assert "处理冲突 1 处" in asked[0]
    want = {"副本中的": "长沙市岳麓区", "本数据库的": "长沙市雨花区", "自己填写…": "长沙市岳麓区麓谷大道"}
    assert _address(db, eid) == want[keep]


def test_the_copy_is_made_new_after_a_merge(ctx, qtbot, db: Database, tmp_path: Path, monkeypatch) -> None:
    import ui.offline_flow as flow
    from app.offline.copies import copy_out
    from app.offline.merge import MergeReport

    with db.session() as s:
        eid = create_enterprise(s, EnterpriseData("湖南乙电子有限公司", address="株洲市")).ids[0]
    path = tmp_path / "副本.db"
    first = copy_out(db, path)
    _set_address(db, eid, "株洲市天元区")
    said: list[str] = []
    monkeypatch.setattr(flow.messages, "inform", lambda _p, _t, text, *_a: said.append(text))
    _fail_on_error(monkeypatch, said)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    flow._offer_refresh(None, path, MergeReport(0, 0, 0, 0, 0, 0))
    qtbot.waitUntil(lambda: bool(said), timeout=60000)
    assert said[0].startswith("已更新副本"), said[0]
    copy = open_database(path)
    try:
        with copy.reader() as s:
            info = copy_info(s)
        assert info is not None and info.copy_id != first.copy_id
        assert _address(copy, eid) == "株洲市天元区"
    finally:
        copy.close()
