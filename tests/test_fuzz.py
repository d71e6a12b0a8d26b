"""A bounded fuzz run of the loaders that read user files (issue 9).

Hypothesis makes byte strings - random ones, and valid files (a small MP4, a landmark
``.npz``, a history database) with bytes flipped, cut, repeated or spliced - writes them
to a file and feeds them to :func:`gait.video.probe` (then decodes the frames),
:func:`gait.posedata.load` (the landmark file and cache loader), the history database
check and the rules loader.  Only :class:`gait.errors.GaitError` may come out: any other
exception, a hang or a crash fails the test.  The video fuzz runs in a child process,
since a crash in native decoding code would otherwise take the test session down.

``GAIT_FUZZ_EXAMPLES`` scales the number of examples per loader (default 150).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gait.errors import GaitError

EXAMPLES = int(os.environ.get("GAIT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with random damage: cut, flipped bytes, a repeated or spliced block."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "flip", "repeat", "splice", "zero"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "cut":
            del data[i:]
        elif op == "flip":
            for _ in range(draw(st.integers(1, 16))):
                j = draw(st.integers(0, len(data) - 1))
                data[j] = draw(st.integers(0, 255))
        elif op == "repeat":
            data[i:i] = data[i : i + draw(st.integers(1, 512))] * draw(st.integers(1, 8))
        elif op == "splice":
            data[i:i] = draw(st.binary(max_size=64))
        else:
            data[i : i + draw(st.integers(1, 256))] = b"\0" * 16
    return bytes(data)


def inputs(seed: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=4096), mutated(seed), mutated(seed))


def _only_gait_errors(write: bytes, load: Callable[[Path], object], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(write)
        try:
            load(path)
        except GaitError as exc:
            assert "\n" not in str(exc)


# ------------------------------------------------------------------------ landmark files


@cache
def _npz_seed() -> bytes:
    from gait.synth import RunnerParams, synth_landmarks

    pose, _ = synth_landmarks(RunnerParams(duration_s=0.3, fps=30.0))
    with tempfile.TemporaryDirectory() as tmp:
        return pose.save(Path(tmp) / "seed.npz").read_bytes()


@FUZZ
@given(data=st.data())
def test_landmark_loader_raises_only_gait_errors(data: st.DataObject) -> None:
    from gait.posedata import load

    blob = data.draw(inputs(_npz_seed()))
    _only_gait_errors(blob, load, ".npz")


def test_landmark_loader_rejects_crafted_archives(tmp_path: Path) -> None:
    """Valid zip archives with the wrong content: pickled objects, wrong shapes and
    dtypes, infinite values, metadata of the wrong type."""
    from gait.errors import PoseDataError
    from gait.posedata import load

    good = dict(np.load(io.BytesIO(_npz_seed()), allow_pickle=False))
    crafted = {
        "pickled object array": {**good, "time_s": np.array([object()], dtype=object)},
        "meta is a number": {**good, "meta": np.array(5)},
        "meta with text fps": {**good, "meta": np.array('{"schema_version": 1, "fps": "x"}')},
        "strings for landmarks": {**good, "image_px": np.array(["a"] * 10)},
        "infinite landmarks": {**good, "image_px": np.full_like(good["image_px"], np.inf)},
        "time going backwards": {**good, "time_s": good["time_s"][::-1].copy()},
        "a lone array": None,
    }
    for name, arrays in crafted.items():
        path = tmp_path / f"{name}.npz"
        with open(path, "wb") as fh:
            if arrays is None:
                np.save(fh, good["time_s"])
            else:
                np.savez(fh, **arrays)  # object arrays are stored pickled
        try:
            load(path)
        except PoseDataError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc), name
        else:
            raise AssertionError(f"{name} was accepted")


# --------------------------------------------------------------------- history database


@cache
def _db_seed() -> bytes:
    from gait import history

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "h.sqlite"
        with history.connect(db, write=True):
            pass
        return db.read_bytes()


def _read_history(path: Path) -> object:
    from gait import history

    return history.sessions("Ana", db=path)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 3))
@given(data=st.data())
def test_history_reader_raises_only_gait_errors(data: st.DataObject) -> None:
    blob = data.draw(inputs(_db_seed()))
    _only_gait_errors(blob, _read_history, ".sqlite")


# ---------------------------------------------------------------------------- rules TOML


@cache
def _rules_seed() -> bytes:
    return b"[rules.low_cadence]\nmatch = 'all'\n[[rules.low_cadence.conditions]]\n" + (
        b"metric = 'cadence_spm'\nthreshold = 150.0\nfield = 'value'\n"
    )


@FUZZ
@given(data=st.data())
def test_rules_loader_raises_only_gait_errors(data: st.DataObject) -> None:
    from gait.findings_rules import load_rules

    blob = data.draw(inputs(_rules_seed()))
    _only_gait_errors(blob, load_rules, ".toml")


# -------------------------------------------------------------------------------- videos


def _video_seed() -> bytes:
    from test_video import write_clip

    with tempfile.TemporaryDirectory() as tmp:
        return write_clip(Path(tmp) / "seed.mp4", n=6, size=(32, 24)).read_bytes()


def _probe_and_decode(path: Path) -> None:
    from gait.video import iter_frames, probe

    probe(path)
    for _ in iter_frames(path, max_frames=12):
        pass


def fuzz_videos(examples: int) -> None:
    """The video fuzz loop (run in a child process by the test below)."""
    seed = _video_seed()

    @settings(FUZZ, max_examples=examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        blob = data.draw(inputs(seed))
        _only_gait_errors(blob, _probe_and_decode, ".mp4")

    run()


def test_video_probe_and_decoder_raise_only_gait_errors() -> None:
    code = f"import test_fuzz; test_fuzz.fuzz_videos({EXAMPLES})"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-3000:])
