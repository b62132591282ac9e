"""The built-in 三方协议 template (resources/templates/tripartite.docx), built with the helpers of
tools/make_templates.py (fonts, A4 公文 margins, page-number footer, title and heading styles):

    python tools/make_tripartite.py

(A script of its own: python-docx stamps zip entries with the time, so rebuilding the other templates would
change their bytes for nothing.)

It follows the structure of the Ministry of Education's 《职业学校学生岗位实习三方协议（示范文本）》 (2021):
the parties (甲方 学校, 乙方 实习单位, 丙方 学生 and 监护人), eleven articles whose text is written from the
rules of 《职业学校学生实习管理规定》 (教职成〔2021〕4号) and H第十二条, and a signature block kept on one page.
The college adapts the clauses in Word. Filled values are underlined, so a field left blank ("        ")
prints as a line to write on. Placeholders: app/docs/internship.py PLACEHOLDERS, docs/templates.md.
"""

from __future__ import annotations

import re
import sys

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from make_templates import FANGSONG, HEI, KAI, OUT, SONG, WU, XIAO_SI, new_document, set_font, title

ER = Pt(22)  # 二号
BODY, LINE = XIAO_SI, Pt(22)  # 仿宋 小四 at 22 pt: the agreement fits on four to five pages, not eight
_PLACEHOLDER = re.compile(r"(\{\{.*?\}\})")
_GAP = "        "  # an underlined gap to write on


def para(doc_or_cell, text: str, *, indent: bool = True, lead: str = "", keep: bool = False):
    """A body paragraph (仿宋 四号); the values of {{ … }} placeholders are underlined, `lead` is bold."""
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    if indent:
        fmt.first_line_indent = Pt(24)
        p._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    fmt.keep_with_next = keep or None
    if lead:
        set_font(p.add_run(lead), FANGSONG, BODY, bold=True)
    for piece in _PLACEHOLDER.split(text):
        if piece:
            run = p.add_run(piece)
            set_font(run, FANGSONG, BODY)
            run.font.underline = bool(_PLACEHOLDER.fullmatch(piece)) or None
    return p


def gap(p) -> None:
    """An underlined blank for handwriting at the end of a paragraph."""
    run = p.add_run(_GAP * 2)
    set_font(run, FANGSONG, BODY)
    run.font.underline = True


def party(doc, lead: str, lines: list[str]) -> None:
    para(doc, lines[0], indent=False, lead=lead)
    for line in lines[1:]:
        p = para(doc, line, indent=False)
        p.paragraph_format.left_indent = Pt(24)
        if line.endswith("："):
            gap(p)


