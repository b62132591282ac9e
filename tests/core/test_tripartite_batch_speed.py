"""What makes a batch of 三方协议 fast changes nothing in what it writes: a document filled by the batch's
TemplateCache (one opened template filled again and again, the unchanged parts deflated once) has the same
bytes as one filled from a freshly opened template and saved by python-docx, but for the times in the zip;
so does the combined print copy; and two render processes write the same files, in order, as one."""

from __future__ import annotations

import io
import struct
import threading
import zipfile
from pathlib import Path

import pytest
from docx import Document

from app.db.engine import Database
from app.docs import internship, sandbox, worker
from app.docs.combine import Combined
from app.docs.internship import builtin_template, contexts, write_tripartite_batch
from app.docs.render import FillSession, document_bytes, fill_docx, template_bytes
from app.errors import BatchCancelled
from tests.tripartite_data import make_internships

NAMES = ["张三", "李四", "王五", "赵六", "钱七"]


def without_times(data: bytes) -> bytes:
    """The .docx bytes with the modification time of each zip entry (local header and central directory)
    set to zero: what differs between two saves of the same document a second apart."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            out[info.header_offset + 10 : info.header_offset + 14] = bytes(4)
    end = data.rindex(b"PK\x05\x06")
    count, _size, at = struct.unpack("<HLL", data[end + 10 : end + 20])
    for _ in range(count):
        assert data[at : at + 4] == b"PK\x01\x02"
        name, extra, comment = struct.unpack("<HHH", data[at + 28 : at + 34])
        out[at + 12 : at + 16] = bytes(4)
        at += 46 + name + extra + comment
    return bytes(out)


def one_at_a_time(data: bytes, ctx: dict) -> bytes:
    """The way before the cache: a freshly opened template, filled, saved by python-docx."""
    return document_bytes(fill_docx(data, ctx, name="t"), name="t")


def header_template(tmp_path: Path) -> bytes:
    """A template whose body, header, footer and title are filled, and whose footnotes hold a tag too."""
    doc = Document(io.BytesIO(builtin_template()))
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ student.name }}"
    doc.core_properties.title = "{{ student.name }}的三方协议"
    path = tmp_path / "页眉.docx"
    doc.save(str(path))
    return template_bytes(path, "页眉.docx")


@pytest.mark.parametrize("template", ["builtin", "header"])
def test_a_batchs_documents_are_those_filled_one_at_a_time(
    db: Database, tmp_path: Path, template: str
) -> None:
    ids = make_internships(db, NAMES)
    with db.reader() as s:
        ctxs = contexts(s, ids)
    data = template_bytes(builtin_template(), "t") if template == "builtin" else header_template(tmp_path)
    session = FillSession(data, "t")
    batch = [session.fill(ctx, full_check=n == 0) for n, ctx in enumerate(ctxs)]
    assert session.cache.packer is not None and len(session.cache.packer.fixed) >= 5  # styles, theme …
    for ctx, document in zip(ctxs, batch, strict=True):
        assert without_times(document) == without_times(one_at_a_time(data, ctx))
    assert len({without_times(d) for d in batch}) == len(NAMES)  # each its own student


def test_the_combined_copy_is_the_one_built_from_fresh_templates(db: Database) -> None:
    ids = make_internships(db, NAMES[:3])
    with db.reader() as s:
        ctxs = contexts(s, ids)
    data = template_bytes(builtin_template(), "t")
    session = FillSession(data, "t")
    for n, ctx in enumerate(ctxs):
        session.fill(ctx, full_check=n == 0, combine=True)
    fresh = [fill_docx(data, ctx, name="t") for ctx in ctxs]
    merged = Combined(fresh[0].docx)
    for tpl in fresh[1:]:
        merged.append(tpl.docx)
    assert without_times(session.combined()) == without_times(document_bytes(merged, name="t"))


def test_two_render_processes_write_what_one_writes_in_order(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = make_internships(db, NAMES)
    with db.session() as s:
        alone = write_tripartite_batch(s, ids, tmp_path / "one")
    started: list[int] = []
    start = worker.RenderWorker._start

    def counted_start(self: worker.RenderWorker) -> None:
        start(self)
        started.append(self.pid)

    monkeypatch.setattr(worker.RenderWorker, "_start", counted_start)
    monkeypatch.setattr(internship, "POOL_FROM", 2)
    monkeypatch.setattr(internship.os, "cpu_count", lambda: 2)
    progress: list[str] = []
    with db.session() as s:
        pooled = write_tripartite_batch(s, ids, tmp_path / "two", progress=lambda f, m: progress.append(m))
    assert len(set(started)) == 2
    assert [p.name for p in pooled.files] == [p.name for p in alone.files] and len(pooled.files) == len(NAMES)
    for a, b in zip(alone.files, pooled.files, strict=True):
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            assert za.read("word/document.xml") == zb.read("word/document.xml")
    assert [m.split("：")[1] for m in progress[:-1]] == [p.name for p in alone.files]


def test_a_stopped_process_in_a_pool_stops_the_batch_in_order(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two processes the second document may be filled before the first is written; a document stopped
    at its deadline still leaves the ones before it written and the ones after it listed as not written."""
    ids = make_internships(db, NAMES)
    monkeypatch.setattr(worker, "RENDER_SECONDS", 1.0)
    monkeypatch.setattr(
        sandbox, "MAX_INT_BITS", 10**15
    )  # the power reaches C code: only the deadline stops it
    monkeypatch.setattr(internship, "POOL_FROM", 2)
    monkeypatch.setattr(internship.os, "cpu_count", lambda: 2)
    doc = Document()
    doc.add_paragraph("{{ student.name }}")
    doc.add_paragraph("{% if student.name == '王五' %}{{ (((10**100)**100)**100)**100 }}{% endif %}")
    template = tmp_path / "慢.docx"
    doc.save(str(template))
    out = tmp_path / "out"
    with db.session() as s:
        result = write_tripartite_batch(s, ids, out, template=template)
    assert [p.name.split("_")[2] for p in result.files] == ["张三", "李四"]
    assert sorted(out.iterdir()) == sorted(result.files)
    (who, why), *later = result.skipped
    assert who.startswith("王五") and "超过1秒仍未完成" in why
    assert [w.split("（")[0] for w, _ in later] == ["赵六", "钱七"] and all("未生成" in r for _, r in later)


