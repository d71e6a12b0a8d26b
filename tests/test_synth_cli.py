"""``gait synth`` command line and the sample-clip definitions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from gait.errors import ConfigError
from gait.posedata import load
from gait.synth import RunnerParams, load_truth
from gait.synth import cli as synth_cli
from gait.synth.kinematics import RunnerModel
from gait.synth.samples import SAMPLES


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gait")
    sub = parser.add_subparsers(dest="command")
    synth_cli.add_parser(sub)
    return parser.parse_args(["synth", *argv])


def test_landmarks_only_writes_posedata_and_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.mp4"
    args = _parse(
        [
            "-o",
            str(out),
            "--landmarks-only",
            "--view",
            "rear",
            "--cadence-spm",
            "182",
            "--right-pelvic-drop-deg",
            "9",
            "--no-treadmill",
            "--fps",
            "60",
            "--duration-s",
            "1.5",
        ]
    )
    assert synth_cli.run(args) == 0
    pose = load(tmp_path / "run.landmarks.npz")
    truth = load_truth(tmp_path / "run.truth.json")
    assert pose.n_frames == 90 and pose.fps == 60.0
    assert truth["params"]["view"] == "rear"
    assert truth["params"]["treadmill"] is False
    assert truth["metrics"]["cadence_spm"]["overall"] == pytest.approx(182.0)
    assert truth["metrics"]["pelvic_drop_deg"]["right"] == pytest.approx(9.0, abs=0.05)
    assert not (tmp_path / "run.mp4").exists()
    assert "run.truth.json" in capsys.readouterr().out


def test_params_file_then_options_override(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps({"trunk_lean_deg": 14.0, "cadence_spm": 160}))
    args = _parse(
        ["-o", str(tmp_path / "x"), "--params", str(tmp_path / "p.json"), "--cadence-spm", "170"]
    )
    p = synth_cli.params_from_args(args)
    assert p.trunk_lean_deg == 14.0 and p.cadence_spm == 170.0


def test_bad_parameter_is_a_config_error(tmp_path: Path) -> None:
    args = _parse(["-o", str(tmp_path / "x"), "--landmarks-only", "--stance-fraction", "0.7"])
    with pytest.raises(ConfigError, match="stance_fraction"):
        synth_cli.run(args)
    (tmp_path / "bad.json").write_text(json.dumps({"cadance": 170}))
    args = _parse(["-o", str(tmp_path / "x"), "--params", str(tmp_path / "bad.json")])
    with pytest.raises(ConfigError, match="unknown"):
        synth_cli.params_from_args(args)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"cadence_spm": "fast"}', "parameter cadence_spm must be a number, found 'fast'"),
        ('{"treadmill": 1}', "parameter treadmill must be true or false, found 1"),
        ('{"width_px": 640.5}', "parameter width_px must be a whole number, found 640.5"),
        ("[170, 0.35]", "must hold a JSON object of parameters such as"),
        ('{"params": 3}', "(or be a truth file), found 3"),
    ],
    ids=["text for a number", "number for a bool", "fraction for an int", "a list", "truth"],
)
def test_a_params_file_of_the_wrong_shape_is_a_usage_error(
    content: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text for a number, a list or a bare number was 'internal error: TypeError' (exit
    4); 1 for a bool and a fractional image width were taken (the truth then said
    "treadmill": 1; the video's writer failed with an internal error)."""
    from gait.cli import main

    (tmp_path / "p.json").write_text(content)
    out = tmp_path / "out" / "run"
    argv = ["synth", "-o", str(out), "--landmarks-only", "--params", str(tmp_path / "p.json")]
    assert main(argv) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.startswith("gait: error: ") and words in err
    assert not (tmp_path / "out").exists()


def test_a_refused_runner_leaves_no_file(tmp_path: Path) -> None:
    """A runner the model refuses is an error before anything is written: it left a
    258-byte video stub (the writer was opened first), and the folder."""
    out = tmp_path / "new" / "r.mp4"
    args = _parse(
        [
            "-o",
            str(out),
            "--view",
            "rear",
            "--no-treadmill",
            "--duration-s",
            "10",
            "--camera-distance-m",
            "2",
        ]
    )
    with pytest.raises(ConfigError, match="runs past the camera; raise camera_distance_m"):
        synth_cli.run(args)
    assert not (tmp_path / "new").exists()


