"""The core (app/) never imports Qt or the GUI package (STYLE.md §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
FORBIDDEN_EXACT = {"ui", "pytestqt"}
FORBIDDEN_PREFIXES = ("PySide", "PyQt", "shiboken")


def _forbidden(module: str) -> bool:
    top = module.split(".")[0]
    return top in FORBIDDEN_EXACT or top.startswith(FORBIDDEN_PREFIXES)


def gui_imports(source: str, filename: str = "<string>") -> list[str]:
    """Every import of Qt or ui in a module, also inside functions and via importlib, as 'line: module'."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                modules = [node.args[0].value]
        found += [f"{node.lineno}: {m}" for m in modules if _forbidden(m)]
    return found


def core_modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def test_there_is_a_core_to_check() -> None:
    names = {p.relative_to(APP).as_posix() for p in core_modules()}
    assert {"__init__.py", "cli.py", "db/engine.py", "services/enterprises.py"} <= names


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: p.relative_to(APP).as_posix())
def test_core_module_imports_no_gui(path: Path) -> None:
    assert gui_imports(path.read_text(encoding="utf-8"), str(path)) == []


@pytest.mark.parametrize(
    ("source", "hit"),
    [
        ("import PySide6.QtCore", True),
        ("from PySide6 import QtWidgets", True),
        ("from PyQt5.QtCore import Qt", True),
        ("import shiboken6", True),
        ("from ui.main_window import MainWindow", True),
        ("import ui", True),
        ("def f():\n    from ui import ops\n", True),
        ("import importlib\nimportlib.import_module('PySide6.QtGui')", True),
        ("__import__('ui.errors')", True),
        ("import uikit", False),
        ("from app.ui_text import X", False),
        ("from . import ui", False),  # app/ui.py would be a core module, not the GUI package
        ("import sqlalchemy", False),
    ],
)
def test_checker_catches_gui_imports(source: str, hit: bool) -> None:
    assert bool(gui_imports(source)) is hit
