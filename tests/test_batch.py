"""``gait batch``: clip discovery, output folders, skipping, failures, the index, Dask."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from gait import batch, batch_index
from gait.batch import BatchOptions, ClipJob, ClipOutcome
from gait.cli import main
from gait.errors import GaitError

REPO = Path(__file__).resolve().parents[1]


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------- fast


def test_a_folder_gives_its_video_files_sorted(tmp_path: Path) -> None:
    for name in ("b.mp4", "a.MOV", "notes.txt", "c.mkv", "sub/d.mp4"):
        touch(tmp_path / name)
    assert [p.name for p in batch.find_clips(tmp_path)] == ["a.MOV", "b.mp4", "c.mkv"]
    deep = batch.find_clips(f"{tmp_path}/**/*.mp4")
    assert [p.name for p in deep] == ["b.mp4", "d.mp4"]


def test_no_clips_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    touch(tmp_path / "notes.txt")
    with pytest.raises(GaitError, match="no video files in folder"):
        batch.find_clips(tmp_path)
    code = main(["batch", str(tmp_path), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == GaitError.exit_code and len(err.splitlines()) == 1
    assert "no video files" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("under", [False, True], ids=["a file", "under a file"])
def test_an_output_folder_that_cannot_be_one_is_refused_before_any_clip(
    under: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """-o a file (or a path under one) was found out only when the index was written,
    after every clip had been analysed (each failing to write its folder): an internal
    error with a traceback-like message, exit 4."""
    clips = touch(tmp_path / "clips" / "run.mp4").parent
    plain = touch(tmp_path / "notes.txt")
    before = plain.read_bytes()
    monkeypatch.setattr(batch, "_run_local", lambda *_a, **_k: pytest.fail("a clip was run"))
    out = plain / "out" if under else plain
    code = main(["batch", str(clips), "-o", str(out), "-q"])
    (err,) = capsys.readouterr().err.strip().splitlines()
    if under:
        assert code == 3 and err.startswith("gait: error: cannot create the output folder")
    else:
        assert code == 2 and err.startswith(f"gait: error: output {plain} is a file")
    assert err.endswith("with -o") and plain.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clips", "notes.txt"]


def test_equal_stems_get_their_own_folders(tmp_path: Path) -> None:
    clips = [
        touch(tmp_path / "b" / "run.mp4", b"1"),
        touch(tmp_path / "a" / "run.mp4", b"2"),
        touch(tmp_path / "c" / "RUN.mov", b"3"),
        touch(tmp_path / "walk.mp4", b"4"),
    ]
    jobs = batch.plan_jobs(clips, tmp_path / "out")
    assert [j.clip for j in jobs] == clips  # input order kept
    names = {j.clip.relative_to(tmp_path).as_posix(): j.out_dir.name for j in jobs}
    # ties are numbered in sorted path order: a/ before b/ before c/
    assert names == {
        "a/run.mp4": "run",
        "b/run.mp4": "run-2",
        "c/RUN.mov": "RUN-3",
        "walk.mp4": "walk",
    }
    assert len({j.sha256 for j in jobs}) == 4


def test_a_previous_analysis_counts_only_for_the_same_content_and_model(tmp_path: Path) -> None:
    clip = touch(tmp_path / "run.mp4", b"frames")
    (job,) = batch.plan_jobs([clip], tmp_path / "out")
    assert batch.previous_analysis(job, "full") is None  # nothing there yet
    doc = {"input": {"sha256": job.sha256}, "pose": {"model": "full"}}
    touch(job.out_dir / "analysis.json", json.dumps(doc).encode())
    assert batch.previous_analysis(job, "full") is None  # no report.html: incomplete
    touch(job.out_dir / "report.html")
    assert batch.previous_analysis(job, "full") == doc
    assert batch.previous_analysis(job, "heavy") is None
    clip.write_bytes(b"other frames")
    (changed,) = batch.plan_jobs([clip], tmp_path / "out")
    assert batch.previous_analysis(changed, "full") is None


def test_index_escapes_names_and_reasons(tmp_path: Path) -> None:
    evil = tmp_path / '<img src=x onerror="alert(1)">.mp4'
    outcomes = [
        ClipOutcome(evil, tmp_path / "evil", "failed", reason="bad <b>frame</b> & more"),
        ClipOutcome(
            tmp_path / "ok.mp4",
            tmp_path / "ok",
            "ok",
            seconds=1.5,
            row=batch_index.index_row(
                {
                    "view": {"kind": "side", "facing": "left", "setting": "treadmill"},
                    "input": {"frames": 90},
                    "strides": {"n_valid": 4},
                    "metrics": {"cadence_spm": {"value": 171.25}},
                    "findings": [
                        {"code": "GAIT-A", "status": "fired"},
                        {"code": "GAIT-B", "status": "not_fired"},
                    ],
                }
            ),
        ),
    ]
    paths = batch_index.write_index(outcomes, tmp_path)
    assert [p.name for p in paths] == ["index.csv", "index.html"]
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.mp4" in html
    assert "<b>frame" not in html and "bad &lt;b&gt;frame&lt;/b&gt; &amp; more" in html
    assert '<a href="ok/report.html">ok.mp4</a>' in html
    table = pd.read_csv(tmp_path / "index.csv")
    assert list(table["status"]) == ["failed", "ok"]
    ok = table.iloc[1]
    assert ok["view"] == "side (left)" and ok["strides_valid"] == 4
    assert ok["cadence_spm"] == 171.25 and ok["findings"] == "GAIT-A"
    assert ok["report"] == "ok/report.html" and pd.isna(table.iloc[0]["report"])


def test_progress_lines_escape_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clip's name and a failure's reason reach the terminal in the progress lines: a
    hostile name can neither break the line nor drive the terminal (it came through raw
    before)."""
    from gait.batch import ClipOutcome, _Progress

    clip = tmp_path / "evil\nname\x1b[31m\u202e.mp4"
    with _Progress(total=2, progress=False, say=None) as bar:
        bar.done(ClipOutcome(clip, tmp_path, "failed", reason="cannot open \x1b[2J"))
        bar.done(ClipOutcome(clip, tmp_path, "ok", seconds=1.0))
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "[1/2] failed evil\\nname\\x1b[31m\\u202e.mp4: cannot open \\x1b[2J",
        "[2/2] ok evil\\nname\\x1b[31m\\u202e.mp4 (1.0 s)",
    ]


