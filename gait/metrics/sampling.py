"""Landmarks at sub-frame event times: cubic interpolation (:func:`sample_at`), values
at a kink taken from one side (:func:`sample_one_sided`) or from two pieces that break at
it (:func:`sample_kink`), and ranges and peaks between events."""

from __future__ import annotations

import numpy as np


def sample_at(x: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Cubic (Catmull-Rom) interpolation of frames at fractional positions.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Per-frame values.
    pos : ndarray of shape (k,)
        Fractional frame positions (NaN allowed).

    Returns
    -------
    ndarray of shape (k, ...)
        Values at ``pos``; NaN where ``pos`` is NaN or out of range or a neighbour is
        missing.  Falls back to linear interpolation where only the two bracketing
        frames are available.
    """
    n = x.shape[0]
    pos = np.asarray(pos, dtype=float)
    ok = np.isfinite(pos) & (pos >= 0) & (pos <= n - 1)
    p = np.where(ok, pos, 0.0)
    i1 = np.clip(np.floor(p).astype(int), 0, max(n - 2, 0))
    i2 = np.minimum(i1 + 1, n - 1)
    t = (p - i1).reshape((-1,) + (1,) * (x.ndim - 1))
    i0 = np.maximum(i1 - 1, 0)
    i3 = np.minimum(i2 + 1, n - 1)
    p0, p1, p2, p3 = x[i0], x[i1], x[i2], x[i3]
    lin = p1 + (p2 - p1) * t
    cub = 0.5 * (
        2 * p1
        + (-p0 + p2) * t
        + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
        + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
    )
    out = np.where(np.isnan(cub), lin, cub)
    out[~ok] = np.nan
    return np.asarray(out)


def sample_one_sided(
    x: np.ndarray, pos: np.ndarray, *, after: bool, n_points: int = 4
) -> np.ndarray:
    """Value at fractional positions from the samples on one side only.

    A least-squares quadratic through the ``n_points`` frames at or after ``pos``
    (``after=True``) or at or before it is evaluated at ``pos``.  Used for values *at*
    an event that sits on a kink of the signal (the knee stops extending at initial
    contact, starts flexing at toe-off): the stance-side samples describe the value at
    the event, interpolation across the kink would not.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
    pos : ndarray of shape (k,)
    after : bool
    n_points : int

    Returns
    -------
    ndarray of shape (k, ...)
        NaN where ``pos`` is NaN or the samples run out of the clip.
    """
    n = x.shape[0]
    pos = np.asarray(pos, dtype=float)
    ok = np.isfinite(pos)
    p = np.where(ok, pos, 0.0)
    base = np.ceil(p - 1e-9).astype(int) if after else np.floor(p + 1e-9).astype(int)
    steps = np.arange(n_points) if after else -np.arange(n_points)
    idx = base[:, None] + steps[None, :]  # (k, m)
    ok &= (idx.min(axis=1) >= 0) & (idx.max(axis=1) <= n - 1)
    idx = np.clip(idx, 0, n - 1)
    t = idx - p[:, None]  # sample offsets from pos, (k, m)
    t[~ok] = steps  # distinct offsets where the window is clipped (the result is NaN)
    if n_points >= 3:
        w = _quadratic_value_weights(t)
    else:
        # least-squares line or constant: value at t = 0 is the first coefficient
        a = np.stack([np.ones_like(t), t][:n_points], axis=-1)  # (k, m, deg+1)
        w = np.linalg.pinv(a)[:, 0, :]  # (k, m)
    vals = x[idx]  # (k, m, ...)
    w = w.reshape(w.shape + (1,) * (x.ndim - 1))
    out = np.sum(w * vals, axis=1)
    out[~ok] = np.nan
    return np.asarray(out)


def sample_kink(
    x: np.ndarray, pos: np.ndarray, *, n_points: int = 3, degree: int = 2
) -> np.ndarray:
    """Value at fractional positions that sit on a kink of the signal.

    A continuous two-piece polynomial - one polynomial of ``degree`` on each side of
    ``pos``, sharing their value at ``pos`` but not their slopes or curvatures - is fitted
    by least squares to the ``n_points`` frames at or before ``pos`` and the ``n_points``
    frames after it; the shared value is returned.  This is a broken-stick regression
    with a known break (the break of :func:`gait.events.hinge_fit`, with curved pieces).

    It is made for values *at* initial contact, where the landmarks' motion changes
    abruptly (the foot is stopped by the ground): a cubic through the neighbouring
    frames rounds the kink off (at 30 fps the synthetic runner's knee flexion read
    1.5-1.8 deg high), and a one-sided fit extrapolates whichever side it uses across
    a frame or more of curvature.  Both sides pin the shared value.  Exact when the
    signal is a polynomial of ``degree`` on each side.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
    pos : ndarray of shape (k,)
    n_points : int
        Frames per side (at least ``degree + 1`` for a unique fit).
    degree : int
        Degree of each piece.

    Returns
    -------
    ndarray of shape (k, ...)
        NaN where ``pos`` is NaN, the samples run out of the clip or one is missing.
    """
    n = x.shape[0]
    pos = np.asarray(pos, dtype=float)
    ok = np.isfinite(pos)
    p = np.where(ok, pos, 0.0)
    last = np.floor(p + 1e-9).astype(int)  # the last frame at or before pos
    steps = np.arange(-n_points + 1, n_points + 1)
    idx = last[:, None] + steps[None, :]  # (k, 2 n_points)
    ok &= (idx[:, 0] >= 0) & (idx[:, -1] <= n - 1)
    idx = np.clip(idx, 0, n - 1)
    t = idx - p[:, None]
    t[~ok] = steps - 0.5  # a well-posed dummy fit where the window is clipped (NaN)
    before, after = np.minimum(t, 0.0), np.maximum(t, 0.0)
    powers = np.arange(1, degree + 1)
    design = np.concatenate(
        [np.ones((*t.shape, 1)), before[..., None] ** powers, after[..., None] ** powers],
        axis=-1,
    )  # (k, m, 2 degree + 1)
    w = np.linalg.pinv(design)[:, 0, :]  # weights of the shared value, (k, m)
    vals = x[idx]
    w = w.reshape(w.shape + (1,) * (x.ndim - 1))
    out = np.sum(w * vals, axis=1)
    out[~ok] = np.nan
    return np.asarray(out)


def _quadratic_value_weights(t: np.ndarray) -> np.ndarray:
    """Weights (k, m) giving the value at t = 0 of the least-squares quadratic through
    samples at offsets ``t`` (k, m; at least three distinct per row).

    The value is the first coefficient of the normal equations ``M c = A^T y`` with the
    moment matrix ``M[i, j] = sum t^(i + j)``: weight_i = (M^-1)[0] . (1, t_i, t_i^2),
    the first row of the inverse taken from its cofactors (a 3x3 solve in closed form,
    the same as the first row of the pseudo-inverse when ``A`` has full rank).
    """
    t2 = t * t
    m0 = float(t.shape[1])
    m1, m2 = t.sum(axis=1), t2.sum(axis=1)
    m3, m4 = (t2 * t).sum(axis=1), (t2 * t2).sum(axis=1)
    c0 = m2 * m4 - m3 * m3
    c1 = m2 * m3 - m1 * m4
    c2 = m1 * m3 - m2 * m2
    det = m0 * c0 + m1 * c1 + m2 * c2
    return np.asarray((c0[:, None] + c1[:, None] * t + c2[:, None] * t2) / det[:, None])


def _range_between(y: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Max - min of ``y`` over the frames of each range [start, stop], vectorised.

    Frames ``ceil(start) .. ceil(stop) - 1`` are used (clipped to the clip).  One
    ``np.fmax.reduceat`` / ``np.fmin.reduceat`` over interleaved ``[s_i, e_i)`` boundaries
    reduces every range independently, so overlapping or unsorted ranges need no special
    case (the odd, in-between slices are discarded).  NaN samples are ignored (``fmax``).

    Parameters
    ----------
    y : ndarray of shape (n,)
        Per-frame signal (NaN = missing).
    start, stop : ndarray of shape (k,)
        Fractional frame positions (NaN allowed).

    Returns
    -------
    ndarray of shape (k,)
        The ranges; NaN where a range is missing, empty (no whole frame inside, or outside
        the clip) or holds no finite sample - poor data never raises.
    """
    start = np.asarray(start, dtype=float)
    stop = np.asarray(stop, dtype=float)
    out = np.full(start.shape, np.nan)
    n = y.size
    ok = np.isfinite(start) & np.isfinite(stop)
    s = np.clip(np.ceil(np.where(ok, start, 0.0)), 0, n).astype(np.int64)
    e = np.clip(np.ceil(np.where(ok, stop, 0.0)), 0, n).astype(np.int64)
    ok &= e > s
    if not ok.any():
        return out
    bounds = np.empty(2 * int(ok.sum()), dtype=np.int64)
    bounds[0::2] = s[ok]
    bounds[1::2] = e[ok]
    padded = np.append(np.asarray(y, dtype=float), np.nan)  # index n is valid for reduceat
    hi = np.fmax.reduceat(padded, bounds)[0::2]
    lo = np.fmin.reduceat(padded, bounds)[0::2]
    out[ok] = hi - lo
    return out


def _frame_windows(
    start: np.ndarray, stop: np.ndarray, n: int, *, max_frames: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per stride, the whole frames ``ceil(start)`` .. ``floor(stop)`` (at most
    ``max_frames + 1`` of them: a stride with odd events builds no huge grid) as a
    padded grid.  Returns ``first``, ``last`` (k,) and ``grid``, ``inside`` (k, width):
    the frame numbers and which of them lie in the window and the clip; a window with a
    missing or reversed end holds no frame."""
    ok = np.isfinite(start) & np.isfinite(stop) & (stop >= start)
    first = np.ceil(np.where(ok, start, 0.0)).astype(int)
    last = np.where(ok, np.floor(np.where(ok, stop, 0.0)), -1).astype(int)
    last = np.minimum(last, first + max(0, max_frames))
    width = int(max(1, (last - first + 1).max(initial=1)))
    grid = first[:, None] + np.arange(width)[None, :]
    inside = (grid <= last[:, None]) & (grid < n)
    return first, last, grid, inside


def _peak_between(
    y: np.ndarray,
    sel: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    *,
    max_frames: int,
    half_width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per stride, the peak of ``y[:, sel]`` over the frames ``ceil(start)`` ..
    ``floor(stop)`` (at most ``max_frames + 1`` of them), refined between frames: the
    vertex of the least-squares quadratic through the ``2 * half_width + 1`` frames
    around the highest one (kept within them and the range), which also averages the
    landmarks' jitter; the highest frame's value where a neighbour is missing or the
    frames do not bend down.  Returns the peaks and their fractional frame positions
    (NaN where the range holds no finite frame).

    On the exact synthetic runner over random runners (``benchmarks/exact_sweep.py``,
    seed 1) the exact tier is met by 27 of 82 (25 with the value at the midstance
    event).

    ``y`` (n, 2): a per-frame signal of the left and right side; ``sel`` (k,): 0 left,
    1 right; ``start``, ``stop`` (k,): fractional frame positions (NaN allowed).
    """
    n, k = y.shape[0], sel.size
    first, last, grid, inside = _frame_windows(start, stop, n, max_frames=max_frames)
    v = y[np.clip(grid, 0, max(n - 1, 0)), sel[:, None]]
    v = np.where(inside & np.isfinite(v), v, -np.inf)
    rows = np.arange(k)
    top = np.argmax(v, axis=1)
    peak = v[rows, top]
    found = np.isfinite(peak)
    # least-squares quadratic a + b j + c j^2 through offsets j = -h..h (symmetric, so
    # b decouples from a and c)
    j = np.arange(-half_width, half_width + 1, dtype=float)
    f = grid[rows, top][:, None] + j[None, :].astype(int)
    around = y[np.clip(f, 0, max(n - 1, 0)), sel[:, None]]
    around = np.where((f >= 0) & (f < n), around, np.nan)
    s0, s2, s4 = float(j.size), float((j**2).sum()), float((j**4).sum())
    sy, sjy, sj2y = around.sum(axis=1), around @ j, around @ (j**2)
    b = sjy / s2
    c = (s0 * sj2y - s2 * sy) / (s0 * s4 - s2 * s2)
    a = (sy - c * s2) / s0
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.clip(-b / (2 * c), -half_width, half_width)
        # and within the range
        vertex = np.clip(vertex, first - grid[rows, top], last - grid[rows, top])
        fitted = a + b * vertex + c * vertex**2
    use_fit = found & np.isfinite(fitted) & (c < 0)
    value = np.where(use_fit, fitted, np.where(found, peak, np.nan))
    where = grid[rows, top] + np.where(use_fit, vertex, 0.0)
    return np.asarray(value), np.asarray(np.where(found, where, np.nan), dtype=float)
