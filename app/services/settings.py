"""College settings: school, college, 专业群 and their 专业. Stored in the database (they travel with it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Major, MajorGroup, Setting
from app.domain.codes import check_uscc
from app.domain.names import clean_text
from app.domain.phones import LANDLINE_RULE, is_phone
from app.domain.semesters import DEFAULT_CALENDAR, SemesterCalendar
from app.errors import ValidationError, ValidationErrors
from app.services.common import Changes, now


@dataclass(frozen=True)
class MajorGroupInfo:
    name: str
    majors: tuple[str, ...]
    id: str | None = None
    # 专业代码 of each major, in the order of `majors` ("" = not set). Left empty (a caller that does not
    # know the codes), save_profile keeps the codes the majors already have.
    codes: tuple[str, ...] = ()

    def code_of(self, major: str) -> str:
        return dict(zip(self.majors, self.codes, strict=False)).get(major, "")


@dataclass(frozen=True)
class CollegeProfile:
    school: str
    college: str
    groups: tuple[MajorGroupInfo, ...] = ()

    @property
    def majors(self) -> tuple[str, ...]:
        return tuple(m for g in self.groups for m in g.majors)


@dataclass(frozen=True)
class PartyDetails:
    """A party of an agreement as the contract prints it (三方协议 甲方: the school, carried out by the college).
    Kept in settings under `<who>_<field>` (school_address, college_phone …); `name` is the profile's."""

    name: str = ""
    uscc: str = ""  # 统一社会信用代码 (the school's; a 二级学院 has none of its own)
    address: str = ""
    representative: str = ""  # 法定代表人 (school) / 负责人 (college)
    contact: str = ""
    phone: str = ""


PARTY_FIELDS = ("uscc", "address", "representative", "contact", "phone")
PARTY_WHO = {"school": "学校", "college": "二级学院"}
_PARTY_LIMITS = {"address": ("地址", 200), "representative": ("负责人", 50), "contact": ("联系人", 50)}


def party_errors(who: str, details: PartyDetails) -> list[ValidationError]:
    """The school's code per GB 32100 (a school has no “已核对” escape: its code is on its own certificate),
    phones by their shape (app/domain/phones.py), lengths. Field names are `<who>_<field>`."""
    label = PARTY_WHO[who]
    errors = []
    uscc = clean_text(details.uscc)
    if uscc:
        res = check_uscc(uscc)
        if res.error or res.check_failed:
            message = res.error or "统一社会信用代码校验位不符，请对照事业单位法人证书或营业执照核对"
            errors.append(ValidationError(f"{who}_uscc", f"{label}的{message}"))
    phone = clean_text(details.phone)
    if phone and (len(phone) > 30 or not is_phone(phone, landline=True)):
        errors.append(ValidationError(f"{who}_phone", f"{label}的联系电话格式不对：{LANDLINE_RULE}"))
    for f, (name, limit) in _PARTY_LIMITS.items():
        if len(clean_text(getattr(details, f))) > limit:
            name = "法定代表人" if f == "representative" and who == "school" else name
            errors.append(ValidationError(f"{who}_{f}", f"{label}的{name}过长（最多{limit}字）"))
    return errors


def party_details(s: Session, who: str) -> PartyDetails:
    """`who` is "school" or "college"."""
    if who not in ("school", "college"):
        raise ValueError(who)
    return PartyDetails(_get(s, who), *(_get(s, f"{who}_{f}") for f in PARTY_FIELDS))


def save_party_details(s: Session, who: str, details: PartyDetails) -> None:
    """Check and store the details (not the name: save_profile keeps it)."""
    if who not in ("school", "college"):
        raise ValueError(who)
    if errors := party_errors(who, details):
        raise ValidationErrors(errors)
    for f in PARTY_FIELDS:
        value = clean_text(getattr(details, f))
        _set(s, f"{who}_{f}", check_uscc(value).value if f == "uscc" and value else value)


def _get(s: Session, key: str) -> str:
    row = s.get(Setting, key)
    return row.value if row else ""


def _set(s: Session, key: str, value: str) -> None:
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value


def is_configured(s: Session) -> bool:
    return bool(_get(s, "college"))


def get_profile(s: Session) -> CollegeProfile:
    groups = s.scalars(
        select(MajorGroup).where(MajorGroup.deleted_at.is_(None)).order_by(MajorGroup.sort_order)
    ).all()
    return CollegeProfile(
        school=_get(s, "school"),
        college=_get(s, "college"),
        groups=tuple(_group_info(g) for g in groups),
    )


def _group_info(g: MajorGroup) -> MajorGroupInfo:
    majors = [m for m in g.majors if m.deleted_at is None]
    return MajorGroupInfo(g.name, tuple(m.name for m in majors), g.id, tuple(m.code for m in majors))


MAJOR_CODE = re.compile(r"\d{6}")


def major_codes(s: Session) -> dict[str, str]:
    """专业代码 of every live major by id ("" where 设置 has none yet)."""
    return {i: c for i, c in s.execute(select(Major.id, Major.code).where(Major.deleted_at.is_(None)))}