def test_workers_share_the_cores() -> None:
    assert batch.worker_threads(1, cpus=2) == 2
    assert batch.worker_threads(2, cpus=2) == 1
    assert batch.worker_threads(4, cpus=2) == 1
    assert batch.worker_threads(3, cpus=8) == 2


def test_scheduler_without_dask_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now raises ImportError
    with pytest.raises(GaitError, match=r"pip install 'gait\[cluster\]'"):
        batch.run_batch([Path("a.mp4")], Path("out"), scheduler="tcp://127.0.0.1:1")


def crash_on_b(job: ClipJob, options: BatchOptions) -> ClipOutcome:
    """Stands in for analyze_clip: the worker process dies on clips named b."""
    if job.clip.stem == "b":
        os._exit(3)
    return ClipOutcome(job.clip, job.out_dir, "ok", seconds=0.1)


def test_a_crashing_worker_fails_only_its_clip(tmp_path: Path) -> None:
    clips = [touch(tmp_path / f"{n}.mp4") for n in ("a", "b", "c")]
    todo = batch.plan_jobs(clips, tmp_path / "out")
    outcomes = {o.clip.stem: o for o in batch._run_local(todo, BatchOptions(), 2, 1, crash_on_b)}
    assert {k: o.status for k, o in outcomes.items()} == {"a": "ok", "b": "failed", "c": "ok"}
    assert "crashed" in outcomes["b"].reason


