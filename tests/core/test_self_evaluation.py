"""The 年度产教融合工作自评报告 (app/docs/self_evaluation.py) on the fixed data of tests/report_data.py plus
partners of known tiers: the Word document read back with python-docx holds the indicators, the tier table
with last 学年's change, the open findings and an acknowledged one's reason, and five chart images; the
charts module draws PNGs with and without data; a hostile template is refused; the CLI's exit codes."""

from __future__ import annotations

import datetime as dt
import re
import struct
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from app.compliance.acks import acknowledge, check_results
from app.db.engine import Database
from app.db.models import Enterprise
from app.docs import charts
from app.docs.render import NB_HYPHEN
from app.docs.self_evaluation import self_evaluation_context, write_self_evaluation
from app.errors import DocumentTemplateError
from app.package.period import period_of
from app.reporting.facts import year_of
from app.reporting.period_figures import period_findings
from app.reporting.self_evaluation import active_partners, monthly_placements, tier_rows
from app.services.enterprises import EnterpriseData, create_enterprise
from app.services.projects import ProjectData, create_project
from app.services.rule_sets import save_rule_preset
from tests import report_data as data
from tests.cli_run import run_cli
from tests.reader_text import docx_text, tool_words

# Windows Python under Wine runs without matplotlib (tests/windows/run_wine.sh: numpy aborts there)
pytest.importorskip("matplotlib", reason="matplotlib is not installed (the Wine run leaves it out)")

D = dt.date
REASON = "该企业已口头确认续签，正式文本走学校审定流程中"
P1, P2 = "湖南融合产业学院合作企业", "湖南已解除的实习企业"


@pytest.fixture
def filled(db: Database) -> dict[str, str]:
    ids = data.fill(db)
    with db.session() as s:
        s.get(Enterprise, ids[data.E2]).status = "合作中"  # its 现代学徒制 project runs from 2025-09-01
        p1 = create_enterprise(
            s, EnterpriseData(name=P1, status="合作中", cooperation_start=D(2024, 3, 1))
        ).ids[0]
        p2 = create_enterprise(
            s, EnterpriseData(name=P2, status="已解除", status_reason="企业转产", status_date=D(2025, 10, 15))
        ).ids[0]
        create_project(
            s, ProjectData("机电现代产业学院", "现代产业学院", starts_on=D(2024, 9, 1), enterprise_ids=(p1,))
        )
        create_project(
            s,
            ProjectData("岗位实习合作", "岗位实习", starts_on=D(2024, 9, 1), ends_on=D(2025, 6, 30), enterprise_ids=(p2,)),
        )  # fmt: skip
        ids[P1], ids[P2] = p1, p2
    return ids


