"""Word documents from the forms (the agreement draft, a project's 运行报告): the 生成 menu (the college's
template of 设置 → 模板, else the built-in one; or a custom .docx for this once; or save the built-in one to
edit in Word), where to save, writing on the database worker (it only reads), and offering to open it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.docs import cooperation as docs
from ui import files
from ui.files import WORD_FILTER
from ui.ops import read_now
from ui.qt import *  # noqa: F403


def document_menu(parent: QWidget, kind: str, generate: Callable[[Path | None], None]) -> QMenu:
    """生成 with the college's template (设置 → 模板, else the built-in one) or a .docx chosen for this
    once, and 另存内置模板 to edit it in Word."""
    menu = QMenu(parent)
    default = menu.addAction("用内置模板生成…", lambda: generate(None))
    follow_college_template(menu, default, kind)
    menu.addAction("用自定义模板生成…", lambda: _generate_custom(parent, generate))
    menu.addSeparator()
    menu.addAction("另存内置模板（在 Word 中修改）…", lambda: save_builtin_template(parent, kind))
    return menu


def college_template_text(kind: str) -> str:
    """用内置模板生成… or 用学院模板“文件名”生成… (设置 → 模板), read now."""
    from app.services.templates import template_status

    try:
        status = next(r for r in read_now(template_status) if r.kind == kind)
    except Exception:  # the menu still works; generating reports any problem
        return "用内置模板生成…"
    return f"用学院模板“{status.custom_name}”生成…" if status.custom_name else "用内置模板生成…"


def follow_college_template(menu: QMenu, action: QAction, kind: str) -> None:
    """Keep `action`'s text naming the template a generation without a chosen one uses."""
    menu.aboutToShow.connect(lambda: action.setText(college_template_text(kind)))
    action.setText(college_template_text(kind))


def ask_template(parent: QWidget) -> Path | None:
    return files.ask_open(parent, "选择 Word 模板（.docx）", "docs", WORD_FILTER)


def _generate_custom(parent: QWidget, generate: Callable[[Path | None], None]) -> None:
    template = ask_template(parent)
    if template is not None:
        generate(template)


def ask_document_path(parent: QWidget, kind: str, title: str, semester: str = "") -> Path | None:
    name = docs.default_file_name(kind, title, semester)
    return files.ask_save_word(parent, f"保存{docs.KINDS[kind]}", "docs", name)


def write_document(parent: QWidget, work: Callable[..., Path], what: str, done_what: str = "") -> None:
    """Write a document on the database worker (it only reads), then offer to open it as “`done_what` (else
    `what`)已生成”; a failure is 生成`what`失败."""

    def done(path: Path) -> None:
        files.offer_open(parent, path, f"{done_what or what}已生成：\n{path}")

    files.generate_file(parent, work, done, f"生成{what}失败")


def save_builtin_template(parent: QWidget, kind: str) -> None:
    files.save_file(
        parent,
        "另存内置模板",
        "docs",
        f"{docs.KINDS[kind]}模板.docx",
        lambda path: docs.save_builtin_template(kind, path),
        "内置模板已保存到\n{path}\n\n在 Word 中修改后，用“用自定义模板生成…”生成文档。",
        WORD_FILTER,
    )
