"""Outliers, gaps and low-pass filtering of landmark tracks: the Hampel filter, linear
gap filling, the zero-lag Butterworth low-pass per contiguous segment and the choice of
its cut-off (residual analysis), and the landmarks' jitter."""

from __future__ import annotations

import warnings

import numpy as np

from gait._runs import true_runs
from gait.errors import ConfigError

#: Highest cut-off allowed, as a fraction of the frame rate (Nyquist is 0.5).
MAX_CUTOFF_FRACTION = 0.4


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
    # beyond this many pre-screened candidates every sample is tested
    max_candidates = 0.2 * shape[0] * (full.size + gappy.size)
    test_all = False
    if full.size and shape[0] >= window:
        rows, cols, test_all = _hampel_full_columns(
            flat, full, max_candidates, half, n_sigmas, min_deviation
        )
        out_mask[rows, cols] = True
    if gappy.size:
        rows, cols = _hampel_gappy_columns(
            flat, valid, count, gappy, test_all, max_candidates, half, n_sigmas, min_deviation
        )
        out_mask[rows, cols] = True
    result = flat.copy(order="K")  # keeps a landmark-major input's layout
    result[out_mask] = np.nan
    return result.reshape(shape), out_mask.reshape(shape)


def _hampel_full_columns(
    flat: np.ndarray,
    full: np.ndarray,
    max_candidates: float,
    half: int,
    n_sigmas: float,
    min_deviation: float,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """The Hampel test of the columns ``full`` of ``flat`` (n, m), which have no gaps:
    the rows and columns of their outliers, and whether over ``max_candidates`` samples
    passed the pre-screen (then every sample was tested, and :func:`hampel` tests every
    sample of the columns with gaps too)."""
    n = flat.shape[0]
    # columns without gaps: neighbours are the adjacent rows
    block = flat if full.size == flat.shape[1] else flat[:, full]
    dev1 = np.add(block[:-2], block[2:])  # one temporary: |x - mean of neighbours|
    dev1 *= 0.5
    np.subtract(block[1:-1], dev1, out=dev1)
    np.abs(dev1, out=dev1)
    r, c = np.nonzero(dev1 > 0.5 * min_deviation)
    del dev1
    test_all = r.size > max_candidates
    if test_all:  # no cheap pre-screen possible: test every sample
        comp = np.ascontiguousarray(block.T).ravel()
        pos = np.arange(comp.size)
        lo = pos - pos % n
    else:  # only the candidates' columns, laid end to end
        used, c = np.unique(c, return_inverse=True)
        comp = np.ascontiguousarray(block[:, used].T).ravel()
        lo = c * n
        pos = lo + r + 1
    hit = _hampel_test(comp, pos, lo, lo + n - 1, half, n_sigmas, min_deviation)
    cols_hit = full[hit // n] if test_all else full[used[hit // n]]
    return hit % n, cols_hit, test_all


def _hampel_gappy_columns(
    flat: np.ndarray,
    valid: np.ndarray,
    count: np.ndarray,
    gappy: np.ndarray,
    test_all: bool,
    max_candidates: float,
    half: int,
    n_sigmas: float,
    min_deviation: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The Hampel test of the columns ``gappy`` of ``flat`` (n, m), which have gaps
    (``valid``: the samples not missing; ``count``: how many per column): the rows and
    columns of their outliers.  The pre-screen compares each sample with its previous
    and next valid ones; with ``test_all``, or over ``max_candidates`` candidates, every
    sample is tested."""
    n = flat.shape[0]
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
        if pos.size > max_candidates:
            pos = np.arange(comp.size)
    # the test itself looks at the valid samples within the window in time
    r, c = rows[pos], gappy[owner[pos]]
    col_major = np.ascontiguousarray(flat.T).ravel()
    hit = _hampel_test(
        col_major,
        c * n + r,
        c * n,
        c * n + n - 1,
        half,
        n_sigmas,
        min_deviation,
        with_gaps=True,
    )
    return hit % n, hit // n


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
    All complete columns are filtered together (a long clip's in blocks on two threads:
    :func:`_filtfilt_rows`); columns sharing the same
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
        return np.asarray(_filtfilt_rows(b, a, rows).T.reshape(shape))
    out = rows.copy()
    if full.any() and n > padlen:
        out[full] = _filtfilt_rows(b, a, rows[full])
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


#: Samples (signals x frames) from which :func:`_filtfilt_rows` splits the work.
_THREADED_SAMPLES = 500_000


def _filtfilt_rows(b: np.ndarray, a: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``scipy.signal.filtfilt(b, a, rows, axis=-1)`` of the signals ``rows`` (k, n).

    Each row is filtered on its own, so a long clip's rows are split into blocks filtered
    on two threads (``filtfilt`` releases the GIL): the same numbers, in about half the
    time on two cores; small blocks keep the temporaries (the padded copies) small.
    """
    from concurrent.futures import ThreadPoolExecutor

    from scipy import signal

    from gait._parallel import thread_budget

    k = rows.shape[0]
    threads = min(2, thread_budget(), k)
    if threads < 2 or rows.size < _THREADED_SAMPLES:
        return np.asarray(signal.filtfilt(b, a, rows, axis=-1))
    out = np.empty_like(rows)
    blocks = np.array_split(np.arange(k), min(k, 4 * threads))

    def run(block: np.ndarray) -> None:
        out[block[0] : block[-1] + 1] = signal.filtfilt(
            b, a, rows[block[0] : block[-1] + 1], axis=-1
        )

    with ThreadPoolExecutor(threads, thread_name_prefix="gait-lowpass") as pool:
        list(pool.map(run, blocks))
    return out


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
        skipped; when every column has one, the stretches of at least 60 frames where the
        columns seen in at least half the frames are all present are used, pooled).
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

    window = x[:max_samples].reshape(min(x.shape[0], max_samples), -1)
    complete = np.isfinite(window).all(axis=0)
    if complete.any():
        pieces = [window[:, complete]]
    else:
        # every column has a gap (a dropout of the whole pose longer than the gaps
        # cleaning fills: 9 frames in the middle of a noisy 30-fps clip left it
        # unfiltered, its knee at midstance 4 deg above the same runner's other takes):
        # the stretches where the columns seen in most frames are all present
        seen = np.isfinite(window)
        cols = seen.mean(axis=0) >= 0.5
        rows = seen[:, cols].all(axis=1) if cols.any() else np.zeros(len(window), dtype=bool)
        starts, stops = true_runs(rows)
        pieces = [window[a:b][:, cols] for a, b in zip(starts, stops, strict=True) if b - a >= 60]
    top = MAX_CUTOFF_FRACTION * fps
    if not pieces or pieces[0].shape[0] < 60 or pieces[0].shape[1] == 0 or top <= min_hz:
        return None
    grid = np.linspace(min_hz, top, 16)
    res = np.empty(grid.size)
    count = sum(piece.size for piece in pieces)
    for i, fc in enumerate(grid):
        b, a = signal.butter(4, fc, fs=fps)
        sq = sum(float(np.sum((p - signal.filtfilt(b, a, p, axis=0)) ** 2)) for p in pieces)
        res[i] = np.sqrt(sq / count)
    tail = grid >= grid[int(0.6 * grid.size)]
    _slope, intercept = np.polyfit(grid[tail], res[tail], 1)
    if intercept < min_noise_px:
        return None
    below = np.flatnonzero(res <= intercept)
    return float(grid[below[0]]) if below.size else float(top)
