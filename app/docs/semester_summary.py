"""学期运行情况汇总: the report.docx of a semester's submission package (a 学年's package carries the 自评报告,
app/docs/self_evaluation.py). Built with python-docx from the package's own figures, so the Word file and the
workbook it travels with never disagree: record counts per sheet, the headline figures, and the compliance
findings still open (错误 one by one, the rest by rule) and those acknowledged with their reasons.

In the reader's words: dates 2026年3月1日, money in 万元 to the platform's 2 decimals (the package's figures are
in 元), sources by the documents' titles, no rule codes; text at least 五号 (10.5 pt)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from app.compliance.acks import CheckResult
from app.compliance.registry import ERROR, SEVERITIES
from app.docs.common import cn_date
from app.docs.render import cn_dates, unbroken
from app.fsutil import atomic_path

TITLE = "产教融合工作运行情况"
MAX_DETAILS = 50
BODY_FONT, TITLE_FONT = "仿宋", "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(doc, text: str, *, size: float = 12, bold: bool = False, font: str = BODY_FONT, center=False):
    p = doc.add_paragraph()
    _font(p.add_run(text), font, size, bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


YUAN, WAN = "（元）", "（万元）"


def _figure(label: str, value: object) -> tuple[str, str]:
    """A headline figure as the summary prints it: money (a label in 元) in 万元 to 2 decimals, counts with
    thousands separators: (成果金额（元）, 15232200.0) → (成果金额（万元）, 1,523.22)."""
    if label.endswith(YUAN) and isinstance(value, int | float) and not isinstance(value, bool):
        return label.removesuffix(YUAN) + WAN, f"{value / 10_000:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return label, f"{value:,}"
    return label, "" if value is None else str(value)


def _table(
    doc, headers: tuple[str, ...], rows: list[tuple[object, ...]], widths: tuple[float, ...] = ()
) -> None:
    """A bordered table, the header row repeated on each page; `widths` in cm (the text width is 16 cm)
    so that a record's name and number fit their column."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = not widths
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), TITLE_FONT, 10.5)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _font(cell.paragraphs[0].add_run("" if value is None else str(value)), BODY_FONT, 10.5)
    for col, w in zip(table.columns, widths, strict=False):  # the grid for LibreOffice, the cells for Word
        col.width = Cm(w)
        for cell in col.cells:
            cell.width = Cm(w)


def write_semester_summary(
    out: Path,
    *,
    school: str,
    college: str,
    period_label: str,
    first: dt.date,
    last: dt.date,
    counts: Mapping[str, int],
    figures: Mapping[str, object],
    findings: CheckResult,
    today: dt.date,
) -> Path:
    """Write the summary to `out` atomically. counts: sheet name → rows; figures: label → value."""
    doc = Document()
    _font(doc.styles["Normal"], BODY_FONT, 12)  # not Calibri: 仿宋 for the Chinese text of every paragraph
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, not python-docx's Letter
    section.left_margin = section.right_margin = Cm(2.5)
    _paragraph(doc, f"{school}{college}", size=14, font=TITLE_FONT, center=True)
    _paragraph(doc, f"{period_label}{TITLE}", size=18, bold=True, font=TITLE_FONT, center=True)
    _paragraph(doc, f"统计期间：{cn_date(first)}至{cn_date(last)}；合规检查日期：{cn_date(today)}。")
    _paragraph(doc, "一、主要数据", size=14, font=TITLE_FONT)
    _table(doc, ("项目", "数值"), [_figure(k, v) for k, v in figures.items()], (9, 7))
    doc.add_paragraph()
    _paragraph(doc, "二、各类记录数", size=14, font=TITLE_FONT)
    _table(doc, ("数据表", "记录数"), [(k, _figure(k, v)[1]) for k, v in counts.items()], (9, 7))
    doc.add_paragraph()
    _paragraph(doc, "三、合规检查", size=14, font=TITLE_FONT)
    by_severity = Counter(f.severity for f in findings.open)
    _paragraph(
        doc,
        "未处理问题："
        + "，".join(f"{sev} {by_severity.get(sev, 0)} 个" for sev in SEVERITIES)
        + f"；已忽略并说明 {len(findings.acknowledged)} 个。",
    )
    errors = [f for f in findings.open if f.severity == ERROR]
    if errors:
        _paragraph(doc, "错误级问题（须整改）：", bold=True)
        _table(
            doc,
            ("规则", "依据", "对象", "问题与处理办法"),
            [
                (f.rule_title, f.citation, unbroken(f.title), unbroken(cn_dates(f.message)))
                for f in errors[:MAX_DETAILS]
            ],
            (2.4, 3.4, 4.8, 5.4),
        )
        if len(errors) > MAX_DETAILS:
            _paragraph(doc, f"另有 {len(errors) - MAX_DETAILS} 个错误级问题，见材料包数据表“合规检查”。")
    others = Counter((f.severity, f.rule_title) for f in findings.open if f.severity != ERROR)
    if others:
        _paragraph(doc, "其他问题（按规则）：", bold=True)
        rows = [(sev, rule, n) for (sev, rule), n in sorted(others.items())]
        _table(doc, ("程度", "规则", "个数"), rows, (2.0, 11.6, 2.4))
    if findings.acknowledged:
        _paragraph(doc, "已忽略并说明的问题：", bold=True)
        _table(
            doc,
            ("规则", "对象", "说明理由"),
            [
                (f.rule_title, unbroken(f.title), cn_dates(ack.reason))
                for f, ack in findings.acknowledged[:MAX_DETAILS]
            ],
            (3.0, 5.0, 8.0),
        )
    with atomic_path(Path(out)) as tmp:
        doc.save(str(tmp))
    return Path(out)
