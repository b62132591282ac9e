"""argparse in Chinese: the parser every `chanjiao` command uses (its sub-commands inherit it).

argparse's own words — "usage:", "positional arguments", "options", "show this help message and exit" and its
error messages — are English (they come from gettext with no Chinese catalogue). ChineseParser adds its own
-h/--help, ChineseFormatter titles the sections and the usage line in Chinese, and `error` says argparse's
messages in Chinese (a message this table does not know is shown as argparse wrote it)."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any, NoReturn

from app.commands.output import end_quietly, output_closed

HELP = "显示本帮助并退出"
VERSION = "显示版本号并退出"

SECTIONS = {
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",  # Python before 3.10
}

# argparse's messages (Python 3.11–3.14) → Chinese, applied in this order to the message `error` receives.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"^argument (.+?): ", r"参数 \1："),
        (r"invalid choice: (.+?) \(choose from (.+)\)$", r"无效的选择 \1（可选：\2）"),
        (r"invalid \S+ value: (.+)$", r"无效的值 \1"),
        (r"^the following arguments are required: (.+)$", r"缺少必需的参数：\1"),
        (r"^unrecognized arguments: (.+)$", r"无法识别的参数：\1"),
        (r"^one of the arguments (.+) is required$", r"必须给出以下参数之一：\1"),
        (r"not allowed with argument (.+)$", r"不能与参数 \1 同时使用"),
        (r"expected one argument$", "需要一个值"),
        (r"expected at most one argument$", "最多一个值"),
        (r"expected at least one argument$", "至少需要一个值"),
        (r"expected (\d+) arguments?$", r"需要 \1 个值"),
        (r"ignored explicit argument (.+)$", r"不接受值 \1"),
        (r"^ambiguous option: (.+?) could match (.+)$", r"选项 \1 有歧义，可能是：\2"),
    )
)


def in_chinese(message: str) -> str:
    for pattern, chinese in _MESSAGES:
        message = pattern.sub(chinese, message)
    return message


def width(text: str) -> int:
    """Columns a text takes on a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.")  # an ASCII word, a space, or one other character


_NO_LINE_START = set("）】」』，。、；：！？)")  # punctuation a line never starts with


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most `columns` terminal columns, breaking between Chinese characters or at spaces."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(" ".join(text.split())):
        if width(line) + width(token) > columns and line.strip() and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class ChineseFormatter(argparse.HelpFormatter):
    """Sections and the usage line in Chinese; lines wrapped by terminal columns (a Chinese character takes two)."""

    PREFIX = "用法："

    def add_usage(
        self, usage: str | None, actions: Iterable[argparse.Action], groups: Any, prefix: str | None = None
    ) -> None:
        super().add_usage(usage, actions, groups, self.PREFIX if prefix is None else prefix)

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        text = super()._format_usage(usage, actions, groups, prefix)
        extra = " " * (width(prefix or "") - len(prefix or ""))  # continuation lines line up under the prog
        return "\n".join(line if not line.startswith(" ") else extra + line for line in text.split("\n"))

    def start_section(self, heading: str | None) -> None:
        super().start_section(SECTIONS.get(heading or "", heading))

    def _format_action(self, action: argparse.Action) -> str:
        """A Chinese metavar (表, 文件) takes more columns than characters: its help still lines up."""
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = width(invocation) - len(invocation)
        first, newline, rest = text.partition("\n")
        at = first.find(invocation)
        after = first[at + len(invocation) :] if at >= 0 else ""
        if extra and after.strip() and len(after) - len(after.lstrip(" ")) > extra + 1:
            first = first[: at + len(invocation)] + after[extra:]
        return first + newline + rest

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; `add_subparsers` makes sub-parsers of this class."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        if add_help:
            prefix = "-" if "-" in self.prefix_chars else self.prefix_chars[0]
            self.add_argument(
                prefix + "h", prefix * 2 + "help", action="help", default=argparse.SUPPRESS, help=HELP
            )

    def format_help(self) -> str:
        """Section headings end with a Chinese colon (argparse writes “:”)."""
        titles = "|".join(re.escape(v) for v in set(SECTIONS.values()))
        return re.sub(rf"^({titles}):$", r"\1：", super().format_help(), flags=re.MULTILINE)

    def _print_message(self, message: str, file: Any = None) -> None:
        """Help, usage and version: a reader that went away (`chanjiao --help | head -3`) ends it quietly."""
        try:
            super()._print_message(message, file)
            if file in (None, sys.stdout) and sys.stdout is not None:
                sys.stdout.flush()
        except OSError as e:
            if not output_closed(e):
                raise
            end_quietly()
            raise SystemExit(0) from None

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{in_chinese(message)}\n")
