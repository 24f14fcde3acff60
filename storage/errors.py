"""Database faults in words: every driver error that means "the database can't be used right now"
becomes one `DatabaseUnavailable(kind, sentence)`, here and nowhere else.

The store raises it (`storage.store.Store`), the service's boundary turns it into a reply for the
person ("deliverybot can't save right now (…); nothing was changed — try again"), the command
line into one line on stderr and exit code 3, `/readyz` into "not ready". Kinds:

- `unreachable`: PostgreSQL does not answer (closed port, server down, connection dropped);
- `missing`: the SQLite file can't be opened (its directory is missing or not ours), or the
  PostgreSQL database does not exist;
- `read-only`: the file (or its directory) can't be written;
- `full`: the disk (or the process's file-size limit) is full;
- `corrupt`: the file is not a readable SQLite database;
- `locked`: other processes held SQLite's write lock beyond the busy timeout and the retries;
- `deleted`, `replaced`: the SQLite file was removed or swapped under a running process (the
  store checks its inode before each write: no write into the void);
- `io`: any other disk error.

Errors that are ours (a bad query, a constraint) are not classified: they stay bugs, with a
traceback in the log and a reference for the person.
"""

from __future__ import annotations

import errno
import os
import sqlite3

from sqlalchemy import exc as sa_exc

from planner.marks import N_, say

KINDS = ("unreachable", "missing", "read-only", "full", "corrupt", "locked", "deleted", "replaced", "io")


class DatabaseUnavailable(Exception):
    """The database can't be used right now; `sentence` says what is wrong and what to do, in
    words a person can act on (no traceback), in English. Nothing was written by the failed operation.

    The same sentence kept apart from its values, for the bot to say in the reader's language:
    `template` (an N_-marked English sentence with {named} placeholders) and `values`."""

    def __init__(self, kind: str, sentence: str, template: str | None = None, values: dict | None = None) -> None:
        super().__init__(sentence)
        self.kind = kind
        self.sentence = sentence
        self.template = sentence if template is None else template
        self.values = {} if template is None else dict(values or {})

    @classmethod
    def said(cls, kind: str, words: tuple[str, dict]) -> DatabaseUnavailable:
        """The fault `kind` worded by (template, values), as `sqlite_words`/`server_words` give them."""
        template, values = words
        return cls(kind, say(template, values), template, values)


# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_SQLITE_KINDS = {5: "locked", 6: "locked", 8: "read-only", 10: "io", 11: "corrupt", 13: "full", 14: "missing",
                 26: "corrupt"}
_SQLITE_WORDS = (
    ("database is locked", "locked"), ("database table is locked", "locked"),
    ("readonly database", "read-only"), ("read-only", "read-only"),
    ("database or disk is full", "full"), ("disk is full", "full"),
    ("file is not a database", "corrupt"), ("malformed", "corrupt"),
    ("unable to open database", "missing"), ("disk i/o error", "io"),
)
_OS_KINDS = {errno.ENOSPC: "full", errno.EFBIG: "full", errno.EDQUOT: "full", errno.EROFS: "read-only",
             errno.EACCES: "read-only", errno.EPERM: "read-only", errno.ENOENT: "missing",
             errno.ENOTDIR: "missing", errno.EIO: "io"}


_SQLITE_SENTENCES = {
    "missing": N_("the database file {path} can't be opened (its directory is missing or not writable): "
                  "check that the directory exists and deliverybot may write there"),
    "read-only": N_("the database file {path} is read-only: check its permissions and those of its directory"),
    "full": N_("the disk holding the database file {path} is full (or the file-size limit is reached): "
               "free some space, then try again"),
    "corrupt": N_("the database file {path} is not a readable SQLite database (corrupt?): "
                  "restore it from a backup (`deliverybot import`)"),
    "locked": N_("the database file {path} stayed locked by other processes for too long: try again"),
    "deleted": N_("the database file {path} was deleted while deliverybot was running: "
                  "restore it and restart deliverybot (nothing is written into a deleted file)"),
    "replaced": N_("the database file {path} was replaced while deliverybot was running: "
                   "restart deliverybot to use the new file"),
}


def sqlite_words(kind: str, path: str, detail: str = "") -> tuple[str, dict]:
    """What to say about the SQLite file `path` when it fails with `kind`: (template, values)."""
    if kind in _SQLITE_SENTENCES:
        return _SQLITE_SENTENCES[kind], {"path": path}
    if kind == "io" and not detail:
        return N_("the database file {path} could not be read or written (disk I/O error): check the disk"), {"path": path}
    if kind == "io":
        return N_("the database file {path} could not be read or written ({detail}): check the disk"), {
            "path": path, "detail": detail}
    return N_("the database file {path} can't be used ({detail})"), {"path": path, "detail": detail or kind}