ARTICLES: list[tuple[str, list[str]]] = [
    (
        "第一条  实习内容与岗位",
        [
            "（一）乙方根据甲方{{ student.major }}专业人才培养方案和实习教学要求，安排丙方进行{{ internship.kind }}，"
            "实习岗位为{{ internship.position }}。实习岗位应与丙方所学专业对口或相近，实习内容应符合专业培养目标。",
            "（二）乙方不得安排丙方从事高空、井下、放射性、有毒、易燃易爆以及其他具有较高安全风险的实习；"
            "不得安排丙方到酒吧、夜总会、歌厅、洗浴中心、电子游戏厅、网吧等营业性娱乐场所实习；"
            "不得安排丙方从事简单重复劳动或与专业无关的工作。",
            "（三）乙方确需调整丙方实习岗位的，应征得甲方和丙方同意（丙方未满18周岁的，还应征得其监护人同意），"
            "并以书面形式确认。",
        ],
    ),
    (
        "第二条  实习时间与地点",
        [
            "（一）实习期限为{{ internship.term }}。岗位实习时间一般为6个月，具体由甲方根据专业人才培养方案确定。",
            "（二）实习地点为{{ internship.place }}{% if base.name %}（实践教学基地：{{ base.name }}）{% endif %}。",
            "（三）乙方因生产经营需要变更实习地点的，应提前告知甲方和丙方，并征得同意。",
        ],
    ),
    (
        "第三条  工作时间与休息休假",
        [
            "（一）乙方安排丙方每日实习{{ internship.hours_per_day }}小时，每周实习{{ internship.days_per_week }}天；"
            "每日实习时间不超过8小时，每周不超过40小时。",
            "（二）乙方应保障丙方依法享有休息休假的权利。除相关专业和实习岗位有特殊要求并报上级主管部门备案的外，"
            "乙方不得安排丙方加班和上夜班，不得安排丙方在法定节假日实习。",
            "（三）丙方因病、因事需要请假的，应按乙方考勤制度和甲方学生管理规定办理请假手续。",
        ],
    ),
    (
        "第四条  实习报酬",
        [
            "（一）乙方参考本单位相同岗位的报酬标准和丙方的工作量、工作强度、工作时间等因素，给予丙方适当的实习报酬。"
            "丙方实习报酬为每月人民币{{ internship.monthly_pay }}元（大写：{{ internship.monthly_pay_words }}）。",
            "（二）丙方在实习岗位相对独立参与实际工作、初步具备实践岗位独立工作能力的，实习报酬原则上不低于乙方相同岗位"
            "工资标准的80%或最低档工资标准。乙方相同岗位工资标准为每月人民币{{ internship.same_post_wage }}元。",
            "（三）乙方应于每月{{ internship.pay_day }}日前，以货币形式及时、足额、直接支付给丙方本人，支付周期不超过1个月；"
            "不得以物品或代金券等代替货币支付，不得经过第三方转发，不得克扣或拖欠。",
            "（四）甲乙双方不得向丙方收取实习押金、培训费、实习报酬提成、管理费或者其他形式的实习费用，"
            "不得扣押丙方的学生证、居民身份证或者其他证件，不得要求丙方提供担保或者以其他名义收取丙方财物。",
        ],
    ),
    (
        "第五条  保险",
        [
            "（一）丙方开始岗位实习前，须投保实习责任保险。本协议约定的实习责任保险：承保单位{{ internship.insurer }}，"
            "保险单号{{ internship.policy_no }}，保险期间{{ internship.insurance_term }}，"
            "保险费由{{ internship.insurance_paid_by }}支付。",
            "（二）保险责任范围应覆盖实习活动的全过程，包括丙方实习期间遭受意外事故，以及由于被保险人疏忽或者过失导致的"
            "丙方人身伤亡等；保险期间应覆盖全部实习期。",
            "（三）保险费不得向丙方另行收取，也不得从丙方实习报酬中抵扣。",
            "（四）丙方在实习期间受到人身伤害，属于实习责任保险赔付范围的，由承保单位按保险合同赔付；"
            "不属于保险赔付范围或者超出赔付额度的部分，由甲乙双方依法依约承担相应责任。",
        ],
    ),
    (
        "第六条  安全与劳动保护",
        [
            "（一）乙方应遵守安全生产、职业病防治等法律法规，为丙方提供符合国家标准的实习场所和劳动保护用品，"
            "在丙方上岗前进行安全生产教育和劳动纪律教育；未经教育培训的，不得安排丙方上岗。",
            "（二）甲方在实习前对丙方进行安全教育、法纪教育和心理健康教育，告知实习岗位的风险与防护要求。",
            "（三）丙方应遵守安全操作规程，正确使用劳动保护用品，发现事故隐患及时报告。",
            "（四）实习期间发生安全事故的，乙方应立即采取救助措施，并及时通知甲方和丙方监护人，甲乙双方依法妥善处理。",
        ],
    ),
]

