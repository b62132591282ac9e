"""The school side of the submission package (上报材料包): merge many colleges' packages into one summary
workbook (学校汇总). Each file is verified first (app/package/verify.py) and judged on its own: a package that
fails anywhere — verification, its signature and key (app/package/trust.py), reading or computing its
figures — is left out with its reason, never raised, and the others are merged.

Signed packages (format version 2): the key must be the one the school registered for the manifest's
college (unknown keys are trusted only when the school confirms the fingerprint, or with `trust_new`), and
the sequence must not be older than one already merged for that college and period. Of several packages of
the same college (school + college) and period the one with the highest signed sequence is used, never the
one with the latest manifest date; a signed package always beats an unsigned one. Unsigned packages (made by
older versions) are used only while the school has no key for the college, and are flagged; among them the
export time decides (compared as instants), then the file's modification time.

Package content is hostile input: the manifest's names and every cell of data.xlsx are only ever read as
values and written back through app.io.xlsx (text stays text, never a formula). The workbook itself is
written by app/package/merge_xlsx.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from app.domain.names import clean_text, name_key, pinyin_keys
from app.errors import AppError, Cancelled
from app.package import format as fmt
from app.package import sanity
from app.package.figures import headline_figures as figures_of
from app.package.figures import manifest_figures, with_period
from app.package.figures import totals as figure_totals
from app.package.judge import Judge, NewKey
from app.package.signing import Signer
from app.package.trust import TrustStore
from app.package.verify import Problem, Verification, listed_file, package_data, shown, verify_package
from app.progress import Progress, noop_progress, tick
from app.reporting.columns import TABLE_COLUMNS

log = logging.getLogger(__name__)

ROW_TICK = 500  # rows read between two cancel checks
_TIME = "%Y-%m-%d %H:%M"


# ---------------------------------------------------------------- what a merge uses


@dataclass(frozen=True)
class Lack:
    """A table of the summary an older package cannot fill (wholly, or these columns): left empty."""

    table: str
    columns: tuple[str, ...] = ()  # () with `whole`: the package has no such table at all
    whole: bool = False

    @property
    def text(self) -> str:
        if self.whole:
            return f"没有“{self.table}”"
        return f"“{self.table}”缺少列：{'、'.join(self.columns)}"

    def as_json(self) -> dict[str, Any]:
        return {"table": self.table, "columns": list(self.columns), "whole_table": self.whole}


@dataclass(frozen=True)
class PackageInfo:
    """One valid package. `figures` (HEADLINES label → value, money in 元) are read from data.xlsx for the
    packages used, the period's figures from its manifest when it carries them (figures.manifest_figures);
    a superseded package is not read and has none."""

    path: Path
    school: str
    college: str
    period_code: str
    period_label: str
    created: dt.datetime | None  # as the package says, with its UTC offset
    figures: dict[str, int | float]
    period_kind: str = ""
    app_version: str = ""
    mtime: float = 0.0
    signer: Signer | None = None  # None: unsigned (made before format version 2)
    version: int = fmt.VERSION
    lacking: tuple[Lack, ...] = ()  # what an older version's data.xlsx has not: its cells merged empty

    @property
    def key(self) -> tuple[str, str, str]:
        """Packages with the same key replace each other: the same college and period."""
        return (name_key(self.school), name_key(self.college), self.period_code)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sequence(self) -> int | None:
        return self.signer.sequence if self.signer else None

    @property
    def created_text(self) -> str:
        """The export time in this computer's time zone (offsets in manifests differ: one clock for all)."""
        return self.created.astimezone().strftime(_TIME) if self.created else "（未知）"

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "version": self.version,
            "lacking": [x.as_json() for x in self.lacking],
            "school": self.school,
            "college": self.college,
            "period": {"kind": self.period_kind, "code": self.period_code, "label": self.period_label},
            "created": self.created.isoformat() if self.created else None,
            "app_version": self.app_version,
            "signed": self.signer is not None,
            "key": self.signer.fingerprint if self.signer else None,
            "sequence": self.sequence,
            "figures": dict(self.figures),
        }


