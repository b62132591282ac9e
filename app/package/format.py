"""The submission package (上报材料包) format, version 3: the one description that export, verify, merge and
docs/package-format.md (tools/make_package_doc.py) are made from. Change a sheet or a column here, never
anywhere else; a change a version-1 reader cannot take (a column renamed, removed or moved, a type changed)
raises VERSION, see docs/package-format.md "版本规则".

A package is one ZIP:
- `manifest.json` (MANIFEST): what the package is and the SHA-256 and size of every other file in it;
- `signature.json` (SIGNATURE): the college's signature of manifest.json's bytes, its public key;
- `data.xlsx` (DATA): one sheet per table of SHEETS (header in row 1, one record per row from row 2, the
  first column the record's UUID), then the standard report tables (REPORT_SHEETS, headers exactly as the
  school's data platform names them);
- `report.docx` (REPORT): the 自评报告 of a 学年, or the operation summary of a 学期;
- `attachments/<table>/<record id>/<file name>`: the files attached to the records in the package.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.reporting.columns import TABLE_COLUMNS, TABLE_HEADERS, TABLE_NAMES

FORMAT = "chanjiao-package"
# 2: signature.json added (app/package/signing.py); version 1 packages are still read, as unsigned.
# 3: the standard report tables as the data platform defines them (产学合作 in two views, every column of
#    校外 / 校内 / 访企拓岗, 访企拓岗 one row per enterprise visited); the sheets 走访企业明细 and 校内基地费用 and
#    columns at the end of 合作企业, 实践基地 and 基地使用. Versions 1 and 2 are still read: their report tables
#    have the headers of LEGACY_REPORT_COLUMNS and their data sheets lack the columns and sheets `since` 3.
VERSION = 3
SUPPORTED_VERSIONS = (1, 2, 3)
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"  # the college's Ed25519 signature of manifest.json; not listed in "files"
DATA = "data.xlsx"
REPORT = "report.docx"
ATTACHMENTS = "attachments"
MAX_PATH = 199  # characters of an entry name ("paths under 200 characters")
YEAR, SEMESTER = "学年", "学期"  # period kinds
MASKED, INCLUDED = "masked", "included"  # manifest "personal_data"

# Column types: how a cell is written and read back.
TEXT = "text"  # a string, always written as text (never a formula)
UUID = "uuid"  # a record's UUID as text; "" where the row has none
IDS = "ids"  # several UUIDs separated by ";"
DATE = "date"  # an Excel date (yyyy-mm-dd), empty when unknown
MONTH = "month"  # an Excel date on the 1st of the month, shown yyyy-mm
INT = "int"  # a whole number
YUAN = "yuan"  # money in 元 as a number with two decimals (the database keeps integer 分)
DECIMAL = "decimal"  # a number with decimals (hours a day)
BOOL = "bool"  # 是 / 否
TYPES = (TEXT, UUID, IDS, DATE, MONTH, INT, YUAN, DECIMAL, BOOL)
TYPE_LABELS = {
    TEXT: "文本",
    UUID: "记录ID（UUID 文本）",
    IDS: "记录ID列表（以 ; 分隔）",
    DATE: "日期（yyyy-mm-dd；“忽略时间”列为日期时间 yyyy-mm-dd hh:mm）",
    MONTH: "月份（该月1日的日期，显示为 yyyy-mm）",
    INT: "整数",
    YUAN: "金额（元，两位小数）",
    DECIMAL: "小数",
    BOOL: "是 / 否",
}
YES, NO = "是", "否"
ID_SEPARATOR = ";"


@dataclass(frozen=True)
class Col:
    header: str
    type: str = TEXT
    note: str = ""
    since: int = 1  # the format version that added the column (always at the end of its sheet)


@dataclass(frozen=True)
class Sheet:
    key: str  # manifest "tables" key
    name: str  # the sheet's name in data.xlsx
    included: str  # which records the package holds, in a sentence
    columns: tuple[Col, ...]
    personal: tuple[str, ...] = ()  # headers masked unless the personal data is included
    since: int = 1  # the format version that added the sheet

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def headers_in(self, version: int) -> tuple[str, ...]:
        """The sheet's headers in a package of `version` (the columns added later are not there)."""
        return tuple(c.header for c in self.columns if c.since <= version)


