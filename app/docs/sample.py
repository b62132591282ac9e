"""Sample values for the template check (设置 → 模板, app/services/templates.py): shaped like real data, so
a template that would eat the machine on real data is refused by the check. A Sample is a list or a record
whose fields the placeholder list does not name (loop items): any field exists, it holds SAMPLE_ITEMS items
(real lists hold a few: the parties of an agreement, the KPIs of a project …), and it prints as 示例.

Light on purpose (no docx, no database): it is pickled to the render process (app/docs/worker.py), where
each item a loop takes from it is counted like one of real data (app/docs/sandbox.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

SAMPLE = "示例"
SAMPLE_ITEMS = 5


class Sample(Mapping):
    """Any field, SAMPLE_ITEMS items, prints as 示例."""

    def __getitem__(self, key: str) -> Any:
        if isinstance(key, str) and key.startswith("_"):
            raise KeyError(key)
        return Sample()

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and not key.startswith("_")

    def __iter__(self) -> Iterator[Any]:
        return (Sample() for _ in range(SAMPLE_ITEMS))

    def __len__(self) -> int:
        return SAMPLE_ITEMS

    def __str__(self) -> str:
        return SAMPLE

    def __html__(self) -> str:
        return SAMPLE
