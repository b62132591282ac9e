"""The built-in 产教融合工作自评报告 template (resources/templates/self_evaluation.docx), built with the helpers of
tools/make_templates.py (fonts 宋体 / 仿宋 / 黑体, A4 公文 margins, page-number footer):

    python tools/make_self_evaluation.py

(A script of its own: python-docx stamps zip entries with the time, so rebuilding the other templates would
change their bytes for nothing.)

Three sections: 一–三 portrait; 四 标准报表 landscape (the 产学合作 table has 15 columns, in 六号); 五–七
portrait again (charts 16 cm wide, findings, notes). Tables repeat their header row on each page and rows
never split. Placeholders: app/docs/self_evaluation.py PLACEHOLDERS, docs/templates.md.
"""

from __future__ import annotations

import sys

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
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
from app.services.report_columns import (  # noqa: E402
    COOPERATION_HEADERS,
    OFFSITE_HEADERS,
    ONSITE_HEADERS,
    VISITS_HEADERS,
)

XIAO_WU, LIU = Pt(9), Pt(7.5)  # 小五, 六号


def loop_table(doc, headers, fields, widths, loop: str, *, size=XIAO_WU, left=(), total=None, together=False):
    """A table: a header row (repeated on each page), one row per item of `loop` ("r in coop_rows") with the
    `fields` placeholders, and an optional `total` row. Columns in `left` are left-aligned, others centred;
    `together` keeps a short table on one page."""
    rows = 4 + (total is not None)
    t = table(doc, rows, widths)
    for cell, text in zip(t.rows[0].cells, headers, strict=True):
        cell_text(cell, text, bold=True, center=True, size=size)
    cell_text(t.rows[1].cells[0], f"{{%tr for {loop} %}}", size=size)
    for n, (cell, field) in enumerate(zip(t.rows[2].cells, fields, strict=True)):
        cell_text(cell, f"{{{{ {field} }}}}", center=n not in left, size=size)
    cell_text(t.rows[3].cells[0], "{%tr endfor %}", size=size)
    if total is not None:
        for n, (cell, text) in enumerate(zip(t.rows[4].cells, total, strict=True)):
            cell_text(cell, text, bold=n == 0, center=True, size=size)
    if size != LIU:  # a little air in the rows; the 六号 tables stay dense (many rows)
        for row in t.rows[:1] + t.rows[2:3] + t.rows[4:]:
            row_height(row, 0.56)
    keep_together(t, with_next=together)
    return t


