"""Key frames: a representative contact and midstance frame per side, annotated.

:func:`pick_key_frames` chooses, per side and event (IC, MS), a typical valid stride:
the earliest one whose value of the event's main metric is among the half closest to
that side's median (typical, not extreme; early, so that only the start of a long clip
is decoded).  :func:`render_key_frames` decodes just those frames (one pass over the
start of the clip, stopping after the last one needed), draws the skeleton of the
cleaned landmarks and the measured angles (arc + number) with OpenCV, and returns PNGs.

The cleaned landmarks are roll-levelled (:func:`gait.view.level_pose`); drawings are
made in that levelled frame and rotated back onto the image, so "vertical" on a key
frame is the floor's vertical, not the camera's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gait.metrics import METRICS
from gait.report.draw import Canvas, draw_angle, draw_skeleton
from gait.view import rotate_image

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

EVENT_NAMES = {"ic": "contact", "ms": "midstance", "to": "toe-off"}

#: Main metric of each event per view: chooses the representative stride.
KEY_METRIC = {
    ("side", "ic"): "knee_flexion_ic_deg",
    ("side", "ms"): "knee_flexion_midstance_deg",
    ("frontal", "ic"): "step_width_pct_leg",
    ("frontal", "ms"): "pelvic_drop_deg",
}
#: Angles drawn on each key frame (metric names), per view and event.
DRAWN = {
    ("side", "ic"): ("knee_flexion_ic_deg", "shank_angle_ic_deg"),
    ("side", "ms"): ("knee_flexion_midstance_deg", "trunk_lean_deg"),
    ("frontal", "ic"): (),
    ("frontal", "ms"): ("pelvic_drop_deg", "knee_valgus_deg"),
}
#: Values written in the caption box only (no arc).
LISTED = {
    ("side", "ic"): ("foot_strike_angle_deg", "overstride_pct_leg"),
    ("side", "ms"): ("ankle_dorsiflexion_midstance_deg",),
    ("frontal", "ic"): ("step_width_pct_leg",),
    ("frontal", "ms"): ("lateral_trunk_lean_deg",),
}


@dataclass(frozen=True)
class KeyFramePick:
    """Which frame shows a representative event of one side.

    ``row`` indexes the pose arrays; ``video_frame`` is the decoded frame number;
    ``values`` maps metric name -> the stride's value; ``at_knee_peak``: the frame is
    the stance's peak knee flexion (the side view's knee at midstance), not the event's.
    """

    side: str
    event: str
    stride: int
    row: int
    video_frame: int
    time_s: float
    values: dict[str, float] = field(default_factory=dict)
    at_knee_peak: bool = False

    @property
    def name(self) -> str:
        """The event's name as shown, e.g. "midstance, knee most bent"."""
        return EVENT_NAMES[self.event] + (", knee most bent" if self.at_knee_peak else "")


@dataclass(frozen=True)
class KeyFrame:
    """An annotated key frame: :class:`KeyFramePick` plus the PNG and its size."""

    pick: KeyFramePick
    png: bytes
    width: int
    height: int

    @property
    def caption(self) -> str:
        p = self.pick
        return f"{p.side} foot, {p.name} (stride {p.stride}, t = {p.time_s:.2f} s)"


def _family(view: str) -> str:
    return "side" if view == "side" else "frontal"


