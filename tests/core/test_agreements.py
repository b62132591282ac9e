"""合作协议: validation, lifecycle (legal / illegal moves, stamps), automatic 到期, listing, 回收站, audit, CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.engine import Database, open_database
from app.db.models import AuditLog
from app.errors import AppError, ValidationError, ValidationErrors
from app.services.agreement_list import (
    AgreementQuery,
    agreement_ids,
    agreement_rows,
    count_agreements,
    status_counts,
)
from app.services.agreements import (
    TRANSITIONS,
    AgreementData,
    allowed_transitions,
    create_agreement,
    delete_agreements,
    effective_status,
    get_agreement,
    restore_agreements,
    transition_agreement,
    update_agreement,
)
from app.services.enterprise_list import enterprise_ids
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises, purge_enterprises
from tests.cli_run import run_cli
from tests.findings import reminders

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def ents(db: Database) -> tuple[str, str]:
    with db.session() as s:
        a = create_enterprise(s, EnterpriseData(name="湖南湘江智能装备有限公司", status="合作中")).ids[0]
        b = create_enterprise(s, EnterpriseData(name="株洲恒信电气有限公司", status="合作中")).ids[0]
    return a, b


def data(ents: tuple[str, ...], **kw: object) -> AgreementData:
    base = dict(
        title="校企合作框架协议",
        kind="框架协议",
        enterprise_ids=ents,
        number="JD-2026-001",
        signed_on=dt.date(2026, 3, 1),
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2029, 2, 28),
    )
    base.update(kw)
    return AgreementData(**base)  # type: ignore[arg-type]


def create(db: Database, d: AgreementData) -> str:
    with db.session() as s:
        return create_agreement(s, d).ids[0]


def errors_of(exc: pytest.ExceptionInfo[ValidationErrors]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


def test_create_and_get(db: Database, ents: tuple[str, str]) -> None:
    aid = create(db, data(ents, revenue_clause="  收益按投入比例分配  "))
    with db.reader() as s:
        d = get_agreement(s, aid, today=TODAY)
    assert d.status == d.effective_status == "草稿"
    assert d.enterprise_ids == ents and d.enterprise_names == (
        "湖南湘江智能装备有限公司",
        "株洲恒信电气有限公司",
    )
    assert d.has_revenue_clause and d.revenue_clause == "收益按投入比例分配" and not d.has_asset_clause
    assert [(t.from_status, t.to_status, t.remark) for t in d.transitions] == [("", "草稿", "新建")]
    assert d.allowed == ("学院审核",)


def test_validation_messages_name_the_field(db: Database, ents: tuple[str, str]) -> None:
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_agreement(
            s,
            data(
                (),
                title=" ",
                kind="买卖合同",
                starts_on=dt.date(2026, 3, 1),
                ends_on=dt.date(2026, 2, 1),
                signed_on=dt.date(2026, 2, 2),
            ),
        )
    errs = errors_of(exc)
    assert errs["title"] == "协议名称不能为空"
    assert errs["kind"].startswith("协议类型应为：框架协议")
    assert errs["enterprise_ids"] == "请至少选择一家合作企业"
    assert errs["ends_on"] == "结束日期不能早于开始日期"
    assert errs["signed_on"] == "签订日期不能晚于结束日期"


def test_signed_after_start_is_allowed(db: Database, ents: tuple[str, str]) -> None:
    create(db, data(ents, signed_on=dt.date(2026, 4, 15)))  # 补签


def test_number_unique_even_in_the_trash(db: Database, ents: tuple[str, str]) -> None:
    aid = create(db, data(ents))
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_agreement(s, data(ents[:1], title="另一份协议"))
    assert errors_of(exc)["number"] == "协议编号“JD-2026-001”已被协议“校企合作框架协议”使用"
    with db.session() as s:
        delete_agreements(s, [aid])
    with pytest.raises(ValidationErrors, match="在回收站中"), db.session() as s:
        create_agreement(s, data(ents[:1], title="另一份协议"))
    with db.session() as s:  # the agreement itself keeps its number on update
        restore_agreements(s, [aid])
        update_agreement(s, aid, data(ents, title="新名称"))
    create(db, data(ents, number=""))  # drafts may have no number yet
    create(db, data(ents, number=""))


def test_enterprises_must_be_live(db: Database, ents: tuple[str, str]) -> None:
    with db.session() as s:
        delete_enterprises(s, [ents[1]])
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_agreement(s, data(ents))
    assert errors_of(exc)["enterprise_ids"] == "有1家所选企业不存在或已在回收站中"


def test_lifecycle_legal_path_is_stamped(db: Database, ents: tuple[str, str]) -> None:
    aid = create(db, data(ents))
    with db.session() as s:
        transition_agreement(s, aid, "学院审核", remark="提交审核")
        transition_agreement(s, aid, "草稿", remark="退回修改收益条款")
        transition_agreement(s, aid, "学院审核")
        transition_agreement(s, aid, "学校审定")
        transition_agreement(s, aid, "生效", remark="领导小组审定通过")
        transition_agreement(s, aid, "终止", reason="企业整体搬迁出省")
    with db.reader() as s:
        d = get_agreement(s, aid, today=TODAY)
    assert d.status == "终止" and d.termination_reason == "企业整体搬迁出省" and d.allowed == ()
    steps = [(t.from_status, t.to_status) for t in d.transitions]
    assert steps == [
        ("", "草稿"),
        ("草稿", "学院审核"),
        ("学院审核", "草稿"),
        ("草稿", "学院审核"),
        ("学院审核", "学校审定"),
        ("学校审定", "生效"),
        ("生效", "终止"),
    ]
    assert d.transitions[2].remark == "退回修改收益条款" and d.transitions[-1].remark == "企业整体搬迁出省"
    assert all(t.at.tzinfo is not None and t.os_user == d.transitions[0].os_user for t in d.transitions)


@pytest.mark.parametrize(
    ("path", "to"),
    [((), "生效"), ((), "学校审定"), (("学院审核",), "生效"), (("学院审核", "学校审定", "生效"), "学院审核")],
)
def test_illegal_transitions_refused(
    db: Database, ents: tuple[str, str], path: tuple[str, ...], to: str
) -> None:
    aid = create(db, data(ents))
    with db.session() as s:
        for step in path:
            transition_agreement(s, aid, step)
    with (
        pytest.raises(ValidationError, match=f"不能从“{path[-1] if path else '草稿'}”变为“{to}”"),
        db.session() as s,
    ):
        transition_agreement(s, aid, to)


def test_transition_table_is_what_is_offered() -> None:
    assert allowed_transitions("草稿") == ("学院审核",)
    assert allowed_transitions("生效") == ("到期", "终止")
    assert allowed_transitions("到期") == allowed_transitions("终止") == ()
    assert all(to in TRANSITIONS for targets in TRANSITIONS.values() for to in targets)


def test_terminate_needs_reason_and_effect_needs_number(db: Database, ents: tuple[str, str]) -> None:
    aid = create(db, data(ents, number="", signed_on=None))
    with db.session() as s:
        transition_agreement(s, aid, "学院审核")
        transition_agreement(s, aid, "学校审定")
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        transition_agreement(s, aid, "生效")
    assert set(errors_of(exc)) == {"number", "signed_on"}
    live = create(db, data(ents, status="生效", number="JD-2"))
    with pytest.raises(ValidationErrors, match="终止协议须填写终止原因"), db.session() as s:
        transition_agreement(s, live, "终止", reason="  ")
    with pytest.raises(ValidationErrors, match="尚未到结束日期"), db.session() as s:
        transition_agreement(s, live, "到期", today=TODAY)
    with db.session() as s:
        transition_agreement(s, live, "到期", today=dt.date(2029, 3, 1))
        assert get_agreement(s, live).status == "到期"


def test_new_agreement_only_draft_or_effective(db: Database, ents: tuple[str, str]) -> None:
    with pytest.raises(ValidationErrors, match="新协议的状态应为草稿"), db.session() as s:
        create_agreement(s, data(ents, status="学校审定"))
    with pytest.raises(ValidationErrors, match="生效的协议须填写签订日期"), db.session() as s:
        create_agreement(s, data(ents, status="生效", signed_on=None))


def test_automatic_expiry_with_injected_today(db: Database, ents: tuple[str, str]) -> None:
    ends = dt.date(2026, 12, 31)
    aid = create(db, data(ents, status="生效", ends_on=ends))
    assert effective_status("生效", ends, ends) == "生效"  # the end day is still in force
    assert effective_status("生效", ends, ends + dt.timedelta(days=1)) == "到期"
    assert effective_status("生效", None, dt.date(2100, 1, 1)) == "生效"
    assert effective_status("终止", ends, dt.date(2100, 1, 1)) == "终止"
    later = dt.date(2027, 1, 1)
    with db.reader() as s:
        assert get_agreement(s, aid, today=later).effective_status == "到期"
        assert get_agreement(s, aid, today=later).status == "生效"
        assert agreement_ids(s, AgreementQuery(status="到期"), today=later) == [aid]
        assert agreement_ids(s, AgreementQuery(status="生效"), today=later) == []
        assert agreement_ids(s, AgreementQuery(status="生效"), today=ends) == [aid]
        assert agreement_rows(s, [aid], today=later)[aid].status == "到期"
        assert status_counts(s, today=later)["到期"] == 1
        assert status_counts(s, today=ends)["生效"] == 1


def test_listing_expiring_search_and_rows(db: Database, ents: tuple[str, str]) -> None:
    soon = create(db, data(ents, status="生效", number="A-1", ends_on=TODAY + dt.timedelta(days=30)))
    later = create(db, data(ents[1:], status="生效", number="A-2", title="订单班协议", kind="订单培养",
                            ends_on=TODAY + dt.timedelta(days=31)))  # fmt: skip
    create(db, data(ents, number="A-3", ends_on=TODAY + dt.timedelta(days=5)))  # a draft: not expiring
    with db.reader() as s:
        assert agreement_ids(s, AgreementQuery(expiring_within=30), today=TODAY) == [soon]
        assert agreement_ids(s, AgreementQuery(expiring_within=31), today=TODAY) == [soon, later]
        assert agreement_ids(s, AgreementQuery(text="恒信 订单"), today=TODAY) == [later]
        assert agreement_ids(s, AgreementQuery(text="A-1"), today=TODAY) == [soon]
        assert agreement_ids(s, AgreementQuery(enterprise_id=ents[0]), today=TODAY)[:1] != [later]
        assert count_agreements(s, AgreementQuery(kind="订单培养"), today=TODAY) == 1
        row = agreement_rows(s, [soon], today=TODAY)[soon]
    assert row.days_left == 30 and row.enterprises == "湖南湘江智能装备有限公司、株洲恒信电气有限公司"


def test_soft_delete_restore_and_audit(db: Database, ents: tuple[str, str]) -> None:
    aid = create(db, data(ents))
    with db.session() as s:
        transition_agreement(s, aid, "学院审核")
        assert delete_agreements(s, [aid]).ids == (aid,)
    with db.reader() as s:
        assert agreement_ids(s) == [] and agreement_ids(s, AgreementQuery(deleted=True)) == [aid]
    with pytest.raises(AppError, match="回收站"), db.session() as s:
        transition_agreement(s, aid, "学校审定")
    with db.session() as s:
        restore_agreements(s, [aid])
    with db.reader() as s:
        assert agreement_ids(s) == [aid]
        log = s.execute(
            select(AuditLog.table_name, AuditLog.action, AuditLog.changes)
            .where(AuditLog.record_id == aid)
            .order_by(AuditLog.at)
        ).all()
    actions = [a for t, a, _ in log if t == "agreement"]
    assert actions == ["insert", "update", "delete", "restore"]
    inserted = log[0][2]
    assert inserted["enterprise_links"] == sorted(ents) and inserted["status"] == "草稿"
    assert log[1][2]["status"] == ["草稿", "学院审核"]


def test_update_changes_enterprises(db: Database, ents: tuple[str, str]) -> None:
    aid = create(db, data(ents))
    with db.session() as s:
        update_agreement(s, aid, data((ents[1],), title="改名"))
    with db.reader() as s:
        d = get_agreement(s, aid)
        change = s.scalars(
            select(AuditLog.changes).where(AuditLog.record_id == aid, AuditLog.action == "update")
        ).one()
    assert d.enterprise_ids == (ents[1],) and d.title == "改名"
    assert change["enterprise_links"] == [sorted(ents), [ents[1]]]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args)


def test_cli_agreements_list_json(db: Database, db_path: Path, ents: tuple[str, str]) -> None:
    soon = create(db, data(ents, status="生效", number="A-1", ends_on=dt.date(2026, 12, 20)))
    create(db, data(ents, status="生效", number="A-2", ends_on=dt.date(2027, 6, 1)))
    db.close()
    out = _cli(
        "agreements", "list", "--db", str(db_path), "--expiring", "30", "--today", "2026-11-23", "--json"
    )
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert [i["id"] for i in items] == [soon]
    assert (
        items[0]["ends_on"] == "2026-12-20" and items[0]["days_left"] == 27 and items[0]["status"] == "生效"
    )
    everything = json.loads(_cli("agreements", "list", "--db", str(db_path), "--json").stdout)
    assert len(everything) == 2 and all("id" in i for i in everything)
    text = _cli("agreements", "list", "--db", str(db_path), "--today", "2026-11-23")
    assert "共 2 份协议" in text.stdout
    bad = _cli("agreements", "list", "--db", str(db_path), "--expiring", "abc")
    assert bad.returncode == 2 and "天数" in bad.stderr


def test_detail_is_frozen(db: Database, ents: tuple[str, str]) -> None:
    aid = create(db, data(ents))
    with db.reader() as s:
        d = get_agreement(s, aid)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.title = "x"  # type: ignore[misc]


def test_an_enterprise_named_by_an_agreement_is_not_purged(db: Database, ents: tuple[str, str]) -> None:
    create(db, data(ents[:1]))
    with db.session() as s:
        delete_enterprises(s, list(ents))
    with (
        pytest.raises(AppError, match="企业“湖南湘江智能装备有限公司”仍被1份协议引用，不能彻底删除"),
        db.session() as s,
    ):
        purge_enterprises(s, list(ents))
    with db.session() as s:  # the other one goes
        assert purge_enterprises(s, [ents[1]]).ids == (ents[1],)


def test_an_upgraded_old_database_takes_agreements(tmp_path: Path) -> None:
    path = tmp_path / "旧库" / "chanjiao.db"
    path.parent.mkdir()
    shutil.copyfile(Path(__file__).resolve().parents[1] / "fixtures" / "schema_0001.db", path)
    old = open_database(path)
    try:
        with old.session() as s:
            eid = enterprise_ids(s)[0]
            aid = create_agreement(s, data((eid,), status="生效", ends_on=TODAY + dt.timedelta(days=10))).ids[
                0
            ]
        with old.reader() as s:
            assert [r.record_id for r in reminders(s, TODAY) if r.rule == "AGR-EXPIRING-30"] == [aid]
    finally:
        old.close()


def test_signed_scan_attaches_to_an_agreement(db: Database, ents: tuple[str, str], tmp_path: Path) -> None:
    from app.services.attachments import add_attachment, list_attachments

    scan = tmp_path / "协议扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 signed")
    aid = create(db, data(ents))
    with db.session() as s:
        add_attachment(s, "agreement", aid, scan, kind="签字盖章扫描件")
    with db.reader() as s:
        [info] = list_attachments(s, "agreement", aid)
    assert info.original_name == "协议扫描件.pdf"


def test_history_names_fields_enterprises_and_files(
    db: Database, ents: tuple[str, str], tmp_path: Path
) -> None:
    from app.services.agreements import agreement_history
    from app.services.attachments import add_attachment

    scan = tmp_path / "签字扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4")
    with db.session() as s:
        aid = create_agreement(s, data(ents[:1])).ids[0]
    with db.session() as s:
        update_agreement(s, aid, data(ents, title="校企合作框架协议（修订）"))
        add_attachment(s, "agreement", aid, scan)
    with db.session() as s:
        transition_agreement(s, aid, "学院审核")
    with db.reader() as s:
        text = "\n".join(h.summary for h in agreement_history(s, aid))
    assert "新建协议" in text
    assert "协议名称：校企合作框架协议 → 校企合作框架协议(修订)" in text
    assert "合作企业：湖南湘江智能装备有限公司 → " in text
    assert "株洲恒信电气有限公司" in text  # ids, not names, are logged: shown as names
    assert "添加附件“签字扫描件.pdf”" in text
    assert "状态：草稿 → 学院审核" in text
