"""Timing sanity: repeated (duplicated or frozen) frames and slowed or sped-up footage.

Three checks:

* :func:`find_repeated_frames` - a frame whose landmarks equal the previous frame's is a
  repeat (a duplicated video frame, or a frozen stretch).  When every frame appears twice
  the clip's real temporal resolution is half its frame rate; a frozen start holds no
  motion.  :func:`mask_repeated_frames` turns repeats into missing samples so cleaning
  interpolates them instead of differentiating a staircase.
* :func:`check_speed` - running has a cadence of roughly 140-220 steps/min with a duty
  factor below 50 %.  A clip whose step rhythm says 57 steps/min while the feet still
  have a flight phase is running slowed about 3x (phone slow motion re-encoded at normal
  frame rate); the warning names the factor and the ``--slowmo FACTOR`` fix, and the
  timing metrics are withheld rather than reported wrong.
* :func:`leg_rhythm_spm` and :func:`speed_changes` - the same question without events:
  the legs' alternation gives the clip's cadence in any view and at any playback speed
  (the events, tuned in seconds, fail on a clip slowed 8x), and where along the clip
  that rhythm changes (a slowed replay cut into a real-time clip).
  :func:`likely_factor` turns a cadence into the likely slow-motion factor.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gait._runs import true_runs
from gait.events import LANDMARK_GAP_REASONS
from gait.posedata import LANDMARK_INDEX, PoseData

#: Typical running cadence used to express the likely slow-motion factor (steps/min).
TYPICAL_CADENCE_SPM = 170.0
#: Cadence range accepted as real-time running (steps/min).
RUNNING_CADENCE_SPM = (125.0, 240.0)


@dataclass(frozen=True)
class RepeatReport:
    """Repeated frames in a clip.

    Attributes
    ----------
    repeated : ndarray of shape (n,) bool
        Frame equals the previous frame.
    fraction : float
        Fraction of frames that are repeats.
    factor : int
        Typical number of times each distinct frame is shown (1 = no duplication).
    frozen_start_s : float
        Duration of a frozen stretch at the start, in seconds.
    longest_freeze_s : float
        Longest run of repeats anywhere, in seconds.
    warnings : list of str
    """

    repeated: np.ndarray
    fraction: float
    factor: int
    frozen_start_s: float
    longest_freeze_s: float
    warnings: list[str]


_MOTION_LANDMARKS = tuple(
    f"{side}_{part}" for side in ("left", "right") for part in ("shoulder", "hip", "knee", "ankle")
)


def frame_motion_px(pose: PoseData) -> np.ndarray:
    """(n,) median displacement of 8 body landmarks since the previous frame, pixels.

    Frame 0 gets +inf; frames without comparable landmarks get NaN.
    """
    idx = [LANDMARK_INDEX[n] for n in _MOTION_LANDMARKS]
    image = pose.image_px
    n = image.shape[0]
    if n < 2:
        return np.full(n, np.inf)
    # one row per landmark: displacement since the previous frame, (8, n - 1)
    d = np.empty((len(idx), n - 1))
    for row, i in enumerate(idx):
        x, y = image[:, i, 0], image[:, i, 1]
        np.hypot(x[1:] - x[:-1], y[1:] - y[:-1], out=d[row])
    d[~np.isfinite(d)] = np.nan
    finite = np.isfinite(d)
    full = finite.all(axis=0)
    part = finite.any(axis=0) & ~full
    # median of complete frames: the mean of the two middle values, picked by a sorting
    # network over the 8 rows (exact, the same numbers as sorting each frame's values)
    med = _middle_mean_of_8(d)
    med[~full] = np.nan
    if part.any():
        med[part] = np.nanmedian(d[:, part], axis=0)
    return np.concatenate([[np.inf], med])


#: Batcher's odd-even merge sort of 8 values: 19 compare-exchanges.
_SORT8 = (
    (0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (1, 2), (5, 6),
    (0, 4), (1, 5), (2, 6), (3, 7), (2, 4), (3, 5), (1, 2), (3, 4), (5, 6),
)  # fmt: skip


def _middle_mean_of_8(d: np.ndarray) -> np.ndarray:
    """Per column of ``d`` (8, m): the mean of its 4th and 5th smallest values."""
    rows = list(d)
    for a, b in _SORT8:
        lo = np.minimum(rows[a], rows[b])
        rows[b] = np.maximum(rows[a], rows[b])
        rows[a] = lo
    return np.asarray((rows[3] + rows[4]) / 2.0)


def find_repeated_frames(
    pose: PoseData, *, rel_tol: float = 0.03, abs_tol_px: float = 1e-3
) -> RepeatReport:
    """Detect duplicated and frozen frames from the landmarks.

    A frame is a repeat when its median landmark displacement is below
    ``max(abs_tol_px, rel_tol * typical)``, where ``typical`` is the 75th percentile of the
    displacements (robust to half of the frames being repeats).

    Parameters
    ----------
    pose : PoseData
    rel_tol : float
        Relative tolerance on the displacement.
    abs_tol_px : float
        Absolute tolerance in pixels.

    Returns
    -------
    RepeatReport
    """
    m = frame_motion_px(pose)
    n = m.size
    finite = m[np.isfinite(m)]
    typical = float(np.percentile(finite, 75)) if finite.size else 0.0
    rep = np.isfinite(m) & (m <= max(abs_tol_px, rel_tol * typical))
    fraction = float(rep.mean()) if n else 0.0
    starts, stops = true_runs(rep)
    runs = stops - starts
    dt = 1.0 / pose.fps
    frozen_start = float(runs[0] * dt) if starts.size and starts[0] == 1 else 0.0
    longest = float(runs.max() * dt) if runs.size else 0.0
    warnings: list[str] = []
    factor = 1
    if fraction > 0.3:
        factor = round(1.0 / max(1e-9, 1.0 - fraction))
        warnings.append(
            f"{100 * fraction:.0f} % of frames repeat the previous one: each frame appears "
            f"about {factor}x, so the real temporal resolution is about "
            f"{pose.fps / factor:.0f} fps, not {pose.fps:.0f} (duplicated-frame factor "
            f"{factor}); if the clip was slowed down this way, re-run with --slowmo {factor}"
        )
    if frozen_start >= 0.2:
        warnings.append(
            f"the first {frozen_start:.2f} s are frozen (identical frames); they are ignored"
        )
    elif longest >= 0.2:
        warnings.append(f"the video freezes for up to {longest:.2f} s; those frames are ignored")
    return RepeatReport(rep, fraction, factor, frozen_start, longest, warnings)


def mask_repeated_frames(pose: PoseData, repeated: np.ndarray) -> PoseData:
    """Copy of ``pose`` with repeated frames' landmarks set missing (NaN, visibility 0)."""
    if not repeated.any():
        return pose
    image = pose.image_px.copy()
    vis = pose.visibility.copy()
    image[repeated] = np.nan
    vis[repeated] = 0.0
    return dataclasses.replace(pose, image_px=image, visibility=vis)


