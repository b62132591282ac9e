"""三方协议 (职业学校学生岗位实习三方协议, 实习规定第十三条; H第十二条(三)): the context of one internship, the
plan of a batch, and the batch that writes one Word file per agreement ready to sign, named
班级_学号_姓名_三方协议.docx, a 监护人知情同意书 for each student under 18 at the start
(班级_学号_姓名_监护人知情同意书.docx), and an optional combined document for printing.

The parties (DOMAIN.md → 三方协议 as signed): 甲方 is the school (设置 → 学校与学院: name, 统一社会信用代码,
address, 法定代表人, contact, phone), with the 二级学院 named as the unit carrying it out; 乙方 the enterprise
(its 法定代表人 and its first contact); 丙方 the student (身份证号, home address, emergency contact) and, for
a minor, the 监护人 (relationship, ID number), who signs too: 一式四份 instead of 三份.

What a batch writes (app/docs/internship_plan.py plan_batch says it before, BatchResult after):
- ready: a 岗位实习 whose placement passes the rules on the placement itself (app/domain/internship_rules.py
  placement_problems: insurance covering the whole period, grade, age, pay ≥ 80 %, hours, night shifts,
  overtime; and premium_problem: the insurance is not paid by the student) and whose archive has every
  REQUIRED field. Its 协议编号 is assigned on first generation (app/services/internships.py
  assign_agreement_numbers) in the caller's transaction and printed; regenerating keeps it.
- blocked: any other 岗位实习 — listed with each rule it breaks and its source in words, never written.
- not needed: a 认识实习 chosen explicitly (a selection by class or --all leaves them out).
- missing: a REQUIRED field empty ("张三（机电2301）：缺少学校地址、家庭住址"): not written, never a blank line
  on an agreement presented as complete. Other fields left empty render as a blank ("        ", underlined
  in the built-in template) to fill in by hand, and the batch lists those blanks.

The agreement is a contract, so it carries the student's full 身份证号 and phones (DOMAIN.md → Privacy): it is
only written when the user asks for it, and neither the context nor a value from it is ever logged.

With no template chosen, the college's own (设置 → 模板, app/services/templates.py) is used, else the
built-in one; the 知情同意书 always uses its built-in template.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer_group

from app.db.models import Contact, Enterprise, Internship, Major, PracticeBase, Student
from app.db.personal import PERSONAL_GROUP
from app.docs.common import BLANK_DATE, cn_date, common_fields, doc_text, period_text
from app.docs.render import template_bytes, write_document
from app.docs.worker import RenderPool, RenderStopped, RenderWorker
from app.domain.internship_rules import age_on
from app.domain.money import amount_in_words, format_money
from app.errors import AppError, BatchCancelled, NotFound, ValidationError
from app.fsutil import MAX_PATH_CHARS, TEMP_NAME_CHARS, atomic_path, fit_filename, name_room, path_chars
from app.services.settings import party_details
from app.services.students import need_personal
from app.services.templates import template_source

KIND = "三方协议"
CONSENT_KIND = "监护人知情同意书"
TEMPLATE_FILE = "tripartite.docx"
CONSENT_TEMPLATE_FILE = "guardian_consent.docx"
BLANK = "        "  # eight spaces: room to write by hand
ADULT_AGE = 18
NOT_NEEDED = "认识实习不需要三方协议"
# what the agreement says when the record has no 食宿 / 交通 arrangement of its own
DEFAULT_LODGING = "乙方不统一安排食宿，由丙方自行解决；丙方在校外住宿的，应将住址告知甲方和乙方"
DEFAULT_TRANSPORT = "上下班交通由丙方自行安排，乙方应告知丙方安全的通勤路线和注意事项"

PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("school", "学校名称（设置）"),
    ("college", "二级学院名称（设置）"),
    ("party_a", "甲方：学校名称（设置）"),
    ("today", "生成日期，如 2026年3月1日"),
    ("school_party.name", "甲方学校名称"),
    ("school_party.uscc", "学校统一社会信用代码"),
    ("school_party.address", "学校地址"),
    ("school_party.representative", "学校法定代表人"),
    ("school_party.contact", "学校联系人"),
    ("school_party.phone", "学校联系电话"),
    ("college_party.name", "实施单位：二级学院名称"),
    ("college_party.address", "二级学院地址"),
    ("college_party.representative", "二级学院负责人"),
    ("college_party.contact", "二级学院联系人"),
    ("college_party.phone", "二级学院联系电话"),
    ("agreement.number", "协议编号，如 2026-SX-0001（首次生成时编定，之后不变）"),
    ("agreement.minor", "丙方实习开始时未满18周岁为“是”，否则为空（用于 {%p if agreement.minor %}）"),
    ("agreement.copies", "份数：三 或 四（有监护人签字时为四）"),
    ("agreement.holders", "各执一份的各方，如 甲、乙、丙三方及丙方监护人"),
    ("student.name", "学生姓名"),
    ("student.gender", "性别"),
    ("student.id_number", "身份证号（完整号码，仅用于协议本身）"),
    ("student.birth_date", "出生日期"),
    ("student.age", "实习开始时的周岁年龄"),
    ("student.student_no", "学号"),
    ("student.major", "专业"),
    ("student.class_name", "班级"),
    ("student.phone", "学生联系电话"),
    ("student.home_address", "家庭住址"),
    ("student.emergency_contact", "紧急联系人"),
    ("student.emergency_phone", "紧急联系人电话"),
    ("student.guardian_name", "监护人（家长）姓名"),
    ("student.guardian_relation", "监护人与学生的关系，如 父亲"),
    ("student.guardian_id_number", "监护人身份证号"),
    ("student.guardian_phone", "监护人联系电话"),
    ("enterprise.name", "实习单位名称（乙方）"),
    ("enterprise.uscc", "统一社会信用代码"),
    ("enterprise.address", "实习单位地址"),
    ("enterprise.legal_representative", "实习单位法定代表人"),
    ("enterprise.contact", "实习单位联系人（企业档案中的第一位联系人）"),
    ("enterprise.phone", "联系人电话"),
    ("internship.kind", "实习类型：岗位实习 或 认识实习"),
    ("internship.position", "实习岗位"),
    ("internship.place", "实习地点"),
    ("internship.starts_on", "开始日期，如 2026年3月1日"),
    ("internship.ends_on", "结束日期"),
    ("internship.term", "实习期限，如 2026年3月1日至2026年8月31日"),
    ("internship.hours_per_day", "每日实习小时数，如 8"),
    ("internship.days_per_week", "每周实习天数，如 5"),
    ("internship.hours_per_week", "每周实习小时数，如 40"),
    ("internship.lodging", "食宿安排（未填写时为协议的默认约定）"),
    ("internship.transport", "交通安排（未填写时为协议的默认约定）"),
    ("internship.monthly_pay", "每月实习报酬（元），如 3,000.00"),
    ("internship.monthly_pay_words", "每月实习报酬大写，如 叁仟元整"),
    ("internship.pay_day", "每月发放日（几日）"),
    ("internship.same_post_wage", "相同岗位职工工资（元/月），如 3,600.00"),
    ("internship.insurer", "实习责任保险承保单位"),
    ("internship.policy_no", "保险单号"),
    ("internship.insurance_term", "保险期间，如 2026年3月1日至2026年8月31日"),
    ("internship.insurance_paid_by", "保险费支付方：学校 / 实习单位 / 其他"),
    ("internship.counselor", "辅导员（五方联动）"),
    ("internship.academic_mentor", "专业导师（学校指导教师）"),
    ("internship.enterprise_hr", "企业人事主管"),
    ("internship.enterprise_mentor", "企业实习负责人（带教师傅）"),
    ("internship.guardian", "家长（五方联动）"),
    ("base.name", "实践教学基地名称（未依托基地时为空）"),
)

# without these an agreement is not written (the internship is listed with what is missing)
REQUIRED = (
    ("school_party", "name", "学校名称"),
    ("school_party", "uscc", "学校统一社会信用代码"),
    ("school_party", "address", "学校地址"),
    ("school_party", "representative", "学校法定代表人"),
    ("school_party", "phone", "学校联系电话"),
    ("college_party", "name", "二级学院名称"),
    ("college_party", "contact", "二级学院联系人"),
    ("college_party", "phone", "二级学院联系电话"),
    ("student", "name", "学生姓名"),
    ("student", "id_number", "身份证号"),
    ("student", "home_address", "家庭住址"),
    ("student", "emergency_contact", "紧急联系人"),
    ("student", "emergency_phone", "紧急联系人电话"),
    ("enterprise", "name", "实习单位"),
    ("enterprise", "address", "实习单位地址"),
    ("enterprise", "legal_representative", "实习单位法定代表人"),
    ("enterprise", "phone", "实习单位联系电话"),
    ("internship", "position", "实习岗位"),
    ("internship", "starts_on", "开始日期"),
    ("internship", "ends_on", "结束日期"),
    ("internship", "monthly_pay", "实习报酬"),
    ("internship", "same_post_wage", "同岗位职工工资"),
    ("internship", "insurer", "保险公司"),
    ("internship", "policy_no", "保单号"),
)
# for a student under 18 at the start: the 监护人 signs the agreement and the 知情同意书
REQUIRED_MINOR = (
    ("student", "guardian_name", "监护人姓名"),
    ("student", "guardian_relation", "监护人与学生关系"),
    ("student", "guardian_id_number", "监护人身份证号"),
    ("student", "guardian_phone", "监护人电话"),
)

# fields whose blank the batch reports, so the secretary knows what to fill in by hand
_CHECKED = (
    ("student", "gender", "性别"),
    ("student", "phone", "学生电话"),
    ("enterprise", "uscc", "统一社会信用代码"),
    ("enterprise", "contact", "实习单位联系人"),
    ("internship", "place", "实习地点"),
    ("internship", "pay_day", "发放日"),
    ("internship", "insurance_term", "保险期间"),
)


def _value(value: object) -> str:
    return doc_text(value) or BLANK


def _money(fen: int) -> str:
    return format_money(fen, symbol=False) if fen > 0 else BLANK


def _hours(value: float | None) -> str:
    if not value:
        return BLANK
    return str(int(value)) if value == int(value) else f"{value:g}"


class _Archive:
    """The records a batch needs, read with one query per table (not per internship)."""

    def __init__(self, s: Session, ids: Sequence[str]) -> None:
        rows = _by_id(s, Internship, ids)
        missing = [i for i in ids if i not in rows]
        if missing:
            raise NotFound(f"找不到实习记录（可能已删除）：{missing[0]}")
        self.internships = [rows[i] for i in ids]
        need_personal(s)  # the agreement prints the 身份证号s and phones: 学生个人信息 on a server
        self.students = _by_id(
            s, Student, {i.student_id for i in self.internships}, undefer_group(PERSONAL_GROUP)
        )
        self.enterprises = _by_id(s, Enterprise, {i.enterprise_id for i in self.internships} - {None})
        self.bases = _by_id(s, PracticeBase, {i.base_id for i in self.internships} - {None})
        majors = {st.major_id for st in self.students.values()} - {None}
        self.majors = dict(s.execute(select(Major.id, Major.name).where(Major.id.in_(majors))).all())
        self.contacts: dict[str, Contact] = {}
        contacts = select(Contact).where(
            Contact.enterprise_id.in_(self.enterprises), Contact.deleted_at.is_(None)
        )
        for c in s.scalars(contacts.order_by(Contact.sort_order, Contact.created_at)):
            self.contacts.setdefault(c.enterprise_id, c)  # the first one: the primary contact


def _by_id(s: Session, model: Any, ids: Any, *options: Any) -> dict[str, Any]:
    ids, found = list(ids), {}
    for start in range(0, len(ids), 500):  # SQLite's limit on bound parameters
        chunk = ids[start : start + 500]
        stmt = select(model).where(model.id.in_(chunk), model.deleted_at.is_(None)).options(*options)
        for row in s.scalars(stmt):
            found[row.id] = row
    return found


def birth_date(st: Student) -> dt.date | None:
    """The recorded birth date, else the one in the 身份证号 (digits 7–14)."""
    if st.birth_date:
        return st.birth_date
    digits = (st.id_number or "").strip()
    try:
        return dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return None


def _student(st: Student | None, major: str, starts_on: dt.date) -> dict[str, str]:
    if st is None:
        return {key.split(".")[1]: BLANK for key, _ in PLACEHOLDERS if key.startswith("student.")}
    born = birth_date(st)
    return {
        "name": _value(st.name),
        "gender": _value(st.gender),
        "id_number": _value(st.id_number),
        "birth_date": cn_date(born, BLANK_DATE),
        "age": str(age_on(born, starts_on)) if born else BLANK,
        "student_no": _value(st.student_no),
        "major": _value(major),
        "class_name": _value(st.class_name),
        "phone": _value(st.phone),
        "home_address": _value(st.home_address),
        "emergency_contact": _value(st.emergency_contact),
        "emergency_phone": _value(st.emergency_phone),
        "guardian_name": _value(st.guardian_name),
        "guardian_relation": _value(st.guardian_relation),
        "guardian_id_number": _value(st.guardian_id_number),
        "guardian_phone": _value(st.guardian_phone),
    }


def _enterprise(e: Enterprise | None, contact: Contact | None) -> dict[str, str]:
    return {
        "name": _value(e and e.name),
        "uscc": _value(e and e.uscc),
        "address": _value(e and e.address),
        "legal_representative": _value(e and e.legal_representative),
        "contact": _value(contact and contact.name),
        "phone": _value(contact and contact.phone),
    }


def _internship(i: Internship) -> dict[str, str]:
    insured = i.insured_from or i.insured_to
    weekly = (i.hours_per_day or 0) * (i.days_per_week or 0)
    return {
        "kind": _value(i.kind),
        "position": _value(i.position),
        "place": _value(i.place),
        "starts_on": cn_date(i.starts_on),
        "ends_on": cn_date(i.ends_on),
        "term": period_text(i.starts_on, i.ends_on),
        "hours_per_day": _hours(i.hours_per_day),
        "days_per_week": _hours(i.days_per_week),
        "hours_per_week": _hours(weekly),
        "lodging": doc_text(i.lodging) or DEFAULT_LODGING,
        "transport": doc_text(i.transport) or DEFAULT_TRANSPORT,
        "monthly_pay": _money(i.monthly_pay_fen),
        "monthly_pay_words": amount_in_words(i.monthly_pay_fen) if i.monthly_pay_fen > 0 else BLANK,
        "pay_day": str(i.pay_day) if 1 <= (i.pay_day or 0) <= 31 else BLANK,
        "same_post_wage": _money(i.same_post_wage_fen),
        "insurer": _value(i.insurer),
        "policy_no": _value(i.policy_no),
        "insurance_term": period_text(i.insured_from, i.insured_to) if insured else BLANK,
        "insurance_paid_by": _value(i.insurance_paid_by),
        "counselor": _value(i.counselor),
        "academic_mentor": _value(i.academic_mentor),
        "enterprise_hr": _value(i.enterprise_hr),
        "enterprise_mentor": _value(i.enterprise_mentor),
        "guardian": _value(i.guardian),
    }


def _parties(s: Session) -> dict[str, dict[str, str]]:
    """甲方: the school, and the 二级学院 that carries the agreement out (设置 → 学校与学院)."""
    school, college = party_details(s, "school"), party_details(s, "college")
    keys = ("name", "uscc", "address", "representative", "contact", "phone")
    return {
        "school_party": {k: _value(getattr(school, k)) for k in keys},
        "college_party": {k: _value(getattr(college, k)) for k in keys if k != "uscc"},
    }


def _agreement(i: Internship, student: Student | None) -> dict[str, str]:
    born = birth_date(student) if student else None
    minor = born is not None and age_on(born, i.starts_on) < ADULT_AGE
    return {
        "number": _value(i.agreement_no),
        "minor": "是" if minor else "",
        "copies": "四" if minor else "三",
        "holders": "甲、乙、丙三方及丙方监护人" if minor else "甲、乙、丙三方",
    }


def contexts(s: Session, internship_ids: Sequence[str], *, today: dt.date | None = None) -> list[dict]:
    """The context of each internship, in the order given; NotFound names the first id missing."""
    archive = _Archive(s, list(internship_ids))
    common = {**common_fields(s, today), **_parties(s)}
    common["party_a"] = common["school"]  # 甲方 is the school, the legal person (示范文本)
    result = []
    for i in archive.internships:
        st = archive.students.get(i.student_id)
        e = archive.enterprises.get(i.enterprise_id or "")
        base = archive.bases.get(i.base_id or "")
        major = archive.majors.get(st.major_id or "", "") if st else ""
        result.append(
            {
                **common,
                "agreement": _agreement(i, st),
                "student": _student(st, major, i.starts_on),
                "enterprise": _enterprise(e, archive.contacts.get(e.id) if e else None),
                "internship": _internship(i),
                "base": {"name": doc_text(base.name) if base else ""},
            }
        )
    return result


def tripartite_context(s: Session, internship_id: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """The placeholders of one internship's 三方协议 (PLACEHOLDERS lists them)."""
    return contexts(s, [internship_id], today=today)[0]


