"""Headless self-test of an installation (`chanjiao selftest`): database, services, Excel, Word,
pinyin and the bundled resources, all in a temporary folder. The GUI part lives in ui/.

Each check reports "√ 名称（详情）" or "× 名称：原因"; run_core_checks returns the names of the failed checks
(the caller prints the verdict: ui/launcher.py adds the GUI checks first)."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.errors import AppError

log = logging.getLogger(__name__)

Report = Callable[[str], None]


class CheckFailed(Exception):
    """A check found a problem; its text is the reason shown."""


SAMPLE_NAME = "湖南自检智能装备有限公司"
SAMPLE_USCC_BODY = "91430104MA4L00001"


def run_core_checks(report: Report) -> list[str]:
    """Run every check in a temporary folder (with a Chinese name, like many users' folders)."""
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chanjiao-selftest-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp) / "自检 数据"
        work.mkdir()
        for name, check in CHECKS:
            try:
                detail = check(work)
            except Exception as e:  # a check must never stop the others
                log.warning("selftest %s failed", name, exc_info=True)
                failures.append(name)
                _say(report, f"× {name}：{_reason(e)}")
            else:
                _say(report, f"√ {name}" + (f"（{detail}）" if detail else ""))
    return failures


def _reason(e: Exception) -> str:
    if isinstance(e, AppError):
        return e.message
    if isinstance(e, CheckFailed):
        return str(e)
    return f"{type(e).__name__}: {e}"


def _say(report: Report, line: str) -> None:
    try:
        report(line)
    except UnicodeEncodeError:  # a console that cannot show √/× (output redirected in a GBK code page)
        report(line.replace("√", "[OK]").replace("×", "[失败]").encode("gbk", "replace").decode("gbk"))


def _sample_enterprise():
    from app.domain.codes import uscc_check_char
    from app.services.enterprises import ContactData, EnterpriseData

    return EnterpriseData(
        name=SAMPLE_NAME,
        uscc=SAMPLE_USCC_BODY + uscc_check_char(SAMPLE_USCC_BODY),
        short_name="自检智能",
        industry="智能制造",
        region="长沙市岳麓区",
        scale="中型",
        categories=("校友企业",),
        status="合作中",
        cooperation_start=dt.date(2020, 9, 1),
        contacts=(ContactData(name="张自检", title="人力资源部经理", phone="13800000000"),),
    )


# ---------------------------------------------------------------- the checks


def check_database(work: Path) -> str:
    from app.db.engine import open_database
    from app.db.migrate import current_revision, head_revision

    path = work / "自检.db"
    db = open_database(path)
    try:
        revision = current_revision(db.engine)
        if revision != head_revision():
            raise CheckFailed(f"迁移后结构版本为 {revision}，应为 {head_revision()}")
        with db.engine.connect() as conn:
            if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
                raise CheckFailed("新建的数据库未通过完整性检查")
            if conn.exec_driver_sql("PRAGMA foreign_keys").scalar() != 1:
                raise CheckFailed("外键约束未开启")
    finally:
        db.close()
    open_database(path).close()  # reopening an up-to-date database must be a no-op
    return f"结构版本 {revision}"


def check_enterprises(work: Path) -> str:
    from app.db.engine import open_database
    from app.services.enterprise_list import EnterpriseQuery, enterprise_ids
    from app.services.enterprises import create_enterprise, get_enterprise

    data = _sample_enterprise()
    db = open_database(work / "企业.db")
    try:
        with db.session() as s:
            eid = create_enterprise(s, data).ids[0]
        with db.reader() as s:
            back = get_enterprise(s, eid)
            found = enterprise_ids(s, EnterpriseQuery(text="hnzj"))
    finally:
        db.close()
    got = (back.name, back.uscc, back.categories, back.cooperation_start, [c.name for c in back.contacts])
    want = (data.name, data.uscc, data.categories, data.cooperation_start, [c.name for c in data.contacts])
    if got != want:
        raise CheckFailed(f"读回的企业与写入的不同：{got} ≠ {want}")
    if found != [eid]:
        raise CheckFailed("按拼音首字母“hnzj”检索不到刚写入的企业")
    return ""


def check_backup(work: Path) -> str:
    """A manual backup (zip) restored into another folder gives the same records; the instance lock works."""
    from app.backup import make_backup, record_counts, restore_backup
    from app.db.engine import open_database
    from app.instance import InstanceLock
    from app.services.enterprises import create_enterprise

    path = work / "备份自检" / "学院.db"
    db = open_database(path)
    try:
        with db.session() as s:
            create_enterprise(s, _sample_enterprise())
    finally:
        db.close()
    zipped = make_backup(path, work / "U盘" / "备份.zip")
    copy = work / "恢复自检" / "学院.db"
    with InstanceLock(copy):
        restore_backup(copy, zipped)
    if record_counts(copy) != record_counts(path):
        raise CheckFailed(f"恢复后的记录数不同：{record_counts(copy)} ≠ {record_counts(path)}")
    open_database(copy).close()
    return f"{zipped.stat().st_size // 1024} KB"


