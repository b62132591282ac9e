"""资产 (H第十六条): the register, repairs confirmed by both sides, disposal, donated totals per 学年, reminders on
fixed dates, 回收站, the CLI (real SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import trash
from app.db.engine import Database
from app.db.models import AssetDisposal, AssetRepair, Major
from app.errors import AppError, ValidationError, ValidationErrors
from app.services.agreements import AgreementData, create_agreement, delete_agreements, transition_agreement
from app.services.assets import (
    AssetData,
    AssetQuery,
    DisposalData,
    RepairData,
    add_repair,
    asset_ids,
    asset_rows,
    cancel_disposal,
    confirm_repair,
    contribution_totals,
    create_asset,
    delete_assets,
    dispose_asset,
    get_asset,
    get_repair,
    restore_assets,
    school_year_bounds,
    update_asset,
)
from app.services.enterprises import EnterpriseData, create_enterprise, delete_enterprises
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from tests.cli_run import run_cli
from tests.findings import reminders, target_of

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def refs(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                "湖南某职院", "机电工程学院", (MajorGroupInfo("智能制造", ("机电一体化技术", "数控技术")),)
            ),
        )
        majors = dict(s.execute(select(Major.name, Major.id)).all())
        ent = create_enterprise(
            s, EnterpriseData(name="湖南湘江智能装备有限公司", uscc="", status="合作中")
        ).ids[0]
        other = create_enterprise(s, EnterpriseData(name="株洲精工机械有限公司", status="合作中")).ids[0]
        agr = create_agreement(
            s,
            AgreementData(
                title="实训基地共建协议",
                kind="实训基地共建",
                enterprise_ids=(ent,),
                number="JD-2025-001",
                signed_on=dt.date(2025, 3, 1),
                starts_on=dt.date(2025, 3, 1),
                ends_on=dt.date(2028, 2, 28),
                asset_clause="设备归乙方所有，合作终止后移交。",
                status="生效",
            ),
        ).ids[0]
    return {"ent": ent, "other": other, "agr": agr, **majors}


def robot(refs: dict[str, str], **kw) -> AssetData:
    values = {
        "name": "六轴工业机器人",
        "spec": "ABB IRB 1200",
        "quantity": 2,
        "unit_value_fen": 16_800_000,
        "owner": "学校",
        "contributed_by_id": refs["ent"],
        "contribution_kind": "捐赠",
        "agreement_id": refs["agr"],
        "location": "智能制造实训中心",
        "custodian": "王磊",
        "acquired_on": dt.date(2025, 10, 8),
        "major_id": refs["机电一体化技术"],
    }
    return AssetData(**{**values, **kw})


def test_register_total_and_validation(db: Database, refs: dict[str, str]) -> None:
    with db.session() as s:
        aid = create_asset(s, robot(refs)).ids[0]
        d = get_asset(s, aid)
        assert d.total_value_fen == 33_600_000 and d.status == "在用" and d.disposal is None
        with pytest.raises(ValidationErrors) as exc:
            create_asset(
                s, AssetData(name=" ", quantity=0, unit_value_fen=-1, owner="个人", contribution_kind="赞助")
            )
        assert {e.field for e in exc.value.errors} == {
            "name",
            "quantity",
            "unit_value_fen",
            "owner",
            "contribution_kind",
            "contributed_by_id",
        }
        with pytest.raises(ValidationErrors, match="须选择投入企业"):
            create_asset(s, AssetData(name="示波器", contribution_kind="捐赠"))
        with pytest.raises(ValidationErrors, match="处置请使用"):
            create_asset(s, AssetData(name="示波器", status="已处置"))
        update_asset(s, aid, robot(refs, custodian="刘强", status="维修"))
        rows = asset_rows(s, asset_ids(s))
    row = rows[aid]
    assert (row.custodian, row.status, row.contributed_by, row.agreement, row.major) == (
        "刘强", "维修", "湖南湘江智能装备有限公司", "实训基地共建协议", "机电一体化技术"
    )  # fmt: skip


def test_list_filters(db: Database, refs: dict[str, str]) -> None:
    with db.session() as s:
        a = create_asset(s, robot(refs)).ids[0]
        b = create_asset(
            s, AssetData(name="数控车床", spec="CK6150", custodian="李芳", acquired_on=dt.date(2026, 5, 1))
        ).ids[0]
        assert asset_ids(s) == [b, a]  # newest acquisition first
        assert asset_ids(s, AssetQuery(text="CK6150")) == [b]
        assert asset_ids(s, AssetQuery(enterprise_id=refs["ent"])) == [a]
        assert asset_ids(s, AssetQuery(major_id=refs["机电一体化技术"])) == [a]
        delete_assets(s, [a])
        assert asset_ids(s) == [b] and asset_ids(s, AssetQuery(deleted=True)) == [a]
        restore_assets(s, [a])
        assert len(asset_ids(s)) == 2


def test_repair_counts_only_when_both_sides_confirm(db: Database, refs: dict[str, str]) -> None:
    with db.session() as s:
        aid = create_asset(s, robot(refs)).ids[0]
        with pytest.raises(ValidationErrors) as exc:
            add_repair(s, RepairData(aid, "保养", school_confirmed_on=dt.date(2026, 3, 1)))
        assert {e.field: e.message for e in exc.value.errors} == {
            "kind": "类型应为：大修、更换",
            "school_person": "学校方确认须填写确认人",
        }
        rid = add_repair(s, RepairData(aid, "大修", "更换伺服电机", 1_280_000, dt.date(2026, 3, 1))).ids[0]
        assert not get_repair(s, rid).confirmed
        confirm_repair(s, rid, "school", "王磊", dt.date(2026, 3, 2))
        assert not get_repair(s, rid).confirmed  # one side is not enough
        confirm_repair(s, rid, "enterprise", "赵工", dt.date(2026, 3, 5))
        r = get_repair(s, rid)
        assert r.confirmed and (r.school_person, r.enterprise_person, r.cost_fen) == (
            "王磊",
            "赵工",
            1_280_000,
        )
        with pytest.raises(ValidationError, match="学校或企业"):
            confirm_repair(s, rid, "third", "某人", dt.date(2026, 3, 5))
        assert [x.confirmed for x in get_asset(s, aid).repairs] == [True]


def test_disposal_sets_status_and_can_be_cancelled(db: Database, refs: dict[str, str]) -> None:
    with db.session() as s:
        aid = create_asset(s, robot(refs)).ids[0]
        with pytest.raises(ValidationErrors) as exc:
            dispose_asset(s, DisposalData(aid, "出售", None, -1))
        assert {e.field for e in exc.value.errors} == {"method", "disposed_on", "value_fen"}
        dispose_asset(s, DisposalData(aid, "移交", dt.date(2026, 10, 1), 20_000_000, note="按协议移交企业"))
        d = get_asset(s, aid)
        assert d.status == "已处置" and d.disposal is not None
        assert (d.disposal.method, d.disposal.value_fen, d.disposal.agreement_id) == (
            "移交",
            20_000_000,
            refs["agr"],
        )
        with pytest.raises(ValidationErrors, match="已处置"):
            dispose_asset(s, DisposalData(aid, "清算", dt.date(2026, 10, 2)))
        update_asset(s, aid, robot(refs, custodian="刘强"))  # editing keeps 已处置
        assert get_asset(s, aid).status == "已处置"
        cancel_disposal(s, aid)
        assert get_asset(s, aid).status == "在用" and get_asset(s, aid).disposal is None
        with pytest.raises(AppError, match="没有处置记录"):
            cancel_disposal(s, aid)


def test_contribution_totals_per_major_and_enterprise(db: Database, refs: dict[str, str]) -> None:
    assert_bounds = (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    with db.session() as s:
        assert school_year_bounds(s, "2025-2026") == assert_bounds
        with pytest.raises(ValidationError, match="应如 2025-2026"):
            school_year_bounds(s, "2025-2027")
        create_asset(s, robot(refs))  # 捐赠 2 × ¥168,000 = ¥336,000, 机电
        create_asset(s, robot(refs, name="数控车床", quantity=1, unit_value_fen=9_612_345, contribution_kind="准捐赠",
                              owner="企业", major_id=refs["数控技术"], acquired_on=dt.date(2026, 8, 31)))  # fmt: skip
        create_asset(s, robot(refs, name="PLC实训台", quantity=3, unit_value_fen=2_850_000, major_id=None,
                              contributed_by_id=refs["other"], agreement_id=None))  # fmt: skip
        create_asset(s, robot(refs, name="去年的", acquired_on=dt.date(2025, 8, 31)))  # previous 学年
        create_asset(s, robot(refs, name="其他投入", contribution_kind="其他"))
        create_asset(
            s, AssetData(name="学校自购", unit_value_fen=100_000_000, acquired_on=dt.date(2026, 1, 1))
        )
        gone = create_asset(s, robot(refs, name="已删除")).ids[0]
        delete_assets(s, [gone])
        totals = contribution_totals(s, "2025-2026")
    majors = {t.name: (t.donated_fen, t.quasi_donated_fen) for t in totals.by_major}
    assert majors == {
        "机电一体化技术": (33_600_000, 0),
        "数控技术": (0, 9_612_345),
        "未指定专业": (8_550_000, 0),
    }
    assert totals.by_major[-1].key_id is None  # the assets without a major come last
    ents = {t.name: (t.uscc, t.donated_wan, t.quasi_donated_wan) for t in totals.by_enterprise}
    assert ents == {
        "湖南湘江智能装备有限公司": ("", Decimal("33.6"), Decimal("9.612345")),
        "株洲精工机械有限公司": ("", Decimal("8.55"), Decimal(0)),
    }


def test_reminders_on_fixed_dates(db: Database, refs: dict[str, str]) -> None:
    with db.session() as s:
        kept = create_asset(s, robot(refs)).ids[0]
        done = create_asset(s, robot(refs, name="已移交")).ids[0]
        nobody = create_asset(s, AssetData(name="示波器", custodian="")).ids[0]
        scrapped = create_asset(s, AssetData(name="旧电脑", custodian="")).ids[0]
        dispose_asset(s, DisposalData(scrapped, "清算", dt.date(2026, 1, 1)))
    with db.reader() as s:
        before = {r.rule for r in reminders(s, TODAY)}
    assert "ASSET-DISPOSAL" not in before  # the agreement is still 生效
    with db.session() as s:
        transition_agreement(s, refs["agr"], "终止", reason="企业搬迁", today=TODAY)
        dispose_asset(s, DisposalData(done, "移交", TODAY))
    with db.reader() as s:
        found = reminders(s, TODAY)
        undisposed = [r for r in found if r.rule == "ASSET-DISPOSAL"]
        custody = [r for r in found if r.rule == "ASSET-CUSTODIAN"]
        assert [(r.record_type, r.record_id, r.source) for r in undisposed] == [
            ("asset", kept, "H第十六条(三)")
        ]
        assert undisposed[0].due == dt.datetime.now(dt.UTC).date()  # the day it was terminated
        assert "实训基地共建协议（JD-2025-001）" in undisposed[0].message
        assert [(r.record_id, r.source) for r in custody] == [(nobody, "H第十六条(二)")]
        assert target_of(s, custody[0]).record_type == "asset"
    with db.session() as s:  # an asset in the 回收站 is not reminded of
        delete_assets(s, [kept, nobody])
    with db.reader() as s:
        assert not {"ASSET-DISPOSAL", "ASSET-CUSTODIAN"} & {r.rule for r in reminders(s, TODAY)}


def test_trash_purge_and_references(db: Database, refs: dict[str, str]) -> None:
    with db.session() as s:
        aid = create_asset(s, robot(refs)).ids[0]
        add_repair(s, RepairData(aid, "更换", "更换示教器"))
        dispose_asset(s, DisposalData(aid, "折价补偿", dt.date(2026, 9, 1), 5_000_000))
        delete_agreements(s, [refs["agr"]])
        delete_enterprises(s, [refs["ent"]])
        with pytest.raises(AppError, match="协议“实训基地共建协议”仍被1项资产引用"):
            trash.purge_items(s, "agreement", [refs["agr"]])
    with db.session() as s:
        with pytest.raises(AppError, match="仍被1项资产引用"):
            trash.purge_items(s, "enterprise", [refs["ent"]])
    with db.session() as s:
        delete_assets(s, [aid])
    with db.reader() as s:
        (row,) = trash.trash_rows(s, "asset")
        assert row.title == "六轴工业机器人 ABB IRB 1200" and row.detail == "已处置  王磊"
        assert trash.kind_of("asset").label == "资产"
    with db.session() as s:
        assert trash.purge_items(s, "asset", [aid]).ids == (aid,)
        for model in (AssetRepair, AssetDisposal):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        trash.purge_items(s, "agreement", [refs["agr"]])
        trash.purge_items(s, "enterprise", [refs["ent"]])


def test_cli_assets_list_json(db: Database, db_path: Path, refs: dict[str, str]) -> None:
    with db.session() as s:
        aid = create_asset(s, robot(refs)).ids[0]
    db.close()
    out = run_cli("assets", "list", "--db", str(db_path), "--json")
    assert out.returncode == 0, out.stderr
    (item,) = json.loads(out.stdout)
    assert item["id"] == aid and item["total_value_fen"] == 33_600_000 and item["acquired_on"] == "2025-10-08"
    assert (item["owner"], item["contribution_kind"], item["custodian"], item["status"]) == (
        "学校",
        "捐赠",
        "王磊",
        "在用",
    )
    text = run_cli("assets", "list", "--db", str(db_path))
    assert text.returncode == 0 and "共 1 项资产" in text.stdout


def test_self_made_round_trip_and_not_donated(db: Database, refs: dict[str, str]) -> None:
    """自主研制 is kept, listed and changed; a self-made device cannot also be an enterprise's 捐赠 / 准捐赠."""
    with db.session() as s:
        rig = create_asset(
            s,
            AssetData(
                name="PLC综合实训台", unit_value_fen=2_850_000, location="智能制造实训中心", self_made=True
            ),
        ).ids[0]
        assert get_asset(s, rig).self_made and asset_rows(s, [rig])[rig].self_made
        for kind in ("捐赠", "准捐赠"):
            with pytest.raises(ValidationErrors) as exc:
                create_asset(s, robot(refs, contribution_kind=kind, self_made=True))
            (err,) = exc.value.errors
            assert err.field == "self_made" and f"不会是企业{kind}的" in err.message
        other = create_asset(s, robot(refs, contribution_kind="其他", self_made=True)).ids[0]
        assert get_asset(s, other).self_made
        update_asset(s, rig, AssetData(name="PLC综合实训台", unit_value_fen=2_850_000))
        assert not get_asset(s, rig).self_made
        assert not get_asset(s, create_asset(s, robot(refs)).ids[0]).self_made  # the default
