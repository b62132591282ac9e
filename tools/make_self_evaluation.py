"""The built-in 产教融合工作自评报告 template (resources/templates/self_evaluation.docx), built with the helpers of
tools/make_templates.py (fonts 宋体 / 仿宋 / 黑体, A4 公文 margins, page-number footer):

    python tools/make_self_evaluation.py

(A script of its own: python-docx stamps zip entries with the time, so rebuilding the other templates would
change their bytes for nothing.)

Three sections: 一–三 portrait; 四 标准报表 landscape; 五–七 portrait again (charts 16 cm wide, findings,
notes). Body text is at least 五号 (10.5 pt), tables 小五 (9 pt). The standard tables take their headers, column
kinds and name columns from app/reporting/columns.py: a table wider than the landscape page is cut into
parts, each repeating the name columns, so a row can always be matched to its enterprise or base; a
统一社会信用代码 column is wide enough for the code on one line (and never wraps). Tables repeat their header
row on each page and rows never split. The text speaks the reader's language: sources by their titles (from
the context), no command names or rule codes. Placeholders: app/docs/self_evaluation.py PLACEHOLDERS,
docs/templates.md.

Rebuild whenever the standard tables' columns change (tests/core/test_self_evaluation.py checks the headers).
"""

from __future__ import annotations

import sys

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from make_templates import (
    FANGSONG,
    HEI,
    KAI,
    OUT,
    SI,
    SONG,
    WU,
    XIAO_ER,
    body,
    cell_text,
    centered,
    heading,
    keep_together,
    new_document,
    right,
    row_height,
    set_font,
    table,
    tag,
    title,
)

sys.path.insert(0, str(OUT.parent.parent))  # the exact headers come from the app's own definitions
from app.reporting.columns import NAME_COLUMNS, TABLE_COLUMNS, TABLE_KEYS, TABLE_NAMES  # noqa: E402

XIAO_WU = Pt(9)  # 小五: the smallest size in the report (tables); prose is 五号 or larger
LANDSCAPE_WIDTH_CM = 29.7 - 2 * 2.0  # the landscape section's margins (_section)


def loop_table(
    doc, headers, fields, widths, loop: str, *, size=XIAO_WU, left=(), total=None, together=False, nowrap=()
):
    """A table: a header row (repeated on each page), one row per item of `loop` ("r in coop_rows") with the
    `fields` placeholders, and an optional `total` row. Columns in `left` are left-aligned, others centred;
    columns in `nowrap` never break their text (codes); `together` keeps a short table on one page."""
    rows = 4 + (total is not None)
    t = table(doc, rows, widths)
    for cell, text in zip(t.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, center=True, size=size)
    cell_text(t.rows[1].cells[0], f"{{%tr for {loop} %}}", size=size)
    for n, (cell, field) in enumerate(zip(t.rows[2].cells, fields, strict=True)):
        cell_text(cell, f"{{{{ {field} }}}}", center=n not in left, size=size)
    for n in nowrap:
        _no_wrap(t.rows[2].cells[n])
    cell_text(t.rows[3].cells[0], "{%tr endfor %}", size=size)
    if total is not None:
        for n, (cell, text) in enumerate(zip(t.rows[4].cells, total, strict=True)):
            cell_text(cell, text, bold=n == 0, center=True, size=size)
    for row in t.rows[:1] + t.rows[2:3] + t.rows[4:]:  # a little air in the rows
        row_height(row, 0.56)
    keep_together(t, with_next=together)
    return t


def _no_wrap(cell) -> None:
    """w:noWrap, placed before w:vAlign as the schema orders a cell's properties (Word refuses it after)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    v_align = tc_pr.find(qn("w:vAlign"))
    no_wrap = OxmlElement("w:noWrap")
    if v_align is not None:
        v_align.addprevious(no_wrap)
    else:
        tc_pr.append(no_wrap)


def small(doc, text: str, *, center: bool = False):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else None
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = Pt(3)
    p.paragraph_format.space_after = Pt(6)
    set_font(p.add_run(text), FANGSONG, WU)
    return p


def caption(doc, text: str) -> None:
    """A table's or chart's title: 黑体 五号, centred, with what follows."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.space_after = Pt(4)
    set_font(p.add_run(text), HEI, WU)


def _section(doc, landscape: bool):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    if landscape:
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.0)
    else:
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    return section


