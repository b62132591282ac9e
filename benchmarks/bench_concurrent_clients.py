"""Many people at once on one database: N client processes, each in a loop either opening an enterprise and
saving it as the form does, or reading a page of the enterprise list, for a fixed time; then throughput,
latency percentiles, conflicts, and a check that nothing was lost.

    CHANJIAO_BENCH_PG=postgresql://user:password@127.0.0.1:5432/postgres \\
        python benchmarks/bench_concurrent_clients.py [--clients 20] [--seconds 60] [--records 50] [--file [PATH]]

The database is the small demo, on its own database on that server (a role that may create databases;
CHANJIAO_TEST_PG is used when CHANJIAO_BENCH_PG is not set), dropped at the end; --file runs on a new SQLite
file instead (PATH, else one in a temporary folder). The clients share a small pool of enterprises (--records),
so that two of them often save the same one.

- open: the form's read (RecordForm._read_opened): the enterprise and its history, with the version of exactly
  what was read (`versions.read_opened`);
- save: the form's save: its check (a reader), then one write session with `versions.ensure_unchanged` first
  and `update_enterprise` changing 备注 to a value no other save writes, journaled for 撤销 as the form does;
  acknowledged when the session commits, logged with the version it produced; a refusal must be RecordChanged
  with the conflict message;
- list read: the page's ids, then the rows of one page at a random place (two reader sessions, as the page).

Each client logs every acknowledged save (the value it wrote, the version it produced, and the 备注 and
version its form showed) and every refusal to a file of its own. The check, at the end: for each record the
acknowledged saves, ordered by the version each produced, have versions following one another from the
version the record had at the start; each was made on a form showing what the save before it wrote (else it
overwrote a change its user never saw: a lost update that the version check let through); the record's 备注
in the database is the value of the last of them and its version the start version + their number; every
refusal was a RecordChanged saying so. The exit code is 1 when the check fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from app.db.engine import open_database  # noqa: E402
from app.db.models import Enterprise  # noqa: E402
from app.demo import fill_demo  # noqa: E402
from app.errors import AppError, RecordChanged  # noqa: E402
from app.services import enterprise_list as listing  # noqa: E402
from app.services import enterprises as svc  # noqa: E402
from app.services import versions  # noqa: E402
from app.services.history import enterprise_history  # noqa: E402
from app.services.undo import journaled  # noqa: E402
from benchmarks.common import BenchServer, timed  # noqa: E402

# rows a list page reads at a time: ui/models/lazy_table.py PAGE (not imported: no Qt in the clients)
PAGE = 200
SAVE_SHARE = 0.5  # of the loops: open and save; the rest read the list
CONFLICT_WORDS = ("这条记录在您打开之后已被", "修改过。您的修改没有保存")


# ---------------------------------------------------------------- one client (a process of its own)


class WarmUp(Exception):
    """Ends a client's first save before the start: rolled back, nothing written."""


def client(number: int, where: str, ids: list[str], seconds: float, log_path: str, start) -> None:
    db = open_database(where)
    rng = random.Random(number)
    # once through each path first, as in a window open for a while (imports, statements compiled), unmeasured
    read_list(db, rng)
    try:
        open_and_save(db, ids[number % len(ids)], "", warm_up=True)
    except WarmUp:
        pass
    start.wait(timeout=300)  # every client is ready
    end = time.monotonic() + seconds
    count = 0
    with open(log_path, "w", encoding="utf-8") as log:

        def write(**entry: object) -> None:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")

        while time.monotonic() < end:
            if rng.random() < SAVE_SHARE:
                count += 1
                write(**open_and_save(db, rng.choice(ids), f"客户端{number}-第{count}次"))
            else:
                write(**read_list(db, rng))
        write(kind="end", at=time.time())
    db.close()


def ms_since(t: float) -> float:
    """Milliseconds since the perf_counter() reading `t`."""
    return (time.perf_counter() - t) * 1000


