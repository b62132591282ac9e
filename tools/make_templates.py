"""Build the built-in Word templates in resources/templates/ with python-docx, so they are reproducible:

    python tools/make_templates.py

agreement.docx (合作协议草稿) and project_report.docx (项目运行报告) are A4 documents laid out like Chinese
official papers: title 宋体 小二 bold centred, body 仿宋 四号 with a 2-character first-line indent, headings
黑体. Placeholders are docxtpl's ({{ … }}, {%p for … %}, {%tr for … %}); app/docs/cooperation.py
PLACEHOLDERS lists the fields and docs/templates.md explains them to users.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "resources" / "templates"

SONG, FANGSONG, HEI, KAI = "宋体", "仿宋", "黑体", "楷体"
XIAO_ER, SAN, SI, XIAO_SI, WU = Pt(18), Pt(16), Pt(14), Pt(12), Pt(10.5)
LATIN = "Times New Roman"


def set_font(target, east_asia: str, size: Pt | None = None, bold: bool | None = None) -> None:
    """Font of a style or run: Latin text in Times New Roman, Chinese in `east_asia` (w:eastAsia)."""
    target.font.name = LATIN
    if size is not None:
        target.font.size = size
    if bold is not None:
        target.font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


def new_document(title: str) -> Document:
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "产教融合工作台"
    doc.core_properties.comments = ""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)  # GB/T 9704 公文 margins
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    set_font(normal, FANGSONG, SI)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    for name in ("Table Grid",):
        set_font(doc.styles[name], FANGSONG, XIAO_SI)
    _page_number_footer(section)
    return doc


def _page_number_footer(section) -> None:
    """— 1 — centred at the foot of each page."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    p.add_run(" —")
    for r in p.runs:
        set_font(r, SONG, XIAO_SI)


def title(doc, text: str, size: Pt = XIAO_ER) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    p.paragraph_format.line_spacing = Pt(30)
    p.paragraph_format.space_after = Pt(6)
    set_font(p.add_run(text), SONG, size, bold=True)


def centered(doc, text: str, font: str = KAI, size: Pt = SAN) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(text), font, size)


def right(doc, text: str):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_font(p.add_run(text), FANGSONG, SI)
    return p


def body(doc, text: str, indent: bool = True, bold_lead: str = ""):
    """A body paragraph (仿宋 四号), first line indented by two characters."""
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
    if bold_lead:
        set_font(p.add_run(bold_lead), FANGSONG, SI, bold=True)
    if text:
        set_font(p.add_run(text), FANGSONG, SI)
    return p


def tag(doc, text: str) -> None:
    """A docxtpl paragraph tag ({%p … %}): the whole paragraph disappears from the result."""
    p = doc.add_paragraph()
    set_font(p.add_run(text), FANGSONG, SI)


def heading(doc, text: str, font: str = HEI) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(28)
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(6)
    p._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    set_font(p.add_run(text), font, SI)


def cell_text(cell, text: str, *, bold: bool = False, center: bool = False, size: Pt = XIAO_SI) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.first_line_indent = Pt(0)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(text), FANGSONG if not bold else HEI, size, bold=False)
    cell.vertical_alignment = 1  # centre


