"""A big file's reading (the scan that takes every cell, app/io/sheet_scan.py) says how far it is and stops
when the user presses 取消 — before, the progress and the cancel began only once the rows were checked."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.errors import Cancelled, ImportFileError
from app.io.importing import ImportRow, read_file
from app.io.sheet_scan import ROWS_TOLD
from app.io.xlsx import open_workbook, row_values


def _book(path: Path, rows: int, title: str = "名单") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["姓名", "备注"])
    for i in range(rows):
        ws.append([f"学生{i}", i])
    wb.save(path)
    return path


def test_the_scan_tells_the_rows_read_and_the_values_are_the_same(tmp_path: Path) -> None:
    path = _book(tmp_path / "a.xlsx", 2 * ROWS_TOLD + 500)
    told: list[tuple[str, int]] = []
    wb = open_workbook(path, on_rows=lambda sheet, n: told.append((sheet, n)))
    try:
        got = list(row_values(wb.active))
    finally:
        wb.close()
    assert told == [("名单", ROWS_TOLD), ("名单", 2 * ROWS_TOLD)]
    plain = open_workbook(path)
    try:
        assert got == list(row_values(plain.active))
    finally:
        plain.close()
    assert got[0] == ("姓名", "备注") and got[-1] == (f"学生{2 * ROWS_TOLD + 499}", 2 * ROWS_TOLD + 499)


def test_what_the_hook_raises_comes_out_as_it_is(tmp_path: Path) -> None:
    """Cancelled from the hook stops the reading: not taken for a damaged file (已损坏)."""
    path = _book(tmp_path / "b.xlsx", 3 * ROWS_TOLD)

    def stop(sheet: str, n: int) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled):
        open_workbook(path, on_rows=stop)


def _reader(columns: dict[str, str]):
    def read(row_no: int, raw: dict) -> ImportRow:
        return ImportRow(row_no, raw["name"], (), (), {})

    return read


def test_an_import_is_cancelled_while_its_file_is_read(tmp_path: Path) -> None:
    path = _book(tmp_path / "c.xlsx", 5 * ROWS_TOLD)
    cancel = threading.Event()
    said: list[str] = []

    def progress(fraction: float, message: str) -> None:
        said.append(message)
        if message.startswith("正在读取工作表"):
            cancel.set()  # the user presses 取消 as soon as the reading shows

    with pytest.raises(Cancelled):
        read_file(path, {"name": ("姓名",)}, {"name"}, _reader, progress=progress, cancel=cancel)
    assert said == ["正在打开文件…", f"正在读取工作表“名单”：已读{ROWS_TOLD}行…"]
    assert not any(m.startswith("正在检查") for m in said)  # stopped before a row was checked


def test_without_cancel_the_import_reads_every_row_and_says_so(tmp_path: Path) -> None:
    path = _book(tmp_path / "d.xlsx", 2 * ROWS_TOLD + 1)
    said: list[str] = []
    preview = read_file(path, {"name": ("姓名",)}, {"name"}, _reader, progress=lambda f, m: said.append(m))
    assert [r.data for r in preview.rows] == [f"学生{i}" for i in range(2 * ROWS_TOLD + 1)]
    reading = [m for m in said if m.startswith("正在读取")]
    assert reading == [f"正在读取工作表“名单”：已读{n}行…" for n in (ROWS_TOLD, 2 * ROWS_TOLD)]
    assert said.index(reading[-1]) < said.index("正在检查第2行…")


def test_a_damaged_file_is_still_said_to_be_damaged(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportFileError):
        open_workbook(path, on_rows=lambda sheet, n: None)