@dataclass(frozen=True)
class SpeedCheck:
    """Result of the real-time check on the step rhythm.

    Attributes
    ----------
    cadence_spm : float
        Cadence as measured in clip time (NaN if no steps).
    duty_factor : float
        Median contact / stride time (scale-free).
    factor : float
        Likely slow-motion factor: >1 slowed down, <1 sped up, 1 plausible real time.
    plausible : bool
        Timing looks like real-time running.
    warning : str or None
    """

    cadence_spm: float
    duty_factor: float
    factor: float
    plausible: bool
    warning: str | None


def _round_factor(f: float) -> float:
    if f >= 1.75:
        return float(round(f))
    if f <= 0.6:
        return float(1.0 / round(1.0 / f))
    return float(round(f * 2) / 2)


#: Frame rates phones and action cameras record slow motion at (frames per second).
SLOWMO_CAPTURE_FPS = (60.0, 120.0, 240.0, 480.0, 960.0)
#: Frame rates slow-motion footage is played back at (frames per second; 29.97 counts
#: as 30).
PLAYBACK_FPS = (24.0, 25.0, 30.0, 50.0, 60.0)
#: Cadences of most runners (steps/min): a slow-motion factor that puts the clip's rhythm
#: in this band at a standard capture rate is preferred to the rounded ratio.
COMMON_CADENCE_SPM = (145.0, 195.0)


