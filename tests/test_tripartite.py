"""三方协议: the context of a real internship, the documents read back with python-docx, Windows-safe file
names, the batch (combined print copy, cancel, broken templates write nothing) and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_SECTION

from app.db.engine import Database
from app.db.models import Internship, Student
from app.docs import sandbox, worker
from app.docs.internship import (
    BLANK,
    COMBINED_NAME,
    PLACEHOLDERS,
    builtin_template,
    file_names,
    tripartite_context,
    write_tripartite_batch,
)
from app.domain.money import amount_in_words
from app.errors import BatchCancelled, DocumentTemplateError, NotFound, ValidationError
from app.fsutil import _RESERVED, MAX_PATH_CHARS, path_chars
from tests.cli_run import run_cli
from tests.tripartite_data import ODD_ENTERPRISE, id_number, make_internships

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 2, 20)


@pytest.fixture
def ids(db: Database) -> list[str]:
    return make_internships(db, ["张三", "李四", "王五"])


def text_of(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def make_template(tmp_path: Path, *paragraphs: str, name: str = "我的三方协议.docx") -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / name
    doc.save(str(path))
    return path


# ---------------------------------------------------------------- context and document


def test_context_of_a_real_internship(db: Database, ids: list[str]) -> None:
    with db.reader() as s:
        ctx = tripartite_context(s, ids[0], today=TODAY)
    assert ctx["party_a"] == "湖南湘江职业技术学院智能制造学院" and ctx["today"] == "2026年2月20日"
    assert ctx["student"]["name"] == "张三" and ctx["student"]["major"] == "机电一体化技术"
    assert ctx["student"]["id_number"] == id_number(dt.date(2004, 5, 1), 1)
    assert ctx["student"]["birth_date"] == "2004年5月1日"
    assert ctx["enterprise"] == {
        "name": ODD_ENTERPRISE,
        "uscc": ctx["enterprise"]["uscc"],
        "address": "长沙市岳麓区麓谷大道1号",
        "contact": "张伟",  # the first contact, not the second
        "phone": "13900000000",
    }
    i = ctx["internship"]
    assert (i["monthly_pay"], i["monthly_pay_words"], i["same_post_wage"]) == (
        "3,000.00",
        "叁仟元整",
        "3,600.00",
    )
    assert i["term"] == "2026年3月1日至2026年8月31日" == i["insurance_term"]
    assert (i["hours_per_day"], i["days_per_week"], i["pay_day"]) == ("8", "5", "15")
    assert ctx["base"]["name"] == "麓谷智能制造实践教学基地"


def test_every_placeholder_is_in_the_context_and_documented(db: Database, ids: list[str]) -> None:
    with db.reader() as s:
        ctx = tripartite_context(s, ids[0])
    docs = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for key, meaning in PLACEHOLDERS:
        value = ctx
        for part in key.split("."):
            value = value[part]
        assert isinstance(value, str) and meaning
        assert f"`{key}`" in docs, key


def test_document_reads_back(db: Database, ids: list[str], tmp_path: Path) -> None:
    with db.reader() as s:
        result = write_tripartite_batch(s, ids[:1], tmp_path / "out")
    (path,) = result.files
    assert path.name == "机电2201班_2022000001_张三_三方协议.docx"
    text = text_of(path)
    for expected in (
        "职业学校学生岗位实习三方协议",
        "乙方（实习单位）：A&B <公司>",  # & < > come back exactly
        "丙方（学生）：张三",
        f"身份证号：{id_number(dt.date(2004, 5, 1), 1)}",
        "每月人民币3,000.00元（大写：叁仟元整）",
        "每月15日前",
        "保险单号PZAB202643010000001",
        "甲方辅导员王芳",
        "第十一条  其他",
        "丙方监护人（签字）：",
    ):
        assert expected in text, expected
    assert result.incomplete == () and result.skipped == ()


def test_optional_data_missing_renders_blank_for_handwriting(
    db: Database, ids: list[str], tmp_path: Path
) -> None:
    with db.session() as s:
        i = s.get(Internship, ids[0])
        i.base_id, i.place, i.monthly_pay_fen, i.pay_day = None, "", 0, 0
        i.insured_from = i.insured_to = None
        s.get(Student, i.student_id).phone = ""
    with db.reader() as s:
        ctx = tripartite_context(s, ids[0])
        result = write_tripartite_batch(s, ids[:1], tmp_path / "out")
    assert ctx["internship"]["monthly_pay"] == BLANK == ctx["student"]["phone"]
    assert ctx["base"]["name"] == ""
    text = text_of(result.files[0])
    assert "实践教学基地" not in text  # the parenthesis is left out without a base
    assert f"每月人民币{BLANK}元" in text
    ((name, blanks),) = result.incomplete
    assert name == result.files[0].name and result.skipped == ()
    assert blanks == "学生电话、实习地点、实习报酬、发放日、保险期间"


def test_missing_required_data_skips_that_internship(
    db: Database, ids: list[str], db_path: Path, tmp_path: Path
) -> None:
    """No policy number, no post, no ID number…: that internship is listed with what is missing and not
    written; the others are; the CLI lists it and exits 1."""
    with db.session() as s:
        first = s.get(Internship, ids[0])
        first.policy_no, first.position = "", "  "
        second = s.get(Internship, ids[1])
        second.enterprise_id, second.insurer = None, ""
        s.get(Student, second.student_id).id_number = ""
    out = tmp_path / "out"
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, out, combined=True)
    assert [p.name.split("_")[2] for p in result.files] == ["王五"]
    assert result.skipped == (
        ("张三（机电2201班）", "缺少实习岗位、保单号"),
        ("李四（机电2201班）", "缺少身份证号、实习单位、保险公司"),
    )
    assert sorted(p.name for p in out.iterdir()) == sorted([result.files[0].name, COMBINED_NAME])
    assert len(Document(str(result.combined)).sections) == 1

    proc = run_cli("docs", "tripartite", "--all", "--db", str(db_path), "--out", str(tmp_path / "cli"))
    assert proc.returncode == 1, proc.stderr
    assert "已生成 1 份" in proc.stdout
    assert "张三（机电2201班）：缺少实习岗位、保单号" in proc.stderr
    proc = run_cli("docs", "tripartite", "--ids", f"{ids[0]},{ids[1]}", "--db", str(db_path),
                   "--out", str(tmp_path / "none"), "--json")  # fmt: skip
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["written"] == 0 and data["skipped"][0] == {
        "student": "张三（机电2201班）",
        "reason": "缺少实习岗位、保单号",
    }
    assert not (tmp_path / "none").exists()  # nothing to write: no folder either


def test_amount_in_words() -> None:
    cases = {
        300000: "叁仟元整",
        350050: "叁仟伍佰元伍角整",
        105: "壹元零伍分",
        1000500: "壹万零伍元整",
        1001000: "壹万零壹拾元整",
        10000000: "壹拾万元整",
        100010000: "壹佰万零壹佰元整",
        123456789: "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分",
        0: "零元整",
    }
    assert {fen: amount_in_words(fen) for fen in cases} == cases


# ---------------------------------------------------------------- file names


def test_hostile_names_are_safe_on_windows(tmp_path: Path) -> None:
    def ctx(class_name: str, no: str, name: str) -> dict:
        return {"student": {"class_name": class_name, "student_no": no, "name": name}}

    long_class = "智能制造" * 30  # 120 characters
    folder = tmp_path / ("深" * 60)
    names = file_names(
        [
            ctx("CON", "1", "甲"),
            ctx("a/b", "2", "李*四"),
            ctx(long_class, "3", "王五"),
            ctx("CON", "1", "甲"),
        ],
        folder,
    )
    assert names[0] == "CON_1_甲_三方协议.docx" and names[3] == "CON_1_甲_三方协议(2).docx"
    assert names[1] == "a_b_2_李_四_三方协议.docx"
    assert names[2].endswith("_3_王五_三方协议.docx") and names[2].startswith("智能制造")
    for name in names:
        assert not set('<>:"/\\|?*') & set(name)
        assert name.split(".")[0].upper() not in _RESERVED
        assert path_chars(str((folder / name).absolute())) <= MAX_PATH_CHARS


def test_folder_too_long_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / ("深" * (MAX_PATH_CHARS - len(str(tmp_path)) - 20))
    with pytest.raises(ValidationError, match="文件夹的路径太长"):
        file_names([{"student": {"class_name": "c", "student_no": "1", "name": "n"}}], folder)


# ---------------------------------------------------------------- the batch


def test_batch_and_combined_print_copy(db: Database, tmp_path: Path) -> None:
    ids = make_internships(db, ["张三", "李四", "王五", "张三"])  # two students called 张三
    seen: list[tuple[float, str]] = []
    out = tmp_path / "out"
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, out, combined=True, progress=lambda f, m: seen.append((f, m)))
    assert len(result.files) == 4 and len({p.name for p in result.files}) == 4
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in result.files), COMBINED_NAME])
    combined = Document(str(result.combined))
    assert len(combined.sections) == 4  # each agreement a section of its own…
    assert all(sec.start_type == WD_SECTION.NEW_PAGE for sec in combined.sections)  # …starting a new page
    text = text_of(result.combined)
    assert [n for n in ("张三", "李四", "王五") if f"丙方（学生）：{n}" in text] == ["张三", "李四", "王五"]
    assert [p.text for p in combined.paragraphs].count("职业学校学生岗位实习三方协议") == 4
    assert seen[-1][0] == 1.0 and [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))


def test_cancel_keeps_written_files_only(db: Database, ids: list[str], tmp_path: Path) -> None:
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if "第 3/3" in message:
            cancel.set()

    out = tmp_path / "out"
    with db.reader() as s, pytest.raises(BatchCancelled) as e:
        write_tripartite_batch(s, ids, out, combined=True, progress=progress, cancel=cancel)
    assert len(e.value.files) == 2 and "2 份" in e.value.message
    assert sorted(out.iterdir()) == sorted(e.value.files)  # no third file, no combined, no temp files


@pytest.mark.parametrize(
    ("placeholder", "expected"),
    [
        ("{{ student.nam }}", "student.nam"),
        ("{{ ''.__class__ }}", "不允许的代码"),
        ("{{ student.name ", "}}"),
    ],
)
def test_broken_template_writes_nothing(
    db: Database, ids: list[str], tmp_path: Path, placeholder: str, expected: str
) -> None:
    template = make_template(tmp_path, "丙方：{{ student.name }}", placeholder)
    out = tmp_path / "out"
    with db.reader() as s, pytest.raises(DocumentTemplateError) as e:
        write_tripartite_batch(s, ids, out, template=template, combined=True)
    assert "我的三方协议.docx" in e.value.message and expected in e.value.message
    assert not out.exists()


def test_an_agreement_that_cannot_be_filled_is_skipped(
    db: Database, ids: list[str], db_path: Path, tmp_path: Path
) -> None:
    """A template that fails for one student only (here on purpose): the others are written, that one listed."""
    template = make_template(
        tmp_path,
        "{{ student.name }}",
        "{%p if student.name == '李四' %}",
        "{{ student.nosuch }}",
        "{%p endif %}",
    )
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out", template=template, combined=True)
    assert [p.name.split("_")[2] for p in result.files] == ["张三", "王五"]
    ((who, why),) = result.skipped
    assert who == "李四（机电2201班）" and "student.nosuch" in why
    assert len(Document(str(result.combined)).sections) == 2
    proc = run_cli("docs", "tripartite", "--all", "--db", str(db_path), "--out", str(tmp_path / "cli"),
                   "--template", str(template))  # fmt: skip
    assert proc.returncode == 1 and "李四" in proc.stderr and "已生成 2 份" in proc.stdout


def test_sandbox_budget_is_per_document(db: Database, ids: list[str], tmp_path: Path) -> None:
    """The batch compiles the template once and shares the sandbox; what a template may build is still
    counted per document (7,000 characters each, three documents: more than one budget in all)."""
    template = make_template(tmp_path, "{{ student.name }}{{ '-' * 7000 }}")
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out", template=template)
    assert len(result.files) == 3 and result.skipped == ()
    too_much = make_template(tmp_path, "{{ '-' * 20000 }}", name="太大.docx")
    with db.reader() as s, pytest.raises(DocumentTemplateError, match="生成的内容过多（超过10000个字符或项"):
        write_tripartite_batch(s, ids, tmp_path / "x", template=too_much)


def test_the_batch_fills_every_document_in_one_render_process(
    db: Database, ids: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    start = worker.RenderWorker._start

    def counted_start(self: worker.RenderWorker) -> None:
        start(self)
        started.append(self.pid)

    monkeypatch.setattr(worker.RenderWorker, "_start", counted_start)
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out", combined=True)
    assert len(result.files) == 3 and result.combined is not None
    assert len(started) == 1 and started[0] != os.getpid()


def test_a_document_too_slow_stops_the_batch(
    db: Database, ids: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deadline is per document: the one still rendering at it is stopped and named (with the
    template), the files already written stay, the rest are listed as not written, no combined copy."""
    monkeypatch.setattr(worker, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(
        sandbox, "MAX_INT_BITS", 10**15
    )  # the power reaches C code: only the deadline stops it
    template = make_template(
        tmp_path,
        "{{ student.name }}",
        "{% if student.name == '李四' %}{{ (((10**100)**100)**100)**100 }}{% endif %}",
    )
    out = tmp_path / "out"
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, out, template=template, combined=True)
    assert [p.name.split("_")[2] for p in result.files] == ["张三"]
    assert sorted(out.iterdir()) == list(result.files) and result.combined is None
    (who, why), (later, not_written) = result.skipped
    assert who == "李四（机电2201班）" and "我的三方协议.docx" in why
    assert "在生成李四（机电2201班）的三方协议时超过1秒仍未完成，已停止" in why
    assert later.startswith("王五") and "未生成" in not_written