def _c(spec: str, since: int = 1) -> Col:
    """'header' or 'header:type' (the type a key of TYPES)."""
    header, _, kind = spec.partition(":")
    return Col(header, kind or TEXT, since=since)


def _sheet(
    key: str,
    name: str,
    included: str,
    specs: str,
    personal: tuple[str, ...] = (),
    *,
    added: str = "",
    since: int = 1,
) -> Sheet:
    """A sheet of `specs` (its version-1 columns) and `added` (columns added in version 3, at the end)."""
    columns = tuple(_c(x, since) for x in specs.split()) + tuple(_c(x, 3) for x in added.split())
    return Sheet(key, name, included, columns, personal, since)


_RID = "记录ID:uuid"
_IN_PERIOD = "期间内"
SHEETS: tuple[Sheet, ...] = (
    _sheet(
        "enterprises",
        "合作企业",
        "导出时企业档案中的全部企业（不含回收站）",
        f"{_RID} 企业名称 统一社会信用代码 信用代码已人工核对:bool 简称 行业 地区 地址 规模 企业类别 合作状态 "
        "状态变更日期:date 合作开始日期:date 期间最高合作层级",
        added="法定代表人 在岗职工总数:int",
    ),
    _sheet(
        "agreements",
        "合作协议",
        "有效期与期间有交叉的协议（未填日期的也包括）",
        f"{_RID} 协议编号 协议名称 协议类型 合作企业 合作企业记录ID:ids 签订日期:date 开始日期:date "
        "结束日期:date 状态 终止原因 含收益分配条款:bool 含资产归属与处置条款:bool",
    ),
    _sheet(
        "projects",
        "项目",
        "起止日期与期间有交叉的项目（未填日期的也包括）",
        f"{_RID} 项目名称 项目类型 层级 负责人 开始日期:date 结束日期:date 合作企业 合作企业记录ID:ids "
        "关联协议记录ID:ids 面向专业",
    ),
    _sheet(
        "bases",
        "实践基地",
        "期间结束前建立（或未填建立日期）的基地",
        f"{_RID} 基地名称 基地类型 共建模式 级别 依托企业 依托企业记录ID:uuid 协议记录ID:uuid 工位数:int "
        "建立日期:date 地址 是否有住宿条件:bool 是否发放实习补贴:bool 面向专业",
        added="主要项目（全称） 专项实习经费（元/生）:yuan 专职管理人员:int 兼职管理人员:int",
    ),
    _sheet(
        "base_usage",
        "基地使用",
        "期间内各学期的基地使用：手工登记的，和由岗位实习、认识实习自动统计的（后者没有记录ID）",
        f"{_RID} 基地记录ID:uuid 基地名称 学期 活动类型 专业 实习实训项目数:int 接待学生量（人次）:int "
        "使用天数:int 人天:int 指导教师（人次）:int 来源",
        added="使用对象 学时:int 人时:int",
    ),
    _sheet(
        "internships",
        "学生实习",
        "实习期与期间有交叉的实习",
        f"{_RID} 学生记录ID:uuid 学号 姓名 性别 身份证号 联系电话 专业 班级 实习类型 实习单位 "
        "实习单位记录ID:uuid 实践基地记录ID:uuid 岗位 实习地点 开始日期:date 结束日期:date "
        "月实习报酬（元）:yuan 同岗位职工工资（元）:yuan 每日工时:decimal 每周天数:int 夜班:bool "
        "加班或节假日上岗:bool 保险公司 保单号 保险起日:date 保险止日:date 保费承担方 辅导员 专业导师 "
        "企业人事主管 企业实习负责人 家长 状态 终止原因 三方协议已签:bool 家长知情同意书:bool 安全教育记录:bool",
        personal=("身份证号", "联系电话"),
    ),
    _sheet(
        "evaluations",
        "实习月度评价",
        "月份在期间内的月度评价",
        f"{_RID} 实习记录ID:uuid 学号 姓名 月份:month 得分:int 评价人 评语",
    ),
    _sheet(
        "employment",
        "毕业生就业",
        "期间所在学年毕业生（学年结束的年份）的就业记录",
        f"{_RID} 学生记录ID:uuid 学号 姓名 专业 毕业年份:int 就业状态 就业单位 就业单位记录ID:uuid 岗位 "
        "专业对口:bool 月薪（元）:yuan",
    ),
    _sheet(
        "teachers",
        "教师",
        "导出时的全部教师；企业实践天数按期间最后一天往前五年计算",
        f"{_RID} 姓名 工号 类别 专业 双师型:bool 双师证书 双师认定日期:date 所在企业 所在企业记录ID:uuid "
        "任教课程 授课学时:int 聘期起:date 聘期止:date 近五年企业实践天数:int 尚缺天数:int",
    ),
    _sheet(
        "practice",
        "教师企业实践",
        "起止日期与期间有交叉的教师企业实践",
        f"{_RID} 教师记录ID:uuid 教师姓名 实践单位 实践单位记录ID:uuid 开始日期:date 结束日期:date 天数:int 实践内容",
    ),
    _sheet(
        "studios",
        "工作室",
        "期间结束前成立（或未填成立日期）的工作室",
        f"{_RID} 工作室名称 工作室类型 负责人 合作企业 合作企业记录ID:uuid 专业 成立日期:date 成员数:int "
        "期间活动次数:int",
    ),
    _sheet(
        "organizations",
        "行业组织",
        "导出时的全部行业组织",
        f"{_RID} 组织名称 组织类型 对接专业群 期间活动次数:int 最近活动日期:date",
    ),
    _sheet(
        "achievements",
        "成果",
        "日期在期间内的成果",
        f"{_RID} 成果类型 成果名称 合作企业 合作企业记录ID:uuid 专业 金额（元）:yuan 日期:date "
        "开始日期:date 结束日期:date 完成人",
    ),
    _sheet(
        "training",
        "企业员工培训",
        "开始日期在期间内的培训",
        f"{_RID} 培训类型 培训名称 企业 企业记录ID:uuid 专业 开始日期:date 结束日期:date 培训人数:int "
        "学时:int 人天:int 收入（元）:yuan",
    ),
    _sheet(
        "budgets",
        "经费预算",
        "期间所跨自然年度的预算",
        f"{_RID} 年度:int 项目 项目记录ID:uuid 预算科目 预算金额（元）:yuan",
    ),
    _sheet(
        "ledger",
        "经费台账",
        "日期在期间内的收支",
        f"{_RID} 日期:date 年度:int 收支 金额（元）:yuan 凭证号 对方单位 摘要 项目 项目记录ID:uuid 预算科目",
    ),
    _sheet(
        "assets",
        "资产",
        "期间结束前取得（或未填取得日期）、期间开始前未处置的资产",
        f"{_RID} 资产名称 规格型号 数量:int 单价（元）:yuan 总值（元）:yuan 归属 投入企业 投入企业记录ID:uuid "
        "投入方式 协议记录ID:uuid 存放地点 保管责任人 取得日期:date 状态 专业 处置方式 处置日期:date",
    ),
    _sheet(
        "visits",
        "企业走访",
        "日期在期间内的走访",
        f"{_RID} 走访日期:date 走访企业 企业记录ID:ids 带队领导 参加人员 走访目的 可提供岗位数:int "
        "平均薪酬（元）:yuan 后续跟进",
        added="带队领导职务",
    ),
    _sheet(
        "visit_enterprises",
        "走访企业明细",
        "日期在期间内的走访的每家被访企业一行（访企拓岗的明细；上表的“可提供岗位数”为各企业之和，“平均薪酬”为"
        "各企业平均薪酬的平均）",
        "走访记录ID:uuid 走访日期:date 企业名称 企业记录ID:uuid 统一社会信用代码 需求专业 可提供岗位数:int "
        "平均薪酬（元）:yuan 企业接待人 接待人职务 访谈成果主要形式 接受实习生专业 接受实习生人数:int "
        "接受实习报酬（元）:yuan 接受就业专业 接受就业人数:int 就业起薪线（元/月）:yuan 其他达成意向的合作",
        since=3,
    ),
    _sheet(
        "base_costs",
        "校内基地费用",
        "期间所在学年的校内实训基地耗材与设备维护费用",
        f"{_RID} 基地记录ID:uuid 基地名称 学年 耗材费用（元）:yuan 设备维护费用（元）:yuan 备注",
        since=3,
    ),
    _sheet(
        "meetings",
        "会议",
        "日期在期间内的项目协调会议和专业群建设指导委员会会议",
        f"{_RID} 会议类别 所属 所属记录ID:uuid 日期:date 地点 参会人员 决议 待办事项数:int 已完成事项数:int",
    ),
    _sheet(
        "findings",
        "合规检查",
        "期间最后一天（或导出当天，取较早者）合规检查中属于本期间的结果（下一学年的实习、期间以外年度的经费等不列）："
        "未处理的，和已“忽略并说明”的（带理由）",
        "规则代码 规则 级别 依据 记录类型 记录ID:uuid 对象 问题与处理办法 截止日期:date 处理状态 忽略理由 "
        "忽略人 忽略时间",
    ),
    _sheet(
        "attachments",
        "附件清单",
        "包中各记录的附件（attachments/ 下的文件）",
        f"{_RID} 所属表 所属记录ID:uuid 原文件名 附件类别 大小（字节）:int SHA-256 包内路径",
    ),
)
SHEET_BY_KEY = {x.key: x for x in SHEETS}
REPORT_SHEETS: tuple[tuple[str, tuple[str, ...]], ...] = tuple((n, TABLE_HEADERS[n]) for n in TABLE_NAMES)
ALL_SHEET_NAMES = tuple(x.name for x in SHEETS) + tuple(n for n, _ in REPORT_SHEETS)
OPEN, ACKNOWLEDGED = "未处理", "已忽略并说明"  # findings 处理状态


