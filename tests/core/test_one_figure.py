"""One figure, one definition (issue #17): for a 学年 of the demo, every place that shows 合作中的企业, the findings
summary, 可提供岗位数 and 基地使用天数 shows the same number — the 工作台, the 年度评价 indicators, the 自评报告
(its context and the rendered .docx), the package's manifest, the school's merge of that package, `chanjiao
check --year` and the standard tables' own sums — and a 学年's report holds only that 学年's findings."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, or_, select

from app.compliance.acks import check_results
from app.db.engine import Database
from app.db.models import Budget, Enterprise, Internship, LedgerEntry, Visit, VisitEnterprise
from app.domain.names import name_key
from app.package import format as fmt
from app.package.export import export_package
from app.package.merge import merge_packages
from app.package.period import period_of
from app.package.trust import TrustStore
from app.reporting import period_figures as pf
from app.reporting.columns import OFFSITE_BASES, VISITS
from app.reporting.dashboard import dashboard, dashboard_figures, dashboard_reminders
from app.reporting.evaluation import annual_indicators
from tests.cli_run import run_cli
from tests.conftest import DEMO_TODAY as TODAY

YEAR = "2025-2026"
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _template(path: Path) -> Path:
    """A college template printing the figures of the 自评报告's context, one per paragraph."""
    doc = Document()
    for line in (
        "合作中的企业={{ summary.partners }}",
        "可提供岗位数={{ summary.positions }}",
        "基地使用天数={{ summary.base_days }}",
        "错误={{ summary.findings_errors }}",
        "警告={{ summary.findings_warnings }}",
        "提示={{ summary.findings_hints }}",
    ):
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = (c.text for t in doc.tables for r in t.rows for c in r.cells)
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


def _independent_partners(s, day: dt.date) -> int:
    """合作中的企业 counted straight from the archive, by the definition's words."""
    return s.scalar(
        select(func.count())
        .select_from(Enterprise)
        .where(
            Enterprise.deleted_at.is_(None),
            or_(Enterprise.cooperation_start.is_(None), Enterprise.cooperation_start <= day),
            or_(
                (Enterprise.status == "合作中")
                & or_(Enterprise.status_date.is_(None), Enterprise.status_date <= day),
                Enterprise.status.in_(("暂停", "已解除")) & (Enterprise.status_date > day),
            ),
        )
    )


