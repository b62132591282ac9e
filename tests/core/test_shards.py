"""tests/shards.py: two pytest processes share a suite module by module — every test runs exactly once, a
module's fixtures are set up once, the session's stay up — and without the variables a run is as always."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.shards import CLAIMS_ENV, SHARD_ENV

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = """
import os
from pathlib import Path

import pytest

from tests.shards import pytest_runtestloop  # noqa: F401

LOG = Path(os.environ["SHARD_TEST_LOG"])


def note(text):
    with LOG.open("a", encoding="utf-8") as f:
        f.write(text + "\\n")


@pytest.fixture(scope="session")
def session_thing():
    note("session up")
    yield
    note("session down")


@pytest.fixture(scope="module")
def module_thing(request):
    note(f"module up {request.module.__name__}")
    yield
"""

MODULE = """
import time

def test_a(session_thing, module_thing):
    time.sleep(0.05)

def test_b(session_thing, module_thing):
    time.sleep(0.05)

def test_c(session_thing, module_thing):
    pass
"""


def _suite(tmp_path: Path) -> Path:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    for i in range(12):
        (suite / f"test_m{i:02}.py").write_text(MODULE, encoding="utf-8")
    return suite


def _pytest(suite: Path, log: Path, **env: str) -> subprocess.Popen:
    # not this run's own shard (the Windows run is sharded): the suite here is claimed in its own folder
    outer = {k: v for k, v in os.environ.items() if k not in (SHARD_ENV, CLAIMS_ENV)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-rA",
            str(suite),
        ],
        cwd=suite,
        env={**outer, "PYTHONPATH": str(ROOT), "SHARD_TEST_LOG": str(log), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )


def _passed(output: str) -> set[str]:
    return {line.split()[1] for line in output.splitlines() if line.startswith("PASSED ")}


def test_two_shards_run_every_test_once(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    claims = tmp_path / "claims"
    claims.mkdir()
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    runs = [
        _pytest(suite, logs[k], CHANJIAO_TEST_SHARD=f"{k + 1}/2", CHANJIAO_TEST_CLAIMS=str(claims))
        for k in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    passed = [_passed(out) for out in outputs]
    every = {f"test_m{i:02}.py::test_{t}" for i in range(12) for t in "abc"}
    assert passed[0] | passed[1] == every
    assert not passed[0] & passed[1]
    assert passed[0] and passed[1]  # both did some of the work
    assert len(list(claims.glob("*.claim"))) == 12
    assert [(claims / f"modules-{k}").read_text(encoding="utf-8") for k in (1, 2)] == ["12", "12"]
    for log in logs:
        lines = log.read_text(encoding="utf-8").splitlines()
        assert lines.count("session up") == 1 and lines[-1] == "session down"  # up throughout
        ups = [line for line in lines if line.startswith("module up")]
        assert len(ups) == len(set(ups))  # each module's fixture once
    modules_run = {line.split()[-1] for log in logs for line in log.read_text(encoding="utf-8").splitlines()}
    assert {f"test_m{i:02}" for i in range(12)} <= modules_run


def test_without_the_variables_a_run_is_whole(tmp_path: Path) -> None:
    suite = _suite(tmp_path)
    run = _pytest(suite, tmp_path / "all.log")
    out = run.communicate(timeout=300)[0]
    assert run.returncode == 0, out
    assert len(_passed(out)) == 36