def save_profile(
    s: Session, profile: CollegeProfile, *, parties: dict[str, PartyDetails] | None = None
) -> None:
    """The profile and, when given, the school's / college's party details ({"school": …, "college": …}),
    checked together (every problem at once) and written in the caller's one transaction."""
    school, college = clean_text(profile.school), clean_text(profile.college)
    errors = []
    if not school:
        errors.append(ValidationError("school", "请填写学校名称"))
    if not college:
        errors.append(ValidationError("college", "请填写二级学院名称"))
    seen: set[str] = set()
    for g in profile.groups:
        if not clean_text(g.name):
            errors.append(ValidationError("groups", "专业群名称不能为空"))
        for m in g.majors:
            name = clean_text(m)
            if name in seen:
                errors.append(ValidationError("groups", f"专业“{name}”重复出现"))
            seen.add(name)
    errors += _code_errors(s, profile.groups)
    for who, details in (parties or {}).items():
        errors += party_errors(who, details)
    if errors:
        raise ValidationErrors(errors)
    _set(s, "school", school)
    _set(s, "college", college)
    _save_groups(s, profile.groups)
    for who, details in (parties or {}).items():
        save_party_details(s, who, details)


def _final_codes(s: Session, groups: tuple[MajorGroupInfo, ...]) -> dict[str, str]:
    """Major name → the code it will have: the one given, or (for a group given without codes) its current one."""
    current = {n: c for n, c in s.execute(select(Major.name, Major.code).where(Major.deleted_at.is_(None)))}
    out: dict[str, str] = {}
    for g in groups:
        for i, raw in enumerate(g.majors):
            name = clean_text(raw)
            if name:
                out[name] = clean_text(g.codes[i]) if i < len(g.codes) else current.get(name, "")
    return out


def _code_errors(s: Session, groups: tuple[MajorGroupInfo, ...]) -> list[ValidationError]:
    """专业代码: 6 digits (the national 高职专科 code, e.g. 460301) or empty; never two majors with one code."""
    errors = []
    holder: dict[str, str] = {}
    for name, code in _final_codes(s, groups).items():
        if not code:
            continue
        if not MAJOR_CODE.fullmatch(code):
            errors.append(
                ValidationError("codes", f"专业“{name}”的专业代码应为6位数字（如 460301），而不是“{code}”")
            )
        elif code in holder:
            errors.append(ValidationError("codes", f"专业代码“{code}”同时填给了“{holder[code]}”和“{name}”"))
        holder.setdefault(code, name)
    return errors


def _save_groups(s: Session, groups: tuple[MajorGroupInfo, ...]) -> None:
    """Keep ids of groups and majors that survive (later records link to them); soft-delete the rest."""
    existing = {g.id: g for g in s.scalars(select(MajorGroup).where(MajorGroup.deleted_at.is_(None)))}
    majors_by_name = {m.name: m for m in s.scalars(select(Major).where(Major.deleted_at.is_(None)))}
    kept_groups: set[str] = set()
    kept_majors: set[str] = set()
    for order, info in enumerate(groups):
        group = existing.get(info.id) if info.id else None
        if group is None:
            group = MajorGroup(name=clean_text(info.name), sort_order=order)
            s.add(group)
            s.flush()
        group.name, group.sort_order = clean_text(info.name), order
        kept_groups.add(group.id)
        for m_order, raw in enumerate(info.majors):
            name = clean_text(raw)
            if not name:
                continue
            major = majors_by_name.get(name)
            if major is None:
                major = Major(name=name)
                s.add(major)
            major.group_id, major.sort_order = group.id, m_order
            if m_order < len(info.codes):
                major.code = clean_text(info.codes[m_order])
            s.flush()
            kept_majors.add(major.id)
    stamp = now()
    for g in existing.values():
        if g.id not in kept_groups:
            g.deleted_at = stamp
    for m in majors_by_name.values():
        if m.id not in kept_majors:
            m.deleted_at = stamp


SEMESTER_KEY = "semester_calendar"


def get_semester_calendar(s: Session) -> SemesterCalendar:
    """The college's semester calendar (the default one if none is set or the stored one is unusable)."""
    try:
        return SemesterCalendar.parse(_get(s, SEMESTER_KEY)) if _get(s, SEMESTER_KEY) else DEFAULT_CALENDAR
    except ValueError:
        return DEFAULT_CALENDAR


def save_semester_calendar(s: Session, cal: SemesterCalendar) -> Changes:
    if problem := cal.problem():
        raise ValidationError("semester_calendar", problem)
    _set(s, SEMESTER_KEY, cal.text())
    return Changes("settings")


PACKAGE_SEQUENCE_KEY = "package_sequence"


def package_sequence(s: Session) -> int:
    """The sequence number of the college's last signed submission package (0: none yet)."""
    value = _get(s, PACKAGE_SEQUENCE_KEY)
    return int(value) if value.isdigit() else 0


def next_package_sequence(s: Session, *, above: int = 0) -> int:
    """Reserve the next package sequence number (greater than the stored one and than `above`) and store it;
    the caller commits. Numbers are never reused: a failed export leaves a gap, which is harmless."""
    n = max(package_sequence(s), above) + 1
    _set(s, PACKAGE_SEQUENCE_KEY, str(n))
    return n
