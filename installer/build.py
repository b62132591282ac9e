"""Build the one-folder bundle of 产教融合工作台 on this machine (dist/chanjiao/), check it, and on Windows
optionally the setup .exe.

    python installer/build.py [--clean] [--inno] [--no-selftest]

1. checks that PyInstaller is importable and that the installed `chanjiao` package has the version in
   pyproject.toml (the frozen app reads its version from that metadata);
2. runs PyInstaller on installer/chanjiao.spec into dist/chanjiao/ (build/pyinstaller/ for the work files);
3. runs the bundled `chanjiao-cli --version` and `chanjiao-cli selftest` in a temporary data folder
   (offscreen Qt), so a missing resource, module or Qt plugin fails the build;
4. prints the bundle's size and number of files;
5. with --inno (Windows only): compiles installer/chanjiao.iss with Inno Setup's ISCC into dist/.

Exit code 0 = bundle built and its selftest passed. Installs nothing itself; see installer/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "chanjiao.spec"
ISS = ROOT / "installer" / "chanjiao.iss"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "chanjiao"
PYINSTALLER_PIN = "pyinstaller==6.22.3"  # the version the bundle was built and checked with
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
SELFTEST_TIMEOUT_S = 300


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The app's version, from pyproject.toml ([project] version)."""
    with pyproject.open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def installed_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chanjiao")
    except PackageNotFoundError:
        return None


def check_tools(version: str) -> str | None:
    """A reason the build cannot start, or None."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return f"未安装 PyInstaller。请先运行：{sys.executable} -m pip install {PYINSTALLER_PIN}"
    installed = installed_version()
    if installed != version:
        what = "未安装" if installed is None else f"已安装的是 {installed}"
        return (
            f"本项目（chanjiao {version}）{what}：打包后的程序从安装信息读取版本号。"
            f"请先在项目目录中运行：{sys.executable} -m pip install ."
        )
    return None


def render_icon(target: Path) -> Path | None:
    """resources/icons/app.svg as a Windows .ico (PNG images of 16–256 px), drawn with Qt; None if Qt can't."""
    try:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
        from PySide6.QtGui import QGuiApplication, QImage, QPainter
        from PySide6.QtSvg import QSvgRenderer
    except ImportError:
        return None
    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(QByteArray((ROOT / "resources" / "icons" / "app.svg").read_bytes()))
    if not renderer.isValid():
        return None
    images = []
    for size in (16, 24, 32, 48, 64, 128, 256):
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        images.append((size, bytes(data.data())))
    # ICO: a 6-byte header, a 16-byte entry per image, then the PNG data (Windows Vista and later).
    out = bytearray((0).to_bytes(2, "little") + (1).to_bytes(2, "little") + len(images).to_bytes(2, "little"))
    offset = 6 + 16 * len(images)
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256
        out += bytes((side, side, 0, 0)) + (1).to_bytes(2, "little") + (32).to_bytes(2, "little")
        out += len(png).to_bytes(4, "little") + offset.to_bytes(4, "little")
        offset += len(png)
    for _, png in images:
        out += png
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(out))
    return target