def test_a_failed_render_leaves_no_video(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gait.synth import render

    def broken(*_args: object):  # type: ignore[no-untyped-def]
        yield np.zeros((360, 640, 3), np.uint8)
        raise RuntimeError("disk full")

    monkeypatch.setattr(render, "_frames", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        render.render_video(RunnerParams(duration_s=0.5), tmp_path / "c.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("landmarks_only", [True, False], ids=["landmarks", "video"])
def test_a_failed_truth_leaves_neither_file(
    landmarks_only: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The landmarks (or the clip) were written, then the truth: when writing the truth
    failed (here: interrupted), the first file stayed, without its truth, and so did
    the folder made for it.  Now both are moved in place together at the end."""
    from gait.synth import truth as truth_mod

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(truth_mod, "save_truth", interrupted)
    argv = ["-o", str(tmp_path / "new" / "run.mp4"), "--duration-s", "0.5"]
    with pytest.raises(KeyboardInterrupt):
        synth_cli.run(_parse([*argv, "--landmarks-only"] if landmarks_only else argv))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("landmarks_only", [True, False], ids=["landmarks", "video"])
def test_an_output_under_a_file_is_a_one_line_error(
    landmarks_only: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o under a file was 'internal error: FileExistsError' (exit 4)."""
    from gait.cli import main

    (tmp_path / "notes").write_text("mine")
    argv = ["synth", "-o", str(tmp_path / "notes" / "run.mp4"), "--duration-s", "0.5"]
    assert main([*argv, "--landmarks-only"] if landmarks_only else argv) == 3
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.startswith(f"gait: error: cannot create the output file {tmp_path}/notes/run.")
    assert err.endswith(f"{tmp_path}/notes is a file; choose another file with -o")
    assert [p.name for p in tmp_path.iterdir()] == ["notes"]


@pytest.mark.parametrize("landmarks_only", [True, False], ids=["landmarks", "video"])
def test_existing_files_are_replaced_only_with_force(
    landmarks_only: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Like every other command, ``gait synth`` keeps what is there unless told to
    replace it: it wrote over any file of the name given (a real clip included)."""
    from gait.cli import main

    argv = ["synth", "-o", str(tmp_path / "run.mp4"), "--duration-s", "0.5"]
    argv += ["--landmarks-only"] if landmarks_only else []
    main_file = tmp_path / ("run.landmarks.npz" if landmarks_only else "run.mp4")
    main_file.write_bytes(b"a real clip")
    assert main(argv) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err == (
        f"gait: error: {main_file} exists already; add --force to replace it or choose "
        "another name with -o"
    )
    assert main_file.read_bytes() == b"a real clip"
    assert [p.name for p in tmp_path.iterdir()] == [main_file.name]
    assert main([*argv, "--force"]) == 0
    assert main_file.read_bytes() != b"a real clip"
    assert (tmp_path / "run.truth.json").is_file()


def test_every_field_has_an_option() -> None:
    args = _parse(["-o", "x"])
    for name in RunnerParams.__dataclass_fields__:
        assert hasattr(args, name)


def test_text_fields_take_their_values() -> None:
    """``--stance-shape running`` was read as a number (every text field but the view and
    the strike pattern was: "invalid float value")."""
    args = _parse(["-o", "x", "--stance-shape", "running", "--foot-strike", "forefoot"])
    p = synth_cli.params_from_args(args)
    assert p.stance_shape == "running" and p.foot_strike == "forefoot"
    with pytest.raises(SystemExit):
        _parse(["-o", "x", "--stance-shape", "bogus"])


def test_samples_show_what_their_names_say() -> None:
    from gait.synth.landmarks import synth_landmarks

    m = {name: synth_landmarks(p)[1]["metrics"] for name, p in SAMPLES.items()}
    good, bad = m["side_good_form"], m["side_compensations"]
    assert bad["trunk_lean_deg"]["overall"] > good["trunk_lean_deg"]["overall"] + 5
    assert bad["overstride_pct_leg"]["overall"] > good["overstride_pct_leg"]["overall"] + 10
    assert bad["knee_flexion_ic_deg"]["overall"] < good["knee_flexion_ic_deg"]["overall"] - 10
    assert bad["pelvic_drop_deg"]["overall"] > 8 > 4 > good["pelvic_drop_deg"]["overall"]
    assert bad["step_width_pct_leg"]["overall"] < 0 < good["step_width_pct_leg"]["overall"]
    before, after = m["before_side"], m["after_side"]
    assert after["cadence_spm"]["overall"] / before["cadence_spm"]["overall"] > 1.07
    assert after["overstride_pct_leg"]["overall"] < before["overstride_pct_leg"]["overall"] - 8
    assert (
        after["vertical_oscillation_pct_leg"]["overall"]
        < before["vertical_oscillation_pct_leg"]["overall"]
    )
    speeds = [RunnerModel(SAMPLES[n]).speed_mps for n in ("before_side", "after_side")]
    assert speeds[1] == pytest.approx(speeds[0], abs=0.05)  # same treadmill belt speed
    for p in SAMPLES.values():
        assert p.width_px <= 640 and p.duration_s <= 6


def test_committed_samples_match_their_definitions() -> None:
    folder = Path(__file__).resolve().parents[1] / "sample_videos"
    if not folder.is_dir():
        pytest.skip("sample_videos/ not present")
    total = 0
    for name, p in SAMPLES.items():
        video, truth = folder / f"{name}.mp4", folder / f"{name}.truth.json"
        assert video.is_file() and truth.is_file(), "regenerate: python -m gait.synth.samples"
        assert RunnerParams.from_dict(load_truth(truth)["params"]) == p
        total += video.stat().st_size + truth.stat().st_size
        assert np.isfinite(load_truth(truth)["metrics"]["cadence_spm"]["overall"])
    assert total < 8e6