@dataclass(frozen=True)
class MergePlan:
    """What a merge of some files would use, without writing anything (the GUI's 学校汇总 page lists it)."""

    used: tuple[PackageInfo, ...]  # by college name (pinyin order), then period
    invalid: tuple[Verification, ...]  # left out, with their problems
    superseded: tuple[tuple[PackageInfo, PackageInfo], ...]  # (older, left out; newer, used)
    warnings: tuple[str, ...]
    new_keys: tuple[NewKey, ...] = ()  # unknown keys: their packages are in `invalid` until trusted
    trusted: tuple[NewKey, ...] = ()  # keys trusted by this merge (trust_new)

    @property
    def unsigned(self) -> tuple[PackageInfo, ...]:
        return tuple(p for p in self.used if p.signer is None)

    @property
    def periods(self) -> tuple[str, ...]:
        """The labels of the used packages' periods, each once, in order."""
        return tuple(dict.fromkeys(p.period_label for p in self.used))

    def superseded_text(self, old: PackageInfo, new: PackageInfo) -> str:
        head = f"{_show(new.college)} {_show(new.period_label)}："
        if new.signer and old.signer:
            if new.signer.sequence == old.signer.sequence:
                return f"{head}{_show(old.name)} 与 {_show(new.name)} 是同一次导出（序号 {new.sequence}），只计一次"
            return (
                f"{head}使用序号 {new.sequence} 的 {_show(new.name)}，"
                f"序号较小（{old.sequence}）的 {_show(old.name)} 未计入"
            )
        if new.signer:
            return f"{head}使用有签名的 {_show(new.name)}，没有签名的 {_show(old.name)} 未计入"
        if new.created and old.created and old.created < new.created:
            when_new, when_old = _when(new.created, old.created), _when(old.created, new.created)
            return (
                f"{head}使用 {when_new} 导出的 {_show(new.name)}，"
                f"较早（{when_old} 导出）的 {_show(old.name)} 未计入"
            )
        return (
            f"{head}{_show(old.name)} 与 {_show(new.name)} 的导出时间相同或未知，"
            f"按文件修改时间使用 {_show(new.name)}，{_show(old.name)} 未计入"
        )

    def invalid_text(self, v: Verification) -> str:
        return "；".join(_problem_text(p) for p in v.problems) or "无法使用"


@dataclass(frozen=True)
class MergeResult(MergePlan):
    out: Path | None = None  # None: no package was valid, nothing was written
    totals: dict[str, int | float] = field(default_factory=dict)  # HEADLINES label → sum over `used`

    def as_json(self) -> dict[str, Any]:
        return {
            "out": str(self.out) if self.out else None,
            "used": [p.as_json() for p in self.used],
            "invalid": [v.as_json() for v in self.invalid],
            "superseded": [
                {
                    "file": str(old.path),
                    "by": str(new.path),
                    "college": new.college,
                    "period": new.period_code,
                }
                for old, new in self.superseded
            ],
            "new_keys": [k.as_json() for k in self.new_keys],
            "trusted": [k.as_json() for k in self.trusted],
            "warnings": list(self.warnings),
            "totals": dict(self.totals),
        }

    def summary(self) -> str:
        if self.out is None:
            lines = ["没有可用的材料包，未生成汇总表。"]
        else:
            lines = [f"已汇总 {len(self.used)} 个材料包（{'、'.join(self.periods)}）：{self.out}"]
            lines.extend(
                f"  {_show(p.college)} {_show(p.period_label)}：{p.name}{'' if p.signer else '（无签名）'}"
                for p in self.used
            )
        if self.invalid:
            lines.append(f"未计入 {len(self.invalid)} 个有问题的材料包：")
            lines.extend(f"  {_show(v.path.name)}：{self.invalid_text(v)}" for v in self.invalid)
        if self.superseded:
            lines.append(f"同一学院同一期间有多个材料包，{len(self.superseded)} 个较早的未计入：")
            lines.extend(f"  {self.superseded_text(old, new)}" for old, new in self.superseded)
        if self.trusted:
            lines.append("首次登记的学院公钥（请与学院核对指纹）：")
            lines.extend(f"  {_show(k.college)}：{k.short}" for k in self.trusted)
        if self.new_keys:
            lines.append("未登记的公钥（这些材料包未计入；核对指纹后用 --trust-new 或导入学院的公钥文件）：")
            lines.extend(f"  {_show(k.college)}：{k.short}" for k in self.new_keys)
        lines.extend(f"提示：{w}" for w in self.warnings)
        return "\n".join(lines)


# ---------------------------------------------------------------- planning


