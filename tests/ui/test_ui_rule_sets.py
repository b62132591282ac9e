"""设置 → 合规检查依据 (ui/rule_sets_panel.py) over a real database (pytest-qt): it shows the stored choice,
says which rules a choice leaves out before it is saved, saves in one transaction with a change notice, and
load/save work on a caller's session; a screenshot for the eye."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.rule_sets import get_rule_preset, rules_off, save_rule_preset

pytestmark = pytest.mark.qt


def panel(qtbot):
    from ui.rule_sets_panel import RuleSetsPanel

    p = RuleSetsPanel()
    qtbot.addWidget(p)
    p.resize(640, 320)
    p.show()
    return p


def test_choice_shown_changed_and_saved(ctx, qtbot, db, tmp_path: Path) -> None:
    with db.session() as s:
        save_rule_preset(s, "N")
    p = panel(qtbot)
    p.reload()
    qtbot.waitUntil(lambda: p.buttons["N"].isChecked(), timeout=5000)
    assert p.buttons["N"].text() == "《海南职业技术学院关于深化产教融合校企合作工作的实施意见（试行）》"
    assert (
        p.off.text().startswith(f"不检查的规则（{len(rules_off('N'))}条）：") and "一年未走访" in p.off.text()
    )
    assert p.status.text() == ""
    p.buttons[""].setChecked(True)  # none: every rule of both policies is left out, before saving
    assert f"（{len(rules_off(''))}条）" in p.off.text() and p.status.text() == "尚未保存"
    with qtbot.waitSignal(ctx.changes_applied, timeout=5000) as notice:
        p.save_button.click()
    assert notice.args[0].table == "settings"
    qtbot.waitUntil(lambda: p.status.text() == "已保存", timeout=5000)
    with db.reader() as s:
        assert get_rule_preset(s) == ""
    p.grab().save(str(tmp_path / "rule_sets_panel.png"))


def test_load_and_save_on_a_callers_session(ctx, qtbot, db) -> None:
    p = panel(qtbot)
    with db.reader() as s:
        p.load(s)
    assert p.buttons["H"].isChecked()  # the default
    assert "教师企业实践不足" in p.off.text()
    p.buttons["N"].setChecked(True)
    with db.session() as s:
        p.save(s)
    with db.reader() as s:
        assert get_rule_preset(s) == "N"
