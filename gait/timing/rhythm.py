"""The legs' rhythm without events: the cadence from the alternation of the ankles
(:func:`leg_rhythm_spm`, any view, any playback speed) and, refined about a guess, the
clip's cadence (:func:`rhythm_cadence_spm`)."""

from __future__ import annotations

import numpy as np

from gait.posedata import LANDMARK_INDEX


def leg_rhythm_spm(
    xy: np.ndarray, time_s: np.ndarray, *, min_strides: float = 3.0
) -> tuple[float, float] | None:
    """Cadence of the clip, in clip time, from the legs' alternation - without events.

    The left-minus-right ankle position (image x and y) swings once per stride in any
    view: a side view sees the feet pass each other, a rear or front view sees them rise
    and fall in turn, and the runner's own travel cancels out.  For two legs in
    antiphase that difference holds only the stride frequency and its odd harmonics, so
    the strongest peak of its power spectrum (gaps filled, detrended, Hann-windowed,
    zero-padded about 4x; parabola through the log power of the three bins around it)
    is the stride frequency; cadence is twice it.  Unlike the contacts it needs no
    time constant, so it reads a clip slowed 8x (a runner at 170 steps/min reads 21)
    as well as a real-time one, where the event detector, tuned in seconds, finds
    long overlapping contacts and calls it walking.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Image coordinates in pixels (NaN = missing), leg swaps repaired.
    time_s : ndarray of shape (n,)
        Frame times in seconds (clip time).
    min_strides : float
        Fewest strides of the clip at the peak's frequency: slower rhythms are not
        searched.

    Returns
    -------
    (cadence_spm, share) or None
        ``share`` is the fraction of the difference's power in the peak's main lobe
        (two bins of the unpadded spectrum either side): above 0.75 on the real
        treadmill clip, the six rendered samples and motion capture, 0.2 on the real
        walking clip.  None when fewer than 16 frames have both ankles.
    """
    prepared = _ankle_difference(xy, time_s)
    if prepared is None:
        return None
    _, d, dt, _ = prepared
    m = d.shape[0]
    peak = _spectral_peak(d, dt, lo_hz=min_strides / (m * dt), hi_hz=1.0 / (3.0 * dt))
    return None if peak is None else (120.0 * peak[0], peak[1])


