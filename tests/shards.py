"""Two pytest processes sharing one test suite, module by module (tests/windows/run_wine.sh with
CHANJIAO_WINE_SHARDS=2: the Windows run under Wine on both cores of a machine doing nothing else).

CHANJIAO_TEST_SHARD=k/n and CHANJIAO_TEST_CLAIMS=<a folder both processes can write> turn it on. Each process
collects the whole suite, then takes the test modules one at a time — the first process from the first module
on, the others from the last module back — claiming each by creating a file named after it in the folder
(O_EXCL: exactly one process gets it). A module is run whole by the process that claimed it, in its own order,
with its module fixtures set up once; the session's fixtures (the Qt application, the migrated template) stay
up throughout. The next module is claimed before the last test of the current one runs, so pytest tears down
only what that next module does not share. `modules` in the folder records how many modules there are: the
run script checks that every one was claimed."""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARD_ENV = "CHANJIAO_TEST_SHARD"
CLAIMS_ENV = "CHANJIAO_TEST_CLAIMS"


def shard() -> tuple[int, int, Path] | None:
    """(k, n, the claims folder) when this process is shard k of n, else None."""
    spec, claims = os.environ.get(SHARD_ENV), os.environ.get(CLAIMS_ENV)
    if not spec or not claims:
        return None
    k, _, n = spec.partition("/")
    return int(k), int(n), Path(claims)


def _claim(claims: Path, module: str, k: int) -> bool:
    name = hashlib.sha256(module.encode("utf-8")).hexdigest()[:24] + ".claim"
    try:
        fd = os.open(claims / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"{k} {module}\n")
    return True


def _modules(items: list[pytest.Item]) -> list[list[pytest.Item]]:
    """The items grouped by module, in collection order (a module's items are contiguous)."""
    return [list(group) for _, group in itertools.groupby(items, key=lambda item: str(item.path))]


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    mine = shard()
    if mine is None or session.config.option.collectonly:
        return None
    k, n, claims = mine
    modules = _modules(session.items)
    claims.mkdir(parents=True, exist_ok=True)
    (claims / f"modules-{k}").write_text(str(len(modules)), encoding="utf-8")
    if k > 1:
        modules.reverse()

    def claimed() -> Iterator[list[pytest.Item]]:
        for group in modules:
            if _claim(claims, str(group[0].path.relative_to(session.config.rootpath)), k):
                yield group

    taken = claimed()
    current = next(taken, None)
    while current is not None:
        following = None
        for i, item in enumerate(current):
            if i == len(current) - 1:
                following = next(taken, None)  # claimed now: the fixtures it shares stay up
                nextitem = following[0] if following else None
            else:
                nextitem = current[i + 1]
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            if session.shouldfail:
                raise session.Failed(session.shouldfail)
            if session.shouldstop:
                raise session.Interrupted(session.shouldstop)
        current = following
    return True
