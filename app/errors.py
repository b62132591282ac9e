"""Typed errors. `message` is short Chinese text for the user; `detail` goes to the log only."""

from __future__ import annotations


class AppError(Exception):
    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class ValidationError(AppError):
    """Bad input in one field of one record."""

    def __init__(self, field: str, message: str, *, warning_only: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.warning_only = warning_only


class ValidationErrors(AppError):
    """Several field errors found at once (a form shows each next to its field)."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__("；".join(e.message for e in errors))
        self.errors = errors


class Cancelled(AppError):
    def __init__(self) -> None:
        super().__init__("操作已取消")


class NotFound(AppError):
    pass


class DataChanged(AppError):
    """An import refused as a whole because the data changed since its file was read (another user added or
    saved records it concerns): reading the file again shows the import as it would be now."""


class RecordConflict(AppError):
    """A save refused because the record changed since the form opened it (app/services/versions.py): who
    saved it last and when (None when not known)."""

    def __init__(self, message: str, *, who: str = "", at: object = None) -> None:
        super().__init__(message)
        self.who = who
        self.at = at


class RecordChanged(RecordConflict):
    """Someone else saved the record since it was opened."""


class RecordDeleted(RecordConflict):
    """Someone else moved the record to the 回收站 since it was opened."""


class RecordPurged(RecordConflict, NotFound):
    """Someone else deleted the record for good since it was opened."""


class DatabaseError(AppError):
    """The database file cannot be used; the message says why and what to do."""


class DatabaseReadOnly(DatabaseError):
    pass


class DatabaseLocked(DatabaseError):
    pass


class NotADatabase(DatabaseError):
    pass


class DatabaseTooNew(DatabaseError):
    pass


class BackupFailed(DatabaseError):
    """A backup could not be written (full disk, write-protected USB stick, folder not writable). Before a
    migration this stops the upgrade: the database is not changed without a backup."""


class DiskFull(DatabaseError):
    """The disk (or USB stick) holding the database is full: the change was rolled back."""


class DatabaseGone(DatabaseError):
    """The database file was moved, deleted or its drive removed while the app had it open."""


class DatabaseCorrupt(DatabaseError):
    """The file is a database but fails SQLite's quick_check (power cut, failing disk, a sync tool)."""


# A database on a PostgreSQL server (app/db/location.py, app/db/server.py): each failure its own message.


class ServerUnreachable(DatabaseError):
    """No answer from the server: wrong host or port, the server is down, a firewall, no network."""


class WrongPassword(DatabaseError):
    """The server refused the user name or password."""


class NoSuchDatabase(DatabaseError):
    """The server has no database of that name."""


class NoPermission(DatabaseError):
    """The server refuses this user: not allowed to connect from this PC, to this database, or this action."""


class ConnectionLost(DatabaseError):
    """The connection to the server broke while the app worked: the transaction was rolled back."""


class NotOnServer(DatabaseError):
    """Something only a database file has (its folder, file backups, attachments for now), asked of a
    database on a server."""


class ImportFileError(AppError):
    """An import file that cannot be used at all (not xlsx, encrypted, no header)."""


class DocumentTemplateError(AppError):
    """A Word template that cannot be used: not a .docx, too large, a broken or unknown placeholder, or code
    the sandbox refuses. The message names the file and the placeholder."""


class BatchCancelled(Cancelled):
    """A batch of documents stopped by the user: the files already written stay (each one complete) and are
    listed; nothing half-written is left."""

    def __init__(self, files: tuple) -> None:
        super().__init__()
        self.files = files
        self.message = f"已取消。取消前已生成的 {len(files)} 份文件保留在文件夹中，其余未生成。"