def _ankles(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left-minus-right ankle (n, 2) and (n,) which frames have both ankles."""
    la, ra = LANDMARK_INDEX["left_ankle"], LANDMARK_INDEX["right_ankle"]
    d = xy[:, la, :2] - xy[:, ra, :2]
    return d, np.isfinite(d).all(axis=1)


def legs_span_s(xy: np.ndarray, time_s: np.ndarray) -> float:
    """Time from the first to the last frame with both ankles, seconds: the stretch
    :func:`leg_rhythm_spm` reads (0 without such a frame)."""
    both = np.flatnonzero(_ankles(xy)[1])
    return float(time_s[both[-1]] - time_s[both[0]]) if both.size else 0.0


def _ankle_difference(
    xy: np.ndarray, time_s: np.ndarray
) -> tuple[int, np.ndarray, float, np.ndarray] | None:
    """(first frame, left-minus-right ankle (m, 2) from it to the last frame with both,
    gaps filled linearly, frame interval, (m,) which frames had both) - None with fewer
    than 16 such frames."""
    d, ok = _ankles(xy)
    if xy.shape[0] < 16 or ok.sum() < 16:
        return None
    dt = float(np.median(np.diff(time_s)))
    if not np.isfinite(dt) or dt <= 0:
        return None
    first, last = np.flatnonzero(ok)[[0, -1]]
    d, ok = d[first : last + 1], ok[first : last + 1]
    idx = np.flatnonzero(ok)
    grid = np.arange(d.shape[0])
    filled = np.stack([np.interp(grid, idx, d[idx, k]) for k in range(2)], 1)
    return int(first), filled, dt, ok


def _spectral_peak(
    d: np.ndarray, dt: float, *, lo_hz: float, hi_hz: float
) -> tuple[float, float] | None:
    """(frequency in Hz, share of the power in its main lobe) of the strongest peak of
    ``d`` (m, 2) between ``lo_hz`` and ``hi_hz`` - :func:`_spectral_peaks` of one."""
    freq, share = _spectral_peaks(d[None], dt, lo_hz=lo_hz, hi_hz=hi_hz)
    if not np.isfinite(freq[0]):
        return None
    return float(freq[0]), float(share[0])


#: Samples of padded spectra :func:`_spectral_peaks` computes at once (a long clip's
#: 5,000 windows of a speed check would hold 120 MB of them otherwise).
_SPECTRA_BLOCK = 1 << 19


def _spectral_peaks(
    d: np.ndarray, dt: float, *, lo_hz: float, hi_hz: float, pad: int = 4
) -> tuple[np.ndarray, np.ndarray]:
    """Per signal of ``d`` (k, m, 2): the frequency (Hz) of the strongest peak between
    ``lo_hz`` and ``hi_hz`` and the share of the power in its main lobe (NaN, 0 when
    there is none).  Each signal is detrended, Hann-windowed and zero-padded about ``pad`` times
    (less beyond 16384 samples, where the bins are fine already), the power of both
    columns summed; the frequency is refined by a parabola through the log power of
    the three bins around the peak (at most half a bin: at the band's edge the
    neighbour outside it may be higher); the main lobe is two bins of the unpadded
    spectrum either side."""
    from scipy import fft, signal

    k, m = d.shape[0], d.shape[1]
    d = signal.detrend(d, axis=1) * signal.windows.hann(m)[None, :, None]
    nfft = fft.next_fast_len(max(m, min(pad * m, 65536)), real=True)
    power = np.empty((k, nfft // 2 + 1))  # (k, bins)
    step = max(1, _SPECTRA_BLOCK // nfft)  # signals a block: the padded spectra stay small
    for a in range(0, k, step):
        power[a : a + step] = (np.abs(fft.rfft(d[a : a + step], nfft, axis=1)) ** 2).sum(axis=2)
    freq = np.fft.rfftfreq(nfft, dt)
    band = np.flatnonzero((freq >= lo_hz) & (freq <= hi_hz))
    nan = np.full(k, np.nan)
    if band.size < 3:
        return nan, np.zeros(k)
    total = power[:, 1:].sum(axis=1)
    peak = band[np.argmax(power[:, band], axis=1)]  # (k,)
    lobe = int(np.ceil(2 * nfft / m))
    csum = np.concatenate([np.zeros((k, 1)), np.cumsum(power, axis=1)], axis=1)
    lo, hi = np.maximum(peak - lobe, 1), np.minimum(peak + lobe + 1, power.shape[1])
    rows = np.arange(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, (csum[rows, hi] - csum[rows, lo]) / total, 0.0)
        inner = (peak > 0) & (peak < power.shape[1] - 1)
        pk = np.clip(peak, 1, power.shape[1] - 2)
        a, b, c = (np.log(power[rows, pk + off]) for off in (-1, 0, 1))
        den = a - 2 * b + c
        shift = np.where(inner & np.isfinite(den) & (den < 0), 0.5 * (a - c) / den, 0.0)
    shift = np.clip(np.nan_to_num(shift), -0.5, 0.5)
    out = freq[peak] + shift * (freq[1] - freq[0])
    return np.where(total > 0, out, np.nan), np.asarray(share)


def rhythm_cadence_spm(
    xy: np.ndarray,
    time_s: np.ndarray,
    *,
    guess_spm: float,
    tolerance: float = 0.2,
    pad: int = 16,
) -> float | None:
    """Cadence of the clip from the rhythm of the pelvis bounce, in steps per minute.

    The pelvis (mid-hip) rises and falls once per step.  Its vertical image position,
    gap-filled, detrended and Hann-windowed, is zero-padded ``pad`` times and its power
    spectrum searched within ``guess_spm * (1 +/- tolerance)``; the peak is refined by a
    parabola through the log power of the three bins around it.  Every step of the clip
    contributes, so the estimate does not depend on when individual contacts were
    detected: at 30 fps one frame is 6 % of a step, and a median or mean of per-stride
    rates inherits that jitter from its few strides.  The treadmill clip's reference
    cadence (``../shared/data/real``) was measured the same way from raw pixels.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Image coordinates in pixels (NaN = missing).
    time_s : ndarray of shape (n,)
        Frame times in seconds (real time); the frame rate is their median spacing.
    guess_spm : float
        Cadence from the gait events: the search is limited around it, so the step
        frequency cannot be confused with its harmonics or the stride frequency.
    tolerance : float
        Half-width of the search band, as a fraction of ``guess_spm``.
    pad : int
        Zero-padding factor of the FFT.

    Returns
    -------
    float or None
        Steps per minute, or None when fewer than three steps' worth of pelvis samples
        exist or the peak lies on the edge of the band (no clear rhythm there).
    """
    from scipy import signal

    n = xy.shape[0]
    if n < 8 or not np.isfinite(guess_spm) or guess_spm <= 0:
        return None
    dt = float(np.median(np.diff(time_s)))
    hips = xy[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]], 1]
    seen = np.isfinite(hips)
    count = seen.sum(axis=1)
    ok = count > 0
    y = np.where(seen, hips, 0.0).sum(axis=1) / np.maximum(count, 1)
    if not np.isfinite(dt) or dt <= 0 or ok.sum() * dt < 3 * 60.0 / guess_spm:
        return None
    # pieces apart by more than a step (a stretch left out: played at another speed) are
    # taken one by one and their power spectra summed: bridged by a straight line under
    # one window, the pieces of a clip whose middle 8 s were left out, 2 s either side,
    # read 176 steps/min for a runner at 186
    segments = _pieces(ok, max_gap=max(1, round(60.0 / guess_spm / dt)))
    segments = [(a, b) for a, b in segments if (b - a) * dt >= 2 * 60.0 / guess_spm]
    if not segments:
        return None
    pieces = []
    for a, b in segments:
        yy = y[a:b]
        fine = ok[a:b]
        yy = np.interp(np.arange(yy.size), np.flatnonzero(fine), yy[fine])
        pieces.append(signal.detrend(yy) * signal.windows.hann(yy.size))
    nfft = 1 << int(np.ceil(np.log2(pad * max(p.size for p in pieces))))
    lo_spm, hi_spm = guess_spm * (1 - tolerance), guess_spm * (1 + tolerance)
    # the band's bins (the frequency rises with the bin): those about its edges' guesses
    per_bin = float(_bin_spm(1, nfft, dt))
    near = np.arange(
        max(int(lo_spm / per_bin) - 2, 0), min(int(hi_spm / per_bin) + 3, nfft // 2 + 1)
    )
    freq_spm = _bin_spm(near, nfft, dt)
    band = near[(freq_spm >= lo_spm) & (freq_spm <= hi_spm)]
    if band.size < 3:
        return None
    k0 = int(band[0])
    power = sum(np.abs(_dft_bins(p, nfft, k0, band.size)) ** 2 for p in pieces)
    k = int(np.argmax(power))
    if k in (0, band.size - 1) or not (power[k - 1 : k + 2] > 0).all():
        return None
    a, b, c = np.log(power[k - 1 : k + 2])
    k += k0
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    return float(_bin_spm(k, nfft, dt) + shift * per_bin)


def _pieces(ok: np.ndarray, *, max_gap: int) -> list[tuple[int, int]]:
    """[start, stop) of the runs of ``ok`` once gaps of at most ``max_gap`` samples are
    bridged (the pieces start and end on ``ok`` samples)."""
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > max_gap + 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    stops = np.concatenate([idx[breaks], [idx[-1]]]) + 1
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def _bin_spm(bins: np.ndarray | int, nfft: int, dt: float) -> np.ndarray:
    """Frequencies of bins of an ``nfft``-point real FFT in steps (cycles) per minute:
    ``60 * np.fft.rfftfreq(nfft, dt)[bins]``, the same numbers, without the array of
    every bin (2 million for an hour-long clip)."""
    return np.asarray(60.0 * (np.asarray(bins) * (1.0 / (nfft * dt))))


def _dft_bins(y: np.ndarray, nfft: int, k0: int, m: int) -> np.ndarray:
    """Bins ``k0 .. k0 + m - 1`` of the ``nfft``-point DFT of ``y`` (zero-padded).

    Bluestein's chirp z-transform (Bluestein 1970; Rabiner, Schafer & Rader 1969): with
    ``t k = (t^2 + k^2 - (k - t)^2) / 2`` the DFT becomes a convolution with a chirp,
    done by FFTs of about ``y.size + m`` points instead of ``nfft``.  The chirp phases
    are reduced modulo the period in integers, so they stay exact for long series.
    """
    from scipy import fft

    n = y.size
    t = np.arange(n, dtype=np.int64)
    j = np.arange(m, dtype=np.int64)
    d = np.arange(-(n - 1), m, dtype=np.int64)

    def chirp(q: np.ndarray, period: int, sign: float) -> np.ndarray:
        # exp(sign * i * pi * q / (period / 2)) with q reduced modulo period first
        return np.asarray(np.exp(sign * 2j * np.pi * (q % period) / period))

    u = y * chirp(t * t + 2 * k0 * t, 2 * nfft, -1.0)  # y e^{-i pi (t^2 + 2 k0 t) / N}
    v = chirp(d * d, 2 * nfft, 1.0)  # e^{+i pi d^2 / N}, d = k - t
    size = fft.next_fast_len(n + m - 1)
    conv = fft.ifft(fft.fft(u, size) * fft.fft(v, size))[n - 1 : n - 1 + m]
    return np.asarray(conv * chirp(j * j, 2 * nfft, -1.0))