def check_pinyin(work: Path) -> str:
    from app.domain.names import pinyin_keys

    keys = pinyin_keys.__wrapped__("湖南湘江")
    if keys != ("hnxj", "hunanxiangjiang"):
        raise CheckFailed(f"“湖南湘江”的拼音为 {keys}")
    import pypinyin

    return f"pypinyin {getattr(pypinyin, '__version__', '')}".strip()


def check_excel(work: Path) -> str:
    try:
        xlsx = importlib.import_module("app.io.enterprises_xlsx")
    except ModuleNotFoundError as e:
        if e.name not in ("app.io", "app.io.enterprises_xlsx"):
            raise
        return _check_openpyxl(work) + "；导入导出模块尚未提供"
    from openpyxl import load_workbook

    from app.db.engine import open_database
    from app.services.enterprises import create_enterprise

    template = work / "导入模板.xlsx"
    xlsx.write_template(template)
    load_workbook(template, read_only=True).close()
    exported = work / "导出.xlsx"
    source = open_database(work / "导出源.db")
    try:
        with source.session() as s:
            create_enterprise(s, _sample_enterprise())
        with source.reader() as s:
            n = xlsx.export_enterprises(s, exported)
    finally:
        source.close()
    if n != 1:
        raise CheckFailed(f"导出了 {n} 家企业，应为 1 家")
    target = open_database(work / "导入目标.db")
    try:
        with target.reader() as s:
            preview = xlsx.read_enterprises(s, exported)
    finally:
        target.close()
    if len(preview.valid_rows) != 1 or preview.rejected_rows:
        reasons = "；".join(e.message for e in preview.errors)[:200]
        raise CheckFailed(
            f"读回导出文件：可导入 {len(preview.valid_rows)} 行、拒绝 {len(preview.rejected_rows)} 行 {reasons}"
        )
    row = preview.valid_rows[0].data
    if row is None or row.name != SAMPLE_NAME:
        raise CheckFailed("读回的企业名称与导出的不同")
    return "模板、导出、读回"


def _check_openpyxl(work: Path) -> str:
    from openpyxl import Workbook, load_workbook

    path = work / "自检.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "合作开始日期"])
    ws.append([SAMPLE_NAME, "91430104MA4L00001X", dt.date(2020, 9, 1)])
    wb.save(path)
    back = load_workbook(path, read_only=True)
    try:
        rows = [tuple(c for c in r) for r in back.active.iter_rows(values_only=True)]
    finally:
        back.close()
    if rows[1][0] != SAMPLE_NAME or rows[1][2].date() != dt.date(2020, 9, 1):
        raise CheckFailed(f"Excel 读回的内容不同：{rows[1]}")
    return "openpyxl 读写"


def check_word(work: Path) -> str:
    import docx

    path = work / "自检.docx"
    document = docx.Document()
    document.add_heading("产教融合工作台自检", level=1)
    document.add_paragraph(f"{SAMPLE_NAME}：合作中")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "企业名称", SAMPLE_NAME
    document.save(str(path))
    back = docx.Document(str(path))
    texts = [p.text for p in back.paragraphs]
    if f"{SAMPLE_NAME}：合作中" not in texts or back.tables[0].cell(0, 1).text != SAMPLE_NAME:
        raise CheckFailed("Word 文档读回的内容不同")
    return "python-docx"


def check_render_process(work: Path) -> str:
    """A template is filled in a render process of its own (app/docs/worker.py). In the frozen app this
    proves the bundle starts itself again as that process (multiprocessing.freeze_support in the entry)."""
    import io

    import docx

    from app.docs.render import template_bytes
    from app.docs.worker import RenderWorker

    template = docx.Document()
    template.add_paragraph("{{ enterprise.name }}：{% for k in kpis %}{{ k }}；{% endfor %}")
    buffer = io.BytesIO()
    template.save(buffer)
    data = template_bytes(buffer.getvalue(), "自检模板")
    with RenderWorker(data, "自检模板") as worker:
        filled = worker.fill({"enterprise": {"name": SAMPLE_NAME}, "kpis": ["订单班", "课程"]})
        pid = worker.pid
    text = docx.Document(io.BytesIO(filled)).paragraphs[0].text
    if text != f"{SAMPLE_NAME}：订单班；课程；":
        raise CheckFailed(f"生成进程填写的内容不对：{text}")
    if not pid or pid == os.getpid():
        raise CheckFailed("模板没有在独立的生成进程中填写")
    return f"独立进程 {pid}，限时 {worker.seconds:g} 秒、内存 {worker.memory_mb} MB"