def pick_key_frames(
    result: AnalysisResult, *, events: Sequence[str] = ("ic", "ms")
) -> list[KeyFramePick]:
    """Representative IC and MS frames per side from the valid strides (the earliest of
    the half of the strides closest to the side's median of the event's main metric).

    Parameters
    ----------
    result : AnalysisResult
    events : sequence of {"ic", "ms"}

    Returns
    -------
    list of KeyFramePick
        Ordered left IC, left MS, right IC, right MS; a side without valid strides is
        left out.
    """
    strides = result.strides
    if strides.empty or result.view.kind not in ("side", "rear", "front"):
        return []
    fam = _family(result.view.kind)
    n = result.pose.n_frames
    picks: list[KeyFramePick] = []
    for side in ("left", "right"):
        s = strides.loc[(strides["side"] == side) & strides["valid"].astype(bool)]
        for ev in events:
            pos = s[f"{ev}_pos"].to_numpy(dtype=float) if len(s) else np.zeros(0)
            ok = np.isfinite(pos) & (pos >= 0) & (pos <= n - 1)
            if not ok.any():
                continue
            key = KEY_METRIC[(fam, ev)]
            vals = s[key].to_numpy(dtype=float) if key in s else np.full(len(s), np.nan)
            cand = ok & np.isfinite(vals)
            if cand.any():
                dev = np.where(cand, np.abs(vals - np.median(vals[cand])), np.inf)
                # the typical half: within the median distance from the median
                typical = dev <= np.median(dev[cand])
            else:
                typical = ok
            # the earliest typical stride: only the clip's start has to be decoded
            i = int(np.flatnonzero(typical)[np.argmin(pos[typical])])
            rec = s.iloc[i]
            at = float(pos[i])
            # the side view's knee at midstance is the stance's peak: show that frame
            peak = np.nan
            if (fam, ev) == ("side", "ms"):
                peak = float(rec.get("knee_peak_pos", np.nan))
            at_peak = bool(np.isfinite(peak) and 0 <= peak <= n - 1)
            row = round(peak if at_peak else at)
            names = DRAWN[(fam, ev)] + LISTED[(fam, ev)]
            values = {m: float(rec[m]) for m in names if m in s and np.isfinite(float(rec[m]))}
            picks.append(
                KeyFramePick(
                    side=side,
                    event=ev,
                    stride=int(rec["stride"]),
                    row=row,
                    video_frame=int(result.pose.frame_index[row]),
                    time_s=float(result.pose.time_s[row]),
                    values=values,
                    at_knee_peak=at_peak,
                )
            )
    return picks


# ----------------------------------------------------------------------- drawing
def header_band(width: int, lines: Sequence[str], *, font_scale: float, thick: int) -> np.ndarray:
    """A dark BGR band of ``width`` pixels holding lines of text (the frame's caption)."""
    import cv2

    font = cv2.FONT_HERSHEY_SIMPLEX
    lh = max(cv2.getTextSize(t, font, font_scale, thick)[0][1] for t in lines) + 8 * thick
    band = np.full((lh * len(lines) + 6, width, 3), 32, dtype=np.uint8)
    for i, t in enumerate(lines):
        color = (255, 255, 255) if i == 0 else (200, 200, 200)
        cv2.putText(band, t, (6, (i + 1) * lh - 2), font, font_scale, color, thick, cv2.LINE_AA)
    return band


def annotate_frame(
    bgr: np.ndarray,
    result: AnalysisResult,
    pick: KeyFramePick,
    *,
    offset: tuple[float, float] = (0.0, 0.0),
    scale: float = 1.0,
    header: bool = True,
) -> np.ndarray:
    """Skeleton and measured angles drawn on a copy of one BGR frame (or crop of it).

    Parameters
    ----------
    bgr : ndarray of shape (H, W, 3) uint8
        The frame, or a crop of it starting at ``offset`` and resized by ``scale``.
    result : AnalysisResult
    pick : KeyFramePick
    offset, scale
        See :class:`Canvas`.
    header : bool
        Add a caption band above the image (side, event, time and the values).

    Returns
    -------
    ndarray of shape (H', W, 3) uint8
    """
    img = bgr.copy()
    pose = result.cleaned
    size = (pose.width, pose.height)
    canvas = Canvas(img, result.view.roll_deg, size, offset=offset, scale=scale)
    xy = pose.image_px[pick.row, :, :2]
    draw_skeleton(canvas, xy)
    fam = _family(result.view.kind)
    for metric in DRAWN[(fam, pick.event)]:
        if metric in pick.values:
            draw_angle(canvas, xy, metric, pick.side, pick.values[metric], view=result.view.kind)
    if not header:
        return img
    lines = [f"{pick.side.upper()} foot - {pick.name}  (t = {pick.time_s:.2f} s)"]
    for metric, v in pick.values.items():
        spec = METRICS[metric]
        lines.append(f"{spec.label}: {v:.1f} {spec.unit}")
    band = header_band(img.shape[1], lines, font_scale=canvas.font * 0.9, thick=1)
    return np.vstack([band, img])