def blank_fields(context: dict[str, Any]) -> list[str]:
    """The fields an agreement leaves blank for handwriting (names of fields, never their values)."""
    return [label for part, key, label in _CHECKED if context[part][key] == BLANK]


def missing_required(context: dict[str, Any]) -> list[str]:
    """The required fields (REQUIRED, and REQUIRED_MINOR for a minor) the archive does not have for this
    agreement: it is not written."""
    wanted = REQUIRED + (REQUIRED_MINOR if context["agreement"]["minor"] else ())
    return [label for part, key, label in wanted if context[part][key] in (BLANK, BLANK_DATE)]


def builtin_template() -> bytes:
    from resources import resource_bytes

    return resource_bytes("templates", TEMPLATE_FILE)


def consent_template() -> bytes:
    """The built-in 监护人知情同意书 (a minor's guardian signs it beside the agreement)."""
    from resources import resource_bytes

    return resource_bytes("templates", CONSENT_TEMPLATE_FILE)


def save_builtin_template(out: Path) -> Path:
    """Save the built-in 三方协议 template to edit in Word and pass back as `template`."""
    with atomic_path(Path(out)) as tmp:
        tmp.write_bytes(builtin_template())
    return Path(out)


def noop(fraction: float, message: str = "") -> None:
    pass