def open_and_save(db, record_id: str, value: str, *, warm_up: bool = False) -> dict[str, object]:
    t = time.perf_counter()
    with db.reader() as s:  # RecordForm._read_opened: what the form shows and the version of exactly that
        detail, opened = versions.read_opened(
            s, record_id, lambda s2: (svc.get_enterprise(s2, record_id), enterprise_history(s2, record_id))[0]
        )
    opened_at = time.perf_counter()
    fields = {f.name: getattr(detail, f.name) for f in dataclasses.fields(svc.EnterpriseData)}
    data = dataclasses.replace(svc.EnterpriseData(**fields), note=value)
    entry: dict[str, object] = {
        "id": record_id,
        "value": value,
        "seen": detail.note,  # what the form showed, and the version it took that for
        "based_on": opened.version,
        "open_ms": (opened_at - t) * 1000,
    }
    try:
        with db.reader() as s:  # RecordForm.save: the form's check first
            found = svc.check_enterprise(s, data, exclude_id=record_id)
        assert not found.errors, found.errors
        entry["check_ms"] = ms_since(opened_at)

        def save(s) -> int:
            versions.ensure_unchanged(s, opened)
            svc.update_enterprise(s, record_id, data)
            if warm_up:
                raise WarmUp
            return s.get(Enterprise, record_id).version  # flushed: the version this save produced

        with db.session() as s:
            version = journaled(s, lambda: save(s), "修改企业")
    except AppError as e:
        entry |= {"kind": "refused", "error": type(e).__name__, "message": e.message}
    else:
        entry |= {"kind": "saved", "version": version}
    entry["save_ms"] = ms_since(opened_at)
    return entry