def plan_merge(
    paths: Iterable[Path],
    *,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
    trust: TrustStore | None = None,
    trust_new: bool = False,
) -> MergePlan:
    """Verify `paths` and decide which packages a merge would use (their figures read). Writes nothing, not
    even the trust store. Raises Cancelled, and AppError when the trust store cannot be read."""
    trust = trust or TrustStore.load()
    plan, _ = _plan(paths, progress, cancel, trust, trust_new, tables=False)
    progress(1.0, "完成")
    return plan


def merge_packages(
    paths: Iterable[Path],
    out: Path,
    *,
    progress: Progress = noop_progress,
    cancel: threading.Event | None = None,
    trust: TrustStore | None = None,
    trust_new: bool = False,
) -> MergeResult:
    """Merge the usable packages among `paths` into the summary workbook `out` (.xlsx, written atomically).
    Bad packages are left out and listed; when none is usable nothing is written (out=None). After writing,
    the trust store records the sequences used (and the keys trusted with `trust_new`). Raises Cancelled,
    or AppError when `out` cannot be written or is one of the packages, or the trust store cannot be read."""
    from app.package.merge_xlsx import write_summary

    paths = [Path(p) for p in paths]
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    if any(_same_file(out, p) for p in paths):
        raise AppError(f"汇总表“{out.name}”不能与要汇总的材料包是同一个文件，请另选文件名。")
    trust = trust or TrustStore.load()
    plan, tables = _plan(paths, progress, cancel, trust, trust_new, tables=True)
    totals = _totals(plan.used)
    if not plan.used:
        progress(1.0, "没有可用的材料包")
        return MergeResult(**vars(plan), out=None, totals=totals)
    result = MergeResult(**vars(plan), out=out, totals=totals)
    tick(progress, cancel, 0.9, "正在写入汇总表…")
    write_summary(result, tables, out, cancel=cancel)
    return _remember(result, trust, progress)


def _remember(result: MergeResult, trust: TrustStore, progress: Progress) -> MergeResult:
    """The sequences merged (and keys trusted) into the trust store; a store that cannot be saved is a
    warning, the summary being written already."""
    for p in result.used:
        if p.signer is not None:
            trust.record(p.school, p.college, p.period_code, p.signer.sequence)
    try:
        trust.save()
    except AppError as e:
        log.warning("trust store not saved: %s", e.details or e.message)
        result = replace(result, warnings=(*result.warnings, e.message))
    progress(1.0, "完成")
    return result


Tables = dict[Path, dict[str, list[tuple]]]  # package → report sheet name → rows as read


def _plan(
    paths: Iterable[Path],
    progress: Progress,
    cancel: threading.Event | None,
    trust: TrustStore,
    trust_new: bool,
    *,
    tables: bool,
) -> tuple[MergePlan, Tables]:
    unique, notes = _unique(paths)
    verified: list[tuple[Verification, PackageInfo]] = []
    invalid: list[Verification] = []
    for i, path in enumerate(unique):
        tick(progress, cancel, 0.5 * i / max(len(unique), 1), f"正在校验 {_show(path.name)}…")
        v = _verify(path, cancel)
        info = _safe_info(v) if v.ok else None
        if isinstance(info, PackageInfo):
            verified.append((v, info))
        else:
            invalid.append(v if info is None else replace(v, problems=(info,)))
    judge = Judge(trust, trust_new, [info for _v, info in verified])
    candidates: list[PackageInfo] = []
    manifests: dict[Path, dict | None] = {}
    for v, info in verified:
        problem = judge(info)
        if problem is None:
            candidates.append(info)
            manifests[info.path] = v.manifest
        else:
            invalid.append(replace(v, problems=(problem,)))
    groups: dict[tuple[str, str, str], list[PackageInfo]] = {}
    for info in candidates:
        groups.setdefault(info.key, []).append(info)
    used, superseded, read = _choose(groups, manifests, invalid, notes, progress, cancel, tables)
    used.sort(key=_order)
    superseded.sort(key=lambda pair: _order(pair[1]))
    notes.extend(_notes(used, groups))
    plan = MergePlan(
        tuple(used), tuple(invalid), tuple(superseded), tuple(notes), judge.new_keys(), judge.trusted_keys()
    )
    return plan, read