@pytest.fixture
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(internship, "POOL_FROM", 2)
    monkeypatch.setattr(internship.os, "cpu_count", lambda: 2)


@pytest.mark.usefixtures("two_processes")
def test_in_a_pool_an_agreement_that_cannot_be_filled_is_skipped(db: Database, tmp_path: Path) -> None:
    ids = make_internships(db, NAMES)
    doc = Document()
    doc.add_paragraph("{{ student.name }}{% if student.name == '李四' %}{{ student.nosuch }}{% endif %}")
    template = tmp_path / "坏一份.docx"
    doc.save(str(template))
    with db.session() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out", template=template)
    assert [p.name.split("_")[2] for p in result.files] == ["张三", "王五", "赵六", "钱七"]
    ((who, why),) = result.skipped
    assert who.startswith("李四") and "nosuch" in why


@pytest.mark.usefixtures("two_processes")
def test_cancelling_a_pooled_batch_keeps_the_files_written_only(db: Database, tmp_path: Path) -> None:
    ids = make_internships(db, NAMES)
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if "第 3/" in message:
            cancel.set()

    out = tmp_path / "out"
    with db.session() as s, pytest.raises(BatchCancelled) as e:
        write_tripartite_batch(s, ids, out, progress=progress, cancel=cancel)
    assert len(e.value.files) == 2 and sorted(out.iterdir()) == sorted(e.value.files)


@pytest.mark.usefixtures("two_processes")
def test_a_second_process_that_cannot_start_leaves_the_batch_to_the_first(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    names = ["张三", "李四", "王五", "赵六"]
    ids = make_internships(db, names)
    real = worker.RenderWorker._start
    started: list[int] = []

    def start(self: worker.RenderWorker) -> None:
        started.append(1)
        if len(started) == 1:  # the pool's second process (the first starts with the first document)
            raise worker.DocumentTemplateError("无法启动文档生成进程", "test")
        real(self)

    monkeypatch.setattr(worker.RenderWorker, "_start", start)
    with db.session() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out")
    assert len(result.files) == len(names)
    assert [p for p in multiprocessing.active_children() if p.name == "chanjiao-render"] == []


def test_a_start_the_system_refuses_once_is_tried_again(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows can refuse to start a process for a moment (seen under Wine right after the previous render
    process was ended): the batch tries again instead of failing."""
    import multiprocessing.process

    real = multiprocessing.process.BaseProcess.start
    refused: list[int] = []

    def start(self) -> None:
        if self.name == "chanjiao-render" and not refused:
            refused.append(1)
            raise OSError(1359, "内部错误。")
        real(self)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start)
    ids = make_internships(db, ["张三", "李四"])
    with db.session() as s:
        result = write_tripartite_batch(s, ids, tmp_path / "out")
    assert refused and len(result.files) == 2
