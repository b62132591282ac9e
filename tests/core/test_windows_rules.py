"""Rules that keep the app working on Chinese Windows (GBK default encoding, open files cannot be
replaced), checked on the source of app/ and ui/ so that a slip fails on Linux too, not only under Wine
(tests/windows/run_wine.sh, which cannot run ui/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for d in ("app", "ui") for p in (ROOT / d).rglob("*.py") if "versions" not in p.parts)
# The one module allowed to rename files: everything else saves through app.fsutil.atomic_path.
RENAMERS = {("os", "replace"), ("os", "rename"), ("os", "renames"), ("shutil", "move")}
TEXT_IO = {"read_text", "write_text", "TextIOWrapper"}
TEXT_HANDLERS = {"FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler", "WatchedFileHandler"}


def _calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"


def _mode(call: ast.Call, position: int) -> str | None:
    """The mode of an open() call if it is a literal; "r" when not given."""
    for kw in call.keywords:
        if kw.arg == "mode":
            return kw.value.value if isinstance(kw.value, ast.Constant) else None
    if len(call.args) > position:
        arg = call.args[position]
        return arg.value if isinstance(arg, ast.Constant) else None
    return "r"


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _has_encoding(call: ast.Call) -> bool:
    return any(kw.arg in ("encoding", None) for kw in call.keywords)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_text_files_have_an_explicit_encoding(path: Path) -> None:
    """On Chinese Windows the default is GBK: a file written on one machine must read back on another."""
    bad = []
    for call in _calls(path):
        f = call.func
        if isinstance(f, ast.Name) and f.id == "open":  # open(path, mode)
            mode = _mode(call, 1)
        elif isinstance(f, ast.Attribute) and f.attr == "open":  # Path.open(mode), io.open(path, mode)
            is_io = isinstance(f.value, ast.Name) and f.value.id in ("io", "codecs")
            mode = _mode(call, 1 if is_io else 0)
        elif _name(f) in TEXT_IO or _name(f).endswith(tuple(TEXT_HANDLERS)):
            mode = "t"
        else:
            continue
        if mode is not None and "b" not in mode and not _has_encoding(call):
            bad.append(_where(path, call))
    assert not bad, "text file opened without encoding=: " + ", ".join(bad)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_files_are_replaced_only_by_atomic_path(path: Path) -> None:
    """Windows refuses to replace a file that is open elsewhere; atomic_path retries and explains."""
    if path == ROOT / "app" / "fsutil.py":
        return
    bad = []
    for call in _calls(path):
        f = call.func
        if not isinstance(f, ast.Attribute):
            continue
        if isinstance(f.value, ast.Name) and (f.value.id, f.attr) in RENAMERS:
            bad.append(f"{_where(path, call)} {f.value.id}.{f.attr}")
        elif f.attr in ("rename", "replace") and len(call.args) == 1 and not call.keywords:
            bad.append(f"{_where(path, call)} Path.{f.attr}")  # str.replace takes two arguments
    assert not bad, "use app.fsutil.atomic_path instead of: " + ", ".join(bad)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_paths_are_not_joined_as_strings(path: Path) -> None:
    """`folder + "/" + name` breaks on drive letters and backslashes: use pathlib's `/`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    if side.value[:1] in ("/", "\\") or side.value[-1:] in ("/", "\\"):
                        bad.append(_where(path, node))
                if isinstance(side, ast.Attribute) and side.attr in ("sep", "altsep"):
                    bad.append(_where(path, node))
    assert not bad, "path joined by string concatenation: " + ", ".join(bad)
