"""The annual 就业质量报告 (H第十三条) of one graduation year: the Excel file (figures per 专业 with 合计, the
records, the definitions; formula-safe) and the Word report from the built-in template, read back and compared
with figures computed by hand; no 身份证号 or phone anywhere; a year without graduates shows “—”, never 0%."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import Major
from app.docs.employment import (
    PLACEHOLDERS,
    builtin_template,
    employment_report_context,
    save_builtin_template,
    write_employment_report,
)
from app.domain.codes import id_check_char
from app.errors import AppError
from app.io.employment_xlsx import FIGURE_HEADERS, RECORD_HEADERS, export_employment_report
from app.services.employment import EmploymentData, save_employment
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from app.services.students import StudentData, create_student
from tests.reader_text import docx_text, tool_words

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
ODD_EMPLOYER = "=1+2 & <湘> 科技有限公司"


def id_number(n: int) -> str:
    body = f"43010220040101{n:03d}"
    return body + id_check_char(body)


@pytest.fixture
def graduates(db: Database) -> dict[str, str]:
    """机电一体化技术: A 协议就业 对口 5000元, B 灵活就业 不对口 no pay, C 升学, D 待就业;
    工业机器人技术: E 协议就业 对口 4000.50元, F 待就业; and A's record of 2025 (another year)."""
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                "湖南湘麓职业技术学院",
                "机电工程学院",
                (MajorGroupInfo("智能制造专业群", ("机电一体化技术", "工业机器人技术")),),
            ),
        )
    with db.session() as s:
        majors = {m.name: m.id for m in s.scalars(select(Major))}
        ids = {}
        for n, (key, major) in enumerate(
            [
                ("A", "机电一体化技术"),
                ("B", "机电一体化技术"),
                ("C", "机电一体化技术"),
                ("D", "机电一体化技术"),
                ("E", "工业机器人技术"),
                ("F", "工业机器人技术"),
            ]  # fmt: skip
        ):
            data = StudentData(
                student_no=f"2023{n:04d}",
                name=f"学生{key}",
                id_number=id_number(n),
                major_id=majors[major],
                class_name="机电2301" if major.startswith("机电") else "机器人2301",
                phone="13912345678",
            )
            ids[key] = create_student(s, data).ids[0]
        for key, status, employer, related, fen in (
            ("A", "协议就业", ODD_EMPLOYER, True, 500000),
            ("B", "灵活就业", "长沙某电商工作室", False, 0),
            ("C", "升学", "", False, 0),
            ("D", "待就业", "", False, 0),
            ("E", "协议就业", "三一重工股份有限公司", True, 400050),
            ("F", "待就业", "", False, 0),
        ):
            save_employment(s, EmploymentData(ids[key], YEAR, status, None, employer, related, fen))
        save_employment(s, EmploymentData(ids["A"], 2025, "待就业"))
    return ids


