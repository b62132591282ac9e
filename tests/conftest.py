"""Shared fixtures. Qt runs offscreen (see below); every test gets its own CHANJIAO_HOME and a real SQLite file,
or — for the modules in BOTH_BACKENDS and tests marked `both_backends` — also a fresh PostgreSQL database.

Tests that use Qt (a module importing PySide6, pytestqt or ui, or a test using qtbot/qapp) get the `qt`
marker here. Where PySide6 cannot load (Windows Python under Wine: tests/windows/run_wine.sh), such modules
are not even imported, so the core tests run there alone."""

from __future__ import annotations

import os

# Offscreen, unless CHANJIAO_TEST_QT_PLATFORM names Qt's platform (tests/windows/run_wine.sh: `windows`, on an
# Xvfb screen; Wine does not hand QT_QPA_PLATFORM itself on to Windows programs).
os.environ.setdefault("QT_QPA_PLATFORM", os.environ.get("CHANJIAO_TEST_QT_PLATFORM") or "offscreen")
# Package signing keys (app/package/signing.py) in a key file under each test's CHANJIAO_HOME, never in the
# user's real OS key store; the CLI run by tests inherits this.
os.environ["CHANJIAO_KEY_STORE"] = "file"

import datetime as dt  # noqa: E402
import functools  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from app.db.engine import Database, open_database  # noqa: E402
from tests.shards import pytest_runtestloop  # noqa: E402, F401  (shards of one run: run_wine.sh)

_USES_QT = re.compile(r"^[ \t]*(?:from|import)[ \t]+(?:PySide6|pytestqt|ui)\b", re.M)
_QT_FIXTURES = {"qtbot", "qapp", "qtmodeltester"}
_left_out: list[str] = []


def _qt_loads() -> bool:
    try:
        import PySide6.QtCore  # noqa: F401
    except Exception:  # not installed, or cannot load (Qt for Windows under Wine lacks icuuc.dll)
        return False
    return True


HAS_QT = _qt_loads()


@functools.cache
def _uses_qt(path: Path) -> bool:
    return bool(_USES_QT.search(path.read_text(encoding="utf-8")))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if not HAS_QT and collection_path.suffix == ".py" and collection_path.name.startswith("test_"):
        if _uses_qt(collection_path):
            _left_out.append(collection_path.name)
            return True
    return None


@pytest.hookimpl(tryfirst=True)  # before `-m "not qt"` deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _QT_FIXTURES & set(getattr(item, "fixturenames", ())) or _uses_qt(Path(item.path)):
            item.add_marker(pytest.mark.qt)


def pytest_report_collectionfinish(
    config: pytest.Config, start_path: Path, items: list[pytest.Item]
) -> list[str]:
    if not _left_out:
        return []
    return [
        f"PySide6 cannot load here: left out {len(_left_out)} Qt test modules ({', '.join(sorted(_left_out))})"
    ]