RIGHTS: list[tuple[str, list[str]]] = [
    (
        "（一）甲方的权利与义务",
        [
            "1. 会同乙方制订实习计划，选派专业导师（学校指导教师）和辅导员，负责丙方实习期间的指导、管理和联络；",
            "2. 与乙方共同建立学校指导教师和企业带教师傅双重管理制度，定期巡查，及时处理实习中出现的问题；",
            "3. 维护丙方的合法权益，协助处理实习中发生的纠纷和意外事故；",
            "4. 会同乙方对丙方进行实习考核。",
        ],
    ),
    (
        "（二）乙方的权利与义务",
        [
            "1. 按本协议提供实习岗位、支付实习报酬，保障丙方的休息休假和劳动安全；",
            "2. 指定企业人事主管和企业实习负责人（带教师傅），负责丙方的岗位指导和日常管理；",
            "3. 不得通过中介机构或者有偿代理组织、安排和管理丙方实习；",
            "4. 依法保护丙方的个人信息，未经丙方同意不得向他人提供；",
            "5. 按月评价丙方的实习表现，及时向甲方通报丙方的实习情况。",
        ],
    ),
    (
        "（三）丙方的权利与义务",
        [
            "1. 依法享有获得实习报酬、休息休假、劳动安全卫生保护和参加实习考核等权利；",
            "2. 遵守国家法律法规、甲方学生管理规定和乙方规章制度，服从实习管理，保守乙方商业秘密；",
            "3. 按要求完成实习任务，按时实习打卡、填写实习日志，定期与指导教师联系；",
            "4. 未经甲方同意，不得擅自离岗或者变更实习单位。",
        ],
    ),
    (
        "（四）五方联动",
        [
            "三方实行实习过程“五方联动”管理：由甲方辅导员{{ internship.counselor }}、专业导师{{ internship.academic_mentor }}，"
            "乙方企业人事主管{{ internship.enterprise_hr }}、企业实习负责人{{ internship.enterprise_mentor }}，"
            "以及丙方家长{{ internship.guardian }}协同跟踪丙方的思想动态与职业适应情况。",
        ],
    ),
]

LATER: list[tuple[str, list[str]]] = [
    (
        "第八条  实习考核",
        [
            "（一）丙方的实习考核由甲乙双方共同实施，以乙方考核为主。乙方按月对丙方的工作态度、岗位技能、劳动纪律等"
            "进行评价（企业月度评价），评价结果及时反馈甲方；甲方据此开展实习质量预警。",
            "（二）实习结束时，乙方出具实习鉴定；甲方根据实习日志、企业月度评价和实习总结评定实习成绩，记入丙方学业成绩。",
            "（三）丙方月度评价不合格或者出现严重违纪的，甲方及时进行学业异常干预。",
        ],
    ),
    (
        "第九条  协议的变更与解除",
        [
            "（一）经三方协商一致，可以变更或者解除本协议。变更或者解除本协议应当采用书面形式。",
            "（二）乙方安排丙方从事本协议禁止的实习，或者违反安全、报酬、工作时间等约定，经甲方督促仍不改正的，"
            "甲方或者丙方可以解除本协议。",
            "（三）丙方严重违反乙方规章制度或者甲方学生管理规定，经教育仍不改正的，乙方可以在通知甲方后解除本协议，"
            "甲方应妥善安排丙方后续学习。",
            "（四）本协议解除的，乙方应结清丙方的实习报酬。",
        ],
    ),
    (
        "第十条  违约与争议",
        [
            "（一）任何一方违反本协议约定的，应承担相应责任；给其他方造成损失的，依法承担赔偿责任。",
            "（二）因本协议发生争议的，三方应友好协商解决；协商不成的，可以提请有关教育、人力资源社会保障行政部门调解，"
            "或者依法向人民法院提起诉讼。",
        ],
    ),
    (
        "第十一条  其他",
        [
            "（一）本协议未尽事宜，由三方协商签订补充协议，补充协议与本协议具有同等效力。",
            "（二）丙方未满18周岁的，本协议须经丙方监护人签字同意。",
            "（三）丙方的身份证号码、联系电话等个人信息仅用于本协议的签订和履行，各方应妥善保管，不得泄露。",
            "（四）本协议一式三份，甲、乙、丙三方各执一份，具有同等效力；自三方签字（盖章）之日起生效，"
            "至实习期满且相关事宜处理完毕时终止。",
        ],
    ),
]


