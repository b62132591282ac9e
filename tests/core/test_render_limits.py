"""Templates no limit could stop (issue #22, finding 2): each hostile template is built here, rendered through
the render process (app/docs/worker.py) and refused with a Chinese message that says what was too big or
too slow. Limits are made small where the test needs the hard stop (the deadline, the memory limit) to be
what stops it, so each test takes a few seconds at most."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

from app.docs import precheck, sandbox, worker
from app.docs.render import render_docx, template_bytes
from app.errors import DocumentTemplateError
from tests.core.test_docs import make_template as docs_template

POWER = "{{ (((10**100)**100)**100)**100 }}"


def make_template(tmp_path: Path, *paragraphs: str, name: str = "坏模板.docx") -> Path:
    return docs_template(tmp_path, *paragraphs, name=name)


def with_body(tmp_path: Path, body: str, name: str = "坏模板.docx") -> Path:
    """A real .docx whose document.xml body is `body` (raw WordprocessingML)."""
    buffer = io.BytesIO()
    Document().save(buffer)
    out = tmp_path / name
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                data = re.sub(r"<w:body>.*<w:sectPr", f"<w:body>{body}<w:sectPr", text, flags=re.S).encode()
            dst.writestr(info.filename, data)
    return out


def refused(tmp_path: Path, template: Path, context: dict | None = None) -> str:
    out = tmp_path / "out.docx"
    with pytest.raises(DocumentTemplateError) as e:
        render_docx(template, context or {}, out)
    assert not out.exists()
    assert template.name in e.value.message
    return e.value.message


# ---------------------------------------------------------------- the hard limits of the render process


def test_work_in_c_code_is_stopped_by_the_deadline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The power runs inside one C call, where no deadline in the app's own process could interrupt it: the
    render process is killed instead (the number guard is lifted so that the deadline is what stops it)."""
    monkeypatch.setattr(worker, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(sandbox, "MAX_INT_BITS", 10**15)
    message = refused(tmp_path, make_template(tmp_path, "标题", POWER))
    assert "渲染超过1秒仍未完成，已停止" in message


def test_the_render_process_is_gone_after_a_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(worker, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(sandbox, "MAX_INT_BITS", 10**15)
    data = template_bytes(make_template(tmp_path, POWER), "坏模板.docx")
    render = worker.RenderWorker(data, "坏模板.docx")
    with pytest.raises(worker.RenderStopped):
        render.fill({})
    assert render.pid and render._process is None
    with pytest.raises(worker.RenderStopped, match="超过1秒"):  # and it renders nothing more
        render.fill({})
    render.close()


def test_a_render_process_that_dies_is_reported(tmp_path: Path) -> None:
    """Killed from outside (the OS out of memory, say) between two documents: the next one says so."""
    data = template_bytes(make_template(tmp_path, "{{ x }}"), "t.docx")
    with worker.RenderWorker(data, "t.docx") as render:
        assert Document(io.BytesIO(render.fill({"x": "一"}))).paragraphs[0].text == "一"
        render._process.kill()
        render._process.join(5)
        with pytest.raises(worker.RenderStopped, match="渲染时生成进程意外退出"):
            render.fill({"x": "二"})


_ORPHAN = """
import sys
from pathlib import Path
from app.docs import sandbox, worker
from app.docs.render import template_bytes
sandbox.MAX_INT_BITS = 10**15  # the guard lifted: the render works on in C code
render = worker.RenderWorker(template_bytes(Path(sys.argv[1]).read_bytes(), "坏模板.docx"), "坏模板.docx")
render.seconds = 600
render._start()
print(render.pid, flush=True)
render.fill({})
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: the parent-death signal")
def test_the_render_process_goes_with_the_app_killed(tmp_path: Path) -> None:
    """The app killed (kill -9) while a template renders on in C code: its render process goes with it
    instead of burning a core until it is done (Windows: the job object does the same)."""
    import os
    import signal
    import subprocess
    import time

    template = make_template(tmp_path, POWER)
    app = subprocess.Popen([sys.executable, "-c", _ORPHAN, str(template)], stdout=subprocess.PIPE, text=True)
    try:
        child = int(app.stdout.readline())
        time.sleep(0.5)  # the child is rendering
        os.kill(app.pid, signal.SIGKILL)
        app.wait(10)
        for _ in range(100):
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the render process outlived the app")
    finally:
        app.kill()
        app.stdout.close()


def _under_wine() -> bool:
    if sys.platform != "win32":
        return False
    import ctypes

    return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS does not enforce RLIMIT_AS")
@pytest.mark.skipif(_under_wine(), reason="Wine does not enforce a job object's memory limit")
def test_memory_limit_stops_a_template(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With the build budgets lifted, a value doubled 40 times needs a terabyte: the render process's memory
    limit stops it, and the message says so."""
    monkeypatch.setattr(worker, "MEMORY_MB", 300)
    monkeypatch.setattr(worker, "RENDER_SECONDS", 10.0)
    monkeypatch.setattr(sandbox, "MAX_BUILT", 10**15)
    doubling = "{% set ns = namespace(a='xxxxxxxx') %}{% for i in range(40) %}{% set ns.a = ns.a ~ ns.a %}{% endfor %}"
    message = refused(tmp_path, make_template(tmp_path, doubling, "{{ ns.a|length }}"))
    assert "占用内存超过300 MB" in message


@pytest.mark.skipif(sys.platform != "win32", reason="a Windows job object")
def test_the_render_process_is_in_a_job_object(tmp_path: Path) -> None:
    import ctypes

    k32 = ctypes.WinDLL("kernel32", use_last_error=True)
    k32.OpenProcess.restype = ctypes.c_void_p
    k32.OpenProcess.argtypes = (ctypes.c_uint32, ctypes.c_int, ctypes.c_uint32)
    k32.IsProcessInJob.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int))
    k32.CloseHandle.argtypes = (ctypes.c_void_p,)
    data = template_bytes(make_template(tmp_path, "{{ x }}"), "t.docx")
    with worker.RenderWorker(data, "t.docx") as render:
        render.fill({"x": 1})
        assert render._job is not None  # Windows accepted the job and its memory limit
        process = k32.OpenProcess(0x0400, False, render.pid)  # PROCESS_QUERY_INFORMATION
        in_job = ctypes.c_int(0)
        assert process and k32.IsProcessInJob(process, None, ctypes.byref(in_job)), ctypes.get_last_error()
        k32.CloseHandle(process)
    assert in_job.value