def run_pyinstaller(clean: bool) -> None:
    env = dict(os.environ)
    icon = render_icon(WORK / "chanjiao.ico") if sys.platform == "win32" else None  # only Windows uses it
    if icon is not None:
        env["CHANJIAO_ICON"] = str(icon)
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    command += ["--distpath", str(DIST), "--workpath", str(WORK)]
    if clean:
        command.append("--clean")
    command.append(str(SPEC))
    print("==", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def bundle_stats(folder: Path = BUNDLE) -> tuple[int, int]:
    """(total bytes, number of files) of the bundle."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def run_frozen_checks(version: str) -> bool:
    """`chanjiao-cli --version` and `chanjiao-cli selftest` from the bundle, in a throwaway data folder."""
    cli = BUNDLE / f"chanjiao-cli{EXE_SUFFIX}"
    gui = BUNDLE / f"chanjiao{EXE_SUFFIX}"
    for exe in (cli, gui):
        if not exe.is_file():
            print(f"× 找不到 {exe}")
            return False
    with tempfile.TemporaryDirectory(prefix="chanjiao-frozen-") as home:
        env = dict(os.environ, CHANJIAO_HOME=home, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
        env.pop("CHANJIAO_DB", None)
        shown = subprocess.run(
            [str(cli), "--version"], env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
        )
        if shown.returncode != 0 or version not in shown.stdout:
            print(f"× {cli.name} --version：{shown.stdout.strip()} {shown.stderr.strip()}")
            return False
        print(f"√ {cli.name} --version：{shown.stdout.strip()}", flush=True)
        print(f"== {cli.name} selftest", flush=True)
        started = time.monotonic()
        result = subprocess.run([str(cli), "selftest"], env=env, timeout=SELFTEST_TIMEOUT_S)
        print(f"   （{time.monotonic() - started:.1f} 秒）")
        if result.returncode != 0:
            print(f"× 打包后的自检失败（退出码 {result.returncode}）")
            return False
        log_text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in Path(home).rglob("*.log"))
        if "qtbase_zh_CN.qm" not in log_text or "qtbase_zh_CN.qm) not found" in log_text:
            print("× 打包后的程序找不到 Qt 的中文翻译 qtbase_zh_CN.qm")
            return False
    return True


def find_iscc() -> str | None:
    """Inno Setup's command-line compiler: on PATH, else in the usual install folders."""
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return found
    for variable in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        base = os.environ.get(variable)
        if base:
            for pattern in (
                "Inno Setup 6/ISCC.exe",
                "Inno Setup */ISCC.exe",
                "Programs/Inno Setup */ISCC.exe",
            ):
                for candidate in sorted(Path(base).glob(pattern)):
                    return str(candidate)
    return None


def run_inno(version: str) -> Path | None:
    if sys.platform != "win32":
        print("× --inno 只能在 Windows 上使用（Inno Setup）")
        return None
    iscc = find_iscc()
    if iscc is None:
        print(
            "× 找不到 Inno Setup 的 ISCC.exe：请安装 Inno Setup 6（如 choco install innosetup），或把它的文件夹加入 PATH"
        )
        return None
    command = [iscc, f"/DAppVersion={version}", f"/O{DIST}", str(ISS)]
    print("==", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    setup = DIST / f"chanjiao-{version}-setup.exe"
    return setup if setup.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="打包产教融合工作台（PyInstaller 单文件夹；Windows 上可再生成安装程序）"
    )
    parser.add_argument("--clean", action="store_true", help="先清除 PyInstaller 的缓存和上次的结果")
    parser.add_argument("--inno", action="store_true", help="（Windows）再用 Inno Setup 生成安装程序")
    parser.add_argument("--no-selftest", action="store_true", help="不运行打包后的自检")
    args = parser.parse_args(argv)

    version = project_version()
    problem = check_tools(version)
    if problem:
        print(f"× {problem}")
        return 2
    if args.clean:
        shutil.rmtree(BUNDLE, ignore_errors=True)
    started = time.monotonic()
    try:
        run_pyinstaller(args.clean)
    except subprocess.CalledProcessError as e:
        print(f"× PyInstaller 失败（退出码 {e.returncode}）")
        return 1
    took = time.monotonic() - started
    size, count = bundle_stats()
    print(
        f"√ 已生成 {BUNDLE}：chanjiao {version}，{size / 1024 / 1024:.1f} MB，{count} 个文件（打包用时 {took:.0f} 秒）"
    )
    if not args.no_selftest and not run_frozen_checks(version):
        return 1
    if args.inno:
        setup = run_inno(version)
        if setup is None:
            return 1
        print(f"√ 安装程序：{setup}（{setup.stat().st_size / 1024 / 1024:.1f} MB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
