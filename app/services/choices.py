"""Records to choose from in a form's picker: majors, enterprises and agreements as (id, label), searched
the way their lists search (name, short name, pinyin initials, code…), and the labels of those already linked.

Searches stop at `limit` rows in SQL: an empty search over 100k enterprises reads `limit` ids, not all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Agreement, Enterprise, Major, MajorGroup
from app.services import agreement_list, enterprise_list


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    new: bool = False  # a name typed in a picker that is not in the archive (id is then "")


def major_choices(s: Session) -> list[Choice]:
    """The college's live majors, in the order of 设置 (专业群, then 专业)."""
    rows = s.execute(
        select(Major.id, Major.name)
        .outerjoin(MajorGroup, MajorGroup.id == Major.group_id)
        .where(Major.deleted_at.is_(None))
        .order_by(MajorGroup.sort_order, Major.sort_order, Major.name)
    )
    return [Choice(i, name) for i, name in rows]


def enterprise_choices(s: Session, text: str = "", limit: int = 50) -> list[Choice]:
    """Live enterprises matching a search (name, short name, pinyin initials, code…), at most `limit`,
    in the order of the enterprise list (by pinyin)."""
    q = enterprise_list.EnterpriseQuery(text=text)
    stmt = (
        enterprise_list.matching(q)  # the list's own search, so a picker finds what the list finds
        .add_columns(Enterprise.name)
        .order_by(enterprise_list.SORT_COLUMNS["name"], Enterprise.id)
        .limit(limit)
    )
    return [Choice(i, name) for i, name in s.execute(stmt)]


def agreement_choices(s: Session, text: str = "", limit: int = 50) -> list[Choice]:
    """Live agreements matching a search (title, number, enterprise), at most `limit`, latest end first."""
    q = agreement_list.AgreementQuery(text=text)
    stmt = (
        agreement_list.matching(q, dt.date.today())
        .order_by(agreement_list.SORT_COLUMNS["ends_on"].desc(), Agreement.id)
        .limit(limit)
    )
    ids = list(s.scalars(stmt))
    return _ordered(ids, _agreement_labels(s, ids))


def chosen_labels(s: Session, enterprises: Sequence[str], agreements: Sequence[str]) -> dict[str, str]:
    """{id: label} for enterprises and agreements already linked (in the 回收站 too, marked as such)."""
    labels = {
        i: name + ("（已删除）" if deleted else "")
        for i, name, deleted in s.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.deleted_at.is_not(None)).where(
                Enterprise.id.in_(list(enterprises))
            )
        )
    }
    labels.update(_agreement_labels(s, agreements))
    return labels


def _agreement_labels(s: Session, ids: Sequence[str]) -> dict[str, str]:
    out = {}
    for i, number, title, deleted in s.execute(
        select(Agreement.id, Agreement.number, Agreement.title, Agreement.deleted_at.is_not(None)).where(
            Agreement.id.in_(list(ids))
        )
    ):
        out[i] = (f"{title}（{number}）" if number else title) + ("（已删除）" if deleted else "")
    return out


def _ordered(ids: Sequence[str], labels: dict[str, str]) -> list[Choice]:
    return [Choice(i, labels[i]) for i in ids if i in labels]
