"""The change history shown in the enterprise form: the record's and its contacts' changes, in Chinese,
with phone numbers never shown."""

from __future__ import annotations

from app.domain.codes import uscc_check_char
from app.services import enterprises as svc
from app.services.history import enterprise_history


def _code() -> str:
    body = "91430100MA4L1GXJ2"
    return body + uscc_check_char(body)


def test_history_describes_changes_of_record_and_contacts(db):
    data = svc.EnterpriseData(
        name="湖南测试有限公司",
        uscc=_code(),
        scale="中型",
        contacts=(svc.ContactData("张三", phone="13900000000"),),
    )
    with db.session() as s:
        eid = svc.create_enterprise(s, data).ids[0]
    with db.reader() as s:
        saved = svc.get_enterprise(s, eid)
    changed_contact = svc.ContactData("张三", phone="13911112222", id=saved.contacts[0].id)
    with db.session() as s:
        svc.update_enterprise(
            s,
            eid,
            svc.EnterpriseData(
                name=data.name,
                uscc=data.uscc,
                scale="大型",
                categories=("校友企业",),
                contacts=(changed_contact,),
            ),
        )
    with db.reader() as s:
        lines = [h.summary for h in enterprise_history(s, eid)]
    text = "\n".join(lines)
    assert "企业规模：中型 → 大型" in text
    assert "企业类别：（空） → 校友企业" in text
    assert "修改联系人“张三” 电话：已修改" in text
    assert "新建联系人“张三”" in text
    assert "新建" in lines[-1] or "新建" in lines[-2]
    assert "1390" not in text and "1391" not in text
