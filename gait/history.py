"""Progress history: analyses of a named runner recorded in a local SQLite database.

:func:`record` stores one analysis (its summary metrics, findings and the analysis JSON)
under a runner's name; :func:`sessions` lists a runner's sessions and
:func:`metric_history` one metric over time, as DataFrames.

Where
-----
``db`` argument, else ``$GAIT_HISTORY_DB``, else ``gait.sqlite`` in
``platformdirs.user_data_dir("gait")``.

Safety
------
* The file is ours only when SQLite's ``application_id`` is :data:`APPLICATION_ID` and
  ``user_version`` is :data:`USER_VERSION`; a file that is not SQLite, or a SQLite
  database of another program (other ``application_id``, or any table without ours),
  raises :class:`~gait.errors.HistoryError` and is never written to: the check reads the
  header and opens the database read-only before anything is written.  Only a missing
  file, an empty file or an empty SQLite database is initialised.
* Concurrent writers: WAL journal, ``BEGIN IMMEDIATE`` transactions (the write lock is
  taken up front, so two recorders never deadlock on a lock upgrade), a busy timeout
  and a few retries with back-off when the database stays locked.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from gait.errors import ConfigError, HistoryError

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

#: SQLite ``application_id`` of a gait history database ("GAIT" in ASCII).
APPLICATION_ID = 0x47414954
#: Schema version stored in ``user_version``.
USER_VERSION = 1
DB_ENV = "GAIT_HISTORY_DB"
DB_NAME = "gait.sqlite"
BUSY_TIMEOUT_S = 10.0
RETRIES = 5
SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = (
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        runner TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        clip TEXT,
        clip_sha256 TEXT,
        view TEXT,
        facing TEXT,
        setting TEXT,
        fps REAL,
        n_valid_strides INTEGER,
        gait_version TEXT,
        analysis_json TEXT NOT NULL
    )""",
    "CREATE INDEX sessions_runner ON sessions (runner, recorded_at)",
    """CREATE TABLE metrics (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        metric TEXT NOT NULL,
        unit TEXT,
        value REAL,
        left_value REAL,
        right_value REAL,
        asymmetry REAL,
        n_strides INTEGER,
        confidence REAL,
        not_measurable TEXT,
        PRIMARY KEY (session_id, metric)
    )""",
    """CREATE TABLE findings (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (session_id, code)
    )""",
)
_TABLES = {"sessions", "metrics", "findings", "sqlite_sequence"}

T = TypeVar("T")


def default_db() -> Path:
    """``$GAIT_HISTORY_DB`` or ``gait.sqlite`` in the user data dir."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("gait")) / DB_NAME


def _path(db: str | Path | None) -> Path:
    return Path(db).expanduser() if db is not None else default_db()


def _msg(exc: BaseException) -> str:
    """An exception's message on one line (SQLite quotes damaged schema text)."""
    return " ".join(str(exc).split())[:300]


def _text(raw: bytes) -> str:
    """Text read from the database; damaged bytes must not raise (they show as U+FFFD)."""
    return raw.decode("utf-8", "replace")


def _check_file(path: Path) -> bool:
    """True when the file must be initialised; raise HistoryError when it is not ours."""
    if not path.exists():
        return True
    if path.is_dir():
        raise HistoryError(f"history database {path} is a folder; give a file path with --db")
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise HistoryError(f"cannot read the history database {path}: {_msg(exc)}") from None
    if not head:
        return True
    if head != SQLITE_MAGIC:
        raise HistoryError(
            f"{path} is not a SQLite database (so not a gait history); it was left "
            f"untouched - choose another file with --db or {DB_ENV}"
        )
    try:
        ro = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        ro.text_factory = _text
        try:
            app = ro.execute("PRAGMA application_id").fetchone()[0]
            ver = ro.execute("PRAGMA user_version").fetchone()[0]
            names = {r[0] for r in ro.execute("SELECT name FROM sqlite_master")}
        finally:
            ro.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        # a damaged schema table can hold bytes that are not UTF-8 (sqlite3 decodes the
        # names in sqlite_master itself, before any text_factory)
        raise HistoryError(
            f"{path} is a damaged or unreadable SQLite file ({_msg(exc)}); it was left untouched"
        ) from None
    if app == APPLICATION_ID:
        if ver > USER_VERSION:
            raise HistoryError(
                f"{path} was written by a newer gait (history schema {ver}, this gait reads "
                f"{USER_VERSION}); upgrade gait"
            )
        if ver == USER_VERSION and _TABLES - {"sqlite_sequence"} <= names:
            return False
        raise HistoryError(f"{path} has a gait application id but an unknown schema ({ver})")
    if app == 0 and not names:
        return True  # an empty SQLite database
    raise HistoryError(
        f"{path} is a SQLite database of another program (application_id {app:#x}, "
        f"{len(names)} schema objects); it was left untouched - choose another file with "
        f"--db or {DB_ENV}"
    )


