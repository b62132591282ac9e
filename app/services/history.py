"""Reading the audit trail: a record's own changes and those of its parts (contacts, attachments),
described in Chinese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Attachment, AuditLog, Contact

ACTIONS = {
    "insert": "新建",
    "update": "修改",
    "delete": "删除到回收站",
    "restore": "恢复",
    "purge": "彻底删除",
    "merge_kept": "合并副本",  # a conflict decided for this database (app/offline/merge.py KEPT)
}

TABLES = {
    "enterprise": "",
    "contact": "联系人",
    "attachment": "附件",
    "major_group": "专业群",
    "major": "专业",
}

FIELDS = {
    "name": "名称",
    "uscc": "统一社会信用代码",
    "uscc_confirmed": "已核对营业执照",
    "short_name": "简称",
    "industry": "所属行业",
    "region": "所在地区",
    "address": "地址",
    "scale": "企业规模",
    "categories": "企业类别",
    "status": "合作状态",
    "status_reason": "状态说明",
    "status_date": "状态日期",
    "cooperation_start": "合作开始日期",
    "website": "网址",
    "note": "备注",
    "title": "职务",
    "phone": "电话",
    "email": "邮箱",
    "original_name": "文件名",
    "kind": "类型",
}
HIDDEN = {"deleted_at", "enterprise_id", "sort_order", "owner_type", "owner_id", "sha256", "size", "group_id"}


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    os_user: str
    action: str
    summary: str
    db_user: str = ""  # the role logged in to a server (the server's own record of it); "" on a file
    machine: str = ""  # the computer it was made on ("" before the app kept it)

    @property
    def who(self) -> str:
        """Who made the change: the server's user, else the computer's login name; and the computer when it was
        another (a laptop whose copy was merged, a colleague's PC on a server)."""
        from app.db.base import this_machine

        name = self.db_user or self.os_user
        return f"{name}（{self.machine}）" if self.machine and self.machine != this_machine() else name


def _value(v: Any) -> str:
    if v is None or v == "" or v == []:
        return "（空）"
    if v is True:
        return "是"
    if v is False:
        return "否"
    if isinstance(v, list):
        return "、".join(map(str, v))
    return str(v)


def _summary(row: AuditLog, names: dict[str, str]) -> str:
    part = TABLES.get(row.table_name, row.table_name)
    changes = row.changes or {}
    who = names.get(row.record_id) or changes.get("name") or changes.get("original_name") or ""
    prefix = f"{part}“{who}”" if part else ""
    if row.action == "merge_kept":  # {what: [the copy's, the kept], in words}
        kept = [
            f"{what}保留本数据库中的“{ours}”，副本中的“{theirs}”未采用"
            for what, (theirs, ours) in changes.items()
        ]
        return f"合并副本{prefix} " + "；".join(kept)
    if row.action != "update":
        return f"{ACTIONS.get(row.action, row.action)}{prefix}"
    shown = []
    for key, (old, new) in changes.items():
        if key in HIDDEN:
            continue
        label = FIELDS.get(key, key)
        shown.append(f"{label}：已修改" if old == "***" else f"{label}：{_value(old)} → {_value(new)}")
    return f"修改{prefix} " + "；".join(shown) if shown else f"修改{prefix}"


def record_history(s: Session, record_id: str, part_ids: dict[str, str] | None = None) -> list[HistoryEntry]:
    """Changes of the record and of its parts ({part id: display name}), newest first."""
    names = dict(part_ids or {})
    ids = [record_id, *names]
    rows = s.scalars(select(AuditLog).where(AuditLog.record_id.in_(ids)).order_by(AuditLog.at.desc()))
    return [
        HistoryEntry(
            r.at, r.os_user, ACTIONS.get(r.action, r.action), _summary(r, names), r.db_user or "", r.machine
        )
        for r in rows
    ]


def enterprise_history(s: Session, enterprise_id: str) -> list[HistoryEntry]:
    parts = dict(
        s.execute(select(Contact.id, Contact.name).where(Contact.enterprise_id == enterprise_id)).all()
    )
    parts |= dict(
        s.execute(
            select(Attachment.id, Attachment.original_name).where(
                Attachment.owner_type == "enterprise", Attachment.owner_id == enterprise_id
            )
        ).all()
    )
    return record_history(s, enterprise_id, parts)