def test_nested_loops_over_a_students_text_are_refused(db: Database, ids: list[str], tmp_path: Path) -> None:
    """Seven loops over the characters of a field (a 三方协议 has no lists): refused by the loop budget
    before any file is written (on real data it wrote 24 files of 10 MB in 256 s)."""
    loops = (
        "".join(f"{{% for c{i} in enterprise.address %}}" for i in range(7)) + "{{ c6 }}" + "{% endfor %}" * 7
    )
    template = make_template(tmp_path, "{{ student.name }}", loops)
    out = tmp_path / "out"
    with db.reader() as s, pytest.raises(DocumentTemplateError, match="循环次数过多"):
        write_tripartite_batch(s, ids, out, template=template)
    assert not out.exists()


def test_user_template_and_unknown_ids(db: Database, ids: list[str], tmp_path: Path) -> None:
    template = make_template(
        tmp_path, "{{ student.class_name }}|{{ enterprise.name }}|{{ internship.monthly_pay }}"
    )
    with db.reader() as s:
        result = write_tripartite_batch(s, ids[:1], tmp_path / "o", template=template)
        assert Document(str(result.files[0])).paragraphs[0].text == "机电2201班|A&B <公司>|3,000.00"
        with pytest.raises(NotFound):
            write_tripartite_batch(s, [ids[0], "no-such-id"], tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_builtin_template_is_the_resource() -> None:
    assert builtin_template() == (ROOT / "resources" / "templates" / "tripartite.docx").read_bytes()


# ---------------------------------------------------------------- CLI


def test_cli(db: Database, ids: list[str], db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "三方 协议"
    proc = run_cli("docs", "tripartite", "--class", "机电2201班", "--db", str(db_path), "--out", str(out),
                   "--combined", "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["written"] == 3 and Path(data["combined"]).name == COMBINED_NAME and data["skipped"] == []
    assert "430102" not in proc.stdout + proc.stderr  # no ID number printed

    proc = run_cli(
        "docs", "tripartite", "--ids", ids[1], "--db", str(db_path), "--out", str(tmp_path / "one")
    )
    assert proc.returncode == 0 and "1 份" in proc.stdout
    template = tmp_path / "模板.docx"
    assert run_cli("docs", "template", "tripartite", "--out", str(template)).returncode == 0
    assert template.read_bytes() == builtin_template()
    proc = run_cli("docs", "fields", "tripartite", "--json")
    assert {
        "placeholder": "student.id_number",
        "meaning": dict(PLACEHOLDERS)["student.id_number"],
    } in json.loads(proc.stdout)


def test_cli_errors(db: Database, ids: list[str], db_path: Path, tmp_path: Path) -> None:
    db_args = ("--db", str(db_path), "--out", str(tmp_path / "o"))
    proc = run_cli("docs", "tripartite", "--class", "没有这个班", *db_args)
    assert proc.returncode == 2 and "没有" in proc.stderr
    bad = make_template(tmp_path, "{{ student.nam }}")
    proc = run_cli("docs", "tripartite", "--all", *db_args, "--template", str(bad))
    assert proc.returncode == 2 and "student.nam" in proc.stderr
    assert not (tmp_path / "o").exists()
    proc = run_cli("docs", "tripartite", *db_args)
    assert proc.returncode == 2  # one of --class / --ids / --all is required


def test_each_document_of_a_batch_is_filled_afresh(db: Database, ids: list[str], tmp_path: Path) -> None:
    """The batch fills one opened template again and again (app/docs/render.py TemplateCache): nothing of a
    student may stay in the next one's body, header, footer or document properties."""
    doc = Document()
    doc.add_paragraph("学生：{{ student.name }}")
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ student.name }}"
    doc.sections[0].footer.paragraphs[0].text = "页脚 {{ student.student_no }}"
    doc.core_properties.title = "{{ student.name }}的三方协议"
    template = tmp_path / "页眉模板.docx"
    doc.save(str(template))
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out", template=template, combined=True)
    seen = []
    for path in result.files:
        filled = Document(str(path))
        name = filled.paragraphs[0].text.removeprefix("学生：")
        seen.append(name)
        assert filled.sections[0].header.paragraphs[0].text == f"页眉 {name}"
        assert filled.sections[0].footer.paragraphs[0].text.startswith("页脚 2")
        assert filled.core_properties.title == f"{name}的三方协议"
    assert sorted(seen) == ["张三", "李四", "王五"]
    combined = [p.text for p in Document(str(result.combined)).paragraphs if p.text.startswith("学生：")]
    assert sorted(combined) == ["学生：张三", "学生：李四", "学生：王五"]


def test_bidi_and_zero_width_characters_never_reach_a_file_name(db: Database, tmp_path: Path) -> None:
    """A student name with a right-to-left override would show 张三xcod.exe as “张三exe.docx…”; a zero-width
    space makes two names that look the same. The batch's file names hold neither."""
    import unicodedata

    ids = make_internships(
        db, ["张三\u202excod.exe", "李\u200b四", "\ufeff王\u2060五\u00ad"], class_name="机电\u200b2201班"
    )
    out = tmp_path / "out"
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, out, combined=True)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "机电2201班_2022000001_张三xcod.exe_三方协议.docx",
            "机电2201班_2022000002_李四_三方协议.docx",
            "机电2201班_2022000003_王五_三方协议.docx",
            COMBINED_NAME,
        ]
    )
    assert len(result.files) == 3
    assert not [n for n in names if any(unicodedata.category(c) == "Cf" for c in n)]
