"""`chanjiao import enterprises`: what the command says about the rows of enterprises already in the archive
(--on-existing skip | update), as text and in --json. The import itself is app/io/enterprises_xlsx.py."""

from __future__ import annotations

from typing import Any

from app.io.enterprises_xlsx import EnterprisePreview, ImportChanges


def existing_notes(preview: EnterprisePreview, changes: ImportChanges | None, on_existing: str) -> list[str]:
    """One line per row already in the archive (what 更新 changes), then what was done (or, --dry-run, would be)."""
    out = [f"第{r.row}行：{preview.existing[r.row].description}" for r in preview.existing_rows]
    if changes is not None:
        out.append(changes.summary() + "。")
    elif preview.existing_rows:
        what = "跳过" if on_existing == "skip" else "更新"
        out.append(f"{len(preview.existing_rows)} 家已在档案中，将{what}（--on-existing）。")
    return out


def existing_json(
    preview: EnterprisePreview, changes: ImportChanges | None, on_existing: str
) -> dict[str, Any]:
    """--json: new rows, the rows already in the archive with what 更新 changes, and added / updated / skipped
    (for --dry-run: what the import would do)."""
    existing = [
        {"row": r.row, "id": m.id, "name": m.name, "by": m.by, "changes": [list(c) for c in m.changes]}
        for r in preview.existing_rows
        for m in (preview.existing[r.row],)
    ]
    if changes is None:
        chosen = list(preview.choices(on_existing).values())
        added, updated, skipped = chosen.count("new"), chosen.count("update"), chosen.count("skip")
    else:
        added, updated, skipped = len(changes.added), len(changes.updated), len(changes.skipped)
    return {
        "on_existing": on_existing,
        "new": len(preview.new_rows),
        "existing": existing,
        "added": added if changes is not None else 0,
        "updated": updated if changes is not None else 0,
        "skipped": skipped,
        "would_add": added,
        "would_update": updated,
    }