def check_signing(work: Path) -> str:
    """Packages are signed (cryptography's Ed25519, a compiled module the bundle must carry), and the key store
    the private key would live in is found (keyring's backends, found through their metadata). Signs with a
    throwaway key: the college's own key is neither made nor read here."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.package.signing import CollegeKey, check_signature, fingerprint, os_key_store, signature_entry

    key = CollegeKey(Ed25519PrivateKey.generate(), "自检")
    manifest = {"signing": {"key": fingerprint(key.public_raw), "sequence": 1}}
    manifest_bytes = json.dumps(manifest).encode("utf-8")
    entry = signature_entry(key, manifest_bytes)
    signer = check_signature(manifest_bytes, entry, manifest)
    if isinstance(signer, str):
        raise CheckFailed(f"签名核对失败：{signer}")
    if not isinstance(check_signature(manifest_bytes + b" ", entry, manifest), str):
        raise CheckFailed("改动过的清单没有被识别")
    store = os_key_store()
    if store is None:
        return "Ed25519，私钥存于本用户的密钥文件"
    kind = type(store).__module__.rsplit(".", 1)[-1]
    return f"Ed25519，私钥存于{_STORES.get(kind, f'系统密钥库 {kind}')}"


_STORES = {"Windows": "Windows 凭据管理器", "macOS": "macOS 钥匙串", "SecretService": "系统密钥环"}


def check_word_templates(work: Path) -> str:
    """The built-in templates render in the sandbox (docxtpl, Jinja2 and the templates are in the install)."""
    import datetime as dt

    import docx

    from app.db.engine import open_database
    from app.docs.cooperation import write_agreement_document, write_project_report
    from app.services.agreements import AgreementData, create_agreement
    from app.services.enterprises import create_enterprise
    from app.services.projects import KPIData, ProjectData, create_project

    db = open_database(work / "文档.db")
    try:
        with db.session() as s:
            eid = create_enterprise(s, _sample_enterprise()).ids[0]
            aid = create_agreement(
                s, AgreementData(title="校企合作框架协议", kind="框架协议", enterprise_ids=(eid,))
            ).ids[0]
            pid = create_project(
                s,
                ProjectData(
                    name="自检订单班",
                    kind="订单培养",
                    leader="自检",
                    starts_on=dt.date(2025, 9, 1),
                    enterprise_ids=(eid,),
                    kpis=(KPIData("订单班学生人数", 40, "人", 38, "2025-2026学年"),),
                ),
            ).ids[0]
        with db.reader() as s:
            agreement = write_agreement_document(s, aid, work / "协议草稿.docx")
            report = write_project_report(s, pid, "2025-2026-1", work / "运行报告.docx")
    finally:
        db.close()
    for path, want in ((agreement, SAMPLE_NAME), (report, "订单班学生人数")):
        document = docx.Document(str(path))
        texts = [p.text for p in document.paragraphs] + [
            c.text for table in document.tables for row in table.rows for c in row.cells
        ]
        if not any(want in text for text in texts):
            raise CheckFailed(f"{path.name} 中没有“{want}”")
    return "协议草稿、运行报告"


def check_resources(work: Path) -> str:
    from importlib.resources import files

    try:
        package = importlib.import_module("resources")
    except ModuleNotFoundError:
        raise CheckFailed("找不到资源包 resources（安装不完整）") from None
    if getattr(package, "__file__", None) is None:
        raise CheckFailed("resources 缺少 __init__.py（不是常规包，打包后可能找不到资源文件）")
    root = files("resources")
    names = sorted(entry.name for entry in root.iterdir() if not entry.name.startswith(("__", ".")))
    if not names:
        raise CheckFailed("资源包 resources 是空的")
    count = sum(1 for _ in _walk(root))
    return f"{count} 个文件：{'、'.join(names)}"


def _walk(node):  # Traversable has no rglob
    for entry in node.iterdir():
        if entry.is_dir():
            yield from _walk(entry)
        elif not entry.name.endswith((".pyc", ".py")):
            yield entry


def check_data_folder(work: Path) -> str:
    from app.paths import home_dir

    home = home_dir()
    existing = home
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        raise CheckFailed(f"数据文件夹“{existing}”不可写")
    return str(home)


CHECKS: tuple[tuple[str, Callable[[Path], str]], ...] = (
    ("数据库迁移", check_database),
    ("企业档案读写", check_enterprises),
    ("备份与恢复", check_backup),
    ("拼音检索", check_pinyin),
    ("Excel 导入导出", check_excel),
    ("Word 文档", check_word),
    ("模板生成进程", check_render_process),
    ("材料包签名", check_signing),
    ("Word 模板", check_word_templates),
    ("资源文件", check_resources),
    ("数据文件夹", check_data_folder),
)