def _crop_box(xy: np.ndarray, width: int, height: int, margin: float = 0.2) -> tuple[int, ...]:
    """(x0, y0, x1, y1) around the landmarks of one frame with a margin, clamped."""
    pts = xy[np.isfinite(xy).all(axis=1)]
    if pts.shape[0] < 4:
        return (0, 0, width, height)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    size = hi - lo
    pad = margin * max(size[1], size[0]) + 10
    lo, hi = lo - pad, hi + pad
    # at least 4:5 wide so the caption fits and the runner has room ahead
    min_w = 0.8 * (hi[1] - lo[1])
    if hi[0] - lo[0] < min_w:
        c = 0.5 * (lo[0] + hi[0])
        lo[0], hi[0] = c - min_w / 2, c + min_w / 2
    x0, y0 = np.floor(lo).astype(int)
    x1, y1 = np.ceil(hi).astype(int)
    return (max(0, x0), max(0, y0), min(width, x1), min(height, y1))


def _frames_bgr(path: str | Path, wanted: set[int]) -> dict[int, np.ndarray]:
    """Decode the wanted frame numbers (BGR, upright) in one pass from the clip's start.

    Frames are numbered as :func:`gait.video.iter_frames` numbers them (every frame the
    decoder returns, from 0).  Frames before the last wanted one are decoded but not
    converted (``grab`` without ``retrieve``).  Seeking is not used: OpenCV seeks to the
    previous key frame and decodes forward anyway, and its frame numbering after a seek
    is not guaranteed to match a sequential read.  The slow-motion factor does not
    change the numbering.
    """
    from gait.errors import VideoError
    from gait.video import _check_file, _cv2, _open

    got: dict[int, np.ndarray] = {}
    if not wanted:
        return got
    path = Path(path)
    _check_file(path)
    cv2 = _cv2()
    cap = _open(path)
    last = max(wanted)
    try:
        for i in range(last + 1):
            if not cap.grab():
                break
            if i in wanted:
                ok, bgr = cap.retrieve()
                if ok and bgr is not None:
                    got[i] = bgr
    except cv2.error as exc:
        raise VideoError(f"decoding {path} failed: {exc}") from exc
    finally:
        cap.release()
    return got


def render_key_frames(
    result: AnalysisResult,
    video_path: str | Path,
    *,
    slowmo: float = 1.0,
    picks: Sequence[KeyFramePick] | None = None,
    crop: bool = True,
    height: int = 480,
) -> list[KeyFrame]:
    """Decode the key frames, annotate them and encode them as PNG.

    Parameters
    ----------
    result : AnalysisResult
    video_path : str or Path
        The analysed clip.
    slowmo : float
        Slow-motion factor the clip was analysed with.
    picks : sequence of KeyFramePick, optional
        Default :func:`pick_key_frames`.
    crop : bool
        Crop each frame around the runner before drawing.
    height : int
        Height (pixels) the (cropped) frame is scaled to before drawing; the caption
        band is added above it.  Frames are never scaled up by more than 2x.

    Returns
    -------
    list of KeyFrame
        Picks whose frame could not be decoded are left out.
    """
    import cv2

    picks = list(pick_key_frames(result) if picks is None else picks)
    decoded = _frames_bgr(video_path, {p.video_frame for p in picks})
    out: list[KeyFrame] = []
    pose = result.cleaned
    for pick in picks:
        bgr = decoded.get(pick.video_frame)
        if bgr is None:
            continue
        fx = bgr.shape[1] / float(pose.width)  # decoded vs landmark frame size (normally 1)
        x0, y0, x1, y1 = 0, 0, bgr.shape[1], bgr.shape[0]
        if crop:
            center = (pose.width / 2, pose.height / 2)
            xy = rotate_image(pose.image_px[pick.row, :, :2], -result.view.roll_deg, center)
            x0, y0, x1, y1 = _crop_box(xy * fx, bgr.shape[1], bgr.shape[0])
            if x1 - x0 < 16 or y1 - y0 < 16:
                x0, y0, x1, y1 = 0, 0, bgr.shape[1], bgr.shape[0]
        part = bgr[y0:y1, x0:x1]
        f = min(height / part.shape[0], 2.0)
        size = (max(1, round(part.shape[1] * f)), max(1, round(part.shape[0] * f)))
        part = cv2.resize(part, size, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
        img = annotate_frame(part, result, pick, offset=(x0 / fx, y0 / fx), scale=f * fx)
        ok, buf = cv2.imencode(".png", img)
        if ok:
            out.append(KeyFrame(pick, bytes(buf.tobytes()), int(img.shape[1]), int(img.shape[0])))
    return out
