"""设置 → 模板 (app/services/templates.py) over a real SQLite file and real .docx files: a college's template
is used by every generator when none is chosen, a hostile one is refused with nothing stored, 恢复内置 goes
back to the built-in one, the template travels in a manual backup, and the CLI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from app.backup import make_backup, restore_backup
from app.db.engine import Database, open_database
from app.db.models import Attachment
from app.docs import sandbox, worker
from app.docs.internship import write_tripartite_batch
from app.docs.kinds import kinds
from app.errors import DocumentTemplateError
from app.services import templates as svc
from tests.cli_run import run_cli
from tests.tripartite_data import make_internships

EXTRA = "本协议由湘江学院自定义模板生成"


def builtin_plus_paragraph(kind: str, path: Path, text: str = EXTRA) -> Path:
    """The built-in template of `kind` with one paragraph more at the end, as a secretary edits it in Word."""
    svc.save_builtin_template(kind, path)
    doc = Document(str(path))
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


def plain_template(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(str(path))
    return path


def texts(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def stored(db: Database) -> int:
    with db.reader() as s:
        return s.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.owner_type == "template")
        )


@pytest.fixture
def ids(db: Database) -> list[str]:
    return make_internships(db, ["张三", "李四"])


def test_custom_template_is_used_then_cleared(db: Database, ids: list[str], tmp_path: Path) -> None:
    template = builtin_plus_paragraph("tripartite", tmp_path / "学院三方协议.docx")
    with db.session() as s:
        svc.set_custom_template(s, "tripartite", template)
    template.unlink()  # the database keeps its own copy
    with db.reader() as s:
        (status,) = [t for t in svc.template_status(s) if t.kind == "tripartite"]
        assert status.custom_name == "学院三方协议.docx" and status.set_on is not None
        result = write_tripartite_batch(s, ids, tmp_path / "out")
    assert len(result.files) == 2
    assert all(EXTRA in texts(f) and "丙方（学生）：" in texts(f) for f in result.files)

    explicit = plain_template(tmp_path / "本次.docx", "本次：{{ student.name }}")
    with db.reader() as s:  # a template chosen for one generation wins over the college's
        result = write_tripartite_batch(s, ids[:1], tmp_path / "once", template=explicit)
    assert texts(result.files[0]) == "本次：张三"

    with db.session() as s:
        svc.clear_custom_template(s, "tripartite")
    with db.reader() as s:
        assert svc.custom_template_path(s, "tripartite") is None
        result = write_tripartite_batch(s, ids[:1], tmp_path / "again")
        assert all(not t.custom_name for t in svc.template_status(s))
    assert EXTRA not in texts(result.files[0]) and "丙方（学生）：张三" in texts(result.files[0])


def test_replacing_keeps_one_template_per_kind(db: Database, tmp_path: Path) -> None:
    first = builtin_plus_paragraph("agreement", tmp_path / "一.docx", "第一版")
    second = builtin_plus_paragraph("agreement", tmp_path / "二.docx", "第二版")
    with db.session() as s:
        svc.set_custom_template(s, "agreement", first)
    with db.session() as s:
        svc.set_custom_template(s, "agreement", second)
    with db.reader() as s:
        path = svc.custom_template_path(s, "agreement")
        names = {t.kind: t.custom_name for t in svc.template_status(s)}
    assert path is not None and "第二版" in texts(path) and names["agreement"] == "二.docx"
    assert names["report"] == "" and set(names) == set(kinds())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a zip at all", "不是 Word 文档"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "旧版 .doc"),
        ("{{ ''.__class__.__mro__ }}", "不允许的代码"),
        ("{{ student.nam }}", "student.nam"),
        ("{{ student.name ", "}}"),
        ("{{ range(99999999)|list }}", "不允许的代码"),
        ("{%p for p in parties %}", "结束标记"),
    ],
)
def test_hostile_template_is_refused_and_nothing_stored(
    db: Database, tmp_path: Path, content: bytes | str, expected: str
) -> None:
    path = tmp_path / "坏模板.docx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        plain_template(path, "学生：{{ school }}", content)
    with db.session() as s, pytest.raises(DocumentTemplateError) as e:
        svc.set_custom_template(s, "tripartite", path)
    assert expected in e.value.message and "坏模板.docx" in e.value.message
    assert stored(db) == 0
    attachments = db.path.parent / "attachments"
    assert not attachments.exists() or not any(p.is_file() for p in attachments.rglob("*"))


def test_not_a_docx_name_is_refused(db: Database, tmp_path: Path) -> None:
    path = plain_template(tmp_path / "模板.doc", "{{ school }}")
    with db.session() as s, pytest.raises(DocumentTemplateError, match=r"\.docx"):
        svc.set_custom_template(s, "agreement", path)
    assert stored(db) == 0


def test_loops_and_fields_of_every_builtin_pass_the_check(tmp_path: Path) -> None:
    """The sample context knows every documented field: each built-in template passes as it is."""
    for kind in kinds():
        assert svc.check_template(kind, svc.builtin_template(kind), "内置") == svc.builtin_template(kind)


def nested_loops(depth: int) -> str:
    return (
        "".join(f"{{% for p{i} in parties %}}" for i in range(depth))
        + f"{{{{ p{depth - 1}.name }}}}"
        + ("{% endfor %}" * depth)
    )


@pytest.mark.parametrize("depth", [7, 8])
def test_nested_loops_are_refused_at_the_check(db: Database, tmp_path: Path, depth: int) -> None:
    """The sample lists hold several items, as real ones do: loops nested 7 or 8 deep (on real data 256 s
    and 7.2 GB) are refused when the template is set, and nothing is stored."""
    path = plain_template(tmp_path / "多层循环.docx", "{{ agreement.title }}", nested_loops(depth))
    with db.session() as s, pytest.raises(DocumentTemplateError) as e:
        svc.set_custom_template(s, "agreement", path)
    assert "循环次数过多" in e.value.message and "多层循环.docx" in e.value.message
    assert stored(db) == 0


def test_a_few_nested_loops_pass_the_check(tmp_path: Path) -> None:
    path = plain_template(tmp_path / "三层.docx", "{{ agreement.title }}", nested_loops(3))
    assert svc.check_template("agreement", path, "三层.docx") == path.read_bytes()


def test_a_template_too_slow_is_refused_at_the_check(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work in C code (the number guard lifted) is stopped by the render process's deadline."""
    monkeypatch.setattr(worker, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(sandbox, "MAX_INT_BITS", 10**15)
    path = plain_template(tmp_path / "慢模板.docx", "{{ school }}", "{{ (((10**100)**100)**100)**100 }}")
    with (
        db.session() as s,
        pytest.raises(DocumentTemplateError, match="慢模板.docx”渲染超过1秒仍未完成，已停止"),
    ):
        svc.set_custom_template(s, "tripartite", path)
    assert stored(db) == 0


def test_cli_set_refuses_nested_loops_in_a_real_process(db: Database, db_path: Path, tmp_path: Path) -> None:
    """`python -m app docs template … --set`: the check starts its render process from the real CLI."""
    path = plain_template(tmp_path / "八层.docx", "{{ agreement.title }}", nested_loops(8))
    proc = run_cli("docs", "template", "agreement", "--set", str(path), "--db", str(db_path), subprocess=True)
    assert proc.returncode == 2 and "循环次数过多" in proc.stderr and "八层.docx" in proc.stderr
    assert stored(db) == 0


def test_missing_stored_file_is_a_clear_error(db: Database, ids: list[str], tmp_path: Path) -> None:
    with db.session() as s:
        svc.set_custom_template(s, "tripartite", builtin_plus_paragraph("tripartite", tmp_path / "t.docx"))
    with db.reader() as s:
        svc.custom_template_path(s, "tripartite").unlink()
        with pytest.raises(DocumentTemplateError, match="设置 → 模板"):
            write_tripartite_batch(s, ids, tmp_path / "out")


def test_template_travels_in_a_backup(db: Database, tmp_path: Path) -> None:
    template = builtin_plus_paragraph("report", tmp_path / "报告.docx")
    with db.session() as s:
        svc.set_custom_template(s, "report", template)
        sha = s.scalar(select(Attachment.sha256).where(Attachment.owner_type == "template"))
    db_path = db.path
    db.close()
    backup = make_backup(db_path, tmp_path / "备份.zip")
    with zipfile.ZipFile(backup) as z:
        assert any(n.endswith(f"/{sha[:2]}/{sha}") for n in z.namelist())

    elsewhere = tmp_path / "新电脑" / "chanjiao.db"
    elsewhere.parent.mkdir()
    restore_backup(elsewhere, backup)
    other = open_database(elsewhere)
    try:
        with other.reader() as s:
            path = svc.custom_template_path(s, "report")
        assert path is not None and path.is_relative_to(elsewhere.parent) and EXTRA in texts(path)
    finally:
        other.close()


def test_cli_set_status_fields_clear(db: Database, ids: list[str], db_path: Path, tmp_path: Path) -> None:
    template = builtin_plus_paragraph("tripartite", tmp_path / "学院.docx")
    db_args = ("--db", str(db_path))
    proc = run_cli("docs", "template", "tripartite", "--set", str(template), *db_args)
    assert proc.returncode == 0 and "学院.docx" in proc.stdout, proc.stderr
    proc = run_cli("docs", "templates", "--json", *db_args)
    rows = {r["kind"]: r for r in json.loads(proc.stdout)}
    assert rows["tripartite"]["custom"] == "学院.docx" and rows["agreement"]["custom"] is None
    proc = run_cli("docs", "tripartite", "--all", "--out", str(tmp_path / "out"), *db_args)
    assert proc.returncode == 0 and all(EXTRA in texts(f) for f in (tmp_path / "out").iterdir())

    bad = plain_template(tmp_path / "坏.docx", "{{ student.nam }}")
    proc = run_cli("docs", "template", "tripartite", "--set", str(bad), *db_args)
    assert proc.returncode == 2 and "student.nam" in proc.stderr
    proc = run_cli("docs", "templates", *db_args)
    assert "学院.docx" in proc.stdout  # the refused one replaced nothing

    proc = run_cli("docs", "fields", "base_summary", "--json")
    assert {"placeholder": "major.name", "meaning": "专业名称"} in json.loads(proc.stdout)
    assert run_cli("docs", "template", "tripartite", "--clear", *db_args).returncode == 0
    assert "学院.docx" not in run_cli("docs", "templates", *db_args).stdout
    saved = tmp_path / "内置.docx"
    assert run_cli("docs", "template", "base_summary", "--out", str(saved)).returncode == 0
    assert saved.read_bytes() == svc.builtin_template("base_summary")
