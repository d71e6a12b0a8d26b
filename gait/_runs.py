"""Boolean-mask helpers the stages share: the runs of True (cleaning, the floor line,
event detection, the timing checks), the mask and the frames of given runs (event
detection) and the nearest True before or after each index (event detection, view
detection)."""

from __future__ import annotations

import numpy as np

__all__ = ["next_true", "prev_true", "run_frames", "run_mask", "true_runs"]


def true_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop (exclusive) indices of the True runs of a 1-D boolean array.

    ``true_runs([0, 1, 1, 0, 1])`` gives ``([1, 4], [3, 5])``; no runs give two empty
    arrays.
    """
    d = np.diff(np.concatenate([[0], np.asarray(mask).astype(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def next_true(mask: np.ndarray) -> np.ndarray:
    """(n,) index of the first True at or after each position (n where none)."""
    n = mask.size
    idx = np.where(mask, np.arange(n), n)
    return np.asarray(np.minimum.accumulate(idx[::-1])[::-1])


def prev_true(mask: np.ndarray) -> np.ndarray:
    """(n,) index of the last True at or before each position (-1 where none)."""
    idx = np.where(mask, np.arange(mask.size), -1)
    return np.asarray(np.maximum.accumulate(idx))


def run_mask(n: int, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """(n,) bool, True inside the [start, stop) runs (non-overlapping), vectorised."""
    d = np.zeros(n + 1, dtype=np.int64)
    np.add.at(d, start, 1)
    np.add.at(d, stop, -1)
    return np.asarray(np.cumsum(d[:n]) > 0)


def run_frames(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(run number, frame) of every frame of the [start, stop) runs, run by run."""
    lengths = stop - start
    run = np.repeat(np.arange(start.size), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return run, start[run] + offset
