"""Which way the camera looks at the runner, decided once per clip.

:func:`detect_view` answers: side (facing image-left or image-right), rear or front;
treadmill or overground; the camera roll; and, in a side view, whether the runner turns
round (the clip is then split into segments of constant facing and strides across a turn
are invalidated, never averaged).  Every answer has a confidence and can be overridden.

Cues (METRICS.md §1-2):

* side vs frontal - shoulder and hip widths in the image relative to the torso length
  (near zero from the side) and the fore-aft excursion of the ankles (large from the side);
* rear vs front - MediaPipe labels the runner's own left/right, so the runner's left
  shoulder is on image-left from behind and on image-right from the front;
* facing - toes ahead of heels and nose ahead of the ears, by majority over the clip
  (never frame by frame: Sports2D issues #35, #39); overground, the pelvis progression
  (:mod:`gait.facing`);
* treadmill vs overground - the pelvis crosses the image (side) or the runner's image
  size changes (rear/front) overground;
* roll - side view: a line through the feet's lowest points during stance (the floor),
  between contacts overground, along the sliding stance foot on a treadmill (trusted only
  when large: :mod:`gait.floor`);
  frontal view: the median trunk inclination (lateral lean alternates about zero).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gait.clean import CORE_LANDMARKS
from gait.errors import ConfigError
from gait.facing import nanmedian as _nanmedian
from gait.facing import side_facing
from gait.floor import SLIDE_NOTE_DEG, FloorLine, floor_roll_deg
from gait.posedata import LANDMARK_INDEX, PoseData
from gait.posedata import point as _pt

VIEW_CHOICES = ("side", "side_left", "side_right", "rear", "front")


@dataclass(frozen=True)
class ViewInfo:
    """The camera view of one clip.

    Attributes
    ----------
    kind : {"side", "rear", "front"}
    facing : {"left", "right"} or None
        Image direction the runner faces (side view; the dominant one if they turn).
    setting : {"treadmill", "overground"}
    confidence : float
        0-1, the weakest of the kind / facing / setting decisions.
    roll_deg : float
        Camera roll estimated from the floor line (image rotated by ``-roll_deg`` to
        level it), degrees, positive = floor line descending to the right; 0 when the
        estimate is too small or not trusted (see :mod:`gait.floor`).  The angles are
        measured on landmarks levelled by it.
    direction : ndarray of shape (n,)
        +1 where the runner faces image +x, -1 where they face -x (side view), 0 else.
    segments : list of dict
        Runs of constant facing: ``start_frame``, ``stop_frame`` (exclusive), ``facing``.
    turn_frames : ndarray of shape (n,) bool
        Frames near a turn (strides containing them are invalid).
    overridden : bool
        The kind/facing came from the caller.
    notes : list of str
        Human-readable warnings (turns, low confidence, a floor line not trusted).
    details : dict of str to float
        The cues behind the answers; in a side view also the floor line
        (:class:`gait.floor.FloorLine`): ``roll_estimate_deg`` (before the decision to
        use it; NaN without evidence), ``roll_confidence``, ``roll_uncertainty_deg``,
        ``roll_from_steps`` (1 = between contacts, overground) and ``floor_spread``.
    floor_deg : float or None
        Slope of the floor line the feet are levelled by to time the events, degrees
        (same convention); None: ``roll_deg``.  It differs from ``roll_deg`` on a
        treadmill whose belt line slopes by less than that estimate's bias: the slope
        may be the belt seen in perspective rather than a tilted camera, so the angles
        are not turned by it (:attr:`gait.floor.FloorLine.is_camera_roll`).
    """

    kind: str
    facing: str | None
    setting: str
    confidence: float
    roll_deg: float
    direction: np.ndarray
    segments: list[dict[str, Any]] = field(default_factory=list)
    turn_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    overridden: bool = False
    notes: list[str] = field(default_factory=list)
    details: dict[str, float] = field(default_factory=dict)
    floor_deg: float | None = None

    @property
    def events_roll_deg(self) -> float:
        """The rotation that levels the floor line for the events (``floor_deg``)."""
        return self.roll_deg if self.floor_deg is None else self.floor_deg

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no per-frame arrays)."""
        return {
            "kind": self.kind,
            "facing": self.facing,
            "setting": self.setting,
            "confidence": round(float(self.confidence), 3),
            "roll_deg": round(float(self.roll_deg), 2),
            "floor_deg": round(float(self.events_roll_deg), 2),
            "overridden": self.overridden,
            "segments": self.segments,
        }


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of ``y`` on ``x`` (centred sums; ``np.polyfit(x, y, 1)[0]``)."""
    dx = x - x.mean()
    return float(dx @ (y - y.mean()) / (dx @ dx))


def _sigmoid_conf(margin: float, scale: float) -> float:
    """Map a signed margin to a confidence in [0.5, 1)."""
    if not np.isfinite(margin):
        return 0.0
    return float(0.5 + 0.5 * np.tanh(abs(margin) / scale))


def rotate_image(
    xy: np.ndarray,
    roll_deg: float,
    center: tuple[float, float],
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Rotate image points by ``-roll_deg`` about ``center`` (levels a rolled camera).

    Parameters
    ----------
    xy : ndarray of shape (..., 2)
    roll_deg : float
    center : (float, float)
    out : ndarray of shape (..., 2), optional
        Where to write the result; may be ``xy`` itself (in place, no full-size copy).

    Returns
    -------
    ndarray of shape (..., 2)
    """
    if out is None:
        out = np.empty_like(xy)
    if roll_deg == 0:
        if out is not xy:
            out[...] = xy
        return out
    a = np.radians(-roll_deg)
    c, s = float(np.cos(a)), float(np.sin(a))
    cx, cy = float(center[0]), float(center[1])
    x, y, ox, oy = xy[..., 0], xy[..., 1], out[..., 0], out[..., 1]
    if x.ndim == 0:
        x, y, ox, oy = (v.reshape(1) for v in (x, y, ox, oy))
    # in blocks of frames, so the temporaries stay in cache (out may be xy itself: each
    # block is read before it is written)
    step = max(1, _ROTATE_BLOCK // max(1, x[0].size))
    for start in range(0, x.shape[0], step):
        b = slice(start, start + step)
        dx = np.subtract(x[b], cx)
        dy = np.subtract(y[b], cy)
        u = np.multiply(dx, c)
        v = np.multiply(dy, s)
        np.subtract(u, v, out=u)
        np.add(u, cx, out=ox[b])  # c dx - s dy + cx
        np.multiply(dx, s, out=u)
        np.multiply(dy, c, out=v)
        np.add(u, v, out=u)
        np.add(u, cy, out=oy[b])  # s dx + c dy + cy
    return out


#: Points rotated per block by :func:`rotate_image`.
_ROTATE_BLOCK = 32_768


def level_pose(pose: PoseData, roll_deg: float) -> PoseData:
    """Copy of ``pose`` with the image landmarks rotated to level the floor."""
    if roll_deg == 0:
        return pose
    image = pose.image_px.copy()
    image[..., :2] = rotate_image(image[..., :2], roll_deg, (pose.width / 2, pose.height / 2))
    return dataclasses.replace(pose, image_px=image)


#: Refinement passes of the floor-line roll estimate.
ROLL_PASSES = 3
#: Rolls smaller than this are not corrected: a floor line this little off level may as
#: well come from a path not quite parallel to the image plane or from the pose model's
#: bias on the feet, and levelling by it would tilt every angle measured against the
#: vertical (trunk lean, shank) by that much.
ROLL_MIN_DEG = 2.0


class _CoreLeveller:
    """Landmarks of ``xy`` (n, 33, 2) levelled by a roll, for the view cues.

    :meth:`level` gives the core landmarks levelled, NaN elsewhere (the cues read nothing
    else); :meth:`feet` only the heels and toes (all the floor line reads), 0 elsewhere.
    A roll of 0 returns ``xy`` itself.  Other rolls rotate landmark by landmark into
    landmark-major buffers (contiguous per landmark, like the cleaned pose), allocated
    once; the feet buffer starts as zeros, whose untouched pages cost nothing.
    """

    def __init__(self, xy: np.ndarray, centre: tuple[float, float]) -> None:
        self.xy, self.centre = xy, centre
        self.core_buf: np.ndarray | None = None
        self.feet_buf: np.ndarray | None = None

    def level(self, roll: float) -> np.ndarray:
        if roll == 0:
            return self.xy
        n, n_lm = self.xy.shape[:2]
        core = [LANDMARK_INDEX[name] for name in CORE_LANDMARKS]
        if self.core_buf is None:
            buf = np.empty((n_lm, 2, n))
            buf[np.setdiff1d(np.arange(n_lm), core)] = np.nan
            self.core_buf = np.moveaxis(buf, -1, 0)
        return self._rotate(roll, core, self.core_buf)

    def feet(self, roll: float) -> np.ndarray:
        if roll == 0:
            return self.xy
        n, n_lm = self.xy.shape[:2]
        if self.feet_buf is None:
            self.feet_buf = np.moveaxis(np.zeros((n_lm, 2, n)), -1, 0)
        return self._rotate(roll, _FEET, self.feet_buf)

    def _rotate(self, roll: float, landmarks: Sequence[int], buf: np.ndarray) -> np.ndarray:
        for i in landmarks:
            rotate_image(self.xy[:, i], roll, self.centre, out=buf[:, i])
        return buf


#: The landmarks :func:`floor_roll_deg` reads (heels and toes).
_FEET = [LANDMARK_INDEX[f"{s}_{p}"] for s in ("left", "right") for p in ("heel", "foot_index")]


def _side_roll(leveller: _CoreLeveller, leg_px: float, fps: float) -> FloorLine:
    """The floor line refined on the feet levelled by the roll so far (contacts are picked
    against a rolling floor level, cleaner once levelled); ``roll_deg`` is the total.
    Beyond 20 deg it is no answer (NaN)."""
    roll = 0.0
    line = FloorLine(np.nan, "none", 0.0, 0, np.inf, np.nan)
    for _ in range(ROLL_PASSES):
        line = floor_roll_deg(leveller.feet(roll), leg_length=leg_px, fps=fps)
        step = line.roll_deg
        if not np.isfinite(step):
            break
        roll += step
        if abs(step) < 0.05:
            break
    if line.method == "none" or abs(roll) > 20:
        return dataclasses.replace(line, roll_deg=np.nan)
    # A slide still moving in its last pass has not settled: it is uncertain by that
    # much more.  A tilted belt line converges (each pass takes back about 60 % of
    # what is left: an exact 7-deg roll's last pass moves 0.1-0.9 deg), while the
    # stance feet of the real garage treadmill clip trace no straight line - their
    # lowest points sag in the middle of stance - and each pass, picking the frames
    # near the levelled floor, tilts the line on: its 4- and 6-s parts read +0.2 to
    # +6.5 deg (up to +4.3 where the feet agree), still moving up to 1.6 deg in the
    # last pass.  Two of them (+4.0 and +4.3 deg, moving 1.0 deg) were taken as a
    # camera roll, and their trunk lean read 7.0-7.4 deg against 2.5 on the whole clip
    # (``benchmarks/window_stability.py``; now 2.7 and 3.4).
    unsettled = abs(step) if line.method == "slide" else 0.0  # a slide's roll is finite
    return dataclasses.replace(
        line, roll_deg=roll, uncertainty_deg=line.uncertainty_deg + unsettled
    )


def _floor_details(floor: FloorLine | None) -> dict[str, float]:
    """The side-view floor line for ``ViewInfo.details`` (nothing in a frontal view)."""
    if floor is None:
        return {}
    return {
        "roll_estimate_deg": floor.roll_deg,
        "roll_confidence": floor.confidence,
        "roll_uncertainty_deg": floor.uncertainty_deg,
        "roll_from_steps": float(floor.method == "steps"),
        "floor_spread": floor.spread,
        "roll_feet_disagree_deg": floor.feet_disagree_deg,
    }


def detect_view(
    pose: PoseData,
    *,
    view: str | None = None,
    setting: str | None = None,
    min_turn_s: float = 1.0,
    turn_margin_s: float = 0.5,
    level: bool = True,
) -> ViewInfo:
    """Detect the camera view, facing, setting, roll and turns of a clip.

    Parameters
    ----------
    pose : PoseData
        Cleaned landmarks.
    view : {"side", "side_left", "side_right", "rear", "front"}, optional
        Override of the view (and facing for ``side_left`` / ``side_right``).
    setting : {"treadmill", "overground"}, optional
        Override of the setting.
    min_turn_s : float
        A facing must hold this long (seconds) to count as a segment.
    turn_margin_s : float
        Frames within this time of a turn are flagged.
    level : bool
        Level a side view by its floor line.  False for a camera that moves
        (:mod:`gait.sway`): it rolls as it sways, and the belt line read off its
        steadied landmarks sloped up to 15 deg on level treadmills (floor line details
        kept, roll 0).

    Returns
    -------
    ViewInfo
    """
    if view is not None and view not in VIEW_CHOICES:
        raise ConfigError(f"view must be one of {VIEW_CHOICES}, found {view!r}")
    if setting is not None and setting not in ("treadmill", "overground"):
        raise ConfigError(f"setting must be 'treadmill' or 'overground', found {setting!r}")
    xy = pose.image_px[:, :, :2]
    n = xy.shape[0]
    notes: list[str] = []
    mid_hip = 0.5 * (_pt(xy, "left_hip") + _pt(xy, "right_hip"))
    mid_sh = 0.5 * (_pt(xy, "left_shoulder") + _pt(xy, "right_shoulder"))
    torso = _nanmedian(np.linalg.norm(mid_sh - mid_hip, axis=1))
    # scale: the longer leg's median hip-to-ankle distance (in a side view the nearer
    # leg; the left leg's alone made the floor line and the travel scale hang on which
    # leg is labelled left, and read a right-facing runner by its far leg), else 1.6
    # torsos
    legs = [
        _nanmedian(np.linalg.norm(_pt(xy, f"{s}_hip") - _pt(xy, f"{s}_ankle"), axis=1))
        for s in ("left", "right")
    ]
    scale = float(np.nanmax(legs)) if np.isfinite(legs).any() else torso * 1.6
    if not (np.isfinite(torso) and torso > 0):
        return ViewInfo(
            kind=(view or "side").split("_")[0],
            facing=None if view is None or "_" not in view else view.split("_")[1],
            setting=setting or "treadmill",
            confidence=0.0,
            roll_deg=0.0,
            direction=np.zeros(n),
            turn_frames=np.zeros(n, dtype=bool),
            overridden=view is not None,
            notes=["no usable torso landmarks: view could not be detected"],
        )
    kind, kind_conf, cues = _view_kind(xy, mid_hip, torso, view)
    # only the core landmarks are levelled here: the cues below read nothing else
    leveller = _CoreLeveller(xy, (pose.width / 2, pose.height / 2))
    floor: FloorLine | None = None
    floor_deg: float | None = None
    if kind == "side":
        floor = _side_roll(leveller, scale, pose.fps)
        if level:
            roll, floor_deg, roll_notes = _side_view_roll(floor)
            notes += roll_notes
        else:
            roll = 0.0
    else:
        d = mid_sh - mid_hip
        roll = _nanmedian(np.degrees(np.arctan2(d[:, 0], -d[:, 1])))
        roll = roll if np.isfinite(roll) and abs(roll) < 20 else 0.0
    lev = leveller.level(roll if floor_deg is None else floor_deg)
    lev_hip = 0.5 * (_pt(lev, "left_hip") + _pt(lev, "right_hip"))
    det_setting, set_conf, travel = _setting(pose, kind, lev_hip, mid_hip, mid_sh, scale, setting)
    if kind == "side":
        direction, segments, facing, face_conf, turn = side_facing(
            lev, lev_hip, pose, det_setting, view, min_turn_s, turn_margin_s
        )
        if len(segments) > 1:
            notes.append(
                f"the runner changes direction {len(segments) - 1} time(s); the clip is "
                "split into segments of constant facing and strides across a turn are "
                "not used"
            )
            if setting is None and det_setting == "treadmill":
                # nobody turns round on a treadmill: the runner's travel cancelled out
                # over the clip (there and back), or a panning camera followed them
                det_setting, set_conf = "overground", 0.75
    else:
        direction, turn = np.zeros(n), np.zeros(n, dtype=bool)
        segments, facing, face_conf = [], None, 1.0
    conf = float(min(kind_conf, set_conf, face_conf))
    if conf < 0.6:
        notes.append(f"view detection is uncertain (confidence {conf:.2f}); pass --view to set it")
    return ViewInfo(
        kind=kind,
        facing=facing,
        setting=det_setting,
        confidence=conf,
        roll_deg=float(roll),
        direction=direction,
        segments=segments,
        turn_frames=turn,
        overridden=view is not None,
        notes=notes,
        floor_deg=floor_deg,
        details={
            "width_ratio": cues["width_ratio"],
            "travel": float(travel),
            "lr_sign": cues["lr_sign"],
            "excursion": cues["excursion"],
            **_floor_details(floor),
        },
    )


def _view_kind(
    xy: np.ndarray, mid_hip: np.ndarray, torso: float, view: str | None
) -> tuple[str, float, dict[str, float]]:
    """(side, rear or front; its confidence; the cues: the shoulders' and hips' width over
    the torso length, the sign of left minus right, the ankles' fore-aft excursion)."""
    width = (
        np.abs(_pt(xy, "left_shoulder")[:, 0] - _pt(xy, "right_shoulder")[:, 0])
        + np.abs(_pt(xy, "left_hip")[:, 0] - _pt(xy, "right_hip")[:, 0])
    ) / (2 * torso)
    width_ratio = _nanmedian(width)
    lr = _nanmedian(
        (_pt(xy, "left_shoulder")[:, 0] - _pt(xy, "right_shoulder")[:, 0])
        + (_pt(xy, "left_hip")[:, 0] - _pt(xy, "right_hip")[:, 0])
    )
    # fore-aft excursion of the ankles about the pelvis, in torso lengths: large from the
    # side (the feet swing ahead and behind), small from behind or in front
    ank = np.concatenate(
        [_pt(xy, "left_ankle")[:, 0] - mid_hip[:, 0], _pt(xy, "right_ankle")[:, 0] - mid_hip[:, 0]]
    )
    ank = ank[np.isfinite(ank)]
    excursion = float(np.subtract(*np.percentile(ank, [90, 10])) / torso) if ank.size else 0.0
    # Width is the primary cue: near zero from the side whatever the legs do (a runner
    # with a short, under-the-body swing has a small ankle excursion, and a dominant
    # excursion term used to call such a side view "rear").  Measured: side views
    # 0.03-0.17, rear views 0.42-0.55 (sample and real clips).  Each cue's margin is
    # clipped to [-1, 1] so neither can overrule a clear answer from the other alone.
    width_margin = float(np.clip((0.28 - width_ratio) / 0.28, -1.0, 1.0))
    exc_margin = float(np.clip((excursion - 0.6) / 0.6, -1.0, 1.0))
    kind_margin = 0.6 * width_margin + 0.4 * exc_margin
    if view is None:
        kind = "side" if kind_margin > 0 else ("front" if lr > 0 else "rear")
        kind_conf = _sigmoid_conf(kind_margin, 0.25)
    else:
        kind, kind_conf = view.split("_")[0], 1.0
    return kind, kind_conf, {"width_ratio": width_ratio, "lr_sign": lr, "excursion": excursion}


def _side_view_roll(floor: FloorLine) -> tuple[float, float, list[str]]:
    """(camera roll the angles are levelled by, the floor line's slope the feet are
    levelled by, notes) of a side view from its floor line."""
    notes = []
    roll = floor.roll_deg if floor.trusted and abs(floor.roll_deg) >= ROLL_MIN_DEG else 0.0
    # the feet are levelled by the floor line; the angles only by a camera roll
    floor_deg = roll
    roll = roll if floor.is_camera_roll else 0.0
    if floor_deg != roll:
        notes.append(
            f"the treadmill belt slopes {floor_deg:+.1f} deg in the picture: steps are "
            "timed along it, but angles are measured against the picture's vertical, as "
            f"a slope under {floor.uncertainty_deg:.1f} deg may be perspective rather than "
            "a tilted camera (level the camera to be sure)"
        )
    if floor.method == "slide" and not floor.trusted and abs(floor.roll_deg) >= SLIDE_NOTE_DEG:
        notes.append(
            f"the floor line slopes {floor.roll_deg:+.1f} deg, but the feet disagree on "
            "it and on a treadmill the pose model's foot errors can fake a slope: the "
            "camera roll is not corrected"
        )
    return roll, floor_deg, notes


def _setting(
    pose: PoseData,
    kind: str,
    lev_hip: np.ndarray,
    mid_hip: np.ndarray,
    mid_sh: np.ndarray,
    scale: float,
    setting: str | None,
) -> tuple[str, float, float]:
    """(treadmill or overground, its confidence, the travel cue): from the side the
    levelled hips' travel in ``scale`` (leg) lengths per second, from behind or in front
    the torso's relative change of size per second."""
    n = pose.n_frames
    duration = float(pose.time_s[-1] - pose.time_s[0]) if n > 1 else 0.0
    ok = np.isfinite(lev_hip[:, 0])
    if kind == "side" and ok.sum() > 2 and duration > 0:
        travel = _slope(pose.time_s[ok], lev_hip[ok, 0]) / scale
        set_margin = abs(travel) - 1.0  # leg lengths per second
    else:
        size = np.linalg.norm(mid_sh - mid_hip, axis=1)
        okz = np.isfinite(size) & (size > 0)
        travel = _slope(pose.time_s[okz], np.log(size[okz])) if okz.sum() > 2 else 0.0
        set_margin = abs(travel) - 0.08  # relative size change per second
    det_setting = "overground" if set_margin > 0 else "treadmill"
    set_conf = _sigmoid_conf(set_margin, 0.3 if kind == "side" else 0.03)
    if setting is not None:
        det_setting, set_conf = setting, 1.0
    return det_setting, set_conf, travel