Progress = Callable[[float, str], None]


# ---------------------------------------------------------------- the batch

COMBINED_NAME = "三方协议_合并打印.docx"
MIN_NAME_ROOM = TEMP_NAME_CHARS + 6  # a folder deeper than this leaves no room for the files in it
POOL_FROM = 40  # documents from which a second render process (about a second to start) pays


@dataclass(frozen=True)
class BatchResult:
    folder: Path
    files: tuple[Path, ...]
    combined: Path | None
    skipped: tuple[tuple[str, str], ...]  # (学生, reason): not written (data missing, or could not be filled)
    incomplete: tuple[tuple[str, str], ...]  # (file name, blank fields): written with blanks to fill by hand
    seconds: float
    blocked: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (学生, rules broken): not one to sign
    not_needed: tuple[str, ...] = ()  # 学生 of a 认识实习 chosen: needs no 三方协议
    consents: tuple[Path, ...] = ()  # the 监护人知情同意书 written (students under 18)

    @property
    def refused(self) -> bool:
        """Some chosen internship got no agreement for a reason the user must act on (exit 1)."""
        return bool(self.skipped or self.blocked)


def file_names(ctxs: Sequence[dict[str, Any]], folder: Path, kind: str = KIND) -> list[str]:
    """班级_学号_姓名_三方协议.docx (or _监护人知情同意书) for each, safe on Windows and within MAX_PATH in `folder` (the class name is
    shortened first, the folder never); the same name twice gets (2), (3)… (Windows ignores case)."""
    room = name_room(folder)
    if room < MIN_NAME_ROOM:
        raise ValidationError(
            "folder",
            f"所选文件夹的路径太长（{path_chars(str(Path(folder).absolute()))} 个字符），"
            f"Windows 的完整路径不能超过 {MAX_PATH_CHARS + 1} 个字符。"
            "请选择路径较短的文件夹（如 D:\\三方协议）。",
        )
    names, taken = [], {COMBINED_NAME.casefold()}
    for ctx in ctxs:
        st = ctx["student"]
        parts = [v.strip() for v in (st["class_name"], st["student_no"], st["name"])]
        n = 1
        while True:
            suffix = f"_{kind}{f'({n})' if n > 1 else ''}.docx"
            name = fit_filename(parts, suffix, room)
            if name.casefold() not in taken:
                break
            n += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def _who(ctx: dict[str, Any]) -> str:
    """张三（机电2301）; a student without a name by 学号."""
    st = ctx["student"]
    name = st["name"].strip() or (
        f"学号{st['student_no'].strip()}" if st["student_no"].strip() else "未知学生"
    )
    return f"{name}（{st['class_name'].strip()}）" if st["class_name"].strip() else name