def small(doc, text: str, *, center: bool = False):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else None
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.space_before = Pt(3)
    p.paragraph_format.space_after = Pt(6)
    set_font(p.add_run(text), FANGSONG, XIAO_WU)
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
        "截至{{ today }}，合规检查尚有{{ summary.findings_open }}个问题未整改（其中“错误”级"
        "{{ summary.findings_errors }}个），另有{{ summary.findings_acknowledged }}个问题已忽略并说明理由，"
        "详见第六部分。",
    )
    heading(doc, "二、合作层次")
    body(
        doc,
        "按《产教融合管理办法》第九条，校企合作分为基础层、深化层、融合层。各合作企业按其本学年在研项目的最高层次"
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
    body(doc, "按《产教融合管理办法》第二十二条，本学年各项考核指标及其统计口径如下：")
    caption(doc, "表2  {{ year_name }}考核指标")
    loop_table(
        doc,
        ("类别", "指标", "数值", "统计口径"),
        ("i.group", "i.name", "i.value", "i.definition"),
        [1.7, 2.9, 3.2, 7.8],
        "i in indicators",
        left=(1, 3),
    )


_TABLES = (
    (
        "coop",
        "产学合作",
        COOPERATION_HEADERS,
        "r in coop_rows",
        [2.0, 3.3, 2.9, 1.4, *[1.45] * 10, 1.2],
        (0, 1),
    ),
    (
        "offsite",
        "校外实习实训基地",
        OFFSITE_HEADERS,
        "r in offsite_rows",
        [3.2, 3.2, 1.9, 3.0, *[1.75] * 8],
        (0, 1, 3),
    ),
    ("onsite", "校内实践基地", ONSITE_HEADERS, "r in onsite_rows", [5.0, *[3.3] * 6], (0,)),
    ("visit", "访企拓岗", VISITS_HEADERS, "r in visit_rows", [4.8, 4.6, 2.6, 1.6, 2.0], (0,)),  # portrait
)


def _tables(doc) -> None:
    _section(doc, landscape=True)
    heading(doc, "四、标准报表")
    small(
        doc,
        "以下四张表的表头与高职状态数据采集表一致，数据取自本学年的记录；各列统计口径见“chanjiao report tables”"
        "导出的 Excel 中的“说明”工作表，数据无法给出的列留空。",
    )
    for n, table_def in enumerate(_TABLES[:3], start=3):
        _standard_table(doc, n, *table_def, size=LIU)
    _section(doc, landscape=False)  # 访企拓岗 has five columns: more rows to a page upright
    _standard_table(doc, 6, *_TABLES[3], size=XIAO_WU)


def _standard_table(doc, n, key, name, headers, loop, widths, left, *, size) -> None:
    caption(doc, f"表{n}  {name}（{{{{ tables.{key}.count }}}}行）")
    fields = [f"r.c{i}" for i in range(1, len(headers) + 1)]
    loop_table(doc, headers, fields, widths, loop, size=size, left=left)
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


def _findings(doc) -> None:
    heading(doc, "六、问题与整改")
    body(
        doc,
        "截至{{ today }}，合规检查（《产教融合管理办法》《职业学校学生实习管理规定》等规定的各项规则）尚有"
        "{{ summary.findings_open }}个问题未整改，按程度和规则汇总如下：",
    )
    caption(doc, "表7  未整改问题汇总")
    loop_table(
        doc,
        ("程度", "规则代码", "规则", "依据", "数量"),
        ("f.severity", "f.code", "f.title", "f.source", "f.count"),
        [1.2, 3.7, 4.7, 4.8, 1.2],
        "f in open_rules",
        left=(1, 2),
    )
    tag(doc, "{%p if not open_rules %}")
    small(doc, "没有未整改的问题。", center=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if error_details %}")
    caption(doc, "表8  “错误”级问题明细（须优先整改）")
    loop_table(
        doc,
        ("规则", "记录", "问题与整改要求"),
        ("e.rule", "e.record", "e.message"),
        [3.2, 4.4, 8.0],
        "e in error_details",
        left=(0, 1, 2),
    )
    tag(doc, "{%p if more_errors != '0' %}")
    small(doc, "另有{{ more_errors }}个“错误”级问题未列出，请在工作台或用 chanjiao check 查看。")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    caption(doc, "表9  已忽略并说明的问题")
    loop_table(
        doc,
        ("规则", "记录", "忽略理由", "说明人", "日期"),
        ("a.rule", "a.record", "a.reason", "a.by", "a.date"),
        [2.8, 3.6, 5.4, 1.7, 2.1],
        "a in acknowledged",
        left=(0, 1, 2),
    )
    tag(doc, "{%p if not acknowledged %}")
    small(doc, "没有已忽略的问题。", center=True)
    tag(doc, "{%p endif %}")


def _notes(doc) -> None:
    heading(doc, "七、统计口径说明")
    tag(doc, "{%p for n in notes %}")
    body(doc, "{{ n }}")
    tag(doc, "{%p endfor %}")
    body(doc, "考核指标的口径见表2“统计口径”列；标准报表各列的口径见其 Excel 导出的“说明”工作表。")
    doc.add_paragraph()
    right(doc, "{{ college }}")
    right(doc, "{{ today }}")


def self_evaluation():
    doc = new_document("产教融合工作自评报告")
    _front(doc)
    _tables(doc)
    _charts(doc)
    _findings(doc)
    _notes(doc)
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    self_evaluation().save(OUT / "self_evaluation.docx")
    print(f"wrote {OUT / 'self_evaluation.docx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