def _choose(
    groups: dict[tuple[str, str, str], list[PackageInfo]],
    manifests: dict[Path, dict | None],
    invalid: list[Verification],
    notes: list[str],
    progress: Progress,
    cancel: threading.Event | None,
    tables: bool,
) -> tuple[list[PackageInfo], list[tuple[PackageInfo, PackageInfo]], Tables]:
    """The newest readable package of each group; the rest superseded, the unreadable ones invalid."""
    used: list[PackageInfo] = []
    superseded: list[tuple[PackageInfo, PackageInfo]] = []
    read: Tables = {}
    for done, group in enumerate(groups.values()):
        group.sort(key=_newness, reverse=True)
        chosen = None
        for info in group:
            if chosen is not None:
                superseded.append((info, chosen))
                continue
            tick(progress, cancel, 0.5 + 0.4 * done / max(len(groups), 1), f"正在读取 {_show(info.name)}…")
            try:
                expected = listed_file(manifests[info.path], fmt.DATA)
                figures, rows, lacking = _read_data(
                    info.path, tables=tables, cancel=cancel, expected=expected, version=info.version
                )
            except AppError as e:
                invalid.append(Verification(info.path, (Problem(fmt.DATA, e.message),), manifests[info.path]))
                continue
            if info is not group[0]:
                notes.append(
                    f"{_show(info.college)} {_show(info.period_label)}：较新的材料包无法读取，改用 "
                    f"{_show(info.name)}。"
                )
            # The period's figures as the college's app computed them (the manifest), where the package has them
            chosen = replace(info, figures=with_period(figures, manifest_figures(manifests[info.path])))
            chosen = replace(chosen, lacking=lacking)
            used.append(chosen)
            read[info.path] = rows
    return used, superseded, read


def _verify(path: Path, cancel: threading.Event | None) -> Verification:
    """verify_package, and a package that trips it up left out like any other bad one."""
    try:
        return verify_package(path, cancel=cancel)
    except Cancelled:
        raise
    except Exception:  # a bug in verification must not stop the other colleges' merge
        log.exception("verifying a package failed")
        return Verification(
            path, (Problem(None, "校验材料包时出错，无法使用。请让学院重新导出材料包。"),), None
        )


