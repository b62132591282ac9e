"""docs/package-format.md, made from app/package/format.py (tools/make_package_doc.py writes it; a test checks the
file in the repository is what this makes, so the document and the format cannot drift apart)."""

from __future__ import annotations

from app.package import format as fmt
from app.package.sanity import EARLIEST_CREATED, MAX_COUNT, MAX_DECIMAL, MAX_WAN, MAX_YUAN
from app.package.signing import ALGORITHM, KEY_FILE, KEY_FOLDER
from app.package.trust import FILE as TRUST_FILE
from app.package.verify import (
    MAX_ENTRIES,
    MAX_MANIFEST_BYTES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_MIN_BYTES,
    XLSX_MAX_PART_BYTES,
)
from app.reporting.columns import TABLE_COLUMNS, WAN_DECIMALS

_INTRO = f"""# 上报材料包格式（{fmt.FORMAT}，版本 {fmt.VERSION}）

本文件由 `python tools/make_package_doc.py` 根据 `app/package/format.py` 生成，请勿手工修改。

上报材料包是二级学院每学期、每学年报送学校（发展规划处）的一个 ZIP 文件，由“文件 → 导出上报材料包…”或
`chanjiao package export --year 2025-2026 [--semester 2025-2026-1] --out 文件.zip` 生成；学校用
`chanjiao package verify 文件.zip` 校验、用“学校汇总”页或 `chanjiao package merge *.zip --out 汇总.xlsx` 汇总。

## 包内文件

| 路径 | 内容 |
|---|---|
| `{fmt.MANIFEST}` | 清单（UTF-8 JSON，见下），不列在自身的 `files` 中 |
| `{fmt.SIGNATURE}` | 学院对清单的签名（见“签名与序号”），不列在清单的 `files` 中；版本 1 的包没有 |
| `{fmt.DATA}` | 数据表：每张表一个工作表，随后是四张标准报表 |
| `{fmt.REPORT}` | 学年包：产教融合工作自评报告；学期包：该学期的产教融合工作运行情况 |
| `{fmt.ATTACHMENTS}/<表>/<记录ID>/<文件名>` | 包中各记录的附件，文件名已改为 Windows 可用的名称，整个路径不超过 {fmt.MAX_PATH} 个字符 |

- 文件均以“存储”（不压缩）方式放入 ZIP（xlsx、docx、PDF、图片本身已压缩）；清单以 deflate 压缩。
- 文件先写入目标旁的临时文件，全部写完后才改名为目标文件名：取消、断电或磁盘已满都不会留下不完整的包。

## manifest.json

| 字段 | 类型 | 含义 |
|---|---|---|
| `format` | 字符串 | 固定为 `"{fmt.FORMAT}"` |
| `version` | 整数 | 格式版本，现为 `{fmt.VERSION}` |
| `school` / `college` | 字符串 | 学校、二级学院名称（设置中填写的） |
| `period` | 对象 | `kind`（`"{fmt.YEAR}"` 或 `"{fmt.SEMESTER}"`）、`code`（`2025-2026` 或 `2025-2026-1`）、`label`、`first_day`、`last_day`（ISO 日期，按学院的学期日历） |
| `created` | 字符串 | 导出时间，ISO 8601，带时区；须在 2000 年之后、不晚于校验时刻之后一天（仅供显示；哪个包较新由签名的序号决定） |
| `app_version` | 字符串 | 导出软件的版本 |
| `personal_data` | 字符串 | `"{fmt.MASKED}"`：身份证号、电话已打码（默认）；`"{fmt.INCLUDED}"`：导出时用户确认包含完整号码 |
| `files` | 数组 | 除清单外的每个文件：`path`（包内路径）、`sha256`（十六进制）、`size`（字节） |
| `tables` | 对象 | 每张数据表：键为下表的“键”，值为 `{{"sheet": 工作表名, "rows": 行数}}` |
| `report_tables` | 对象 | `school_year`（标准报表统计的学年；学期包为所在学年）和 `rows`（每张标准报表的行数） |
| `figures` | 对象 | 本期间的几个统计数（键为下文“汇总（学校）”一节“主要数据”中标为“期间数字”的名称，值为整数），与学院软件的工作台、年度评价、自评报告一致；学校汇总直接采用 |
| `compliance` | 对象 | `checked_on`（按哪一天的情况检查：期间最后一天，或导出当天，取较早者）、`open`（未处理问题按程度计数：错误 / 警告 / 提示）、`acknowledged`（已忽略并说明的个数）、`open_by_rule`（按规则代码计数） |
| `signing` | 对象 | `key`（签名公钥的指纹：原始 32 字节公钥的 SHA-256，十六进制）、`sequence`（本学院材料包的序号，从 1 起逐次加 1） |

## data.xlsx 的约定

- 每个工作表第 1 行是表头（与下文完全一致），第 2 行起每行一条记录；没有标题行、合计行或合并单元格。标准报表
  设好了打印版式（A4 横向、每页重复表头、宋体、细边框、金额千位分隔，学院、学年和表名在页眉）。
- 文本单元格一律是文本（以 `=`、`+`、`-`、`@` 开头的也以文本保存，不会成为公式）；空值为空单元格。
- 日期是 Excel 日期（格式 `yyyy-mm-dd`），月份是该月 1 日的日期（格式 `yyyy-mm`），金额以元为单位、两位小数
  （数据库中以分为整数保存，导出时除以 100），是否类为“是 / 否”。
- 每条记录的第一列“记录ID”是其 UUID，跨学期、跨电脑不变：学校据此区分“更新的记录”和“新记录”。由实习记录
  自动统计的基地使用行没有自己的记录，记录ID为空。
- 学生的身份证号、联系电话默认打码（`430102********1234`、`139****0000`），仅当 `personal_data` 为
  `"{fmt.INCLUDED}"` 时为完整号码。

列类型：

| 类型 | 含义 |
|---|---|
""" + "".join(f"| `{k}` | {v} |\n" for k, v in fmt.TYPE_LABELS.items())

