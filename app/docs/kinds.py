"""The kinds of Word document generated from a template, by the name the CLI and the settings use. Light on
purpose (no docxtpl, no database): the command line builds its choices from it at start-up."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    label: str
    module: str  # the app.docs module with PLACEHOLDERS and builtin_template()
    file_name: str  # offered when saving the built-in template


KINDS: dict[str, DocumentKind] = {
    "tripartite": DocumentKind("三方协议", "app.docs.internship", "三方协议模板.docx"),
    "agreement": DocumentKind("合作协议草稿", "app.docs.cooperation", "合作协议草稿模板.docx"),
    "report": DocumentKind("项目运行报告", "app.docs.cooperation", "项目运行报告模板.docx"),
    "base_summary": DocumentKind("基地使用汇总", "app.docs.bases", "基地使用汇总模板.docx"),
    "employment": DocumentKind("就业质量报告", "app.docs.employment", "就业质量报告模板.docx"),
    "self_evaluation": DocumentKind(
        "产教融合工作自评报告", "app.docs.self_evaluation", "产教融合工作自评报告模板.docx"
    ),
}


def kinds() -> dict[str, str]:
    """kind → label, for the kinds whose generator is in this build."""
    return {k: v.label for k, v in KINDS.items() if importlib.util.find_spec(v.module) is not None}