def _legacy(specs: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(x.split(":")) for x in specs.split())  # type: ignore[misc]


# The standard report tables as format versions 1 and 2 wrote them: (header, kind). Frozen: never edit.
LEGACY_REPORT_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "产学合作": _legacy(
        "专业名称:text 合作企业名称:text 合作企业统一社会信用代码:text 合作开始年月:month 订单培养人数:int 共同开发课程数（门）:int 共同开发教材数（种）:int 支持学校兼职教师数（人）:int 接受顶岗实习学生数（人）:int 对学校捐赠设备总值（万元）:wan 对学校准捐赠设备总值（万元）:wan 接受毕业生就业数（人）:int 学校为企业技术服务年收入（万元）:wan 学校为企业年培训员工数（人天）:int 是否合作开展学徒制:bool"
    ),
    "校外实习实训基地": _legacy(
        "基地名称:text 依托单位名称:text 建立日期:date 面向专业:text 实习实训项目总数:int 接待学生量（人次）:int 基地使用天数:int 接收半年顶岗实习学生数:int 是否有住宿条件:bool 是否发放实习补贴:bool 学校派指导教师（人次）:int 接收应届毕业生就业数:int"
    ),
    "校内实践基地": _legacy(
        "基地名称:text 设备总值:wan 当年新增设备值:wan 社会捐赠设备值:wan 工位数:int 学年使用频率（人时）:int 社会使用频率（人时）:int"
    ),
    "访企拓岗": _legacy(
        "走访企业名称:text 统一社会信用代码:text 拜访时间:date 可提供岗位数:int 平均薪酬:yuan"
    ),
}
# A header of today's tables that a version 1 or 2 table had under another name, with the same meaning.
LEGACY_HEADERS = {
    "共同开发课程门数": "共同开发课程数（门）",
    "共同开发教材数": "共同开发教材数（种）",
    "支持学校兼职教师数": "支持学校兼职教师数（人）",
    "接受顶岗实习学生数": "接受顶岗实习学生数（人）",
    "接受毕业生就业数": "接受毕业生就业数（人）",
    "主要专业": "面向专业",
    "基地是否发放学生实习补贴": "是否发放实习补贴",
    "学校派指导教师/学生管理人员（人次）": "学校派指导教师（人次）",
    "设备总值（万元）": "设备总值",
    "当年新增设备值（万元）": "当年新增设备值",
    "社会捐赠设备值（万元）": "社会捐赠设备值",
    "工位数（个）": "工位数",
    "学年使用频率·校内（人时）": "学年使用频率（人时）",
    "学年使用频率·社会（人时）": "社会使用频率（人时）",
    "走访企业统一社会信用代码": "统一社会信用代码",
    "平均薪酬（元）": "平均薪酬",
}