def check(runner: str, *, db: str | Path | None = None) -> Path:
    """Check, before any work, that a session of ``runner`` can be recorded in ``db``.

    Returns the database path; raises :class:`~gait.errors.ConfigError` for an invalid
    runner name and :class:`~gait.errors.HistoryError` for a database that is not ours,
    is damaged, or cannot be created.
    """
    _runner(runner)
    path = _path(db)
    if _check_file(path):
        where = path.absolute().parent
        while not where.exists() and where.parent != where:
            where = where.parent
        if not where.is_dir() or not os.access(where, os.W_OK | os.X_OK):
            raise HistoryError(
                f"cannot create the history database {path}: {where} is not a writable "
                f"folder; choose another file with --db or {DB_ENV}"
            )
    return path


def _retry(fn: Callable[[], T]) -> T:
    """Run ``fn``, retrying while SQLite reports the database locked or busy."""
    for attempt in range(RETRIES):
        try:
            return fn()
        except UnicodeDecodeError as exc:  # damaged text sqlite3 decodes itself
            raise HistoryError(f"history database error: {_msg(exc)}") from None
        except sqlite3.DatabaseError as exc:  # OperationalError, a damaged file, ...
            msg = str(exc).lower()
            if ("locked" not in msg and "busy" not in msg) or attempt == RETRIES - 1:
                raise HistoryError(f"history database error: {_msg(exc)}") from None
            time.sleep(0.05 * 2**attempt + random.uniform(0, 0.05))
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def connect(db: str | Path | None = None, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    """A checked connection to the history database (created on first write).

    Parameters
    ----------
    db : str or Path, optional
        Database file (default :func:`default_db`).
    write : bool
        Create the database when it does not exist yet (reads of a missing database
        raise HistoryError).

    Raises
    ------
    HistoryError
        The file is not a gait history database (it is then left untouched).
    """
    path = _path(db)
    fresh = _check_file(path)
    if fresh and not write:
        raise HistoryError(
            f"no history yet: {path} does not exist (record with gait analyze --runner)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.text_factory = _text
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError(
            f"cannot open the history database {path} ({_msg(exc)}); choose another file with "
            f"--db or {DB_ENV}"
        ) from None
    try:
        _retry(lambda: conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}"))
        _retry(lambda: conn.execute("PRAGMA foreign_keys = ON"))
        if fresh:
            _retry(lambda: _initialise(conn, path))
        _retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        yield conn
    finally:
        conn.close()


def _initialise(conn: sqlite3.Connection, path: Path) -> None:
    """Create our schema inside ``BEGIN IMMEDIATE``, re-checking under the write lock."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if app == APPLICATION_ID:  # another process initialised it meanwhile
            conn.execute("ROLLBACK")
            return
        if app != 0 or names:
            raise HistoryError(f"{path} changed under us and is not a gait history; left untouched")
        for stmt in _SCHEMA:
            conn.execute(stmt)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {USER_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _runner(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ConfigError(f"a runner name must be 1-200 characters, found {len(name)}")
    return name


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if v == v and abs(v) != float("inf") else None


def record(
    result: AnalysisResult,
    runner: str,
    *,
    db: str | Path | None = None,
    recorded_at: datetime | None = None,
) -> int:
    """Store one analysis for a runner; return the new session id.

    Parameters
    ----------
    result : AnalysisResult
    runner : str
        The runner's name (1-200 characters, surrounding spaces removed).
    db : str or Path, optional
        Database file (default :func:`default_db`).
    recorded_at : datetime, optional
        When the session happened (default: now, UTC).

    Returns
    -------
    int
    """
    runner = _runner(runner)
    when = (recorded_at or datetime.now(UTC)).isoformat()
    doc = result.to_dict()
    view = doc.get("view") or {}
    summary = result.summary.to_dict("records")
    metric_rows = [
        (
            r["metric"],
            r["unit"],
            _f(r["value"]),
            _f(r["left"]),
            _f(r["right"]),
            _f(r["asymmetry"]),
            int(r["n_strides"]) if _f(r["n_strides"]) is not None else None,
            _f(r["confidence"]),
            r["not_measurable"] if isinstance(r["not_measurable"], str) else None,
        )
        for r in summary
    ]
    finding_rows = [(f.code, f.status) for f in result.findings]
    session = (
        runner,
        when,
        result.pose.source_path,
        result.pose.source_sha256,
        view.get("kind"),
        view.get("facing"),
        view.get("setting"),
        float(result.pose.fps),
        int(doc["strides"]["n_valid"]),
        doc["generator"]["version"],
        json.dumps(doc, separators=(",", ":")),
    )

    def write(conn: sqlite3.Connection) -> int:
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                "INSERT INTO sessions (runner, recorded_at, clip, clip_sha256, view, facing, "
                "setting, fps, n_valid_strides, gait_version, analysis_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                session,
            )
            sid = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(sid, *m) for m in metric_rows],
            )
            conn.executemany(
                "INSERT INTO findings VALUES (?, ?, ?)", [(sid, *f) for f in finding_rows]
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return sid

    with connect(db, write=True) as conn:
        return _retry(lambda: write(conn))


SESSION_COLUMNS = [
    "session_id",
    "recorded_at",
    "clip",
    "view",
    "facing",
    "setting",
    "fps",
    "n_valid_strides",
    "gait_version",
]


def runners(*, db: str | Path | None = None) -> list[str]:
    """Names of the runners with at least one session."""
    with connect(db) as conn:
        rows = _retry(lambda: conn.execute("SELECT DISTINCT runner FROM sessions").fetchall())
    return sorted(r[0] for r in rows)


def sessions(runner: str, *, db: str | Path | None = None) -> pd.DataFrame:
    """A runner's sessions, oldest first (columns :data:`SESSION_COLUMNS`)."""
    runner = _runner(runner)
    query = (
        "SELECT id, recorded_at, clip, view, facing, setting, fps, n_valid_strides, "
        "gait_version FROM sessions WHERE runner = ? ORDER BY recorded_at, id"
    )
    with connect(db) as conn:
        rows = _retry(lambda: conn.execute(query, (runner,)).fetchall())
    df = pd.DataFrame(rows, columns=SESSION_COLUMNS)
    df["recorded_at"] = pd.to_datetime(df["recorded_at"], utc=True, format="ISO8601")
    return df


def metric_history(runner: str, metric: str, *, db: str | Path | None = None) -> pd.DataFrame:
    """One metric over a runner's sessions, oldest first.

    Returns
    -------
    DataFrame
        ``session_id``, ``recorded_at``, ``view``, ``value``, ``left``, ``right``,
        ``asymmetry``, ``n_strides``, ``confidence``, ``unit``, ``not_measurable``, and
        ``change_from_first`` (value minus the first measured value).
    """
    from gait.metrics import METRICS

    if metric not in METRICS:
        raise ConfigError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    runner = _runner(runner)
    query = (
        "SELECT s.id, s.recorded_at, s.view, m.value, m.left_value, m.right_value, "
        "m.asymmetry, m.n_strides, m.confidence, m.unit, m.not_measurable FROM sessions s "
        "JOIN metrics m ON m.session_id = s.id WHERE s.runner = ? AND m.metric = ? "
        "ORDER BY s.recorded_at, s.id"
    )
    with connect(db) as conn:
        rows = _retry(lambda: conn.execute(query, (runner, metric)).fetchall())
    cols = [
        "session_id",
        "recorded_at",
        "view",
        "value",
        "left",
        "right",
        "asymmetry",
        "n_strides",
        "confidence",
        "unit",
        "not_measurable",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["recorded_at"] = pd.to_datetime(df["recorded_at"], utc=True, format="ISO8601")
    for c in ("value", "left", "right", "asymmetry", "confidence"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    first = df["value"].dropna()
    df["change_from_first"] = df["value"] - (first.iloc[0] if len(first) else float("nan"))
    return df


def plot_metric_history(history: pd.DataFrame, metric: str, *, ax: Any = None) -> Any:
    """A metric over sessions with the meaningful-change band around the first value.

    The grey band is the first measured value ± the metric's smallest meaningful change
    (:attr:`gait.metrics.MetricSpec.smallest_change`): points outside it differ from the
    baseline by more than 2D video can resolve.  The green band is the typical range.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as np

    from gait.metrics import METRICS
    from gait.report import plots

    spec = METRICS[metric]
    fig, ax = plots._axes(ax, (6.0, 3.2))
    h = history.dropna(subset=["value"])
    x = np.arange(len(h))
    if len(h):
        base = float(h["value"].iloc[0])
        if spec.smallest_change:
            sc = float(spec.smallest_change)
            ax.axhspan(
                base - sc,
                base + sc,
                color="#999999",
                alpha=0.2,
                lw=0,
                label=f"first session ± {sc:g} (smallest real change)",
            )
        ax.plot(x, h["value"], "o-", color="black", label="all strides (median)")
        for side in ("left", "right"):
            ax.plot(x, h[side], "o", ms=4, color=plots.SIDE_COLORS[side], label=side)
        ax.margins(y=0.2)
        plots._shade_typical(ax, metric)
        ax.set_xticks(
            x, [t.strftime("%Y-%m-%d") for t in h["recorded_at"]], rotation=30, fontsize=7
        )
        ax.legend(fontsize=7, loc="best")
    else:
        ax.text(0.5, 0.5, "no measured value", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(spec.label, fontsize=10)
    ax.set_ylabel(spec.unit, fontsize=8)
    ax.grid(alpha=0.3)
    return fig
