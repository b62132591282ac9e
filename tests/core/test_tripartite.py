"""三方协议: the context of a real internship, the documents read back with python-docx, Windows-safe file
names, the batch (combined print copy, cancel, broken templates write nothing) and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
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
from app.docs.internship_plan import plan_batch, plan_lines, select_internships
from app.domain.money import amount_in_words
from app.errors import BatchCancelled, DocumentTemplateError, NotFound, ValidationError
from app.fsutil import _RESERVED, MAX_PATH_CHARS, path_chars
from tests.cli_run import run_cli
from tests.tripartite_data import ODD_ENTERPRISE, SCHOOL, id_number, make_internships

ROOT = Path(__file__).resolve().parents[2]
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
    assert ctx["party_a"] == "湖南湘江职业技术学院" and ctx["today"] == "2026年2月20日"  # 甲方: the school
    assert ctx["school_party"] == {
        "name": "湖南湘江职业技术学院",
        "uscc": SCHOOL.uscc,
        "address": "长沙市岳麓区学士路1号",
        "representative": "周建国",
        "contact": "陈老师",
        "phone": "0731-88880000",
    }
    assert (
        ctx["college_party"]["name"] == "智能制造学院" and ctx["college_party"]["representative"] == "罗志刚"
    )
    assert ctx["agreement"] == {"number": BLANK, "minor": "", "copies": "三", "holders": "甲、乙、丙三方"}
    assert ctx["student"]["home_address"] == "湖南省湘潭市雨湖区建设路1号"
    assert (ctx["student"]["emergency_contact"], ctx["student"]["guardian_relation"]) == ("张母", "父亲")
    assert ctx["student"]["name"] == "张三" and ctx["student"]["major"] == "机电一体化技术"
    assert ctx["student"]["id_number"] == id_number(dt.date(2004, 5, 1), 1)
    assert ctx["student"]["birth_date"] == "2004年5月1日"
    assert ctx["enterprise"] == {
        "name": ODD_ENTERPRISE,
        "uscc": ctx["enterprise"]["uscc"],
        "address": "长沙市岳麓区麓谷大道1号",
        "legal_representative": "邓志明",
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
    with db.session() as s:
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
        "甲方（学校）：湖南湘江职业技术学院",
        "实施单位：智能制造学院",
        "法定代表人：邓志明",
        "家庭住址：湖南省湘潭市雨湖区建设路1号",
        "协议编号：2026-SX-0001",
        "实习期限为2026年3月1日至2026年8月31日",
        "食宿安排：乙方不统一安排食宿",
        "实习材料费、就业服务费、押金",
        "第十一条  违约责任",
        "第十三条  其他",
        "本协议一式三份，甲、乙、丙三方各执一份",
    ):
        assert expected in text, expected
    assert "监护人（签字）" not in text and "丙方监护人：" not in text  # an adult signs alone
    assert "参照" not in text  # the template's note lives in docs/templates.md, not on the signed copy
    assert not re.search(r"\d{4}-\d{1,2}-\d{1,2}", text)  # no ISO date anywhere
    assert result.incomplete == () and result.skipped == () and result.consents == ()


def test_optional_data_missing_renders_blank_for_handwriting(
    db: Database, ids: list[str], tmp_path: Path
) -> None:
    with db.session() as s:
        i = s.get(Internship, ids[0])
        i.base_id, i.place, i.pay_day = None, "", 0
        s.get(Student, i.student_id).phone = ""
    with db.session() as s:
        ctx = tripartite_context(s, ids[0])
        result = write_tripartite_batch(s, ids[:1], tmp_path / "out")
    assert ctx["internship"]["pay_day"] == BLANK == ctx["student"]["phone"]
    assert ctx["base"]["name"] == ""
    text = text_of(result.files[0])
    assert "实践教学基地" not in text  # the parenthesis is left out without a base
    assert f"于每月{BLANK}日前" in text
    ((name, blanks),) = result.incomplete
    assert name == result.files[0].name and result.skipped == ()
    assert blanks == "学生电话、实习地点、发放日"


def test_missing_required_data_skips_that_internship(
    db: Database, ids: list[str], db_path: Path, tmp_path: Path
) -> None:
    """No post, no home address, no ID number, no enterprise…: that internship is listed with what is missing
    and not written; the others are; the CLI lists it and exits 1."""
    with db.session() as s:
        first = s.get(Internship, ids[0])
        first.position = "  "
        s.get(Student, first.student_id).home_address = ""
        second = s.get(Internship, ids[1])
        second.enterprise_id = None
        s.get(Student, second.student_id).id_number = ""
    out = tmp_path / "out"
    with db.session() as s:
        result = write_tripartite_batch(s, ids, out, combined=True)
    assert [p.name.split("_")[2] for p in result.files] == ["王五"]
    assert result.skipped == (
        ("张三（机电2201班）", "缺少家庭住址、实习岗位"),
        ("李四（机电2201班）", "缺少身份证号、实习单位、实习单位地址、实习单位法定代表人、实习单位联系电话"),
    )
    assert sorted(p.name for p in out.iterdir()) == sorted([result.files[0].name, COMBINED_NAME])
    assert len(Document(str(result.combined)).sections) == 1

    proc = run_cli("docs", "tripartite", "--all", "--db", str(db_path), "--out", str(tmp_path / "cli"))
    assert proc.returncode == 1, proc.stderr
    assert "已生成 1 份" in proc.stdout
    assert "张三（机电2201班）：缺少家庭住址、实习岗位" in proc.stderr
    proc = run_cli("docs", "tripartite", "--ids", f"{ids[0]},{ids[1]}", "--db", str(db_path),
                   "--out", str(tmp_path / "none"), "--json")  # fmt: skip
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["written"] == 0 and data["skipped"][0] == {
        "student": "张三（机电2201班）",
        "reason": "缺少家庭住址、实习岗位",
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
    with db.session() as s:
        result = write_tripartite_batch(s, ids, out, combined=True, progress=lambda f, m: seen.append((f, m)))
    assert len(result.files) == 4 and len({p.name for p in result.files}) == 4
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in result.files), COMBINED_NAME])
    combined = Document(str(result.combined))
    assert len(combined.sections) == 4  # each agreement a section of its own…
    # …starting on an odd page: printed on both sides, none starts on the back of the one before
    assert all(sec.start_type == WD_SECTION.ODD_PAGE for sec in combined.sections)
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
    with db.session() as s, pytest.raises(BatchCancelled) as e:
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
    with db.session() as s, pytest.raises(DocumentTemplateError) as e:
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
    with db.session() as s:
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
    with db.session() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out", template=template)
    assert len(result.files) == 3 and result.skipped == ()
    too_much = make_template(tmp_path, "{{ '-' * 20000 }}", name="太大.docx")
    with db.session() as s, pytest.raises(DocumentTemplateError, match="生成的内容过多（超过10000个字符或项"):
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
    with db.session() as s:
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
    with db.session() as s:
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
    with db.session() as s, pytest.raises(DocumentTemplateError, match="循环次数过多"):
        write_tripartite_batch(s, ids, out, template=template)
    assert not out.exists()


def test_user_template_and_unknown_ids(db: Database, ids: list[str], tmp_path: Path) -> None:
    template = make_template(
        tmp_path, "{{ student.class_name }}|{{ enterprise.name }}|{{ internship.monthly_pay }}"
    )
    with db.session() as s:
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
    with db.session() as s:
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
    with db.session() as s:
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


# ---------------------------------------------------------------- the gate: only agreements to sign


def _break(s, internship: Internship, rule: str) -> None:
    """Make one internship break one rule on the placement itself."""
    student = s.get(Student, internship.student_id)
    if rule == "insurance":  # insured until January for an internship ending in August
        internship.insured_to = dt.date(2026, 1, 31)
    elif rule == "grade":  # entered in 2025: still first-year in March 2026
        student.entry_year = 2025
    elif rule == "age":
        student.birth_date = dt.date(2010, 6, 1)
        student.id_number = id_number(dt.date(2010, 6, 1), 7)
    elif rule == "pay":  # 2,000 元 beside a same-post wage of 4,000 元
        internship.monthly_pay_fen, internship.same_post_wage_fen = 200000, 400000
    elif rule == "hours_day":
        internship.hours_per_day = 9
    elif rule == "hours_week":
        internship.days_per_week = 6
    elif rule == "night":
        internship.night_shift = True
    elif rule == "overtime":
        internship.overtime = True
    elif rule == "premium":
        internship.insurance_paid_by = "学生"


GATE = {
    "insurance": (
        "保险期间未覆盖整个实习期",
        "《湖南生物机电职业技术学院产教融合管理办法（试行）》第十二条第（三）项",
    ),
    "grade": ("一年级学生不得参加岗位实习", "《职业学校学生实习管理规定》第十六条"),
    "age": ("未满16周岁的学生不得参加岗位实习", "《职业学校学生实习管理规定》第十六条"),
    "pay": ("低于同岗位职工工资4,000.00元的80%", "《职业学校学生实习管理规定》第十八条"),
    "hours_day": ("每日工作9小时，超过8小时", "《职业学校学生实习管理规定》"),
    "hours_week": ("每周工作48小时，超过40小时", "《职业学校学生实习管理规定》"),
    "night": ("安排了夜班", "《职业学校学生实习管理规定》"),
    "overtime": ("安排了加班或法定节假日上岗", "《职业学校学生实习管理规定》"),
    "premium": ("保险费不得由学生承担", "《职业学校学生实习管理规定》"),
}


@pytest.mark.parametrize("rule", list(GATE))
def test_an_internship_breaking_a_rule_is_blocked_with_the_rule_named(
    db: Database, ids: list[str], tmp_path: Path, rule: str
) -> None:
    with db.session() as s:
        _break(s, s.get(Internship, ids[1]), rule)
    out = tmp_path / "out"
    with db.session() as s:
        result = write_tripartite_batch(s, ids, out, combined=True, today=TODAY)
    assert [p.name.split("_")[2] for p in result.files] == ["张三", "王五"]
    ((who, reasons),) = result.blocked
    message, source = GATE[rule]
    assert who == "李四（机电2201班）" and any(message in r and source in r for r in reasons), reasons
    assert result.refused and result.skipped == ()
    assert not [p for p in out.iterdir() if "李四" in p.name]
    with db.reader() as s:  # a blocked internship gets no 协议编号
        assert s.get(Internship, ids[1]).agreement_no == ""


def test_cli_lists_the_blocked_in_json_without_id_numbers(
    db: Database, ids: list[str], db_path: Path, tmp_path: Path
) -> None:
    with db.session() as s:
        _break(s, s.get(Internship, ids[0]), "pay")
        _break(s, s.get(Internship, ids[0]), "night")
    proc = run_cli(
        "docs", "tripartite", "--all", "--db", str(db_path), "--out", str(tmp_path / "o"), "--json"
    )
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["written"] == 2 and data["skipped"] == [] and data["not_needed"] == []
    ((blocked),) = data["blocked"]
    assert blocked["student"] == "张三（机电2201班）" and len(blocked["reasons"]) == 2
    assert "第十八条" in blocked["reasons"][0] and "夜班" in blocked["reasons"][1]
    assert "430102" not in proc.stdout + proc.stderr
    proc = run_cli("docs", "tripartite", "--all", "--db", str(db_path), "--out", str(tmp_path / "t"))
    assert proc.returncode == 1 and "不符合实习规定，未生成：张三（机电2201班）" in proc.stderr


def test_observation_internships_need_no_agreement(
    db: Database, ids: list[str], db_path: Path, tmp_path: Path
) -> None:
    """认识实习: left out by --all (exit 0 when the rest is fine); chosen by id, listed as not needed."""
    with db.session() as s:
        first = s.get(Internship, ids[0])
        first.kind, first.insurer, first.policy_no = "认识实习", "", ""  # no insurance: no matter
    proc = run_cli(
        "docs", "tripartite", "--all", "--db", str(db_path), "--out", str(tmp_path / "a"), "--json"
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["written"] == 2 and data["not_needed"] == [] and data["skipped"] == [] == data["blocked"]
    proc = run_cli("docs", "tripartite", "--ids", ",".join(ids), "--db", str(db_path),
                   "--out", str(tmp_path / "b"), "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["written"] == 2 and data["skipped"] == []
    assert data["not_needed"] == [{"student": "张三（机电2201班）", "reason": "认识实习不需要三方协议"}]


def test_a_minor_gets_four_copies_and_a_guardian_consent(db: Database, tmp_path: Path) -> None:
    """16 at the start (born 2009-06-01, starts 2026-03-01): the 监护人 signs, 一式四份, and a
    监护人知情同意书 with the guardian's relationship and ID number and the same 协议编号."""
    (minor,) = make_internships(db, ["张小明"], birth=dt.date(2009, 6, 1))
    adult = make_internships(db, ["李大成"], class_name="机电2202班")[0]
    out = tmp_path / "out"
    with db.session() as s:
        result = write_tripartite_batch(s, [minor, adult], out, combined=True, today=TODAY)
        guardian_id = s.get(Student, s.get(Internship, minor).student_id).guardian_id_number
    assert len(result.files) == 2 and result.refused is False
    (consent,) = result.consents
    assert consent.name == "机电2201班_2022000001_张小明_监护人知情同意书.docx"
    agreement = text_of(result.files[0])
    for expected in (
        "本协议一式四份，甲、乙、丙三方及丙方监护人各执一份",
        "丙方监护人：张父    与丙方关系：父亲",
        f"身份证号：{guardian_id}",
        "丙方监护人（签字）：",
        "丙方未满18周岁，本协议须经丙方监护人签字同意",
    ):
        assert expected in agreement, expected
    text = text_of(consent)
    for expected in (
        "学生岗位实习监护人知情同意书",
        "协议编号：2026-SX-0001",
        f"本人张父（身份证号：{guardian_id}",
        "的父亲、法定监护人",
        "实习开始时16周岁",
        "《未成年工特殊保护规定》",
    ):
        assert expected in text, expected
    assert not re.search(r"\d{4}-\d{1,2}-\d{1,2}", text.replace("2026-SX-0001", ""))
    assert (
        "一式三份" in text_of(result.files[1]) and "监护人" not in text_of(result.files[1]).split("第一条")[0]
    )


