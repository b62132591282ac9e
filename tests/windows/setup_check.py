"""The setup .exe on Windows, end to end: compiled from installer/chanjiao.iss by Inno Setup's ISCC, installed
silently for the current user, upgraded over a previous build with the user's data kept, the installed
program's selftest, and a silent uninstall that removes the program and keeps the data.

    python tests\\windows\\setup_check.py ISCC.exe [--wine]

Run after installer/build.py has made dist\\chanjiao: by tests/windows/run_wine.sh under Windows Python in Wine,
and by .github/workflows/windows.yml on a Windows runner. --wine compiles with /DWineUserProgramFiles (Wine 8
cannot expand {autopf} for a per-user install; see chanjiao.iss) and first clears what an earlier run left in
the prefix. On Windows it refuses to run where the program or %LOCALAPPDATA%\\chanjiao already exists: it is for
a test machine, never a user's. Exit code 0 = every step passed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import winreg
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer" / "chanjiao.iss"
DIST = ROOT / "dist"
APP_ID = "{6B1E3C52-8F4A-4D7B-9C2E-3A5F0D8B7E41}"  # chanjiao.iss: fixed forever
UNINSTALL_KEY = rf"Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}_is1"
PREVIOUS = "0.0.1"  # the version the "previous build" claims; any other than the current one
LOCALAPPDATA = Path(os.environ["LOCALAPPDATA"])
INSTALL_DIR = LOCALAPPDATA / "Programs" / "chanjiao"  # {autopf} of a per-user install on Windows 10/11
DATA_DIR = LOCALAPPDATA / "chanjiao"  # app/paths.py
START_MENU = Path(os.environ["APPDATA"]) / "Microsoft" / "Windows" / "Start Menu" / "Programs"
LEFT_BEHIND = "上一版遗留.txt"  # a file of the previous version's _internal\: an upgrade must remove it

FAILURES: list[str] = []


def check(title: str, ok: bool, detail: str = "") -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {title}{'' if ok else '：' + detail}", flush=True)
    if not ok:
        FAILURES.append(title)
    return ok


def timed(title: str, command: list[str], timeout: float = 900, **kwargs) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    proc = subprocess.run(
        command, capture_output=True, text=True, errors="replace", timeout=timeout, **kwargs
    )
    took = time.monotonic() - started
    check(f"{title}（{took:.1f} 秒）", proc.returncode == 0, f"退出码 {proc.returncode}")
    if proc.returncode != 0:
        for line in (proc.stdout + proc.stderr).strip().splitlines()[-30:]:
            print(f"     | {line}")
    return proc


def compile_setup(iscc: str, version: str, out: Path, wine: bool, fast: bool) -> Path | None:
    command = [iscc, "/Q", f"/DAppVersion={version}", f"/O{out}"]
    if wine:
        command.append("/DWineUserProgramFiles")
    if fast:  # the previous build only stands in for an older release: its compression does not matter
        command.append("/DCompression=zip/1")
    command.append(str(ISS))
    timed(f"ISCC：chanjiao-{version}-setup.exe", command, cwd=ROOT)
    setup = out / f"chanjiao-{version}-setup.exe"
    if check(f"生成了 {setup.name}", setup.is_file()):
        print(f"     {setup.stat().st_size / 1024 / 1024:.1f} MB")
        return setup
    return None


def install(setup: Path, log: Path) -> bool:
    command = [str(setup), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", f"/LOG={log}"]
    if timed(f"静默安装 {setup.name}", command).returncode == 0:
        return True
    if log.is_file():  # Inno Setup's own account of what went wrong
        for line in log.read_text(encoding="utf-8-sig", errors="replace").splitlines()[-15:]:
            print(f"     | {line}")
    return False


def registered_version() -> str | None:
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, UNINSTALL_KEY) as key:
            return str(winreg.QueryValueEx(key, "DisplayVersion")[0])
    except OSError:
        return None


def cli(*args: str, home: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHANJIAO_HOME", "CHANJIAO_DB")}
    if home is not None:
        env["CHANJIAO_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    return timed(
        f"已安装的 chanjiao-cli.exe {' '.join(args)}",
        [str(INSTALL_DIR / "chanjiao-cli.exe"), *args],
        timeout=timeout,
        env=env,
        encoding="utf-8",
    )


def agreement_count() -> int | None:
    proc = cli("agreements", "list", "--json")
    if proc.returncode != 0:
        return None
    return len(json.loads(proc.stdout))


UNINSTALLER = INSTALL_DIR / "unins000.exe"


def uninstall() -> None:
    if not check("卸载程序 unins000.exe 已安装", UNINSTALLER.is_file()):
        return
    timed("静默卸载", [str(UNINSTALLER), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART"])
    wait_for_uninstaller()


def wait_for_uninstaller() -> None:
    """The uninstaller hands over to a copy of itself in %TEMP% and returns at once: wait for the files to go."""
    for _ in range(120):
        if not (INSTALL_DIR / "chanjiao.exe").exists():
            break
        time.sleep(1)


def clean_slate() -> None:
    """No earlier installation or data of this user (a Wine prefix is reused between runs). Only under Wine:
    on Windows, main() refuses to start where either exists."""
    if UNINSTALLER.is_file():
        subprocess.run([str(UNINSTALLER), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART"], timeout=300)
        wait_for_uninstaller()
    shutil.rmtree(INSTALL_DIR, ignore_errors=True)
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    try:
        winreg.DeleteKey(winreg.HKEY_CURRENT_USER, UNINSTALL_KEY)
    except OSError:
        pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("iscc", help="Inno Setup's ISCC.exe")
    parser.add_argument("--wine", action="store_true", help="compile with /DWineUserProgramFiles")
    args = parser.parse_args()
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    if not (DIST / "chanjiao" / "chanjiao-cli.exe").is_file():
        print(f"× 没有 {DIST / 'chanjiao'}：先运行 installer\\build.py")
        return 2
    if not args.wine and (INSTALL_DIR.exists() or DATA_DIR.exists()):
        # It installs, upgrades and uninstalls for this user: never over someone's own copy and records.
        print(
            f"× 本检查会为当前用户安装和卸载产教融合工作台，只能在没有 {INSTALL_DIR} 和 {DATA_DIR} 的测试机器上运行"
        )
        return 2
    if args.wine:
        clean_slate()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chanjiao-setup-") as scratch_name:
        scratch = Path(scratch_name)
        previous = compile_setup(args.iscc, PREVIOUS, scratch, args.wine, fast=True)
        # Under Wine the setup has the Wine switch: kept out of dist\, where the one to ship goes
        current = compile_setup(args.iscc, version, scratch if args.wine else DIST, args.wine, fast=False)
        if previous is None or current is None:
            return 1

        if not install(previous, scratch / "previous.log"):
            return 1
        check(
            "安装到 %LOCALAPPDATA%\\Programs\\chanjiao",
            (INSTALL_DIR / "chanjiao.exe").is_file(),
            str(INSTALL_DIR),
        )
        check("开始菜单快捷方式", (START_MENU / "产教融合工作台.lnk").is_file(), str(START_MENU))
        check(f"登记的版本 {PREVIOUS}", registered_version() == PREVIOUS, str(registered_version()))
        cli("init")
        cli("demo")
        before = agreement_count()
        check("上一版写入了数据", bool(before), str(before))
        (INSTALL_DIR / "_internal" / LEFT_BEHIND).write_text("旧版本的文件", encoding="utf-8")

        if not install(current, scratch / "upgrade.log"):
            return 1
        check(f"升级后登记的版本 {version}", registered_version() == version, str(registered_version()))
        check("升级删除了上一版的 _internal", not (INSTALL_DIR / "_internal" / LEFT_BEHIND).exists())
        check("升级后数据仍在", agreement_count() == before, f"升级前 {before} 份协议")
        with tempfile.TemporaryDirectory(prefix="chanjiao-selftest-") as home:
            cli("selftest", home=Path(home))

        uninstall()
        check("卸载删除了程序", not (INSTALL_DIR / "chanjiao.exe").exists(), str(INSTALL_DIR))
        check("卸载删除了开始菜单快捷方式", not (START_MENU / "产教融合工作台.lnk").exists())
        check("卸载删除了登记", registered_version() is None)
        check("卸载保留了数据", (DATA_DIR / "chanjiao.db").is_file(), str(DATA_DIR))
    print(f"setup: {len(FAILURES)} failed, in {time.monotonic() - started:.0f}s")
    for failure in FAILURES:
        print(f"  FAILED: {failure}")
    if not FAILURES:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