# ---------------------------------------------------------------- the sandbox's budgets


def test_huge_power_is_refused_before_it_is_computed(tmp_path: Path) -> None:
    message = refused(tmp_path, make_template(tmp_path, "标题", POWER))
    assert f"占位符“{POWER}”计算的数字过大" in message


@pytest.mark.parametrize(
    ("template", "named"),
    [
        (  # the issue's ~ doubling (a namespace carries the value from one round to the next)
            "{% set ns = namespace(a='x') %}{% for i in range(34) %}{% set ns.a = ns.a ~ ns.a %}{% endfor %}",
            "{% set ns.a = ns.a ~ ns.a %}",
        ),
        ("{% set a = 'x' %}" + "{% set a = a ~ a %}" * 34, "{% set a = a ~ a %}"),  # written out, no loop
        ("{% set a = 'x' %}" + "{% set a = a + a %}" * 34, "{% set a = a + a %}"),
        (
            "{% set ns = namespace(a=[1]) %}{% for i in range(34) %}{% set ns.a = ns.a + ns.a %}{% endfor %}",
            "{% set ns.a = ns.a + ns.a %}",
        ),
        (
            "{% set ns = namespace(a=['x']) %}{% for i in range(34) %}"
            "{% set ns.a = [ns.a|join, ns.a|join] %}{% endfor %}",
            "{% set ns.a = [ns.a|join, ns.a|join] %}",
        ),
        (
            "{% set ns = namespace(a=3) %}{% for i in range(40) %}{% set ns.a = ns.a * ns.a %}{% endfor %}",
            "{% set ns.a = ns.a * ns.a %}",
        ),
    ],
)
def test_doubling_with_concat_and_plus_is_counted(tmp_path: Path, template: str, named: str) -> None:
    message = refused(tmp_path, make_template(tmp_path, "标题", template))
    assert f"占位符“{named}”" in message
    assert re.search("生成的内容过多|计算的数字过大", message)