def test_a_minor_without_guardian_details_is_listed_as_missing(db: Database, tmp_path: Path) -> None:
    (minor,) = make_internships(db, ["张小明"], birth=dt.date(2009, 6, 1))
    with db.session() as s:
        st = s.get(Student, s.get(Internship, minor).student_id)
        st.guardian_relation = st.guardian_id_number = ""
    with db.session() as s:
        result = write_tripartite_batch(s, [minor], tmp_path / "out")
    assert result.files == () and result.consents == ()
    assert result.skipped == (("张小明（机电2201班）", "缺少监护人与学生关系、监护人身份证号"),)


def test_agreement_number_is_assigned_once_and_kept(db: Database, ids: list[str], tmp_path: Path) -> None:
    with db.session() as s:
        first = write_tripartite_batch(s, ids[1:2], tmp_path / "a")
    with db.session() as s:
        write_tripartite_batch(s, ids, tmp_path / "b")
    with db.reader() as s:
        numbers = [s.get(Internship, i).agreement_no for i in ids]
    assert numbers == ["2026-SX-0002", "2026-SX-0001", "2026-SX-0003"]  # 李四 was first: kept
    assert "协议编号：2026-SX-0001" in text_of(first.files[0])
    assert "协议编号：2026-SX-0001" in text_of(tmp_path / "b" / first.files[0].name)
    from app.services.internships import get_internship

    with db.reader() as s:
        assert get_internship(s, ids[0]).agreement_no == "2026-SX-0002"