def read_list(db, rng: random.Random) -> dict[str, object]:
    t = time.perf_counter()
    with db.reader() as s:
        ids = listing.enterprise_ids(s, listing.EnterpriseQuery())
    start = rng.randrange(max(1, len(ids) - PAGE // 2))
    with db.reader() as s:
        rows = listing.enterprise_rows(s, ids[start : start + PAGE])
    return {"kind": "read", "rows": len(rows), "ms": ms_since(t)}


# ---------------------------------------------------------------- the run and the check


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


KEPT = "every acknowledged save is in the database (its record's 备注 the last save's, its version the start + its saves)"
REFUSED = "every refusal was RecordChanged with the conflict message"
SEEN = "every acknowledged save was made on what its form showed (no change overwritten unseen)"


def check(
    entries: list[dict], start: dict[str, tuple[str, int]], final: dict[str, tuple[str, int]]
) -> dict[str, list[str]]:
    """{what is checked: the cases that break it, in words} ([] when none)."""
    problems: dict[str, list[str]] = {KEPT: [], REFUSED: [], SEEN: []}
    saves: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        if e["kind"] == "saved":
            saves[e["id"]].append(e)
        elif e["kind"] == "refused" and (
            e["error"] != RecordChanged.__name__ or not all(w in e["message"] for w in CONFLICT_WORDS)
        ):
            problems[REFUSED].append(f"{e['id']}: refused with {e['error']}: {e['message']}")
    for record_id, (value0, version0) in start.items():
        acked = sorted(saves.get(record_id, []), key=lambda e: e["version"])
        value, version = final[record_id]
        produced = [e["version"] for e in acked]
        if produced != list(range(version0 + 1, version0 + 1 + len(acked))):
            problems[KEPT].append(
                f"{record_id}: acknowledged saves produced versions {produced} from {version0}"
            )
        want = acked[-1]["value"] if acked else value0
        if value != want:
            problems[KEPT].append(
                f"{record_id}: 备注 is {value!r}, the last acknowledged save wrote {want!r}"
            )
        if version != version0 + len(acked):
            problems[KEPT].append(f"{record_id}: version {version}, expected {version0} + {len(acked)} saves")
        shown = value0  # each acknowledged save was made over what the save before it wrote, no other
        for e in acked:
            if e["seen"] != shown:
                problems[SEEN].append(
                    f"{record_id}: the save producing version {e['version']} was made on a form showing "
                    f"{e['seen']!r} as version {e['based_on']}, but version {e['version'] - 1} holds {shown!r}"
                )
            shown = e["value"]
    return problems


def pool_state(where: str, ids: list[str]) -> dict[str, tuple[str, int]]:
    db = open_database(where)
    try:
        with db.reader() as s:
            rows = s.execute(
                select(Enterprise.id, Enterprise.note, Enterprise.version).where(Enterprise.id.in_(ids))
            )
            return {r.id: (r.note, r.version) for r in rows}
    finally:
        db.close()


def prepare(where: str, records: int) -> list[str]:
    """The small demo; the ids of the first `records` enterprises of the list (the shared pool)."""
    with timed("demo database built"):
        db = open_database(where)
        try:
            with db.session() as s:
                fill_demo(s, size="small", seed=1)
            with db.reader() as s:
                return listing.enterprise_ids(s, listing.EnterpriseQuery())[:records]
        finally:
            db.close()


def run(where: str, display: str, args: argparse.Namespace) -> bool:
    ids = prepare(where, args.records)
    before = pool_state(where, ids)
    logs = Path(tempfile.mkdtemp(prefix="cjbench_clients_"))
    ctx = multiprocessing.get_context("spawn")  # each client a fresh process with its own connections
    start = ctx.Barrier(args.clients + 1)
    procs = [
        ctx.Process(target=client, args=(i, where, ids, args.seconds, str(logs / f"client{i}.jsonl"), start))
        for i in range(args.clients)
    ]
    for p in procs:
        p.start()
    try:
        start.wait(timeout=300)
    except threading.BrokenBarrierError:  # a client could not open the database: its traceback is above
        for p in procs:
            p.terminate()
        sys.exit("the clients did not all start")
    began = time.time()
    for p in procs:
        p.join()
    entries = []
    ends = []
    for i in range(args.clients):
        path = logs / f"client{i}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else ():
            e = json.loads(line)
            (ends.append(e["at"]) if e["kind"] == "end" else entries.append(e))
    elapsed = (max(ends) if ends else time.time()) - began
    after = pool_state(where, ids)

    saved = [e for e in entries if e["kind"] == "saved"]
    refused = [e for e in entries if e["kind"] == "refused"]
    reads = [e for e in entries if e["kind"] == "read"]
    print(
        f"clients: {args.clients}   seconds: {elapsed:.1f}   records shared: {len(ids)}   database: {display}"
    )
    print()
    print(f"{'operation':36} {'count':>7} {'per s':>8} {'p50':>9} {'p95':>9} {'p99':>9}")
    for name, group, key in [
        ("open (read + version)", saved + refused, "open_ms"),
        ("save: the form's check (a read)", saved + refused, "check_ms"),
        ("save acknowledged (check + write)", saved, "save_ms"),
        ("save refused (check + refusal)", refused, "save_ms"),
        ("list read (ids + one page)", reads, "ms"),
    ]:
        ms = [e[key] for e in group]
        print(
            f"{name:36} {len(group):7d} {len(group) / elapsed:8.1f}"
            + "".join(f" {percentile(ms, p):7.1f}ms" for p in (50, 95, 99))
        )
    print(
        f"conflicts: {len(refused)} of {len(saved) + len(refused)} saves ({len(refused) / max(1, len(saved) + len(refused)):.0%})"
    )
    problems = check(entries, before, after)
    problems[KEPT] += [
        f"client {i} ended with exit code {p.exitcode}" for i, p in enumerate(procs) if p.exitcode
    ]
    for what, cases in problems.items():
        print(f"check: {what}: " + (f"FAILED ({len(cases)})" if cases else "OK"))
        for line in cases[:10]:
            print("  " + line)
    failed = any(problems.values())
    if failed:
        print(f"(client logs kept in {logs})")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    print(f"(Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    return not failed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20, help="client processes (20)")
    parser.add_argument("--seconds", type=float, default=60, help="how long they work (60)")
    parser.add_argument("--records", type=int, default=50, help="enterprises they share (50)")
    parser.add_argument(
        "--file",
        nargs="?",
        const="",
        type=str,
        help="a new SQLite file instead of the server (PATH or a temporary one)",
    )
    args = parser.parse_args()
    os.environ.setdefault("CHANJIAO_HOME", tempfile.mkdtemp())  # the clients inherit it
    if args.file is not None:
        path = Path(args.file) if args.file else Path(tempfile.mkdtemp()) / "clients.db"
        if path.exists():
            sys.exit(f"{path} exists: --file makes a new database")
        try:
            ok = run(str(path), str(path), args)
        finally:
            if not args.file:  # a temporary file: removed with its folder (backups, WAL)
                shutil.rmtree(path.parent, ignore_errors=True)
    else:
        server = BenchServer.from_env()
        name = server.create("clients")
        try:
            loc = server.location(name)
            ok = run(server.conninfo(name), loc.display, args)
        finally:
            server.drop(name)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