_TRACE = os.environ.get("CHANJIAO_TEST_TRACE")  # .ci/run: names the test a crash (no report) stopped in


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    if _TRACE:
        Path(_TRACE).write_text(nodeid, encoding="utf-8")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every module is imported now: what exists is permanent, so the collections after each Qt test
    (below) leave it out (gc.freeze) instead of walking ~400,000 objects each time."""
    import gc

    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """A Qt test's widgets go before its fixtures: pytest-qt has closed them (deleteLater) by now; delete
    them and collect their cycles while the test's database context is still set — a page left for later
    fires its pending timers (a search box's) into the next test, or after its context is gone."""
    if item.get_closest_marker("qt") is None:
        return
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect(1)  # the test's garbage is young: the pin collects generation 2 rarely
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _gc_on_gui_thread(request: pytest.FixtureRequest):
    """Qt tests run as the app does (ui/gc_pin.py): cycles collected on the GUI thread only, by a timer, and
    once more when the test ends, after its widgets are closed (pytest_runtest_teardown), so no test leaves
    its garbage to the next."""
    if request.node.get_closest_marker("qt") is None:
        yield
        return
    from PySide6.QtWidgets import QApplication

    from ui import gc_pin

    app = QApplication.instance() or request.getfixturevalue("qapp")
    gc_pin.install(app)
    try:
        yield
    finally:
        gc_pin.uninstall()


@pytest.fixture(autouse=True)
def _today_is_today(request: pytest.FixtureRequest) -> None:
    """A module that says TODAY_IS_TODAY has its TODAY set to the day each of its tests runs, not left at the day
    it was imported: a run passing midnight in between compared a page's day counts with the day before."""
    module = getattr(request, "module", None)
    if getattr(module, "TODAY_IS_TODAY", False):
        module.TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CHANJIAO_HOME", str(home))
    monkeypatch.delenv("CHANJIAO_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "chanjiao.db"


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the newest schema, made once per run: migrating a new file takes 0.1 s here and
    several times that under Wine, for each of a thousand tests. (Migrations themselves are tested on new and
    old files in test_db.py and test_old_databases.py, which open their own.)"""
    path = tmp_path_factory.mktemp("migrated") / "empty.db"
    open_database(path).close()
    return path


# ------------------------------------------------------------------ PostgreSQL (issue 19)
# CHANJIAO_TEST_PG: a server URL whose role may create databases (postgresql://cj:cj@localhost:5432/postgres);
# each test gets a database of its own, made from a migrated template and dropped after. Without the variable
# the PostgreSQL tests skip, unless CHANJIAO_TEST_PG_REQUIRED=1 (CI), where they fail.
# Modules whose `db`/`demo_db` tests run on both backends (a test id ends in [sqlite] or [postgresql]):
BOTH_BACKENDS = {
    "test_services_enterprises.py",
    "test_undo.py",
    "test_trash.py",
    "test_compliance.py",
    "test_dashboard_split.py",
    "test_tripartite.py",
    "test_package_export.py",
    "test_xlsx_import.py",
    "test_server_db.py",
    "test_students.py",
    "test_internships.py",
    "test_funds.py",
    "test_agreements.py",
    "test_projects.py",
    "test_report_tables.py",
    "test_evaluation.py",
    "test_industry.py",
    "test_bases.py",
    "test_teachers.py",
    "test_employment_report.py",
    "test_reminders.py",
    "test_self_evaluation.py",
    "test_settings_profile.py",
    "test_visits.py",
    "test_chart_data.py",
    "test_choices.py",
    "test_history.py",
    "test_xlsx_export.py",
    "test_ledger_xlsx.py",
    "test_import_existing.py",
    "test_outcomes_xlsx.py",
    "test_assets.py",
    "test_docs.py",
    "test_one_figure.py",
    "test_enterprise_links.py",
}
BACKENDS = ("sqlite", "postgresql")
# Tests of those modules that stay on SQLite (or mark one `sqlite_only`): those that run the CLI with
# `--db <db_path>` (a file's path; `db_arg` gives either).
SQLITE_ONLY = {
    "test_cli_check",
    "test_missing_required_data_skips_that_internship",
    "test_an_agreement_that_cannot_be_filled_is_skipped",
    "test_cli",
    "test_cli_errors",
    "test_cli_lists_the_blocked_in_json_without_id_numbers",
    "test_observation_internships_need_no_agreement",
    "test_cli_export_json",
    "test_cli_internships_list",
    "test_cli_internships_check",
    "test_cli_funds_summary_json",
    "test_cli_agreements_list_json",
    "test_cli_imports_and_practice_gaps",
    "test_cli_reminders_json",
    "test_cli_round_trip",
    "test_cli_assets_list_json",
    "test_cli_bad_input_exits_2",
    "test_every_place_shows_the_same_figures",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames or _QT_FIXTURES & set(metafunc.fixturenames):
        return  # the windows stay on SQLite until the server step of the GUI
    if metafunc.function.__name__ in SQLITE_ONLY or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if Path(metafunc.definition.path).name in BOTH_BACKENDS or metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" (the default) or "postgresql" (parametrised by pytest_generate_tests)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """The test server (tests/pg.py), or a skip (a failure under CHANJIAO_TEST_PG_REQUIRED=1)."""
    from tests import pg

    server = pg.server_or_skip()
    yield server
    server.drop_templates()


@pytest.fixture
def pg_database(pg_server):
    """A fresh, empty (not migrated) database on the test server: its ServerLocation; dropped after."""
    loc = pg_server.create()
    yield loc
    pg_server.drop(loc)


def _pg_copy(pg_server, template: str):
    loc = pg_server.create(template=template)
    database = open_database(loc)
    return loc, database


@pytest.fixture
def db(db_path: Path, _migrated: Path, backend: str, request: pytest.FixtureRequest) -> Database:
    db_path.parent.mkdir(parents=True, exist_ok=True)  # the same folders on both backends
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        loc, database = _pg_copy(server, server.migrated_template())
        yield database
        database.close()
        server.drop(loc)
        return
    shutil.copyfile(_migrated, db_path)
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def db_arg(db: Database, db_path: Path, request: pytest.FixtureRequest) -> str:
    """What `--db` takes for `db`: its file, or its server's address with the password, as a script gives it."""
    if db.is_server:
        return request.getfixturevalue("pg_server").url(db.location.database)
    return str(db_path)


DEMO_TODAY = dt.date(2026, 11, 1)  # the day the shared small demo is dated from


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory, _migrated: Path) -> Path:
    """The small demo (seed 1, dated from DEMO_TODAY), built once per run: several seconds here, many under
    Wine. Tests take a copy (`demo_db`); never open this file itself."""
    from app.demo import fill_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(_migrated, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHANJIAO_HOME", str(path.parent / "home"))
        database = open_database(path)
        try:
            with database.session() as s:
                fill_demo(s, size="small", seed=1, today=DEMO_TODAY)
        finally:
            database.close()
    return path


@pytest.fixture
def demo_db(db_path: Path, backend: str, request: pytest.FixtureRequest) -> Database:
    """A copy of the small demo at `db_path` (or on the test server), for this test alone."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        loc, database = _pg_copy(server, server.demo_template(DEMO_TODAY))
        yield database
        database.close()
        server.drop(loc)
        return
    demo_file = request.getfixturevalue("demo_file")
    shutil.copyfile(demo_file, db_path)
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def ctx(db: Database, qapp):
    """The GUI's database context over `db` (ui/ops.py), for pytest-qt tests; waits for its jobs at the end.
    A test module that needs a college profile first defines its own."""
    from ui.ops import DbContext, set_context

    context = DbContext(db)
    set_context(context)
    yield context
    context.wait()
    set_context(None)
