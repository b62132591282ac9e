"""Word documents from templates: the draft agreement and the 运行报告 filled from real records, the sandbox,
bad templates (clear messages naming the placeholder, nothing half-written), and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import Major
from app.docs import sandbox, worker
from app.docs.common import copies_text
from app.docs.cooperation import (
    PLACEHOLDERS,
    agreement_context,
    builtin_template,
    project_report_context,
    save_builtin_template,
    write_agreement_document,
    write_project_report,
)
from app.docs.render import render_docx, template_tags
from app.errors import AppError, DocumentTemplateError, NotFound, ValidationError
from app.services.agreements import AgreementData, create_agreement
from app.services.enterprises import ContactData, EnterpriseData, create_enterprise
from app.services.meetings import ActionItemData, MeetingData, create_meeting
from app.services.projects import KPIData, ProjectData, create_project
from app.services.settings import CollegeProfile, MajorGroupInfo, save_profile
from tests.cli_run import run_cli
from tests.codes import valid_uscc
from tests.reader_text import docx_text, tool_words

TODAY = dt.date(2026, 11, 23)
ODD_NAME = "A&B <智能> 装备有限公司"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rec(db: Database) -> dict[str, str]:
    with db.session() as s:
        save_profile(
            s,
            CollegeProfile(
                school="湖南湘江职业技术学院",
                college="智能制造学院",
                groups=(MajorGroupInfo("智能制造专业群", ("机电一体化技术",)),),
            ),
        )
        a = create_enterprise(
            s,
            EnterpriseData(
                name=ODD_NAME,
                uscc=valid_uscc(1),
                address="长沙市岳麓区麓谷大道1号",
                legal_representative="李总",
                status="合作中",
                contacts=(ContactData("张伟", phone="13900000000"),),
            ),
        ).ids[0]
        b = create_enterprise(s, EnterpriseData(name="株洲恒信电气有限公司", status="合作中")).ids[0]
        agreement = create_agreement(
            s,
            AgreementData(
                title="订单培养合作协议 & <试点>",
                kind="订单培养",
                enterprise_ids=(a, b),
                number="JD-2025-007",
                starts_on=dt.date(2025, 9, 1),
                ends_on=dt.date(2028, 8, 31),
                has_revenue_clause=True,
                revenue_clause="培训收益按甲乙 6:4 分配 & 每学期结算\r\n  收益分配方案报学校审定后执行。",
                note="控制字符\x01已去掉",
            ),
        ).ids[0]
        major = s.scalar(select(Major.id))
        project = create_project(
            s,
            ProjectData(
                name="智能制造现代产业学院",
                kind="现代产业学院",
                leader="李明",
                starts_on=dt.date(2025, 9, 1),
                kpis=(KPIData("订单班学生", 40, "人", 30), KPIData("共同开发课程", 3, "门")),
                enterprise_ids=(a, b),
                agreement_ids=(agreement,),
                major_ids=(major,),
            ),
        ).ids[0]
        create_meeting(
            s,
            MeetingData(
                project,
                dt.date(2025, 10, 15),
                place="学院会议室",
                attendees="李明、张伟",
                decisions="确定订单班名单\n启动课程开发",
                action_items=(ActionItemData("提交订单班名单", "王芳", dt.date(2025, 11, 1)),),
            ),
        )
        create_meeting(
            s, MeetingData(project, dt.date(2026, 3, 10), place="企业车间", decisions="第二学期的决定")
        )
    return {"a": a, "b": b, "agreement": agreement, "project": project}


def texts(path: Path) -> list[str]:
    """Every paragraph, then every table row (cells joined by |), as python-docx reads them."""
    doc = Document(str(path))
    rows = ["|".join(c.text for c in row.cells) for t in doc.tables for row in t.rows]
    return [p.text for p in doc.paragraphs] + rows


def make_template(tmp_path: Path, *paragraphs: str, name: str = "自定义模板.docx") -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / name
    doc.save(str(path))
    return path


# ---------------------------------------------------------------- the documents


def test_agreement_document_is_filled(db: Database, rec: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "协议草稿.docx"
    with db.reader() as s:
        assert write_agreement_document(s, rec["agreement"], out, today=TODAY) == out
    lines = texts(out)
    body = "\n".join(lines)
    assert "订单培养合作协议 & <试点>" in lines
    # 甲方 is the school (the legal person), the college the unit carrying the cooperation out
    assert lines[lines.index("甲方：湖南湘江职业技术学院") + 1] == "实施单位：智能制造学院"
    assert "法定代表人：李总" in lines  # from the enterprise's archive
    assert f"乙方：{ODD_NAME}" in lines  # & < > round trip exactly
    assert "丙方：株洲恒信电气有限公司" in lines
    assert f"统一社会信用代码：{valid_uscc(1)}" in lines
    assert "协议编号：JD-2025-007" in lines
    assert "本协议合作期限为2025年9月1日至2028年8月31日" in body
    assert "（以下分别简称“乙方”“丙方”）" in body
    i = lines.index("培训收益按甲乙 6:4 分配 & 每学期结算")
    assert lines[i + 1] == "收益分配方案报学校审定后执行。"
    assert "各方围绕“订单培养合作协议 & <试点>”开展合作" in body  # three parties: 各方, not 双方
    assert "本合作不以营利为目的" not in body  # the clause given replaces the default text
    assert "合作中各方投入的设备" in body  # no asset clause: the default text
    assert "控制字符\x01已去掉" not in body  # the internal 备注 is not part of the agreement text
    assert agreement_context_note(db, rec) == "控制字符已去掉"  # characters XML forbids are removed
    assert "甲方|湖南湘江职业技术学院智能制造学院||    年  月  日" in lines  # unsigned: blank date
    assert f"乙方|{ODD_NAME}||    年  月  日" in lines
    assert "丙方|株洲恒信电气有限公司||    年  月  日" in lines
    assert "本协议自各方签字盖章之日起生效，一式六份，各方各执两份，具有同等法律效力。" in body  # 3 parties
    assert "若干" not in body and not tool_words(docx_text(out))
    assert "{{" not in body and "{%" not in body


def test_copies_follow_the_number_of_parties() -> None:
    assert copies_text(2) == "一式四份，双方各执两份"
    assert copies_text(3) == "一式六份，各方各执两份"
    assert copies_text(6) == "一式十二份，各方各执两份"


def agreement_context_note(db: Database, rec: dict[str, str]) -> str:
    with db.reader() as s:
        return agreement_context(s, rec["agreement"])["agreement"]["note"]


def test_report_has_this_semesters_data_only(db: Database, rec: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "运行报告.docx"
    with db.reader() as s:
        write_project_report(s, rec["project"], "2025-2026-1", out, today=TODAY)
    lines = texts(out)
    body = "\n".join(lines)
    assert "（2025—2026学年第一学期）" in lines
    assert "报告期|2025—2026学年第一学期（2025年9月1日至2026年1月31日）" in lines
    assert f"合作企业|{ODD_NAME}、株洲恒信电气有限公司" in lines
    assert "合作层次|融合层" in lines and "项目负责人|李明" in lines and "面向专业|机电一体化技术" in lines
    assert "序号|指标|单位|目标值|完成值|完成率" in lines
    assert "1|订单班学生|人|40|30|75%" in lines
    assert "2|共同开发课程|门|3|—|—" in lines
    assert "本学期共召开项目协调会议1次，会议议定的待办事项中尚有1项未完成。" in lines
    assert "（1）2025年10月15日  学院会议室" in lines
    i = lines.index("议定事项：确定订单班名单")
    assert lines[i + 1] == "启动课程开发"  # each line of a multi-line value is a paragraph
    assert "1. 提交订单班名单（责任人：王芳；完成期限：2025年11月1日；未完成）" in lines
    assert "关联协议：订单培养合作协议 & <试点>（编号：JD-2025-007，状态：草稿）" in lines
    assert "第二学期的决定" not in body
    # 五–七 from the records, never a prompt to fill in
    assert lines[lines.index("五、主要成效") + 1] == "（无）"
    i = lines.index("六、存在问题与改进措施")
    assert lines[i + 1 : i + 3] == [
        "1. 关键指标“订单班学生”完成30人，未达目标40人。",
        "2. 会议议定事项“提交订单班名单”逾期未完成（期限2025年11月1日，责任人王芳）。",
    ]
    i = lines.index("七、下学期工作计划")
    assert lines[i + 1 : i + 3] == [
        "1. 提交订单班名单（责任人王芳，期限2025年11月1日）。",
        "2. 继续推进关键指标“订单班学生”（目标40人）。",
    ]
    assert "请填写" not in body and not tool_words(docx_text(out))
    assert "{{" not in body and "{%" not in body

    with db.reader() as s:
        write_project_report(s, rec["project"], "2025-2026-2", out, today=TODAY)
    body = "\n".join(texts(out))
    assert "第二学期的决定" in body and "确定订单班名单" not in body


def test_report_without_kpis_or_meetings(db: Database, rec: dict[str, str], tmp_path: Path) -> None:
    with db.session() as s:
        bare = create_project(
            s, ProjectData(name="技能大师工作室", kind="技能大师工作室", tier="deepening")
        ).ids[0]
    out = tmp_path / "报告.docx"
    with db.reader() as s:
        write_project_report(s, bare, "2025-2026-1", out, today=TODAY)
    lines = texts(out)
    assert "本项目尚未设置关键指标。" in lines
    assert "本学期共召开项目协调会议0次，会议议定的待办事项中尚有0项未完成。" in lines
    assert "项目负责人|未指定" in lines


def test_bad_input_is_refused(db: Database, rec: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    with db.reader() as s:
        with pytest.raises(ValidationError, match="2025-2026-1"):
            write_project_report(s, rec["project"], "2025-2027-1", out)
        with pytest.raises(NotFound):
            write_project_report(s, "no-such-project", "2025-2026-1", out)
        with pytest.raises(NotFound):
            write_agreement_document(s, "no-such-agreement", out)
    assert not out.exists()


def test_placeholders_documented_and_in_context(db: Database, rec: dict[str, str]) -> None:
    with db.reader() as s:
        contexts = {
            "agreement": agreement_context(s, rec["agreement"]),
            "report": project_report_context(s, rec["project"], "2025-2026-1"),
        }
    loops = {"p": ("agreement", "parties"), "m": ("report", "meetings")}
    guide = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    for kind, items in PLACEHOLDERS.items():
        ctx = contexts[kind]
        for name, _meaning in items:
            assert name in guide, name
            head, _, attr = name.partition(".")
            if head in loops:
                assert attr in ctx[loops[head][1]][0], name
            elif attr:
                assert attr in ctx[head], name
            else:
                assert head in ctx, name


def test_builtin_templates_saved_for_editing_and_used_back(
    db: Database, rec: dict[str, str], tmp_path: Path
) -> None:
    saved = save_builtin_template("agreement", tmp_path / "模板" / "协议模板.docx")
    assert saved.read_bytes() == builtin_template("agreement")
    doc = Document(str(saved))
    doc.add_paragraph("自定义条款：编号 {{ agreement.number }}，{{ party_names }}")
    doc.save(str(saved))
    out = tmp_path / "自定义.docx"
    with db.reader() as s:
        write_agreement_document(s, rec["agreement"], out, saved)
    assert f"自定义条款：编号 JD-2025-007，{ODD_NAME}、株洲恒信电气有限公司" in texts(out)
    with pytest.raises(ValidationError):
        builtin_template("nosuch")


# ---------------------------------------------------------------- the sandbox and bad templates


@pytest.mark.parametrize(
    "placeholder",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ agreement.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% for i in range(10**9) %}{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ 'x'.ljust(100000000) }}",
        "{{ '{:>999999999}'.format(1) }}",
        "{{ '%0999999999d' % 1 }}",
        "{{ ('a' * 5000).replace('a', 'b' * 5000) }}",
    ],
)
def test_sandbox_refuses_code(db: Database, rec: dict[str, str], tmp_path: Path, placeholder: str) -> None:
    template = make_template(tmp_path, "协议：{{ agreement.title }}", placeholder)
    out = tmp_path / "out.docx"
    with db.reader() as s, pytest.raises(DocumentTemplateError) as e:
        write_agreement_document(s, rec["agreement"], out, template)
    assert "不允许" in e.value.message and "自定义模板.docx" in e.value.message
    assert re.match(r"\{[{%].*?[}%]\}", placeholder)[0] in e.value.message  # its (first) tag is named
    assert not out.exists()


def test_endless_template_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A template still rendering at the deadline is stopped by killing its render process (the loop budget
    is lifted here, so the deadline is what stops it)."""
    monkeypatch.setattr(worker, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(sandbox, "MAX_ITERATIONS", 10**12)
    loops = "".join(f"{{% for x{i} in n %}}" for i in range(9)) + "{% endfor %}" * 9  # 10**9 rounds
    template = make_template(tmp_path, "{{ title }}", loops)
    with pytest.raises(DocumentTemplateError, match="渲染超过1秒仍未完成，已停止"):
        render_docx(template, {"title": "t", "n": list(range(10))}, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()
    # the next document gets a render process of its own
    render_docx(make_template(tmp_path, "{{ title }}", name="ok.docx"), {"title": "t"}, tmp_path / "ok.docx")
    assert texts(tmp_path / "ok.docx")[0] == "t"


def test_common_filters_still_work(tmp_path: Path) -> None:
    template = make_template(
        tmp_path,
        "{{ a.title|upper }}；{{ parties|map(attribute='name')|join('、') }}；{{ a.number|default('无', true) }}",
        "{% for i in range(3) %}{{ loop.index }}{% endfor %}；{{ parties|length }}；{{ a.title|replace('x', 'y') }}",
    )
    ctx = {"a": {"title": "x&<>", "number": ""}, "parties": [{"name": "甲&乙"}, {"name": "丙"}]}
    render_docx(template, ctx, tmp_path / "out.docx")
    assert texts(tmp_path / "out.docx")[:2] == ["X&<>；甲&乙、丙；无", "123；2；y&<>"]


def test_unknown_placeholder_is_named(db: Database, rec: dict[str, str], tmp_path: Path) -> None:
    template = make_template(tmp_path, "{{ agreement.title }}", "编号：{{ agreement.nosuch }}")
    with db.reader() as s, pytest.raises(DocumentTemplateError) as e:
        write_agreement_document(s, rec["agreement"], tmp_path / "out.docx", template)
    assert "{{ agreement.nosuch }}" in e.value.message and "“nosuch”" in e.value.message
    # a dict method is not a field either
    template = make_template(tmp_path, "{{ agreement.items }}", name="b.docx")
    with db.reader() as s, pytest.raises(DocumentTemplateError, match="agreement.items"):
        write_agreement_document(s, rec["agreement"], tmp_path / "out.docx", template)
    template = make_template(tmp_path, "{{ agreemnt.title }}", name="c.docx")
    with db.reader() as s, pytest.raises(DocumentTemplateError, match="“agreemnt”"):
        write_agreement_document(s, rec["agreement"], tmp_path / "out.docx", template)


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (("标题：{{ agreement.title ",), "“{{ agreement.title”缺少结尾的“}}”"),
        (("{{ agreement.title }",), "缺少结尾的“}}”"),
        (("{{ agreement..title }}",), "“{{ agreement..title }}”写法不对"),
        (("{%p for p in parties %}", "{{ p.name }}"), "“{%p for p in parties %}”没有对应的结束标记"),
        (("{{ p.name }}", "{%p endfor %}"), "“{%p endfor %}”附近有多余的或不配对的结束标记"),
        (("{{ agreement.title | nosuchfilter }}",), "使用了不存在的过滤器"),
    ],
)
def test_broken_placeholder_is_named(
    db: Database, rec: dict[str, str], tmp_path: Path, paragraphs: tuple[str, ...], expected: str
) -> None:
    template = make_template(tmp_path, *paragraphs)
    with db.reader() as s, pytest.raises(DocumentTemplateError) as e:
        write_agreement_document(s, rec["agreement"], tmp_path / "out.docx", template)
    assert expected in e.value.message
    assert e.value.message.startswith("模板“自定义模板.docx”")