def _scrubbed(e: AppError, ctx: dict[str, Any]) -> AppError:
    """The error without the student's ID number or phones in its detail (the detail goes to the log)."""
    st = ctx["student"]
    secrets = (
        "id_number",
        "phone",
        "guardian_phone",
        "guardian_id_number",
        "emergency_phone",
        "home_address",
    )
    for secret in (st[k] for k in secrets):
        if secret.strip():
            e.detail = e.detail.replace(secret, "***")
    return e


def _document(ctx: dict[str, Any]) -> str:
    return f"{_who(ctx)}的{KIND}"


def _write_all(
    pool: RenderPool,
    first: bytes,
    ctxs: list[dict[str, Any]],
    names: list[str],
    folder: Path,
    skipped: list[tuple[str, str]],
    combined: bool,
    progress: Progress,
    cancel: threading.Event | None,
) -> tuple[list[Path], list[tuple[str, str]], bool]:
    """Fill and write each document (the first one is filled already): (files, incomplete, stopped). One
    the template cannot be filled for, or whose file cannot be written, is listed in `skipped`; a document
    the render process was stopped for (too slow, too much memory) stops the batch, and the documents not
    yet written are listed too. The render processes fill the next documents while one is written."""
    files: list[Path] = []
    incomplete: list[tuple[str, str]] = []
    share = 0.9 if combined else 1.0
    filled = pool.fill_all(ctxs[1:], [_document(c) for c in ctxs[1:]], combine=combined)
    for i, (ctx, file_name) in enumerate(zip(ctxs, names, strict=True)):
        progress(share * i / len(ctxs), f"正在生成第 {i + 1}/{len(ctxs)} 份：{file_name}")
        if cancel is not None and cancel.is_set():
            raise BatchCancelled(tuple(files))
        document = first if i == 0 else next(filled)
        try:
            if isinstance(document, AppError):
                raise document
            files.append(write_document(document, folder / file_name))
        except RenderStopped as e:
            skipped.append((_who(ctx), _scrubbed(e, ctx).message))
            skipped.extend(
                (_who(later), "未生成：模板生成上一份时被停止，批量生成已中止。") for later in ctxs[i + 1 :]
            )
            return files, incomplete, True
        except AppError as e:
            skipped.append((_who(ctx), _scrubbed(e, ctx).message))
            continue
        if blanks := blank_fields(ctx):
            incomplete.append((file_name, "、".join(blanks)))
    return files, incomplete, False