def test_every_place_shows_the_same_figures(demo_db: Database, tmp_path: Path) -> None:
    from app.docs.self_evaluation import self_evaluation_context, write_self_evaluation

    with demo_db.reader() as s:
        period = period_of(s, year=YEAR)
        figures = pf.period_figures(s, period, TODAY)
        expected = figures.headline()
        assert figures.as_of == period.last  # the 学年 is over on TODAY
        assert expected[pf.COOPERATING] == _independent_partners(s, period.last)
        # the tables' own sums
        tables = pf.period_tables(s, period, TODAY)
        assert pf.column_sum(tables.table(VISITS), "可提供岗位数") == expected[pf.POSITIONS]
        assert pf.column_sum(tables.table(OFFSITE_BASES), "基地使用天数") == expected[pf.BASE_DAYS]
        days = period.last - period.first
        bases = tables.table(OFFSITE_BASES)
        at = bases.headers.index("基地使用天数")
        assert all(0 <= (r[at] or 0) <= days.days + 1 for r in bases.rows)  # distinct days of one 学年
        assert expected[pf.POSITIONS] > 0 and expected[pf.BASE_DAYS] > 0 and expected[pf.COOPERATING] > 0

        # the 工作台 on the 学年's last day: what its page shows (the figures, then the reminders' counts) …
        figures, reminders = dashboard_figures(s, period.last), dashboard_reminders(s, period.last)
        assert figures.partners == expected[pf.COOPERATING]
        assert {**figures.year, **reminders.headline()} == expected
        # … and the one-call form the CLI and older callers use
        board = dashboard(s, period.last)
        assert board.partners == expected[pf.COOPERATING]
        assert board.figures is not None and board.figures.headline() == expected

        # the 年度评价 indicators
        shown = {i.name: i.value for i in annual_indicators(s, YEAR, TODAY)}
        for label in (pf.COOPERATING, pf.POSITIONS, pf.BASE_DAYS):
            assert shown[label] == expected[label], label

        # the 自评报告's context
        ctx = self_evaluation_context(s, YEAR, today=TODAY, with_charts=False)
        summary = ctx["summary"]
        assert summary["partners"] == str(expected[pf.COOPERATING])
        assert ctx["tiers_total"]["count"] == str(expected[pf.COOPERATING])
        assert summary["positions"] == str(expected[pf.POSITIONS])
        assert summary["base_days"] == str(expected[pf.BASE_DAYS])
        assert summary["findings_errors"] == str(expected[pf.ERRORS])
        assert summary["findings_warnings"] == str(expected[pf.WARNINGS])
        assert summary["findings_hints"] == str(expected[pf.HINTS])
        assert summary["findings_open"] == str(
            expected[pf.ERRORS] + expected[pf.WARNINGS] + expected[pf.HINTS]
        )

        # … and the documents rendered from it: a template printing every figure, and the built-in one
        out = write_self_evaluation(
            s, YEAR, tmp_path / "figures.docx", template=_template(tmp_path / "t.docx")
        )
        printed = dict(line.split("=") for line in _docx_text(out).splitlines() if "=" in line)
        assert printed == {
            "合作中的企业": str(expected[pf.COOPERATING]),
            "可提供岗位数": str(expected[pf.POSITIONS]),
            "基地使用天数": str(expected[pf.BASE_DAYS]),
            "错误": str(expected[pf.ERRORS]),
            "警告": str(expected[pf.WARNINGS]),
            "提示": str(expected[pf.HINTS]),
        }
        report = write_self_evaluation(s, YEAR, tmp_path / "自评报告.docx", today=TODAY)
        assert f"与{expected[pf.COOPERATING]}家企业" in _docx_text(report)

        # the package: its manifest, and the headline the export reports
        package = export_package(s, period, tmp_path / "包.zip", today=TODAY, now=NOW).path
    with zipfile.ZipFile(package) as z:
        manifest = json.loads(z.read(fmt.MANIFEST))
    assert manifest["figures"] == expected
    assert manifest["compliance"]["open"] == {
        "错误": expected[pf.ERRORS],
        "警告": expected[pf.WARNINGS],
        "提示": expected[pf.HINTS],
    }

    # the school's merge, reading the package back
    merged = merge_packages([package], tmp_path / "汇总.xlsx", trust=TrustStore.load(), trust_new=True)
    assert [p.college for p in merged.used] and not merged.invalid
    read_back = merged.used[0].figures
    assert {label: read_back[label] for label in expected} == expected
    assert {label: merged.totals[label] for label in expected} == expected

    # `chanjiao check --year`
    proc = run_cli("check", "--db", str(demo_db.path), "--year", YEAR, "--today", TODAY.isoformat(), "--json")
    assert proc.returncode in (0, 1), proc.stderr
    by = Counter(row["severity"] for row in json.loads(proc.stdout))
    assert (by["错误"], by["警告"], by["提示"]) == (
        expected[pf.ERRORS],
        expected[pf.WARNINGS],
        expected[pf.HINTS],
    )


def test_a_years_findings_are_that_years(demo_db: Database) -> None:
    """As of the 学年's end, today's check would list next 学年's internships and spending after the end;
    the 学年's findings (package, 自评报告, check --year) do not."""
    with demo_db.reader() as s:
        period = period_of(s, year=YEAR)
        everything = check_results(s, period.last)
        found = pf.period_findings(s, period, TODAY)
        later = set(
            s.scalars(
                select(Internship.id).where(
                    Internship.starts_on > period.last, Internship.deleted_at.is_(None)
                )
            )
        )
        assert any(f.record_id in later for f in everything.open)  # the demo has some: the test can fail
        assert not any(f.record_id in later for f in found.open)
        for f in found.open:
            if f.rule == "FUND-OVERSPENT":
                assert f.due is None or f.due <= period.last  # no expense after the 学年 counted
                if f.record_type == "budget":
                    assert s.get(Budget, f.record_id).year in period.calendar_years
        # no spending after the 学年's end makes a line overspent in its findings
        last_entry = s.scalar(select(func.max(LedgerEntry.entry_date)))
        assert last_entry is not None and last_entry > period.last


