"""Templates are filled in a separate process with a hard time and memory limit.

Inside the app's own process nothing can stop work a template makes C code do (a huge power, a regular
expression over a huge part): a deadline there only fires between bytecodes. So every rendering — the
check when a template is set, a single document, a batch — goes to a render process: multiprocessing's
"spawn" start (the same on Windows, Linux and macOS; the frozen app calls multiprocessing.freeze_support()
first thing, see installer/entry.py), one process per template and batch (two for a long batch),
one request per document.

- Time: each document has RENDER_SECONDS; a process still busy after that is killed and the document (and
  in a batch, what is left) is reported as stopped, naming the template and the document.
- Memory: MEMORY_MB of address space, set by the process on itself on Linux and macOS (RLIMIT_AS) and by a
  Windows job object the app puts it in (JOB_OBJECT_LIMIT_PROCESS_MEMORY; the job also kills it when the app
  goes). A template that runs out gets MemoryError there, or the process dies: either way it is reported.
- A batch of many documents (RenderPool) fills them in two processes on two cores, each document with
  its own deadline; the app writes each document while the processes fill the next ones, in order.
- Only plain data crosses: the template's bytes, the context (dicts, lists, text, numbers, dates, Picture
  bytes), and back the finished .docx bytes, which the app writes itself (app/fsutil.py atomic_path).
The sandbox's budgets (app/docs/sandbox.py) are copied into the process, so what this process's module
says is what holds there.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as connection_wait
from typing import Any, NoReturn

from app.docs import sandbox
from app.errors import AppError, DocumentTemplateError

log = logging.getLogger(__name__)

RENDER_SECONDS = 30.0  # one document (or the combined copy of a batch)
MEMORY_MB = 2048  # the render process's address space
START_SECONDS = 120.0  # starting the process (a slow PC, antivirus scanning the app's files)
START_ATTEMPTS = 3  # a start the system refuses is tried again (_start)


class RenderStopped(DocumentTemplateError):
    """The render process was stopped: too slow, out of memory, or gone. It renders nothing more."""


class RenderWorker:
    """One render process filling one template, document after document (a batch shares what the
    template's preparation costs). Use as a context manager; the process starts at the first request."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name
        self.seconds, self.memory_mb = RENDER_SECONDS, MEMORY_MB  # read now: tests make them small
        self.pid = 0
        self._process: Any = None
        self._conn: Connection | None = None
        self._job: Any = None
        self._stopped = ""
        self._sent: deque[float] = deque()  # when each request not yet answered was sent
        self._free_at = 0.0  # when the last answer came
        self._started, self._opening = 0.0, False

    def __enter__(self) -> RenderWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fill(
        self, context: Mapping[str, Any], *, full_check: bool = True, combine: bool = False, who: str = ""
    ) -> bytes:
        """The .docx bytes of the template filled with `context`; with `combine`, it is also appended to the
        combined copy. `who` names the document in messages ("张三（机电2301）的三方协议")."""
        self.send(context, full_check=full_check, combine=combine)
        return self.receive(who)

    def send(self, context: Mapping[str, Any], *, full_check: bool = True, combine: bool = False) -> None:
        """Ask for a filling without waiting for it (receive gets the document): the app writes the
        previous document meanwhile. Its deadline counts from when the process is free to start on it."""
        self._send("fill", (dict(context), full_check, combine))

    def receive(self, who: str = "") -> bytes:
        """The answer to the oldest request sent and not yet received."""
        return self._receive(who)

    def combined(self) -> bytes:
        """The .docx bytes of the documents filled with combine=True, each starting on a new page."""
        return self._ask("combined", (), "合并打印版")

    def start(self) -> None:
        """Start the render process now, without waiting for it to be ready (a pool starts its second
        process while the first fills)."""
        if self._process is None and not self._stopped:
            self._start()

    @property
    def starting(self) -> bool:
        """Started, and not yet known to be ready."""
        return self._opening

    @property
    def stopped(self) -> bool:
        return bool(self._stopped)

    @property
    def busy(self) -> bool:
        """A request sent and not answered yet (or the start not yet confirmed)."""
        return bool(self._sent) or self._opening

    def ready_by(self) -> float:
        """When (time.monotonic) the answer the process owes is due at the latest."""
        if self._opening:
            return self._started + START_SECONDS
        return max(self._sent[0], self._free_at) + self.seconds

    def confirm_start(self) -> None:
        """Wait for the process to say it is ready (RenderStopped if it does not start)."""
        if self._opening:
            self._opening = False
            self._answer(
                START_SECONDS, "", starting=True, wait=self._started + START_SECONDS - time.monotonic()
            )
            self._free_at = time.monotonic()

    @property
    def connection(self) -> Connection | None:
        return self._conn

    def close(self) -> None:
        """End the process. It holds nothing to save, and ending it is quicker than letting its interpreter
        exit (half a second after a batch, with all it keeps)."""
        self._kill()

    # ------------------------------------------------------------ the parent's side

    def _ask(self, op: str, args: tuple, who: str) -> bytes:
        self._send(op, args)
        return self._receive(who)

    def _send(self, op: str, args: tuple) -> None:
        if self._stopped:
            raise RenderStopped(self._stopped, "render process stopped before")
        if self._process is None:
            self._start()
        assert self._conn is not None
        try:
            self._conn.send((op, args))
        except OSError:  # the process is gone: _answer finds the pipe closed and says so
            pass
        self._sent.append(time.monotonic())

    def _receive(self, who: str) -> Any:
        if self._stopped:
            raise RenderStopped(self._stopped, "render process stopped before")
        self.confirm_start()
        sent = self._sent.popleft()
        try:
            return self._answer(
                self.seconds, who, wait=max(sent, self._free_at) + self.seconds - time.monotonic()
            )
        finally:
            self._free_at = time.monotonic()

    def _start(self) -> None:
        """Start the process; a start the system refuses is tried again twice (Windows can refuse one for a
        moment, e.g. right after the previous process was ended, or while an antivirus scans)."""
        spawn = multiprocessing.get_context("spawn")
        limits = {key: getattr(sandbox, key) for key in sandbox.LIMIT_NAMES}
        for attempt in range(START_ATTEMPTS):
            here, there = spawn.Pipe()
            process = spawn.Process(
                target=serve, args=(there, self.memory_mb, limits), name="chanjiao-render", daemon=True
            )
            try:
                process.start()
                break
            except OSError as e:
                here.close()
                if attempt + 1 == START_ATTEMPTS:
                    raise DocumentTemplateError(
                        f"无法启动文档生成进程（{e.strerror or e}），文档未生成。", repr(e)
                    ) from e
                log.warning("render process did not start (%r); trying again", e)
                time.sleep(0.25 * (attempt + 1))
            finally:
                there.close()
        self._process, self._conn, self.pid = process, here, process.pid or 0
        self._started, self._opening = time.monotonic(), True
        if sys.platform == "win32":
            self._job = _windows_job(self.pid, self.memory_mb)
        try:
            here.send(("open", (self.data, self.name)))  # nothing is filled before the job holds it
        except OSError:  # it did not start: _answer finds the pipe closed and says so
            pass

    def _answer(self, seconds: float, who: str, *, starting: bool = False, wait: float | None = None) -> Any:
        """The next answer, waiting `wait` seconds for it (`seconds` is the deadline messages name)."""
        assert self._conn is not None
        what, when = (f"在生成{who}时",) * 2 if who else ("渲染", "渲染时")
        try:
            ready = self._conn.poll(max(0.0, seconds if wait is None else wait))
        except OSError:  # Windows: the pipe broke (the process is gone); recv below says so
            ready = True
        if not ready:
            if starting:
                self._stop(f"文档生成进程在{seconds:.0f}秒内没有启动，文档未生成。")
            self._stop(
                f"模板“{self.name}”{what}超过{seconds:g}秒仍未完成，已停止（可能是循环嵌套过深或计算量过大）。"
            )
        try:
            kind, value = self._conn.recv()
        except (EOFError, OSError):
            self._process.join(5)
            code = self._process.exitcode
            if starting:
                self._stop(f"文档生成进程启动失败（退出码 {code}），文档未生成。")
            self._stop(
                f"模板“{self.name}”{when}生成进程意外退出（退出码 {code}），"
                f"可能是占用内存超过{self.memory_mb} MB，已停止。"
            )
        if kind == "ok":
            return value
        if kind == "memory":
            self._stop(
                f"模板“{self.name}”{when}占用内存超过{self.memory_mb} MB，已停止（模板生成的内容过大）。"
            )
        message, detail = value
        raise DocumentTemplateError(message, detail)

    def _stop(self, message: str) -> NoReturn:
        """Kill the process and raise RenderStopped with `message`."""
        self._stopped = message
        self._kill()
        log.warning("render process stopped: %s", message)
        raise RenderStopped(message, "render process stopped")

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.is_alive():
            process.kill()
            process.join(5)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._job is not None:
            self._job()  # closes the job object's handle
            self._job = None


class RenderPool:
    """Many documents of one template filled by `size` render processes at once (one per core: a batch of
    agreements), each with its deadline per document as a RenderWorker alone. The first process fills
    while the second starts; each process gets the next document when it gives one back, and the documents
    come out in the order given (fill_all), however the processes share them."""

    AHEAD = 8  # documents filled ahead of the one the app writes next

    def __init__(self, first: RenderWorker, size: int) -> None:
        self.workers = [first]
        for _ in range(size - 1):  # one that cannot start is left out: the others fill without it
            worker = RenderWorker(first.data, first.name)
            try:
                worker.start()
            except AppError:
                log.warning(
                    "a second render process did not start; the batch goes on with one", exc_info=True
                )
                worker.close()
                continue
            self.workers.append(worker)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers[1:]:
            worker.close()

    def fill_all(
        self,
        contexts: Sequence[Mapping[str, Any]],
        whos: Sequence[str],
        *,
        full_check: bool = False,
        combine: bool = False,
    ) -> Iterator[bytes | AppError]:
        """Each context's document, or the AppError it failed with, in order (`combine`: only with one
        process, which appends them in that order). After a RenderStopped nothing more is asked for; the
        documents not yet filled are not yielded."""
        assert not combine or len(self.workers) == 1
        taken: dict[RenderWorker, int] = {}  # the document each process is filling
        done: dict[int, bytes | AppError] = {}
        upcoming = 0
        for n in range(len(contexts)):
            while n not in done:
                halted = any(isinstance(v, RenderStopped) for v in done.values())
                for worker in self.workers:
                    free = not worker.busy and not worker.stopped and not halted
                    if free and upcoming < len(contexts) and upcoming - n < self.AHEAD:
                        worker.send(contexts[upcoming], full_check=full_check, combine=combine)
                        taken[worker], upcoming = upcoming, upcoming + 1
                if not any(w.busy for w in self.workers):  # every process gone before filling it
                    done[n] = RenderStopped("文档生成进程已停止，文档未生成。", "no render process left")
                    break
                self._collect(taken, done, whos)
            outcome = done.pop(n)
            yield outcome
            if isinstance(outcome, RenderStopped):
                return

    def _collect(
        self, taken: dict[RenderWorker, int], done: dict[int, bytes | AppError], whos: Sequence[str]
    ) -> None:
        """Wait for the next answer (or a deadline) of any process, and keep it."""
        waiting = [w for w in self.workers if w.busy]
        due = min(w.ready_by() for w in waiting)
        ready = connection_wait([w.connection for w in waiting], max(0.0, due - time.monotonic()))
        for worker in waiting:
            if worker.connection not in ready and worker.ready_by() > time.monotonic():
                continue
            if worker.starting:
                try:
                    worker.confirm_start()
                except AppError as e:  # a process that did not start: the others fill without it
                    log.warning("a render process of the pool did not start: %s", e.detail)
                    worker.close()
                    self.workers.remove(worker)
                continue
            n = taken.pop(worker)
            try:
                done[n] = worker.receive(whos[n])
            except AppError as e:
                done[n] = e


# ---------------------------------------------------------------- the render process


def serve(conn: Connection, memory_mb: int, limits: dict[str, int]) -> None:
    """The render process: limit its own memory, then answer requests until the app says None or goes."""
    _die_with_parent()
    _limit_memory(memory_mb)
    for key, value in limits.items():
        setattr(sandbox, key, value)
    from app.docs.render import FillSession  # docx, docxtpl, lxml: only in this process

    session: FillSession | None = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        op, args = request
        try:
            if op == "open":
                session, answer = FillSession(*args), None
            elif op == "fill" and session is not None:
                answer = session.fill(*args)
            elif op == "combined" and session is not None:
                answer = session.combined()
            else:
                raise ValueError(f"unknown request {op!r}")
        except AppError as e:
            conn.send(("error", (e.message, e.detail)))
        except MemoryError:
            conn.send(("memory", None))
            return
        except Exception as e:  # a bug, not the template's fault: the app logs the detail
            conn.send(("error", (f"生成文档时出错（{type(e).__name__}），文档未生成。", repr(e))))
        else:
            conn.send(("ok", answer))


def _die_with_parent() -> None:
    """Linux: killed with the app (kill -9, a crash) instead of rendering on alone until its template is done
    (Windows: the job object kills it with the app)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:  # the app went before prctl took effect
            os._exit(1)
    except (OSError, AttributeError) as e:
        log.warning("render process not tied to the app: %s", e)


def _limit_memory(memory_mb: int) -> None:
    """Linux and macOS: this process's address space (Windows: the app's job object does it)."""
    try:
        import resource
    except ImportError:
        return
    limit = memory_mb * 1024 * 1024
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError) as e:  # macOS may refuse: the deadline still holds
        log.warning("no memory limit for the render process: %s", e)


def _windows_job(pid: int, memory_mb: int) -> Any:
    """Put process `pid` in a new job object that limits its memory and kills it when the job's handle is
    closed (by RenderWorker, or by Windows when the app ends). Returns a function closing the handle, or
    None when Windows refuses (the deadline still holds)."""
    import ctypes

    class BasicLimits(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", ctypes.c_uint32),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", ctypes.c_uint32),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", ctypes.c_uint32),
            ("SchedulingClass", ctypes.c_uint32),
        ]

    class IoCounters(ctypes.Structure):  # IO_COUNTERS
        _fields_ = [
            (name, ctypes.c_uint64)
            for name in ("Read", "Write", "Other", "ReadBytes", "WriteBytes", "OtherBytes")
        ]

    class ExtendedLimits(ctypes.Structure):  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
        _fields_ = [
            ("BasicLimitInformation", BasicLimits),
            ("IoInfo", IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    limit_process_memory, kill_on_job_close = 0x0100, 0x2000
    extended_limit_information = 9  # JobObjectExtendedLimitInformation
    set_quota, terminate = 0x0100, 0x0001  # PROCESS_SET_QUOTA | PROCESS_TERMINATE
    handle = ctypes.c_void_p
    k32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    k32.CreateJobObjectW.argtypes, k32.CreateJobObjectW.restype = (handle, ctypes.c_wchar_p), handle
    k32.SetInformationJobObject.argtypes = (handle, ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32)
    k32.OpenProcess.argtypes, k32.OpenProcess.restype = (
        (ctypes.c_uint32, ctypes.c_int, ctypes.c_uint32),
        handle,
    )
    k32.AssignProcessToJobObject.argtypes = (handle, handle)
    k32.CloseHandle.argtypes = (handle,)

    job = k32.CreateJobObjectW(None, None)
    if not job:
        log.warning("CreateJobObjectW failed: %s", ctypes.get_last_error())
        return None
    info = ExtendedLimits()
    info.BasicLimitInformation.LimitFlags = limit_process_memory | kill_on_job_close
    info.ProcessMemoryLimit = memory_mb * 1024 * 1024
    process = None
    try:
        if not k32.SetInformationJobObject(
            job, extended_limit_information, ctypes.byref(info), ctypes.sizeof(info)
        ):
            raise OSError(ctypes.get_last_error(), "SetInformationJobObject")
        process = k32.OpenProcess(set_quota | terminate, False, pid)
        if not process or not k32.AssignProcessToJobObject(job, process):
            raise OSError(ctypes.get_last_error(), "OpenProcess/AssignProcessToJobObject")
    except OSError as e:
        log.warning("no memory limit for the render process: %s", e)
        k32.CloseHandle(job)
        return None
    finally:
        if process:
            k32.CloseHandle(process)
    return lambda: k32.CloseHandle(job)