def _write_consents(
    ctxs: list[dict[str, Any]],
    folder: Path,
    skipped: list[tuple[str, str]],
    cancel: threading.Event | None,
    done: list[Path],
) -> list[Path]:
    """The 监护人知情同意书 of each minor among `ctxs` (their agreements are written)."""
    minors = [c for c in ctxs if c["agreement"]["minor"]]
    if not minors:
        return []
    written = []
    names = file_names(minors, folder, CONSENT_KIND)
    with RenderWorker(consent_template(), CONSENT_TEMPLATE_FILE) as worker:
        for ctx, name in zip(minors, names, strict=True):
            if cancel is not None and cancel.is_set():
                raise BatchCancelled((*done, *written))
            try:
                document = worker.fill(ctx, full_check=False, who=f"{_who(ctx)}的{CONSENT_KIND}")
                written.append(write_document(document, folder / name))
            except AppError as e:
                skipped.append((f"{_who(ctx)}的{CONSENT_KIND}", _scrubbed(e, ctx).message))
    return written


def reserve_agreement_numbers(
    s: Session, internship_ids: Sequence[str], *, today: dt.date | None = None
) -> dict[str, str]:
    """Give each internship of `internship_ids` ready to sign (plan_batch) its 协议编号, once: run it in a write
    transaction of its own before write_tripartite_batch, so the numbers stand whatever becomes of the batch
    (a number given to an agreement never written is only a gap in the sequence)."""
    from app.docs.internship_plan import plan_batch
    from app.services.internships import assign_agreement_numbers

    need_personal(s)  # no number for an agreement this user may not print
    plan = plan_batch(s, internship_ids, today=today)
    return assign_agreement_numbers(s, list(plan.ready)) if plan.ready else {}


