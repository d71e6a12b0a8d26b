"""Slowed or sped-up footage: the likely slow-motion factor of a cadence
(:func:`likely_factor`), the check of the contacts' cadence and duty factor
(:func:`check_speed`) and stretches that play at another speed (:func:`speed_changes`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gait._runs import true_runs
from gait.events import LANDMARK_GAP_REASONS
from gait.timing.rhythm import (
    _ankle_difference,
    _spectral_peaks,
    leg_rhythm_spm,
)

#: Typical running cadence used to express the likely slow-motion factor (steps/min).
TYPICAL_CADENCE_SPM = 170.0


#: Cadence range accepted as real-time running (steps/min).
RUNNING_CADENCE_SPM = (125.0, 240.0)


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
    ratio rounded as a slow-motion factor.  A faster stretch is looked for with windows
    of half as many strides as well (it shows its cycles within them).  A slower
    stretch shorter than about a window is not found, nor a faster one shorter than about
    half a window; one slower than about 3x the main rhythm shows no cycle within a
    window, but where it holds four of its own strides its own rhythm names the factor.

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
    ratio = _local_ratio(d, dt, seen, stride_s, w, min_share)
    off = np.abs(np.log(np.nan_to_num(ratio, nan=1.0))) > np.log(min_ratio)  # NaN: unknown
    # a faster stretch shows its cycles within half the window: windows of two main
    # strides find one shorter than four (the first 4 s of a runner's real time played
    # 2x fast, 2 s on screen, went unnamed, and the far leg lost its trust to the
    # strides there)
    w_fast = w // 2
    # (hop half a window - the middle halves still tile the clip - and no zero padding:
    # telling a rhythm 1.6x faster needs no fine bins)
    fast = _local_ratio(d, dt, seen, stride_s, w_fast, min_share, hop=max(1, w_fast // 2), pad=1)
    quick = np.nan_to_num(fast, nan=1.0) < 1.0 / min_ratio
    main_off = off
    ratio, off = np.where(quick, fast, ratio), off | quick
    out: list[SpeedChange] = []
    runs = zip(*true_runs(off), strict=True)
    for a, b in ((int(a), int(b)) for a, b in runs):
        # a faster stretch needs half the length; the ends are placed by the windows that
        # marked the run
        if b - a < (w_fast if np.nanmedian(ratio[a:b]) < 1.0 else w) // 2:
            continue
        span = w if main_off[a:b].any() else w_fast
        factor = _round_factor(float(np.median(ratio[a:b])))
        # a window marks its middle half: the change lies within a quarter window of
        # the run's ends - an eighth is added, the rest of the way at the clip's ends
        lo = 0 if a <= span // 2 else a - span // 8
        hi = m if b >= m - span // 2 else b + span // 8
        # the stretch's own rhythm names the factor where the stretch holds four of its
        # strides: a window of four main strides holds one of a 4x slowed stretch, whose
        # peak read 3x (a clip 4 s in real time, then 4 s slowed 4x, was said to play
        # about 3x slower); in a shorter stretch its own read is no surer (2 s slowed 3x
        # read 2x)
        if (b - a) * dt >= 4.0 * factor * stride_s:
            own = leg_rhythm_spm(xy[first + a : first + b], time_s[first + a : first + b])
            if own is not None and own[1] >= min_share and np.isfinite(own[0]) and own[0] > 0:
                refined = _round_factor(120.0 / (stride_s * own[0]))
                if abs(np.log(refined)) > np.log(min_ratio):
                    factor = refined
        out.append(SpeedChange(float(time_s[first + lo]), float(time_s[first + hi - 1]), factor))
    return out


def _local_ratio(
    d: np.ndarray,
    dt: float,
    seen: np.ndarray,
    stride_s: float,
    w: int,
    min_share: float,
    *,
    hop: int | None = None,
    pad: int = 4,
) -> np.ndarray:
    """Per frame of the ankle difference ``d`` (m, 2): the local stride time over
    ``stride_s`` from the spectral peak of windows of ``w`` frames (``hop`` apart, default
    a quarter window; zero-padded ``pad`` times; windows more than 10 % missing - a
    frozen stretch, a dropout - hold no rhythm), each marking its middle half; NaN where
    no window tells."""
    m = d.shape[0]
    ratio = np.full(m, np.nan)
    if w < 16 or m < w:
        return ratio
    starts = np.arange(0, m - w + 1, max(1, w // 4 if hop is None else hop))
    cs = np.concatenate([[0], np.cumsum(seen)])
    starts = starts[(cs[starts + w] - cs[starts]) >= 0.9 * w]
    if starts.size:
        windows = d[starts[:, None] + np.arange(w)[None, :]]  # (k, w, 2)
        freq, share = _spectral_peaks(
            windows, dt, lo_hz=1.25 / (w * dt), hi_hz=1 / (3 * dt), pad=pad
        )
        for s0, f, sh in zip(starts, freq, share, strict=True):
            if np.isfinite(f) and sh >= min_share:
                ratio[s0 + w // 4 : s0 + w - w // 4] = 1.0 / (f * stride_s)
    return ratio


#: Reasons of a contact whose IC is timed next to missing or gap-filled landmarks (a
#: toe-off inside a gap leaves the IC timed on real samples).
IC_GAP_REASONS = LANDMARK_GAP_REASONS[:2]


def _timed_on_landmarks(ic: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per IC row: (its time is timed on real landmarks, so are its contact's other
    events) - by the contact's ``reason``, when the table has one."""
    if "reason" not in ic:
        every = np.ones(len(ic), dtype=bool)
        return every, every
    reason = ic["reason"]
    return ~reason.isin(IC_GAP_REASONS).to_numpy(), ~reason.isin(LANDMARK_GAP_REASONS).to_numpy()


