"""Create a new Alembic migration by comparing app/db/models.py with the migrated schema.

Usage: python tools/new_migration.py "what changed"
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db.migrate import alembic_config  # noqa: E402


def main() -> None:
    message = sys.argv[1] if len(sys.argv) > 1 else "schema change"
    cfg = alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head() or "0000"
    rev_id = f"{int(head) + 1:04d}" if head.isdigit() else None
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
        engine.dispose()


if __name__ == "__main__":
    main()
