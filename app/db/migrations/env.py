"""Alembic environment: always run from code with a connection (see app/db/migrate.py)."""

from alembic import context

from app.db import models  # noqa: F401  (registers the tables)
from app.db.base import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations are run by app.db.migrate with a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