def _front(doc) -> None:
    centered(doc, "{{ college }}", font=SONG, size=SI)
    title(doc, "{{ year_name }}产教融合工作自评报告", size=XIAO_ER)
    centered(doc, "（{{ school }}）", font=KAI, size=SI)
    doc.add_paragraph()
    heading(doc, "一、基本情况")
    body(
        doc,
        "{{ year_name }}（{{ first_day }}至{{ last_day }}），{{ college }}与{{ summary.partners }}家企业开展合作"
        "（上一学年{{ summary.partners_last }}家，{{ summary.partners_change }}），其中{{ summary.tiered }}家"
        "有本学年在研的产教融合项目。本学年岗位实习学生{{ summary.interns }}，毕业生就业率"
        "{{ summary.employment_rate }}，专任教师中双师型教师比例{{ summary.dual_ratio }}。",
    )
    body(
        doc,
        "截至{{ as_of }}，合规检查尚有{{ summary.findings_open }}个问题未整改（其中“错误”级"
        "{{ summary.findings_errors }}个），另有{{ summary.findings_acknowledged }}个问题已忽略并说明理由，"
        "详见第六部分。",
    )
    heading(doc, "二、合作层次")
    body(
        doc,
        "{{ basis.tiers }}校企合作分为基础层、深化层、融合层。各合作企业按其本学年在研项目的最高层次"
        "统计如下，上一学年按同一口径统计：",
    )
    caption(doc, "表1  合作企业的合作层次分布")
    loop_table(
        doc,
        ("合作层次", "{{ year_name }}（家）", "{{ last_year_name }}（家）", "增减", "本学年占比"),
        ("t.label", "t.count", "t.last_count", "t.change", "t.share"),
        [3.0, 3.6, 3.6, 2.6, 2.8],
        "t in tiers",
        size=WU,
        total=(
            "合计",
            "{{ tiers_total.count }}",
            "{{ tiers_total.last_count }}",
            "{{ tiers_total.change }}",
            "",
        ),
    )
    small(doc, "“未立项”为本学年没有在研项目的合作企业。合作企业与合作层次的统计口径见第七部分。")
    heading(doc, "三、考核指标")
    body(doc, "{{ basis.evaluation }}本学年各项考核指标及其统计口径如下：")
    caption(doc, "表2  {{ year_name }}考核指标")
    loop_table(
        doc,
        ("类别", "指标", "数值", "统计口径"),
        ("i.group", "i.name", "i.value", "i.definition"),
        [1.7, 2.9, 3.2, 7.8],
        "i in indicators",
        left=(1, 3),
    )


def _width(column) -> float:
    """A column's width in cm at 小五: codes on one line, names wide enough for a few characters a line."""
    header = column.header
    if "统一社会信用代码" in header:
        return 4.3  # 18 characters of 小五 Times New Roman (capitals are wide) and the cell margins
    if header.endswith("代码"):
        return 1.6
    if column.kind == "date":
        return 2.8
    if column.kind == "month":
        return 2.4
    if column.kind == "text":
        if header.endswith("名称") and any(w in header for w in ("企业", "基地", "单位")):
            return 3.6
        return 3.0 if header.endswith("专业名称") else 2.6
    return 1.7


def _parts(name: str) -> list[list[int]]:
    """The columns of each printed part of a standard table: the name columns, then the others shared out
    evenly over as few parts as fit the landscape page (not a full part and a stub); a narrow table is one."""
    columns = TABLE_COLUMNS[name]
    names = list(range(NAME_COLUMNS[name]))
    base = sum(_width(columns[i]) for i in names)
    rest = list(range(len(names), len(columns)))
    for count in range(1, len(rest) + 1):
        share = sum(_width(columns[i]) for i in rest) / count
        parts, current, width = [], [], 0.0
        for i in rest:
            w = _width(columns[i])
            if current and width + w / 2 > share and len(parts) < count - 1:
                parts.append(current)
                current, width = [], 0.0
            current.append(i)
            width += w
        parts.append(current)
        if all(base + sum(_width(columns[i]) for i in part) <= LANDSCAPE_WIDTH_CM for part in parts):
            return [names + part for part in parts]
    raise ValueError(f"{name}: a column does not fit the page beside the name columns")


def _tables(doc) -> int:
    """Section 四, landscape; returns the number of the last table."""
    _section(doc, landscape=True)
    heading(doc, "四、标准报表")
    small(
        doc,
        "以下各表的表头与学校数据平台（高职人才培养工作状态数据）的采集表一致，数据取自本学年的记录；各列的统计口径见"
        "工作台“年度评价”页“导出 Excel”所得文件中的“说明”工作表，记录无法给出的列留空。列数较多的表分为几部分"
        "印出，每部分都重复名称列。",
    )
    for n, name in enumerate(TABLE_NAMES, start=3):
        _standard_table(doc, n, name)
    return 2 + len(TABLE_NAMES)