def test_missing_party_details_are_listed(db: Database, ids: list[str], tmp_path: Path) -> None:
    """The school's address and 法定代表人, the college's contact, the enterprise's 法定代表人 and the
    student's emergency contact: never a blank line on an agreement presented as complete."""
    from dataclasses import replace

    from app.db.models import Enterprise
    from app.services.settings import party_details, save_party_details

    with db.session() as s:
        save_party_details(s, "school", replace(party_details(s, "school"), address="", representative=""))
        save_party_details(s, "college", replace(party_details(s, "college"), contact=""))
        i = s.get(Internship, ids[0])
        s.get(Enterprise, i.enterprise_id).legal_representative = ""
        s.get(Student, i.student_id).emergency_contact = ""
    with db.session() as s:
        plan = plan_batch(s, ids)
        result = write_tripartite_batch(s, ids, tmp_path / "out")
    assert plan.ready == () and len(plan.missing) == 3
    assert result.files == () and result.refused
    assert result.skipped[0] == (
        "张三（机电2201班）",
        "缺少学校地址、学校法定代表人、二级学院联系人、紧急联系人、实习单位法定代表人",
    )


def test_the_plan_says_what_a_batch_will_do(db: Database, ids: list[str]) -> None:
    more = make_internships(db, ["赵六"], class_name="机电2202班")
    with db.session() as s:
        _break(s, s.get(Internship, ids[0]), "night")
        s.get(Internship, ids[1]).kind = "认识实习"
        s.get(Student, s.get(Internship, more[0]).student_id).home_address = ""
    with db.reader() as s:
        plan = plan_batch(s, [*ids, *more], today=TODAY)
        chosen = select_internships(s, all_=True)
    assert plan.ready == (ids[2],) and plan.not_needed == ("李四（机电2201班）",)
    assert [who for who, _ in plan.blocked] == ["张三（机电2201班）"]
    assert plan.missing == (("赵六（机电2202班）", "缺少家庭住址"),) and plan.total == 4
    assert ids[1] not in chosen and len(chosen) == 3  # --all leaves the 认识实习 out
    lines = plan_lines(plan)
    assert lines[0] == "不符合实习规定、不生成（1 条）：" and "认识实习不需要三方协议" in lines[-2]