def test_excel_report_figures_records_and_definitions(db: Database, graduates, tmp_path: Path) -> None:
    out = tmp_path / "报告" / "就业质量.xlsx"
    with db.reader() as s:
        result = export_employment_report(s, YEAR, out)
    assert (result.majors, result.records) == (2, 6)
    wb = load_workbook(out)
    figures = [list(r) for r in wb["就业质量统计"].iter_rows(values_only=True)]
    assert tuple(figures[0]) == FIGURE_HEADERS
    assert figures[1:] == [
        ["工业机器人技术", 2, 1, 0.5, 1, 1.0, 4000.5],
        ["机电一体化技术", 4, 3, 0.75, 1, 0.5, 5000.0],
        ["合计", 6, 4, 0.6667, 2, 0.6667, 4500.25],
    ]
    ws = wb["就业质量统计"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold and ws["A4"].font.bold
    assert ws["D2"].number_format == "0.0%"
    detail = wb["毕业生就业明细"]
    rows = list(detail.iter_rows(values_only=True))
    assert rows[0] == RECORD_HEADERS and len(rows) == 7
    a = next(r for r in rows if r[1] == "学生A")
    assert a[5:10] == ("协议就业", ODD_EMPLOYER, None, "是", 5000)
    cell = next(c for c in detail["G"] if c.value == ODD_EMPLOYER)
    assert cell.data_type == "s"  # text, not a formula
    texts = [str(v) for sheet in wb for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert not any(id_number(n) in t or "13912345678" in t for t in texts for n in range(6))
    assert "专业对口率 = 对口人数" in " ".join(texts)


def test_word_report_from_the_builtin_template(db: Database, graduates, tmp_path: Path) -> None:
    out = tmp_path / "就业质量报告.docx"
    with db.reader() as s:
        write_employment_report(s, YEAR, out, today=dt.date(2026, 9, 10))
    doc = Document(str(out))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "2026届毕业生就业质量报告" in body and "2026年9月10日" in body
    assert "共有毕业生6人，分布在2个专业" in body
    assert "就业率66.7%" in body and "专业对口率66.7%" in body and "平均月薪4,500.25元" in body
    rows = ["|".join(c.text for c in r.cells) for t in doc.tables for r in t.rows]
    assert "1|工业机器人技术|2|1|50.0%|1|100.0%|4,000.50" in rows
    assert "2|机电一体化技术|4|3|75.0%|1|50.0%|5,000.00" in rows
    assert "|合计|6|4|66.7%|2|66.7%|4,500.25" in rows
    assert "待就业|2|33.3%" in rows and "升学|1|16.7%" in rows
    assert f"1|{ODD_EMPLOYER}|1|1" in rows  # & < > as typed
    everything = body + "\n".join(rows)
    assert "学生A" not in everything and "13912345678" not in everything and id_number(0) not in everything
    # 五–六 written from the figures, never a prompt to fill in
    lines = [p.text for p in doc.paragraphs]
    analysis = lines[lines.index("五、就业质量分析") + 1 : lines.index("六、存在问题与改进措施")]
    assert analysis[0].startswith("1. 本届毕业生6人，就业率66.7%；毕业去向为")
    assert "各专业中就业率最高的是机电一体化技术（75.0%），最低的是工业机器人技术（50.0%）。" in analysis[-1]
    i = lines.index("六、存在问题与改进措施")
    assert lines[i + 1] == "1. 工业机器人技术就业率50.0%，低于全院的66.7%。"
    assert "请填写" not in everything and not tool_words(docx_text(out))


def test_year_without_graduates_shows_dashes(db: Database, graduates, tmp_path: Path) -> None:
    with db.reader() as s:
        ctx = employment_report_context(s, 2030)
        write_employment_report(s, 2030, tmp_path / "空.docx")
        export_employment_report(s, 2030, tmp_path / "空.xlsx")
    assert ctx["total"]["employment_rate"] == "—" and ctx["total"]["average_salary"] == "—"
    assert ctx["majors"] == [] and ctx["employers"] == []
    assert "本届暂无登记就业单位的毕业生。" in "\n".join(
        p.text for p in Document(str(tmp_path / "空.docx")).paragraphs
    )
    assert list(load_workbook(tmp_path / "空.xlsx")["就业质量统计"].iter_rows(values_only=True))[1:] == []


def test_user_template_used_back_and_sandboxed(db: Database, graduates, tmp_path: Path) -> None:
    saved = save_builtin_template(tmp_path / "模板.docx")
    assert saved.read_bytes() == builtin_template()
    doc = Document(str(saved))
    doc.add_paragraph("自定义：{{ year }}届就业率{{ total.employment_rate }}")
    doc.save(str(saved))
    out = tmp_path / "自定义.docx"
    with db.reader() as s:
        write_employment_report(s, YEAR, out, saved)
    assert "自定义：2026届就业率66.7%" in [p.text for p in Document(str(out)).paragraphs]
    bad = Document()
    bad.add_paragraph("{{ ''.__class__.__mro__ }}")
    bad.save(str(tmp_path / "坏.docx"))
    with db.reader() as s, pytest.raises(AppError):
        write_employment_report(s, YEAR, tmp_path / "坏结果.docx", tmp_path / "坏.docx")
    assert not (tmp_path / "坏结果.docx").exists()


def test_placeholders_documented_and_in_context(db: Database, graduates) -> None:
    with db.reader() as s:
        ctx = employment_report_context(s, YEAR)
    guide = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    loops = {"m": "majors"}
    for name, _meaning in PLACEHOLDERS:
        assert f"`{name}`" in guide, name
        for part in name.split(" / "):
            head, _, attr = part.partition(".")
            if head in loops:
                assert attr in ctx[loops[head]][0], part
            elif attr:
                assert attr in ctx[head], part
            else:
                assert head in ctx, part


def test_college_template_replaces_the_builtin(db: Database, graduates, tmp_path: Path) -> None:
    from app.services.templates import set_custom_template

    saved = save_builtin_template(tmp_path / "学院模板.docx")
    doc = Document(str(saved))
    doc.add_paragraph("本院模板：{{ year }}届{{ total.graduates }}人")
    doc.save(str(saved))
    with db.session() as s:
        set_custom_template(s, "employment", saved)
    out = tmp_path / "报告.docx"
    with db.reader() as s:
        write_employment_report(s, YEAR, out)
    assert "本院模板：2026届6人" in [p.text for p in Document(str(out)).paragraphs]
