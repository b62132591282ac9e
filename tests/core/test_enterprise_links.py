"""An enterprise's 合作情况: highest tier, its agreements (effective status), projects (highest tier first) and
visits (newest first); records in the 回收站 left out. And the tab in the enterprise form."""

from __future__ import annotations

import datetime as dt

import pytest

from app.db.engine import Database
from app.services.agreements import AgreementData, create_agreement, delete_agreements
from app.services.enterprise_links import enterprise_cooperation
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.projects import ProjectData, create_project
from app.services.visits import VisitData, create_visit

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def linked(db: Database) -> dict[str, str]:
    with db.session() as s:
        ent = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
        other = create_enterprise(s, EnterpriseData(name="株洲恒信电气有限公司")).ids[0]
        start = dt.date(2023, 1, 1)
        base = dict(kind="框架协议", enterprise_ids=(ent,), status="生效", starts_on=start, signed_on=start)
        old = create_agreement(
            s, AgreementData(title="旧协议", number="A-1", ends_on=dt.date(2025, 12, 31), **base)
        ).ids[0]
        new = create_agreement(
            s, AgreementData(title="新协议", number="A-2", ends_on=dt.date(2028, 12, 31), **base)
        ).ids[0]
        gone = create_agreement(s, AgreementData(title="删除的", number="A-3", ends_on=None, **base)).ids[0]
        delete_agreements(s, [gone])
        create_agreement(
            s, AgreementData(title="别家的", number="B-1", kind="框架协议", enterprise_ids=(other,))
        )
        create_project(s, ProjectData(name="订单班", kind="订单培养", leader="王", enterprise_ids=(ent,)))
        create_project(
            s, ProjectData(name="产业学院", kind="现代产业学院", leader="王", enterprise_ids=(ent, other))
        )
        v1 = create_visit(
            s, VisitData(dt.date(2025, 3, 1), (ent,), "张院长", purpose="访企拓岗"), today=TODAY
        ).ids[0]
        v2 = create_visit(s, VisitData(dt.date(2026, 5, 1), (ent, other), "李书记"), today=TODAY).ids[0]
    return {"enterprise": ent, "old": old, "new": new, "v1": v1, "v2": v2}


def test_cooperation_of_one_enterprise(db: Database, linked: dict[str, str]) -> None:
    with db.reader() as s:
        c = enterprise_cooperation(s, linked["enterprise"], today=TODAY)
    assert c.tier == "融合层"
    assert [(a.id, a.detail) for a in c.agreements] == [
        (linked["new"], "框架协议 · 生效"),
        (linked["old"], "框架协议 · 到期"),  # past its end: shown as 到期
    ]
    assert [p.title for p in c.projects] == ["产业学院", "订单班"]  # highest tier first
    assert [v.id for v in c.visits] == [linked["v2"], linked["v1"]]
    assert c.visits[1].title == "访企拓岗" and c.visits[0].title == "企业走访"
    assert c.summary == "合作层级：融合层；协议 2 份；项目 2 个；走访 2 次；最近走访 2026-05-01"


def test_enterprise_without_cooperation(db: Database) -> None:
    with db.session() as s:
        eid = create_enterprise(s, EnterpriseData(name="湖南新意向有限公司")).ids[0]
    with db.reader() as s:
        c = enterprise_cooperation(s, eid)
    assert (c.tier, c.agreements, c.projects, c.visits) == ("", (), (), ())
    assert c.summary.startswith("合作层级：尚无项目")


@pytest.mark.qt
def test_tab_in_the_enterprise_form_opens_records_and_records_a_visit(
    db: Database, linked: dict[str, str], qapp, qtbot, monkeypatch
) -> None:
    from ui.dialogs.agreement_dialog import AgreementDialog
    from ui.dialogs.enterprise_dialog import EnterpriseDialog
    from ui.dialogs.visit_dialog import VisitDialog, clear_draft
    from ui.ops import DbContext, set_context

    ctx = DbContext(db)
    set_context(ctx)
    clear_draft()
    try:
        opened: list[str] = []
        monkeypatch.setattr(AgreementDialog, "exec", lambda d: opened.append(d.agreement_id) or 0)

        def visit(d: VisitDialog) -> int:
            opened.append(str((d.enterprises.ids(), d.enterprises.new_names())))
            d.leader.setText("王院长")
            d.save()
            qtbot.waitUntil(lambda: d.saved_id is not None, timeout=5000)
            return 1

        monkeypatch.setattr(VisitDialog, "exec", visit)
        dlg = EnterpriseDialog(None, linked["enterprise"])
        qtbot.addWidget(dlg)
        panel = dlg.cooperation
        assert dlg.tabs.tabText(dlg.tabs.indexOf(panel)) == "合作情况"
        assert "融合层" in panel.summary.text()
        item = next(
            panel.tree.topLevelItem(i)
            for i in range(panel.tree.topLevelItemCount())
            if panel.tree.topLevelItem(i).text(0).strip().startswith("新协议")
        )
        panel.tree.itemActivated.emit(item, 0)
        assert opened == [linked["new"]]
        panel.new_visit()
        assert opened[-1] == str(((linked["enterprise"],), ()))
        assert "走访 3 次" in panel.summary.text()  # refreshed after the visit was saved
    finally:
        ctx.wait()
        set_context(None)
        clear_draft()
