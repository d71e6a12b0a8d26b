"""Boolean-mask helpers the stages share: the runs of True (cleaning, the floor line,
event detection, the timing checks) and the nearest True before or after each index
(event detection, view detection)."""

from __future__ import annotations

import numpy as np

__all__ = ["next_true", "prev_true", "true_runs"]


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
