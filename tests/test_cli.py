"""The command line: exit codes, one-line errors, outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gait.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gait.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_version_names_the_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gait ") and "mediapipe 1." in out and "opencv " in out


def test_models_lists_three_bundles(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for name in ("lite", "full", "heavy"):
        assert f"\n{name} " in out
    assert "pose_landmarker_full.task" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"", "is empty"), (b"not a video", "cannot be opened")],
)
def test_bad_input_one_line_exit_3_no_output(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    clip = tmp_path / "clip.mp4"
    if content is not None:
        clip.write_bytes(content)
    out = tmp_path / "out"
    proc = run("analyze", str(clip), "-o", str(out))
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gait: error: ") and message in lines[0]
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_max_frames_below_one_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hidden --max-frames 0 read no frame and said the clip had "no decodable
    frames; re-export it", blaming the clip."""
    out = tmp_path / "out"
    assert main(["analyze", str(SAMPLE), "-o", str(out), "--max-frames", "0"]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err == "gait: error: --max-frames must be at least 1, got 0"
    assert not out.exists()


def test_unknown_model_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "fetch", "huge"]) == 2
    assert "unknown model huge" in capsys.readouterr().err


@pytest.mark.slow
def test_analyze_writes_landmarks(
    treadmill_clip: Path, treadmill_pose: object, tmp_path: Path
) -> None:
    from gait.posedata import load

    out = tmp_path / "report"
    proc = run("analyze", str(treadmill_clip), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "person found on 360/360 frames" in proc.stdout
    assert (out / "report.html").is_file() and "Report:" in proc.stdout
    back = load(out / "landmarks.npz")
    assert back.n_frames == 360
    import pandas as pd

    table = pd.read_parquet(out / "landmarks.parquet")
    assert len(table) == 360 * 33
    np.testing.assert_array_equal(table.x_px.to_numpy().reshape(360, 33), back.image_px[:, :, 0])
    assert not [p for p in out.iterdir() if p.name.startswith(".partial")]


SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "side_compensations.mp4"


@pytest.mark.slow
def test_analyze_writes_the_documented_json_and_tables(model_full: Path, tmp_path: Path) -> None:
    import json

    import jsonschema

    out = tmp_path / "o"
    proc = run("analyze", str(SAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "analysis.json").read_text())
    schema = json.loads(
        (Path(__file__).resolve().parents[1] / "gait/data/analysis.schema.json").read_text()
    )
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["view"]["kind"] == "side" and doc["view"]["facing"] == "left"
    assert abs(doc["metrics"]["cadence_spm"]["value"] - 158.0) < 1.5  # truth: 158
    assert "not_measurable" in doc["metrics"]["pelvic_drop_deg"]
    fired = {f["code"] for f in doc["findings"] if f["status"] == "fired"}
    assert {"GAIT-CAD-01", "GAIT-STR-01"} <= fired  # low cadence, long overstride
    assert doc["drill_plan"]["pre_run"]["drills"]
    for name in ("events.csv", "strides.csv", "landmarks.npz", "landmarks.parquet"):
        assert (out / name).is_file()
    assert "Low cadence" in proc.stdout and "side view, facing left" in proc.stdout
    # --json: the same document on stdout, nothing else there.
    js = run("analyze", str(SAMPLE), "--json", "-q")
    assert js.returncode == 0
    assert json.loads(js.stdout)["metrics"] == doc["metrics"]
    # --view override is honoured and recorded.
    forced = json.loads(run("analyze", str(SAMPLE), "--json", "-q", "--view", "rear").stdout)
    assert forced["view"]["kind"] == "rear" and forced["view"]["overridden"] is True


@pytest.mark.slow
def test_video_overlay_writes_the_annotated_clip(model_full: Path, tmp_path: Path) -> None:
    """``--video-overlay`` adds ``overlay.mp4``: the clip frame for frame, same size."""
    import cv2

    out = tmp_path / "o"
    proc = run("analyze", str(SAMPLE), "-o", str(out), "--video-overlay", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "overlay.mp4" in proc.stdout

    def shape(path: Path) -> tuple[int, int, int]:
        cap = cv2.VideoCapture(str(path))
        try:
            props = (cv2.CAP_PROP_FRAME_COUNT, cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT)
            n, w, h = (round(cap.get(p)) for p in props)
            return n, w, h
        finally:
            cap.release()

    assert shape(out / "overlay.mp4") == shape(SAMPLE)


def test_bad_rules_file_fails_before_any_work(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[rules.nope]\ncode = 'X'\n")
    proc = run("analyze", str(SAMPLE), "--rules", str(rules), "-o", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        line for line in proc.stderr.strip().splitlines() if line.startswith("gait: error:")
    ]
    assert "unknown rule 'nope'" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_an_empty_runner_name_fails_before_any_work(tmp_path: Path) -> None:
    """``--runner ""`` used to pass and record nothing; it is a usage error now."""
    proc = run("analyze", str(SAMPLE), "--runner", "", "-o", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "gait: error: a runner name must be 1-200 characters, found 0"
    ]
    assert not (tmp_path / "o").exists()