def likely_factor(cadence_spm: float, fps: float | None = None) -> float:
    """The likely slow-motion factor of a clip whose step rhythm reads ``cadence_spm``.

    ``TYPICAL_CADENCE_SPM / cadence_spm``, rounded (to whole numbers from 1.75, to
    1/2, 1/3 ... when sped up) - unless a standard slow-motion capture played back at
    the clip's ``fps`` (120 fps at 30 is 4x, 240 fps 8x, see
    :data:`SLOWMO_CAPTURE_FPS`) gives a cadence of 145-195 steps/min, in which case
    the nearest such factor (when ``fps`` is a usual playback rate, :data:`PLAYBACK_FPS`).
    A runner at 150 steps/min filmed at 240 fps and played at 30 reads 18.8 steps/min:
    170 / 18.8 = 9.1 rounds to 9, the capture says 8.  The
    cadence alone cannot tell a 3x slowed runner at 170 from a 4x slowed one at 227;
    the typical cadence decides.
    """
    if not (np.isfinite(cadence_spm) and cadence_spm > 0):
        return 1.0
    f0 = TYPICAL_CADENCE_SPM / cadence_spm
    playback = [r for r in PLAYBACK_FPS if fps is not None and abs(fps / r - 1.0) < 0.015]
    if playback and f0 > 1.0:
        lo, hi = COMMON_CADENCE_SPM
        ratios = [c / playback[0] for c in SLOWMO_CAPTURE_FPS]
        fits = [f for f in ratios if lo <= cadence_spm * f <= hi]
        if fits:
            return float(min(fits, key=lambda f: abs(np.log(f / f0))))
    return _round_factor(f0)


def speed_warning(cadence_spm: float, factor: float, *, measured_as_if: bool = False) -> str:
    """The warning for a clip whose step rhythm says it is slowed (``factor`` > 1) or
    sped up; ``measured_as_if``: the angles were measured with the clip retimed by it."""
    if factor > 1:
        msg = (
            f"the step rhythm ({cadence_spm:.0f} steps/min with a flight phase) is too slow "
            f"for running: the clip looks slowed down about {factor:g}x (slow motion); "
            "cadence and contact times are not reported"
        )
    else:
        msg = (
            f"the step rhythm ({cadence_spm:.0f} steps/min) is too fast for running: the clip "
            f"looks sped up about {1 / factor:g}x; cadence and contact times are not reported"
        )
    if measured_as_if:
        how = "slowed" if factor > 1 else "sped up"
        msg += f", the other metrics are measured as if it were {how}"
    return msg + f" - re-run with --slowmo {factor:g}"


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