def _standard_table(doc, n: int, name: str) -> None:
    key, columns = TABLE_KEYS[name], TABLE_COLUMNS[name]
    parts = _parts(name)
    for k, part in enumerate(parts):
        more = f"（第{k + 1}部分，共{len(parts)}部分）" if len(parts) > 1 else ""
        caption(doc, f"表{n}  {name}{more}（{{{{ tables.{key}.count }}}}行）")
        loop_table(
            doc,
            [columns[i].header for i in part],
            [f"r.c{i + 1}" for i in part],
            [_width(columns[i]) for i in part],
            f"r in {key}_rows",
            left=[m for m, i in enumerate(part) if columns[i].kind == "text"],
            nowrap=[m for m, i in enumerate(part) if columns[i].header.endswith("代码")],
        )
    tag(doc, f"{{%p if not {key}_rows %}}")
    small(doc, "本学年没有可填入此表的记录。", center=True)
    tag(doc, "{%p endif %}")


def _charts(doc) -> None:
    heading(doc, "五、图表")
    tag(doc, "{%p for c in charts %}")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact line height would clip the image
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(6)
    set_font(p.add_run("{{ c.image }}"), FANGSONG, WU)
    caption(doc, "图{{ c.index }}  {{ c.title }}")
    small(doc, "{{ c.note }}", center=True)
    tag(doc, "{%p endfor %}")


def _findings(doc, n: int) -> None:
    heading(doc, "六、问题与整改")
    body(
        doc,
        "截至{{ as_of }}，合规检查（依据{{ rule_documents }}的有关规定）尚有"
        "{{ summary.findings_open }}个问题未整改，按程度和规则汇总如下：",
    )
    caption(doc, f"表{n + 1}  未整改问题汇总")
    loop_table(
        doc,
        ("程度", "规则", "依据", "数量"),
        ("f.severity", "f.title", "f.source", "f.count"),
        [1.3, 4.6, 8.5, 1.2],
        "f in open_rules",
        left=(1, 2),
    )
    tag(doc, "{%p if not open_rules %}")
    small(doc, "没有未整改的问题。", center=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if error_details %}")
    caption(doc, f"表{n + 2}  “错误”级问题明细（须优先整改）")
    loop_table(
        doc,
        ("规则", "记录", "问题与整改要求"),
        ("e.rule", "e.record", "e.message"),
        [2.8, 5.0, 7.8],
        "e in error_details",
        left=(0, 1, 2),
    )
    tag(doc, "{%p if more_errors != '0' %}")
    small(doc, "另有{{ more_errors }}个“错误”级问题未列出，请在工作台的“合规检查”中查看。")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    caption(doc, f"表{n + 3}  已忽略并说明的问题")
    loop_table(
        doc,
        ("规则", "记录", "忽略理由", "说明人", "日期"),
        ("a.rule", "a.record", "a.reason", "a.by", "a.date"),
        [2.6, 5.0, 4.5, 1.6, 1.9],
        "a in acknowledged",
        left=(0, 1, 2),
        together=True,  # with its “没有已忽略的问题。” when empty: never a lone header at a page end
    )
    tag(doc, "{%p if not acknowledged %}")
    small(doc, "没有已忽略的问题。", center=True)
    tag(doc, "{%p endif %}")


def _notes(doc) -> None:
    heading(doc, "七、统计口径说明")
    tag(doc, "{%p for n in notes %}")
    body(doc, "{{ n }}")
    tag(doc, "{%p endfor %}")
    last = body(
        doc,
        "考核指标的口径见表2“统计口径”列；标准报表各列的口径见“年度评价”页导出的 Excel 中的“说明”工作表。",
    )
    last.paragraph_format.keep_with_next = True  # the signature never alone on the last page
    doc.add_paragraph().paragraph_format.keep_with_next = True
    right(doc, "{{ college }}").paragraph_format.keep_with_next = True
    right(doc, "{{ today }}")


def self_evaluation():
    doc = new_document("产教融合工作自评报告")
    _front(doc)
    last = _tables(doc)
    _section(doc, landscape=False)  # charts and findings upright again
    _charts(doc)
    _findings(doc, last)
    _notes(doc)
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    self_evaluation().save(OUT / "self_evaluation.docx")
    print(f"wrote {OUT / 'self_evaluation.docx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
