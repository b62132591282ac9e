"""names without invisible characters (zero-width spaces, bidi controls, soft hyphens, BOM …)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:10:00

Since this revision every name is stored without the characters that show nothing (app/domain/invisible.py),
and an enterprise's name_key ignores them. Names saved before keep them: six enterprises that differ only by
a zero-width space stay six, and an RLO in a student's name still turns a document's file name around. This
strips them from the names of the records that have one and computes name_key again, with the rules written
out here (frozen) as app/domain/invisible.py and app/domain/names.py had them at this revision.

Only names without a unique index are touched (a stripped 基地名称 could meet another one); enterprises that
become the same name are then shown as duplicates by the app, as a new import would.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_FILLERS = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0]")
# (table, the name columns) — enterprise's name_key is computed again from its name
NAMES = (
    ("enterprise", ("name", "short_name")),
    ("contact", ("name",)),
    ("student", ("name",)),
    ("teacher", ("name",)),
    ("major", ("name",)),
)


def _visible(text: str) -> str:
    if not text.isprintable():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _FILLERS.sub("", text).strip()


def _name_key(name: str) -> str:
    text = _visible(unicodedata.normalize("NFKC", name or ""))
    return re.sub(r"\s+", "", text).casefold()


def upgrade() -> None:
    bind = op.get_bind()
    for table, columns in NAMES:
        keyed = table == "enterprise"
        listed = ", ".join(columns + (("name_key",) if keyed else ()))
        rows = bind.execute(sa.text(f"SELECT id, {listed} FROM {table}")).all()
        for row in rows:
            values = dict(zip(columns, row[1 : 1 + len(columns)], strict=True))
            changed = {c: _visible(v) for c, v in values.items() if v and _visible(v) != v}
            if keyed:
                key = _name_key(changed.get("name", values["name"]))
                if key != row[-1]:
                    changed["name_key"] = key
            if changed:
                sets = ", ".join(f"{c} = :{c}" for c in changed)
                bind.execute(sa.text(f"UPDATE {table} SET {sets} WHERE id = :id"), {**changed, "id": row[0]})


def downgrade() -> None:
    pass  # the characters removed showed nothing and cannot be told apart again