def table(doc, rows: int, widths: list[float]):
    t = doc.add_table(rows=rows, cols=len(widths))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.table_direction = WD_TABLE_DIRECTION.LTR
    t.autofit = False
    for col, w in zip(t._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Cm(w)  # LibreOffice and WPS lay out by the grid, Word by the cells: set both
    for row in t.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Cm(w)
    return t


def keep_together(t, header: bool = True, with_next: bool = True) -> None:
    """Rows never split across pages; the table stays on one page with what follows it where it fits; the
    header row repeats on each page."""
    for i, row in enumerate(t.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if header and i == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for cell in row.cells if with_next else ():
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def row_height(row, cm: float) -> None:
    row.height = Cm(cm)


def record_sections(doc, sections) -> None:
    """Sections written from the records (the builders' _review lists): a numbered paragraph per item, or
    “（无）” — never a “（请填写：…）” prompt left in a document to hand over."""
    for head, loop in sections:
        heading(doc, head)
        tag(doc, f"{{%p for x in {loop} %}}")
        body(doc, "{{ loop.index }}. {{ x }}")
        tag(doc, "{%p endfor %}")
        tag(doc, f"{{%p if not {loop} %}}")
        body(doc, "（无）")
        tag(doc, "{%p endif %}")


# ---------------------------------------------------------------- 合作协议草稿


def agreement() -> Document:
    doc = new_document("合作协议")
    right(doc, "协议编号：{{ agreement.number }}")
    doc.add_paragraph()
    title(doc, "{{ agreement.title }}")
    centered(doc, "（{{ agreement.kind }}）")
    doc.add_paragraph()
    # 甲方 is the school, the legal person; the 二级学院 carries the cooperation out (a 二级学院 cannot sign alone)
    body(doc, "{{ school }}", indent=False, bold_lead="甲方：")
    body(doc, "实施单位：{{ college }}", indent=False)
    body(doc, "统一社会信用代码：{{ school_party.uscc }}", indent=False)
    body(doc, "地址：{{ school_party.address }}", indent=False)
    body(doc, "法定代表人：{{ school_party.representative }}", indent=False)
    tag(doc, "{%p for p in parties %}")
    body(doc, "{{ p.name }}", indent=False, bold_lead="{{ p.label }}：")
    body(doc, "统一社会信用代码：{{ p.uscc }}", indent=False)
    body(doc, "地址：{{ p.address }}", indent=False)
    body(doc, "法定代表人：{{ p.representative }}", indent=False)
    tag(doc, "{%p endfor %}")
    doc.add_paragraph()
    body(
        doc,
        "为贯彻落实国家深化产教融合、校企合作的有关要求，推动教育链、人才链与产业链、创新链有机衔接，"
        "甲方与{{ party_names }}{{ party_intro }}本着“平等自愿、优势互补、互惠互利、共同发展”的原则，"
        "经友好协商，就开展{{ agreement.kind }}合作达成如下协议，共同遵守。",
    )
    clauses = [
        (
            "第一条  合作内容",
            [
                "{{ sides }}围绕“{{ agreement.title }}”开展合作，具体合作内容、工作计划和责任分工由{{ sides }}在本协议附件中约定。",
            ],
        ),
        (
            "第二条  合作期限",
            [
                "本协议合作期限为{{ agreement.term }}。期满前三个月，{{ sides }}可协商续签；任何一方不再续签的，"
                "应提前书面通知对方。",
            ],
        ),
        (
            "第三条  甲方的权利与义务",
            [
                "（一）根据合作需要，安排专业教师、学生参与合作项目，做好教学组织与学生管理工作；",
                "（二）为{{ party_side }}员工培训、技术研发等提供场地、师资等方面的支持；",
                "（三）按照学校有关规定，对合作项目的实施情况进行检查和评估。",
            ],
        ),
        (
            "第四条  {{ party_side }}的权利与义务",
            [
                "（一）按约定提供实践教学岗位、兼职教师、设备设施等合作资源；",
                "（二）参与人才培养方案制定、课程开发和教学评价；",
                "（三）保障参与合作的学生和教师的人身安全与合法权益，不得安排学生从事与协议约定无关的工作。",
            ],
        ),
    ]
    for head, paras in clauses:
        heading(doc, head)
        for text in paras:
            body(doc, text)
    heading(doc, "第五条  收益分配")
    tag(doc, "{%p if agreement.has_revenue_clause %}")
    body(doc, "{{ agreement.revenue_clause }}")
    tag(doc, "{%p else %}")
    body(
        doc,
        "本合作不以营利为目的。合作中如产生经营性收益，{{ sides }}应另行签订补充协议，约定收益分配的比例、方式和期限。",
    )
    tag(doc, "{%p endif %}")
    heading(doc, "第六条  资产归属与处置")
    tag(doc, "{%p if agreement.has_asset_clause %}")
    body(doc, "{{ agreement.asset_clause }}")
    tag(doc, "{%p else %}")
    body(
        doc,
        "合作中{{ sides }}投入的设备、设施等资产，其所有权归投入方所有。合作终止时，由{{ sides }}共同清点，"
        "按清算、移交或折价补偿等方式处置，并形成书面记录。",
    )
    tag(doc, "{%p endif %}")
    for head, text in (
        (
            "第七条  知识产权与保密",
            "合作中形成的知识产权归属由{{ sides }}另行约定；{{ sides }}对合作中知悉的商业秘密和个人信息负有保密义务。",
        ),
        ("第八条  违约责任", "任何一方违反本协议约定，给对方造成损失的，应承担相应的违约责任。"),
        (
            "第九条  争议解决",
            "因本协议发生的争议，{{ sides }}应友好协商解决；协商不成的，可向甲方所在地人民法院提起诉讼。",
        ),
        (
            "第十条  其他",
            "本协议未尽事宜，由{{ sides }}协商签订补充协议，补充协议与本协议具有同等效力。"
            "本协议自{{ sides }}签字盖章之日起生效，{{ copies }}，具有同等法律效力。",
        ),
    ):
        heading(doc, head)
        body(doc, text)
    end = body(doc, "（以下无正文）", indent=False)
    end.alignment = WD_ALIGN_PARAGRAPH.CENTER
    end.paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True
    rows = [
        ("签约方", "单位名称（盖章）", "法定代表人或授权代表（签字）", "日期"),
        ("甲方", "{{ party_a }}", "", "{{ agreement.signed_on }}"),
        ("{%tr for p in parties %}", "", "", ""),
        ("{{ p.label }}", "{{ p.name }}", "", "{{ agreement.signed_on }}"),
        ("{%tr endfor %}", "", "", ""),
    ]
    t = table(doc, len(rows), [1.9, 5.3, 3.8, 4.6])
    for i, (row, texts) in enumerate(zip(t.rows, rows, strict=True)):
        for cell, text in zip(row.cells, texts, strict=True):
            cell_text(
                cell,
                text,
                bold=i == 0,
                center=text not in ("{{ party_a }}", "{{ p.name }}"),
            )
        if i in (1, 3):
            row_height(row, 1.8)
    keep_together(t)
    return doc


# ---------------------------------------------------------------- 项目运行报告


def report() -> Document:
    doc = new_document("项目运行报告")
    doc.add_paragraph()
    title(doc, "{{ project.name }}")
    title(doc, "运行报告")
    centered(doc, "（{{ semester_name }}）")
    centered(doc, "{{ party_a }}", font=FANGSONG, size=SI)
    doc.add_paragraph()

    heading(doc, "一、项目基本情况")
    info = [
        ("项目名称", "{{ project.name }}"),
        ("项目类型", "{{ project.kind }}"),
        ("合作层次", "{{ project.tier }}"),
        ("项目负责人", "{{ project.leader }}"),
        ("项目周期", "{{ project.period }}"),
        ("报告期", "{{ semester_name }}（{{ semester_start }}至{{ semester_end }}）"),
        ("合作企业", "{{ enterprise_names }}"),
        ("面向专业", "{{ project.majors }}"),
    ]
    t = table(doc, len(info), [3.4, 12.2])
    for row, (label, value) in zip(t.rows, info, strict=True):
        cell_text(row.cells[0], label, bold=True, center=True)
        cell_text(row.cells[1], value)
        row_height(row, 0.9)
    tag(doc, "{%p if responsibles %}")
    body(doc, "各环节责任人：", indent=True)
    tag(doc, "{%p for r in responsibles %}")
    body(doc, "{{ r.part }}：{{ r.name }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")

    heading(doc, "二、合作企业与协议")
    tag(doc, "{%p for e in enterprises %}")
    body(doc, "{{ loop.index }}. {{ e.name }}（统一社会信用代码：{{ e.uscc }}）")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for a in agreements %}")
    body(doc, "关联协议：{{ a.title }}（编号：{{ a.number }}，状态：{{ a.status }}）")
    tag(doc, "{%p endfor %}")

    heading(doc, "三、关键指标完成情况")
    tag(doc, "{%p if kpis %}")
    k = table(doc, 4, [1.4, 5.6, 1.8, 2.2, 2.2, 2.4])
    for cell, text in zip(
        k.rows[0].cells, ("序号", "指标", "单位", "目标值", "完成值", "完成率"), strict=True
    ):
        cell_text(cell, text, bold=True, center=True)
    cell_text(k.rows[1].cells[0], "{%tr for k in kpis %}")
    values = (
        "{{ k.index }}",
        "{{ k.name }}",
        "{{ k.unit }}",
        "{{ k.target }}",
        "{{ k.actual }}",
        "{{ k.progress }}",
    )
    for cell, text in zip(k.rows[2].cells, values, strict=True):
        cell_text(cell, text, center=text != "{{ k.name }}")
    row_height(k.rows[0], 0.9)
    row_height(k.rows[2], 0.9)
    cell_text(k.rows[3].cells[0], "{%tr endfor %}")
    keep_together(k, with_next=False)
    tag(doc, "{%p else %}")
    body(doc, "本项目尚未设置关键指标。")
    tag(doc, "{%p endif %}")

    heading(doc, "四、协调会议与议定事项")
    body(
        doc,
        "本学期共召开项目协调会议{{ meeting_count }}次，会议议定的待办事项中尚有{{ open_items }}项未完成。",
    )
    tag(doc, "{%p for m in meetings %}")
    heading(doc, "（{{ m.index }}）{{ m.date }}  {{ m.place }}", font=KAI)
    body(doc, "{{ m.attendees }}", bold_lead="参会人员：")
    body(doc, "{{ m.decisions }}", bold_lead="议定事项：")
    tag(doc, "{%p if m.action_items %}")
    body(doc, "", bold_lead="待办事项：")
    tag(doc, "{%p for i in m.action_items %}")
    body(
        doc,
        "{{ loop.index }}. {{ i.description }}（责任人：{{ i.owner }}；完成期限：{{ i.due }}；{{ i.status }}）",
    )
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    record_sections(
        doc,
        (
            ("五、主要成效", "outcomes"),
            ("六、存在问题与改进措施", "problems"),
            ("七、下学期工作计划", "plans"),
        ),
    )

    doc.add_paragraph()
    for text in ("项目负责人（签字）：", "{{ college }}（盖章）", "{{ today }}"):
        p = body(doc, text, indent=False)
        p.paragraph_format.left_indent = Cm(8.5)
        p.paragraph_format.keep_with_next = True
    return doc


# ---------------------------------------------------------------- 实践教学基地使用情况汇总 (N四(四)2)


def base_usage_summary() -> Document:
    doc = new_document("实践教学基地使用情况汇总")
    doc.add_paragraph()
    title(doc, "{{ major.name }}专业")
    title(doc, "实践教学基地使用情况汇总")
    centered(doc, "（{{ semester_name }}）")
    centered(doc, "{{ party_a }}", font=FANGSONG, size=SI)
    doc.add_paragraph()

    heading(doc, "一、总体情况")
    body(
        doc,
        "本学期（{{ semester_start }}至{{ semester_end }}），{{ major.name }}专业共使用实践教学基地"
        "{{ base_count }}个，开展实习实训项目{{ totals.activities }}项，接待学生{{ totals.students }}人次、"
        "{{ totals.person_days }}人天，基地使用{{ totals.days }}天，学校派指导教师{{ totals.teachers }}人次。",
    )

    heading(doc, "二、基地使用明细")
    widths = [1.2, 5.2, 2.9, 1.4, 1.4, 1.6, 1.9]
    t = table(doc, 5, widths)
    head = ("序号", "基地名称", "活动类型", "人次", "天数", "人天", "指导教师（人次）")
    for cell, text in zip(t.rows[0].cells, head, strict=True):
        cell_text(cell, text, bold=True, center=True, size=WU)
    cell_text(t.rows[1].cells[0], "{%tr for l in lines %}")
    values = (
        "{{ l.index }}",
        "{{ l.base }}",
        "{{ l.activity }}",
        "{{ l.students }}",
        "{{ l.days }}",
        "{{ l.person_days }}",
        "{{ l.teachers }}",
    )
    for cell, text in zip(t.rows[2].cells, values, strict=True):
        cell_text(cell, text, center=text not in ("{{ l.base }}",), size=WU)
    cell_text(t.rows[3].cells[0], "{%tr endfor %}")
    total = ("", "合计", "", "{{ totals.students }}", "{{ totals.days }}", "{{ totals.person_days }}",
             "{{ totals.teachers }}")  # fmt: skip
    for cell, text in zip(t.rows[4].cells, total, strict=True):
        cell_text(cell, text, bold=text == "合计", center=True, size=WU)
    for i in (0, 2, 4):
        row_height(t.rows[i], 0.8)
    keep_together(t, with_next=False)
    body(
        doc,
        "注：岗位实习、专业认识实习可由安排在基地的实习记录自动统计；同一基地和活动已手工登记的，以手工登记为准。",
    )

    heading(doc, "三、主要实践教学活动")
    tag(doc, "{%p for r in records %}")
    body(
        doc,
        "{{ loop.index }}. {{ r.base }}：{{ r.activity }}，{{ r.period }}，{{ r.students }}人次，"
        "指导教师：{{ r.teachers }}。{{ r.note }}",
    )
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not records %}")
    body(doc, "本学期没有手工登记的基地使用记录（实习情况见上表）。")
    tag(doc, "{%p endif %}")

    record_sections(
        doc,
        (
            ("四、使用成效", "effects"),
            ("五、存在问题与改进措施", "problems"),
            ("六、下学期使用计划", "plans"),
        ),
    )
    doc.add_paragraph()
    for text in ("专业负责人（签字）：", "{{ college }}（盖章）", "{{ today }}"):
        p = body(doc, text, indent=False)
        p.paragraph_format.left_indent = Cm(8.5)
        p.paragraph_format.keep_with_next = True
    return doc