def write_tripartite_batch(
    s: Session,
    internship_ids: Sequence[str],
    folder: Path,
    *,
    template: Path | None = None,
    combined: bool = False,
    progress: Progress = noop,
    cancel: threading.Event | None = None,
    today: dt.date | None = None,
    numbers_reserved: bool = False,
) -> BatchResult:
    """One 三方协议 per internship ready to sign (plan_batch) in `folder`, each written atomically, and a
    监护人知情同意书 for each minor among them; with `combined`, also 三方协议_合并打印.docx with each
    agreement starting on an odd page. The others are listed: blocked (the rules broken), not needed
    (认识实习), skipped (required data missing, with the fields). The 协议编号 of the agreements written are
    given in `s` where not given before — or, with `numbers_reserved`, those reserve_agreement_numbers
    committed in a write transaction of its own (what the window and the command line do): the batch then
    only reads, `s` may be a reader, the write lock is not held while documents render, and a cancelled or
    failed batch leaves no file with a number the next batch gives again. An internship ready but without a
    number then (made ready in between) is listed as skipped.

    `template` None: the college's template (设置 → 模板), else the built-in one. The template is checked
    and filled for the first internship before any file is written: a broken template writes nothing. An
    internship the template cannot be filled for (or whose file is open in Word) is skipped and listed.
    Cancelling keeps the files already written and raises BatchCancelled listing them; the combined document
    is then not written. The documents are filled in a render process (app/docs/worker.py) with a deadline
    for each: one that takes too long or too much memory stops the batch (the files written so far stay;
    the rest are listed as not written)."""
    started = time.monotonic()
    if not internship_ids:
        raise ValidationError("internships", "没有选择实习记录。")
    source, name = template_source(s, "tripartite", template)
    data = template_bytes(source, name)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ValidationError("folder", f"“{folder}”不是文件夹。")
    from app.docs.internship_plan import plan_batch

    plan = plan_batch(s, internship_ids, today=today)
    skipped = list(plan.missing)

    def result(**kw: Any) -> BatchResult:
        return BatchResult(
            folder=folder,
            skipped=tuple(skipped),
            seconds=time.monotonic() - started,
            blocked=plan.blocked,
            not_needed=plan.not_needed,
            **kw,
        )

    if not plan.ready:
        progress(1.0, f"没有可生成的{KIND}")
        return result(files=(), combined=None, incomplete=())
    if not numbers_reserved:
        from app.services.internships import assign_agreement_numbers

        assign_agreement_numbers(s, list(plan.ready))
    numbers = dict(
        s.execute(select(Internship.id, Internship.agreement_no).where(Internship.id.in_(plan.ready))).all()
    )
    ctxs = []
    for iid in plan.ready:
        ctx = plan.contexts[iid]
        if not numbers.get(iid):  # made ready after the numbers were reserved
            skipped.append((_who(ctx), "尚未分配协议编号：请重新生成"))
            continue
        ctx["agreement"]["number"] = numbers[iid]
        ctxs.append(ctx)
    if not ctxs:
        return result(files=(), combined=None, incomplete=())
    names = file_names(ctxs, folder)
    # one render process for the batch, a deadline per document; a second one on a second core for many
    # documents (a combined copy is built by one process, in order)
    size = 2 if len(ctxs) >= POOL_FROM and not combined and (os.cpu_count() or 1) > 1 else 1
    with RenderWorker(data, name) as worker, RenderPool(worker, size) as pool:
        try:  # a broken template fails here, before any file
            first = worker.fill(ctxs[0], combine=combined, who=_document(ctxs[0]))
        except AppError as e:
            raise _scrubbed(e, ctxs[0]) from None
        folder.mkdir(parents=True, exist_ok=True)
        files, incomplete, stopped = _write_all(
            pool, first, ctxs, names, folder, skipped, combined, progress, cancel
        )
        combined_path = None
        if combined and files and not stopped:
            if cancel is not None and cancel.is_set():
                raise BatchCancelled(tuple(files))
            progress(0.9, f"正在生成合并打印版（{len(files)} 份）…")
            try:
                combined_path = write_document(worker.combined(), folder / COMBINED_NAME)
            except AppError as e:  # the files stay; the print copy is listed as not written
                skipped.append((COMBINED_NAME, e.message))
    written = {p.name for p in files}
    consents = _write_consents(
        [c for c, n in zip(ctxs, names, strict=True) if n in written], folder, skipped, cancel, files
    )
    progress(1.0, f"已生成 {len(files)} 份{KIND}")
    return result(
        files=tuple(files), combined=combined_path, incomplete=tuple(incomplete), consents=tuple(consents)
    )
