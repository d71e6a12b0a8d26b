"""A corpus of bad and awkward inputs (issue 9), each with its expected outcome.

Every input is generated here (OpenCV, imageio-ffmpeg's ffmpeg, the synthetic runner),
small and short.  Each failing case asserts the exit code, the one-line message (the
problem and the fix) and that no output (not even a staging folder) is left; each case
that must work asserts a complete, schema-valid output.  The cases that run the pose
model are marked slow.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from robust_helpers import (
    BAD_INPUT,
    INTERNAL,
    USAGE,
    Run,
    assert_complete_output,
    assert_no_output,
    assert_one_line_error,
    gait_cli,
)
from test_video import ffmpeg, write_clip

from gait.video import sha256_of


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Landmark cache and history in tmp, no network, cwd in tmp (default outputs)."""
    monkeypatch.setenv("GAIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GAIT_HISTORY_DB", str(tmp_path / "history.sqlite"))
    monkeypatch.setenv("GAIT_OFFLINE", "1")
    monkeypatch.delenv("GAIT_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    return lambda *args: gait_cli(capsys, *args)


# ------------------------------------------------------------- inputs that are not videos


def _file(tmp: Path, name: str, data: bytes) -> Path:
    (tmp / name).write_bytes(data)
    return tmp / name


def _folder(tmp: Path) -> Path:
    (tmp / "clips.mp4").mkdir()
    return tmp / "clips.mp4"


def _still(tmp: Path, ext: str) -> Path:
    img = np.full((48, 64, 3), 128, np.uint8)
    path = tmp / f"still{ext}"
    cv2.imwrite(str(path), img)
    return path.rename(tmp / f"still{ext}.mp4")


def _truncated(tmp: Path) -> Path:
    src = write_clip(tmp / "src.mp4", n=30)
    cut = tmp / "cut.mp4"
    cut.write_bytes(src.read_bytes()[:2000])  # the index (moov atom) at the end is gone
    return cut


def _audio(tmp: Path, name: str, *codec: str) -> Path:
    ffmpeg("-f", "lavfi", "-i", "sine=duration=0.5", *codec, str(tmp / name))
    return tmp / name


def _named(tmp: Path, raw_name: bytes) -> Path:
    path = tmp / os.fsdecode(raw_name)
    write_clip(tmp / "ok.mp4", n=20).rename(path)
    return path


BAD_VIDEOS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "missing path": (lambda t: t / "nowhere.mp4", ("no such file",)),
    "a directory": (_folder, ("is a folder, not a video",)),
    "empty file": (lambda t: _file(t, "e.mp4", b""), ("is empty (0 bytes)", "re-export")),
    "text file named .mp4": (
        lambda t: _file(t, "t.mp4", b"just some notes\n" * 20),
        ("cannot be opened as a video", "re-export it as MP4"),
    ),
    "truncated mp4": (_truncated, ("cannot be opened as a video", "truncated")),
    "still image (PNG)": (lambda t: _still(t, ".png"), ("still image", "film at least 5 s")),
    "still image (JPEG)": (lambda t: _still(t, ".jpg"), ("still image",)),
    "audio-only mp4": (
        lambda t: _audio(t, "voice.mp4", "-c:a", "aac"),
        ("cannot be opened as a video", "audio only"),
    ),
    "audio file (WAV)": (lambda t: _audio(t, "voice.wav"), ("is an audio file, not a video",)),
    "single frame": (lambda t: write_clip(t / "one.mp4", n=1), ("single frame",)),
    "file name not UTF-8": (
        lambda t: _named(t, b"run\xff.mp4"),
        ("not valid UTF-8", "rename the file"),  # OpenCV segfaulted on such names
    ),
    "name with a newline and a terminal escape": (
        lambda t: t / "evil\nname\x1b[31m.mp4",
        ("no such file", "evil\\nname\\x1b[31m.mp4"),  # escaped: one line, no colours
    ),
}


@pytest.mark.parametrize("case", list(BAD_VIDEOS))
def test_bad_video_is_one_line_exit_3_and_writes_nothing(
    case: str, tmp_path: Path, cli: Any
) -> None:
    make, words = BAD_VIDEOS[case]
    clip = make(tmp_path)
    out = tmp_path / "out"
    run = cli("analyze", clip, "-o", out, "-q")
    assert_one_line_error(run, BAD_INPUT, "gait: error:", *words)
    assert_no_output(out)
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*.npz"))


