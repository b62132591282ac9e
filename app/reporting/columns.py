"""The standard report tables of DOMAIN.md (the school's data platform: 高职人才培养工作状态数据 and its ODS
tables): their names and EXACT column headers — the single source for the app, the .xlsx export and the
submission package — and what each column counts (tooltips, the 说明 sheet).

产学合作 comes in the platform's two views: per 专业 (the 状态数据 table) and per 专业 × 合作企业 (the ODS table).
Everything iterates TABLE_NAMES; TABLE_KEYS gives each table a short ASCII key (template variables, file names).

Column kinds say how a value is held and shown: text (str), date, month (a date shown as 年-月), int, wan
(fen, shown in 万元 to WAN_DECIMALS decimals), yuan (fen, shown in 元 to 2 decimals), bool (是 / 否). None = the
records cannot give it: the cell stays empty and the column's definition says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

COOPERATION_BY_MAJOR = "产学合作（按专业）"
COOPERATION = "产学合作"
OFFSITE_BASES = "校外实习实训基地"
ONSITE_BASES = "校内实践基地"
VISITS = "访企拓岗"
TABLE_NAMES = (COOPERATION_BY_MAJOR, COOPERATION, OFFSITE_BASES, ONSITE_BASES, VISITS)
TABLE_KEYS = {
    COOPERATION_BY_MAJOR: "coop_major",
    COOPERATION: "coop",
    OFFSITE_BASES: "offsite",
    ONSITE_BASES: "onsite",
    VISITS: "visit",
}
WAN_DECIMALS = 2  # the platform fills 万元 to 2 decimals (1 元 = 0.0001 万元 rounds to 0.00)
LARGE_EQUIPMENT_FEN = 10_000_000  # 大型设备: unit value of at least 10 万元


def wan_value(fen: int) -> Decimal:
    """Fen as 万元 rounded half up to WAN_DECIMALS decimals."""
    return (Decimal(fen) / Decimal(1_000_000)).quantize(
        Decimal(1).scaleb(-WAN_DECIMALS), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text / date / month / int / wan / yuan / bool
    definition: str
    adds_up: bool = True  # False: a 合计 of the rows would mislead (an enterprise counted once per major …)


_YEAR = "学年（第一学期开学日至下一学年第一学期开学前一日）"
_WAN = "单位万元，保留2位小数"
_PLACED = "岗位实习（不含计划中的，含已终止的）期与学年有交叉"
_SCHEME = "本学年有效的{}协议（生效或到期）或项目（项目指定专业的只算这些专业）"
_CODE = "设置中该专业的专业代码（国家专业目录的6位代码）；未填的留空。"
_LEVEL = "专业层次：学院设置的专业层次，未设置的为“高职专科”（职业教育专业目录的用语）。"
_MAJOR_NAME = "学生、成果、培训、资产或产业教师所属的专业；未指定专业的记录归入“未指定专业”。"

# The figures both 产学合作 views share: (per-专业 header, ODS header, kind, definition).
_ORDER = f"该专业学生{_PLACED}、且实习单位是{_SCHEME.format('订单培养')}的合作企业的学生人数，每人只算一次。"
_COURSES = f"成果日期在{_YEAR}内的“共同开发课程”成果数。"
_TEXTBOOKS = f"成果日期在{_YEAR}内的“共同开发教材”成果数。"
_TEACHERS = (
    "所在企业为合作企业、所属专业为该专业、聘任期与学年有交叉的产业教师人数（未填聘任日期的视为一直在聘）。"
)
_INTERNS = f"该专业学生中{_PLACED}的学生人数（实习单位为合作企业，或安排在其依托的基地），每人只算一次。"
_DONATED = f"{_WAN}：合作企业投入、投入方式为“捐赠”、所属专业为该专业、购置日期在学年内的资产数量×单价之和。"
_QUASI = f"{_WAN}：合作企业投入、投入方式为“准捐赠”、所属专业为该专业、购置日期在学年内的资产数量×单价之和。"
_EMPLOYED = (
    "学年结束年份届（如2025-2026学年为2026届）该专业毕业生中协议就业、灵活就业或自主创业且就业单位选自合作企业"
    "档案的人数（只填了单位名称、未选择企业的不计）。"
)
_SERVICE = (
    f"{_WAN}：成果日期在学年内的横向课题、技术服务、技术转让、技术咨询成果的合同金额之和（系统记录合同额，"
    "不记录到账额）。"
)
_TRAINING = "开始日期在学年内的企业员工培训的人天数之和。"

COOPERATION_BY_MAJOR_COLUMNS = (
    Column("专业代码", "text", _CODE),
    Column(
        "专业名称",
        "text",
        "设置中的每个专业（按设置中的顺序），另加有记录但已不在设置中的专业；未指定专业的记录归入“未指定专业”。",
    ),
    Column(
        "产学合作企业总数（个）",
        "int",
        "本学年与该专业有本表任一项产学合作的合作企业家数（即“产学合作”表中该专业的企业行数，不含“未指定企业”）；"
        "与几个专业合作的企业在每个专业都算，各专业不合计。",
        adds_up=False,
    ),
    Column("订单培养数（人）", "int", _ORDER),
    Column("共同开发课程数（门）", "int", _COURSES),
    Column("共同开发教材数（种）", "int", _TEXTBOOKS),
    Column("支持学校兼职教师数（人）", "int", _TEACHERS),
    Column("接受顶岗实习学生数（人）", "int", _INTERNS),
    Column("对学校捐赠设备总值（万元）", "wan", _DONATED),
    Column("对学校准捐赠设备总值（万元）", "wan", _QUASI),
    Column("接受毕业生就业数（人）", "int", _EMPLOYED),
    Column("学校为企业技术服务年收入（万元）", "wan", _SERVICE),
    Column("学校为企业年培训员工数（人天）", "int", _TRAINING),
)

COOPERATION_COLUMNS = (
    Column("专业代码", "text", _CODE),
    Column("专业名称", "text", _MAJOR_NAME),
    Column("合作企业名称", "text", "合作企业档案中的企业名称；未指定企业的成果、培训归入“未指定企业”。"),
    Column("合作企业统一社会信用代码", "text", "合作企业档案中的统一社会信用代码；未填的留空。"),
    Column("合作开始年月", "month", "合作企业档案中的“合作开始日期”的年月；未填的留空。"),
    Column("订单培养人数", "int", _ORDER),
    Column("共同开发课程门数", "int", _COURSES),
    Column("共同开发教材数", "int", _TEXTBOOKS),
    Column("支持学校兼职教师数", "int", _TEACHERS),
    Column("接受顶岗实习学生数", "int", _INTERNS),
    Column("接受毕业生就业数", "int", _EMPLOYED),
    Column("学校为企业技术服务年收入（万元）", "wan", _SERVICE),
    Column("对学校捐赠设备总值（万元）", "wan", _DONATED),
    Column("对学校准捐赠设备总值（万元）", "wan", _QUASI),
    Column("学校为企业年培训员工数（人天）", "int", _TRAINING),
    Column(
        "是否合作开展学徒制",
        "bool",
        f"该企业有覆盖该专业的{_SCHEME.format('现代学徒制')}时为“是”；仅因此项为“是”的行只来自指定了专业的项目。",
    ),
)

_SEMESTERS = "学年两个学期（暑假不属任何学期，不计）"
_DAYS = (
    "单位天：{}内使用基地的不同日期数——有起止日期的使用记录，起止日期之间的每一天都算；安排在基地的实习，实习期内"
    "的每一天都算；同一天有几项活动只算一天；学年尚未结束的，只算到统计当天。未填起止日期的手工记录无法与其他记录对"
    "日期，按其“使用天数”加上。"
)
_PROJECTS = (
    f"{_SEMESTERS}基地使用记录的项数（安排在基地的实习按基地、专业、实习类型各计一项；已手工登记的同一基地、"
    "专业、活动以手工为准）。"
)
_PROJECT_NAMES = "基地档案中的“主要项目（全称）”，以“、”分隔；未填的留空。"
_MANAGERS = "基地档案中的{}管理人员数。"

OFFSITE_COLUMNS = (
    Column(
        "基地名称",
        "text",
        "校外实践教学基地和产教融合实训基地（除校内实训基地外的基地），建立日期不晚于学年末。",
    ),
    Column("依托单位名称", "text", "基地所依托的合作企业名称；未选择依托企业的留空。"),
    Column(
        "依托单位在岗职工总数",
        "int",
        "合作企业档案中依托企业的“在岗职工总数”；未填的留空。几个基地可依托同一企业，各基地不合计。",
        adds_up=False,
    ),
    Column("建立日期", "date", "基地档案中的建立日期；未填的留空。"),
    Column(
        "面向专业总数",
        "int",
        "基地档案中面向专业的个数（不含已删除的专业）；一个专业可面向几个基地，各基地不合计。",
        adds_up=False,
    ),
    Column("主要专业", "text", "基地档案中的面向专业，按设置中的专业顺序，以“、”分隔；未填的留空。"),
    Column("实习实训项目总数", "int", _PROJECTS),
    Column("主要项目（全称）", "text", _PROJECT_NAMES),
    Column(
        "接待学生量（人次）",
        "int",
        f"{_SEMESTERS}基地使用记录的学生人次之和（安排在基地的实习每条计1人次）。",
    ),
    Column("基地使用天数", "int", _DAYS.format(_SEMESTERS)),
    Column(
        "接收半年顶岗实习学生数",
        "int",
        "安排在该基地、实习期与学年有交叉、计划实习期（首尾两天都算）不少于180天的岗位实习的学生人数（不含计划中和"
        "已终止的：终止实习的实际天数不详）。",
    ),
    Column("是否有住宿条件", "bool", "基地档案中的“有住宿条件”。"),
    Column("基地是否发放学生实习补贴", "bool", "基地档案中的“发放实习补贴”。"),
    Column(
        "学校向基地支付专项实习经费（元/生）",
        "yuan",
        "基地档案中的“学校向基地支付专项实习经费”，单位元/生；未填的留空（0表示不支付）。",
    ),
    Column(
        "学校派指导教师/学生管理人员（人次）",
        "int",
        f"{_SEMESTERS}基地使用记录的指导教师人次之和（安排在基地的实习按不同的专业导师计）。",
    ),
    Column(
        "接收应届毕业生就业数",
        "int",
        "学年结束年份届毕业生中协议就业、灵活就业或自主创业且就业单位是该基地依托企业的人数（多个基地依托同一企业的，"
        "各基地都计这些人）。",
    ),
)

_HELD = (
    "存放地点以基地名称开头的（多个基地名称都符合时取最长的）、学年末仍在册（购置日期不晚于学年末且学年末前未处置）"
    "的资产"
)
_HOURS = (
    "单位人时：{}内该基地{}的手工使用记录的“学生人次×每人学时”之和；未填学时的记录不计，该类记录都未填学时的留空，"
    "没有该类记录的为0（安排在基地的实习没有学时，不计）。"
)
_COSTS = "{}：基地档案中登记的本学年{}；本学年未登记费用的留空。"

ONSITE_COLUMNS = (
    Column("基地名称", "text", "校内实训基地，建立日期不晚于学年末。"),
    Column("面向专业", "text", "基地档案中的面向专业，按设置中的专业顺序，以“、”分隔；未填的留空。"),
    Column("学年内基地使用时间", "int", _DAYS.format(_SEMESTERS)),
    Column("设备总值（万元）", "wan", f"{_WAN}：{_HELD}的数量×单价之和；未填购置日期的资产不计。"),
    Column("当年新增设备值（万元）", "wan", f"{_WAN}：上列资产中购置日期在学年内的部分。"),
    Column("自主研制设备值（万元）", "wan", f"{_WAN}：上列资产中标为“自主研制”的部分。"),
    Column("社会捐赠设备值（万元）", "wan", f"{_WAN}：上列资产中投入方式为“捐赠”的部分（“准捐赠”不计）。"),
    Column("社会准捐赠设备值（万元）", "wan", f"{_WAN}：上列资产中投入方式为“准捐赠”的部分。"),
    Column("设备总数（台套）", "int", "设备总值所计资产的数量之和。"),
    Column("大型设备数（台套）", "int", "设备总值所计资产中单价不低于10万元的数量之和。"),
    Column("实训项目个数", "int", _PROJECTS),
    Column("主要实训项目名称", "text", _PROJECT_NAMES),
    Column("学年使用频率·校内（人时）", "int", _HOURS.format(_SEMESTERS, "对象为“校内”（本校学生）")),
    Column("学年使用频率·社会（人时）", "int", _HOURS.format(_SEMESTERS, "对象为“社会”（对外培训、鉴定等）")),
    Column("工位数（个）", "int", "基地档案中的工位数。"),
    Column("原材料（耗材）费用（万元）", "wan", _COSTS.format(_WAN, "原材料（耗材）费用")),
    Column("设备维护费用（万元）", "wan", _COSTS.format(_WAN, "设备维护费用")),
    Column("专职管理人员（名）", "int", _MANAGERS.format("专职")),
    Column("兼职管理人员（名）", "int", _MANAGERS.format("兼职")),
)

_STOP = "走访记录中该企业的"
_NOT_SET = "；未填的留空。"
VISITS_COLUMNS = (
    Column(
        "走访企业名称",
        "text",
        "走访日期在学年内（学年尚未结束的，截至统计当天）的企业走访记录，每家被访企业一行（一次走访三家企业为三行；"
        "回收站中的企业不列）。",
    ),
    Column("走访企业统一社会信用代码", "text", "合作企业档案中的统一社会信用代码；未填的留空。"),
    Column("需求专业代码", "text", f"{_STOP}需求专业的专业代码（设置中填写）{_NOT_SET}"),
    Column("需求专业名称", "text", f"{_STOP}需求专业{_NOT_SET}"),
    Column("需求专业层次", "text", f"需求专业的{_LEVEL}未填需求专业的留空。"),
    Column("可提供岗位数", "int", f"{_STOP}可提供岗位数{_NOT_SET}"),
    Column("平均薪酬（元）", "yuan", f"{_STOP}平均薪酬，单位元/月{_NOT_SET}"),
    Column("牵头拜访人", "text", f"走访记录的带队领导（牵头拜访人）{_NOT_SET}"),
    Column("职务", "text", f"牵头拜访人的职务{_NOT_SET}"),
    Column("拜访时间", "date", "走访日期。"),
    Column("企业接待人姓名", "text", f"{_STOP}接待人姓名{_NOT_SET}"),
    Column("接待人职务", "text", f"{_STOP}接待人职务{_NOT_SET}"),
    Column("访谈成果主要形式", "text", f"{_STOP}访谈成果主要形式{_NOT_SET}"),
    Column("接受实习生专业代码", "text", f"{_STOP}接受实习生专业的专业代码{_NOT_SET}"),
    Column("接受实习生专业名称", "text", f"{_STOP}接受实习生专业{_NOT_SET}"),
    Column("接受实习生专业层次", "text", f"接受实习生专业的{_LEVEL}未填该专业的留空。"),
    Column("接受实习生人数", "int", f"{_STOP}接受实习生人数{_NOT_SET}"),
    Column("接受实习报酬（元）", "yuan", f"{_STOP}实习报酬，单位元/月{_NOT_SET}"),
    Column("接受学生就业专业代码", "text", f"{_STOP}接受学生就业专业的专业代码{_NOT_SET}"),
    Column("接受学生就业专业名称", "text", f"{_STOP}接受学生就业专业{_NOT_SET}"),
    Column("接受学生就业专业层次", "text", f"接受学生就业专业的{_LEVEL}未填该专业的留空。"),
    Column("接受学生就业人数", "int", f"{_STOP}接受学生就业人数{_NOT_SET}"),
    Column("接受学生就业起薪线（元/月）", "yuan", f"{_STOP}就业起薪线{_NOT_SET}"),
    Column("其他达成意向的合作", "text", f"{_STOP}其他达成意向的合作{_NOT_SET}"),
)

TABLE_COLUMNS = {
    COOPERATION_BY_MAJOR: COOPERATION_BY_MAJOR_COLUMNS,
    COOPERATION: COOPERATION_COLUMNS,
    OFFSITE_BASES: OFFSITE_COLUMNS,
    ONSITE_BASES: ONSITE_COLUMNS,
    VISITS: VISITS_COLUMNS,
}
# The leading columns that name a row (kept in sight on screen, repeated on each printed page).
NAME_COLUMNS = {COOPERATION_BY_MAJOR: 2, COOPERATION: 3, OFFSITE_BASES: 1, ONSITE_BASES: 1, VISITS: 1}
TABLE_HEADERS = {name: tuple(c.header for c in cols) for name, cols in TABLE_COLUMNS.items()}
COOPERATION_BY_MAJOR_HEADERS = TABLE_HEADERS[COOPERATION_BY_MAJOR]
COOPERATION_HEADERS = TABLE_HEADERS[COOPERATION]
OFFSITE_HEADERS = TABLE_HEADERS[OFFSITE_BASES]
ONSITE_HEADERS = TABLE_HEADERS[ONSITE_BASES]
VISITS_HEADERS = TABLE_HEADERS[VISITS]
