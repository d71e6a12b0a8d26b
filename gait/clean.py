"""Cleaning landmark tracks before any event or angle is computed.

The stages, in the order :func:`clean_pose` runs them (METRICS.md §4):

1. :func:`gate_visibility` - low-confidence points become missing (NaN, never 0);
2. :func:`repair_leg_swaps` - left/right leg label swaps are undone;
3. :func:`hampel` - isolated outliers become missing;
4. :func:`interpolate_gaps` - gaps up to ``max_gap_s`` are filled linearly;
5. :func:`lowpass` - zero-lag 4th-order Butterworth (``butter`` + ``filtfilt``) per
   contiguous non-NaN segment, the cut-off kept below Nyquist.

Every function is pure and vectorised over frames; options are keyword-only and carry
their unit in their name.  :func:`clean_pose` records its settings and what it changed
under ``settings["cleaning"]`` of the returned :class:`~gait.posedata.PoseData`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from gait._runs import true_runs
from gait.errors import ConfigError
from gait.posedata import (
    LANDMARK_INDEX,
    LANDMARK_NAMES,
    N_LANDMARKS,
    PoseData,
    _landmark_major,
    _replace,
)

#: Landmarks the gait core reads; cleaning is restricted to them by default.
CORE_LANDMARKS: tuple[str, ...] = (
    "nose",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

_LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")
_TORSO = {LANDMARK_INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")}

#: Highest cut-off allowed, as a fraction of the frame rate (Nyquist is 0.5).
MAX_CUTOFF_FRACTION = 0.4


def gate_visibility(
    pose: PoseData, *, min_visibility: float = 0.5, min_presence: float = 0.0
) -> PoseData:
    """Mark landmarks whose visibility or presence is below a threshold as missing.

    Parameters
    ----------
    pose : PoseData
        Input landmarks; ``image_px`` has shape (n, 33, 3).
    min_visibility, min_presence : float
        Thresholds in [0, 1]; a point below either becomes NaN in ``image_px``.

    Returns
    -------
    PoseData
        A copy with the gated points set to NaN (never 0).
    """
    low = (pose.visibility < min_visibility) | (pose.presence < min_presence)
    if not low.any():
        return pose
    image = pose.image_px.copy()
    image[low] = np.nan
    return dataclasses.replace(pose, image_px=image)


def _leg_indices() -> tuple[np.ndarray, np.ndarray]:
    left = np.array([LANDMARK_INDEX[f"left_{p}"] for p in _LEG_PARTS])
    right = np.array([LANDMARK_INDEX[f"right_{p}"] for p in _LEG_PARTS])
    return left, right


def _acceleration_cost(
    p2: np.ndarray, p1x2: np.ndarray, p0: np.ndarray, cap: float = np.inf
) -> np.ndarray:
    """Sum over points of min(|p0 - 2 p1 + p2|, cap) per frame (missing points add nothing).

    The arguments hold x and y along their first axis and the points along their second:
    shape (2, n_points, n), with ``p1x2`` = 2 p1.
    """
    acc = p0 - p1x2
    acc += p2
    norm = acc[0] * acc[0]
    norm += acc[1] * acc[1]
    np.sqrt(norm, out=norm)
    norm[np.isnan(norm)] = 0.0
    np.minimum(norm, cap, out=norm)
    # rows added in order, as the sum over a short last axis would
    return np.asarray(norm.sum(axis=0))


def find_leg_swaps(
    xy: np.ndarray,
    fps: float,
    *,
    prior_per_s: float = 3.0,
    switch_cost: float = 0.1,
    max_step_cost: float = 0.3,
    compare_hz: float = 15.0,
) -> np.ndarray:
    """Frames whose left and right leg labels are swapped, by the smoothest assignment.

    Pose models lose the legs' identity where they cross: in a side view MediaPipe often
    hands the near leg's label to the swing leg for the last frames of stance.  Each
    frame's labels are either kept or swapped, and the sequence of choices minimising

    ``sum_t sum_points min(|acceleration of the point|, max_step_cost)``
    ``+ prior_per_s / rate`` per swapped frame ``+ switch_cost`` per change of choice

    (all in hip-to-ankle lengths) is found exactly by dynamic programming over the
    choices at two consecutive frames (Viterbi).  Smoothness alone cannot tell the two
    labellings apart over a long run; the small per-frame prior does, so the model's
    labels win unless swapping them removes the jumps at both ends of an episode.
    Knee, ankle, heel and toe decide; hips are swapped with them.

    The legs are compared about ``compare_hz`` times a second: the frames are split
    into ``round(fps / compare_hz)`` interleaved series (every second frame at 30 fps,
    every eighth at 120), each solved on its own.  In VIDEO mode MediaPipe hands a label
    over smoothly, across a few tens of milliseconds: at 60 and 120 fps the switch
    shows no jump from one frame to the next, and the repair, run on every frame, fixed
    almost none of them.  A point's acceleration counts up to ``max_step_cost`` only:
    beyond that it is a swap or an outlier either way, and a frame where the model put
    both feet in the middle looks like the middle of a crossing.

    Measured against the truth on rendered side clips through MediaPipe (frames where
    the true labelling is clear; the raw model swapped 75 of them at 30 fps, 508 at 60
    and 120 fps): still wrong after the repair at 30 fps 21 (every frame, uncapped) ->
    8 (capped) -> 1 (this), at 60 and 120 fps 474 -> 29.  The noisy synthetic runner's
    swaps at 30/60/120 fps are all repaired; one frame collapsed to the feet's midpoint
    (120 noisy synthetic cases, 30 and 60 fps) made other frames swap in 68 cases
    uncapped, now in none; swaps reaching the clip's start or end (438 cases, 30-120 fps)
    are all repaired.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Image coordinates in pixels (NaN = missing; a missing point costs nothing).
    fps : float
        Frame rate in frames per second.
    prior_per_s : float
        Cost of one second of swapped labels, in leg lengths.
    switch_cost : float
        Cost of each change between kept and swapped, in leg lengths.
    max_step_cost : float
        Largest cost of one point's acceleration at one compared sample, in leg lengths.
    compare_hz : float
        About how often per second the legs are compared.

    Returns
    -------
    ndarray of shape (n,) bool
        True on frames to swap back.
    """
    n = xy.shape[0]
    step = max(1, round(fps / compare_hz)) if fps > 0 else 1
    out = np.zeros(n, dtype=bool)
    for k in range(min(step, n)):
        out[k::step] = _swaps_in_series(
            xy[k::step], fps / step, prior_per_s, switch_cost, max_step_cost
        )
    return out


def _swaps_in_series(
    xy: np.ndarray, rate: float, prior_per_s: float, switch_cost: float, max_step_cost: float
) -> np.ndarray:
    """:func:`find_leg_swaps` on one series of samples ``rate`` per second."""
    n = xy.shape[0]
    li, ri = _leg_indices()
    d = np.linalg.norm(xy[:, li[0]] - xy[:, li[2]], axis=-1)
    d = d[np.isfinite(d)]
    leg = float(np.median(d)) if d.size else float("nan")
    if n < 3 or not np.isfinite(leg) or leg <= 0:
        return np.zeros(n, dtype=bool)
    # x and y of knee, ankle, heel, toe as contiguous (2, 4, n) blocks: one row per
    # point and coordinate over time (a plain copy of a landmark-major input)
    left = np.ascontiguousarray(xy[:, li[1:]].transpose(2, 1, 0))
    right = np.ascontiguousarray(xy[:, ri[1:]].transpose(2, 1, 0))
    cap = max_step_cost * leg
    t2, t1, t0 = slice(None, -2), slice(1, -1), slice(2, None)
    l2, l1, l0 = left[..., t2], 2.0 * left[..., t1], left[..., t0]
    r2, r1, r0 = right[..., t2], 2.0 * right[..., t1], right[..., t0]
    # cost of frames (t-2, t-1, t) by which of them are swapped, up to symmetry:
    # same/same, same/changed, changed/changed, changed/same
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        cost = np.stack(
            [
                _acceleration_cost(l2, l1, l0, cap) + _acceleration_cost(r2, r1, r0, cap),
                _acceleration_cost(l2, l1, r0, cap) + _acceleration_cost(r2, r1, l0, cap),
                _acceleration_cost(l2, r1, l0, cap) + _acceleration_cost(r2, l1, r0, cap),
                _acceleration_cost(l2, r1, r0, cap) + _acceleration_cost(r2, l1, l0, cap),
            ]
        )
    return _viterbi_swaps(cost / leg, prior_per_s / rate, switch_cost)


def _viterbi_swaps(cost: np.ndarray, prior: float, switch: float) -> np.ndarray:
    """Exact minimiser of :func:`find_leg_swaps`' objective; ``cost`` has shape (4, n - 2).

    Most frames cannot be swapped in any optimal labelling (:func:`_surely_kept`); the
    dynamic programme runs only over the stretches between them, each starting and
    ending on two such frames (kept labels), which gives the same labelling as one pass
    over the whole series.
    """
    n = cost.shape[1] + 2
    swapped = np.zeros(n, dtype=bool)
    free = ~_surely_kept(cost, prior, switch)
    if not free.any():
        return swapped
    # a single kept frame between free ones cannot anchor a stretch: merge across it
    start, stop = true_runs(~free)
    short = stop - start < 2
    free[start[short]] = True
    for a, b in zip(*true_runs(free), strict=True):
        lo, hi = max(a - 2, 0), min(b + 1, n - 1)
        swapped[lo : hi + 1] = _viterbi_path(
            cost[:, lo : hi - 1], prior, switch, start_kept=a >= 2, end_kept=b <= n - 2
        )
    return swapped


def _surely_kept(cost: np.ndarray, prior: float, switch: float) -> np.ndarray:
    """Frames whose labels stay unswapped in every minimiser of the swap objective.

    Swapping back a maximal run of swapped frames [u, v] changes only the costs of the
    triplets that straddle its ends (two at each end; three in all for a single frame),
    saves ``prior`` per frame and ``switch`` per end inside the clip.  With the unknown
    frames u - 2 and v + 2 taken at their worst, that bounds the saving from below by
    ``prior * (v - u + 1) + start(u) + end(v)``; frame t is surely kept when the bound is
    positive for every run through t (a prefix minimum over u and a suffix minimum over
    v, with a separate bound for the one-frame run).
    """
    m = cost.shape[1]
    n = m + 2
    # triplet costs indexed by their last frame (2 .. n - 1); absent triplets cost 0
    s, o, b, k = np.zeros((4, n + 3))
    s[2:n], o[2:n], b[2:n], k[2:n] = cost
    f = np.arange(n)
    # first changed triplet of a run starting at f: (x, kept, swapped) -> all kept
    first = np.minimum(o - s, b - k)[:n]
    first[:2] = 0.0
    # last triplet of a run ending at f: (swapped, kept, x) -> all kept
    last = np.minimum(k - s, b - o)[2 : n + 2]
    last[n - 2 :] = 0.0
    start = np.where(f >= 1, switch + first + (k - s)[1 : n + 1], 0.0)
    end = np.where(f <= n - 2, switch + (o - s)[1 : n + 1] + last, 0.0)
    runs = (
        np.minimum.accumulate(start - prior * f)
        + np.minimum.accumulate((end + prior * f)[::-1])[::-1]
        + prior
    )
    single = prior + switch * ((f >= 1) + (f <= n - 2)) + first + (b - s)[1 : n + 1] + last
    margin = 1e-9 * (1.0 + prior * n)
    return np.asarray((runs > margin) & (single > margin))


#: Backtracking table of :func:`_viterbi_path`: entry ``4 * code + state`` is the state
#: one frame earlier, where state = 2 * (swapped at t-1) + (swapped at t) and bit
#: ``state`` of ``code`` says whether that state was reached from a swapped frame t-2.
_BACKTRACK = bytes(((c >> s) & 1) * 2 + (s >> 1) for c in range(16) for s in range(4))


def _viterbi_path(
    cost: np.ndarray, prior: float, switch: float, *, start_kept: bool, end_kept: bool
) -> np.ndarray:
    """Viterbi pass of :func:`_viterbi_swaps` over frames 0 .. m + 1 of ``cost`` (4, m),
    optionally with the first two and last two frames held unswapped.

    The state is (swapped at t-1, swapped at t).  Plain floats and branches in the loop
    keep it at about 1 us per frame; each frame's four choices are packed in one byte,
    and ties go to the unswapped predecessor.
    """
    m = cost.shape[1]
    if start_kept:
        d00, d01, d10, d11 = 0.0, math.inf, math.inf, math.inf
    else:
        d00, d01, d10, d11 = 0.0, prior + switch, prior + switch, 2.0 * prior
    codes = bytearray()
    for s, o, b, k in zip(*cost.tolist(), strict=True):
        p, q = d00 + s, d10 + k
        if p <= q:
            n00, c = p, 0
        else:
            n00, c = q, 1
        p, q = d00 + o, d10 + b
        if p <= q:
            n01 = p
        else:
            n01, c = q, c | 2
        p, q = d01 + b, d11 + o
        if p <= q:
            n10 = p
        else:
            n10, c = q, c | 4
        p, q = d01 + k, d11 + s
        if p <= q:
            n11 = p
        else:
            n11, c = q, c | 8
        codes.append(c)
        d00, d01, d10, d11 = n00, n01 + switch + prior, n10 + switch, n11 + prior
    if end_kept:
        prev, cur = 0, 0
    else:
        _, prev, cur = min((d00, 0, 0), (d01, 0, 1), (d10, 1, 0), (d11, 1, 1))
    state = 2 * prev + cur
    back = bytearray(m)
    table = _BACKTRACK
    for t in range(m - 1, -1, -1):
        state = table[4 * codes[t] + state]
        back[t] = state >> 1
    swapped = np.zeros(m + 2, dtype=bool)
    swapped[:m] = np.frombuffer(bytes(back), dtype=np.uint8)
    swapped[-2:] = prev, cur
    return swapped


def _swap_permutation(n_landmarks: int) -> np.ndarray:
    """Landmark permutation exchanging the left and right leg points (hip to toe)."""
    li, ri = _leg_indices()
    perm = np.arange(n_landmarks)
    perm[li], perm[ri] = ri, li
    return perm


def repair_leg_swaps(
    pose: PoseData, *, prior_per_s: float = 3.0, switch_cost: float = 0.1
) -> tuple[PoseData, int]:
    """Undo left/right leg label swaps (hip, knee, ankle, heel, toe); see :func:`find_leg_swaps`.

    Returns
    -------
    (PoseData, int)
        The repaired copy and the number of frames swapped back.
    """
    swap = find_leg_swaps(
        pose.image_px[:, :, :2], pose.fps, prior_per_s=prior_per_s, switch_cost=switch_cost
    )
    n_swapped = int(swap.sum())
    if n_swapped == 0:
        return pose, 0
    perm = _swap_permutation(pose.image_px.shape[1])
    fields = {}
    for name in ("image_px", "visibility", "presence", "world_m"):
        arr = getattr(pose, name).copy()
        arr[swap] = arr[swap][:, perm]
        fields[name] = arr
    return dataclasses.replace(pose, **fields), n_swapped


def hampel(
    x: np.ndarray, *, window: int, n_sigmas: float = 3.0, min_deviation: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Hampel outlier filter along axis 0: outliers become NaN.

    A sample is an outlier when ``|x - median| > max(n_sigmas * 1.4826 * MAD,
    min_deviation)`` within a centred window (Hampel 1974; Pearson 2002).  Missing
    samples are skipped, not filled: the medians are taken over the valid samples in the
    window (at least 3 are needed to test a sample), so a gap next to a spike cannot fill
    the window with copies of the spike.  Only samples that stand out from their previous
    and next valid samples by half the threshold are tested (a cheap pre-screen), unless
    over 20 % do.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Signals along axis 0 (NaN = missing, ignored).
    window : int
        Window length in samples (made odd, at least 5).
    n_sigmas : float
        Threshold in robust standard deviations.
    min_deviation : float
        Deviations at or below this (in the unit of ``x``) are never outliers.

    Returns
    -------
    (ndarray, ndarray)
        The filtered copy (outliers NaN) and the boolean outlier mask, both shaped like x.
    """
    window = max(5, int(window) | 1)
    half = window // 2
    shape = x.shape
    flat = x.reshape(shape[0], -1)
    valid = ~np.isnan(flat)
    count = valid.sum(axis=0)
    out_mask = np.zeros(flat.shape, dtype=bool)
    full = np.flatnonzero(count == shape[0])
    gappy = np.flatnonzero((count >= window) & (count < shape[0]))
    test_all = False
    if full.size and shape[0] >= window:
        # columns without gaps: neighbours are the adjacent rows
        block = flat if full.size == flat.shape[1] else flat[:, full]
        dev1 = np.add(block[:-2], block[2:])  # one temporary: |x - mean of neighbours|
        dev1 *= 0.5
        np.subtract(block[1:-1], dev1, out=dev1)
        np.abs(dev1, out=dev1)
        r, c = np.nonzero(dev1 > 0.5 * min_deviation)
        del dev1
        test_all = r.size > 0.2 * shape[0] * (full.size + gappy.size)
        if test_all:  # no cheap pre-screen possible: test every sample
            comp = np.ascontiguousarray(block.T).ravel()
            pos = np.arange(comp.size)
            lo = pos - pos % shape[0]
        else:  # only the candidates' columns, laid end to end
            used, c = np.unique(c, return_inverse=True)
            comp = np.ascontiguousarray(block[:, used].T).ravel()
            lo = c * shape[0]
            pos = lo + r + 1
        hit = _hampel_test(comp, pos, lo, lo + shape[0] - 1, half, n_sigmas, min_deviation)
        cols_hit = full[hit // shape[0]] if test_all else full[used[hit // shape[0]]]
        out_mask[hit % shape[0], cols_hit] = True
    if gappy.size:
        # columns with gaps: each column's valid samples back to back (column-major)
        vt = valid[:, gappy].T
        comp = flat[:, gappy].T[vt]
        rows = np.nonzero(vt)[1]
        ends = np.cumsum(count[gappy])
        owner = np.repeat(np.arange(gappy.size), count[gappy])
        lo, hi = (ends - count[gappy])[owner], ends[owner] - 1
        if test_all:
            pos = np.arange(comp.size)
        else:
            inner = np.flatnonzero((np.arange(comp.size) > lo) & (np.arange(comp.size) < hi))
            dev1 = np.abs(comp[inner] - 0.5 * (comp[inner - 1] + comp[inner + 1]))
            pos = inner[dev1 > 0.5 * min_deviation]
            if pos.size > 0.2 * shape[0] * (full.size + gappy.size):
                pos = np.arange(comp.size)
        # the test itself looks at the valid samples within the window in time
        r, c = rows[pos], gappy[owner[pos]]
        col_major = np.ascontiguousarray(flat.T).ravel()
        hit = _hampel_test(
            col_major,
            c * shape[0] + r,
            c * shape[0],
            c * shape[0] + shape[0] - 1,
            half,
            n_sigmas,
            min_deviation,
            with_gaps=True,
        )
        out_mask[hit % shape[0], hit // shape[0]] = True
    result = flat.copy(order="K")  # keeps a landmark-major input's layout
    result[out_mask] = np.nan
    return result.reshape(shape), out_mask.reshape(shape)


def _hampel_test(
    comp: np.ndarray,
    pos: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    half: int,
    n_sigmas: float,
    min_deviation: float,
    *,
    with_gaps: bool = False,
) -> np.ndarray:
    """The Hampel test of the samples ``comp[pos]`` of a 1-D series of columns laid end to
    end, each window clamped to its column ``[lo, hi]``; returns the positions that fail.

    ``with_gaps``: ``comp`` holds NaN; the medians skip them, and a sample is only tested
    when at least 3 valid samples (itself included) lie in its window."""
    window = 2 * half + 1
    hits = [np.zeros(0, dtype=np.intp)]
    for a in range(0, pos.size, 200_000):  # bounded memory
        p = pos[a : a + 200_000]
        # windows of the samples and of their neighbours (for the MAD)
        offsets = np.arange(-2 * half, 2 * half + 1)
        nbh = np.clip(p[:, None] + offsets, lo[a : a + 200_000, None], hi[a : a + 200_000, None])
        vals = comp[nbh]  # (k, 4 half + 1)
        win = np.lib.stride_tricks.sliding_window_view(vals, window, axis=1)  # (k, 2h+1, w)
        if with_gaps:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=RuntimeWarning)  # all-NaN windows
                meds = np.nanmedian(win, axis=-1)
                mad = np.nanmedian(np.abs(vals[:, half : half + window] - meds), axis=-1)
            enough = np.isfinite(win[:, half]).sum(axis=-1) >= 3
        else:
            meds = np.median(win, axis=-1)  # medians centred on p-h .. p+h
            mad = np.median(np.abs(vals[:, half : half + window] - meds), axis=-1)
            enough = np.ones(p.size, dtype=bool)
        dev = np.abs(comp[p] - meds[:, half])
        thr = np.maximum(n_sigmas * 1.4826 * np.nan_to_num(mad), min_deviation)
        hits.append(p[enough & (dev > thr)])
    return np.concatenate(hits)


def interpolate_gaps(x: np.ndarray, time_s: np.ndarray, *, max_gap_s: float = 0.3) -> np.ndarray:
    """Fill NaN gaps linearly in time when they last at most ``max_gap_s``.

    The gap duration is the time between the valid samples that bound it; gaps at the
    start or end, or longer than ``max_gap_s``, stay NaN.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Signals along axis 0.
    time_s : ndarray of shape (n,)
        Sample times in seconds, increasing.
    max_gap_s : float
        Longest gap filled, in seconds.

    Returns
    -------
    ndarray
        A copy of ``x`` with the short gaps filled.
    """
    shape = x.shape
    n = shape[0]
    flat = x.reshape(n, -1)
    valid = ~np.isnan(flat)
    if valid.all() or n < 3:
        return x.copy(order="K")
    ar = np.arange(n)[:, None]
    prev = np.where(valid, ar, -1)
    np.maximum.accumulate(prev, axis=0, out=prev)
    nxt = np.where(valid, ar, n)
    nxt = np.minimum.accumulate(nxt[::-1], axis=0)[::-1]
    fill = ~valid & (prev >= 0) & (nxt < n)
    out = flat.copy(order="K")
    if not fill.any():
        return out.reshape(shape)
    rows, cols = np.nonzero(fill)
    p, q = prev[rows, cols], nxt[rows, cols]
    t0, t1, t = time_s[p], time_s[q], time_s[rows]
    ok = (t1 - t0) <= max_gap_s + 1e-9
    w = (t - t0) / (t1 - t0)
    vals = flat[p, cols] * (1 - w) + flat[q, cols] * w
    out[rows[ok], cols[ok]] = vals[ok]
    return out.reshape(shape)


def effective_cutoff_hz(cutoff_hz: float, fps: float) -> float:
    """The cut-off actually used: ``cutoff_hz`` capped at 0.4 x fps (below Nyquist)."""
    if cutoff_hz <= 0:
        raise ConfigError(f"cutoff_hz must be positive, found {cutoff_hz}")
    return float(min(cutoff_hz, MAX_CUTOFF_FRACTION * fps))


def lowpass(x: np.ndarray, fps: float, *, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Zero-lag Butterworth low-pass along axis 0, per contiguous non-NaN segment.

    ``scipy.signal.butter(order, cutoff)`` applied forward and backward with
    ``filtfilt`` (no phase lag; odd extension of ``3 (order + 1)`` samples at each end).
    All complete columns are filtered in one call; columns sharing the same
    missing-data pattern are filtered together, segment by segment; segments too short
    for the padding are left unfiltered.  (``sosfiltfilt`` is no faster here and its
    rounding differs: the kink fits downstream amplify that to 1e-6 of a frame.)

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Signals along axis 0 (NaN = missing).
    fps : float
        Sampling rate in Hz.
    cutoff_hz : float
        -3 dB cut-off in Hz; capped at 0.4 x fps (see :func:`effective_cutoff_hz`).
    order : int
        Butterworth order (4 by default).

    Returns
    -------
    ndarray
        Filtered copy, NaN where ``x`` is NaN.  It is laid out column by column (each
        signal contiguous over time), like a landmark-major input.
    """
    from scipy import signal  # here, not at the top: it takes a second to import

    cut = effective_cutoff_hz(cutoff_hz, fps)
    b, a = signal.butter(order, cut, fs=fps)
    padlen = 3 * max(len(a), len(b))
    shape = x.shape
    n = shape[0]
    # one row per signal, contiguous over time (free for a landmark-major input)
    rows = np.ascontiguousarray(x.reshape(n, -1).T)
    valid = ~np.isnan(rows)
    full = valid.all(axis=1)
    if full.all() and n > padlen:  # fast path: no missing data
        out = signal.filtfilt(b, a, rows, axis=-1)
        return np.asarray(out.T.reshape(shape))
    out = rows.copy()
    if full.any() and n > padlen:
        out[full] = signal.filtfilt(b, a, rows[full], axis=-1)
    rest = np.flatnonzero(~full & valid.any(axis=1))
    if rest.size:
        keys = np.packbits(valid[rest], axis=1)
        _, group = np.unique(keys, axis=0, return_inverse=True)
        group = np.asarray(group).ravel()
        for g in range(int(group.max()) + 1):
            cols = rest[group == g]
            starts, stops = true_runs(valid[cols[0]])
            for s, e in zip(starts, stops, strict=True):
                if e - s > padlen:
                    out[cols, s:e] = signal.filtfilt(b, a, rows[cols, s:e], axis=-1)
    return np.asarray(out.T.reshape(shape))


#: Torso jitter from which landmarks count as noisy (low-pass filtered; the analysis then
#: also samples its metrics with the noise-robust fits), in leg lengths per second: jitter
#: (pixels, see :func:`noise_px`) x fps / leg (pixels, :func:`leg_scale_px`).  Per
#: second, not per frame: in VIDEO mode MediaPipe smooths its landmarks over time, so
#: their frame-to-frame jitter shrinks as the frame rate grows (the rendered side runner:
#: 0.36 px at 30 fps, 0.06 px at 120) while their errors do not.  A fixed 0.2 px treated
#: the 120-fps clips, and the rendered rear clip at 30 fps (0.16 px), as noise-free.
#: Measured: MediaPipe 0.05-0.14 (rendered clips at 30-120 fps, the real clips), motion
#: capture 0.008-0.014, the exact synthetic runner at most 0.007.
MIN_JITTER_LEG_S = 0.025


def jitter_leg_s(jitter_px: float | None, fps: float, leg_px: float) -> float:
    """Landmark jitter in leg lengths per second (0 when any input is unknown)."""
    if jitter_px is None or not np.isfinite(jitter_px) or not leg_px > 0 or not fps > 0:
        return 0.0
    return float(jitter_px * fps / leg_px)


def noise_px(xy: np.ndarray) -> float:
    """Robust landmark jitter estimate in pixels from the 4th difference over time.

    The 4th difference removes smooth motion (a sinusoid of frequency f is scaled by
    ``(2 sin(pi f / fps))^4``, small for body motion) while white noise of SD sigma gets
    an SD of ``sqrt(70) sigma``; sigma = 1.4826 MAD / sqrt(70), pooled over columns.

    Parameters
    ----------
    xy : ndarray of shape (n, ...)

    Returns
    -------
    float
        0 when there are too few samples.
    """
    d4 = np.diff(xy.reshape(xy.shape[0], -1), 4, axis=0)
    d4 = np.abs(d4[np.isfinite(d4)])
    if d4.size < 10:
        return 0.0
    return float(1.4826 * np.median(d4) / np.sqrt(70.0))


def residual_cutoff_hz(
    x: np.ndarray,
    fps: float,
    *,
    min_hz: float = 6.0,
    max_samples: int = 3600,
    min_noise_px: float = 0.05,
) -> float | None:
    """Cut-off by residual analysis (Winter 2009, Biomechanics and Motor Control, §3.4).

    The RMS residual between the signals and their low-passed version is computed over a
    grid of cut-offs; a line fitted to the high-frequency end of that curve, where only
    noise is left, extrapolates to the noise RMS at 0 Hz, and the cut-off is the lowest
    one whose residual does not exceed it.  Columns are pooled.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Gap-filled signals along axis 0 (columns with NaN in the analysed window are
        skipped).
    fps : float
        Sampling rate in Hz.
    min_hz : float
        Lowest cut-off returned.
    max_samples : int
        Only the first ``max_samples`` frames are analysed (speed).
    min_noise_px : float
        Below this estimated noise RMS the data are treated as noise-free and None is
        returned (no filtering needed).

    Returns
    -------
    float or None
        Cut-off in Hz (at most 0.4 x fps), or None when the signals look noise-free or
        are too short to tell.
    """
    from scipy import signal

    flat = x[:max_samples].reshape(min(x.shape[0], max_samples), -1)
    flat = flat[:, np.isfinite(flat).all(axis=0)]
    top = MAX_CUTOFF_FRACTION * fps
    if flat.shape[0] < 60 or flat.shape[1] == 0 or top <= min_hz:
        return None
    grid = np.linspace(min_hz, top, 16)
    res = np.empty(grid.size)
    for i, fc in enumerate(grid):
        b, a = signal.butter(4, fc, fs=fps)
        res[i] = np.sqrt(np.mean((flat - signal.filtfilt(b, a, flat, axis=0)) ** 2))
    tail = grid >= grid[int(0.6 * grid.size)]
    _slope, intercept = np.polyfit(grid[tail], res[tail], 1)
    if intercept < min_noise_px:
        return None
    below = np.flatnonzero(res <= intercept)
    return float(grid[below[0]]) if below.size else float(top)


def filter_pose(
    pose: PoseData,
    *,
    cutoff_hz: float | None,
    landmarks: Sequence[str] | None = CORE_LANDMARKS,
) -> PoseData:
    """Low-pass the image x, y of some landmarks (see :func:`lowpass`); None = unchanged.

    Returns
    -------
    PoseData
        Copy with ``settings["filter_cutoff_hz"]`` recording the cut-off used.
    """
    if cutoff_hz is None:
        return dataclasses.replace(pose, settings={**pose.settings, "filter_cutoff_hz": None})
    cut = effective_cutoff_hz(cutoff_hz, pose.fps)
    idx = (
        np.arange(pose.image_px.shape[1])
        if landmarks is None
        else np.array([LANDMARK_INDEX[name] for name in landmarks])
    )
    image = pose.image_px.copy()
    image[:, idx, :2] = lowpass(image[:, idx, :2], pose.fps, cutoff_hz=cut)
    return dataclasses.replace(
        pose, image_px=image, settings={**pose.settings, "filter_cutoff_hz": cut}
    )


def _filled_runs(filled: np.ndarray, idx: np.ndarray) -> dict[str, list[list[int]]]:
    """``{"<landmark>.<x|y>": [[start, stop], ...]}``: the True runs of ``filled`` (n, k,
    2), whose column c is landmark ``idx[c]``; coordinates without a run are left out."""
    out: dict[str, list[list[int]]] = {}
    for c, a in zip(*np.nonzero(filled.any(axis=0)), strict=True):
        start, stop = true_runs(filled[:, c, a])
        key = f"{LANDMARK_NAMES[int(idx[c])]}.{'xy'[a]}"
        out[key] = np.stack([start, stop], axis=1).tolist()
    return out


def interpolated_mask(pose: PoseData) -> np.ndarray:
    """(n, 33, 2) bool: the image x, y samples :func:`clean_pose` filled by interpolation.

    Read from ``settings["cleaning"]["interpolated_runs"]``; all False for a pose that
    was not cleaned.  A filled sample - missing, or rejected as an outlier, then
    interpolated - is a straight line between the real samples around its gap, so an
    event timed on it (a foot landing inside the gap) is a guess.  x and y are told
    apart: the outlier filter may reject one and keep the other.
    """
    mask = np.zeros((pose.n_frames, N_LANDMARKS, 2), dtype=bool)
    runs = pose.settings.get("cleaning", {}).get("interpolated_runs", {})
    for key, spans in runs.items():
        name, axis = key.rsplit(".", 1)
        se = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        d = np.zeros(pose.n_frames + 1, dtype=np.int64)
        np.add.at(d, se[:, 0], 1)
        np.add.at(d, se[:, 1], -1)
        mask[:, LANDMARK_INDEX[name], "xy".index(axis)] = np.cumsum(d[:-1]) > 0
    return mask


def leg_scale_px(xy: np.ndarray) -> float:
    """Median leg length (hip -> knee -> ankle, both legs) in pixels; 0 if unknown."""
    _li, _ = _leg_indices()
    vals = []
    for side in ("left", "right"):
        h, k, a = (xy[:, LANDMARK_INDEX[f"{side}_{p}"]] for p in ("hip", "knee", "ankle"))
        vals.append(np.linalg.norm(h - k, axis=1) + np.linalg.norm(k - a, axis=1))
    v = np.concatenate(vals)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else 0.0


def clean_pose(
    pose: PoseData,
    *,
    landmarks: Sequence[str] | None = CORE_LANDMARKS,
    min_visibility: float = 0.5,
    min_presence: float = 0.0,
    repair_swaps: bool = True,
    swap_prior_per_s: float = 3.0,
    hampel_window_s: float = 0.1,
    hampel_sigmas: float = 3.0,
    hampel_min_leg: float = 0.08,
    max_gap_s: float = 0.3,
    cutoff_hz: float | str | None = "auto",
    min_jitter: float = MIN_JITTER_LEG_S,
) -> PoseData:
    """Run the whole cleaning chain on the image landmarks.

    Parameters
    ----------
    pose : PoseData
        Raw landmarks.
    landmarks : sequence of str or None
        Landmarks whose x, y are despiked, gap-filled and filtered (None = all 33);
        the others are only gated.
    min_visibility, min_presence : float
        Gating thresholds (see :func:`gate_visibility`).
    repair_swaps : bool
        Undo short leg label swaps (see :func:`repair_leg_swaps`).
    swap_prior_per_s : float
        Cost of one second of swapped leg labels (see :func:`find_leg_swaps`).
    hampel_window_s, hampel_sigmas, hampel_min_leg : float
        Hampel window in seconds, threshold in robust SDs, and the smallest deviation, as
        a fraction of the leg length (hip -> knee -> ankle), that can count as an outlier
        (keeps fast but real foot motion from being flagged).
    max_gap_s : float
        Longest gap interpolated, in seconds.
    cutoff_hz : float, "auto" or None
        Low-pass cut-off in Hz, capped below Nyquist; "auto" chooses it by residual
        analysis (:func:`residual_cutoff_hz`), or no filtering when the torso jitter
        is below ``min_jitter``; None = no filtering.
    min_jitter : float
        Jitter in leg lengths per second (:data:`MIN_JITTER_LEG_S`) below which "auto"
        does not filter.

    Returns
    -------
    PoseData
        Cleaned copy; ``settings["cleaning"]`` records the options, the counts of
        gated, swapped, rejected and interpolated points, and under
        ``interpolated_runs`` the [start, stop) frame runs filled per landmark and
        coordinate (see :func:`interpolated_mask`).
    """
    if max_gap_s < 0 or hampel_window_s <= 0:
        raise ConfigError("max_gap_s must be >= 0 and hampel_window_s > 0")
    # one landmark-major copy of the image points, gated, swapped and cleaned in place
    # (the later stages read landmarks one at a time: contiguous that way)
    image = _landmark_major(pose.image_px)
    low = (pose.visibility < min_visibility) | (pose.presence < min_presence)
    n_gated = 0
    if low.any():
        n_gated = int((low & ~np.isnan(image[..., 0])).sum())
        image[low] = np.nan
    fields: dict[str, np.ndarray] = {}
    swap = (
        find_leg_swaps(image[:, :, :2], pose.fps, prior_per_s=swap_prior_per_s)
        if repair_swaps
        else np.zeros(pose.n_frames, dtype=bool)
    )
    n_swapped = int(swap.sum())
    if n_swapped:
        perm = _swap_permutation(image.shape[1])
        image[swap] = image[swap][:, perm]
        for name in ("visibility", "presence", "world_m"):
            arr = getattr(pose, name).copy()
            arr[swap] = arr[swap][:, perm]
            fields[name] = arr
    idx = (
        np.arange(pose.image_px.shape[1])
        if landmarks is None
        else np.array([LANDMARK_INDEX[name] for name in landmarks])
    )
    xy = image[:, idx, :2]
    window = round(hampel_window_s * pose.fps)
    leg = leg_scale_px(image[:, :, :2])
    min_dev = hampel_min_leg * leg
    xy, outliers = hampel(xy, window=window, n_sigmas=hampel_sigmas, min_deviation=min_dev)
    missing_before = np.isnan(xy)
    xy = interpolate_gaps(xy, pose.time_s, max_gap_s=max_gap_s)
    filled = missing_before & ~np.isnan(xy)  # (n, len(idx), 2)
    used_cut: float | None = None
    torso = [i for i, k in enumerate(idx) if k in _TORSO]
    jitter = noise_px(xy[:, torso]) if torso else float("nan")
    if cutoff_hz == "auto":
        rate = jitter_leg_s(jitter, pose.fps, leg)
        used_cut = None if rate < min_jitter else residual_cutoff_hz(xy, pose.fps)
    elif isinstance(cutoff_hz, int | float):
        used_cut = effective_cutoff_hz(float(cutoff_hz), pose.fps)
    elif cutoff_hz is not None:
        raise ConfigError(f"cutoff_hz must be a number, 'auto' or None, found {cutoff_hz!r}")
    if used_cut is not None:
        xy = lowpass(xy, pose.fps, cutoff_hz=used_cut)
    image[:, idx, :2] = xy
    image[:, idx, 2] = np.where(np.isnan(xy[..., 0]), np.nan, image[:, idx, 2])
    record: dict[str, Any] = {
        "min_visibility": min_visibility,
        "min_presence": min_presence,
        "swap_prior_per_s": swap_prior_per_s if repair_swaps else None,
        "hampel_window_s": hampel_window_s,
        "hampel_sigmas": hampel_sigmas,
        "hampel_min_px": round(min_dev, 3),
        "max_gap_s": max_gap_s,
        "cutoff_hz": used_cut,
        "noise_px": round(jitter, 3) if np.isfinite(jitter) else None,
        "n_gated": n_gated,
        "n_swapped_frames": n_swapped,
        "n_outliers": int(outliers[..., 0].sum()),
        "n_interpolated": int(filled.sum()) // 2,
        "interpolated_runs": _filled_runs(filled, idx),
    }
    settings = {**dict(pose.settings), "cleaning": record}
    # derived from a validated PoseData (NaN where missing, never infinite): no re-check
    return _replace(pose, image_px=image, settings=settings, **fields)
