"""Undo that would write back a natural key taken since (#18): a deleted student's 学号 given to a new
student, an edited teacher's old 工号 or an enterprise's old 统一社会信用代码 now another record's. The undo
refuses with a plain message naming the record, the key and the record that holds it now, and writes
nothing — over a real SQLite file. Without a clash the same undo goes through."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import AuditLog, Contact, Student, Teacher
from app.errors import AppError
from app.services import undo as core
from app.services.enterprises import (
    ContactData,
    EnterpriseData,
    create_enterprise,
    get_enterprise,
    update_enterprise,
)
from app.services.students import StudentData, create_student, delete_students
from app.services.teachers import TeacherData, create_teacher, update_teacher
from tests.codes import valid_uscc as code


def _journaled(db: Database, action, label: str) -> core.Journal:
    with db.session() as s:
        changes = core.journaled(s, lambda: action(s), label)
    journal = core.take(changes)
    assert journal is not None
    return journal


def _undo(db: Database, journal: core.Journal) -> core.UndoChanges:
    with db.session() as s:
        return core.undo(s, journal)


def _audit_rows(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(AuditLog))


def test_undo_of_a_delete_whose_student_no_was_taken_since(db: Database) -> None:
    with db.session() as s:
        zhang = create_student(s, StudentData("2023001", "张三")).ids[0]
    journal = _journaled(db, lambda s: delete_students(s, [zhang]), "删除 1 名学生")
    with db.session() as s:
        create_student(s, StudentData("2023001", "李四"))
    audited = _audit_rows(db)

    with pytest.raises(AppError) as e:
        _undo(db, journal)
    assert e.value.message == (
        "不能撤销“删除 1 名学生”：学生“张三”原来的学号“2023001”现在已被学生“李四”使用，"
        "每个学号只能属于一个学生。未做任何撤销。如仍要撤销，请先修改“李四”的学号。"
    )
    with db.reader() as s:
        assert s.get(Student, zhang).deleted_at is not None  # still in the 回收站
    assert _audit_rows(db) == audited  # nothing written


def test_undo_of_an_edit_whose_old_staff_no_was_taken_since(db: Database) -> None:
    with db.session() as s:
        wang = create_teacher(s, TeacherData("王老师", "t001")).ids[0]
    journal = _journaled(
        db, lambda s: update_teacher(s, wang, TeacherData("王老师", "T009")), "修改教师：王老师"
    )
    with db.session() as s:
        create_teacher(s, TeacherData("赵老师", "T001"))  # the old 工号, in other letters' case

    with pytest.raises(AppError, match="教师“王老师”原来的工号“t001”现在已被教师“赵老师”使用") as e:
        _undo(db, journal)
    assert "未做任何撤销" in e.value.message and "UNIQUE" not in e.value.message
    with db.reader() as s:
        assert s.get(Teacher, wang).staff_no == "T009"


def test_undo_of_an_edit_with_child_rows_changes_nothing_when_refused(db: Database) -> None:
    """The edit also changed the contacts: a refused undo leaves them as the edit left them."""
    with db.session() as s:
        jia = create_enterprise(
            s, EnterpriseData("湖南甲科技有限公司", uscc=code(1), contacts=(ContactData("张三", "", ""),))
        ).ids[0]
    edited = EnterpriseData(
        "湖南甲科技有限公司",
        uscc=code(2),
        contacts=(ContactData("王五", "", ""), ContactData("钱七", "", "")),
    )
    journal = _journaled(db, lambda s: update_enterprise(s, jia, edited), "修改企业：湖南甲科技有限公司")
    with db.session() as s:
        create_enterprise(s, EnterpriseData("湖南乙有限公司", uscc=code(1)))

    with pytest.raises(AppError) as e:
        _undo(db, journal)
    assert e.value.message.startswith(
        f"不能撤销“修改企业：湖南甲科技有限公司”：企业“湖南甲科技有限公司”原来的统一社会信用代码“{code(1)}”"
        "现在已被企业“湖南乙有限公司”使用"
    )
    with db.reader() as s:
        after = get_enterprise(s, jia)
        assert after.uscc == code(2)
        assert [c.name for c in after.contacts] == ["王五", "钱七"]
        assert s.scalar(select(func.count()).select_from(Contact)) == 2


def test_the_same_undo_goes_through_once_the_key_is_free(db: Database) -> None:
    with db.session() as s:
        zhang = create_student(s, StudentData("2023001", "张三")).ids[0]
    journal = _journaled(db, lambda s: delete_students(s, [zhang]), "删除 1 名学生")
    with db.session() as s:
        li = create_student(s, StudentData("2023001", "李四")).ids[0]
    with pytest.raises(AppError, match="已被学生“李四”使用"):
        _undo(db, journal)
    with db.session() as s:
        delete_students(s, [li])  # 李四 to the 回收站: the 学号 is free again
    _undo(db, journal)
    with db.reader() as s:
        assert s.get(Student, zhang).deleted_at is None


def test_a_private_key_is_never_shown(db: Database) -> None:
    from tests.core.test_students import id_number

    card = id_number("20050312", "123")
    with db.session() as s:
        zhang = create_student(s, StudentData("2023001", "张三", id_number=card)).ids[0]
    journal = _journaled(db, lambda s: delete_students(s, [zhang]), "删除 1 名学生")
    with db.session() as s:
        create_student(s, StudentData("2023002", "李四", id_number=card))
    with pytest.raises(AppError, match="学生“张三”原来的身份证号现在已被学生“李四”使用") as e:
        _undo(db, journal)
    assert card not in e.value.message
