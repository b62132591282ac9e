"""The built-in 三方协议 template (resources/templates/tripartite.docx), built with the helpers of
tools/make_templates.py (fonts, A4 公文 margins, page-number footer, title and heading styles):

    python tools/make_tripartite.py

(A script of its own: python-docx stamps zip entries with the time, so rebuilding the other templates would
change their bytes for nothing.)

It follows the structure of the Ministry of Education's 《职业学校学生岗位实习三方协议（示范文本）》 (2021) and
实习规定第十三条: the parties (甲方 the school, carried out by the 二级学院; 乙方 实习单位; 丙方 学生; a minor's
监护人 in {%p if agreement.minor %} blocks), thirteen articles written from the rules of 《职业学校学生实习管理
规定》 (教职成〔2021〕4号) and H第十二条, and a signature block kept on one page. The printed copy carries no
"参照…示范文本" subtitle (that note lives in docs/templates.md). guardian_consent.docx is the 监护人知情同意书
the batch writes beside a minor's agreement.
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
from make_templates import FANGSONG, HEI, OUT, SONG, XIAO_SI, new_document, set_font, title

ER = Pt(22)  # 二号
BODY, LINE = XIAO_SI, Pt(22)  # 仿宋 小四 at 22 pt: the agreement fits on four to five pages, not eight
_PLACEHOLDER = re.compile(r"(\{\{.*?\}\})")


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


ARTICLES: list[tuple[str, list[str]]] = [
    (
        "第一条  实习岗位、内容、地点与期限",
        [
            "（一）乙方根据甲方{{ student.major }}专业人才培养方案和实习教学要求，安排丙方进行岗位实习，"
            "实习岗位为{{ internship.position }}。实习岗位应与丙方所学专业对口或相近，实习内容应符合专业培养目标，"
            "不得安排丙方从事简单重复劳动或与专业无关的工作。",
            "（二）实习地点为{{ internship.place }}{% if base.name %}（实践教学基地：{{ base.name }}）{% endif %}。",
            "（三）实习期限为{{ internship.term }}。",
            "（四）乙方确需调整丙方实习岗位或实习地点的，应提前书面告知甲方和丙方（丙方未满18周岁的，还应告知其监护人），"
            "经甲方和丙方同意后以书面形式确认。",
        ],
    ),
    (
        "第二条  工作时间与休息休假",
        [
            "（一）乙方安排丙方每日实习{{ internship.hours_per_day }}小时，每周实习{{ internship.days_per_week }}天"
            "（每周{{ internship.hours_per_week }}小时）；每日实习时间不超过8小时，每周不超过40小时。",
            "（二）乙方不得安排丙方加班，不得安排丙方上夜班，不得安排丙方在法定节假日实习；乙方应保障丙方每周至少休息一日。",
            "（三）丙方因病、因事需要请假的，按乙方考勤制度和甲方学生管理规定办理请假手续。",
        ],
    ),
    (
        "第三条  食宿与交通",
        [
            "（一）食宿安排：{{ internship.lodging }}。乙方为丙方提供住宿的，住宿场所应符合安全、卫生要求，实行男女分住。",
            "（二）交通安排：{{ internship.transport }}。",
        ],
    ),
    (
        "第四条  劳动保护与安全",
        [
            "（一）乙方应遵守安全生产、职业病防治等法律法规，为丙方提供符合国家标准的实习场所和劳动保护用品，"
            "在丙方上岗前进行安全生产教育和岗位操作规程培训；未经教育培训的，不得安排丙方上岗。",
            "（二）乙方不得安排丙方从事高空、井下、放射性、有毒、易燃易爆以及其他具有较高安全风险的实习；"
            "丙方未满18周岁的，不得安排其从事《未成年工特殊保护规定》所列的禁忌劳动；丙方为女学生的，"
            "不得安排其从事《女职工劳动保护特别规定》所列的禁忌劳动。",
            "（三）乙方不得安排丙方到酒吧、夜总会、歌厅、洗浴中心、电子游戏厅、网吧等营业性娱乐场所实习。",
            "（四）甲方在实习前对丙方进行安全教育、法纪教育和心理健康教育，告知实习岗位的风险与防护要求；"
            "丙方应遵守安全操作规程，正确使用劳动保护用品，发现事故隐患及时报告。",
            "（五）实习期间发生安全事故的，乙方应立即采取救助措施，并及时通知甲方和丙方的紧急联系人，甲乙双方依法妥善处理。",
        ],
    ),
    (
        "第五条  实习报酬",
        [
            "（一）丙方实习报酬为每月人民币{{ internship.monthly_pay }}元（大写：{{ internship.monthly_pay_words }}）。"
            "乙方相同岗位职工工资标准为每月人民币{{ internship.same_post_wage }}元，丙方实习报酬不低于该标准的80%。",
            "（二）乙方应于每月{{ internship.pay_day }}日前，以货币形式按月足额支付给丙方本人，支付周期不超过1个月；"
            "不得以物品或代金券等代替货币支付，不得经过第三方转发，不得克扣、拖欠或者从中扣除任何费用。",
        ],
    ),
    (
        "第六条  实习责任保险",
        [
            "（一）本协议约定的实习责任保险：承保单位{{ internship.insurer }}，保险单号{{ internship.policy_no }}，"
            "保险期间{{ internship.insurance_term }}，保险费由{{ internship.insurance_paid_by }}支付。",
            "（二）保险期间覆盖整个实习期，保险责任范围覆盖实习活动的全过程。保险费由甲方或乙方承担，"
            "不得由丙方承担，不得向丙方另行收取，也不得从丙方实习报酬中抵扣。",
            "（三）丙方在实习期间受到人身伤害，属于实习责任保险赔付范围的，由承保单位按保险合同赔付；"
            "不属于保险赔付范围或者超出赔付额度的部分，由甲乙双方依法依约承担相应责任。",
        ],
    ),
    (
        "第七条  禁止收费与扣押证件",
        [
            "甲乙双方不得以任何名义向丙方收取实习材料费、就业服务费、押金、培训费、管理费、实习报酬提成或者其他任何费用，"
            "不得扣押丙方的居民身份证、学生证或者其他证件，不得要求丙方提供担保或者以其他名义收取丙方财物，"
            "不得通过中介机构或者有偿代理组织、安排和管理丙方实习。",
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
            "3. 依法保护丙方的个人信息，未经丙方同意不得向他人提供；",
            "4. 按月评价丙方的实习表现，及时向甲方通报丙方的实习情况。",
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
        "第九条  实习考核",
        [
            "（一）丙方的实习考核由甲乙双方共同实施，以乙方考核为主。乙方按月对丙方的工作态度、岗位技能、劳动纪律等"
            "进行评价，评价结果及时反馈甲方。",
            "（二）实习结束时，乙方出具实习鉴定；甲方根据实习日志、乙方月度评价和实习总结评定实习成绩，记入丙方学业成绩。",
        ],
    ),
    (
        "第十条  协议的变更与解除",
        [
            "（一）经三方协商一致，可以变更或者解除本协议。变更或者解除本协议应当采用书面形式。",
            "（二）乙方有下列情形之一的，甲方或者丙方可以书面通知乙方解除本协议，甲方负责安排丙方撤离并另行安排实习："
            "安排丙方加班、上夜班、在法定节假日实习或者从事本协议禁止的岗位和劳动；未按约定支付实习报酬；"
            "向丙方收取费用或者扣押丙方证件；存在重大安全隐患，经甲方书面督促后仍不整改。",
            "（三）丙方严重违反乙方规章制度或者甲方学生管理规定，经甲乙双方教育仍不改正的，乙方可以在书面通知甲方后"
            "解除本协议，甲方应妥善安排丙方后续学习。",
            "（四）本协议解除的，乙方应在解除之日起7日内结清丙方的实习报酬。",
        ],
    ),
    (
        "第十一条  违约责任",
        [
            "（一）乙方未按约定足额、按时支付实习报酬的，应补足差额；收取费用或者扣押证件的，应立即退还全部费用、返还证件。",
            "（二）乙方违反本协议关于工作时间、劳动保护与安全的约定，给丙方造成人身伤害或者财产损失的，依法承担赔偿责任；"
            "甲方因此解除本协议、安排丙方撤离所产生的交通等合理费用，由乙方承担。",
            "（三）甲方未履行巡查、指导和管理职责，给丙方或者乙方造成损失的，依法承担相应责任。",
            "（四）丙方擅自离岗、严重违纪或者违反保密义务，给乙方造成损失的，"
            "由丙方{% if agreement.minor %}监护人{% endif %}依法承担相应责任。",
        ],
    ),
    (
        "第十二条  争议解决",
        [
            "因本协议发生争议的，三方应友好协商解决；协商不成的，可以提请甲方所在地的教育、人力资源社会保障行政部门调解，"
            "或者依法向乙方所在地人民法院提起诉讼。",
        ],
    ),
    (
        "第十三条  其他",
        [
            "（一）本协议未尽事宜，由三方协商签订补充协议，补充协议与本协议具有同等效力。",
            "{%p if agreement.minor %}",
            "（二）丙方未满18周岁，本协议须经丙方监护人签字同意，并附《学生岗位实习监护人知情同意书》。",
            "{%p else %}",
            "（二）丙方已满18周岁，本协议由丙方本人签字。",
            "{%p endif %}",
            "（三）丙方的身份证号码、联系电话等个人信息仅用于本协议的签订和履行，各方应妥善保管，不得泄露。",
            "（四）本协议一式{{ agreement.copies }}份，{{ agreement.holders }}各执一份，具有同等效力；"
            "自各方签字（盖章）之日起生效，至实习期满且相关事宜处理完毕时终止。",
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
_MINOR = "{%p if agreement.minor %}"
_END = "{%p endif %}"
SIGNATURES = (
    (
        "甲方（盖章）：",
        "法定代表人或委托代理人（签字）：",
        _DATE,
        "",
        "实施单位（盖章）：",
        "负责人（签字）：",
        _DATE,
    ),
    (
        "乙方（盖章）：",
        "法定代表人或委托代理人（签字）：",
        _DATE,
        "",
        "丙方（学生签字）：",
        _DATE,
        _MINOR,
        "",
        "丙方监护人（签字）：",
        _DATE,
        _END,
    ),
)


def _signatures(doc, columns=SIGNATURES) -> None:
    """The signature block: one table row that cannot split (Word and LibreOffice both honour w:cantSplit),
    so the whole block moves to the next page rather than break (the parties are named at the top)."""
    table = doc.add_table(rows=1, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    for col in table._tbl.tblGrid.gridCol_lst:
        col.w = Cm(15.6 / len(columns))
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, lines in zip(table.rows[0].cells, columns, strict=True):
        cell.width = Cm(15.6 / len(columns))
        cell._tc.remove(cell.paragraphs[0]._p)
        for text in lines:
            p = cell.add_paragraph()
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = LINE
            p.paragraph_format.keep_with_next = True
            set_font(p.add_run(text), FANGSONG, BODY, bold=text.endswith("：") and "签字" not in text or None)


def _code_line(doc, label: str, placeholder: str) -> None:
    """A code (身份证号, 统一社会信用代码) on a line of its own, in one run, the line not allowed to wrap inside
    a Latin word (w:wordWrap on): it never splits across lines in Word or LibreOffice."""
    p = para(doc, f"{label}{placeholder}", indent=False)
    p.paragraph_format.left_indent = Pt(24)
    wrap = OxmlElement("w:wordWrap")
    wrap.set(qn("w:val"), "1")
    p._p.get_or_add_pPr().append(wrap)


def _party(doc, lead: str, name: str, lines: list[tuple[str, str] | str]) -> None:
    """A party block: its name after the bold lead, then one line per fact; (label, code) pairs are codes."""
    para(doc, name, indent=False, lead=lead)
    for line in lines:
        if isinstance(line, tuple):
            _code_line(doc, *line)
        elif line.startswith("{%p"):
            para(doc, line, indent=False)
        else:
            p = para(doc, line, indent=False)
            p.paragraph_format.left_indent = Pt(24)


def _parties(doc) -> None:
    _party(
        doc,
        "甲方（学校）：",
        "{{ school_party.name }}",
        [
            ("统一社会信用代码：", "{{ school_party.uscc }}"),
            "地址：{{ school_party.address }}",
            "法定代表人：{{ school_party.representative }}",
            "联系人：{{ school_party.contact }}    联系电话：{{ school_party.phone }}",
            "实施单位：{{ college_party.name }}    负责人：{{ college_party.representative }}",
            "实施单位地址：{{ college_party.address }}",
            "实施单位联系人：{{ college_party.contact }}    联系电话：{{ college_party.phone }}",
        ],
    )
    _party(
        doc,
        "乙方（实习单位）：",
        "{{ enterprise.name }}",
        [
            ("统一社会信用代码：", "{{ enterprise.uscc }}"),
            "地址：{{ enterprise.address }}",
            "法定代表人：{{ enterprise.legal_representative }}",
            "联系人：{{ enterprise.contact }}    联系电话：{{ enterprise.phone }}",
        ],
    )
    _party(
        doc,
        "丙方（学生）：",
        "{{ student.name }}    性别：{{ student.gender }}",
        [
            ("身份证号：", "{{ student.id_number }}"),
            "专业：{{ student.major }}    班级：{{ student.class_name }}",
            "学号：{{ student.student_no }}    联系电话：{{ student.phone }}",
            "家庭住址：{{ student.home_address }}",
            "紧急联系人：{{ student.emergency_contact }}    联系电话：{{ student.emergency_phone }}",
        ],
    )
    para(doc, _MINOR, indent=False)
    _party(
        doc,
        "丙方监护人：",
        "{{ student.guardian_name }}    与丙方关系：{{ student.guardian_relation }}",
        [
            ("身份证号：", "{{ student.guardian_id_number }}"),
            "联系电话：{{ student.guardian_phone }}",
        ],
    )
    para(doc, _END, indent=False)


def _number(doc) -> None:
    p = para(doc, "协议编号：{{ agreement.number }}", indent=False)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _setup(title_text: str):
    doc = new_document(title_text)
    section = doc.sections[0]  # a contract, not a 公文: Word's usual margins
    section.top_margin = section.bottom_margin = Cm(2.54)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    set_font(normal, FANGSONG, BODY)
    normal.paragraph_format.line_spacing = LINE
    return doc


def _last_paragraph(doc) -> None:
    last = (
        doc.add_paragraph()
    )  # Word needs a paragraph after a table; it also carries a batch's section break
    set_font(last.add_run(""), SONG, Pt(2))
    last.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    last.paragraph_format.line_spacing = Pt(2)


def tripartite():
    doc = _setup("职业学校学生岗位实习三方协议")
    _number(doc)
    title(doc, "职业学校学生岗位实习三方协议", size=ER)
    doc.add_paragraph()
    _parties(doc)
    doc.add_paragraph()
    para(
        doc,
        "为规范和加强职业学校学生实习管理，维护学生、学校和实习单位的合法权益，根据《中华人民共和国职业教育法》"
        "《中华人民共和国劳动法》《中华人民共和国安全生产法》《职业学校学生实习管理规定》等法律法规和规章，"
        "甲、乙、丙三方本着平等自愿、诚实守信、协商一致的原则，就丙方到乙方进行岗位实习的有关事项"
        "订立本协议，共同遵守。",
    )
    _articles(doc, ARTICLES)
    heading(doc, "第八条  各方权利与义务")
    for head, paragraphs in RIGHTS:
        para(doc, "", lead=head, keep=True)
        for text in paragraphs:
            para(doc, text)
    _articles(doc, LATER, keep_last=True)
    end = para(doc, "（以下无正文）", indent=False, keep=True)
    end.alignment = WD_ALIGN_PARAGRAPH.CENTER
    end.paragraph_format.space_after = Pt(11)
    _signatures(doc)
    _last_paragraph(doc)
    return doc


CONSENT: list[str] = [
    "本人{{ student.guardian_name }}（身份证号：{{ student.guardian_id_number }}，联系电话：{{ student.guardian_phone }}），"
    "系{{ school_party.name }}{{ college_party.name }}{{ student.major }}专业{{ student.class_name }}学生"
    "{{ student.name }}（学号：{{ student.student_no }}）的{{ student.guardian_relation }}、法定监护人。"
    "该生出生于{{ student.birth_date }}，实习开始时{{ student.age }}周岁，未满18周岁。",
    "本人已认真阅读该生与学校、实习单位签订的《职业学校学生岗位实习三方协议》（协议编号："
    "{{ agreement.number }}），知悉并同意该生于{{ internship.term }}到{{ enterprise.name }}参加岗位实习，"
    "实习岗位为{{ internship.position }}，实习地点为{{ internship.place }}。本人知悉：",
]
CONSENT_ITEMS: list[str] = [
    "1. 该生每日实习不超过8小时、每周不超过40小时，实习单位不得安排其加班、上夜班或在法定节假日实习；",
    "2. 实习单位不得安排该生从事《未成年工特殊保护规定》所列的禁忌劳动及高风险岗位，不得安排其到营业性娱乐场所实习；",
    "3. 该生实习报酬为每月人民币{{ internship.monthly_pay }}元，由实习单位于每月{{ internship.pay_day }}日前"
    "以货币形式直接支付给该生本人，不得克扣；",
    "4. 该生已投保实习责任保险（承保单位{{ internship.insurer }}，保险单号{{ internship.policy_no }}，"
    "保险期间{{ internship.insurance_term }}），保险费不由学生承担；",
    "5. 食宿安排：{{ internship.lodging }}；交通安排：{{ internship.transport }}；",
    "6. 学校和实习单位不得向该生收取实习材料费、就业服务费、押金等任何费用，不得扣押其居民身份证、学生证；",
    "7. 实习期间由学校辅导员{{ internship.counselor }}、专业导师{{ internship.academic_mentor }}负责联络。",
]
# the phone on a line of its own: "0731-88123468" never breaks at its hyphen
CONSENT_CONTACT = "学院联系人：{{ college_party.contact }}    联系电话：{{ college_party.phone }}"
CONSENT_DUTIES = (
    "本人将配合学校和实习单位做好该生的安全教育和实习管理，保持通讯畅通，及时了解该生的实习和思想状况；"
    "遇有紧急情况，学校或实习单位可通过上述电话与本人联系。"
)


def guardian_consent():
    """One page: 仿宋 小四 at 20 pt lines (the agreement's 22 pt would push the signatures over)."""
    doc = _setup("学生岗位实习监护人知情同意书")
    doc.styles["Normal"].paragraph_format.line_spacing = Pt(20)
    _number(doc)
    title(doc, "学生岗位实习监护人知情同意书", size=ER)
    doc.add_paragraph()
    for text in CONSENT:
        para(doc, text)
    for text in CONSENT_ITEMS:
        para(doc, text)
    _code_line(doc, "", CONSENT_CONTACT)
    para(doc, CONSENT_DUTIES)
    para(
        doc,
        "本同意书作为上述三方协议的附件，一式两份，学校和监护人各执一份。",
        keep=True,
    )
    _signatures(
        doc,
        (
            ("监护人（签字）：", _DATE),
            ("学生（签字）：", _DATE),
        ),
    )
    _last_paragraph(doc)
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    tripartite().save(OUT / "tripartite.docx")
    guardian_consent().save(OUT / "guardian_consent.docx")
    print(f"wrote {OUT / 'tripartite.docx'} and {OUT / 'guardian_consent.docx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
