"""Every metric the view supports for all strides at once (:func:`stride_metrics`):
landmarks sampled at the events, the angle kernels on ``(k, 2)`` arrays - no Python loop
over frames or strides."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait.metrics.angles import (
    _deg,
    _mid,
    _oriented,
    _wrap,
    ankle_dorsiflexion_deg,
    foot_angle_deg,
    frontal_knee_angle_deg,
    inclination_down_deg,
    inclination_up_deg,
    knee_flexion_deg,
    pelvic_drop_deg,
)
from gait.metrics.registry import (
    strike_pattern,
)
from gait.metrics.sampling import (
    _frame_windows,
    _peak_between,
    _range_between,
    sample_at,
    sample_kink,
    sample_one_sided,
)
from gait.posedata import LANDMARK_INDEX


def stride_metrics(
    xy: np.ndarray,
    strides: pd.DataFrame,
    *,
    view: str,
    direction: np.ndarray | float,
    leg_length_px: np.ndarray | float,
    fps: float = 60.0,
    xy_events: np.ndarray | None = None,
    xy_oscillation: np.ndarray | None = None,
    noise_free: bool = False,
    floor_deg: float = 0.0,
) -> pd.DataFrame:
    """Every metric the view supports, for all strides at once.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned, roll-corrected image coordinates in pixels.
    strides : DataFrame
        One row per stride (see :func:`gait.events.strides_from_events`) with at least
        ``side``, ``ic_pos``, ``ms_pos``, ``to_pos``, ``next_ic_pos``, ``prev_contra_ic_pos``,
        ``next_contra_ic_pos``, ``contact_time_ms``, ``stride_time_s``, ``step_time_s``.
    view : {"side", "rear", "front"}
        The camera view.
    direction : ndarray of shape (n,) or float
        +1 when the runner travels toward image +x (faces right), -1 otherwise
        (side view only).
    leg_length_px : ndarray of shape (n,) or float
        Leg length in pixels (per frame or constant) used to normalise distances; it is
        taken at each stride's initial contact.
    fps : float
        Frame rate in Hz (chooses how values at initial contact are interpolated).
    xy_events : ndarray of shape (n, 33, 2), optional
        Less smoothed landmarks for the values *at* IC and TO, where the signals have
        kinks a strong low-pass would round off (default ``xy``).
    xy_oscillation : ndarray of shape (n, 33, 2), optional
        Lightly filtered landmarks for the vertical oscillation (a range, so a strong
        low-pass shrinks it and raw jitter inflates it; default ``xy``).
    noise_free : bool
        The landmarks carry no measurable noise (the cleaning found nothing to filter):
        values at IC then come from fits that keep the contact's kink (see
        ``_side_metrics``), which would amplify the jitter of pose-model landmarks.
    floor_deg : float
        Slope of the floor line in ``xy``, degrees, positive descending to the right (as
        :attr:`gait.view.ViewInfo.roll_deg`).  The foot's flat reference (ankle
        dorsiflexion, foot strike angle) is its angle to the floor, not to the image
        horizontal: on a treadmill the belt may slope in the picture without the camera
        being tilted (see :attr:`gait.view.ViewInfo.floor_deg`).

    Returns
    -------
    DataFrame
        One row per stride, one column per metric (NaN where it could not be computed)
        plus ``foot_strike_pattern`` in a side view.
    """
    k = len(strides)
    out: dict[str, np.ndarray] = {}
    is_left = (strides["side"].to_numpy() == "left") if k else np.zeros(0, dtype=bool)
    stride = strides["stride_time_s"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cadence_spm"] = 120.0 / stride
    leg_frames = np.broadcast_to(np.asarray(leg_length_px, dtype=float), xy.shape[:1])
    leg = sample_at(leg_frames, strides["ic_pos"].to_numpy(dtype=float)) if k else np.zeros(0)
    if view == "side":
        xy_ev = xy if xy_events is None else xy_events
        xy_vo = xy if xy_oscillation is None else xy_oscillation
        out.update(
            _side_metrics(
                xy,
                xy_ev,
                xy_vo,
                strides,
                is_left,
                direction,
                leg,
                fps,
                noise_free=noise_free,
                floor_deg=floor_deg,
            )
        )
    else:
        out.update(_frontal_metrics(xy, strides, is_left, view, leg))
    df = pd.DataFrame(out, index=strides.index)
    if view == "side":
        df["foot_strike_pattern"] = strike_pattern(df["foot_strike_angle_deg"].to_numpy())
    return df


def _side_metrics(
    xy: np.ndarray,
    xy_ev: np.ndarray,
    xy_vo: np.ndarray,
    strides: pd.DataFrame,
    is_left: np.ndarray,
    direction: np.ndarray | float,
    leg: np.ndarray,
    fps: float,
    *,
    noise_free: bool,
    floor_deg: float = 0.0,
) -> dict[str, np.ndarray]:
    """The side view's metrics per stride (see :func:`stride_metrics`), in the order of
    the stride table's columns: timing, trunk, knee, foot and shank, hip, oscillation,
    overstride."""
    # only the 12 landmarks the kernels read, oriented once: (n, 12, 2), not (n, 33, 2)
    used = [LANDMARK_INDEX[f"{s}_{p}"] for p in _SIDE_POINTS for s in ("left", "right")]
    o = _oriented(xy, direction, used)
    sel = np.where(is_left, 0, 1)
    ic, ic_before, ms, to = _side_samples(
        o, _oriented(xy_ev, direction, used), sel, strides, fps, noise_free=noise_free
    )
    res: dict[str, np.ndarray] = {}
    res["contact_time_ms"] = strides["contact_time_ms"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        res["duty_factor_pct"] = (
            100.0 * res["contact_time_ms"] / 1000.0 / strides["stride_time_s"].to_numpy(dtype=float)
        )
    res["trunk_lean_deg"] = inclination_up_deg(ms["mid_hip"], ms["mid_shoulder"])
    res["knee_flexion_ic_deg"] = knee_flexion_deg(ic["hip"], ic["knee"], ic["ankle"])
    res["knee_flexion_midstance_deg"], res["knee_peak_pos"] = _knee_peak(o, sel, strides, fps)
    res.update(
        _foot_metrics(
            o, sel, strides, is_left, ic, ic_before, ms, direction, fps, floor_deg=floor_deg
        )
    )
    res["hip_extension_to_deg"] = -inclination_down_deg(to["hip"], to["knee"])
    mid_hip_v = -_mid(xy_vo, "left_hip", "right_hip")[:, 1]
    vo = _range_between(
        mid_hip_v,
        strides["ic_pos"].to_numpy(dtype=float),
        strides["next_contra_ic_pos"].to_numpy(dtype=float),
    )
    res["vertical_oscillation_pct_leg"] = 100.0 * vo / leg
    res["overstride_pct_leg"] = 100.0 * (ic["heel"][:, 0] - ic["mid_hip"][:, 0]) / leg
    return res


#: The points the side-view kernels read, each as a (left, right) pair of columns of the
#: oriented array: column ``2 i`` left, ``2 i + 1`` right (see :func:`_side_metrics`).
_SIDE_POINTS = ("hip", "knee", "ankle", "heel", "foot_index", "shoulder")
_SIDE_COL = {p: np.array([2 * i, 2 * i + 1]) for i, p in enumerate(_SIDE_POINTS)}


def _side_samples(
    o: np.ndarray,
    o_ev: np.ndarray,
    sel: np.ndarray,
    strides: pd.DataFrame,
    fps: float,
    *,
    noise_free: bool,
) -> tuple[dict[str, np.ndarray], ...]:
    """The stance leg's points (and the mid-hip and mid-shoulder) of every stride at its
    events, each a dict of (k, 2) arrays: at IC, at IC from the swing side only (for the
    sole), at midstance and at TO.  ``o``, ``o_ev`` (n, 12, 2): the oriented points of
    :data:`_SIDE_POINTS` (angles' and events' landmarks); ``sel`` (k,): 0 left, 1 right."""
    col = _SIDE_COL

    def at(pos_col: str, how: str = "cubic") -> dict[str, np.ndarray]:
        pos = strides[pos_col].to_numpy(dtype=float)
        if how == "cubic":
            s = sample_at(o if pos_col == "ms_pos" else o_ev, pos)  # (k, 12, 2)
        elif how == "kink":
            s = sample_kink(o_ev, pos, n_points=n_kink, degree=2)
        elif how == "swing_line":
            s = sample_one_sided(o_ev, pos, after=False, n_points=n_line)
        else:
            s = sample_one_sided(o_ev, pos, after=how == "after", n_points=n_side)
        rows = np.arange(len(pos))
        pts = {p: s[rows, col[p][sel]] for p in _SIDE_POINTS}
        pts["mid_hip"] = 0.5 * (s[:, col["hip"][0]] + s[:, col["hip"][1]])
        pts["mid_shoulder"] = 0.5 * (s[:, col["shoulder"][0]] + s[:, col["shoulder"][1]])
        return pts

    # Values at IC sit on a kink: the ground stops the foot, so the knee stops extending
    # (about -340 deg/s before contact, +20 after on the synthetic runner), the shank
    # starts rotating forward and the heel stops.  A cubic through the neighbouring
    # frames rounds the kink off (knee +1.5-1.8 deg at 30 fps) and a fit on one side
    # extrapolates its curvature (stance knee -0.3 deg at 120 fps), so the knee, shank
    # and heel come from a two-piece quadratic with its break at IC, about 67 ms a side
    # (at least 3 frames: 3 / 4 / 8 at 30 / 60 / 120 fps; measured on the dense synthetic
    # signals, every 1/20 frame phase: knee, shank and overstride within 0.4 deg / 0.3 %
    # leg at 30 fps).
    # The sole angle is taken from the swing side only: the foot slaps flat within
    # about 40 ms of a heel strike (a frame at 30 fps), so the stance side holds no
    # curve to fit; a least-squares line through the frames of the last ~33 ms before
    # IC (2 at 30 fps, 3 at 60, 5 at 120) extrapolates the swing's sole angle best
    # (quadratics amplified its changing curvature: -0.7 deg mean at 30 fps).
    # Those fits follow every wiggle of their few frames: on pose-model landmarks (10
    # seeds of the noisy synthetic runner, 60 fps) foot strike scattered 3.2 deg rms
    # against 2.2 with the smoother samplers below, and rendered clips through
    # MediaPipe read knee flexion at IC up to 3.6 deg further off.  So they are used
    # only on landmarks the cleaning found noise-free; otherwise the values come from
    # one side of the event (see sample_one_sided): the sole angle from the swing side
    # before IC, the knee, shank and heel from the stance side after it - except below
    # 50 fps, where the stance samples after IC span too much of the stance and a cubic
    # through the neighbouring frames is used instead.
    # Values at TO come from the stance side before it (about 67 ms, at least 3 frames).
    n_side = max(3, round(0.067 * fps))
    if noise_free:
        n_kink = max(3, round(0.067 * fps))
        n_line = 1 + max(1, round(0.033 * fps))
        ic = at("ic_pos", "kink")
        ic_before = at("ic_pos", "swing_line")
    else:
        ic = at("ic_pos", "after" if fps >= 50 else "cubic")
        ic_before = at("ic_pos", "before")
    return ic, ic_before, at("ms_pos"), at("to_pos", "before")


def _knee_peak(
    o: np.ndarray, sel: np.ndarray, strides: pd.DataFrame, fps: float
) -> tuple[np.ndarray, np.ndarray]:
    """(knee flexion at midstance, its frame position) per stride: the stance's peak.

    METRICS.md: "peak in stance"; the synthetic runner's peak is at the middle of
    stance.  Near the peak the knee hardly moves, so a midstance event a frame off no
    longer moves the value with it."""
    col = _SIDE_COL
    knee = knee_flexion_deg(
        o[:, col["hip"]].reshape(-1, 2),
        o[:, col["knee"]].reshape(-1, 2),
        o[:, col["ankle"]].reshape(-1, 2),
    ).reshape(-1, 2)
    return _peak_between(
        knee,
        sel,
        strides["ic_pos"].to_numpy(dtype=float),
        strides["to_pos"].to_numpy(dtype=float),
        max_frames=round(0.6 * fps),
        half_width=max(1, round(0.033 * fps)),
    )


def _foot_metrics(
    o: np.ndarray,
    sel: np.ndarray,
    strides: pd.DataFrame,
    is_left: np.ndarray,
    ic: dict[str, np.ndarray],
    ic_before: dict[str, np.ndarray],
    ms: dict[str, np.ndarray],
    direction: np.ndarray | float,
    fps: float,
    *,
    floor_deg: float,
) -> dict[str, np.ndarray]:
    """The foot's and shank's metrics: the flat-foot offset, ankle dorsiflexion at
    midstance, shank angle at IC and the foot strike angle, in that order."""
    # The foot line is referenced to the foot's own midstance (foot-flat) angle, per side:
    # BlazePose's heel and foot-index points do not lie on the sole line (at midstance,
    # when the sole is flat, the line reads 5-14 deg toe-down: rendered runners and the
    # real treadmill clip), which read dorsiflexion and the foot strike angle that much
    # too low.  Subtracting a flat-foot reference angle is the usual 2D correction of a
    # marker offset (Altman & Davis 2012 subtract the standing foot angle).
    # ... against the floor line: its angle in the oriented frame (toe up +) per stride
    col = _SIDE_COL
    res: dict[str, np.ndarray] = {}
    floor = np.zeros(len(strides))
    if floor_deg != 0 and len(strides):
        d = np.broadcast_to(np.asarray(direction, dtype=float), o.shape[:1])
        rows = np.clip(np.rint(strides["ms_pos"].to_numpy(dtype=float)), 0, o.shape[0] - 1)
        floor = -np.sign(d[rows.astype(int)]) * floor_deg
    offset = foot_flat_offset_deg(
        foot_angle_deg(ms["heel"], ms["foot_index"]) - floor, strides, is_left
    )
    res["foot_flat_offset_deg"] = offset
    res["ankle_dorsiflexion_midstance_deg"] = _wrap(
        ankle_dorsiflexion_deg(ms["knee"], ms["ankle"], ms["heel"], ms["foot_index"]) - offset
    )
    res["shank_angle_ic_deg"] = inclination_down_deg(ic["knee"], ic["ankle"])
    # The foot strike angle has its own reference: the foot line where the foot is
    # flattest early in stance (see _foot_flat_angle_deg), not at midstance - a runner
    # who lands flat and lifts the heel before midstance read as a rearfoot striker.
    flat = _foot_flat_angle_deg(
        o[:, col["heel"]], o[:, col["foot_index"]], sel, strides, ms, max_frames=round(0.3 * fps)
    )
    res["foot_strike_angle_deg"] = _wrap(
        foot_angle_deg(ic_before["heel"], ic_before["foot_index"])
        - floor
        - foot_flat_offset_deg(flat - floor, strides, is_left)
    )
    return res


def _foot_flat_angle_deg(
    heel: np.ndarray,
    toe: np.ndarray,
    sel: np.ndarray,
    strides: pd.DataFrame,
    at_ms: dict[str, np.ndarray],
    *,
    max_frames: int,
) -> np.ndarray:
    """Per stride, the foot line's angle (heel -> toe, toe up +) where the foot is
    flattest: at the frame from the contact to midstance (at most ``max_frames`` after
    the contact) where it is lowest (the mean height of heel and toe); its angle at
    midstance (``at_ms``) where no frame qualifies.

    ``heel``, ``toe`` (n, 2, 2): oriented (y up) points of the left and right foot;
    ``sel`` (k,): 0 left, 1 right.  A rearfoot striker's foot is flat from about 15 % to
    60 % of the stance, so midstance would do; a runner who lands flat or on the
    forefoot may set the heel down only briefly.  On the motion capture
    (``tests/test_mocap.py``) the heel is lowest 10-15 % into the stance and 28 mm
    higher at midstance: referenced to midstance the flat landing (markers -0.4 to +1.6
    deg) read +9.8 deg, "rearfoot"; referenced here, 1.7 deg, "midfoot".  Through
    MediaPipe the foot line of the rendered runners tilts toe-down through stance on a
    flat foot: over the 12 rendered side clips (four runners at 30, 60 and 120 fps) the
    foot strike angle's mean absolute error went 3.7 -> 3.3 deg, its mean -1.3 -> -3.0.
    The dorsiflexion at midstance keeps the midstance reference, which cancels the
    landmarks' offset at the same moment (with this one, 4.8 -> 5.1 deg mean absolute
    error on the four 30-fps clips).
    """
    n, k = heel.shape[0], len(strides)
    _, _, grid, inside = _frame_windows(
        strides["ic_pos"].to_numpy(dtype=float),
        strides["ms_pos"].to_numpy(dtype=float),
        n,
        max_frames=max_frames,
    )
    g = np.clip(grid, 0, max(n - 1, 0))
    h, t = heel[g, sel[:, None]], toe[g, sel[:, None]]  # (k, width, 2)
    height = 0.5 * (h[..., 1] + t[..., 1])
    height = np.where(inside & np.isfinite(height), height, np.inf)
    best = np.argmin(height, axis=1)
    rows = np.arange(k)
    found = np.isfinite(height[rows, best])
    angle = foot_angle_deg(h[rows, best], t[rows, best])
    return np.asarray(np.where(found, angle, foot_angle_deg(at_ms["heel"], at_ms["foot_index"])))


#: Largest foot-line angle at midstance taken as the landmarks' flat-foot offset; beyond
#: it the foot is not flat at midstance (or is misplaced) and no offset is applied.
MAX_FOOT_OFFSET_DEG = 20.0


def foot_flat_offset_deg(
    foot_ms_deg: np.ndarray, strides: pd.DataFrame, is_left: np.ndarray
) -> np.ndarray:
    """Per stride, its side's flat-foot reference: the median foot-line angle (heel ->
    toe vs floor, toe up +) at midstance over that side's valid strides (all of its
    strides when fewer than 2 are valid); 0 when it is unknown or beyond
    :data:`MAX_FOOT_OFFSET_DEG`."""
    valid = (
        strides["valid"].to_numpy(dtype=bool)
        if "valid" in strides
        else np.ones(len(strides), dtype=bool)
    )
    out = np.zeros(len(strides))
    for side_mask in (is_left, ~is_left):
        vals = foot_ms_deg[side_mask & valid]
        vals = vals[np.isfinite(vals)]
        if vals.size < 2:
            vals = foot_ms_deg[side_mask]
            vals = vals[np.isfinite(vals)]
        ref = float(np.median(vals)) if vals.size else 0.0
        out[side_mask] = ref if abs(ref) <= MAX_FOOT_OFFSET_DEG else 0.0
    return out


_FRONT = ("hip", "knee", "ankle")


def _frontal_metrics(
    xy: np.ndarray, strides: pd.DataFrame, is_left: np.ndarray, view: str, leg: np.ndarray
) -> dict[str, np.ndarray]:
    rows = np.arange(len(strides))
    # Image direction (+1 = +x) of the runner's left: image-left from behind.
    left_dir = -1.0 if view == "rear" else 1.0
    own = np.where(is_left, 1.0, -1.0) * left_dir  # image direction of the stance side
    sel = np.where(is_left, 0, 1)
    li = {p: [LANDMARK_INDEX[f"left_{p}"], LANDMARK_INDEX[f"right_{p}"]] for p in _FRONT}

    def pick(s: np.ndarray, part: str, other: bool = False) -> np.ndarray:
        idx = np.asarray(li[part])[1 - sel if other else sel]
        return np.asarray(s[rows, idx])

    ms = sample_at(xy, strides["ms_pos"].to_numpy(dtype=float))
    ic = sample_at(xy, strides["ic_pos"].to_numpy(dtype=float))
    nxt = sample_at(xy, strides["next_contra_ic_pos"].to_numpy(dtype=float))
    res: dict[str, np.ndarray] = {}
    res["pelvic_drop_deg"] = pelvic_drop_deg(pick(ms, "hip"), pick(ms, "hip", other=True))
    res["knee_valgus_deg"] = frontal_knee_angle_deg(
        pick(ms, "hip"), pick(ms, "knee"), pick(ms, "ankle"), -own
    )
    mid_ic = _mid(ic, "left_hip", "right_hip")
    res["step_width_pct_leg"] = 100.0 * (pick(ic, "ankle")[:, 0] - mid_ic[:, 0]) * own / leg
    this_x, next_x = pick(ic, "ankle")[:, 0], pick(nxt, "ankle", other=True)[:, 0]
    left_x = np.where(is_left, this_x, next_x)
    right_x = np.where(is_left, next_x, this_x)
    res["step_width_between_pct_leg"] = 100.0 * (left_x - right_x) * left_dir / leg
    d = _mid(ms, "left_shoulder", "right_shoulder") - _mid(ms, "left_hip", "right_hip")
    res["lateral_trunk_lean_deg"] = _deg(np.arctan2(d[:, 0], -d[:, 1])) * own
    return res