# ---------------------------------------------------------------------------- slow


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two 3-s side clips cut from the sample videos, a 0.3-s one (too short for
    ``gait analyze``), and a file that is not a video."""
    import cv2

    folder = tmp_path_factory.mktemp("clips")
    for name, n in (("side_good_form", 90), ("side_compensations", 90), ("tiny", 10)):
        source = "side_good_form" if name == "tiny" else name
        cap = cv2.VideoCapture(str(REPO / "sample_videos" / f"{source}.mp4"))
        size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        fourcc = cv2.VideoWriter.fourcc(*"mp4v")
        out = cv2.VideoWriter(str(folder / f"{name}.mp4"), fourcc, cap.get(cv2.CAP_PROP_FPS), size)
        for _ in range(n):
            ok, frame = cap.read()
            assert ok
            out.write(frame)
        out.release()
        cap.release()
    (folder / "broken.mp4").write_text("not a video", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh landmark cache, seen by the worker processes too (they inherit os.environ)."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GAIT_CACHE_DIR", str(path))
        yield path


def metric_rows(index_csv: Path) -> dict[str, dict[str, float]]:
    from gait.metrics import METRICS

    table = pd.read_csv(index_csv)
    ok = table[table["status"].isin(["ok", "skipped"])]
    return {Path(r["clip"]).name: {m: float(r[m]) for m in METRICS} for _, r in ok.iterrows()}


@pytest.fixture(scope="module")
def local_run(
    clip_dir: Path, cache_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, Path, dict[str, dict[str, float]]]:
    """``gait batch CLIPS -j 2``: exit code, output folder, metrics from its index."""
    out = tmp_path_factory.mktemp("batch") / "out"
    code = main(["batch", str(clip_dir), "-j", "2", "-o", str(out), "-q"])
    return code, out, metric_rows(out / "index.csv")


@pytest.mark.slow
def test_local_batch_analyses_the_clips_and_reports_the_broken_one(
    local_run: tuple[int, Path, dict[str, dict[str, float]]],
) -> None:
    code, out, _ = local_run
    assert code == 1  # one clip failed, the others were analysed
    table = pd.read_csv(out / "index.csv").set_index("output")
    assert table.loc["broken", "status"] == "failed"
    assert "cannot be opened as a video" in table.loc["broken", "reason"]
    assert not (out / "broken").exists()
    # the checks of `gait analyze` hold in a batch too
    assert table.loc["tiny", "status"] == "failed"
    assert "is only 0.30 s long (10 frames)" in table.loc["tiny", "reason"]
    assert not (out / "tiny").exists()
    for name in ("side_good_form", "side_compensations"):
        row = table.loc[name]
        assert row["status"] == "ok" and row["report"] == f"{name}/report.html"
        assert (out / name / "report.html").is_file() and (out / name / "landmarks.npz").is_file()
        doc = json.loads((out / name / "analysis.json").read_text(encoding="utf-8"))
        assert row["cadence_spm"] == pytest.approx(doc["metrics"]["cadence_spm"]["value"])
        assert row["strides_valid"] == doc["strides"]["n_valid"] > 0
        assert row["view"].startswith("side")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="side_good_form/report.html"' in html and "broken.mp4" in html


@pytest.mark.slow
def test_a_rerun_skips_what_is_done_unless_forced(
    local_run: tuple[int, Path, dict[str, dict[str, float]]], clip_dir: Path
) -> None:
    _, out, _ = local_run
    before = (out / "side_good_form" / "report.html").stat().st_mtime_ns
    clips = batch.find_clips(clip_dir)
    lines: list[str] = []
    report = batch.run_batch(clips, out, jobs=2, say=lines.append)
    status = {o.clip.name: o.status for o in report.outcomes}
    assert status == {
        "broken.mp4": "failed",
        "side_compensations.mp4": "skipped",
        "side_good_form.mp4": "skipped",
        "tiny.mp4": "failed",
    }
    assert len(lines) == 4 and lines[-1].startswith("[4/4] ")
    assert (out / "side_good_form" / "report.html").stat().st_mtime_ns == before
    assert metric_rows(out / "index.csv")["side_good_form.mp4"]["cadence_spm"] > 0
    one = [c for c in clips if c.stem == "side_good_form"]
    forced = batch.run_batch(one, out, force=True, say=lines.append)
    assert [o.status for o in forced.outcomes] == ["ok"]
    assert (out / "side_good_form" / "report.html").stat().st_mtime_ns > before


@pytest.mark.slow
def test_dask_cluster_gives_the_same_results_as_local_workers(
    local_run: tuple[int, Path, dict[str, dict[str, float]]],
    clip_dir: Path,
    cache_dir: Path,
    tmp_path: Path,
) -> None:
    distributed = pytest.importorskip("distributed")
    _, _, local = local_run
    clips = [c for c in batch.find_clips(clip_dir) if c.name not in ("broken.mp4", "tiny.mp4")]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        # cache=False: the Dask workers run pose inference themselves
        report = batch.run_batch(
            clips,
            tmp_path / "dask",
            scheduler=cluster.scheduler_address,
            options=BatchOptions(cache=False),
            say=lambda _m: None,
        )
    assert [o.status for o in report.outcomes] == ["ok", "ok"]
    remote = metric_rows(tmp_path / "dask" / "index.csv")
    assert remote.keys() == {"side_compensations.mp4", "side_good_form.mp4"}
    for clip, values in remote.items():
        assert sum(not math.isnan(v) for v in values.values()) >= 5
        for name, value in values.items():
            assert value == pytest.approx(local[clip][name], nan_ok=True), (clip, name)