def report_columns_in(version: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """The standard report tables of a package of `version`: table name → its (header, kind) in order."""
    if version >= 3:
        return {n: tuple((c.header, c.kind) for c in TABLE_COLUMNS[n]) for n in TABLE_NAMES}
    return dict(LEGACY_REPORT_COLUMNS)


def sheets_in(version: int) -> tuple[Sheet, ...]:
    """The data sheets a package of `version` has."""
    return tuple(x for x in SHEETS if x.since <= version)


@dataclass(frozen=True)
class Headline:
    """One figure of a college's row in the school's summary, computed from the package's data sheet."""

    label: str
    sheet: str  # a Sheet key
    column: str | None = None  # summed column (None: rows are counted)
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (column, values) conditions the rows must meet
    # A figure of the period (app/reporting/period_figures.py): the manifest's "figures" carry it, as the
    # college's 工作台, 年度评价 and 自评报告 show it; only a package without it (made by an older version) has it
    # computed from the sheet as above (基地使用天数 then adds up each activity's days).
    period: bool = False


HEADLINES: tuple[Headline, ...] = (
    Headline("合作中的企业", "enterprises", where=(("合作状态", ("合作中",)),), period=True),
    Headline("合作协议", "agreements"),
    Headline("生效协议", "agreements", where=(("状态", ("生效",)),)),
    Headline("项目", "projects"),
    Headline("融合层项目", "projects", where=(("层级", ("融合层",)),)),
    Headline("实践基地", "bases"),
    Headline("实习（人次）", "internships"),
    Headline("岗位实习（人次）", "internships", where=(("实习类型", ("岗位实习",)),)),
    Headline("毕业生", "employment"),
    Headline("专业对口就业", "employment", where=(("专业对口", (YES,)),)),
    Headline("教师", "teachers"),
    Headline("双师型教师", "teachers", where=(("双师型", (YES,)),)),
    Headline("成果", "achievements"),
    Headline("成果金额（元）", "achievements", column="金额（元）"),
    Headline("培训人天", "training", column="人天"),
    Headline("经费支出（元）", "ledger", column="金额（元）", where=(("收支", ("支出",)),)),
    Headline("资产总值（元）", "assets", column="总值（元）"),
    Headline("企业走访", "visits"),
    Headline("可提供岗位数", "visits", column="可提供岗位数", period=True),
    Headline("基地使用天数", "base_usage", column="使用天数", period=True),
    Headline("未处理错误", "findings", where=(("级别", ("错误",)), ("处理状态", (OPEN,))), period=True),
    Headline("未处理警告", "findings", where=(("级别", ("警告",)), ("处理状态", (OPEN,))), period=True),
    Headline("未处理提示", "findings", where=(("级别", ("提示",)), ("处理状态", (OPEN,))), period=True),
)
