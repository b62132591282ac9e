"""合作企业 services on a real SQLite file: validation, writing, listing, 回收站, attachments, audit."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.engine import Database, open_database
from app.db.models import AuditLog, Contact, Enterprise, EnterpriseCategory
from app.demo import _Generator
from app.domain.codes import uscc_check_char
from app.domain.phones import CONTACT_RULE
from app.errors import Cancelled, NotFound, ValidationErrors
from app.services import blobs
from app.services.attachments import add_attachment, list_attachments
from app.services.enterprise_list import (
    EnterpriseQuery,
    count_enterprises,
    enterprise_ids,
    enterprise_rows,
    facets,
)
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    KnownEnterprises,
    add_enterprises,
    check_enterprise,
    check_fields,
    create_enterprise,
    delete_enterprises,
    get_enterprise,
    normalized,
    purge_enterprises,
    restore_enterprises,
    update_enterprise,
)
from app.services.history import record_history
from tests.core.test_attachment_blobs import stored


def code(body: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    assert len(body) == 17
    return body + uscc_check_char(body)


XJ_CODE = code("91430104MA4L12345")
XJ = EnterpriseData(
    name="湖南湘江智能装备有限公司",
    uscc=XJ_CODE,
    short_name="湘江智能",
    industry="智能制造",
    region="长沙市岳麓区",
    address="湖南省长沙市岳麓区麓谷大道100号",
    scale="中型",
    categories=("行业龙头企业", "校友企业"),
    status="合作中",
    cooperation_start=dt.date(2019, 9, 1),
    contacts=(
        ContactData(name="欧阳明", title="人力资源部经理", phone="13973112345", email="oym@xjzn.com"),
        ContactData(name="李娜", title="技术总监", phone="0731-88880000"),
    ),
)


def create(db: Database, data: EnterpriseData) -> str:
    with db.session() as s:
        return create_enterprise(s, data).ids[0]


def ids(db: Database, **query: object) -> list[str]:
    with db.reader() as s:
        return enterprise_ids(s, EnterpriseQuery(**query))  # type: ignore[arg-type]


def errors_of(exc: pytest.ExceptionInfo[ValidationErrors]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


# ---------------------------------------------------------------- create / update / get


def test_create_and_get(db: Database) -> None:
    eid = create(db, XJ)
    with db.reader() as s:
        d = get_enterprise(s, eid)
        row = s.get(Enterprise, eid)
        assert row.name_key == "湖南湘江智能装备有限公司"
        assert row.pinyin_initials == "hnxjznzbyxgs xjzn"
        assert row.pinyin_full.startswith("hunanxiangjiang")
    assert (d.name, d.uscc, d.short_name, d.industry, d.region, d.scale) == (
        XJ.name, XJ_CODE, "湘江智能", "智能制造", "长沙市岳麓区", "中型",
    )  # fmt: skip
    assert set(d.categories) == {"行业龙头企业", "校友企业"}
    assert [c.name for c in d.contacts] == ["欧阳明", "李娜"]
    assert all(c.id for c in d.contacts)
    assert d.cooperation_start == dt.date(2019, 9, 1) and not d.uscc_confirmed
    assert d.created_at and d.created_at.tzinfo is not None


def test_create_normalises_input(db: Database) -> None:
    eid = create(
        db,
        EnterpriseData(
            name="  湖南　湘江  物流有限公司 ",
            uscc=" " + code("91430100MA4Q00001").lower() + "\u3000",
            categories=("校友企业", "校友企业"),
            contacts=(ContactData(name=""), ContactData(name=" 张三 ", phone="139 0000 1111")),
        ),
    )
    with db.reader() as s:
        d = get_enterprise(s, eid)
    assert d.name == "湖南 湘江 物流有限公司"
    assert d.uscc == code("91430100MA4Q00001")
    assert d.categories == ("校友企业",)
    assert [(c.name, c.phone) for c in d.contacts] == [("张三", "139 0000 1111")]


def test_update_keeps_contact_ids_and_replaces_the_rest(db: Database) -> None:
    eid = create(db, XJ)
    with db.reader() as s:
        before = get_enterprise(s, eid)
    kept = before.contacts[0]
    new = EnterpriseData(
        **{
            **{f: getattr(before, f) for f in EnterpriseData.__dataclass_fields__},
            "name": "湖南湘江智能科技有限公司",
            "categories": ("上市公司",),
            "contacts": (ContactData(name=kept.name, title="副总经理", phone=kept.phone, id=kept.id),),
        }
    )
    with db.session() as s:
        update_enterprise(s, eid, new)
    with db.reader() as s:
        after = get_enterprise(s, eid)
        assert s.scalar(select(func.count()).select_from(Contact)) == 1
    assert after.name == "湖南湘江智能科技有限公司"
    assert after.categories == ("上市公司",)
    assert [(c.id, c.title) for c in after.contacts] == [(kept.id, "副总经理")]


def test_get_missing_raises_not_found(db: Database) -> None:
    with pytest.raises(NotFound), db.reader() as s:
        get_enterprise(s, "no-such-id")


def test_several_errors_at_once(db: Database) -> None:
    bad = EnterpriseData(
        name="",
        uscc="123",
        scale="超大",
        status="合作",
        categories=("独角兽",),
        contacts=(ContactData(name="", phone="13900000000"), ContactData(name="王五", phone="电话见名片")),
    )
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_enterprise(s, bad)
    fields = [e.field for e in exc.value.errors]
    assert {"name", "uscc", "scale", "status", "categories", "contacts"} <= set(fields)
    assert "18位" in errors_of(exc)["uscc"]
    phone = [e.message for e in exc.value.errors if getattr(e, "part", "") == "phone"]
    assert phone == [f"联系人“王五”的电话格式不对：{CONTACT_RULE}"]  # which contact, never the number itself


# ---------------------------------------------------------------- duplicates and codes


def test_duplicate_code_refused_naming_the_enterprise(db: Database) -> None:
    create(db, XJ)
    other = EnterpriseData(name="长沙另一家公司", uscc=XJ_CODE.lower())
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_enterprise(s, other)
    message = errors_of(exc)["uscc"]
    assert "湖南湘江智能装备有限公司" in message and "回收站" not in message


def test_duplicate_code_in_recycle_bin_says_so(db: Database) -> None:
    eid = create(db, XJ)
    with db.session() as s:
        delete_enterprises(s, [eid])
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_enterprise(s, EnterpriseData(name="长沙另一家公司", uscc=XJ_CODE))
    message = errors_of(exc)["uscc"]
    assert "湖南湘江智能装备有限公司" in message and "回收站" in message


def test_update_may_keep_its_own_code(db: Database) -> None:
    eid = create(db, XJ)
    with db.session() as s:
        changes = update_enterprise(s, eid, XJ)
    assert changes.ids == (eid,) and not changes.warnings


@pytest.mark.parametrize(
    "variant",
    ["湖南 湘江智能装备有限公司", "湖南湘江智能装备有限公司 ", "湖南湘江智能装备有限公司\u3000"],
)
def test_same_name_after_normalisation_warns(db: Database, variant: str) -> None:
    create(db, XJ)
    with db.session() as s:
        changes = create_enterprise(s, EnterpriseData(name=variant))
    assert changes.warnings and "湖南湘江智能装备有限公司" in changes.warnings[0]


def test_brackets_and_width_count_as_the_same_name(db: Database) -> None:
    create(db, EnterpriseData(name="ABC智能（长沙）有限公司"))
    with db.reader() as s:
        check = check_enterprise(s, EnterpriseData(name="ＡＢＣ智能(长沙) 有限公司"))
        assert not check.errors
        assert [w.field for w in check.warnings] == ["name"] and check.warnings[0].warning_only
        assert not check_enterprise(s, EnterpriseData(name="ABC智能（株洲）有限公司")).warnings


def test_deleted_namesake_does_not_warn(db: Database) -> None:
    eid = create(db, XJ)
    with db.session() as s:
        delete_enterprises(s, [eid])
    with db.reader() as s:
        assert not check_enterprise(s, EnterpriseData(name=XJ.name)).warnings


def test_failed_check_char_needs_confirmation(db: Database) -> None:
    good = code("91430100MA4Q00002")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_enterprise(s, EnterpriseData(name="老代码公司", uscc=bad))
    assert "营业执照" in errors_of(exc)["uscc"]
    eid = create(db, EnterpriseData(name="老代码公司", uscc=bad, uscc_confirmed=True))
    with db.reader() as s:
        d = get_enterprise(s, eid)
        assert d.uscc == bad and d.uscc_confirmed  # the visible flag is kept
        rows = enterprise_rows(s, [eid])
        assert rows[eid].uscc_confirmed


def test_confirmation_of_a_valid_code_is_not_stored(db: Database) -> None:
    eid = create(db, EnterpriseData(name="新公司", uscc=code("91430100MA4Q00003"), uscc_confirmed=True))
    with db.reader() as s:
        assert not get_enterprise(s, eid).uscc_confirmed


@pytest.mark.parametrize("raw", ["91430100MA4Q0000I1", "91430100MA4Q0000Z1", "9143010OMA4Q000011"])
def test_forbidden_characters_refused_even_when_confirmed(db: Database, raw: str) -> None:
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_enterprise(s, EnterpriseData(name="某公司", uscc=raw, uscc_confirmed=True))
    assert "不允许的字符" in errors_of(exc)["uscc"]


FIELD_CASES = [
    EnterpriseData(name=""),
    EnterpriseData(name="长" * 201),
    EnterpriseData(name="甲", uscc="123"),
    EnterpriseData(name="甲", uscc=XJ_CODE[:10] + "O" + XJ_CODE[11:]),
    EnterpriseData(name="甲", status="合作过", scale="超大", categories=("独角兽", "上市公司")),
    EnterpriseData(name="甲", status="已解除"),
    EnterpriseData(
        name="甲", contacts=(ContactData(name="", phone="139"), ContactData(name="乙", phone="x"))
    ),
    EnterpriseData(name=" 甲 ", uscc=XJ_CODE.lower(), status=" 合作中 ", categories=("校友企业", "校友企业")),
]


@pytest.mark.parametrize("data", FIELD_CASES)
def test_check_enterprise_on_an_empty_database_is_check_fields(db: Database, data: EnterpriseData) -> None:
    with db.reader() as s:
        service = [(e.field, e.message) for e in check_enterprise(s, data).errors]
    assert [(e.field, e.message) for e in check_fields(normalized(data))] == service


def test_contact_errors_say_which_contact_and_part() -> None:
    d = normalized(FIELD_CASES[6])
    assert [(e.field, e.number, e.part) for e in check_fields(d)] == [  # type: ignore[attr-defined]
        ("contacts", 1, "name"),
        ("contacts", 1, "phone"),  # 139: three digits are no phone number
        ("contacts", 2, "phone"),
    ]


def test_full_lookup_and_one_record_lookup_agree(db: Database) -> None:
    eid = create(db, XJ)
    gone = create(db, EnterpriseData(name="湖南已删科技有限公司", uscc=code("91430100MA4Q00011")))
    with db.session() as s:
        delete_enterprises(s, [gone])
    candidates = [
        EnterpriseData(name="长沙另一家公司", uscc=XJ_CODE),
        EnterpriseData(name="湖南已删科技有限公司", uscc=code("91430100MA4Q00011")),
        EnterpriseData(name="湖南湘江智能装备有限公司"),
        EnterpriseData(name="毫不相干的公司", uscc=code("91430100MA4Q00012")),
    ]
    with db.reader() as s:
        everything = KnownEnterprises.load(s)
        for d in map(normalized, candidates):
            one = KnownEnterprises.load(s, like=d)
            for ask in (KnownEnterprises.code_clash, KnownEnterprises.same_name):
                a, b = ask(everything, d), ask(one, d)
                assert (a and a.message) == (b and b.message), d
        assert KnownEnterprises.load(s, like=normalized(XJ), exclude_id=eid) == KnownEnterprises({}, {})
    assert "回收站" in everything.code_clash(normalized(candidates[1])).message  # type: ignore[union-attr]
    assert everything.same_name(normalized(candidates[1])) is None  # deleted names do not warn


# ---------------------------------------------------------------- status


def test_ended_without_reason_refused(db: Database) -> None:
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_enterprise(s, EnterpriseData(name="某公司", status="已解除"))
    assert "解除合作须填写原因" in errors_of(exc)["status_reason"]


def test_ended_with_reason_gets_a_date(db: Database) -> None:
    eid = create(db, EnterpriseData(name="某公司", status="已解除", status_reason="企业注销"))
    with db.reader() as s:
        d = get_enterprise(s, eid)
    assert d.status_reason == "企业注销" and d.status_date == dt.date.today()
    eid = create(
        db,
        EnterpriseData(
            name="另一公司", status="已解除", status_reason="到期", status_date=dt.date(2024, 6, 30)
        ),
    )
    with db.reader() as s:
        assert get_enterprise(s, eid).status_date == dt.date(2024, 6, 30)


# ---------------------------------------------------------------- listing: search, filters, sorting


@pytest.fixture
def listed(db: Database) -> dict[str, str]:
    out = {"xj": create(db, XJ)}
    out["zz"] = create(
        db,
        EnterpriseData(
            name="株洲天元轨道交通装备股份有限公司",
            uscc=code("91430211MA4R00001"),
            short_name="天元轨交",
            industry="轨道交通装备",
            region="株洲市天元区",
            scale="大型",
            categories=("上市公司",),
            status="意向",
            contacts=(ContactData(name="谭志强", phone="18673300000"),),
        ),
    )
    out["yy"] = create(
        db,
        EnterpriseData(
            name="岳阳巴陵食品有限公司",
            uscc=code("91430602MA4T00001"),
            industry="食品加工",
            region="岳阳市岳阳楼区",
            status="暂停",
            cooperation_start=dt.date(2016, 3, 1),
        ),
    )
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("湘江", {"xj"}),  # name
        ("天元轨交", {"zz"}),  # short name
        ("hnxj", {"xj"}),  # pinyin initials of the name
        ("HNXJ", {"xj"}),  # case-insensitive
        ("xjzn", {"xj"}),  # pinyin initials of the short name
        ("zhuzhou", {"zz"}),  # full pinyin
        ("balingshipin", {"yy"}),
        (XJ_CODE[4:12].lower(), {"xj"}),  # part of the code, any case
        ("欧阳", {"xj"}),  # contact name
        ("李娜", {"xj"}),  # second contact
        ("186733", {"zz"}),  # phone
        ("8888", {"xj"}),  # landline of a contact
        ("有限公司", {"xj", "zz", "yy"}),
        ("湖南 智能", {"xj"}),  # every term must match
        ("湖南 食品", set()),
        ("%", set()),  # LIKE wildcards are literal
        ("_", set()),
    ],
)
def test_search(db: Database, listed: dict[str, str], text: str, expected: set[str]) -> None:
    by_id = {v: k for k, v in listed.items()}
    found = {by_id[i] for i in ids(db, text=text)}
    assert found == expected
    with db.reader() as s:
        assert count_enterprises(s, EnterpriseQuery(text=text)) == len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "合作中"}, {"xj"}),
        ({"status": "意向"}, {"zz"}),
        ({"category": "上市公司"}, {"zz"}),
        ({"category": "校友企业"}, {"xj"}),
        ({"category": "世界500强"}, set()),
        ({"industry": "食品加工"}, {"yy"}),
        ({"region": "株洲市天元区"}, {"zz"}),
        ({"region": "株洲市天元区", "status": "合作中"}, set()),
        ({"text": "有限公司", "category": "上市公司"}, {"zz"}),
    ],
)
def test_filters(db: Database, listed: dict[str, str], query: dict, expected: set[str]) -> None:
    by_id = {v: k for k, v in listed.items()}
    assert {by_id[i] for i in ids(db, **query)} == expected


def test_sorting(db: Database, listed: dict[str, str]) -> None:
    by_id = {v: k for k, v in listed.items()}
    # by name = by pinyin: hunan… < yueyang… < zhuzhou…
    assert [by_id[i] for i in ids(db)] == ["xj", "yy", "zz"]
    assert [by_id[i] for i in ids(db, descending=True)] == ["zz", "yy", "xj"]
    assert [by_id[i] for i in ids(db, sort="region")] == ["yy", "zz", "xj"]  # 岳 < 株 < 长 (code points)
    starts = [by_id[i] for i in ids(db, sort="cooperation_start")]
    assert starts[-2:] == ["yy", "xj"]  # no date (NULL) first in SQLite, then 2016, 2019
    assert [by_id[i] for i in ids(db, sort="no-such-column")] == ["xj", "yy", "zz"]


def test_rows_facets_and_keys(db: Database, listed: dict[str, str]) -> None:
    with db.reader() as s:
        rows = enterprise_rows(s, list(listed.values()))
        f = facets(s)
        known = KnownEnterprises.load(s)
    xj = rows[listed["xj"]]
    assert (xj.contact_name, xj.contact_phone) == ("欧阳明", "13973112345")
    assert set(xj.categories.split("、")) == {"行业龙头企业", "校友企业"}
    assert rows[listed["yy"]].contact_name == ""
    assert f.industries == tuple(sorted({"智能制造", "轨道交通装备", "食品加工"}))
    assert "株洲市天元区" in f.regions
    assert known.codes[XJ_CODE] == (XJ.name, False) and known.names["湖南湘江智能装备有限公司"] == XJ.name


# ---------------------------------------------------------------- 回收站


def test_soft_delete_and_restore(db: Database, listed: dict[str, str]) -> None:
    with db.session() as s:
        changes = delete_enterprises(s, [listed["xj"], "no-such-id"])
    assert changes.ids == (listed["xj"],)
    assert listed["xj"] not in ids(db)
    assert ids(db, deleted=True) == [listed["xj"]]
    assert ids(db, text="hnxj") == [] and ids(db, text="hnxj", deleted=True) == [listed["xj"]]
    with db.reader() as s:
        assert get_enterprise(s, listed["xj"]).name == XJ.name  # still readable (the 回收站 shows it)
        assert "长沙市岳麓区" not in facets(s).regions  # filters offer live values only
    with db.session() as s:
        assert delete_enterprises(s, [listed["xj"]]).ids == ()  # already deleted
        assert restore_enterprises(s, [listed["xj"]]).ids == (listed["xj"],)
    assert listed["xj"] in ids(db) and ids(db, deleted=True) == []


def test_purge_only_from_recycle_bin(db: Database, listed: dict[str, str]) -> None:
    with db.session() as s:
        assert purge_enterprises(s, [listed["xj"]]).ids == ()
    with db.session() as s:
        delete_enterprises(s, [listed["xj"]])
    with db.session() as s:
        assert purge_enterprises(s, [listed["xj"]]).ids == (listed["xj"],)
    with db.reader() as s:
        assert s.get(Enterprise, listed["xj"]) is None
        assert (
            s.scalar(select(func.count()).select_from(Contact).where(Contact.enterprise_id == listed["xj"]))
            == 0
        )
        with pytest.raises(NotFound):
            get_enterprise(s, listed["xj"])


# ---------------------------------------------------------------- attachments shared by content


@pytest.fixture
def licence(tmp_path: Path) -> Path:
    path = tmp_path / "营业执照.pdf"
    path.write_bytes(b"%PDF-1.4 scanned licence " * 100)
    return path


def _attach_both(db: Database, listed: dict[str, str], licence: Path) -> str:
    """The two firms share the licence's bytes (stored once: a file beside a database file, a row on a
    server; tests/core/test_attachment_blobs.py `stored` sees them from another connection)."""
    with db.session() as s:
        add_attachment(s, "enterprise", listed["xj"], licence, kind="营业执照")
        add_attachment(s, "enterprise", listed["zz"], licence, kind="营业执照")
        sha = list_attachments(s, "enterprise", listed["xj"])[0].sha256
        delete_enterprises(s, [listed["xj"], listed["zz"]])
    with db.reader() as s:
        assert blobs.read_bytes(s, sha) == licence.read_bytes()
    assert stored(db) == {sha}  # stored once
    return sha


def test_purge_keeps_bytes_still_used(db: Database, listed: dict[str, str], licence: Path) -> None:
    sha = _attach_both(db, listed, licence)
    with db.session() as s:
        purge_enterprises(s, [listed["xj"]])
    assert stored(db) == {sha}
    with db.reader() as s:
        assert len(list_attachments(s, "enterprise", listed["zz"])) == 1
        assert list_attachments(s, "enterprise", listed["xj"]) == []
    with db.session() as s:
        purge_enterprises(s, [listed["zz"]])
    assert stored(db) == set()


def test_purge_of_both_removes_bytes_after_commit_only(
    db: Database, listed: dict[str, str], licence: Path
) -> None:
    sha = _attach_both(db, listed, licence)
    with db.session() as s:
        purge_enterprises(s, [listed["xj"], listed["zz"]])
        assert stored(db) == {sha}  # not before the commit
    assert stored(db) == set()


def test_rolled_back_purge_keeps_bytes(db: Database, listed: dict[str, str], licence: Path) -> None:
    sha = _attach_both(db, listed, licence)
    with pytest.raises(RuntimeError), db.session() as s:
        purge_enterprises(s, [listed["xj"], listed["zz"]])
        raise RuntimeError("用户取消")
    assert stored(db) == {sha}
    with db.reader() as s:
        assert len(list_attachments(s, "enterprise", listed["xj"])) == 1
        assert set(ids(db, deleted=True)) == {listed["xj"], listed["zz"]}
    with db.session() as s:  # and a later, unrelated commit does not remove them either
        create_enterprise(s, EnterpriseData(name="后来的公司"))
    assert stored(db) == {sha}


# ---------------------------------------------------------------- audit trail and transactions


def _audit(db: Database, record_id: str) -> list[tuple[str, dict]]:
    with db.reader() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.record_id == record_id).order_by(AuditLog.at)).all()
        return [(r.action, r.changes or {}) for r in rows]


def test_audit_rows_for_each_action(db: Database) -> None:
    eid = create(db, XJ)
    with db.reader() as s:
        d = get_enterprise(s, eid)
    with db.session() as s:
        update_enterprise(
            s,
            eid,
            EnterpriseData(
                **{**{f: getattr(d, f) for f in EnterpriseData.__dataclass_fields__}, "scale": "大型"}
            ),
        )
    with db.session() as s:
        delete_enterprises(s, [eid])
    with db.session() as s:
        restore_enterprises(s, [eid])
    trail = _audit(db, eid)
    assert [a for a, _ in trail] == ["insert", "update", "delete", "restore"]
    inserted = trail[0][1]
    assert inserted["name"] == XJ.name and inserted["uscc"] == XJ_CODE
    assert "pinyin_full" not in inserted and "name_key" not in inserted
    assert trail[1][1] == {"scale": ["中型", "大型"]}  # only the changed field
    assert list(trail[2][1]) == ["deleted_at"] and trail[2][1]["deleted_at"][0] is None
    assert trail[3][1]["deleted_at"][1] is None
    contact_ids = [c.id for c in d.contacts]
    assert all(_audit(db, cid)[0][0] == "insert" for cid in contact_ids)
    with db.reader() as s:
        history = record_history(s, eid)
    assert [h.action for h in history] == ["恢复", "删除到回收站", "修改", "新建"]
    assert history[0].os_user == history[-1].os_user


def test_saving_unchanged_data_writes_no_audit_row(db: Database) -> None:
    eid = create(db, XJ)
    with db.reader() as s:
        d = get_enterprise(s, eid)
    with db.session() as s:
        update_enterprise(
            s, eid, EnterpriseData(**{f: getattr(d, f) for f in EnterpriseData.__dataclass_fields__})
        )
    assert [a for a, _ in _audit(db, eid)] == ["insert"]


def test_purge_is_audited(db: Database) -> None:
    eid = create(db, XJ)
    with db.session() as s:
        delete_enterprises(s, [eid])
    with db.session() as s:
        purge_enterprises(s, [eid])
    assert [a for a, _ in _audit(db, eid)] == ["insert", "delete", "purge"]


def test_exception_in_a_session_leaves_nothing_written(db: Database) -> None:
    with pytest.raises(ZeroDivisionError), db.session() as s:
        create_enterprise(s, XJ)
        create_enterprise(s, EnterpriseData(name="第二家"))
        1 / 0  # noqa: B018
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 0
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_validation_error_mid_action_rolls_back_earlier_writes(db: Database) -> None:
    with pytest.raises(ValidationErrors), db.session() as s:
        create_enterprise(s, XJ)
        create_enterprise(s, EnterpriseData(name="重复代码公司", uscc=XJ_CODE))  # clashes with the first
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_changing_only_categories_is_audited(db: Database) -> None:
    eid = create(db, XJ)
    with db.reader() as s:
        d = get_enterprise(s, eid)
    fields = {f: getattr(d, f) for f in EnterpriseData.__dataclass_fields__}
    with db.session() as s:
        update_enterprise(s, eid, EnterpriseData(**{**fields, "categories": ("校友企业", "上市公司")}))
    trail = _audit(db, eid)
    assert trail[0][1]["categories"] == ["校友企业", "行业龙头企业"]
    assert trail[1] == ("update", {"categories": [["校友企业", "行业龙头企业"], ["上市公司", "校友企业"]]})


def test_contact_insert_audit_names_its_enterprise(db: Database) -> None:
    eid = create(db, XJ)
    with db.reader() as s:
        contact_id = get_enterprise(s, eid).contacts[0].id
    (action, changes), *_ = _audit(db, contact_id)
    assert action == "insert" and changes["enterprise_id"] == eid and changes["name"] == "欧阳明"


# ---------------------------------------------------------------- bulk writer

STORED_COLUMNS = (
    "name", "name_key", "uscc", "uscc_confirmed", "short_name", "industry", "region", "address", "scale",
    "status", "status_reason", "status_date", "cooperation_start", "website", "note",
    "pinyin_initials", "pinyin_full", "deleted_at",
)  # fmt: skip

BAD_CHECK = code("91430100MA4Q00021")[:17] + ("0" if code("91430100MA4Q00021")[17] != "0" else "1")
EDGE_CASES = [
    XJ,
    EnterpriseData(name="老代码公司", uscc=BAD_CHECK, uscc_confirmed=True, short_name="老代码"),
    EnterpriseData(name="新代码公司", uscc=code("91430100MA4Q00022"), uscc_confirmed=True),
    EnterpriseData(name="解除无日期公司", status="已解除", status_reason="企业注销"),
    EnterpriseData(
        name=" ＡＢＣ（长沙）智能 有限公司 ",
        short_name="ABC智能",
        status="暂停",
        status_reason="重组",
        status_date=dt.date(2024, 6, 30),
        categories=("上市公司", "校友企业", "上市公司"),
        contacts=(ContactData(name=""), ContactData(name=" 王五 ", phone="0731-88880000", note="  周一到  ")),
    ),
    EnterpriseData(name="无联系人公司"),
]


def _snapshot(database: Database) -> tuple[dict, list]:
    """Everything stored, keyed by enterprise name (ids and timestamps differ between two databases)."""
    with database.reader() as s:
        ents = {e.id: e for e in s.scalars(select(Enterprise))}
        contacts = {c.id: c for c in s.scalars(select(Contact))}
        rows = {
            e.name: (
                tuple(getattr(e, c) for c in STORED_COLUMNS),
                tuple((c.name, c.title, c.phone, c.email, c.note, c.sort_order) for c in e.contacts),
                tuple(sorted(c.category for c in e.categories)),
            )
            for e in ents.values()
        }
        audit = []
        for a in s.scalars(select(AuditLog)):
            changes = dict(a.changes or {})
            if a.table_name == "contact":
                c = contacts[a.record_id]
                key: tuple = ("contact", ents[changes.pop("enterprise_id")].name, c.sort_order)
            else:
                key = (a.table_name, ents[a.record_id].name)
            audit.append((key, a.action, a.os_user, changes))
        return rows, sorted(audit, key=repr)


def test_add_enterprises_stores_what_create_enterprise_stores(tmp_path: Path) -> None:
    datas = EDGE_CASES + list(_Generator(7).take(300))
    via_service, via_bulk = open_database(tmp_path / "service.db"), open_database(tmp_path / "bulk.db")
    try:
        with via_service.session() as s:
            for d in datas:
                create_enterprise(s, d)
        with via_bulk.session() as s:
            changes = add_enterprises(s, [normalized(d) for d in datas])
        assert changes.table == "enterprise" and changes.count == len(datas)
        (rows_a, audit_a), (rows_b, audit_b) = _snapshot(via_service), _snapshot(via_bulk)
        assert len(rows_a) == len(datas)
        assert rows_a == rows_b
        assert audit_a == audit_b
        assert any(changes.get("phone") == "***" for _, _, _, changes in audit_b)  # phones masked
    finally:
        via_service.close()
        via_bulk.close()


def test_add_enterprises_in_chunks_with_progress(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.services.enterprises as svc

    monkeypatch.setattr(svc, "BULK_CHUNK", 150)
    datas = list(_Generator(5).take(450))
    seen: list[float] = []
    with db.session() as s:
        changes = add_enterprises(s, datas, progress=lambda f, m: seen.append(f))
    with db.reader() as s:
        assert set(s.scalars(select(Enterprise.id))) == set(changes.ids) and changes.count == 450
        assert s.scalar(select(func.count()).select_from(Contact)) == sum(len(d.contacts) for d in datas)
        assert s.scalar(select(func.count()).select_from(EnterpriseCategory)) == sum(
            len(d.categories) for d in datas
        )
    assert [round(f, 2) for f in seen] == [0.0, 0.44, 0.89, 1.0]


def test_add_enterprises_cancel_leaves_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.services.enterprises as svc

    monkeypatch.setattr(svc, "BULK_CHUNK", 100)  # some chunks are written before the cancel
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if fraction > 0.4:  # at record 200; the next check, at record 400, stops it
            cancel.set()

    with pytest.raises(Cancelled), db.session() as s:
        add_enterprises(s, list(_Generator(5).take(450)), progress=progress, cancel=cancel)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(Enterprise)) == 0
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_list_rows_show_the_highest_tier_of_live_projects(db: Database) -> None:
    from app.services.projects import ProjectData, create_project, delete_projects

    with db.session() as s:
        a = create_enterprise(s, EnterpriseData(name="湖南甲智能有限公司")).ids[0]
        b = create_enterprise(s, EnterpriseData(name="湖南乙电气有限公司")).ids[0]
        c = create_enterprise(s, EnterpriseData(name="湖南丙科技有限公司")).ids[0]
        create_project(s, ProjectData(name="订单班", kind="订单培养", leader="王", enterprise_ids=(a, b)))
        top = create_project(
            s, ProjectData(name="产业学院", kind="现代产业学院", leader="王", enterprise_ids=(a,))
        ).ids[0]
        create_project(s, ProjectData(name="学徒制", kind="现代学徒制", leader="王", enterprise_ids=(b,)))
    with db.reader() as s:
        rows = enterprise_rows(s, [a, b, c])
        assert (rows[a].tier, rows[b].tier, rows[c].tier) == ("融合层", "深化层", "")
    with db.session() as s:
        delete_projects(s, [top])
    with db.reader() as s:
        assert enterprise_rows(s, [a])[a].tier == "基础层"


# ---------------------------------------------------------------- invisible characters (issue 22, finding 8)

INVISIBLE = [
    "",
    "\u200b",
    "\u2060",
    "\u202e",
    "\u00ad",
    "\ufeff",
]  # zero-width space, word joiner, RLO, SHY, BOM


def _invisible_variants(name: str) -> list[str]:
    return [name[:2] + ch + name[2:] for ch in INVISIBLE]


def test_names_differing_only_by_invisible_characters_are_one_name_on_import(
    db: Database, tmp_path: Path
) -> None:
    """Six rows that look the same: without a code they are duplicates (one imported, five refused); with six
    codes each is warned about; no stored name holds an invisible character."""
    from openpyxl import Workbook

    from app.io.enterprises_xlsx import import_enterprises, read_enterprises

    names = _invisible_variants("湖南湘江智能装备有限公司")
    assert len(set(names)) == 6
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码"])
    for n in names:
        ws.append([n, None])
    for i, n in enumerate(names):
        ws.append([n.replace("湘江", "麓谷"), code(f"91430100MA4Q0010{i}")])
    wb.save(tmp_path / "企业.xlsx")
    with db.session() as s:
        preview = read_enterprises(s, tmp_path / "企业.xlsx")
        import_enterprises(s, preview)
    refused = {e.row for e in preview.errors}
    assert refused == {3, 4, 5, 6, 7} and all("与第2行重复" in e.message for e in preview.errors)
    warned = {w.row for w in preview.warnings}
    assert warned == {9, 10, 11, 12, 13}
    with db.reader() as s:
        stored = s.scalars(select(Enterprise.name)).all()
    assert sorted(set(stored)) == ["湖南湘江智能装备有限公司", "湖南麓谷智能装备有限公司"]
    assert len(stored) == 7


@pytest.mark.parametrize("variant", _invisible_variants("湖南湘江智能装备有限公司")[1:])
def test_invisible_characters_in_the_form_warn_of_the_namesake_and_are_not_stored(
    db: Database, variant: str
) -> None:
    create(db, XJ)
    with db.reader() as s:
        check = check_enterprise(s, EnterpriseData(name=variant))
    assert [w.field for w in check.warnings] == ["name"]
    with db.session() as s:
        eid = create_enterprise(s, EnterpriseData(name=variant)).ids[0]
    with db.reader() as s:
        assert get_enterprise(s, eid).name == XJ.name
        (key,) = s.scalars(select(Enterprise.name_key).where(Enterprise.id == eid))
    assert "\u200b" not in key and key == XJ.name


def test_a_registered_name_keeps_its_full_width_brackets_and_either_width_finds_it(db: Database) -> None:
    full = create(db, EnterpriseData(name="ＡＢＣ智能（长沙）有限公司"))
    half = create(db, EnterpriseData(name="XYZ智能(株洲)有限公司"))
    with db.reader() as s:
        assert get_enterprise(s, full).name == "ABC智能（长沙）有限公司"  # letters folded, brackets as typed
        assert get_enterprise(s, half).name == "XYZ智能(株洲)有限公司"
    assert ids(db, text="(长沙)") == [full] and ids(db, text="（株洲）") == [half]


# ---------------------------------------------------------------- #22: lengths and phones


def test_long_texts_are_refused_naming_the_field_and_its_limit(db: Database) -> None:
    """备注 and the other texts took any length: a 10 MB 备注 was stored whole (and in the audit trail)."""
    long = EnterpriseData(
        name="湖南长文本有限公司",
        address="址" * 301,
        note="备" * 10 * 2**20,
        contacts=(ContactData(name="张三", title="职" * 51, note="注" * 2001),),
    )
    with pytest.raises(ValidationErrors) as exc, db.session() as s:
        create_enterprise(s, long)
    assert [(e.field, e.message) for e in exc.value.errors] == [
        ("address", "地址过长（最多300字，现有301字）"),
        ("note", "备注过长（最多2000字，现有10485760字）"),
        ("contacts", "联系人“张三”的职务过长（最多50字，现有51字）"),
        ("contacts", "联系人“张三”的备注过长（最多2000字，现有2001字）"),
    ]
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 0
    create(db, EnterpriseData(name="湖南刚好有限公司", address="址" * 300, note="备" * 2000))


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("13973112345", True),
        ("0731-88880000", True),
        ("0731-88880000转8001", True),
        ("400-123-4567", True),
        ("13973112345、0731-88880000", True),
        ("1391234567", False),
        ("12345678901234", False),
        ("88880000", False),  # no area code
        ("电话见名片", False),
    ],
)
def test_contact_phones_are_checked_by_shape(phone: str, ok: bool) -> None:
    errors = check_fields(normalized(EnterpriseData(name="甲", contacts=(ContactData("张三", phone=phone),))))
    assert [e.message for e in errors] == ([] if ok else [f"联系人“张三”的电话格式不对：{CONTACT_RULE}"])


def test_legal_representative_and_staff_count_are_stored_and_checked(db: Database) -> None:
    eid = create(
        db, EnterpriseData(name="湖南甲科技有限公司", legal_representative=" 欧阳 建国 ", staff_count=0)
    )
    with db.reader() as s:
        d = get_enterprise(s, eid)
    assert d.legal_representative == "欧阳 建国" and d.staff_count == 0
    for bad in (-1, 10**9, True):
        errors = check_fields(normalized(EnterpriseData(name="甲", staff_count=bad)))  # type: ignore[arg-type]
        assert [(e.field, e.message) for e in errors] == [
            ("staff_count", "在岗职工总数应为0–10000000之间的整数")
        ]
    errors = check_fields(normalized(EnterpriseData(name="甲", legal_representative="长" * 51)))
    assert [e.message for e in errors] == ["法定代表人过长（最多50字，现有51字）"]
