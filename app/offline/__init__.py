"""On the road and back (issue 20): an offline copy of the college's database for a laptop, and the merge that
brings the copy's work back into the office database — a file or a server — without losing anyone's change.

- 带出副本 (`copy_out`, app/offline/copies.py): the whole database, as `chanjiao transfer` copies it, into a new
  file that knows where it came from (`offline_origin`: the origin's own id, when, by whom, with or without the
  students' personal data) and holds every row as it was copied (`offline_base`, the common ancestor).
- Work in the copy as in any database file.
- 合并副本 (`plan_merge` / `apply_merge`, app/offline/merge.py): a three-way merge of each row, field by field,
  against the row as copied: what changed on one side only is taken; a field changed differently on both sides,
  or a record changed on one side and deleted on the other, is a conflict the user decides; a record created on
  both sides with the same natural key (信用代码, 学号 …) is one record. A preview first, then one transaction.

No Qt here."""
