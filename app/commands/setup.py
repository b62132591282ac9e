"""`chanjiao setup`: what the first-start window (欢迎使用产教融合工作台, ui/dialogs/profile_dialog.py) asks —
school, college, 专业群 and their 专业, and the school's and college's details printed on a 三方协议 — from
the command line, so that a script can prepare an empty database
(a teacher or student import needs the majors). Written by the same service as that window and 设置
(app.services.settings.save_profile), in one transaction.

It only adds and changes: a --group names a 专业群 (new, or one already there by that name) and 专业 put in
it (a 专业 already in another group moves here); groups and majors not named stay as they are. Removing
them is for 设置 → 学校与学院, where the records that use them are shown."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass

from app.commands.common import open_db, print_json

GROUP_FORMAT = "名称:专业,专业…"
_NAME_SEP = re.compile(r"[:：]")
_MAJOR_SEP = re.compile(r"[,，、]")
_CODE_SEP = re.compile(r"[=＝]")


# The details of 甲方 the window asks beside the names (a 二级学院 has no 统一社会信用代码 of its own).
PARTY_OPTIONS = (
    ("school", "uscc", "学校的统一社会信用代码"),
    ("school", "address", "学校地址"),
    ("school", "representative", "学校法定代表人"),
    ("school", "contact", "学校联系人"),
    ("school", "phone", "学校联系电话"),
    ("college", "address", "二级学院地址"),
    ("college", "representative", "二级学院负责人"),
    ("college", "contact", "二级学院联系人"),
    ("college", "phone", "二级学院联系电话"),
)


@dataclass(frozen=True)
class GroupArg:
    """One --group: a 专业群 and its 专业, each with the 专业代码 given after “=” ("" when none)."""

    name: str
    majors: tuple[tuple[str, str], ...]


def group_arg(text: str) -> GroupArg:
    """An argparse type: “电气自动化专业群:电气自动化技术=460306,工业机器人技术”."""
    parts = _NAME_SEP.split(text, maxsplit=1)
    name = parts[0].strip()
    if not name or len(parts) < 2:
        raise argparse.ArgumentTypeError(
            f"专业群“{text}”应写成“{GROUP_FORMAT}”，如 机电一体化专业群:机电一体化技术,工业机器人技术"
        )
    majors = []
    for item in _MAJOR_SEP.split(parts[1]):
        major, *code = _CODE_SEP.split(item, maxsplit=1)
        if major.strip():
            majors.append((major.strip(), code[0].strip() if code else ""))
    return GroupArg(name, tuple(majors))


def register(
    sub: argparse._SubParsersAction, db_parent: argparse.ArgumentParser
) -> dict[str, Callable[[argparse.Namespace], int]]:
    p = sub.add_parser(
        "setup",
        parents=[db_parent],
        help="填写学校、二级学院、专业群与专业（同首次启动时的“欢迎使用”窗口）",
        description="填写学校、二级学院、专业群与专业（同首次启动时的“欢迎使用”窗口和“设置 → 学校与学院”）。"
        "只新增或修改：未提到的专业群和专业保持不变；删除请在“设置”中进行。",
    )
    p.add_argument("--school", metavar="名称", help="学校名称（首次填写时必需）")
    p.add_argument("--college", metavar="名称", help="二级学院名称（首次填写时必需）")
    p.add_argument(
        "--group",
        type=group_arg,
        action="append",
        default=[],
        metavar=GROUP_FORMAT,
        help="一个专业群及其专业（可多次使用）；专业之间用逗号或顿号分隔，专业后可加“=6位专业代码”，"
        "如 --group 机电一体化专业群:机电一体化技术=460301,工业机器人技术",
    )
    for who, field, label in PARTY_OPTIONS:
        p.add_argument(
            f"--{who}-{field}", metavar="文字", help=f"{label}（印在三方协议上；不给出则保持原值）"
        )
    p.add_argument("--json", action="store_true", help="以 JSON 输出设置后的学校、学院、专业群与专业")
    return {"setup": cmd_setup}


def merged(current, school: str | None, college: str | None, groups: list[GroupArg]):
    """The profile to save: `current` with the school and college given, and each --group added or merged
    into the group of that name (its majors kept, the named ones added or moved here, codes given set). A
    name already there (compared as names are: full-width brackets, spaces) keeps its spelling, so that it
    stays the same 专业 with the records linked to it."""
    from app.domain.names import name_key
    from app.services.settings import CollegeProfile, MajorGroupInfo

    known = {name_key(m): (m, g.code_of(m)) for g in current.groups for m in g.majors}
    named = {name_key(m) for g in groups for m, _ in g.majors}
    out = [  # a named major leaves the group it was in
        MajorGroupInfo(
            g.name,
            tuple(m for m in g.majors if name_key(m) not in named),
            g.id,
            tuple(g.code_of(m) for m in g.majors if name_key(m) not in named),
        )
        for g in current.groups
    ]
    for arg in groups:
        at = next((i for i, g in enumerate(out) if name_key(g.name) == name_key(arg.name)), None)
        old = out[at] if at is not None else MajorGroupInfo(arg.name, (), None, ())
        majors, codes = list(old.majors), list(old.codes)
        for major, code in arg.majors:
            spelled, had = known.get(name_key(major), (major, ""))
            if name_key(spelled) in {name_key(m) for m in majors}:
                i = [name_key(m) for m in majors].index(name_key(spelled))
                codes[i] = code or codes[i]
            else:
                majors.append(spelled)
                codes.append(code or had)
        info = MajorGroupInfo(old.name, tuple(majors), old.id, tuple(codes))
        if at is None:
            out.append(info)
        else:
            out[at] = info
    return CollegeProfile(
        current.school if school is None else school,
        current.college if college is None else college,
        tuple(out),
    )


def _parties(s, args: argparse.Namespace) -> dict:
    """The party details with the options given, the others as they are (only the parties given)."""
    from dataclasses import replace

    from app.services.settings import party_details

    out = {}
    for who in ("school", "college"):
        given = {f: getattr(args, f"{who}_{f}") for w, f, _ in PARTY_OPTIONS if w == who}
        given = {f: v for f, v in given.items() if v is not None}
        if given:
            out[who] = replace(party_details(s, who), **given)
    return out


def cmd_setup(args: argparse.Namespace) -> int:
    from app.services.settings import get_profile, party_details, save_profile

    db = open_db(args)
    try:
        with db.session() as s:
            before = get_profile(s)
            save_profile(s, merged(before, args.school, args.college, args.group), parties=_parties(s, args))
            s.flush()
            after = get_profile(s)
            parties = {who: party_details(s, who) for who in ("school", "college")}
    finally:
        db.close()
    groups = [
        {"id": g.id, "name": g.name, "majors": [{"name": m, "code": g.code_of(m)} for m in g.majors]}
        for g in after.groups
    ]
    if args.json:
        details = {f"{who}_{f}": getattr(parties[who], f) for who, f, _ in PARTY_OPTIONS}
        print_json({"school": after.school, "college": after.college, **details, "groups": groups})
        return 0
    for who, name in (("school", "学校"), ("college", "二级学院")):
        filled = [
            f"{label.removeprefix(name).removeprefix('的')}：{getattr(parties[who], f)}"
            for w, f, label in PARTY_OPTIONS
            if w == who and getattr(parties[who], f)
        ]
        print(f"{name}：{getattr(after, who)}" + (f"（{'，'.join(filled)}）" if filled else ""))
    for g in groups:
        majors = "、".join(m["name"] + (f"（{m['code']}）" if m["code"] else "") for m in g["majors"])
        print(f"专业群“{g['name']}”：{majors or '（还没有专业）'}")
    print(f"共 {len(groups)} 个专业群、{sum(len(g['majors']) for g in groups)} 个专业。")
    return 0