_VERIFY = f"""
## 校验（chanjiao package verify）

`chanjiao package verify 文件.zip [--json]` 逐项检查，全部通过时退出码为 0，否则为 1；`--json` 输出
`{{"ok": true/false, "problems": [{{"entry": 包内路径或 null, "message": 说明}}]}}`。检查内容：

1. 是完整的 ZIP 文件：以文件末尾的目录结尾记录为准（注释中伪造的结尾记录不算）；下载或拷贝未完成、被截断的包
   报告为“已损坏或不完整”。
2. 条目名安全：不是绝对路径或网络路径，任何一级都不含 `..`、盘符（如 `C:`，无论在 `/` 还是 `\\` 之后）、
   反斜杠、控制字符、改变文字方向的字符（如 U+202E）和零宽等不可见字符，不含 Windows 保留名（CON、PRN、AUX、
   NUL、CONIN$、CONOUT$、COM1–9、LPT1–9 及 COM¹–³、LPT¹–³），不超过 {fmt.MAX_PATH} 个字符，不重名（不区分
   大小写），以 UTF-8 编码（解压后用其他软件重新压缩过的包会被指出）。
3. 不是“压缩炸弹”：只读 ZIP 目录和各条目的文件头、不解压即可判断——条目数不超过 {MAX_ENTRIES:,}，解压后总大小
   不超过 {MAX_TOTAL_BYTES // 1024**3} GiB，大于 {RATIO_MIN_BYTES // 1024**2} MiB 的条目压缩比不超过 {MAX_RATIO}:1，各条目的数据互不
   重叠，清单不超过 {MAX_MANIFEST_BYTES // 1024**2} MB；data.xlsx 本身同样检查，其中每个部件（如一个工作表）解压后
   不超过 {XLSX_MAX_PART_BYTES // 1024**2} MiB。
4. 清单的 `format`、`version`（{"、".join(map(str, fmt.SUPPORTED_VERSIONS))}）和必需字段；导出时间在合理范围内
   （{EARLIEST_CREATED.year} 年之后、不晚于现在之后一天）。
5. 清单列出的每个文件都在、大小和 SHA-256 一致；包中没有清单未列出的文件（清单和签名本身除外）。
6. 有 `{fmt.SIGNATURE}` 时签名有效（见“签名与序号”）；清单有 `signing` 却没有签名文件的包不通过。没有签名的包
   （旧版本导出）在校验中不算问题，由汇总标出。
7. data.xlsx 中该包版本的每个工作表都在；数据表第 1 行以本文件所列、该版本已有的各列开头、顺序相同（其后可有
   较新的小版本增加的列），标准报表的表头必须与该版本的完全一致（版本 1、2 的见“旧版本的标准报表”）；
   report.docx 是可读的 Word 文件。
8. 数值列（`int`、`yuan`、`decimal` 及标准报表的 `wan`）的每个值都是有限的数且在合理范围内：金额
   ±{MAX_YUAN // 10**8:,} 亿元以内（万元列 ±{MAX_WAN // 10**4:,} 万万元），整数 ±{MAX_COUNT // 10**8:,} 亿以内，
   其他小数 ±{MAX_DECIMAL // 10**4:,} 万以内；以文本写的数字同样检查。超出的逐个指出（工作表、行、列）。

任何内容都只在临时文件夹中读取，不会解压到别处。

## 汇总（学校）

“学校汇总”页或 `chanjiao package merge 文件.zip... --out 汇总.xlsx [--trust-new] [--json]`：每个包单独处理——
校验、签名与公钥、读取和计算中任何一步出错的包列为“无法使用”并写明原因，其余照常汇总；退出码 0 为全部可用，
1 为有包未计入（汇总表照常写出），2 为没有可用的包（不写汇总表）。同一学院、同一期间有多个包时以签名序号
较大的为准（有签名的优先于没有签名的；都没有签名时按导出时间先后，以时刻比较），汇总表的“说明”页写明哪个包
被替代。汇总表：
“汇总”页第 1 行为标题，每个学院一行（下列主要数据：期间数字取自清单 `figures`，其余从该包的数据表计算）并有合计行；各标准报表各一页，在最前加
“学院”列，按学院依次排列，最后为合计行；“说明”页列出使用、替代和未通过校验的材料包。各页按 A4 横向打印：
表头每页重复，能放下时一页宽（字号不小于 8 磅），放不下时分页并在每页重复学校、学院（标准报表为学院和第一列）；
金额带千位分隔符，页眉为标题。

旧版本（1、2）的材料包照常汇总：各列按表头名称读取（改了名的列按旧名称读取，见“旧版本的标准报表”），旧包没有的
表和列在汇总表中留空，并在结果、“学校汇总”页、命令行输出（`--json` 中每个包的 `lacking`）和“说明”页按表写明
“缺少列：…”或“没有某表”。

主要数据：

| 名称 | 来源工作表 | 计算 |
|---|---|---|
"""