def test_a_placement_of_unknown_grade_is_not_ready(db: Database, ids: list[str], tmp_path: Path) -> None:
    """Without 入学年份 the grade rule cannot be checked: no agreement presented as ready to sign."""
    with db.session() as s:
        s.get(Student, s.get(Internship, ids[1]).student_id).entry_year = None
    with db.session() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out", today=TODAY)
    ((who, reasons),) = result.blocked
    assert who == "李四（机电2201班）" and any("入学年份未填写" in r for r in reasons), reasons


def test_reserved_numbers_stand_when_the_batch_is_cancelled(
    db: Database, ids: list[str], tmp_path: Path
) -> None:
    """The window and the command line reserve the 协议编号 in a transaction of their own, then render on a
    reader: a batch cancelled at once keeps them, and the next batch prints the same numbers."""
    from app.docs.internship import reserve_agreement_numbers

    with db.session() as s:
        numbers = reserve_agreement_numbers(s, ids, today=TODAY)
    assert sorted(numbers.values()) == ["2026-SX-0001", "2026-SX-0002", "2026-SX-0003"]
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BatchCancelled), db.reader() as s:
        write_tripartite_batch(s, ids, tmp_path / "a", cancel=cancel, today=TODAY, numbers_reserved=True)
    with db.reader() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "b", today=TODAY, numbers_reserved=True)
        assert {s.get(Internship, i).agreement_no for i in ids} == set(numbers.values())
    assert len(result.files) == 3
    assert f"协议编号：{numbers[ids[0]]}" in text_of(result.files[0]) or any(
        f"协议编号：{numbers[ids[0]]}" in text_of(f) for f in result.files
    )
