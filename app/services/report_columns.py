"""The four standard report tables of DOMAIN.md (高职状态数据): their names and EXACT column headers — the single
source for the app, the .xlsx export and the submission package — and what each column counts (tooltips).

Column kinds say how a value is held and shown: text (str), date, month (a date shown as 年-月), int, wan
(fen, shown in 万元 to 4 decimals), yuan (fen, shown in 元), bool (是 / 否). None = the data cannot give it:
the cell stays empty and the column's definition says why.
"""

from __future__ import annotations

from dataclasses import dataclass

COOPERATION = "产学合作"
OFFSITE_BASES = "校外实习实训基地"
ONSITE_BASES = "校内实践基地"
VISITS = "访企拓岗"
TABLE_NAMES = (COOPERATION, OFFSITE_BASES, ONSITE_BASES, VISITS)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text / date / month / int / wan / yuan / bool
    definition: str


_YEAR = "学年（第一学期开学日至下一学年第一学期开学前一日）"
_PLACED = "岗位实习（不含计划中的，含已终止的）期与学年有交叉"
_SCHEME = "本学年有效的{}协议（生效或到期）或项目（项目指定专业的只算这些专业）"

COOPERATION_COLUMNS = (
    Column(
        "专业名称", "text", "学生、成果、培训、资产或产业教师所属的专业；未指定专业的记录归入“未指定专业”。"
    ),
    Column("合作企业名称", "text", "合作企业档案中的企业名称；未指定企业的成果、培训归入“未指定企业”。"),
    Column("合作企业统一社会信用代码", "text", "合作企业档案中的统一社会信用代码；未填的留空。"),
    Column("合作开始年月", "month", "合作企业档案中的“合作开始日期”的年月；未填的留空。"),
    Column(
        "订单培养人数",
        "int",
        f"该专业学生{_PLACED}、且实习单位是{_SCHEME.format('订单培养')}的合作企业的学生人数，每人只算一次。",
    ),
    Column("共同开发课程数（门）", "int", f"成果日期在{_YEAR}内的“共同开发课程”成果数。"),
    Column("共同开发教材数（种）", "int", f"成果日期在{_YEAR}内的“共同开发教材”成果数。"),
    Column(
        "支持学校兼职教师数（人）",
        "int",
        "所在企业为该企业、所属专业为该专业、聘任期与学年有交叉的产业教师人数（未填聘任日期的视为一直在聘）。",
    ),
    Column("接受顶岗实习学生数（人）", "int", f"该专业在该企业{_PLACED}的学生人数，每人只算一次。"),
    Column(
        "对学校捐赠设备总值（万元）",
        "wan",
        "该企业投入、投入方式为“捐赠”、所属专业为该专业、购置日期在学年内的资产数量×单价之和。",
    ),
    Column(
        "对学校准捐赠设备总值（万元）",
        "wan",
        "该企业投入、投入方式为“准捐赠”、所属专业为该专业、购置日期在学年内的资产数量×单价之和。",
    ),
    Column(
        "接受毕业生就业数（人）",
        "int",
        "学年结束年份届（如2025-2026学年为2026届）该专业毕业生中协议就业、灵活就业或自主创业且就业单位选自合作企业"
        "档案中该企业的人数（只填了单位名称、未选择企业的不计）。",
    ),
    Column(
        "学校为企业技术服务年收入（万元）",
        "wan",
        "成果日期在学年内的横向课题、技术服务、技术转让、技术咨询成果的合同金额之和（系统记录合同额，不记录到账额）。",
    ),
    Column("学校为企业年培训员工数（人天）", "int", "开始日期在学年内的企业员工培训的人天数之和。"),
    Column(
        "是否合作开展学徒制",
        "bool",
        f"该企业有覆盖该专业的{_SCHEME.format('现代学徒制')}时为“是”；仅因此项为“是”的行只来自指定了专业的项目。",
    ),
)