_SIGNING = f"""
## 签名与序号

- 每个学院的安装各有一把 Ed25519 签名密钥，第一次导出时生成。私钥保存在操作系统的密钥库中（Windows 凭据
  管理器、macOS 钥匙串、Linux 的 Secret Service）；没有可用的密钥库时（如没有 Secret Service 的 Linux、U 盘
  便携版），保存在数据文件夹的 `{KEY_FOLDER}/{KEY_FILE}` 中，只有本操作系统用户可读（0600）。
- 导出时先取下一个序号（保存在学院数据库的设置中，并在密钥旁另存一份最大值，恢复旧备份后也不会重复），写入清单的
  `signing`，再对 `{fmt.MANIFEST}` 的原始字节签名，写入 `{fmt.SIGNATURE}`：
  `{{"algorithm": "{ALGORITHM}", "public_key": 公钥（Base64）, "signature": 签名（Base64）}}`。清单记有其余每个文件的
  SHA-256，所以签名保护整个包：改动任何文件、清单中的学院、期间、导出时间或序号，签名即不再相符。
- 学院在导出向导最后一页点“导出签名公钥…”或用 `chanjiao package key export --out 公钥.json` 导出公钥文件（学校、
  学院名称、公钥、指纹）交给学校；学校在“学校汇总”页“导入学院公钥…”或用 `chanjiao package key import 公钥.json`
  登记。也可首次使用时登记：页面列出新学院及其公钥指纹（“核对并登记公钥…”），与学院核对一致后确认（命令行用
  `--trust-new`，只登记尚无公钥、且只有一把新公钥的学院）。指纹是公钥 SHA-256 的前 32 位十六进制数字。`chanjiao package key list` 列出已登记的公钥。登记保存在学校电脑数据文件夹的 `{TRUST_FILE}` 中，
  并记录每个学院每个期间已汇总过的最大序号。
- 汇总时，以下材料包列为无法使用并写明原因：签名无效；公钥未登记，或与该学院已登记的公钥不同；签名公钥属于
  另一个学院（清单中的学院被改过）；序号小于该学院该期间已汇总过的序号（旧包不能替换新包）；学院已登记公钥
  却没有签名。没有签名的包（旧版本导出）在该学院尚未登记公钥时仍可汇总，但明确标为“无签名”。
"""