# ---------------------------------------------------------------- 毕业生就业质量报告 (H第十三条)


def _figure_table(doc, label_head: str, loop: str, var: str, label: str, total: bool) -> None:
    """专业 / 毕业生数 / 就业人数 / 就业率 / 对口人数 / 专业对口率 / 平均月薪 with a {%tr for %} row."""
    widths = [1.2, 3.3, 1.6, 1.6, 1.9, 1.6, 1.9, 2.5]  # 15.6 cm: the text width
    t = table(doc, 5 if total else 4, widths)
    head = ("序号", label_head, "毕业生数", "就业人数", "就业率", "对口人数", "专业对口率", "平均月薪（元）")
    for cell, text in zip(t.rows[0].cells, head, strict=True):
        cell_text(cell, text, bold=True, center=True, size=WU)
    cell_text(t.rows[1].cells[0], f"{{%tr for {var} in {loop} %}}", size=WU)
    keys = ("graduates", "employed", "employment_rate", "related", "related_rate", "average_salary")
    values = (f"{{{{ {var}.index }}}}", f"{{{{ {var}.{label} }}}}", *(f"{{{{ {var}.{k} }}}}" for k in keys))
    for i, (cell, text) in enumerate(zip(t.rows[2].cells, values, strict=True)):
        cell_text(cell, text, center=i != 1, size=WU)
    cell_text(t.rows[3].cells[0], "{%tr endfor %}", size=WU)
    if total:
        row = ("", "合计", *(f"{{{{ total.{k} }}}}" for k in keys))
        for cell, text in zip(t.rows[4].cells, row, strict=True):
            cell_text(cell, text, bold=bool(text), center=True, size=WU)
    for i in (0, 2) + ((4,) if total else ()):
        row_height(t.rows[i], 0.8 if i != 2 else 0.7)
    keep_together(t, with_next=False)