def _unique(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """The paths each once (the same file given twice counts once), and a note for each repeat."""
    seen: dict[str, Path] = {}
    notes: list[str] = []
    for p in (Path(x) for x in paths):
        try:
            key = str(p.resolve())
        except OSError:
            key = str(p.absolute())
        key = key.casefold() if os.name == "nt" else key
        if key in seen:
            notes.append(f"同一个文件“{_show(p.name)}”给出了不止一次，只计一次。")
        else:
            seen[key] = p
    return list(seen.values()), notes


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _safe_info(v: Verification) -> PackageInfo | Problem:
    try:
        return _info(v)
    except Exception:  # a manifest verify let through but this cannot read: this package only
        log.exception("reading a verified manifest failed")
        return Problem(fmt.MANIFEST, "读取材料包清单时出错，无法使用。请让学院重新导出材料包。")


def _info(v: Verification) -> PackageInfo | Problem:
    """The package's identity from its (verified) manifest; a Problem when it names no college."""
    m = v.manifest or {}
    college = clean_text(_string(m.get("college")))
    if not college:
        return Problem(
            fmt.MANIFEST,
            "材料包没有填写学院名称，无法确定是哪个学院的。请学院在“设置 → 学院信息”中填写学院名称后重新导出。",
        )
    period = m.get("period") if isinstance(m.get("period"), dict) else {}
    code = _string(period.get("code"))
    try:
        mtime = v.path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return PackageInfo(
        path=v.path,
        school=clean_text(_string(m.get("school"))),
        college=college,
        period_code=code,
        period_label=clean_text(_string(period.get("label"))) or code,
        created=sanity.created_at(m.get("created")),
        figures={},
        period_kind=_string(period.get("kind")),
        app_version=clean_text(_string(m.get("app_version"))),
        mtime=mtime,
        signer=v.signer,
        version=m["version"] if isinstance(m.get("version"), int) else fmt.VERSION,
    )


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _newness(info: PackageInfo) -> tuple[int, int, float, float]:
    """Signed before unsigned; then the signed sequence — never the manifest's date — or, for unsigned
    packages only, the export time as an instant; then the file's modification time."""
    if info.signer is not None:
        return (1, info.signer.sequence, 0.0, info.mtime)
    return (0, 0, info.created.timestamp() if info.created else 0.0, info.mtime)


def _order(info: PackageInfo) -> tuple:
    return (pinyin_keys(info.college)[1], info.college, info.period_code, info.school, info.name)


def _notes(used: Sequence[PackageInfo], groups: dict[tuple, list[PackageInfo]]) -> list[str]:
    notes = []
    periods = dict.fromkeys(p.period_label for p in used)
    if len(periods) > 1:
        notes.append(
            f"材料包的期间不同（{'、'.join(_show(x) for x in periods)}），汇总表按学院和期间分行列出，"
            "合计是不同期间的数字之和，请注意区分。"
        )
    schools = dict.fromkeys(p.school for p in used)
    if len(schools) > 1:
        shown = "、".join(_show(x) if x else "（未填写）" for x in schools)
        notes.append(f"材料包来自不同的学校（{shown}），请确认是否都应汇总在一起。")
    for group in groups.values():
        if len(group) > 1 and group[0].signer is None and _newness(group[0])[:3] == _newness(group[1])[:3]:
            notes.append(
                f"{_show(group[0].college)} {_show(group[0].period_label)}：“{_show(group[0].name)}”与"
                f"“{_show(group[1].name)}”的导出时间相同，按文件修改时间使用了较新的一个。"
            )
    notes.extend(_lacking_notes(used))
    unsigned = [p for p in used if p.signer is None]
    if unsigned:
        names = "、".join(_show(p.name) for p in unsigned)
        notes.append(
            f"{len(unsigned)} 个材料包没有签名（由旧版本导出，无法确认来自该学院、未被改动）：{names}。"
            "请让学院升级软件后重新导出。"
        )
    return notes


def _lacking_notes(used: Sequence[PackageInfo]) -> list[str]:
    """One note per set of older packages lacking the same tables and columns (the same version, usually)."""
    groups: dict[tuple[Lack, ...], list[PackageInfo]] = {}
    for p in used:
        if p.lacking:
            groups.setdefault(p.lacking, []).append(p)
    return [
        f"{'、'.join(f'{_show(p.college)}（{_show(p.name)}）' for p in group)}的材料包由旧版本软件导出"
        f"（格式版本 {'、'.join(sorted({str(p.version) for p in group}))}），汇总表中以下内容留空："
        + "；".join(x.text for x in lacking)
        + "。请学院升级软件后重新导出材料包。"
        for lacking, group in groups.items()
    ]


# ---------------------------------------------------------------- reading data.xlsx


def _read_data(
    path: Path,
    *,
    tables: bool,
    cancel: threading.Event | None,
    expected: tuple[int, str] | None = None,
    version: int = fmt.VERSION,
) -> tuple[dict[str, int | float], dict[str, list[tuple]], tuple[Lack, ...]]:
    """The headline figures of a verified package, when `tables` the rows of its report sheets (as today's
    TABLE_COLUMNS order them: columns found by header, an older version's under its old name), and what an
    older version's package lacks of them; with `expected` (data.xlsx's size and SHA-256 in the verified
    manifest), only from that very data.xlsx. AppError (Chinese) when data.xlsx cannot be read after all, or is
    not the one verified."""
    try:
        with package_data(path, expected) as data:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = load_workbook(data, read_only=True, data_only=True, keep_links=False)
            try:
                figures = headline_figures(wb, cancel)
                rows: dict[str, list[tuple]] = {}
                lacking = [*_lacking_data(wb)] if version < fmt.VERSION else []
                for name, headers in fmt.REPORT_SHEETS:  # what the package lacks, read even for a plan
                    if name not in wb.sheetnames:
                        rows[name] = []
                        lacking.append(Lack(name, whole=True))
                        continue
                    found, missing = report_rows(wb[name], headers, cancel, rows=tables)
                    rows[name] = _sane(name, found)
                    if missing:
                        lacking.append(Lack(name, missing))
            finally:
                wb.close()
    except (AppError, Cancelled):
        raise
    except Exception as e:  # openpyxl raises all sorts of things on a broken file
        raise AppError(f"{fmt.DATA} 无法读取（已损坏或内容异常），请让学院重新导出材料包。", repr(e)) from e
    return figures, rows, tuple(lacking)


def _header_row(ws: Any) -> list[str]:
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # read every row, not as far as a (possibly wrong) <dimension> says
    row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return [_text(v) for v in row]


def _positions(found: Sequence[str], headers: Sequence[str]) -> list[int | None]:
    """Where each of `headers` is among the sheet's `found` headers (or its version-1/2 name); None: absent."""
    at = {h: i for i, h in reversed(list(enumerate(found))) if h}
    return [at.get(h, at.get(fmt.LEGACY_HEADERS.get(h, ""))) for h in headers]


def report_rows(
    ws: Any, headers: Sequence[str], cancel: threading.Event | None = None, *, rows: bool = True
) -> tuple[list[tuple], tuple[str, ...]]:
    """A report sheet's rows in the order of `headers` (None where the sheet has no such column; none read
    unless `rows`) and the headers it lacks."""
    where = _positions(_header_row(ws), headers)
    missing = tuple(h for h, i in zip(headers, where, strict=True) if i is None)
    return (list(_picked(ws, where, cancel)) if rows else []), missing


def _picked(ws: Any, where: Sequence[int | None], cancel: threading.Event | None) -> Iterator[tuple]:
    width = max((i for i in where if i is not None), default=-1) + 1
    for values in sheet_rows(ws, width, cancel):
        yield tuple(None if i is None else values[i] for i in where)


def _lacking_data(wb: Any) -> Iterator[Lack]:
    """The data sheets the headline figures read that an older package lacks (or lacks columns of)."""
    for key in dict.fromkeys(h.sheet for h in fmt.HEADLINES):
        sheet = fmt.SHEET_BY_KEY[key]
        if sheet.name not in wb.sheetnames:
            yield Lack(sheet.name, whole=True)
            continue
        found = _header_row(wb[sheet.name])
        missing = tuple(
            h for h, i in zip(sheet.headers, _positions(found, sheet.headers), strict=True) if i is None
        )
        used = {
            c for h in fmt.HEADLINES if h.sheet == key for c in (h.column, *(w for w, _v in h.where)) if c
        }
        if used & set(missing):
            yield Lack(sheet.name, tuple(c for c in missing if c in used))


def sheet_rows(ws: Any, width: int, cancel: threading.Event | None = None) -> Iterator[tuple]:
    """The rows of a read-only sheet from row 2, each `width` values long; empty rows skipped."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # read every row, not as far as a (possibly wrong) <dimension> says
    for n, row in enumerate(ws.iter_rows(min_row=2, values_only=True)):
        if n % ROW_TICK == 0:
            tick(noop_progress, cancel, 0, "")
        values = (tuple(row) + (None,) * width)[:width]
        if any(not _blank(v) for v in values):
            yield values


def _sane(name: str, rows: list[tuple]) -> list[tuple]:
    """The rows of a report sheet when every number is in its sane range (verify said so; checked again
    here so that nothing the summary writes can be inf or NaN); AppError naming the first that is not."""
    headers = dict(fmt.REPORT_SHEETS)[name]
    columns = sanity.numeric_columns(c.kind for c in TABLE_COLUMNS[name])
    for r, header, value, why in sanity.row_problems(rows, headers, columns):
        raise AppError(
            f"{fmt.DATA} 的工作表“{name}”中“{header}”的值 {sanity.shown_number(value)} {why}，"
            "请让学院重新导出材料包。",
            f"data row {r}",
        )
    return rows


def headline_figures(wb: Any, cancel: threading.Event | None = None) -> dict[str, int | float]:
    """format.HEADLINES computed from the data sheets of an open data.xlsx, columns found by header (a sheet
    or column an older package lacks reads as empty)."""

    def rows_of(sheet: fmt.Sheet) -> Iterator[tuple]:
        if sheet.name not in wb.sheetnames:
            return iter(())
        ws = wb[sheet.name]
        return _picked(ws, _positions(_header_row(ws), sheet.headers), cancel)

    return figures_of(rows_of)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _totals(used: Sequence[PackageInfo]) -> dict[str, int | float]:
    return figure_totals(p.figures for p in used)


# ---------------------------------------------------------------- text


def _show(text: str) -> str:
    return shown(text, 60)


def _problem_text(p: Problem) -> str:
    return f"{_show(p.entry)}：{p.message}" if p.entry else p.message


def _when(created: dt.datetime | None, other: dt.datetime | None) -> str:
    """A package's export time for a sentence, in this computer's time zone (manifests' offsets differ): the
    day, with the time when the other one is the same day — to the second or finer when the minutes are the
    same, so two different instants never read alike."""
    if created is None:
        return ""
    mine = created.astimezone()
    theirs = other.astimezone() if other is not None else None
    if theirs is None or theirs.date() != mine.date():
        return mine.date().isoformat()
    for pattern in (_TIME, _TIME + ":%S", _TIME + ":%S.%f"):
        if mine.strftime(pattern) != theirs.strftime(pattern):
            return mine.strftime(pattern)
    return mine.strftime(_TIME + ":%S.%f")