_VERSIONING = f"""
## 版本规则

- `version` 为整数，现为 {fmt.VERSION}。版本 2 增加了 `{fmt.SIGNATURE}` 和清单的 `signing`（版本 1 的包按没有
  签名处理）。版本 3 的标准报表按学校数据平台的定义列全（产学合作分“按专业”和“按专业和企业”两张，访企拓岗每家
  被访企业一行），增加了“走访企业明细”“校内基地费用”两张数据表和几张数据表末尾的列（上文标为“版本 3 起”）。
  版本 1、2 的包仍可校验和汇总，缺少的列留空并写明。读取方只接受自己认识的版本（{"、".join(map(str, fmt.SUPPORTED_VERSIONS))}）；
  遇到更高版本时提示升级软件，而不是猜测。
- 不改变版本号即可做的改动（旧的读取方仍能正确读取）：在工作表末尾增加列、增加新的工作表、在清单中增加字段。
  读取方按表头名称而不是列序号找列，忽略不认识的工作表、列和清单字段。
- 必须提高版本号的改动：删除或改名工作表、列或清单字段，改变列的类型或含义，改变记录的取数范围（各表的“包含
  的记录”），改变文件的组织方式。
"""


def _headline_rows() -> str:
    out = []
    for h in fmt.HEADLINES:
        sheet = fmt.SHEET_BY_KEY[h.sheet].name
        how = f"“{h.column}”之和" if h.column else "行数"
        if h.where:
            how += "，限" + "且".join(f"“{c}”为" + "或".join(f"“{v}”" for v in vs) for c, vs in h.where)
        if h.period:
            how = f"期间数字：取清单 `figures`；没有该字段的旧版本包按“{sheet}”表{how}计算"
        out.append(f"| {h.label} | {sheet} | {how} |\n")
    return "".join(out)


def _sheets() -> str:
    out = ["\n## 数据表\n"]
    for sheet in fmt.SHEETS:
        out.append(f"\n### {sheet.name}（键 `{sheet.key}`）\n\n包含的记录：{sheet.included}。\n\n")
        if sheet.personal:
            out.append("默认打码的列：" + "、".join(sheet.personal) + "。\n\n")
        if sheet.since > 1:
            out.append(f"版本 {sheet.since} 起有此表。\n\n")
        if any(c.since > sheet.since for c in sheet.columns):
            out.append("| 列 | 类型 | 说明 |\n|---|---|---|\n")
            out.extend(
                f"| {c.header} | `{c.type}` | {_since(c.since, sheet.since)} |\n" for c in sheet.columns
            )
        else:
            out.append("| 列 | 类型 |\n|---|---|\n")
            out.extend(f"| {c.header} | `{c.type}` |\n" for c in sheet.columns)
    out.append(
        "\n## 标准报表\n\n工作表名与表头与学校数据平台（高职状态数据）一致；学期包为所在学年的报表。每张表的"
        f"统计口径见软件“年度评价”页各列的提示，与自评报告一致。类型：`int` 整数，`wan` 万元（数值，{WAN_DECIMALS} 位小数），"
        "`yuan` 元（两位小数），`bool` 是 / 否，`date` 日期，`month` 月份，`text` 文本。\n"
    )
    for name, _headers in fmt.REPORT_SHEETS:
        out.append(f"\n### {name}\n\n| 列 | 类型 |\n|---|---|\n")
        out.extend(f"| {c.header} | `{c.kind}` |\n" for c in TABLE_COLUMNS[name])
    out.append(
        "\n### 旧版本的标准报表\n\n版本 1、2 的材料包中标准报表的工作表和表头如下（校验按此检查；汇总时“原名”列的"
        "值读入今天同义的列，其余今天的列留空）。\n"
    )
    renamed = {old: new for new, old in fmt.LEGACY_HEADERS.items()}
    for name, columns in fmt.LEGACY_REPORT_COLUMNS.items():
        out.append(f"\n#### {name}（版本 1、2）\n\n| 列 | 类型 | 今天的列 |\n|---|---|---|\n")
        out.extend(f"| {h} | `{k}` | {renamed.get(h, h)} |\n" for h, k in columns)
    return "".join(out)


def _since(column: int, sheet: int) -> str:
    return f"版本 {column} 起" if column > sheet else ""


def package_format_markdown() -> str:
    return _INTRO + _sheets() + _VERIFY + _headline_rows() + _SIGNING + _VERSIONING
