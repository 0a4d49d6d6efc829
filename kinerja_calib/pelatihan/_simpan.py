"""Storage of a rater-training session: the schema and the engine (SQLAlchemy Core).

A session lives in SQLite by default: one file per session (``<folder>/<kode_sesi>.sqlite``)
in WAL mode with a busy timeout, every write transaction opened with ``BEGIN IMMEDIATE``
so concurrent submitters queue instead of failing on a lock upgrade. Any SQLAlchemy URL
(``postgresql+psycopg://…``) holds many sessions in one database, told apart by
``kode_sesi``.

Ratings are stored long: one row per participant × round × case × butir (the two ratings
and the seven BerAKHLAK aspects), keyed so that a second submission of the same case
replaces the first.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

__all__ = ["METADATA", "engine_for", "is_url", "session_url"]

METADATA = sa.MetaData()

SESI = sa.Table(
    "sesi",
    METADATA,
    sa.Column("kode_sesi", sa.String(32), primary_key=True),
    sa.Column("nama", sa.Text, nullable=False),
    sa.Column("jumlah_ronde", sa.Integer, nullable=False),
    sa.Column("token_pelatih", sa.String(64), nullable=False),
    sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
)

RONDE = sa.Table(
    "ronde",
    METADATA,
    sa.Column("kode_sesi", sa.String(32), sa.ForeignKey("sesi.kode_sesi"), primary_key=True),
    sa.Column("ronde", sa.Integer, primary_key=True),
    # "belum" (not opened yet), "buka" (accepting ratings), "tutup" (closed)
    sa.Column("status", sa.String(8), nullable=False),
)

RONDE_KASUS = sa.Table(
    "ronde_kasus",
    METADATA,
    sa.Column("kode_sesi", sa.String(32), primary_key=True),
    sa.Column("ronde", sa.Integer, primary_key=True),
    sa.Column("kode_vinyet", sa.String(16), primary_key=True),
    sa.Column("urutan", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(["kode_sesi", "ronde"], ["ronde.kode_sesi", "ronde.ronde"]),
)

PESERTA = sa.Table(
    "peserta",
    METADATA,
    sa.Column("id_peserta", sa.String(16), primary_key=True),
    sa.Column("kode_sesi", sa.String(32), sa.ForeignKey("sesi.kode_sesi"), nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("nama", sa.Text, nullable=False),
    sa.Column("instansi", sa.Text, nullable=False),
    sa.Column("wilayah", sa.Text, nullable=False),
    sa.Column("dibuat", sa.DateTime(timezone=True), nullable=False),
)

PENILAIAN = sa.Table(
    "penilaian",
    METADATA,
    sa.Column("kode_sesi", sa.String(32), primary_key=True),
    sa.Column("id_peserta", sa.String(16), sa.ForeignKey("peserta.id_peserta"), primary_key=True),
    sa.Column("ronde", sa.Integer, primary_key=True),
    sa.Column("kode_vinyet", sa.String(16), primary_key=True),
    sa.Column("butir", sa.String(32), primary_key=True),
    sa.Column("nilai", sa.String(32), nullable=False),
    sa.Column("skor", sa.Integer, nullable=False),
    sa.Column("kiriman_ke", sa.Integer, nullable=False),
    sa.Column("dikirim", sa.DateTime(timezone=True), nullable=False),
)

#: SQLite waits this long (ms) for a competing writer before giving up.
BUSY_TIMEOUT_MS = 60_000

_ENGINES: dict[tuple[int, str], sa.Engine] = {}
_LOCK = threading.Lock()


def is_url(db: str | os.PathLike) -> bool:
    """True when ``db`` is an SQLAlchemy URL rather than a folder or file path."""
    return isinstance(db, str) and "://" in db


def session_url(db: str | os.PathLike, kode_sesi: str) -> str:
    """The SQLAlchemy URL that holds session ``kode_sesi``.

    Parameters
    ----------
    db : str or path-like
        An SQLAlchemy URL (used as is), a ``.sqlite``/``.db`` file, or a folder that holds
        one ``<kode_sesi>.sqlite`` file per session.
    kode_sesi : str
        The session code.
    """
    if is_url(db):
        return str(db)
    path = Path(db)
    if path.suffix.lower() not in {".sqlite", ".db", ".sqlite3"}:
        path = path / f"{kode_sesi}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's "begin" hook issue BEGIN IMMEDIATE itself (pysqlite's implicit
    # deferred BEGIN would turn a concurrent read-then-write into SQLITE_BUSY).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def engine_for(url: str) -> sa.Engine:
    """A cached engine for ``url`` in this process, with the schema created.

    Engines are cached per process id, so a forked worker never reuses its parent's
    connections.
    """
    key = (os.getpid(), url)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is not None:
            return engine
        if url.startswith("sqlite"):
            engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
        METADATA.create_all(engine, checkfirst=True)
        _ENGINES[key] = engine
        return engine


def dispose_all() -> None:
    """Close every cached engine of this process (tests, server shutdown)."""
    with _LOCK:
        for (pid, _url), engine in list(_ENGINES.items()):
            if pid == os.getpid():
                engine.dispose()
        _ENGINES.clear()
