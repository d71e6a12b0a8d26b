"""Progress history: recording, reading, concurrent writers, foreign files left untouched."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from gait import history
from gait.analysis import AnalysisResult, analyze_pose
from gait.cli import main
from gait.errors import GaitError
from gait.synth import RunnerParams, synth_landmarks

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnalysisResult, AnalysisResult, Path]:
    base = dict(duration_s=5.0, fps=30.0, noise_px=0.5)
    p1, _ = synth_landmarks(RunnerParams(**base, cadence_spm=160.0, seed=1))
    p2, _ = synth_landmarks(RunnerParams(**base, cadence_spm=172.0, seed=2))
    npz = p1.save(tmp_path_factory.mktemp("lm") / "one.npz")
    return analyze_pose(p1), analyze_pose(p2), npz


def test_record_sessions_and_metric_history(runs: Any, tmp_path: Path):
    r1, r2, _ = runs
    db = tmp_path / "h.sqlite"
    t0 = datetime(2025, 3, 1, tzinfo=UTC)
    id1 = history.record(r1, "Ana", db=db, recorded_at=t0)
    id2 = history.record(r2, " Ana ", db=db, recorded_at=t0 + timedelta(days=14))
    history.record(r2, "Ben", db=db)
    assert id2 > id1
    s = history.sessions("Ana", db=db)
    assert list(s["session_id"]) == [id1, id2]
    assert s["view"].tolist() == ["side", "side"]
    h = history.metric_history("Ana", "cadence_spm", db=db)
    assert h["value"].tolist() == pytest.approx(
        [r1.metric("cadence_spm"), r2.metric("cadence_spm")]
    )
    assert h["change_from_first"].iloc[1] == pytest.approx(h["value"].iloc[1] - h["value"].iloc[0])
    assert history.runners(db=db) == ["Ana", "Ben"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == history.APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == history.USER_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(GaitError, match="unknown metric"):
        history.metric_history("Ana", "speed", db=db)


def test_env_var_and_missing_db(runs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "env" / "h.sqlite"
    monkeypatch.setenv(history.DB_ENV, str(db))
    assert history.default_db() == db
    with pytest.raises(GaitError, match="no history yet"):
        history.sessions("Ana")
    assert not db.exists()  # reading never creates the file
    history.record(runs[0], "Ana")
    assert db.is_file() and len(history.sessions("Ana")) == 1


_WRITER = """
import sys
from gait.analysis import analyze_pose
from gait.history import record
from gait.posedata import load
result = analyze_pose(load(sys.argv[1]))
for _ in range(int(sys.argv[4])):
    record(result, sys.argv[3], db=sys.argv[2])