def sqlite_sentence(kind: str, path: str, detail: str = "") -> str:
    """What to say about the SQLite file `path` when it fails with `kind`, in English."""
    return say(*sqlite_words(kind, path, detail))


def sqlite_fault(kind: str, path: str, detail: str = "") -> DatabaseUnavailable:
    return DatabaseUnavailable.said(kind, sqlite_words(kind, path, detail))


def server_words(kind: str, where: str, detail: str = "") -> tuple[str, dict]:
    """What to say about the PostgreSQL database `where` (a URL without its password): (template, values)."""
    if kind == "missing":
        return N_("the database {where} does not exist: create it or fix DATABASE_URL"), {"where": where}
    if kind == "full":
        return N_("the database server of {where} is out of disk space: free some space, then try again"), {
            "where": where}
    if kind == "read-only":
        return N_("the database {where} is read-only (a standby?): point DATABASE_URL at the primary"), {"where": where}
    if detail:
        return N_("the database server {where} can't be reached ({detail}): check that PostgreSQL is up and "
                  "DATABASE_URL is right"), {"where": where, "detail": detail}
    return N_("the database server {where} can't be reached: check that PostgreSQL is up and DATABASE_URL is right"), {
        "where": where}


def server_sentence(kind: str, where: str, detail: str = "") -> str:
    """What to say about the PostgreSQL database `where`, in English."""
    return say(*server_words(kind, where, detail))


def server_fault(kind: str, where: str, detail: str = "") -> DatabaseUnavailable:
    return DatabaseUnavailable.said(kind, server_words(kind, where, detail))


def _first_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[0][:200] if lines else type(err).__name__


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
    return seen


def classify_sqlite(exc: BaseException, path: str) -> DatabaseUnavailable | None:
    """`exc` (SQLAlchemy's, sqlite3's or an OSError, possibly chained) as a fault of the SQLite
    file `path`, or None when it is not a database fault (a bug of ours stays one)."""
    for err in _chain(exc):
        if isinstance(err, sqlite3.Error) and not isinstance(err, (sqlite3.IntegrityError,
                                                                    sqlite3.ProgrammingError)):
            code = getattr(err, "sqlite_errorcode", None)
            kind = _SQLITE_KINDS.get(code & 0xFF) if isinstance(code, int) else None
            if kind is None:
                text = str(err).lower()
                kind = next((k for words, k in _SQLITE_WORDS if words in text), None)
            if kind == "io" and _no_room(path):  # a write past the disk's end or the file-size limit
                kind = "full"
            if kind is not None:
                return sqlite_fault(kind, path, _first_line(err))
        if isinstance(err, OSError) and err.errno in _OS_KINDS:
            kind = _OS_KINDS[err.errno]
            return sqlite_fault(kind, path, _first_line(err))
    return None


def _no_room(path: str) -> bool:
    """Whether a disk I/O error on `path` is most likely a full disk: SQLite says "disk is full"
    for ENOSPC but only "disk I/O error" for EFBIG (the process's file-size limit, `ulimit -f`) and
    for a full disk met while the WAL grows, so the disk's free space and the limit are looked at."""
    try:
        st = os.statvfs(os.path.dirname(os.path.abspath(path)) or ".")
        if st.f_bavail * st.f_frsize < 1 << 20:
            return True
    except OSError:
        pass
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    except (ImportError, OSError, ValueError):
        return False
    if soft == resource.RLIM_INFINITY:
        return False
    for suffix in ("", "-wal", "-journal"):
        try:
            if os.path.getsize(path + suffix) + (64 << 10) >= soft:
                return True
        except OSError:
            continue
    return False


def classify_server(exc: BaseException, where: str) -> DatabaseUnavailable | None:
    """`exc` as a fault of the PostgreSQL database `where`, or None when it is not one."""
    chain = _chain(exc)
    for err in chain:
        sqlstate = getattr(err, "sqlstate", None)
        if sqlstate == "3D000":
            return server_fault("missing", where)
        if sqlstate in ("53100", "53000"):
            return server_fault("full", where)
        if sqlstate == "25006":
            return server_fault("read-only", where)
        if isinstance(sqlstate, str) and sqlstate[:2] in ("08", "57"):  # connection exception, shutdown
            return server_fault("unreachable", where, _first_line(err))
    for err in chain:
        if isinstance(err, sa_exc.DBAPIError) and err.connection_invalidated:
            return server_fault("unreachable", where, _first_line(err.orig or err))
        if isinstance(err, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
            return server_fault("unreachable", where, _first_line(err))
        module = type(err).__module__
        if module.startswith("psycopg") and type(err).__name__ in ("OperationalError", "InterfaceError"):
            text = str(err)
            if "does not exist" in text and "database" in text:
                return server_fault("missing", where)
            return server_fault("unreachable", where, _first_line(err))
        if isinstance(err, OSError) and not isinstance(err, sqlite3.Error):
            return server_fault("unreachable", where, _first_line(err))
    return None
