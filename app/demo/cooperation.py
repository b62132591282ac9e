"""演示数据, second part: agreements, projects across all tiers (with KPIs, meetings, action items, operation
reports) and enterprise visits, written through the services after the enterprises (app/demo/__init__.py).

Dates are relative to `today` (injectable), so a demo made any day shows every reminder: agreements ending
within 30 and 90 days, one past its end still 生效, overdue action items, a project without a leader,
missing operation reports, active partners not visited for a year.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.audit import insert_entry, os_user
from app.db.base import new_id, utcnow
from app.db.models import Agreement, AgreementEnterprise, AgreementTransition, AuditLog, Enterprise, Major
from app.domain.semesters import past_semesters, semester_bounds
from app.progress import Progress, tick
from app.services.agreements import AgreementData, create_agreement, transition_agreement
from app.services.meetings import ActionItemData, MeetingData, create_meeting, record_operation_report
from app.services.projects import KPIData, ProjectData, ResponsibleData, create_project
from app.services.visits import VisitData, VisitStop, create_visit

LEADERS = ("张建华", "刘志刚", "陈丽萍")  # 院长, 书记, 副院长
LEADER_TITLES = ("院长", "党总支书记", "副院长")
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN_NAMES = ("伟", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚")
HOST_TITLES = ("人力资源部经理", "总经理", "副总经理", "生产部部长", "技术总监", "人事主管", "行政部经理")
OTHER_COOPERATION = ("", "", "共同开发课程", "员工技能培训", "共建实训基地", "开设订单班", "技术服务")
TEACHERS = ("李芳", "王磊", "刘强", "陈晨", "杨静", "黄海峰", "周婷", "吴俊", "彭湘", "曾慧", "谭博", "龚佳")
CLAUSE_REVENUE = "合作产生的技术服务收益，扣除成本后由甲乙双方按4:6比例分配，每年12月结算一次。"
CLAUSE_ASSET = (
    "乙方投入设备所有权归乙方，存放于甲方实训基地，由甲方负责日常保管；合作终止后按协议清算或移交。"
)
# (kind, tier chosen for kinds H第九条 does not name, name pattern, KPIs "name/unit/target")
PROJECTS = (
    ("岗位实习", "", "{s}岗位实习基地项目", "接收岗位实习学生/人/30 企业指导教师/人/6"),
    ("订单培养", "", "{s}订单班", "订单班学生/人/40 共同开发课程/门/3 毕业生留用/人/25"),
    ("现代学徒制", "", "{s}现代学徒制试点", "学徒/人/25 企业师傅/人/8 共同开发教材/种/2"),
    ("现场工程师", "", "{s}现场工程师专项培养计划", "现场工程师学员/人/30 企业课程/门/4"),
    ("产教融合共同体", "", "智能制造行业产教融合共同体", "成员单位/家/20 联合技术攻关/项/3"),
    ("市域产教联合体", "", "长株潭装备制造市域产教联合体", "成员企业/家/30 共建专业/个/4"),
    ("现代产业学院", "", "{s}现代产业学院", "产业学院学生/人/200 产业教师/人/12 横向课题到账/万元/50"),
    ("协同创新中心", "", "{s}技术协同创新中心", "横向课题/项/6 授权专利/件/4 技术服务收入/万元/80"),
    ("实训基地共建", "deepening", "{s}产教融合实训基地", "工位/个/60 年使用人时/人时/12000"),
    ("技能大师工作室", "deepening", "{s}技能大师工作室", "培养骨干教师/人/5 技能竞赛获奖/项/3"),
    ("横向课题", "foundation", "{s}生产线改造横向课题", "到账经费/万元/30"),
    ("培训服务", "foundation", "{s}员工技能提升培训", "培训人天/人天/1500 职业技能等级证书/人/120"),
)
BULK_CHUNK = 2000
AGREEMENT_COPIED = "number title kind signed_on starts_on ends_on revenue_clause asset_clause note".split()
PLACED = (12, 25, 45, 80, -20)  # the first agreements end in N days: <30, <30, <90, <90, past end still 生效
AGREEMENT_KINDS = (  # weights of the kinds among demo agreements
    ("框架协议", 30),
    ("订单培养", 15),
    ("现代学徒制", 8),
    ("实训基地共建", 12),
    ("产业学院共建", 3),
    ("技术服务", 12),
    ("横向课题", 8),
    ("培训服务", 10),
    ("其他", 2),
)
TITLES = {"框架协议": "{s}校企合作框架协议", "其他": "{s}合作协议"}
KINDS = tuple(k for k, _ in AGREEMENT_KINDS)
KIND_WEIGHTS = tuple(w for _, w in AGREEMENT_KINDS)
PURPOSES = (
    "访企拓岗，了解用人需求",
    "洽谈订单班合作",
    "回访岗位实习学生",
    "商谈共建实训基地",
    "走访校友企业",
)
FINDINGS = (
    "企业扩产，急需数控、机电方向技术工人",
    "对实习生评价较好，希望扩大接收规模",
    "企业计划引进工业机器人产线，需要运维人员",
    "企业希望学校开展员工技能提升培训",
)


class _Cooperation:
    def __init__(self, s: Session, rng: random.Random, today: dt.date) -> None:
        self.s, self.rng, self.today = s, rng, today
        rows = s.execute(
            select(Enterprise.id, Enterprise.short_name, Enterprise.status)
            .where(Enterprise.deleted_at.is_(None))
            .order_by(Enterprise.pinyin_full, Enterprise.id)
        ).all()
        self.partners = [(r[0], r[1]) for r in rows if r[2] == "合作中"]
        self.majors = list(
            s.scalars(select(Major.id).where(Major.deleted_at.is_(None)).order_by(Major.sort_order))
        )
        self.agreements: list[tuple[str, str]] = []  # (id, enterprise id)

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    # ------------------------------------------------------------ agreements

    def agreements_(self, n: int) -> int:
        """n agreements through the services, moved along their lifecycle."""
        for i in range(n):
            data = self._agreement(i)
            aid = create_agreement(self.s, data).ids[0]
            self.agreements.append((aid, data.enterprise_ids[0]))
            for to, remark in self._steps(i, data):
                reason = remark if to == "终止" else ""
                transition_agreement(self.s, aid, to, remark=remark, reason=reason, today=self.today)
        return n

    def _agreement(self, i: int) -> AgreementData:
        """The i-th agreement; the first few are placed to trigger each agreement reminder."""
        rng = self.rng
        eid, short = self.partners[i % len(self.partners)]
        others = [self.partners[(i * 7 + 3) % len(self.partners)]] if rng.random() < 0.15 else []
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        if i < len(PLACED):
            ends = self.today + dt.timedelta(days=PLACED[i])
            starts = ends - dt.timedelta(days=3 * 365 - 1)
        else:
            starts = self.day(rng.randint(30, 6 * 365))
            ends = starts + dt.timedelta(days=rng.choice((1, 2, 3, 5)) * 365 - 1)
        signed = starts - dt.timedelta(days=rng.randint(0, 20))
        return AgreementData(
            title=TITLES.get(kind, "{s}{k}合作协议").format(s=short, k=kind),
            kind=kind,
            enterprise_ids=(eid, *(o[0] for o in others if o[0] != eid)),
            number=f"JDXY-{signed.year}-{i + 1:03d}",
            signed_on=signed,
            starts_on=starts,
            ends_on=ends,
            revenue_clause=CLAUSE_REVENUE if kind in ("技术服务", "产业学院共建", "横向课题") else "",
            asset_clause=CLAUSE_ASSET if kind in ("实训基地共建", "产业学院共建") else "",
            status="草稿" if i >= len(PLACED) and rng.random() < 0.08 else "生效",
        )

    def _steps(self, i: int, d: AgreementData) -> list[tuple[str, str]]:
        """The lifecycle moves after creation: (to status, remark or reason)."""
        if d.status == "草稿":
            return [("学院审核", "提交审核"), ("学校审定", "")][: i % 3]
        if i >= len(PLACED) and d.ends_on and d.ends_on < self.today and self.rng.random() < 0.7:
            return [("到期", "到期未续签")]
        if i >= len(PLACED) and self.rng.random() < 0.04:
            return [("终止", "企业经营调整，双方协商提前终止合作")]
        return []

    def _stamps(self, i: int, d: AgreementData) -> list[tuple[str, str, str]]:
        """(from, to, remark) of each lifecycle stamp, creation included."""
        out = [("", d.status, "新建" if d.status == "草稿" else "补录已签订的协议")]
        for to, remark in self._steps(i, d):
            out.append((out[-1][1], to, remark))
        return out

    def bulk_agreements(self, n: int, report: Callable[[int], None]) -> int:
        """The same agreements as agreements_, in their final status, by Core inserts in chunks: each with
        its enterprise links, its lifecycle stamps and one audit row per inserted record."""
        user = os_user()
        for first in range(0, n, BULK_CHUNK):
            report(first)
            stamp = utcnow()
            when = {"created_at": stamp, "updated_at": stamp, "deleted_at": None}
            rows: dict[type, list[dict[str, Any]]] = {
                Agreement: [], AgreementEnterprise: [], AgreementTransition: [], AuditLog: []
            }  # fmt: skip
            for i in range(first, min(first + BULK_CHUNK, n)):
                d = self._agreement(i)
                steps = self._stamps(i, d)
                final = steps[-1][1]
                cols = {
                    "id": new_id(),
                    **{k: getattr(d, k) for k in AGREEMENT_COPIED},
                    "has_revenue_clause": bool(d.revenue_clause),
                    "has_asset_clause": bool(d.asset_clause),
                    "status": final,
                    "termination_reason": steps[-1][2] if final == "终止" else "",
                    **when,
                }
                rows[Agreement].append(cols)
                rows[AuditLog].append(
                    insert_entry(
                        Agreement, cols, at=stamp, collections={"enterprise_links": d.enterprise_ids}
                    )
                )
                rows[AgreementEnterprise] += [
                    {"agreement_id": cols["id"], "enterprise_id": e, "sort_order": k}
                    for k, e in enumerate(d.enterprise_ids)
                ]
                for before, to, remark in steps:
                    step = {"id": new_id(), "agreement_id": cols["id"], "from_status": before, "to_status": to,
                            "at": stamp, "os_user": user, "remark": remark, **when}  # fmt: skip
                    rows[AgreementTransition].append(step)
                    rows[AuditLog].append(insert_entry(AgreementTransition, step, at=stamp))
                self.agreements.append((cols["id"], d.enterprise_ids[0]))
            for model, values in rows.items():
                if values:
                    self.s.execute(insert(model.__table__), values)
        report(n)
        return n

    # ------------------------------------------------------------ projects

    def projects(self) -> tuple[int, int]:
        meetings = 0
        for i, (kind, tier, pattern, kpis) in enumerate(PROJECTS):
            rng = self.rng
            eid, short = self.partners[(i * 11) % len(self.partners)]
            starts = self.day(rng.randint(300, 900))
            linked = [a for a, e in self.agreements if e == eid][:1]
            data = ProjectData(
                name=pattern.format(s=short),
                kind=kind,
                tier=tier,
                leader="" if i == 3 else rng.choice(TEACHERS),  # one without a leader: a reminder
                starts_on=starts,
                responsibles=(
                    ResponsibleData("学生管理", rng.choice(TEACHERS)),
                    ResponsibleData("企业对接", rng.choice(TEACHERS)),
                    ResponsibleData("经费与资产", rng.choice(TEACHERS)),
                ),
                kpis=tuple(self._kpi(k) for k in kpis.split()),
                enterprise_ids=(
                    eid,
                    *(self.partners[(i * 11 + j) % len(self.partners)][0] for j in (1, 2)[: i % 3]),
                ),
                agreement_ids=tuple(linked),
                major_ids=self._majors(i),
            )
            pid = create_project(self.s, data).ids[0]
            semesters = past_semesters(starts, self.today)
            for n, semester in enumerate(semesters):
                if n == len(semesters) - 1 and i % 3 == 0:
                    continue  # the latest report missing: a reminder
                submitted = min(semester_bounds(semester)[1] + dt.timedelta(days=10), self.today)
                record_operation_report(self.s, pid, semester, submitted)
            meetings += self._meetings(pid, starts, i)
        return len(PROJECTS), meetings

    def _majors(self, i: int) -> tuple[str, ...]:
        if not self.majors:
            return ()
        first = i % len(self.majors)
        return tuple(self.majors[first : first + 1 + i % 2])

    def _kpi(self, spec: str) -> KPIData:
        name, unit, target = spec.split("/")
        goal = float(target)
        return KPIData(name, goal, unit, round(goal * self.rng.uniform(0.4, 1.1)), f"{self.today.year}年")

    def _meetings(self, pid: str, starts: dt.date, i: int) -> int:
        count = 2
        for m in range(count):
            held = starts + dt.timedelta(days=60 + m * 150)
            if held > self.today:
                held = self.day(10)
            items = []
            for k in range(1 + (i + m) % 3):
                due = held + dt.timedelta(days=30 + 15 * k)
                done = due < self.today and not (m == count - 1 and k == 0 and i % 2 == 0)  # some overdue
                items.append(
                    ActionItemData(
                        ("修订人才培养方案", "落实实习岗位与住宿", "提交设备采购计划", "组织企业导师培训")[
                            (i + k) % 4
                        ],
                        self.rng.choice(TEACHERS),
                        due,
                        done,
                        due - dt.timedelta(days=2) if done else None,
                    )
                )
            create_meeting(
                self.s,
                MeetingData(
                    pid,
                    held,
                    place="学院会议室",
                    attendees="、".join(self.rng.sample(TEACHERS, 4)) + "、企业代表",
                    minutes="通报项目进展，讨论下一阶段工作安排。",
                    decisions="按计划推进；下次会议前完成各项待办。",
                    action_items=tuple(items),
                ),
            )
        return count

    # ------------------------------------------------------------ visits

    def visits(self, limit: int | None = None) -> int:
        """About 80% of active partners visited within the last year (at most `limit` visits of two
        enterprises each); the rest are reminders."""
        visited = [p for k, p in enumerate(self.partners) if k % 5 != 4][
            : None if limit is None else 2 * limit
        ]
        n = 0
        for start in range(0, len(visited), 2):
            group = visited[start : start + 2]
            rng = self.rng
            k = rng.randrange(len(LEADERS))
            create_visit(
                self.s,
                VisitData(
                    visited_on=self.day(rng.randint(0, 330)),
                    enterprise_ids=tuple(eid for eid, _ in group),
                    leader=LEADERS[k],
                    leader_title=LEADER_TITLES[k],
                    participants="、".join(rng.sample(TEACHERS, 3)),
                    purpose=rng.choice(PURPOSES),
                    findings=rng.choice(FINDINGS),
                    follow_up="整理岗位需求，推送给毕业班辅导员",
                    stops=tuple(self.stop(eid) for eid, _ in group),
                ),
                today=self.today,
            )
            n += 1
        return n

    def stop(self, enterprise_id: str) -> VisitStop:
        """What one enterprise offered (访企拓岗): every one has positions and pay, so the platform table's
        key columns are filled; about half take interns, a third graduates."""
        rng = self.rng
        major = rng.choice(self.majors) if self.majors else None
        pay = rng.randrange(4200, 7501, 100)
        interns = rng.choice((0, 0, 4, 6, 10)) if major else 0
        hires = rng.choice((0, 0, 0, 2, 3, 5)) if major else 0
        outcome = "提供岗位需求"
        if hires:
            outcome = "签订合作协议" if rng.random() < 0.4 else "达成合作意向"
        elif interns:
            outcome = rng.choice(("建立实习基地", "达成合作意向"))
        return VisitStop(
            enterprise_id,
            major_id=major,
            positions=rng.choice((2, 3, 5, 6, 8, 10, 12, 15, 20)),
            average_pay_fen=pay * 100,
            host_name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            host_title=rng.choice(HOST_TITLES),
            outcome=outcome,
            intern_major_id=major if interns else None,
            interns=interns or None,
            intern_pay_fen=rng.randrange(2600, 4001, 100) * 100 if interns else None,
            hire_major_id=major if hires else None,
            hires=hires or None,
            starting_pay_fen=(pay - rng.randrange(300, 1001, 100)) * 100 if hires else None,
            other_cooperation=rng.choice(OTHER_COOPERATION),
        )


def fill_cooperation(
    s: Session,
    *,
    seed: int,
    today: dt.date,
    agreements: int,
    progress: Progress,
    cancel: threading.Event | None,
    bulk: bool = False,
    at: float = 0.95,
    max_visits: int | None = None,
) -> dict[str, int]:
    """Agreements, projects, meetings and visits over the enterprises already written. `bulk`: agreements
    by Core inserts (the large demo); `at`: the progress fraction this part starts from."""
    work = _Cooperation(s, random.Random(seed * 7919), today)
    if not work.partners:
        return {}
    tick(progress, cancel, at, "正在生成合作协议")
    if bulk:
        counts = {
            "合作协议": work.bulk_agreements(
                agreements, lambda i: tick(progress, cancel, at, f"正在写入合作协议 {i}/{agreements}")
            )
        }
    else:
        counts = {"合作协议": work.agreements_(agreements)}
    tick(progress, cancel, at + 0.02, "正在生成产教融合项目")
    counts["产教融合项目"], counts["协调会议"] = work.projects()
    tick(progress, cancel, at + 0.03, "正在生成企业走访记录")
    counts["企业走访"] = work.visits(max_visits)
    return counts