def _spectral_peaks(
    d: np.ndarray, dt: float, *, lo_hz: float, hi_hz: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per signal of ``d`` (k, m, 2): the frequency (Hz) of the strongest peak between
    ``lo_hz`` and ``hi_hz`` and the share of the power in its main lobe (NaN, 0 when
    there is none).  Each signal is detrended, Hann-windowed and zero-padded about 4x
    (less beyond 16384 samples, where the bins are fine already), the power of both
    columns summed; the frequency is refined by a parabola through the log power of
    the three bins around the peak (at most half a bin: at the band's edge the
    neighbour outside it may be higher); the main lobe is two bins of the unpadded
    spectrum either side."""
    from scipy import fft, signal

    k, m = d.shape[0], d.shape[1]
    d = signal.detrend(d, axis=1) * signal.windows.hann(m)[None, :, None]
    nfft = fft.next_fast_len(max(m, min(4 * m, 65536)), real=True)
    power = (np.abs(fft.rfft(d, nfft, axis=1)) ** 2).sum(axis=2)  # (k, bins)
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


@dataclass(frozen=True)
class SpeedChange:
    """A stretch of a clip that plays at another speed than the rest of it.

    Attributes
    ----------
    start_s, end_s : float
        Where it starts and ends, in the clip's time (uncertain by about a stride).
    factor : float
        How much slower (> 1) or faster (< 1) it plays than the clip's main rhythm.
    """

    start_s: float
    end_s: float
    factor: float


def speed_changes(
    xy: np.ndarray,
    time_s: np.ndarray,
    stride_s: float,
    *,
    strides_per_window: float = 4.0,
    min_ratio: float = 1.6,
    min_share: float = 0.4,
) -> list[SpeedChange]:
    """Stretches of a clip whose legs swing at another rhythm than ``stride_s``.

    A clip edited from slow motion may play part of it slowed down (a phone's slow-motion
    clip starts and ends in real time), and a clip may be sped up in places.  The
    left-minus-right ankle position (:func:`leg_rhythm_spm`) is cut into windows of
    ``strides_per_window`` strides of the main rhythm (hop a quarter window; windows
    more than 10 % missing - a frozen stretch, a dropout - are skipped); the
    strongest peak of each window's spectrum (between 1.25 cycles a window and a third
    of the frame rate, main lobe at least ``min_share`` of its power) gives the local
    stride time.  Where it differs from ``stride_s`` by more than ``min_ratio`` the
    middle half of the window is marked; runs of marked frames at least half a window
    long, widened by an eighth of a window either side (the change lies within a
    quarter) and to the clip's ends when within half a window, are returned with the
    ratio rounded as a slow-motion factor.  A stretch shorter than about a window is
    not found, nor one slower than about 3x the main rhythm (it shows no cycle within
    a window).

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Image coordinates in pixels (NaN = missing), leg swaps repaired.
    time_s : ndarray of shape (n,)
        Frame times in seconds (clip time).
    stride_s : float
        The clip's main stride time (from :func:`leg_rhythm_spm`), seconds.

    Returns
    -------
    list of SpeedChange
        Empty when the clip plays at one speed throughout, or is shorter than two
        windows.
    """
    prepared = _ankle_difference(xy, time_s)
    if prepared is None or not (np.isfinite(stride_s) and stride_s > 0):
        return []
    first, d, dt, seen = prepared
    m = d.shape[0]
    w = round(strides_per_window * stride_s / dt)
    if w < 16 or m < 2 * w:
        return []
    hop = max(1, w // 4)
    starts = np.arange(0, m - w + 1, hop)
    # a window more than 10 % missing (a frozen stretch, a dropout) holds no rhythm
    cs = np.concatenate([[0], np.cumsum(seen)])
    starts = starts[(cs[starts + w] - cs[starts]) >= 0.9 * w]
    ratio = np.full(m, np.nan)  # local stride time / main stride time, per frame
    if starts.size:
        windows = d[starts[:, None] + np.arange(w)[None, :]]  # (k, w, 2)
        freq, share = _spectral_peaks(windows, dt, lo_hz=1.25 / (w * dt), hi_hz=1 / (3 * dt))
        for s0, f, sh in zip(starts, freq, share, strict=True):
            if np.isfinite(f) and sh >= min_share:
                ratio[s0 + w // 4 : s0 + w - w // 4] = 1.0 / (f * stride_s)
    off = np.abs(np.log(np.nan_to_num(ratio, nan=1.0))) > np.log(min_ratio)  # NaN: unknown
    out: list[SpeedChange] = []
    runs = zip(*true_runs(off), strict=True)
    for a, b in ((int(a), int(b)) for a, b in runs):
        if b - a < w // 2:
            continue
        factor = _round_factor(float(np.median(ratio[a:b])))
        # a window marks its middle half: the change lies within a quarter window of
        # the run's ends - an eighth is added, the rest of the way at the clip's ends
        lo = 0 if a <= w // 2 else a - w // 8
        hi = m if b >= m - w // 2 else b + w // 8
        out.append(SpeedChange(float(time_s[first + lo]), float(time_s[first + hi - 1]), factor))
    return out


def check_speed(
    events: pd.DataFrame, *, min_steps: int = 3, fps: float | None = None
) -> SpeedCheck:
    """Is the step rhythm that of real-time running?

    Uses every detected contact, valid or not, except those timed next to missing or
    gap-filled landmarks: step time = median interval between consecutive initial
    contacts of alternating feet; duty factor = median contact time / stride time.  A
    cadence below the running range with a duty factor under 50 % (a flight phase, so
    not walking) means slowed footage; above it, sped-up footage.  Fewer than
    ``min_steps`` alternating steps give no verdict: on the real overground side clip
    (pose on 54 of 88 frames) one step between two junk contacts read "sped up about
    2x", and the running limits, scaled by that factor, then let a junk stride pass.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`gait.events.detect_events`.
    min_steps : int
        Fewest alternating steps for a verdict.
    fps : float, optional
        The clip's frame rate, for the standard slow-motion factors
        (:func:`likely_factor`).

    Returns
    -------
    SpeedCheck
    """
    if "reason" in events:  # contacts timed next to missing landmarks carry no rhythm
        events = events[~events["reason"].isin(LANDMARK_GAP_REASONS)]
    ic = events[events["kind"] == "ic"].sort_values("time_s")
    to = events[events["kind"] == "to"]
    if len(ic) < 3:
        return SpeedCheck(float("nan"), float("nan"), 1.0, True, None)
    t = ic["time_s"].to_numpy()
    sides = ic["side"].to_numpy()
    alt = sides[1:] != sides[:-1]
    steps = np.diff(t)[alt]
    steps = steps[steps > 0]  # left and right contacts at one instant carry no step time
    if steps.size < min_steps:
        return SpeedCheck(float("nan"), float("nan"), 1.0, True, None)
    step = float(np.median(steps))
    cadence = 60.0 / step
    duty = float("nan")
    stride_list, contact_list = [], []
    for side in ("left", "right"):
        ti = ic.loc[ic["side"] == side, "time_s"].to_numpy()
        tt = to.loc[to["side"] == side].sort_values("time_s")["time_s"].to_numpy()
        if ti.size >= 2 and tt.size:
            stride_list.append(np.diff(ti))
            k = min(ti.size, tt.size)
            contact_list.append(tt[:k] - ti[:k])
    if stride_list and contact_list:
        c = np.concatenate(contact_list)
        c = c[c > 0]
        if c.size:
            duty = float(np.median(c) / np.median(np.concatenate(stride_list)))
    lo, hi = RUNNING_CADENCE_SPM
    running_like = not (np.isfinite(duty) and duty > 0.55)
    if lo <= cadence <= hi or not running_like:
        return SpeedCheck(cadence, duty, 1.0, True, None)
    factor = likely_factor(cadence, fps)
    msg = speed_warning(cadence, factor)
    return SpeedCheck(cadence, duty, factor, False, msg)


@dataclass(frozen=True)
class GaitCheck:
    """Does the foot-contact pattern look like running?

    Attributes
    ----------
    n_steps : int
        Contacts with ordered events (IC < TO < next IC) that were looked at.
    duty_factor : float
        Median contact time / stride time of those contacts (of the trusted foot when
        one is given); running < 0.5, walking about 0.6, standing about 1.
    both_down : float
        Share of those contacts during which the other foot is on the ground too for
        more than ``max_overlap_s`` (double support, or both feet landing together).
    running : bool
        False when the pattern is that of walking, standing or hopping.
    warning : str or None
    """

    n_steps: int
    duty_factor: float
    both_down: float
    running: bool
    warning: str | None


def check_gait(
    strides: pd.DataFrame,
    *,
    trusted_side: str | None = None,
    far_side_usable: bool = True,
    max_overlap_s: float = 0.03,
    min_steps: int = 6,
    max_duty: float = 0.5,
    max_both_down: float = 0.5,
) -> GaitCheck:
    """Running or not: a flight phase in every step, feet on the ground one at a time.

    Running has a flight phase: each foot is on the ground for less than half of its
    stride (duty factor below 50 %) and the feet are never on the ground together.
    Walking has double support twice per stride and a duty factor of about 60 %;
    standing and hopping have both feet down together (Novacheck 1998, Gait Posture
    7:77).  The check uses every contact whose events are in order, valid or not.

    Parameters
    ----------
    strides : DataFrame
        Output of :func:`gait.events.strides_from_events`.
    trusted_side : {"left", "right"} or None
        The near foot of a side view: the duty factor is taken from it alone.
    far_side_usable : bool
        False when the other foot's tracking was found unusable: the both-feet-down
        share then cannot be measured and is not used.
    max_overlap_s : float
        Overlap of the two feet's contacts tolerated as timing error (seconds).
    min_steps : int
        Fewer contacts than this: no verdict (``running`` stays True).
    max_duty, max_both_down : float
        Running needs a duty factor at most ``max_duty`` and a both-feet-down share at
        most ``max_both_down``.

    Returns
    -------
    GaitCheck
    """
    nan = float("nan")
    if strides.empty:
        return GaitCheck(0, nan, nan, True, None)
    ic = strides["ic_time_s"].to_numpy(dtype=float)
    to = strides["to_time_s"].to_numpy(dtype=float)
    nxt = strides["next_ic_time_s"].to_numpy(dtype=float)
    side = strides["side"].to_numpy()
    ordered = np.isfinite(ic) & np.isfinite(to) & (to > ic)
    if "reason" in strides:
        # a contact cut by the start or end of the pose data, or timed across a dropout,
        # is no evidence of double support
        ordered &= ~strides["reason"].isin(LANDMARK_GAP_REASONS).to_numpy()
    stride_ok = ordered & np.isfinite(nxt) & (nxt > to)
    use = stride_ok & (side == trusted_side) if trusted_side in ("left", "right") else stride_ok
    duty_all = (to - ic) / (nxt - ic)
    duty = float(np.median(duty_all[use])) if use.any() else nan
    both = nan
    if far_side_usable and ordered.sum() >= min_steps:
        lap = np.full(ic.size, -np.inf)
        for this, other in (("left", "right"), ("right", "left")):
            mine = ordered & (side == this)
            theirs = ordered & (side == other)
            if not (mine.any() and theirs.any()):
                continue
            o0, o1 = ic[theirs], to[theirs]
            order = np.argsort(o0)
            o0, o1 = o0[order], o1[order]
            # overlap with the other foot's contacts just before and just after this IC
            j = np.searchsorted(o0, ic[mine], side="right")
            for k in (np.clip(j - 1, 0, o0.size - 1), np.clip(j, 0, o0.size - 1)):
                got = np.minimum(to[mine], o1[k]) - np.maximum(ic[mine], o0[k])
                lap[mine] = np.maximum(lap[mine], got)
        both = float(np.mean(lap[ordered] > max_overlap_s))
    n = int(use.sum())
    walking_duty = n >= min_steps and np.isfinite(duty) and duty > max_duty
    walking_both = int(ordered.sum()) >= min_steps and np.isfinite(both) and both > max_both_down
    if not (walking_duty or walking_both):
        return GaitCheck(n, duty, both, True, None)
    facts = []
    if walking_duty:
        facts.append(f"each foot is on the ground for {100 * duty:.0f} % of its stride")
    if walking_both:
        facts.append(f"both feet are on the ground together in {100 * both:.0f} % of the steps")
    msg = (
        "the clip looks like walking (or standing), not running: there is no flight phase ("
        + "; ".join(facts)
        + "; running has a duty factor below 50 % and never both feet down). "
        "Running metrics are not reported."
    )
    return GaitCheck(n, duty, both, False, msg)


def find_person_switches(
    pose: PoseData, *, max_jump_torso: float = 1.0, per_frame_torso: float = 0.5
) -> np.ndarray:
    """Frames where the tracked skeleton jumps to another person.

    Between consecutive frames with a pose (gaps bridged), a runner's mid-hip moves well
    under half a torso length per frame (4 m/s at 30 fps is about a quarter), and their
    torso length in the image changes slowly.  A mid-hip jump of more than
    ``max(max_jump_torso, per_frame_torso * frames apart)`` torso lengths, or a torso
    length changing by more than half from one frame to the next, means the pose model
    switched to someone else
    (a second person in the picture).

    Parameters
    ----------
    pose : PoseData
    max_jump_torso, per_frame_torso : float
        Jump thresholds in torso lengths (mid-hip to mid-shoulder distance, the mean of
        the two frames compared).

    Returns
    -------
    ndarray of int
        Frame indices (into the clip) of the first frame after each switch.
    """
    names = ("left_hip", "right_hip", "left_shoulder", "right_shoulder")
    # the four landmarks gathered once: one pass over the frames
    xy = np.take(pose.image_px, [LANDMARK_INDEX[n] for n in names], axis=1)[..., :2]
    hip = 0.5 * (xy[:, 0] + xy[:, 1])
    sh = 0.5 * (xy[:, 2] + xy[:, 3])
    torso = np.hypot(*(sh - hip).T)
    ok = np.flatnonzero(np.isfinite(torso) & np.isfinite(hip).all(axis=1) & (torso > 0))
    if ok.size < 2:
        return np.zeros(0, dtype=int)
    a, b = ok[:-1], ok[1:]
    jump = np.hypot(*(hip[b] - hip[a]).T) / (0.5 * (torso[a] + torso[b]))
    scale = torso[b] / torso[a]
    near = (b - a) <= 2  # the image size can change a lot over a long gap
    switch = (jump > np.maximum(max_jump_torso, per_frame_torso * (b - a))) | (
        near & (np.abs(np.log(scale)) > np.log(1.5))
    )
    return np.asarray(b[switch], dtype=int)


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
    first, last = np.flatnonzero(ok)[[0, -1]]
    y = y[first : last + 1]
    ok = ok[first : last + 1]
    y = np.interp(np.arange(y.size), np.flatnonzero(ok), y[ok])
    y = signal.detrend(y) * signal.windows.hann(y.size)
    nfft = 1 << int(np.ceil(np.log2(pad * y.size)))
    freq_spm = 60.0 * np.fft.rfftfreq(nfft, dt)
    band = np.flatnonzero(
        (freq_spm >= guess_spm * (1 - tolerance)) & (freq_spm <= guess_spm * (1 + tolerance))
    )
    if band.size < 3:
        return None
    k0 = int(band[0])
    power = np.abs(_dft_bins(y, nfft, k0, band.size)) ** 2
    k = int(np.argmax(power))
    if k in (0, band.size - 1) or not (power[k - 1 : k + 2] > 0).all():
        return None
    a, b, c = np.log(power[k - 1 : k + 2])
    k += k0
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    return float(freq_spm[k] + shift * (freq_spm[1] - freq_spm[0]))


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
