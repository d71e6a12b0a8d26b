"""Runs of True in a boolean array: the mask-to-runs step that cleaning, the floor line,
event detection and the timing checks all take."""

from __future__ import annotations

import numpy as np

__all__ = ["true_runs"]


def true_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop (exclusive) indices of the True runs of a 1-D boolean array.

    ``true_runs([0, 1, 1, 0, 1])`` gives ``([1, 4], [3, 5])``; no runs give two empty
    arrays.
    """
    d = np.diff(np.concatenate([[0], np.asarray(mask).astype(np.int8), [0]]))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)