@pytest.mark.parametrize("status, status_date, counted", [
    ("合作中", None, True),
    ("合作中", dt.date(2026, 9, 10), False),  # became 合作中 after the 学年
    ("暂停", dt.date(2026, 9, 10), True),  # paused after the 学年: cooperating at its end
    ("暂停", dt.date(2026, 3, 1), False),
    ("已解除", None, False),
    ("意向", None, False),
])  # fmt: skip
def test_cooperating_enterprises_definition(db: Database, status, status_date, counted) -> None:
    with db.session() as s:
        for name, state, on, start in (
            ("湖南测试有限公司", status, status_date, None),
            ("湖南后来有限公司", "合作中", None, dt.date(2026, 10, 1)),  # began after the 学年
        ):
            s.add(
                Enterprise(
                    name=name, name_key=name_key(name), status=state, status_date=on, cooperation_start=start
                )
            )
    with db.reader() as s:
        period = period_of(s, year=YEAR)
        names = set(
            s.scalars(
                select(Enterprise.name).where(Enterprise.id.in_(pf.cooperating_enterprises(s, period.last)))
            )
        )
    assert names == ({"湖南测试有限公司"} if counted else set())


def test_a_semesters_figures_are_its_own(demo_db: Database, tmp_path: Path) -> None:
    """A 学期 package carries the 学期's figures: 可提供岗位数 of the visits dated in it, base days of its own
    semester (the 学年's two semesters add up to the 学年's), findings as of its end."""
    term = "2025-2026-2"
    with demo_db.reader() as s:
        period = period_of(s, semester=term)
        figures = pf.period_figures(s, period, TODAY).headline()
        year = pf.period_figures(s, period_of(s, year=YEAR), TODAY).headline()
        first = pf.period_figures(s, period_of(s, semester=f"{YEAR}-1"), TODAY).headline()
        positions = s.scalar(
            select(func.coalesce(func.sum(VisitEnterprise.positions), 0))
            .join(Visit, Visit.id == VisitEnterprise.visit_id)
            .join(Enterprise, Enterprise.id == VisitEnterprise.enterprise_id)
            .where(
                Visit.deleted_at.is_(None),
                Enterprise.deleted_at.is_(None),
                Visit.visited_on.between(period.first, period.last),
            )
        )
        assert figures[pf.POSITIONS] == positions > 0
        assert figures[pf.POSITIONS] < year[pf.POSITIONS]
        assert first[pf.BASE_DAYS] + figures[pf.BASE_DAYS] == year[pf.BASE_DAYS]
        summary = pf.findings_summary(pf.period_findings(s, period, TODAY))
        assert (figures[pf.ERRORS], figures[pf.WARNINGS], figures[pf.HINTS]) == (
            summary.errors,
            summary.warnings,
            summary.hints,
        )
        package = export_package(s, period, tmp_path / "学期.zip", today=TODAY, now=NOW).path
    with zipfile.ZipFile(package) as z:
        assert json.loads(z.read(fmt.MANIFEST))["figures"] == figures


def test_the_merge_believes_only_sane_manifest_figures() -> None:
    """A manifest's period figures are hostile input like the rest: whole numbers in range only, the period
    headlines only; anything else falls back to the figure computed from the package's sheets."""
    from app.package.figures import PERIOD_LABELS, manifest_figures, with_period

    assert set(PERIOD_LABELS) == set(pf.LABELS)  # every period figure travels in the manifest
    sheets = {label: 7 for label in PERIOD_LABELS} | {"教师": 3}
    hostile = {
        "figures": {
            pf.COOPERATING: 12,
            pf.POSITIONS: True,
            pf.BASE_DAYS: -1,
            pf.ERRORS: 10**12,
            pf.WARNINGS: 2.5,
            pf.HINTS: "3",
            "教师": 99,
        }
    }
    assert manifest_figures(hostile) == {pf.COOPERATING: 12}
    assert with_period(sheets, manifest_figures(hostile)) == {**sheets, pf.COOPERATING: 12}
    for manifest in (None, [], {"figures": None}, {"figures": [1, 2]}, {}):
        assert manifest_figures(manifest) == {}


def test_the_indicators_list_the_records_they_count(demo_db: Database) -> None:
    """The 年度评价 click-through of the three period figures: the enterprises, the visits with positions and
    the bases used, each with a label and a place to open."""
    from app.services.record_labels import record_labels, record_targets

    with demo_db.reader() as s:
        shown = {i.key: i for i in annual_indicators(s, YEAR, TODAY)}
        for key, kind in (("partners", "enterprise"), ("positions", "visit"), ("base_days", "practice_base")):
            record_type, ids = shown[key].records
            assert record_type == kind and ids, key
            labels = record_labels(s, kind, ids)
            assert len(labels) == len(ids) and all(text for _, text in labels), key
            assert {t.record_type for t in record_targets(s, kind, ids).values()} == {kind}
        assert len(shown["partners"].records[1]) == shown["partners"].value
        assert "岗位" in record_labels(s, "visit", shown["positions"].records[1][:1])[0][1]