def test_failed_render_leaves_target_untouched(db: Database, rec: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "已有文件.docx"
    out.write_bytes(b"the user's earlier document")
    template = make_template(tmp_path, "{{ agreement.nosuch }}")
    with db.reader() as s, pytest.raises(DocumentTemplateError):
        write_agreement_document(s, rec["agreement"], out, template)
    assert out.read_bytes() == b"the user's earlier document"
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    fresh = tmp_path / "新文件.docx"
    with db.reader() as s, pytest.raises(DocumentTemplateError):
        write_agreement_document(s, rec["agreement"], fresh, template)
    assert not fresh.exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"just some text, not a Word file", "不是 Word 文档"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 .doc 格式或已加密"),
        (_zip({"hello.txt": b"hi"}), "不是 Word 文档"),
        (
            _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>", "bomb.bin": bytes(60 << 20)}),
            "解压后过大",
        ),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "已损坏或不是 Word 文档"),
    ],
)
def test_hostile_template_files_refused(tmp_path: Path, content: bytes, expected: str) -> None:
    template = tmp_path / "坏模板.docx"
    template.write_bytes(content)
    out = tmp_path / "out.docx"
    with pytest.raises(DocumentTemplateError) as e:
        render_docx(template, {}, out)
    assert expected in e.value.message and "坏模板.docx" in e.value.message
    assert not out.exists()