"""


def test_two_processes_record_at_once(runs: Any, tmp_path: Path):
    db = tmp_path / "shared.sqlite"  # both processes also race to create it
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(runs[2]), str(db), name, "5"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("Ana", "Ben")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    for name in ("Ana", "Ben"):
        assert len(history.sessions(name, db=db)) == 5
        assert history.metric_history(name, "cadence_spm", db=db)["value"].notna().all()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 10 * 16


@pytest.mark.slow
def test_two_concurrent_gait_analyze_runner_processes_both_land(
    model_full: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Issue #6: two ``gait analyze --runner`` processes at once; the history plot shows both.

    The rendered sample clips (true cadence 162 and 175 spm) are analysed from cached
    landmarks; both processes create the database and record into it concurrently.
    """
    db = tmp_path / "h.sqlite"
    clips = [REPO / "sample_videos" / f"{n}_side.mp4" for n in ("before", "after")]
    cmd = [sys.executable, "-m", "gait.cli", "analyze", "--runner", "Ana", "--db", str(db)]
    procs = [
        subprocess.Popen(
            [*cmd, str(clip), "-o", str(tmp_path / clip.stem), "-q", "--offline"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for clip in clips
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert len(history.sessions("Ana", db=db)) == 2
    h = history.metric_history("Ana", "cadence_spm", db=db)
    assert sorted(h["value"]) == pytest.approx([162.0, 175.0], abs=1.0)
    fig = history.plot_metric_history(h, "cadence_spm")
    line = fig.axes[0].lines[0]  # the per-session values
    assert list(line.get_ydata()) == pytest.approx(list(h["value"]))
    out = tmp_path / "plots"
    assert main(["history", "Ana", "--metric", "cadence_spm", "--db", str(db), "-o", str(out)]) == 0
    assert "2 session(s) of Ana" in capsys.readouterr().out
    assert (out / "history_cadence_spm.png").read_bytes()[:4] == b"\x89PNG"


def _attempts(result: AnalysisResult, db: Path) -> list[Any]:
    return [
        lambda: history.record(result, "Ana", db=db),
        lambda: history.sessions("Ana", db=db),
        lambda: history.metric_history("Ana", "cadence_spm", db=db),
    ]


def test_garbage_file_is_left_untouched(runs: Any, tmp_path: Path):
    db = tmp_path / "h.sqlite"
    db.write_bytes(b"this is not a database\n" * 200)
    before = db.read_bytes()
    for attempt in _attempts(runs[0], db):
        with pytest.raises(GaitError, match="not a SQLite database"):
            attempt()
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite"]


def test_foreign_sqlite_is_left_untouched(runs: Any, tmp_path: Path):
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE sessions (id INTEGER, name TEXT)")
        conn.execute("INSERT INTO sessions VALUES (1, 'x')")
    conn.close()
    before = db.read_bytes()
    for attempt in _attempts(runs[0], db):
        with pytest.raises(GaitError, match="another program"):
            attempt()
    assert db.read_bytes() == before
    # a damaged SQLite file (right header, garbage after it)
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(history.SQLITE_MAGIC + b"\xff" * 4000)
    raw = broken.read_bytes()
    with pytest.raises(GaitError):
        history.record(runs[0], "Ana", db=broken)
    assert broken.read_bytes() == raw


def test_empty_sqlite_database_is_initialised(runs: Any, tmp_path: Path):
    db = tmp_path / "empty.sqlite"
    sqlite3.connect(db).close()
    history.record(runs[0], "Ana", db=db)
    assert len(history.sessions("Ana", db=db)) == 1


def test_history_cli(runs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "h.sqlite"
    t0 = datetime(2025, 3, 1, tzinfo=UTC)
    history.record(runs[0], "Ana <x>", db=db, recorded_at=t0)
    history.record(runs[1], "Ana <x>", db=db, recorded_at=t0 + timedelta(days=7))
    out = tmp_path / "plots"
    code = main(["history", "Ana <x>", "--metric", "cadence_spm", "--db", str(db), "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "2 session(s)" in text and "Cadence" in text
    assert (out / "history_cadence_spm.png").read_bytes()[:4] == b"\x89PNG"
    page = (out / "history.html").read_text()
    assert "Ana &lt;x&gt;" in page and "<x>" not in page
    assert main(["history", "Nobody", "--db", str(db)]) == 3
    assert "no sessions" in capsys.readouterr().err
    assert main(["history", "Ana <x>", "--db", str(tmp_path / "none.sqlite")]) == 3


def test_interrupted_history_output_leaves_no_folder(
    runs: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the plots are drawn left the folders made for ``-o new/sub/plots``
    behind (empty): the staging folder went, the parents gait had made did not."""
    import gait.report.plots

    db = tmp_path / "h.sqlite"
    history.record(runs[0], "Ana", db=db)
    before = sorted(p.name for p in tmp_path.iterdir())

    def interrupted(*_a: Any, **_k: Any) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(gait.report.plots, "figure_png", interrupted)
    out = tmp_path / "new" / "sub" / "plots"
    assert main(["history", "Ana", "--db", str(db), "-o", str(out)]) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "gait: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_schema_text_that_is_not_utf8_is_a_history_error(tmp_path: Path) -> None:
    """sqlite3 decodes schema names itself (no text_factory): a damaged byte there once
    escaped as UnicodeDecodeError (found by the fuzz test); now a one-line HistoryError
    and the file is left untouched."""
    import sqlite3

    from gait import history
    from gait.errors import HistoryError

    db = tmp_path / "h.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    raw = bytearray(db.read_bytes())
    raw[raw.find(b"CREATE TABLE t") - 3] = 0x80
    db.write_bytes(bytes(raw))
    with pytest.raises(HistoryError, match="damaged or unreadable"):
        history.sessions("Ana", db=db)
    assert db.read_bytes() == bytes(raw)
