"""演示数据, third part: budgets and a year of 经费台账 for the demo projects, and the asset register, written
after the projects (app/demo/cooperation.py).

Small: budgets for the two calendar years the last 365 days touch, sized from the year's planned expenses
(two lines a little short, so they are overspent: reminders), the entries through the services; assets
(donated and quasi-donated equipment per major, two training rigs the school built itself (自主研制), a repair confirmed by both sides and one waiting for the
enterprise), three assets of a terminated agreement of which only one is disposed (reminders), one without a
custodian (a reminder). `bulk` (the large demo) adds `bulk_entries` ledger entries over the ten years before
last year, with their budgets, by Core inserts with one audit row each.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import threading
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.audit import insert_entry
from app.db.base import new_id, utcnow
from app.db.models import (
    Agreement,
    AgreementEnterprise,
    AuditLog,
    Budget,
    Enterprise,
    LedgerEntry,
    Major,
    Project,
)
from app.progress import Progress, tick
from app.services.agreements import transition_agreement
from app.services.assets import AssetData, DisposalData, RepairData, add_repair, create_asset, dispose_asset
from app.services.funds import BudgetData, LedgerData, budget_categories, create_budget, create_ledger_entry

TEACHERS = ("李芳", "王磊", "刘强", "陈晨", "杨静", "黄海峰", "周婷", "吴俊", "彭湘", "曾慧")
# category: (entries per project and year, least and most yuan, summaries, counterparties; "*" = a partner)
SPENDING = {
    "设备": (2, 8_000, 60_000, ("购置实训设备", "实训设备升级改造"), ("*",)),
    "材料": (8, 200, 6_000, ("购买实训耗材", "购买教学用材料", "购买电子元器件"), ("长沙市岳麓区精工五金机电经营部", "湖南湘电电气材料有限公司")),
    "差旅": (6, 300, 4_000, ("赴合作企业调研差旅费", "带队岗位实习巡查差旅费", "参加行业会议差旅费"), ("中国铁路长沙局集团有限公司", "湖南航空旅行服务有限公司")),
    "劳务": (5, 1_000, 9_000, ("企业兼职教师授课酬金", "企业导师指导费", "专家评审费"), ("#",)),
    "培训": (3, 2_000, 18_000, ("教师企业实践培训费", "职业技能等级证书培训费"), ("*",)),
    "会议": (2, 800, 6_000, ("校企合作推进会会务费", "项目协调会会务费"), ("湖南湘麓宾馆有限公司",)),
    "其他": (3, 100, 2_500, ("资料印刷费", "快递及办公用品"), ("长沙市芙蓉区新华印务部",)),
}  # fmt: skip
OVERSPENT = ((1, "材料"), (4, "差旅"))  # (project index, category): budget below the spending
EQUIPMENT = (
    ("六轴工业机器人", "ABB IRB 1200-5/0.9", 168_000),
    ("数控车床", "CK6150", 96_000),
    ("PLC综合实训台", "西门子 S7-1200", 28_500),
    ("新能源汽车整车实训台", "比亚迪秦PLUS EV", 142_000),
    ("三坐标测量机", "海克斯康 Global S", 385_000),
    ("光纤激光切割机", "大族 G3015", 210_000),
    ("动力电池管理系统实训台", "BMS-100", 36_800),
    ("无人驾驶农机导航套件", "北斗 AG-300", 58_000),
    ("工业级3D打印机", "Raise3D Pro3", 39_900),
    ("机器视觉检测系统", "海康 MV-CS050", 45_600),
    ("智能产线仿真软件", "网络版 50 节点", 120_000),
    ("电气控制柜实训装置", "THPFSL-2", 18_800),
)
# the 校内 bases of app/demo/bases.py lead the place names, so their equipment counts in the 校内实践基地 table
LOCATIONS = (
    "智能制造实训中心 A101",
    "新能源汽车检测与维修实训室",
    "机电一体化实训室 B205",
    "校外实践教学基地（企业车间）",
)
SELF_MADE = ("PLC综合实训台", "智能产线仿真软件")  # 学校自主研制, kept in the first 校内 base (LOCATIONS[0])
BULK_CHUNK = 5000


class _Funds:
    def __init__(self, s: Session, rng: random.Random, today: dt.date) -> None:
        self.s, self.rng, self.today = s, rng, today
        self.projects = list(
            s.execute(
                select(Project.id, Project.name)
                .where(Project.deleted_at.is_(None))
                .order_by(Project.created_at, Project.id)
            ).all()
        )
        self.categories = {c.name: c.id for c in budget_categories(s)}
        self.partners = list(
            s.scalars(
                select(Enterprise.name)
                .where(Enterprise.deleted_at.is_(None), Enterprise.status == "合作中")
                .order_by(Enterprise.pinyin_full)
                .limit(60)
            )
        )

    # ------------------------------------------------------------ ledger

    def _expense(self, pi: int, category: str, day: dt.date) -> LedgerData:
        _, low, high, summaries, parties = SPENDING[category]
        rng = self.rng
        party = rng.choice(parties)
        if party == "*":
            party = rng.choice(self.partners) if self.partners else "湖南某某科技有限公司"
        elif party == "#":
            party = rng.choice(TEACHERS)
        return LedgerData(
            entry_date=day,
            direction="支出",
            amount_fen=rng.randrange(low, high) * 100 + rng.choice((0, 0, 50, rng.randrange(100))),
            project_id=self.projects[pi][0],
            category_id=self.categories.get(category),
            counterparty=party,
            summary=rng.choice(summaries),
        )

    def planned_year(self) -> list[LedgerData]:
        """The last 365 days of expenses of every project, in date order."""
        out = []
        for pi in range(len(self.projects)):
            for category, (n, *_rest) in SPENDING.items():
                for _ in range(n):
                    out.append(
                        self._expense(pi, category, self.today - dt.timedelta(days=self.rng.randint(0, 364)))
                    )
        return sorted(out, key=lambda d: d.entry_date)

    def budgets(self, planned: list[LedgerData]) -> int:
        spent: dict[tuple[int, str, str | None], int] = defaultdict(int)
        for d in planned:
            spent[(d.entry_date.year, d.project_id, d.category_id)] += d.amount_fen
        short = {
            (self.projects[pi][0], self.categories.get(c)) for pi, c in OVERSPENT if pi < len(self.projects)
        }
        n = 0
        for (year, pid, cid), fen in sorted(
            spent.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        ):
            factor = 0.8 if (pid, cid) in short and year == self.today.year else self.rng.uniform(1.1, 1.5)
            amount = max(1, math.ceil(fen * factor / 100_000)) * 100_000  # whole thousands of yuan
            if factor < 1:
                amount = fen * 8 // 1_000_000 * 100_000  # below the spending whatever the rounding
            create_budget(self.s, BudgetData(year, pid, cid or "", amount, "年度预算"))
            n += 1
        return n

    def ledger(self, planned: list[LedgerData]) -> int:
        """Income first (专项经费 allocated at the start of each year, some enterprise co-funding), then the
        expenses; voucher numbers run per year."""
        totals: dict[tuple[int, str], int] = defaultdict(int)
        for d in planned:
            totals[(d.entry_date.year, d.project_id)] += d.amount_fen
        income = []
        for (year, pid), fen in sorted(totals.items()):
            first = max(dt.date(year, 1, 10), self.today - dt.timedelta(days=364))
            income.append(LedgerData(first, "收入", fen // 100 * 110, pid, None, "", "湖南湘麓职业技术学院计划财务处",
                                     "学校产教融合专项经费拨款"))  # fmt: skip
            if self.rng.random() < 0.4 and self.partners:
                income.append(LedgerData(first + dt.timedelta(days=30), "收入", fen // 3 // 100 * 100, pid, None, "",
                                         self.rng.choice(self.partners), "企业配套资金到账"))  # fmt: skip
        entries = sorted(income + planned, key=lambda d: d.entry_date)
        seq: dict[int, int] = defaultdict(int)
        for d in entries:
            seq[d.entry_date.year] += 1
            voucher = f"记-{d.entry_date.month:02d}-{seq[d.entry_date.year]:04d}"
            create_ledger_entry(self.s, LedgerData(**{**vars(d), "voucher_no": voucher}))
        return len(entries)

    # ------------------------------------------------------------ bulk ledger (large demo)

    def bulk_ledger(self, n: int, progress: Progress, cancel: threading.Event | None) -> tuple[int, int]:
        """n entries over the ten years before last year, with budgets sized from them; Core inserts."""
        first_year = self.today.year - 11
        spent: dict[tuple[int, str, str | None], int] = defaultdict(int)
        written = 0
        rows: list[dict[str, Any]] = []
        audit: list[dict[str, Any]] = []
        stamp = utcnow()
        for i, d in enumerate(self._bulk_data(n, first_year)):
            cols = {**vars(d), "id": new_id(), "year": d.entry_date.year, "note": "",
                    "created_at": stamp, "updated_at": stamp, "deleted_at": None}  # fmt: skip
            rows.append(cols)
            audit.append(insert_entry(LedgerEntry, cols, at=stamp))
            if d.direction == "支出":
                spent[(d.entry_date.year, d.project_id, d.category_id)] += d.amount_fen
            if len(rows) == BULK_CHUNK or i == n - 1:
                self.s.execute(insert(LedgerEntry.__table__), rows)
                self.s.execute(insert(AuditLog.__table__), audit)
                written += len(rows)
                rows, audit = [], []
                tick(progress, cancel, 1.0, f"正在写入经费台账 {written}/{n}")
        budgets = []
        for (year, pid, cid), fen in spent.items():
            if cid is None:
                continue
            amount = max(1, round(fen * self.rng.uniform(0.95, 1.3) / 100_000)) * 100_000
            cols = {"id": new_id(), "year": year, "project_id": pid, "category_id": cid, "amount_fen": amount,
                    "note": "年度预算", "created_at": stamp, "updated_at": stamp, "deleted_at": None}  # fmt: skip
            budgets.append(cols)
        if budgets:
            self.s.execute(insert(Budget.__table__), budgets)
            self.s.execute(insert(AuditLog.__table__), [insert_entry(Budget, b, at=stamp) for b in budgets])
        return written, len(budgets)

    def _bulk_data(self, n: int, first_year: int) -> Iterator[LedgerData]:
        rng = self.rng
        names = list(SPENDING)
        weights = [SPENDING[c][0] for c in names]
        days = (dt.date(first_year + 10, 1, 1) - dt.date(first_year, 1, 1)).days
        seq: dict[int, int] = defaultdict(int)
        for i in range(n):
            day = dt.date(first_year, 1, 1) + dt.timedelta(days=i * days // n)  # in date order
            seq[day.year] += 1
            pi = rng.randrange(len(self.projects))
            if rng.random() < 0.08:
                d = LedgerData(day, "收入", rng.randrange(20_000, 200_000) * 100, self.projects[pi][0], None, "",
                               "湖南湘麓职业技术学院计划财务处", "学校产教融合专项经费拨款")  # fmt: skip
            else:
                d = self._expense(pi, rng.choices(names, weights)[0], day)
            yield LedgerData(**{**vars(d), "voucher_no": f"记-{day.month:02d}-{seq[day.year]:05d}"})

    # ------------------------------------------------------------ assets

    def assets(self) -> tuple[int, int]:
        """The register; returns (assets, repairs)."""
        rng, s = self.rng, self.s
        majors = list(
            s.scalars(select(Major.id).where(Major.deleted_at.is_(None)).order_by(Major.sort_order))
        )
        links = s.execute(
            select(Agreement.id, AgreementEnterprise.enterprise_id)
            .join(AgreementEnterprise, AgreementEnterprise.agreement_id == Agreement.id)
            .where(Agreement.deleted_at.is_(None), Agreement.status == "生效", Agreement.ends_on > self.today)
            .order_by(Agreement.number, Agreement.id)
            .limit(40)
        ).all()
        ids = []
        for i, (name, spec, price) in enumerate(EQUIPMENT * 2):
            aid, eid = links[i % len(links)] if links else (None, None)
            kind = ("捐赠", "准捐赠", "", "捐赠", "其他")[i % 5] if eid else ""
            owner = {"捐赠": "学校", "准捐赠": "企业", "其他": "共有"}.get(kind, "学校")
            made = not kind and name in SELF_MADE  # bought or built by the school, never donated
            quantity, place = rng.choice((1, 1, 2, 4, 6)), rng.choice(LOCATIONS)  # drawn in the order of old
            data = AssetData(
                name=name,
                spec=spec,
                quantity=quantity,
                unit_value_fen=price * 100,
                owner=owner,
                contributed_by_id=eid if kind else None,
                contribution_kind=kind,
                agreement_id=aid if kind else None,
                location=LOCATIONS[0] if made else place,
                custodian="" if i == 7 else rng.choice(TEACHERS),  # one without a custodian: a reminder
                acquired_on=self.today - dt.timedelta(days=rng.randint(20, 700)),
                status="维修" if i == 5 else "在用",
                major_id=majors[i % len(majors)] if majors else None,
                self_made=made,
            )
            ids.append(create_asset(s, data).ids[0])
        repairs = self._repairs(ids)
        return len(ids) + self._terminated(), repairs

    def _repairs(self, ids: list[str]) -> int:
        both = RepairData(ids[0], "大修", "伺服电机及减速机更换，恢复精度", 1_280_000, self.today - dt.timedelta(days=90),
                          "王磊", self.today - dt.timedelta(days=88), "赵工", self.today - dt.timedelta(days=85))  # fmt: skip
        waiting = RepairData(ids[5], "更换", "主轴更换（企业承担费用）", 3_600_000, self.today - dt.timedelta(days=12),
                             "刘强", self.today - dt.timedelta(days=10))  # fmt: skip
        add_repair(self.s, both)
        add_repair(self.s, waiting)
        return 2

    def _terminated(self) -> int:
        """Three assets of a terminated agreement: one handed over (移交), two not disposed yet (reminders).
        The agreement is a terminated one of the demo, or a long-running one terminated here."""
        s = self.s
        row = s.execute(
            select(Agreement.id, AgreementEnterprise.enterprise_id)
            .join(AgreementEnterprise, AgreementEnterprise.agreement_id == Agreement.id)
            .where(Agreement.deleted_at.is_(None), Agreement.status == "终止")
            .order_by(Agreement.number)
            .limit(1)
        ).first()
        if row is None:
            row = s.execute(
                select(Agreement.id, AgreementEnterprise.enterprise_id)
                .join(AgreementEnterprise, AgreementEnterprise.agreement_id == Agreement.id)
                .where(Agreement.deleted_at.is_(None), Agreement.status == "生效",
                       Agreement.ends_on > self.today + dt.timedelta(days=200))
                .order_by(Agreement.has_asset_clause.desc(), Agreement.number.desc())
                .limit(1)
            ).first()  # fmt: skip
            if row is None:
                return 0
            transition_agreement(
                s, row[0], "终止", reason="企业整体搬迁，双方协商提前终止合作", today=self.today
            )
        aid, eid = row
        made = []
        for name, spec, price in (("数控铣床", "XK7132", 88_000), ("液压综合实训台", "YY-18", 26_000),
                                  ("工业网关", "研华 ECU-1251", 6_800)):  # fmt: skip
            data = AssetData(name, 1, price * 100, "企业", spec, eid, "准捐赠", aid, "机电一体化实训室 B205",
                             "黄海峰", self.today - dt.timedelta(days=600))  # fmt: skip
            made.append(create_asset(s, data).ids[0])
        dispose_asset(s, DisposalData(made[0], "移交", self.today - dt.timedelta(days=5), price * 100, aid,
                                      "按协议移交企业"))  # fmt: skip
        return len(made)


def fill_funds(
    s: Session,
    *,
    seed: int,
    today: dt.date,
    progress: Progress,
    cancel: threading.Event | None,
    at: float = 0.985,
    bulk_entries: int = 0,
) -> dict[str, int]:
    """Budgets, ledger entries and assets over the demo projects already written."""
    work = _Funds(s, random.Random(seed * 104729), today)
    if not work.projects or not work.categories:
        return {}
    tick(progress, cancel, at, "正在生成经费预算与台账")
    planned = work.planned_year()
    counts = {"经费预算": work.budgets(planned), "经费台账": work.ledger(planned)}
    tick(progress, cancel, at + 0.005, "正在生成资产登记")
    counts["资产"], counts["资产维修"] = work.assets()
    if bulk_entries:
        entries, budgets = work.bulk_ledger(bulk_entries, progress, cancel)
        counts["经费台账"] += entries
        counts["经费预算"] += budgets
    return counts