def test_missing_template_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentTemplateError, match="找不到模板文件"):
        render_docx(tmp_path / "没有.docx", {}, tmp_path / "out.docx")


def test_template_tags_in_tables_headers_and_split_runs(tmp_path: Path) -> None:
    doc = Document()
    p = doc.add_paragraph()
    for piece in ("{{ agre", "ement.ti", "tle }}"):  # Word splits a placeholder over runs when edited
        p.add_run(piece)
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "{{ school }}"
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ college }}"
    buf = io.BytesIO()
    doc.save(buf)
    assert set(template_tags(buf.getvalue())) == {"{{ agreement.title }}", "{{ school }}", "{{ college }}"}
    out = render_docx(
        buf.getvalue(), {"agreement": {"title": "T&<>"}, "school": "校", "college": "院"}, tmp_path / "o.docx"
    )
    result = Document(str(out))
    assert result.paragraphs[0].text == "T&<>"
    assert result.tables[0].cell(0, 0).text == "校"
    assert result.sections[0].header.paragraphs[0].text == "页眉 院"


# ---------------------------------------------------------------- CLI


def test_cli_round_trip(db: Database, rec: dict[str, str], db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "文档 输出（2026）"
    template = folder / "协议模板.docx"
    proc = run_cli("docs", "template", "agreement", "--out", str(template))
    assert proc.returncode == 0, proc.stderr
    assert template.read_bytes() == builtin_template("agreement")

    out = folder / "订单培养协议草稿.docx"
    args = ("docs", "agreement", rec["agreement"], "--db", str(db_path), "--out", str(out))
    proc = run_cli(*args, "--template", str(template), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"kind": "agreement", "file": str(out)}
    assert f"乙方：{ODD_NAME}" in texts(out)

    report = folder / "运行报告.docx"
    proc = run_cli(
        "docs",
        "report",
        rec["project"],
        "--semester",
        "2025-2026-1",
        "--db",
        str(db_path),
        "--out",
        str(report),
    )
    assert proc.returncode == 0, proc.stderr
    assert "1|订单班学生|人|40|30|75%" in texts(report)

    proc = run_cli("docs", "fields", "report", "--json")
    assert proc.returncode == 0 and {"placeholder": "project.name", "meaning": "项目名称"} in json.loads(
        proc.stdout
    )


def test_cli_bad_input_exits_2(db: Database, rec: dict[str, str], db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    db_args = ("--db", str(db_path), "--out", str(out))
    proc = run_cli("docs", "report", rec["project"], "--semester", "2025-1", *db_args)
    assert proc.returncode == 2 and "2025-2026-1" in proc.stderr
    proc = run_cli("docs", "agreement", "no-such-id", *db_args)
    assert proc.returncode == 2 and "协议" in proc.stderr
    bad = make_template(tmp_path, "{{ agreement.nosuch }}")
    proc = run_cli("docs", "agreement", rec["agreement"], *db_args, "--template", str(bad))
    assert proc.returncode == 2 and "agreement.nosuch" in proc.stderr
    assert not out.exists()


def test_messages_are_app_errors() -> None:
    assert issubclass(DocumentTemplateError, AppError)