def test_short_concatenations_cost_nothing(tmp_path: Path) -> None:
    """Names and labels put together with ~ and + over a long list are what templates do: not refused."""
    template = make_template(
        tmp_path, "{% for e in es %}{{ e.name ~ '（' ~ e.city ~ '）' + '；' }}{% endfor %}"
    )
    es = [{"name": f"企业{i}", "city": "长沙"} for i in range(2000)]
    render_docx(template, {"es": es}, tmp_path / "out.docx")
    assert Document(str(tmp_path / "out.docx")).paragraphs[0].text.count("（长沙）") == 2000


def test_nested_loops_over_real_lists_are_refused(tmp_path: Path) -> None:
    loops = "".join(f"{{% for x{i} in items %}}" for i in range(8)) + "{{ x7 }}" + "{% endfor %}" * 8
    message = refused(
        tmp_path, make_template(tmp_path, loops), {"items": ["甲", "乙", "丙", "丁", "戊", "己"]}
    )
    assert "循环次数过多（超过50000次，可能是循环嵌套过深）" in message


def test_rendered_size_is_limited(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sandbox, "MAX_RENDERED", 200_000)
    loop = "{% for row in rows %}{{ row }}{% endfor %}"
    message = refused(tmp_path, make_template(tmp_path, loop), {"rows": ["很长的一行文字" * 20] * 2000})
    assert "生成的文档过大（超过20万个字符" in message


# ---------------------------------------------------------------- before docxtpl sees it


def test_forty_thousand_tags_in_one_paragraph_are_refused_before_docxtpl(tmp_path: Path) -> None:
    message = refused(tmp_path, make_template(tmp_path, "{%" * 40_000))
    assert "占位符和标记过多（超过5000个）" in message


def test_too_many_tags_in_one_paragraph(tmp_path: Path) -> None:
    message = refused(tmp_path, make_template(tmp_path, "第一段", "{{ x }}" * 300))
    assert "中有300个占位符或标记（一个段落最多200个）" in message


@pytest.mark.parametrize(
    "body",
    [
        "<w:p><w:r><w:t>{{ a</w:t></w:r></w:p>" * 3000,  # never closed: docxtpl scans to the end from each
        "<w:p><w:r><w:t>{{% x }}</w:t></w:r></w:p>" * 3000,  # "{%" inside, never closed by "%}"
        "<w:p>" + "<w:r><w:t>{</w:t></w:r>" * 150 + "</w:p>",  # Word split the braces into runs
        "<w:p><w:r><w:t>" + "&#123;&#123; a " * 300 + "</w:t></w:r></w:p>",  # character references
    ],
)
def test_unclosed_and_hidden_tags_are_refused(tmp_path: Path, body: str) -> None:
    filler = "<w:p><w:r><w:t>" + "正文" * 50_000 + "</w:t></w:r></w:p>"
    message = refused(tmp_path, with_body(tmp_path, body + filler))
    assert re.search("没有结尾|占位符或标记（一个段落最多|占位符和标记过多", message)


def test_huge_document_xml_is_refused_before_docxtpl(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>"
        + ("<w:p><w:r><w:t>" + "a" * 1000 + "</w:t></w:r></w:p>") * 6000
    )
    message = refused(tmp_path, with_body(tmp_path, body))
    assert "“word/document.xml”过大（超过5 MB）" in message


def test_builtin_templates_are_far_below_the_limits() -> None:
    from resources import resource_bytes

    for path in sorted((Path(__file__).resolve().parents[2] / "resources" / "templates").glob("*.docx")):
        data = resource_bytes("templates", path.name)
        precheck.check_parts(data, path.name)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.getinfo("word/document.xml").file_size * 20 < precheck.MAX_PART_BYTES
