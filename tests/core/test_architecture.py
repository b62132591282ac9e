"""The core (app/) never imports Qt or the GUI package (STYLE.md §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
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


def imported_modules(source: str, filename: str = "<string>", package: str = "") -> list[str]:
    """Every module a module imports (also inside functions; relative imports resolved against `package`)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return found


COMMANDS = sorted((APP / "commands").glob("*.py"))


def test_there_are_commands_to_check() -> None:
    assert {"common.py", "funds.py", "teachers.py"} <= {p.name for p in COMMANDS}


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: p.name)
def test_a_command_never_imports_the_dispatcher(path: Path) -> None:
    """STYLE §16: the CLI's shared helpers live with the commands (app/commands/common.py); app/cli.py
    imports the commands, never the other way round."""
    imported = imported_modules(path.read_text(encoding="utf-8"), str(path), "app.commands")
    assert [m for m in imported if m == "app.cli" or m.startswith("app.cli.")] == []


def test_the_dispatcher_names_its_commands_directly() -> None:
    """app/cli.py imports the command modules and refers to their handlers; no module found by its name."""
    source = (APP / "cli.py").read_text(encoding="utf-8")
    assert not [m for m in imported_modules(source) if m.split(".")[0] == "importlib"]
    calls = [
        n
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call)
        and (n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", ""))
        in ("import_module", "__import__")
    ]
    assert calls == []


@pytest.mark.parametrize(
    ("source", "hit"),
    [
        ("from app.cli import open_db", True),
        ("def f():\n    from app.cli import open_db\n", True),
        ("import app.cli", True),
        ("from app import cli", True),
        ("from .. import cli", True),
        ("from app.commands.common import open_db", False),
        ("from app.client import x", False),
    ],
)
def test_checker_catches_dispatcher_imports(source: str, hit: bool) -> None:
    imported = imported_modules(source, package="app.commands")
    assert any(m == "app.cli" or m.startswith("app.cli.") for m in imported) is hit