def _duty_factor(
    ic: pd.DataFrame, to: pd.DataFrame, ic_ok: np.ndarray, contact_ok: np.ndarray
) -> float:
    """Median contact time over median stride time (NaN without both): strides between
    neighbouring contacts of a foot whose ICs are timed on real landmarks, contact
    times of contacts wholly timed on them (paired by contact number when the table
    has one, else in order)."""
    strides, contacts = [], []
    for side in ("left", "right"):
        mine = (ic["side"] == side).to_numpy()
        ti, ok, whole = ic["time_s"].to_numpy()[mine], ic_ok[mine], contact_ok[mine]
        if ti.size < 2:
            continue
        strides.append(np.diff(ti)[ok[1:] & ok[:-1]])
        side_to = to[to["side"] == side]
        if "contact" in ic and "contact" in to and side_to["contact"].is_unique:
            tt = (
                side_to.set_index("contact")["time_s"]
                .reindex(ic.loc[mine, "contact"].to_numpy())
                .to_numpy()
            )
        else:
            tt = np.full(ti.size, np.nan)
            k = min(ti.size, len(side_to))
            tt[:k] = side_to.sort_values("time_s")["time_s"].to_numpy()[:k]
        contacts.append((tt - ti)[whole])
    if not strides or not contacts:
        return float("nan")
    c = np.concatenate(contacts)
    c = c[np.isfinite(c) & (c > 0)]
    stride = np.concatenate(strides)
    stride = stride[np.isfinite(stride)]
    if not c.size or not stride.size:
        return float("nan")
    return float(np.median(c) / np.median(stride))


def check_speed(
    events: pd.DataFrame,
    *,
    min_steps: int = 3,
    fps: float | None = None,
    other_speed: np.ndarray | None = None,
) -> SpeedCheck:
    """Is the step rhythm that of real-time running?

    Uses every detected contact, valid or not, except those timed next to missing or
    gap-filled landmarks: step time = median interval between neighbouring initial
    contacts of alternating feet, both timed on real landmarks; duty factor = median
    contact time / stride time.  A cadence below the running range with a duty factor
    under 50 % (a flight phase, so not walking) means slowed footage; above it, sped-up
    footage.  Fewer than
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
    other_speed : ndarray of shape (n_frames,) of bool, optional
        Frames of stretches played at another speed than the rest (:func:`speed_changes`):
        their contacts are left out as those next to a gap are.  A clip 4 s in real time,
        then slowed 2x, seen from behind had 12 of its 21 contacts in the slowed stretch,
        read 109 steps/min and was called slowed 1.5x.

    Returns
    -------
    SpeedCheck
    """
    ic = events[events["kind"] == "ic"].sort_values("time_s", kind="stable")
    to = events[events["kind"] == "to"]
    # Contacts timed next to missing or gap-filled landmarks carry no rhythm, but they stay
    # in the sequence: a step or stride is only taken between neighbouring contacts, so
    # one left out is not bridged (its neighbours' interval would span three steps - a
    # real-time clip whose every other contact sat next to a gap read half its cadence
    # and was called slowed 2x)
    ic_ok, contact_ok = _timed_on_landmarks(ic)
    if other_speed is not None and len(ic):
        pos = np.nan_to_num(ic["pos"].to_numpy(dtype=float))  # rows of this clip, not
        frames = np.clip(np.rint(pos).astype(int), 0, other_speed.size - 1)  # video frames
        steady = ~other_speed[frames]
        ic_ok, contact_ok = ic_ok & steady, contact_ok & steady
    if ic_ok.sum() < 3:
        return SpeedCheck(float("nan"), float("nan"), 1.0, True, None)
    t = ic["time_s"].to_numpy()
    sides = ic["side"].to_numpy()
    pair = (sides[1:] != sides[:-1]) & ic_ok[1:] & ic_ok[:-1]
    steps = np.diff(t)[pair]
    steps = steps[steps > 0]  # left and right contacts at one instant carry no step time
    if steps.size < min_steps:
        return SpeedCheck(float("nan"), float("nan"), 1.0, True, None)
    step = float(np.median(steps))
    cadence = 60.0 / step
    duty = _duty_factor(ic, to, ic_ok, contact_ok)
    lo, hi = RUNNING_CADENCE_SPM
    running_like = not (np.isfinite(duty) and duty > 0.55)
    if lo <= cadence <= hi or not running_like:
        return SpeedCheck(cadence, duty, 1.0, True, None)
    factor = likely_factor(cadence, fps)
    msg = speed_warning(cadence, factor)
    return SpeedCheck(cadence, duty, factor, False, msg)