OFFSITE_COLUMNS = (
    Column(
        "基地名称",
        "text",
        "校外实践教学基地和产教融合实训基地（除校内实训基地外的基地），建立日期不晚于学年末。",
    ),
    Column("依托单位名称", "text", "基地所依托的合作企业名称。"),
    Column("建立日期", "date", "基地档案中的建立日期；未填的留空。"),
    Column("面向专业", "text", "基地档案中的面向专业，按设置中的专业顺序，以“、”分隔。"),
    Column(
        "实习实训项目总数",
        "int",
        "学年两个学期的基地使用记录项数（安排在基地的实习按基地、专业、实习类型各计一项；已手工登记的同一基地、专业、"
        "活动以手工为准）；暑假不属任何学期，不计。",
    ),
    Column(
        "接待学生量（人次）", "int", "同上两个学期基地使用记录的学生人次之和（安排在基地的实习每条计1人次）。"
    ),
    Column("基地使用天数", "int", "同上两个学期基地使用记录的使用天数之和（同一天有两项活动的计两次）。"),
    Column(
        "接收半年顶岗实习学生数",
        "int",
        "安排在该基地、实习期与学年有交叉、计划实习期（首尾两天都算）不少于180天的岗位实习的学生人数（不含计划中和"
        "已终止的：终止实习的实际天数不详）。",
    ),
    Column("是否有住宿条件", "bool", "基地档案中的“有住宿条件”。"),
    Column("是否发放实习补贴", "bool", "基地档案中的“发放实习补贴”。"),
    Column(
        "学校派指导教师（人次）",
        "int",
        "同上两个学期基地使用记录的指导教师人次之和（实习按不同的专业导师计）。",
    ),
    Column(
        "接收应届毕业生就业数",
        "int",
        "学年结束年份届毕业生中协议就业、灵活就业或自主创业且就业单位是该基地依托企业的人数（多个基地依托同一企业的，"
        "各基地都计这些人）。",
    ),
)

_NO_HOURS = "系统只记录基地使用的人天（N四(四)2），不记录学时，不能折算为人时，本列留空"
ONSITE_COLUMNS = (
    Column("基地名称", "text", "校内实训基地，建立日期不晚于学年末。"),
    Column(
        "设备总值",
        "wan",
        "单位万元：存放地点以基地名称开头的（多个基地名称都符合时取最长的）、学年末仍在册（购置日期不晚于学年末且"
        "学年末前未处置）的资产数量×单价之和；未填购置日期的资产不计。",
    ),
    Column("当年新增设备值", "wan", "单位万元：上列资产中购置日期在学年内的部分。"),
    Column("社会捐赠设备值", "wan", "单位万元：上列资产中投入方式为“捐赠”的部分（“准捐赠”不计）。"),
    Column("工位数", "int", "基地档案中的工位数。"),
    Column("学年使用频率（人时）", "int", f"{_NO_HOURS}；学年使用人天见年度考核指标“基地使用人天”。"),
    Column("社会使用频率（人时）", "int", f"系统不记录基地的社会使用（对外培训、鉴定等）；{_NO_HOURS}。"),
)

VISITS_COLUMNS = (
    Column(
        "走访企业名称", "text", "走访日期在学年内的企业走访记录的每家被访企业一行（回收站中的企业不列）。"
    ),
    Column("统一社会信用代码", "text", "合作企业档案中的统一社会信用代码；未填的留空。"),
    Column("拜访时间", "date", "走访日期。"),
    Column(
        "可提供岗位数",
        "int",
        "走访记录的可提供岗位数；一次走访多家企业的，记录的是该次走访的合计、分不到各企业，留空（请按企业分别登记）。",
    ),
    Column(
        "平均薪酬",
        "yuan",
        "单位元/月：走访记录的平均薪酬；未填的、或一次走访多家企业的（同上）留空。",
    ),
)

TABLE_COLUMNS = {
    COOPERATION: COOPERATION_COLUMNS,
    OFFSITE_BASES: OFFSITE_COLUMNS,
    ONSITE_BASES: ONSITE_COLUMNS,
    VISITS: VISITS_COLUMNS,
}
TABLE_HEADERS = {name: tuple(c.header for c in cols) for name, cols in TABLE_COLUMNS.items()}
COOPERATION_HEADERS = TABLE_HEADERS[COOPERATION]
OFFSITE_HEADERS = TABLE_HEADERS[OFFSITE_BASES]
ONSITE_HEADERS = TABLE_HEADERS[ONSITE_BASES]
VISITS_HEADERS = TABLE_HEADERS[VISITS]