def heading(doc, text: str) -> None:
    """An article heading: 黑体 小四, kept with its first clause."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.keep_with_next = True
    fmt.space_before = Pt(6)
    fmt.first_line_indent = Pt(24)
    p._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    set_font(p.add_run(text), HEI, BODY)


def _articles(doc, articles: list[tuple[str, list[str]]], *, keep_last: bool = False) -> None:
    """The articles; with keep_last the last one stays on the page of what follows (the signatures never
    stand alone on a page)."""
    for n, (head, paragraphs) in enumerate(articles, start=1):
        heading(doc, head)
        for text in paragraphs:
            para(doc, text, keep=keep_last and n == len(articles))


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


_DATE = "日期：    年    月    日"
SIGNATURES = (
    ("甲方（盖章）：", "", "代表（签字）：", _DATE, "", "丙方（学生签字）：", _DATE),
    ("乙方（盖章）：", "", "代表（签字）：", _DATE, "", "丙方监护人（签字）：", _DATE),
)


def _signatures(doc) -> None:
    """The signature block: one table row that cannot split (Word and LibreOffice both honour w:cantSplit),
    so the whole block moves to the next page rather than break; the two columns have the same lines, so
    they stay aligned whatever the names (the parties are named at the top)."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for col in table._tbl.tblGrid.gridCol_lst:
        col.w = Cm(7.8)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, lines in zip(table.rows[0].cells, SIGNATURES, strict=True):
        cell.width = Cm(7.8)
        cell._tc.remove(cell.paragraphs[0]._p)
        for text in lines:
            p = cell.add_paragraph()
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = LINE
            p.paragraph_format.keep_with_next = True
            set_font(p.add_run(text), FANGSONG, BODY, bold=text.endswith("：") or None)


def tripartite():
    doc = new_document("职业学校学生岗位实习三方协议")
    section = doc.sections[0]  # a contract, not a 公文: Word's usual margins
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    set_font(normal, FANGSONG, BODY)
    normal.paragraph_format.line_spacing = LINE
    p = para(doc, "协议编号：", indent=False)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    gap(p)
    title(doc, "职业学校学生{{ internship.kind }}三方协议", size=ER)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(sub.add_run("（参照教育部《职业学校学生岗位实习三方协议（示范文本）》）"), KAI, WU)
    doc.add_paragraph()
    party(doc, "甲方（学校）：", ["{{ party_a }}", "地址：", "联系人：", "联系电话："])
    party(
        doc,
        "乙方（实习单位）：",
        [
            "{{ enterprise.name }}",
            "统一社会信用代码：{{ enterprise.uscc }}",
            "地址：{{ enterprise.address }}",
            "联系人：{{ enterprise.contact }}    联系电话：{{ enterprise.phone }}",
        ],
    )
    party(
        doc,
        "丙方（学生）：",
        [
            "{{ student.name }}    性别：{{ student.gender }}",
            "身份证号：{{ student.id_number }}",
            "专业：{{ student.major }}    班级：{{ student.class_name }}",
            "学号：{{ student.student_no }}    联系电话：{{ student.phone }}",
        ],
    )
    party(doc, "丙方监护人：", ["{{ student.guardian_name }}    联系电话：{{ student.guardian_phone }}"])
    doc.add_paragraph()
    para(
        doc,
        "为规范和加强职业学校学生实习管理，维护学生、学校和实习单位的合法权益，根据《中华人民共和国职业教育法》"
        "《中华人民共和国劳动法》《中华人民共和国安全生产法》《职业学校学生实习管理规定》等法律法规和规章，"
        "甲、乙、丙三方本着平等自愿、诚实守信、协商一致的原则，就丙方到乙方进行{{ internship.kind }}的有关事项"
        "订立本协议，共同遵守。",
    )
    _articles(doc, ARTICLES)
    heading(doc, "第七条  各方权利与义务")
    for head, paragraphs in RIGHTS:
        para(doc, "", lead=head, keep=True)
        for text in paragraphs:
            para(doc, text)
    _articles(doc, LATER, keep_last=True)
    end = para(doc, "（以下无正文）", indent=False, keep=True)
    end.alignment = WD_ALIGN_PARAGRAPH.CENTER
    end.paragraph_format.space_after = Pt(11)
    _signatures(doc)
    last = (
        doc.add_paragraph()
    )  # Word needs a paragraph after a table; it also carries a batch's section break
    set_font(last.add_run(""), SONG, Pt(2))
    last.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    last.paragraph_format.line_spacing = Pt(2)
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    tripartite().save(OUT / "tripartite.docx")
    print(f"wrote {OUT / 'tripartite.docx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