# ----------------------------------------------------------------- usage and configuration


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A valid small video (no runner: the usage checks come before pose inference)."""
    return write_clip(tmp_path / "bars.mp4", n=30)


def test_wrong_view_is_a_usage_error(clip: Path, tmp_path: Path, cli: Any) -> None:
    run = cli("analyze", clip, "--view", "sideways", "-o", tmp_path / "out")
    assert_one_line_error(
        run, USAGE, "gait analyze: error:", "invalid choice: 'sideways'", "see gait analyze -h"
    )
    assert_no_output(tmp_path / "out")


def test_bad_slowmo_is_a_usage_error(clip: Path, tmp_path: Path, cli: Any) -> None:
    run = cli("analyze", clip, "--slowmo", "0", "-o", tmp_path / "out", "-q")
    assert_one_line_error(run, USAGE, "--slowmo must be a factor between 0 and 64")
    assert_no_output(tmp_path / "out")


BAD_RULES = {
    "not TOML": ("rules = [", "is not valid TOML"),
    "rules not a table": ("rules = 3", "[rules] must be a table"),
    "typo in the top-level table": ("[rule.low_cadence]\nmatch = 'all'", "unknown top-level key"),
    "unknown rule": ("[rules.cadence]\nmatch = 'all'", "unknown rule 'cadence'"),
    "threshold is text": (
        "[rules.low_cadence]\n[[rules.low_cadence.conditions]]\n"
        "metric = 'cadence_spm'\nthreshold = 'high'",
        "threshold must be a number, found 'high'",
    ),
    "threshold is nan": (
        "[rules.low_cadence]\n[[rules.low_cadence.conditions]]\n"
        "metric = 'cadence_spm'\nthreshold = nan",
        "threshold nan is invalid; use a finite number",
    ),
    "unknown operator": (
        "[rules.low_cadence]\n[[rules.low_cadence.conditions]]\nmetric = 'cadence_spm'\nop = '>='",
        "op '>=' is invalid; use > or <",
    ),
    "unknown drill": ("[rules.low_cadence]\ndrills = ['yoga']", "unknown drill(s) ['yoga']"),
    "drills not a list": ("[rules.low_cadence]\ndrills = 'x'", "drills must be a list"),
    "bad match": ("[rules.low_cadence]\nmatch = 'some'", "match must be 'any' or 'all'"),
    "condition on a metric the rule lacks": (
        "[rules.low_cadence]\n[[rules.low_cadence.conditions]]\nmetric = 'step_width_m'",
        "has no condition on 'step_width_m'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_RULES))
def test_invalid_thresholds_toml_is_a_usage_error(
    case: str, clip: Path, tmp_path: Path, cli: Any
) -> None:
    text, words = BAD_RULES[case]
    rules = tmp_path / "my rules.toml"
    rules.write_text(text + "\n")
    run = cli("analyze", clip, "--rules", rules, "-o", tmp_path / "out", "-q")
    assert_one_line_error(run, USAGE, "my rules.toml", words)
    assert_no_output(tmp_path / "out")


def test_missing_rules_file(clip: Path, tmp_path: Path, cli: Any) -> None:
    run = cli("analyze", clip, "--rules", tmp_path / "none.toml", "-q")
    assert_one_line_error(run, USAGE, "rules file not found")


# ------------------------------------------------------------------------- output folders


def _previous_output(out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True)
    files = {"analysis.json": b'{"input": {"sha256": "x"}}', "report.html": b"<html></html>"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return files


def _contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_existing_output_is_not_overwritten_without_force(
    clip: Path, tmp_path: Path, cli: Any
) -> None:
    out = tmp_path / "out"
    before = _previous_output(out)
    run = cli("analyze", clip, "-o", out, "-q")
    assert_one_line_error(run, USAGE, "already holds a previous result", "add --force")
    assert _contents(out) == before


def test_folder_with_other_files_is_refused_even_with_force(
    clip: Path, tmp_path: Path, cli: Any
) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "analysis.json").write_text("{}")
    for extra in ((), ("--force",)):
        run = cli("analyze", clip, "-o", out, "-q", *extra)
        assert_one_line_error(run, USAGE, "holds files gait did not write (notes.txt)")
    assert sorted(_contents(out)) == ["analysis.json", "notes.txt"]


def test_output_path_that_is_a_file(clip: Path, tmp_path: Path, cli: Any) -> None:
    target = tmp_path / "report.txt"
    target.write_text("x")
    run = cli("analyze", clip, "-o", target, "-q")
    assert_one_line_error(run, USAGE, "is a file, not a folder")
    assert target.read_text() == "x"


def test_output_under_a_file_is_not_writable(clip: Path, tmp_path: Path, cli: Any) -> None:
    (tmp_path / "plain").write_text("x")
    out = tmp_path / "plain" / "sub" / "out"
    run = cli("analyze", clip, "-o", out, "-q")
    assert_one_line_error(run, BAD_INPUT, "cannot create the output folder", "is a file", "-o")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_not_writable(clip: Path, tmp_path: Path, cli: Any) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        run = cli("analyze", clip, "-o", locked / "out", "-q")
        assert_one_line_error(run, BAD_INPUT, "is not writable", "choose another folder")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


# --------------------------------------------------------------------------- history files


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"not a database\n" * 100, ("is not a SQLite database", "left untouched", "--db")),
        ("foreign", ("database of another program", "left untouched")),
        (b"SQLite format 3\x00" + b"\xff" * 4000, ("damaged or unreadable", "left untouched")),
    ],
    ids=["garbage", "foreign sqlite", "damaged sqlite"],
)
def test_bad_history_db_fails_before_any_work(
    content: Any, words: tuple[str, ...], clip: Path, tmp_path: Path, cli: Any
) -> None:
    db = tmp_path / "history.sqlite"
    if content == "foreign":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER, text TEXT)")
        conn.close()
    else:
        db.write_bytes(content)
    raw = db.read_bytes()
    out = tmp_path / "out"
    run = cli("analyze", clip, "--runner", "Ana", "-o", out, "-q")
    assert_one_line_error(run, BAD_INPUT, str(db), *words)
    assert_no_output(out)
    run = cli("history", "Ana")
    assert_one_line_error(run, BAD_INPUT, *words)
    assert db.read_bytes() == raw
    assert sorted(p.name for p in tmp_path.iterdir() if "history" in p.name) == [db.name]


def test_blank_runner_name_is_a_usage_error(clip: Path, tmp_path: Path, cli: Any) -> None:
    run = cli("analyze", clip, "--runner", "   ", "-o", tmp_path / "out", "-q")
    assert_one_line_error(run, USAGE, "runner name must be 1-200 characters")
    assert_no_output(tmp_path / "out")


def test_history_output_folder_is_protected(tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "plots"
    out.mkdir()
    (out / "history.html").write_text("old")
    run = cli("history", "Ana", "-o", out)
    assert_one_line_error(run, USAGE, "already holds a previous result", "--force")
    assert (out / "history.html").read_text() == "old"


def test_compare_usage_errors(tmp_path: Path, cli: Any) -> None:
    run = cli("compare", "a.mp4", "b.mp4", "--n-boot", "5", "-q")
    assert_one_line_error(run, USAGE, "--n-boot must be at least 100")
    run = cli("compare", "a.mp4", "--json")
    assert_one_line_error(run, USAGE, "the following arguments are required: after")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ internal errors, debug


def _boom(*_a: Any, **_k: Any) -> Any:
    raise RuntimeError("kaboom\nsecond line")


def test_unexpected_exception_is_one_line_exit_4(
    clip: Path, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gait.pose.extract", _boom)
    run = cli("analyze", clip, "-o", tmp_path / "out", "-q")
    line = assert_one_line_error(
        run, INTERNAL, "gait: internal error: RuntimeError: kaboom\\nsecond line"
    )
    assert "rerun with --debug" in line and "report it" in line
    assert_no_output(tmp_path / "out")
    for debug in (("--debug", "analyze"), ("analyze", "--debug")):
        run = cli(*debug, clip, "-o", tmp_path / "out", "-q")
        assert run.code == INTERNAL
        assert "Traceback" in run.err and "_boom" in run.err
        assert run.err.strip().splitlines()[-1].startswith("gait: internal error:")
    monkeypatch.setenv("GAIT_DEBUG", "1")
    assert "Traceback" in cli("analyze", clip, "-q").err


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--help"], ["analyze", "--help"], ["compare", "--help"]):
        run = gait_cli(capsys, *args)
        text = " ".join(run.out.split())
        assert run.code == 0
        assert "exit codes: 0 success, 2 usage error" in text and "3 bad input" in text
        assert "4 internal error" in text and "130 interrupted" in text


def test_readme_documents_the_exit_codes() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("### Exit codes and errors", 1)[1].split("\n## ", 1)[0]
    for code in ("| 0 |", "| 2 |", "| 3 |", "| 4 |", "| 130 |"):
        assert code in section
    assert "--debug" in section and "--force" in readme


# ---------------------------------------------------------------- inputs that need a model


@pytest.fixture(scope="module")
def runner_clip(tmp_path_factory: pytest.TempPathFactory, model: Path) -> Path:
    """A rendered 1.5-s synthetic runner, 320x180 at 30 fps (about two strides)."""
    from gait.synth import RunnerParams
    from gait.synth.render import render_video

    path = tmp_path_factory.mktemp("runner") / "runner.mp4"
    params = RunnerParams(duration_s=1.5, width_px=320, height_px=180, view="side_right")
    render_video(params, path, write_truth=False)
    return path


@pytest.fixture(scope="module")
def model(model_full: Path) -> Path:
    return model_full


def _ok(run: Run) -> None:
    assert run.code == 0, run.err
    assert "Traceback" not in run.err and "error" not in run.err


def _ff(src: Path, dst: Path, *args: str) -> Path:
    ffmpeg("-i", str(src), *args, "-c:v", "mpeg4", "-q:v", "3", str(dst))
    return dst


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("no person", ("no person was detected in any of the 30 frames", "whole body")),
        ("tiny person", ("no person was detected", "film the runner's whole body")),
        ("two frames", ("is only 0.03 s long (2 frames)", "film at least 5 s of running")),
    ],
)
def test_clips_without_an_analysable_runner(
    case: str, words: tuple[str, ...], runner_clip: Path, tmp_path: Path, cli: Any
) -> None:
    clip = tmp_path / f"{case}.mp4"
    if case == "no person":
        ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=96x64:d=1:r=30", "-c:v", "mpeg4", str(clip))
    elif case == "tiny person":  # the runner 40 px wide in a 640x360 black frame
        _ff(runner_clip, clip, "-vf", "scale=40:22,pad=640:360:300:170")
    else:
        _ff(runner_clip, clip, "-frames:v", "2")
    out = tmp_path / "out"
    assert_one_line_error(cli("analyze", clip, "-o", out, "-q"), BAD_INPUT, *words)
    assert_no_output(out)


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", ["short", "legs only", "two people", "4K", "240 fps", "rotated", "VFR"]
)
def test_awkward_clips_still_give_a_complete_report(
    case: str, runner_clip: Path, tmp_path: Path, cli: Any
) -> None:
    clip = tmp_path / f"{case}.mp4"
    if case == "short":
        clip = runner_clip
    elif case == "legs only":  # the bottom half of the frame: hips to feet
        _ff(runner_clip, clip, "-vf", "crop=320:90:0:90")
    elif case == "two people":
        from gait.synth import RunnerParams
        from gait.synth.render import render_video

        other = tmp_path / "other.mp4"
        params = RunnerParams(
            duration_s=1.5, width_px=320, height_px=180, view="side_left", appearance=1
        )
        render_video(params, other, write_truth=False)
        ffmpeg(
            *("-i", str(runner_clip), "-i", str(other)),
            *(
                "-filter_complex",
                "[0:v]crop=200:180:60:0[a];[1:v]crop=200:180:60:0[b];[a][b]hstack",
            ),
            *("-c:v", "mpeg4", "-q:v", "3", str(clip)),
        )
    elif case == "4K":
        _ff(runner_clip, clip, "-vf", "scale=3840:2160", "-frames:v", "16")
    elif case == "240 fps":
        from gait.synth import RunnerParams
        from gait.synth.render import render_video

        params = RunnerParams(duration_s=0.55, fps=240.0, width_px=320, height_px=180)
        render_video(params, clip, write_truth=False)
    elif case == "rotated":  # a phone clip: stored landscape with a 90° display tag
        ffmpeg("-display_rotation", "90", "-i", str(runner_clip), "-c", "copy", str(clip))
    else:  # variable frame rate: frames 20+ are twice as far apart
        ffmpeg(
            *("-i", str(runner_clip), "-vf", "setpts='(N+max(N-20,0))/30/TB'"),
            *("-fps_mode", "vfr", "-c:v", "mpeg4", "-q:v", "3", str(clip)),
        )
    out = tmp_path / "out"
    run = cli("analyze", clip, "-o", out)
    _ok(run)
    doc = assert_complete_output(out, sha256=sha256_of(clip))
    warnings = " ".join(doc["warnings"])
    size = (doc["input"]["width"], doc["input"]["height"])
    if case == "short":
        assert "the clip is too short: it lasts 1.5 s; film at least 5 s" in warnings
    elif case == "legs only":
        assert doc["pose"]["frames_with_pose"] < doc["input"]["frames"]
        assert "a pose was found on only" in warnings
    elif case == "two people":  # one runner is tracked throughout, never a mix of both
        from gait.posedata import load

        pose = load(out / "landmarks.npz")
        hip_x = np.nanmean(pose.image_px[:, 23:25, 0], axis=1)
        hip_x = hip_x[np.isfinite(hip_x)]
        assert len(hip_x) > 0.9 * pose.n_frames
        assert (hip_x < 200).all() or (hip_x > 200).all()
    elif case == "4K":
        assert size == (3840, 2160) and doc["pose"]["frames_with_pose"] == 16
    elif case == "240 fps":
        assert doc["input"]["fps"] == pytest.approx(240.0)
    elif case == "rotated":
        assert size == (180, 320) and "° tag was applied (analysed upright)" in run.out
    else:
        from gait.posedata import load

        dt = np.diff(load(out / "landmarks.npz").time_s)
        assert dt[:18] == pytest.approx(1 / 30, abs=2e-3)
        assert dt[25:] == pytest.approx(2 / 30, abs=2e-3)


@pytest.mark.slow
def test_odd_names_default_folder_reruns_and_force(
    runner_clip: Path, tmp_path: Path, cli: Any
) -> None:
    """A non-ASCII name with spaces into the default folder; the README's quick start run
    twice; another clip with the same name is refused until --force."""
    clip = tmp_path / "Läufe März" / "Séance 1 – côté.mp4"
    clip.parent.mkdir()
    clip.write_bytes(runner_clip.read_bytes())
    out = tmp_path / "gait-out" / "Séance 1 – côté"
    _ok(cli("analyze", clip))
    first = assert_complete_output(out, sha256=sha256_of(clip))
    assert first["input"]["path"] == str(clip)
    run = cli("analyze", clip)  # the same clip again: its result is refreshed
    _ok(run)
    assert "replacing the previous analysis of this clip" in run.err
    assert_complete_output(out, sha256=sha256_of(clip))
    other = tmp_path / "elsewhere" / clip.name  # same name, different clip
    other.parent.mkdir()
    _ff(runner_clip, other, "-vf", "hflip")
    kept = _contents(out)
    run = cli("analyze", other, "-q")
    assert_one_line_error(run, USAGE, "already holds a previous result", "--force")
    assert _contents(out) == kept
    _ok(cli("analyze", other, "--force", "-q"))
    assert_complete_output(out, sha256=sha256_of(other))


@pytest.mark.slow
def test_html_in_the_file_name_is_shown_as_text(
    runner_clip: Path, tmp_path: Path, cli: Any
) -> None:
    clip = tmp_path / "<script>alert(1)<img src=x onerror=alert(2)>.mp4"  # no "/" in names
    clip.write_bytes(runner_clip.read_bytes())
    out = tmp_path / "out"
    _ok(cli("analyze", clip, "-o", out, "-q", "--title", "<b>Ann</b>", "--runner", "<i>A</i>"))
    assert_complete_output(out)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img src=x" not in page and "<b>Ann" not in page
    assert "&lt;script&gt;alert(1)&lt;img src=x" in page and "&lt;b&gt;Ann" in page


@pytest.mark.slow
def test_terminal_escape_sequences_in_names_are_shown_escaped(
    runner_clip: Path, tmp_path: Path, cli: Any
) -> None:
    """A file name carrying terminal control sequences (set the window title, clear the
    screen) and a right-to-left override cannot drive the terminal: the summary and the
    status lines show them escaped."""
    clip = tmp_path / "run\x1b]0;owned\x07\x1b[2J\u202egpm.mp4"
    clip.write_bytes(runner_clip.read_bytes())
    run = cli("analyze", clip, "-o", tmp_path / "out")
    _ok(run)
    for text in (run.out, run.err):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "run\\x1b]0;owned\\x07\\x1b[2J\\u202egpm.mp4" in run.out


@pytest.mark.slow
def test_corrupt_landmark_cache_is_detected_and_recomputed(
    runner_clip: Path, tmp_path: Path, cli: Any
) -> None:
    from gait.posedata import load

    first = cli("analyze", runner_clip, "--json")  # --json alone: no report, just the cache
    _ok(first)
    (cached,) = (tmp_path / "cache" / "landmarks").glob("*.npz")
    good = load(cached)
    other = dataclasses.replace(good, source_sha256="0" * 64)
    for damage in ("empty", "truncated", "zip header only", "another clip's landmarks"):
        if damage == "another clip's landmarks":
            other.save(cached)
        else:
            data = {"empty": b"", "truncated": cached.read_bytes()[:500]}
            cached.write_bytes(data.get(damage, b"PK\x03\x04" + b"\0" * 200))
        run = cli("analyze", runner_clip, "--json")
        _ok(run)
        assert "recomputing the landmarks: the cache file is unusable" in run.err, damage
        assert str(cached) in run.err and "inference skipped" not in run.err
        np.testing.assert_array_equal(load(cached).image_px, good.image_px)
        assert json.loads(run.out)["metrics"] == json.loads(first.out)["metrics"]
    run = cli("analyze", runner_clip, "--json")
    assert "inference skipped" in run.err
    assert sorted(p.name for p in cached.parent.iterdir()) == [cached.name]  # no temp files


@pytest.mark.slow
def test_sql_quotes_in_the_runner_name(runner_clip: Path, tmp_path: Path, cli: Any) -> None:
    name = "Robert'); DROP TABLE sessions;--"
    _ok(cli("analyze", runner_clip, "--runner", name, "--json", "-q"))
    _ok(cli("analyze", runner_clip, "--runner", "Ana", "--json", "-q"))
    from gait import history

    assert history.runners() == sorted([name, "Ana"])
    assert len(history.sessions(name)) == 1
    with sqlite3.connect(os.environ["GAIT_HISTORY_DB"]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert json.loads(cli("analyze", runner_clip, "--json", "-q").out)["input"]["frames"] == 45


def test_ctrl_c_in_a_finaliser_is_not_lost() -> None:
    """A KeyboardInterrupt raised inside a finaliser or weakref callback is 'unraisable'
    (Python prints it with a traceback and carries on); gait's hook raises the signal
    again so the run still ends as interrupted, and passes other errors on."""
    import types

    from gait.cli import _reraise_lost_interrupts

    seen: list[Any] = []
    hook = _reraise_lost_interrupts(seen.append)
    other = types.SimpleNamespace(exc_type=ValueError)
    hook(other)
    assert seen == [other]
    with pytest.raises(KeyboardInterrupt):
        hook(types.SimpleNamespace(exc_type=KeyboardInterrupt))
        for _ in range(1000):  # the signal handler runs at the next bytecode boundary
            pass
    assert seen == [other]


def test_ctrl_c_that_surfaces_as_another_error_is_an_interrupt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a C extension's import reaches gait as an ImportError; it is reported
    as an interrupt (exit 130), not as an internal error."""
    import argparse
    import signal

    from gait import cli

    def interrupted_import(_args: argparse.Namespace) -> int:
        try:
            signal.raise_signal(signal.SIGINT)
            for _ in range(1000):  # the handler runs at the next bytecode boundary
                pass
        except KeyboardInterrupt:
            raise ImportError('PyCapsule_Import could not import module "pandas"') from None
        return 0

    parser = argparse.ArgumentParser()
    parser.set_defaults(func=interrupted_import)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    assert cli.main([]) == 130
    assert capsys.readouterr().err.strip() == "gait: interrupted"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
