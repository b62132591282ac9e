"""substring search on a server: pg_trgm GIN indexes on the columns the enterprise search reads

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:20:00

The enterprise list finds a word anywhere in a name, short name, 统一社会信用代码, pinyin, or a contact's name or
phone (app/services/enterprise_list.py): `LIKE '%word%'`, which no B-tree index serves, so every search read
all 100,000 enterprises and their contacts. On PostgreSQL a pg_trgm GIN index per column serves LIKE and ILIKE
for a word of three characters or more (湖南湘, hnxj, 138…); a shorter word is still found by reading the table.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension from PostgreSQL 13: whoever may CREATE in
the database (its owner, who runs `chanjiao server init`) may add it, no superuser needed. A 管理员 who does
not own the database cannot: the upgrade then uses the extension if the owner added it, and otherwise leaves
the indexes out and says so in the log — the search finds the same rows, only by reading the tables.

A database file gets an empty partial index (WHERE 0) of each name: nothing to keep up or to read, there so
that the models (app/db/models.py SEARCH_INDEXED) and the migrations agree on both kinds of database.
"""

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# The searched columns at this revision (app/db/models.py SEARCH_INDEXED).
INDEXED = {
    "enterprise": ("name", "short_name", "uscc", "name_key", "pinyin_initials", "pinyin_full"),
    "contact": ("name", "phone"),
}


def _indexes() -> list[tuple[str, str, str]]:
    return [
        (f"ix_{table}_{column}_trgm", table, column) for table, cols in INDEXED.items() for column in cols
    ]


def _trigram_schema(conn) -> str | None:
    """The schema pg_trgm is in, adding it first where this user may; None when the server has none for us."""

    def installed() -> str | None:
        return conn.exec_driver_sql(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        ).scalar()

    if (schema := installed()) is not None:
        return schema
    if conn.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'").first() is None:
        log.warning("the server has no pg_trgm (PostgreSQL's contrib): the search reads the tables")
        return None
    try:
        with conn.begin_nested():  # a refusal must not end the migration's transaction
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as e:  # no CREATE on the database: a 管理员 who is not its owner
        log.warning(
            "pg_trgm not added (%s): the search reads the tables", str(e.orig).strip().splitlines()[0]
        )
        return None
    return installed()


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        for name, table, column in _indexes():
            op.execute(f"CREATE INDEX {name} ON {table} ({column}) WHERE 0")
        return
    schema = _trigram_schema(conn)
    if schema is None:
        return
    quoted = conn.dialect.identifier_preparer.quote(schema)
    for name, table, column in _indexes():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} {quoted}.gin_trgm_ops)")


def downgrade() -> None:
    for name, _table, _column in _indexes():
        op.execute(f"DROP INDEX IF EXISTS {name}")