def employment_report() -> Document:
    doc = new_document("毕业生就业质量报告")
    doc.add_paragraph()
    title(doc, "{{ college }}")
    title(doc, "{{ year }}届毕业生就业质量报告")
    centered(doc, "{{ party_a }}", font=FANGSONG, size=SI)
    centered(doc, "{{ today }}", font=FANGSONG, size=SI)
    doc.add_paragraph()

    heading(doc, "一、总体就业情况")
    body(
        doc,
        "{{ college }}{{ year }}届共有毕业生{{ total.graduates }}人，分布在{{ major_count }}个专业。"
        "截至统计日，已就业（含升学、参军入伍）{{ total.employed }}人，就业率{{ total.employment_rate }}；"
        "在有就业单位的{{ total.with_employer }}人中，专业对口{{ total.related }}人，"
        "专业对口率{{ total.related_rate }}；平均月薪{{ total.average_salary }}元。",
    )

    heading(doc, "二、各专业就业情况")
    _figure_table(doc, "专业", "majors", "m", "name", total=True)
    body(
        doc,
        "注：就业率 = 就业人数 ÷ 毕业生数（就业状态不是“待就业”即计为就业）；专业对口率 = 对口人数 ÷ "
        "有就业单位的人数（协议就业、灵活就业、自主创业）；平均月薪只计填写了月薪的毕业生。"
        "没有分母时显示“—”。",
        indent=False,
    )

    heading(doc, "三、毕业去向")
    t = table(doc, 4, [5.0, 3.0, 3.5])
    for cell, text in zip(t.rows[0].cells, ("毕业去向", "人数", "占毕业生比例"), strict=True):
        cell_text(cell, text, bold=True, center=True)
    cell_text(t.rows[1].cells[0], "{%tr for s in statuses %}")
    for cell, text in zip(t.rows[2].cells, ("{{ s.status }}", "{{ s.count }}", "{{ s.share }}"), strict=True):
        cell_text(cell, text, center=True)
    cell_text(t.rows[3].cells[0], "{%tr endfor %}")
    row_height(t.rows[0], 0.8)
    row_height(t.rows[2], 0.7)
    keep_together(t, with_next=False)

    heading(doc, "四、主要就业单位")
    tag(doc, "{%p if employers %}")
    body(doc, "本届毕业生在{{ employer_count }}家单位就业，接收人数较多的单位有：")
    t = table(doc, 4, [1.5, 8.0, 2.2, 2.5])
    for cell, text in zip(t.rows[0].cells, ("序号", "单位名称", "人数", "其中对口"), strict=True):
        cell_text(cell, text, bold=True, center=True)
    cell_text(t.rows[1].cells[0], "{%tr for e in employers %}")
    cells = ("{{ e.index }}", "{{ e.name }}", "{{ e.count }}", "{{ e.related }}")
    for i, (cell, text) in enumerate(zip(t.rows[2].cells, cells, strict=True)):
        cell_text(cell, text, center=i != 1)
    cell_text(t.rows[3].cells[0], "{%tr endfor %}")
    row_height(t.rows[0], 0.8)
    row_height(t.rows[2], 0.7)
    keep_together(t, with_next=False)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if not employers %}")
    body(doc, "本届暂无登记就业单位的毕业生。")
    tag(doc, "{%p endif %}")

    record_sections(doc, (("五、就业质量分析", "analysis"), ("六、存在问题与改进措施", "problems")))
    doc.add_paragraph()
    for text in ("{{ college }}（盖章）", "{{ today }}"):
        p = body(doc, text, indent=False)
        p.paragraph_format.left_indent = Cm(8.5)
        p.paragraph_format.keep_with_next = True
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (
        ("agreement.docx", agreement),
        ("project_report.docx", report),
        ("base_usage_summary.docx", base_usage_summary),
        ("employment_report.docx", employment_report),
    ):
        build().save(OUT / name)
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
