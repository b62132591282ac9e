"""演示数据, sixth part: students of three grades in four majors, their internships, enterprise monthly
evaluations and last year's graduates' employment — through the services, dated relative to `today`, the same
for the small and the large demo (a college has a few thousand students at most).

Chosen so that the rules show on the 工作台: most third-year placements are in order; one has no October
evaluation, one scored 55, one is paid below 80% of the same-post wage, one works night shifts, one's insurance
ends before the internship, one's insurance is recorded as paid by the student; a first-year student is planned for a placement (实习规定 Art. 16); the
second-years' 认识实习 next month has no insurance yet. ID numbers are valid but invented (region 430199,
which no real county uses).
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from dataclasses import replace

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.base import new_id
from app.db.models import Enterprise, Internship, Major, MonthlyEvaluation, PracticeBase, Student
from app.db.personal import with_masked_copies
from app.domain.codes import id_check_char
from app.progress import Progress, tick
from app.services.employment import EmploymentData, save_employment
from app.services.internships import EvaluationData, InternshipData, create_internships, save_evaluation
from app.services.students import StudentData, create_student

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任"
GIVEN = "子涵浩然雨轩思远梓萱俊杰欣怡宇航佳琪博文诗琪明轩雅婷嘉豪梦瑶志强晓燕建华丽娟伟东海涛"
PER_CLASS = 24
CHUNK = 2000
_DESTINATIONS = ((0.72, "协议就业"), (0.82, "灵活就业"), (0.92, "升学"), (0.96, "参军入伍"), (1.01, "待就业"))
POSITIONS = ("装配技术员", "设备运维助理", "质检员", "数控操作员", "电气调试员", "售后技术支持")


_AREAS = ("430199", "430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181")


def _id_number(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    """A valid 身份证号 no other demo student has (the database keeps them unique): on a clash the next
    sequence number, then the next area code, without drawing again (the rest of the demo stays the same)."""
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    for area in _AREAS:
        for step in range(100):
            body = f"{area}{birth:%Y%m%d}{(seq + step * 10) % 1000:03d}"
            number = body + id_check_char(body)
            if number not in used:
                used.add(number)
                return number
    raise RuntimeError("demo: no free 身份证号 left for this birth date")


_TOWNS = (
    "长沙县星沙街道",
    "浏阳市集里街道",
    "宁乡市玉潭街道",
    "湘潭市雨湖区",
    "株洲市天元区",
    "岳阳市岳阳楼区",
)
_MOTHERS = ("秀英", "桂兰", "春梅")


def _family(data: StudentData, birth: dt.date) -> StudentData:
    """The 三方协议's facts about the family (home address, the guardian's relationship and ID, the emergency
    contact), derived from what was drawn — no draw of its own, so the rest of the demo stays the same."""
    n = int(data.student_no[-4:])
    born = f"{birth.year - 27}{birth.month:02d}{min(birth.day, 28):02d}"  # 29 February: not every year has it
    body = f"{data.id_number[:6]}{born}{n % 1000:03d}"
    return replace(
        data,
        home_address=f"湖南省{_TOWNS[n % len(_TOWNS)]}建设路{n % 97 + 1}号",
        guardian_relation="母亲" if data.guardian_name.endswith(_MOTHERS) else "父亲",
        guardian_id_number=body + id_check_char(body),
        emergency_contact=data.guardian_name,
        emergency_phone=data.guardian_phone,
    )


class _Students:
    def __init__(self, s: Session, rng: random.Random, today: dt.date) -> None:
        self.s, self.rng, self.today = s, rng, today
        self.id_numbers: set[str] = set(
            s.scalars(select(Student.id_number).where(Student.deleted_at.is_(None), Student.id_number != ""))
        )
        self.year = today.year if today.month >= 9 else today.year - 1  # the 学年 now began this year
        self.minor_made = False
        self.majors = s.execute(
            select(Major.id, Major.name).where(Major.deleted_at.is_(None)).order_by(Major.sort_order)
        ).all()[:4]
        self.partners = s.scalars(
            select(Enterprise.id)
            .where(Enterprise.deleted_at.is_(None), Enterprise.status == "合作中")
            .limit(20)
        ).all()
        self.bases = dict(
            s.execute(
                select(PracticeBase.enterprise_id, PracticeBase.id).where(
                    PracticeBase.deleted_at.is_(None), PracticeBase.enterprise_id.is_not(None)
                )
            ).all()
        )

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))

    def classes(self) -> dict[int, list[tuple[str, str]]]:
        """entry year → [(class name, major id)] for the graduates (year-3) and the three grades now."""
        out: dict[int, list[tuple[str, str]]] = {}
        for entry in range(self.year - 3, self.year + 1):
            out[entry] = [(f"{name[:2]}{entry % 100:02d}01", mid) for mid, name in self.majors]
        return out

    def students(self, entry: int, class_name: str, major_id: str, start: int) -> list[str]:
        ids = []
        for n in range(PER_CLASS):
            male = self.rng.random() < 0.7
            birth = dt.date(entry - 18, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 540))
            if entry == self.year - 2 and not self.minor_made:
                # one student of the grade now on 岗位实习 came through a 五年一贯制 path and is 17 when it
                # starts: the 三方协议 for a minor (监护人 signs, 一式四份, 知情同意书) shows in the demo
                birth, self.minor_made = dt.date(entry - 16, 12, 1), True
            name = self.name()
            data = StudentData(
                student_no=f"{entry}{start + n:04d}",
                name=name,
                gender="男" if male else "女",
                id_number=_id_number(self.rng, birth, male, self.id_numbers),
                major_id=major_id,
                class_name=class_name,
                entry_year=entry,
                phone=f"1{self.rng.choice('3578')}{self.rng.randrange(10**8, 10**9)}",
                guardian_name=name[0] + self.rng.choice(("建国", "卫东", "秀英", "桂兰", "志明", "春梅")),
                guardian_phone=f"1{self.rng.choice('3578')}{self.rng.randrange(10**8, 10**9)}",
            )
            ids.append(create_student(self.s, _family(data, birth)).ids[0])
        return ids

    def terms(
        self, kind: str, start: dt.date, end: dt.date, enterprise: str, insured: bool
    ) -> InternshipData:
        pay = self.rng.choice((2800, 3000, 3200, 3500)) * 100
        return InternshipData(
            student_id="",
            kind=kind,
            starts_on=start,
            ends_on=end,
            enterprise_id=enterprise,
            base_id=self.bases.get(enterprise),
            position=self.rng.choice(POSITIONS) if kind == "岗位实习" else "",
            place="长沙市",
            monthly_pay_fen=pay if kind == "岗位实习" else 0,
            same_post_wage_fen=pay + 500_00 if kind == "岗位实习" else 0,
            pay_day=10 if kind == "岗位实习" else 0,
            insurer="中国人民财产保险股份有限公司" if insured else "",
            policy_no=f"PICC{start:%Y}{self.rng.randrange(10**6, 10**7)}" if insured else "",
            insured_from=start if insured else None,
            insured_to=end if insured else None,
            insurance_paid_by="学校" if insured else "",
            counselor="周老师",
            academic_mentor=self.rng.choice(("刘老师", "陈老师", "杨老师")),
            enterprise_hr="人事部王经理",
            enterprise_mentor=self.rng.choice(("李师傅", "赵师傅", "孙工程师")),
            has_tripartite=kind == "岗位实习" and insured,
            has_consent=insured,
            has_safety_record=insured,
        )

    def placements(self, student_ids: list[str], start: dt.date, end: dt.date, status: str) -> list[str]:
        ids = []
        for n, sid in enumerate(student_ids):
            enterprise = self.partners[n % len(self.partners)]
            ids += create_internships(self.s, [sid], self.terms("岗位实习", start, end, enterprise, True)).ids
        for i in self.s.scalars(select(Internship).where(Internship.id.in_(ids))):
            i.status = status
        return ids

    def evaluate(self, internship_ids: list[str], start: dt.date, until: dt.date) -> int:
        count = 0
        for iid in internship_ids:
            month = start.replace(day=1)
            while month < until.replace(day=1):
                save_evaluation(self.s, EvaluationData(iid, month, self.rng.randrange(70, 97), "企业导师"))
                count += 1
                month = (month + dt.timedelta(days=32)).replace(day=1)
        return count


def _problems(work: _Students, running: list[str], today: dt.date) -> None:
    """Give six running placements one problem each (see the module docstring)."""
    rows = {i.id: i for i in work.s.scalars(select(Internship).where(Internship.id.in_(running[:6])))}
    first, low, pay, night, short, premium = (rows[i] for i in running[:6])
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month
    for e in work.s.scalars(
        select(MonthlyEvaluation).where(MonthlyEvaluation.internship_id.in_((first.id, low.id)))
    ):
        if e.month == month and e.internship_id == first.id:
            e.deleted_at = dt.datetime.now(dt.UTC)
        elif e.month == month:
            e.score = 55
    pay.monthly_pay_fen = 2000_00
    pay.same_post_wage_fen = 4000_00
    night.night_shift = True
    short.insured_to = short.starts_on + dt.timedelta(days=150)
    premium.insurance_paid_by = "学生"
    work.s.flush()


def _bulk(work: _Students, n: int, progress: Progress, cancel: threading.Event | None) -> int:
    """The large demo's extra students, each with a placement planned for next semester (insured, 三方协议
    signed: no findings), written with bulk inserts (rows built here, no audit: demo data)."""
    start = dt.date(work.year + 1, 3, 1)
    end = dt.date(work.year + 1, 6, 30)
    partners = work.partners
    done = 0
    while done < n:
        students, internships = [], []
        for k in range(done, min(done + CHUNK, n)):
            entry = work.year - 1 - k % 2
            male = work.rng.random() < 0.7
            birth = dt.date(entry - 18, 1, 1) + dt.timedelta(days=work.rng.randrange(0, 540))
            mid, major = work.majors[k % len(work.majors)]
            sid = new_id()
            students.append(
                {
                    "id": sid,
                    "student_no": f"9{entry}{k:06d}",
                    "name": work.name(),
                    "gender": "男" if male else "女",
                    "id_number": _id_number(work.rng, birth, male, work.id_numbers),
                    "birth_date": birth,
                    "major_id": mid,
                    "class_name": f"{major[:2]}{entry % 100:02d}{k // PER_CLASS % 90 + 10:02d}",
                    "entry_year": entry,
                }
            )
            terms = work.terms("岗位实习", start, end, partners[k % len(partners)], True)
            row = {f: getattr(terms, f) for f in terms.__dataclass_fields__}
            internships.append(
                {
                    **row,
                    "id": new_id(),
                    "student_id": sid,
                    "guardian": "家长",
                    "status": "计划",
                    "has_tripartite": True,
                }
            )
        work.s.execute(insert(Student), [with_masked_copies(r) for r in students])
        work.s.execute(insert(Internship), internships)
        done += len(students)
        tick(progress, cancel, 1.0, f"正在写入学生与实习 {done}/{n}")
    return done


def fill_internships(
    s: Session,
    *,
    seed: int,
    today: dt.date,
    progress: Progress,
    cancel: threading.Event | None,
    at: float = 0.998,
    bulk_students: int = 0,
) -> dict[str, int]:
    """Students, internships, evaluations and employment (needs majors and partners); `bulk_students` more
    students with a planned placement each (the large demo)."""
    work = _Students(s, random.Random(seed * 104729), today)
    if not work.partners or not work.majors:
        return {}
    tick(progress, cancel, at, "正在生成学生与实习")
    by_grade: dict[int, list[str]] = {}
    for entry, classes in work.classes().items():
        by_grade[entry] = []
        for n, (class_name, major_id) in enumerate(classes):
            by_grade[entry] += work.students(entry, class_name, major_id, n * 100 + 1)
    y = work.year
    graduates, seniors, juniors, freshmen = (by_grade[y - 3], by_grade[y - 2], by_grade[y - 1], by_grade[y])
    done = work.placements(graduates, dt.date(y - 1, 9, 1), dt.date(y, 6, 20), "已结束")
    evaluations = work.evaluate(done, dt.date(y - 1, 9, 1), dt.date(y, 7, 1))
    start = dt.date(y, 9, 1)
    running = work.placements(seniors[: PER_CLASS * 2], start, dt.date(y + 1, 6, 20), "实习中")
    evaluations += work.evaluate(running, start, today)
    _problems(work, running, today)
    soon = today + dt.timedelta(days=20)
    visit = work.terms("认识实习", soon, soon + dt.timedelta(days=4), work.partners[0], False)
    planned = list(create_internships(s, juniors[:PER_CLASS], visit).ids)
    early = replace(
        work.terms("岗位实习", soon, soon + dt.timedelta(days=90), work.partners[1], True),
        has_tripartite=False,
    )
    planned += create_internships(s, freshmen[:1], early).ids
    employment = 0
    for n, sid in enumerate(graduates):
        r = work.rng.random()
        status = next(st for limit, st in _DESTINATIONS if r < limit)
        employed = status in ("协议就业", "灵活就业")
        save_employment(
            s,
            EmploymentData(
                student_id=sid,
                graduate_year=y,
                status=status,
                enterprise_id=work.partners[n % len(work.partners)] if employed and n % 3 == 0 else None,
                employer_name=""
                if not employed or n % 3 == 0
                else f"长沙{work.rng.choice('华湘麓')}兴科技有限公司",
                related=employed and work.rng.random() < 0.8,
                monthly_salary_fen=work.rng.randrange(3500, 6800) * 100 if employed else 0,
            ),
        )
        employment += 1
    extra = _bulk(work, bulk_students, progress, cancel) if bulk_students else 0
    students = sum(len(v) for v in by_grade.values()) + extra
    return {
        "学生": students,
        "实习记录": len(done) + len(running) + len(planned) + extra,
        "企业月度评价": evaluations,
        "就业记录": employment,
    }