def _texts(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(str(path))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return [p.text for p in doc.paragraphs], tables


def _table(tables: list[list[list[str]]], first_header: str) -> list[list[str]]:
    return next(t for t in tables if t[0][0] == first_header)


def test_tiers_this_year_and_last_by_the_same_rule(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        rows = {r.label: (r.count, r.last_count, r.change_text) for r in tier_rows(s, data.YEAR)}
        this_year = set(active_partners(s, year_of(s, data.YEAR)))
        last_year = set(active_partners(s, year_of(s, "2024-2025")))
    # 合作中 at the 学年's end: E2 (深化层 from 2025-09-01), P1 (融合层); P2 was still cooperating on 2025-08-31
    # (last 学年's end) and ended on 2025-10-15, before this one's; E1/E3 are 意向
    assert this_year == {filled[data.E2], filled[P1]}
    assert last_year == {filled[data.E2], filled[P1], filled[P2]}
    assert rows == {
        "基础层": (0, 1, "−1"),
        "深化层": (1, 0, "+1"),
        "融合层": (1, 1, "持平"),
        "未立项": (0, 1, "−1"),
    }


def test_placements_per_month(db: Database, filled: dict[str, str]) -> None:
    with db.reader() as s:
        months = dict(monthly_placements(s, year_of(s, data.YEAR)))
    # S1 09-01…02-28, S4 10-01…06-30, S5 10-01…01-31, S2 from 08-31 (S3 after, S6 计划, S7 认识实习)
    assert list(months) == [f"{m}月" for m in (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)]
    assert [months[k] for k in ("9月", "10月", "1月", "2月", "3月", "7月", "8月")] == [1, 3, 3, 2, 1, 0, 1]


def test_the_document(db: Database, filled: dict[str, str], tmp_path: Path) -> None:
    with db.session() as s:
        found = check_results(s, data.TODAY)
        target = found.open[-1]
        acknowledge(s, target, REASON)
    out = tmp_path / "自评报告.docx"
    with db.reader() as s:
        write_self_evaluation(s, data.YEAR, out, today=data.TODAY)
        still_open = period_findings(s, period_of(s, year=data.YEAR), data.TODAY).open
    paragraphs, tables = _texts(out)
    text = "\n".join(paragraphs)
    assert "2025—2026学年产教融合工作自评报告" in text
    assert "与2家企业开展合作（上一学年3家，−1）" in text
    assert f"尚有{len(still_open)}个问题未整改" in text
    tiers = _table(tables, "合作层次")
    assert ["深化层", "1", "0", "+1", "50.0%"] in tiers and ["基础层", "0", "1", "−1", "0.0%"] in tiers
    assert tiers[-1][:4] == ["合计", "2", "3", "−1"]
    indicators = {row[1]: row[2] for row in _table(tables, "类别")}
    assert indicators["岗位实习学生数"] == "4人" and indicators["专利数"] == "1项"
    assert indicators["就业率"] == "80.0%（4/5）"  # S1 S2 S4 S7 of five (S5 待就业)
    coop = next(t for t in tables if t[0][:3] == ["专业代码", "专业名称", "合作企业名称"])
    assert any(row[2] == data.E1 for row in coop[1:])
    open_rules = _table(tables, "程度")
    assert open_rules[0] == ["程度", "规则", "依据", "数量"]  # no rule codes in a document
    assert sum(int(row[3]) for row in open_rules[1:]) == len(still_open)
    assert {row[1] for row in open_rules[1:]} == {f.rule_title for f in still_open}
    assert {row[2] for row in open_rules[1:]} == {f.citation for f in still_open}
    acked = next(t for t in tables if t[0][:3] == ["规则", "记录", "忽略理由"])
    assert [target.rule_title, target.title, REASON] == [c.replace(NB_HYPHEN, "-") for c in acked[1][:3]]
    doc = Document(str(out))
    assert len(doc.inline_shapes) == 5
    assert [s.orientation for s in doc.sections][:2] == [0, 1]  # portrait, then landscape for the tables
    assert not tool_words(docx_text(out))


def test_the_document_speaks_the_readers_language(
    db: Database, filled: dict[str, str], tmp_path: Path
) -> None:
    """No rule codes, command names, ISO dates or policy shorthands; sources by the chosen policy's title;
    money in 万元 with 2 decimals; text at least 小五 in tables and 五号 in prose; codes never wrap."""
    out = tmp_path / "自评报告.docx"
    with db.reader() as s:
        write_self_evaluation(s, data.YEAR, out, today=data.TODAY)
    text = docx_text(out)
    assert not tool_words(text), tool_words(text)
    assert "按《湖南生物机电职业技术学院产教融合管理办法（试行）》第九条，校企合作分为" in text
    assert (
        "依据《职业学校学生实习管理规定》《湖南生物机电职业技术学院产教融合管理办法（试行）》的有关规定"
        in text
    )
    assert "“年度评价”页" in text
    doc = Document(str(out))
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.font.size and r.text.strip()}
    cell_sizes = {
        r.font.size.pt
        for t in doc.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
        if r.font.size and r.text.strip()
    }
    assert min(sizes) >= 10.5 and min(cell_sizes) >= 9, (sizes, cell_sizes)
    indicators = next(t for t in doc.tables if t.rows[0].cells[0].text == "类别")
    values = [row.cells[2].text for row in indicators.rows[1:]]
    money = [v for v in values if v.endswith("元")]
    assert money and all(re.fullmatch(r"[\d,]+\.\d\d万元", v) for v in money), money
    # 产学合作 per 专业 × enterprise is printed in parts, each starting with the name columns
    parts = [
        t
        for t in doc.tables
        if [c.text for c in t.rows[0].cells][:3] == ["专业代码", "专业名称", "合作企业名称"]
    ]
    assert len(parts) >= 2 and len({len(t.rows) for t in parts}) == 1
    by_header = {c.text: (t, n) for t in parts for n, c in enumerate(t.rows[0].cells)}
    table, uscc = by_header["合作企业统一社会信用代码"]
    assert len(table.rows) > 1
    assert all(row.cells[uscc]._tc.tcPr.find(qn("w:noWrap")) is not None for row in table.rows[1:])
    table, wan = by_header["对学校捐赠设备总值（万元）"]
    assert all(re.fullmatch(r"\d[\d,]*\.\d\d", row.cells[wan].text) for row in table.rows[1:])


def test_the_hainan_policy_cites_its_own_title(db: Database, filled: dict[str, str], tmp_path: Path) -> None:
    with db.session() as s:
        save_rule_preset(s, "N")
    out = tmp_path / "自评报告.docx"
    with db.reader() as s:
        context = self_evaluation_context(s, data.YEAR, today=data.TODAY, with_charts=False)
        write_self_evaluation(s, data.YEAR, out, today=data.TODAY)
    text = docx_text(out)
    assert not tool_words(text)
    assert "按《湖南生物机电" not in text and context["basis"] == {"tiers": "", "evaluation": ""}
    assert (
        "依据《职业学校学生实习管理规定》《海南职业技术学院关于深化产教融合校企合作工作的实施意见（试行）》"
        in text
    )
    sources = {f["source"] for f in context["open_rules"]}
    assert sources and all("湖南" not in x for x in sources)


def test_an_empty_database_gives_a_report_with_notes_instead_of_charts(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "空.docx"
    with db.reader() as s:
        context = self_evaluation_context(s, data.YEAR, today=data.TODAY)
        write_self_evaluation(s, data.YEAR, out, today=data.TODAY)
    assert [c["key"] for c in context["charts"]] == ["tiers", "categories", "months", "funds", "trend"]
    paragraphs, tables = _texts(out)
    assert len(Document(str(out)).inline_shapes) == 5
    assert "本学年没有可填入此表的记录。" in paragraphs and "没有已忽略的问题。" in paragraphs


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_charts_are_pngs_with_data_and_without() -> None:
    drawn = [
        charts.tier_chart([("基础层", 3, 2), ("深化层", 1, 1), ("融合层", 0, 1), ("未立项", 40, 30)], "2025-2026", "2024-2025"),
        charts.category_chart([("上市公司", 2), ("校友企业", 5), ("未标注类别", 1)]),
        charts.monthly_chart([("9月", 3), ("10月", 5)]),
        charts.funds_chart([(2025, [("一个名字很长很长的产教融合项目", 1_000_000, 1_200_000)]), (2026, [])]),
        charts.trend_chart([("就业率", "ratio", [("2024-2025", None), ("2025-2026", 0.9)]), ("岗位实习学生数", "count", [("2024-2025", 3), ("2025-2026", 5)])]),
    ]  # fmt: skip
    empty = [
        charts.tier_chart([("基础层", 0, 0)], "2025-2026", "2024-2025"),
        charts.category_chart([]),
        charts.monthly_chart([("9月", 0)]),
        charts.funds_chart([(2025, []), (2026, [])]),
        charts.trend_chart([("就业率", "ratio", [("2025-2026", None)])]),
    ]
    for png in drawn + empty:
        width, height = _png_size(png)
        assert width == int(charts.WIDTH_IN * charts.DPI) and 150 < height < 1200
        assert 5_000 < len(png) < 400_000
    assert all(_png_size(png)[1] < 300 for png in empty)  # a short note, not empty axes


def test_charts_use_an_installed_chinese_font() -> None:
    from matplotlib import font_manager

    fonts = charts.chinese_fonts()
    if not fonts and sys.platform == "win32":  # Windows Python under Wine has no Chinese fonts; Windows does
        pytest.skip("no Chinese font under Wine")
    assert fonts, "no CJK font: install fonts-wqy-microhei or fonts-noto-cjk (see .ci/run)"
    assert fonts[0] in {f.name for f in font_manager.fontManager.ttflist}


def _template(path: Path, *lines: str) -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


@pytest.mark.parametrize(
    "placeholder",
    [
        "{{ chart.tiers.tpl.docx }}",
        "{{ charts[0].image.tpl }}",
        "{{ chart.tiers['image_descriptor'] }}",
        "{{ chart.tiers|attr('tpl') }}",
        "{{ ''.__class__.__mro__ }}",
    ],
)
def test_a_hostile_template_is_refused(db: Database, tmp_path: Path, placeholder: str) -> None:
    out = tmp_path / "out.docx"
    template = _template(tmp_path / "坏模板.docx", "{{ college }}", placeholder)
    with db.reader() as s, pytest.raises(DocumentTemplateError, match="不允许|不存在"):
        write_self_evaluation(s, data.YEAR, out, template=template, today=data.TODAY)
    assert not out.exists()


def test_a_custom_template_may_place_one_chart(db: Database, filled: dict[str, str], tmp_path: Path) -> None:
    template = _template(tmp_path / "简版.docx", "{{ year_name }}：{{ ind.interns }}", "{{ chart.funds }}")
    out = tmp_path / "简版报告.docx"
    with db.reader() as s:
        write_self_evaluation(s, data.YEAR, out, template=template, today=data.TODAY)
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "2025—2026学年：4人" and len(doc.inline_shapes) == 1


def test_cli(db: Database, filled: dict[str, str], db_path: Path, tmp_path: Path) -> None:
    db.close()
    out = tmp_path / "报告.docx"
    args = ("--db", str(db_path), "report", "selfeval", "--year", data.YEAR, "--today", "2026-11-23")
    done = run_cli(*args, "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert out.is_file() and len(Document(str(out)).inline_shapes) == 5
    assert run_cli(*args, "--out", str(out)).stdout.startswith("已生成 2025-2026 学年产教融合工作自评报告")
    bad = run_cli(
        "--db", str(db_path), "report", "selfeval", "--year", "2025", "--out", str(tmp_path / "x.docx")
    )
    assert bad.returncode == 2 and "学年" in bad.stderr
    hostile = _template(tmp_path / "坏.docx", "{{ chart.tiers.tpl }}")
    refused = run_cli(*args, "--out", str(tmp_path / "y.docx"), "--template", str(hostile))
    assert refused.returncode != 0 and not (tmp_path / "y.docx").exists()
    assert (
        run_cli("--db", str(db_path), "report", "selfeval", "--year", data.YEAR).returncode == 2
    )  # no --out


def test_placeholders_documented_and_in_context(db: Database, filled: dict[str, str]) -> None:
    from app.docs.self_evaluation import PLACEHOLDERS

    with db.reader() as s:
        ctx = self_evaluation_context(s, data.YEAR, today=data.TODAY)
    guide = (Path(__file__).resolve().parents[2] / "docs" / "templates.md").read_text(encoding="utf-8")
    loops = {"t": "tiers", "i": "indicators", "r": "coop_rows", "c": "charts", "f": "open_rules"}
    for name, _meaning in PLACEHOLDERS:
        assert f"`{name}`" in guide, name
        for part in name.split(" / "):
            head, _, attr = part.strip(" …").partition(".")
            if head in loops:
                assert attr in ctx[loops[head]][0], part
            elif attr:
                assert attr in ctx[head], part
            else:
                assert head in ctx, part
