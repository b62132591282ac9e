"""docs/package-format.md, made from app/package/format.py (tools/make_package_doc.py writes it; a test checks the
file in the repository is what this makes, so the document and the format cannot drift apart)."""

from __future__ import annotations

from app.package import format as fmt
from app.package.verify import (
    MAX_ENTRIES,
    MAX_MANIFEST_BYTES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_MIN_BYTES,
)
from app.services.report_columns import TABLE_COLUMNS

_INTRO = f"""# 上报材料包格式（{fmt.FORMAT}，版本 {fmt.VERSION}）

本文件由 `python tools/make_package_doc.py` 根据 `app/package/format.py` 生成，请勿手工修改。

上报材料包是二级学院每学期、每学年报送学校（发展规划处）的一个 ZIP 文件，由“文件 → 导出上报材料包…”或
`chanjiao package export --year 2025-2026 [--semester 2025-2026-1] --out 文件.zip` 生成；学校用
`chanjiao package verify 文件.zip` 校验、用“学校汇总”页或 `chanjiao package merge *.zip --out 汇总.xlsx` 汇总。

## 包内文件

| 路径 | 内容 |
|---|---|
| `{fmt.MANIFEST}` | 清单（UTF-8 JSON，见下），不列在自身的 `files` 中 |
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
| `created` | 字符串 | 导出时间，ISO 8601，带时区（同一学院同一期间的两个包，以此判断哪个较新） |
| `app_version` | 字符串 | 导出软件的版本 |
| `personal_data` | 字符串 | `"{fmt.MASKED}"`：身份证号、电话已打码（默认）；`"{fmt.INCLUDED}"`：导出时用户确认包含完整号码 |
| `files` | 数组 | 除清单外的每个文件：`path`（包内路径）、`sha256`（十六进制）、`size`（字节） |
| `tables` | 对象 | 每张数据表：键为下表的“键”，值为 `{{"sheet": 工作表名, "rows": 行数}}` |
| `report_tables` | 对象 | `school_year`（标准报表统计的学年；学期包为所在学年）和 `rows`（每张标准报表的行数） |
| `compliance` | 对象 | `checked_on`（检查日期）、`open`（未处理问题按程度计数：错误 / 警告 / 提示）、`acknowledged`（已忽略并说明的个数）、`open_by_rule`（按规则代码计数） |

## data.xlsx 的约定

- 每个工作表第 1 行是表头（与下文完全一致），第 2 行起每行一条记录；没有标题行、合计行或合并单元格。
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

1. 是 ZIP 文件且可以读取。
2. 条目名安全：不是绝对路径，不含 `..`、盘符、反斜杠、控制字符，不含 Windows 保留名（CON、PRN、AUX、NUL、
   COM1–9、LPT1–9），不超过 {fmt.MAX_PATH} 个字符，不重名（不区分大小写），以 UTF-8 编码（解压后用其他
   软件重新压缩过的包会被指出）。
3. 不是“压缩炸弹”：只读 ZIP 目录、不解压即可判断——条目数不超过 {MAX_ENTRIES:,}，解压后总大小不超过
   {MAX_TOTAL_BYTES // 1024**3} GiB，大于 {RATIO_MIN_BYTES // 1024**2} MiB 的条目压缩比不超过 {MAX_RATIO}:1，清单不超过
   {MAX_MANIFEST_BYTES // 1024**2} MB。
4. 清单的 `format`、`version` 和必需字段。
5. 清单列出的每个文件都在、大小和 SHA-256 一致；包中没有清单未列出的文件。
6. data.xlsx 中每个工作表都在；数据表第 1 行以本文件所列各列开头、顺序相同（其后可有较新的小版本增加的列），
   标准报表的表头必须完全一致；report.docx 是可读的 Word 文件。

任何内容都只在临时文件夹中读取，不会解压到别处。

## 汇总（学校）

“学校汇总”页或 `chanjiao package merge 文件.zip... --out 汇总.xlsx [--json]`：先逐个校验，未通过的列出原因并
不计入；同一学院、同一期间有多个包时以 `created` 较新的为准，汇总表的“说明”页写明哪个包被替代。汇总表：
“汇总”页每个学院一行（下列主要数据，从该包的数据表计算）并有合计行；四张标准报表各一页，在最前加“学院”列，
按学院依次排列，最后为合计行；“说明”页列出使用、替代和未通过校验的材料包。

主要数据：

| 名称 | 来源工作表 | 计算 |
|---|---|---|
"""

_VERSIONING = f"""
## 版本规则

- `version` 为整数，现为 {fmt.VERSION}。读取方只接受自己认识的版本；遇到更高版本时提示升级软件，而不是猜测。
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
        out.append(f"| {h.label} | {sheet} | {how} |\n")
    return "".join(out)


def _sheets() -> str:
    out = ["\n## 数据表\n"]
    for sheet in fmt.SHEETS:
        out.append(f"\n### {sheet.name}（键 `{sheet.key}`）\n\n包含的记录：{sheet.included}。\n\n")
        if sheet.personal:
            out.append("默认打码的列：" + "、".join(sheet.personal) + "。\n\n")
        out.append("| 列 | 类型 |\n|---|---|\n")
        out.extend(f"| {c.header} | `{c.type}` |\n" for c in sheet.columns)
    out.append(
        "\n## 标准报表\n\n工作表名与表头与学校数据平台（高职状态数据）一致；学期包为所在学年的报表。每张表的"
        "统计口径见软件“年度评价”页各列的提示，与自评报告一致。类型：`int` 整数，`wan` 万元（数值，四位小数），"
        "`yuan` 元（两位小数），`bool` 是 / 否，`date` 日期，`month` 月份，`text` 文本。\n"
    )
    for name, _headers in fmt.REPORT_SHEETS:
        out.append(f"\n### {name}\n\n| 列 | 类型 |\n|---|---|\n")
        out.extend(f"| {c.header} | `{c.kind}` |\n" for c in TABLE_COLUMNS[name])
    return "".join(out)


def package_format_markdown() -> str:
    return _INTRO + _sheets() + _VERIFY + _headline_rows() + _VERSIONING
