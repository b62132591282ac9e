"""The installer's files, checked without building anything (.ci/run builds the Linux bundle and runs its
selftest; .github/workflows/windows.yml builds the Windows one): the PyInstaller spec excludes no Qt module
the app imports, the Inno Setup script installs per user and keeps the data outside the install folder, and
build.py reads the app's version."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import appdirs

from app import APP_NAME, __version__

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "chanjiao.spec"
ISS = INSTALLER / "chanjiao.iss"
ISL = INSTALLER / "ChineseSimplified.isl"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


def spec_constant(name: str):
    """A module-level literal of the spec (e.g. QT_EXCLUDES), read without running PyInstaller."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not a literal at module level of {SPEC.name}")


def imported_modules(*packages: str) -> dict[str, set[str]]:
    """Every module the code under the given folders imports (absolute imports) -> the files importing it."""
    found: dict[str, set[str]] = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
                for name in names:
                    found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def excluded(module: str, excludes: list[str]) -> bool:
    return any(module == ex or module.startswith(ex + ".") for ex in excludes)


def load_build():
    spec = importlib.util.spec_from_file_location("installer_build", INSTALLER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def iss_text() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in iss_text().splitlines():
        stripped = line.strip()
        if re.fullmatch(r"\[\w+\]", stripped):
            current = stripped[1:-1].lower()
            sections.setdefault(current, [])
        elif stripped and not stripped.startswith(";"):
            sections.setdefault(current, []).append(stripped)
    return sections


# ---------------------------------------------------------------- the PyInstaller spec


def test_no_qt_module_the_app_imports_is_excluded():
    excludes = spec_constant("QT_EXCLUDES") + spec_constant("OTHER_EXCLUDES")
    qt_imports = {
        m: files for m, files in imported_modules("ui", "app").items() if m.startswith("PySide6.Qt")
    }
    assert any(m.startswith("PySide6.QtWidgets") for m in qt_imports)  # the parsing found the real imports
    wrongly = {m: sorted(files) for m, files in qt_imports.items() if excluded(m, excludes)}
    assert not wrongly, f"installer/chanjiao.spec excludes Qt modules the app imports: {wrongly}"


def test_no_package_the_app_imports_is_excluded():
    excludes = spec_constant("OTHER_EXCLUDES")
    imports = imported_modules("ui", "app", "resources", "installer")
    wrongly = {m: sorted(files) for m, files in imports.items() if excluded(m, excludes)}
    wrongly.pop("PyInstaller", None)  # build.py runs PyInstaller; it is not part of the bundle
    assert not wrongly, f"installer/chanjiao.spec excludes packages the app imports: {wrongly}"


def test_the_bundle_keeps_chinese_translations_and_the_needed_plugins():
    assert spec_constant("KEEP_TRANSLATION_SUFFIX") == "_zh_CN.qm"
    platforms = spec_constant("KEEP_PLATFORMS")
    assert {"qwindows", "qxcb", "qoffscreen"} <= set(platforms)  # Windows, X11, and the selftest's offscreen
    assert "qsvg" in spec_constant("KEEP_IMAGEFORMATS")  # the app's icon is an SVG
    # platforminputcontexts stays: Linux's input methods (ibus, compose) for typing Chinese come through it
    kept = {"platforms", "imageformats", "iconengines", "styles", "platforminputcontexts"}
    assert not kept & set(spec_constant("DROP_PLUGIN_DIRS"))
    assert spec_constant("DROP_PLUGINS") == ["qtvirtualkeyboardplugin"]
    # QtCharts (the 工作台's charts) links against the OpenGL libraries; nothing the app uses needs Qt Quick
    needed = ("Qt6Core", "Qt6Gui", "Qt6Widgets", "Qt6Svg", "Qt6Network", "Qt6DBus", "Qt6Charts", "Qt6OpenGL")
    for library in (*needed, "Qt6OpenGLWidgets"):
        assert library not in spec_constant("DROP_LIBRARIES")


def test_the_spec_builds_a_windowed_gui_and_a_console_cli_from_the_launcher():
    text = SPEC.read_text(encoding="utf-8")
    assert re.search(r'name="chanjiao",\s*console=False', text)
    assert re.search(r'name="chanjiao-cli",\s*console=True', text)
    entry = (INSTALLER / "entry.py").read_text(encoding="utf-8")
    assert "from ui.launcher import main" in entry


# ---------------------------------------------------------------- the Inno Setup script


def test_iss_is_utf8_with_a_bom():
    """Inno Setup 6 reads a script without a BOM in the system's ANSI code page: the Chinese would be garbled."""
    assert ISS.read_bytes().startswith(b"\xef\xbb\xbf")


def test_iss_installs_per_user_without_admin_rights_and_upgrades_in_place():
    setup = dict(
        line.split("=", 1) for line in iss_sections()["setup"] if "=" in line and "#" not in line[:1]
    )
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}\\")  # {userpf} when installing per user
    assert re.fullmatch(r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["CloseApplications"] == "yes"
    assert "#error" in iss_text()  # no silent default version: build.py passes it from pyproject.toml


def test_iss_has_a_chinese_wizard_start_menu_and_optional_desktop_shortcuts():
    sections = iss_sections()
    assert sections["languages"] == ['Name: "chinesesimp"; MessagesFile: "ChineseSimplified.isl"']
    icons = "\n".join(sections["icons"])
    assert "{autoprograms}" in icons and "{autodesktop}" in icons
    assert any("desktopicon" in line and "unchecked" in line for line in sections["tasks"])


def isl_sections() -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current = ""
    for line in ISL.read_text(encoding="utf-8-sig").splitlines():
        if re.fullmatch(r"\[\w+\]", line.strip()):
            current = line.strip()[1:-1]
        elif line.strip() and not line.startswith(";"):
            key, _, value = line.partition("=")
            assert key not in sections.setdefault(current, {}), f"{key} twice"
            sections[current][key] = value
    return sections


def test_the_chinese_messages_are_ours_complete_and_unicode():
    """installer/ChineseSimplified.isl: the project's own translation (the unofficial one cannot be fetched),
    read by ISCC from beside the script. UTF-8 with a BOM and CRLF, as Inno Setup's own .isl files; every
    custom message the script uses is in it; each of the 266 messages of Inno Setup 6.4 is Chinese."""
    raw = ISL.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n")
    sections = isl_sections()
    assert sections["LangOptions"] == {
        "LanguageName": "简体中文",
        "LanguageID": "$0804",
        "LanguageCodePage": "0",
    }
    messages = sections["Messages"]
    assert len(messages) == 266
    for key in ("SetupWindowTitle", "ButtonNext", "ButtonInstall", "WelcomeLabel1", "FinishedLabel"):
        assert re.search(r"[\u4e00-\u9fff]", messages[key]), key
    assert messages["SetupWindowTitle"].count("%1") == 1
    used = set(re.findall(r"\{cm:(\w+)", iss_text()))
    assert used and used <= set(sections["CustomMessages"])


def test_iss_installs_to_the_per_user_programs_folder_and_wine_only_by_a_switch():
    """{autopf} of a per-user install is %LOCALAPPDATA%\\Programs on Windows; Wine 8 cannot expand it, so the
    Wine run compiles with /DWineUserProgramFiles, which names that same folder and changes nothing else."""
    text = iss_text()
    block = re.search(r"#ifdef WineUserProgramFiles\n(.*?)\n#else\n(.*?)\n#endif", text, re.S)
    assert block.group(1) == "DefaultDirName={localappdata}\\Programs\\chanjiao"
    assert block.group(2) == "DefaultDirName={autopf}\\chanjiao"
    assert text.count("WineUserProgramFiles") == 2  # the switch and its mention in the header
    assert "/DWineUserProgramFiles" in (ROOT / "tests" / "windows" / "setup_check.py").read_text(
        encoding="utf-8"
    )


def test_iss_keeps_no_user_data_in_the_install_folder():
    sections = iss_sections()
    for name in ("dirs", "uninstalldelete", "code"):
        for line in sections.get(name, []):
            assert "{app}" not in line, f"[{name}] refers to the install folder: {line}"
    for line in sections.get("installdelete", []):  # an upgrade clears the old program files only
        assert re.search(r'Name: "\{app\}\\_internal"', line), line


def test_iss_offers_to_delete_the_folder_app_paths_uses(monkeypatch):
    """The uninstaller's data folder ({localappdata}\\chanjiao) is where app/paths.py keeps the database and
    the logs on Windows; the default answer keeps it, and a silent uninstall never deletes it."""
    from app import paths

    local = r"C:\Users\张老师\AppData\Local"
    monkeypatch.delenv("CHANJIAO_HOME", raising=False)
    monkeypatch.delenv("CHANJIAO_DB", raising=False)
    monkeypatch.setattr(appdirs, "system", "win32")
    monkeypatch.setattr(appdirs, "_get_win_folder", lambda csidl: local, raising=False)
    monkeypatch.setattr(paths, "portable_dir", lambda: None)
    home = str(paths.home_dir()).replace("/", "\\")
    assert home == local + "\\" + APP_NAME
    assert str(paths.log_dir()).replace("/", "\\").startswith(home + "\\")
    assert str(paths.default_db_path()).replace("/", "\\").startswith(home + "\\")

    text = iss_text()
    assert re.search(r'#define DataFolder "([^"]+)"', text).group(1) == APP_NAME
    assert "ExpandConstant('{localappdata}\\{#DataFolder}')" in text
    code = "\n".join(iss_sections()["code"])
    assert "usPostUninstall" in code and "not UninstallSilent()" in code
    assert "MB_DEFBUTTON2" in code  # 否 (keep) is the default button


# ---------------------------------------------------------------- build.py and CI


def test_build_reads_the_apps_version_from_pyproject():
    build = load_build()
    assert build.project_version() == __version__


def test_the_pyinstaller_pin_is_the_same_everywhere():
    pin = load_build().PYINSTALLER_PIN
    assert re.fullmatch(r"pyinstaller==\d+\.\d+(\.\d+)?", pin)
    assert pin in (ROOT / "tests" / "windows" / "run_wine.sh").read_text(encoding="utf-8")
    assert pin in WORKFLOW.read_text(encoding="utf-8")


def test_the_windows_workflow_builds_the_setup_and_runs_the_frozen_selftest():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in text
    assert "installer/build.py" in text
    # the setup: the same check as the Wine run's (tests/windows/run_wine.sh), without the Wine switch
    assert re.search(r"tests\\windows\\setup_check\.py ISCC\.exe\n", text)
    assert "Unofficial" not in text  # nothing to download: the script names the repository's own .isl
    assert "chanjiao-cli.exe selftest" in text


def test_build_writes_a_windows_icon_of_png_images(qapp, tmp_path):
    """build.py writes the .exe's icon itself (resources/icons/app.svg as PNG images in an ICO container)."""
    icon = load_build().render_icon(tmp_path / "app.ico")
    assert icon is not None
    data = icon.read_bytes()
    assert data[:4] == b"\x00\x00\x01\x00"
    count = int.from_bytes(data[4:6], "little")
    entries = [data[6 + 16 * i : 22 + 16 * i] for i in range(count)]
    assert {16, 32, 48, 256} <= {e[0] or 256 for e in entries}  # 0 stands for 256
    for e in entries:
        offset = int.from_bytes(e[12:16], "little")
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
