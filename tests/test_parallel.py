"""The analysis's own threads follow the thread budget (``gait batch -j``: cores / jobs each)."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest
from scipy import signal

from gait import _parallel
from gait.analysis import analyze_pose
from gait.clean.filters import _filtfilt_rows
from gait.synth import RunnerParams, synth_landmarks


def test_the_budget_is_omp_num_threads_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _parallel.thread_budget() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert _parallel.thread_budget() == 3
    for unusable in ("0", "two", ""):
        monkeypatch.setenv("OMP_NUM_THREADS", unusable)
        assert _parallel.thread_budget() == (os.cpu_count() or 1)


def _no_threads(*_a: object, **_k: object) -> None:
    raise AssertionError("a thread was started within a budget of one thread")


def test_one_thread_runs_everything_in_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """With one thread (``gait batch -j 2`` on two cores sets OMP_NUM_THREADS=1) no
    pool is made - the long-clip low-pass and the steps that overlap the event detection
    ran on a second thread regardless - and the results are the same numbers."""
    pose, _ = synth_landmarks(RunnerParams(fps=60.0, duration_s=5.0, noise_px=1.0))
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    if _parallel.thread_budget() < 2:
        pytest.skip("one CPU: the two runs would be the same path")
    threaded = analyze_pose(pose)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setattr(threading.Thread, "start", _no_threads)
    inline = analyze_pose(pose)
    assert inline.summary.equals(threaded.summary)
    assert inline.events.equals(threaded.events)
    rows = np.random.default_rng(0).normal(size=(8, 70_000))  # above the threaded size
    b, a = signal.butter(4, 8.0, fs=60.0)
    assert np.array_equal(_filtfilt_rows(b, a, rows), signal.filtfilt(b, a, rows, axis=-1))


def test_an_inline_step_raises_where_its_result_is_taken() -> None:
    def fails() -> None:
        raise ValueError("bad step")

    with _parallel.side_thread("t") as pool:
        done = pool.submit(fails)
    with pytest.raises(ValueError, match="bad step"):
        done.result()
