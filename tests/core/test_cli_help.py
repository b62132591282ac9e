"""`chanjiao --help` in Chinese, argparse's own words too, and a closed pipe (`chanjiao reminders | head`) ends
quietly (#18). The commands run as a user's shell runs them (tests/cli_run.py, real subprocesses where it
matters)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import build_parser
from app.commands.chinese_argparse import in_chinese, width, wrap
from tests.cli_run import run_cli

REPO = Path(__file__).resolve().parents[2]
# What argparse says in English when left alone.
ENGLISH = re.compile(
    r"usage:|positional arguments|optional arguments|options:|show this help|show program's|"
    r"error:|invalid choice|required:|unrecognized arguments|expected one argument|argument "
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:  # aliases share a parser
                    seen.add(id(sub))
                    yield from parsers(sub, (*path, name))


ALL = list(parsers(build_parser()))


def test_every_command_has_a_chinese_help() -> None:
    assert len(ALL) > 40  # every command and sub-command
    for path, parser in ALL:
        text = parser.format_help()
        assert not ENGLISH.search(text), (path, ENGLISH.search(text))
        assert text.startswith("用法：chanjiao"), path
        for action in parser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and CJK.search(action.help), (path, action.option_strings or action.dest)


def test_help_in_a_real_process_and_its_exit_code() -> None:
    done = run_cli("--help", subprocess=True)
    assert done.returncode == 0
    assert done.stdout.startswith("用法：chanjiao") and "参数：" in done.stdout and "选项：" in done.stdout
    assert (
        "-h, --help" in done.stdout
        and "显示本帮助并退出" in done.stdout
        and "显示版本号并退出" in done.stdout
    )
    assert not ENGLISH.search(done.stdout)
    sub = run_cli("import", "--help")
    assert sub.returncode == 0 and "表" in sub.stdout and "--on-existing" in sub.stdout
    assert not ENGLISH.search(sub.stdout)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["bogus"], "错误：参数 命令：无效的选择 'bogus'（可选："),
        (["import"], "错误：缺少必需的参数：表, 文件"),
        (["import", "enterprises", "a.xlsx", "--nope"], "错误：无法识别的参数：--nope"),
        (
            ["import", "enterprises", "a.xlsx", "--on-existing", "maybe"],
            "错误：参数 --on-existing：无效的选择",
        ),
        (["export", "ledger", "a.xlsx", "--year", "26"], "错误：参数 --year：年度“26”应为四位年份"),
        (["import", "enterprises", "a.xlsx", "--project"], "错误：参数 --project：需要一个值"),
    ],
)
def test_usage_errors_are_chinese(argv: list[str], said: str) -> None:
    done = run_cli(*argv)
    assert done.returncode == 2
    assert done.stderr.startswith("用法：chanjiao"), done.stderr
    assert said in done.stderr, done.stderr
    assert not ENGLISH.search(done.stderr), done.stderr


def test_the_translation_table_and_wrapping() -> None:
    assert in_chinese("argument --db: expected one argument") == "参数 --db：需要一个值"
    assert in_chinese("the following arguments are required: 表") == "缺少必需的参数：表"
    assert in_chinese("something argparse may say one day") == "something argparse may say one day"
    lines = wrap("企业名称相同（统一社会信用代码）跳过（skip，默认）或更新", 20)
    assert all(width(line) <= 22 for line in lines)
    assert not any(line[0] in "）】，。、" for line in lines)
    assert "".join(lines).replace(" ", "") == "企业名称相同（统一社会信用代码）跳过（skip，默认）或更新"


# ---------------------------------------------------------------- a closed pipe


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "CHANJIAO_HOME": str(tmp_path / "home"), "PYTHONIOENCODING": "utf-8"}
    env.pop("CHANJIAO_DB", None)
    return env


@pytest.mark.parametrize("argv", [["reminders"], ["--help"], ["import", "--help"], ["--version"]])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, argv: list[str]) -> None:
    """The reader has gone before the command writes (`chanjiao reminders | head` once head has its lines):
    exit 0 and nothing on stderr (no 程序遇到了意外的问题, no “Exception ignored”)."""
    env = _env(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails as it does once head has exited
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "app",
                *argv,
                *(["--db", str(tmp_path / "x.db")] if argv == ["reminders"] else []),
            ],
            env=env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    finally:
        os.close(write_end)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, err
    assert err == "", err


def test_a_closed_pipe_in_the_shell(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("a POSIX shell pipeline")
    db = str(tmp_path / "demo.db")
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "app", "demo", "--db", db], env=env, capture_output=True, timeout=300
    )
    done = subprocess.run(
        f'set -o pipefail; "{sys.executable}" -m app reminders --db "{db}" | head -3'
        f' && "{sys.executable}" -m app --help | head -1',
        shell=True,
        executable="/bin/bash",
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 4 and lines[3].startswith("用法：chanjiao")
    assert done.stderr == b""
