"""The annotated video: skeleton, live knee angles and event flashes on every frame.

:func:`write_overlay_video` decodes the clip once, draws on each frame with OpenCV and
writes an MP4 (MPEG-4 Part 2, ``mp4v``: the encoder every OpenCV build has) to a
temporary file beside ``out_path``, renamed into place when complete.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gait.posedata import LANDMARK_INDEX
from gait.report import curves
from gait.report.draw import BGR, Canvas, draw_skeleton

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

#: How long an event label stays on screen after the event (seconds of real time).
FLASH_S = 0.12
EVENT_LABELS = {"ic": "CONTACT", "ms": "MIDSTANCE", "to": "TOE-OFF"}


def _flashes(result: AnalysisResult) -> dict[int, list[tuple[str, str, bool]]]:
    """Pose row -> [(kind, side, valid)] of the events flashing on that frame."""
    n = result.pose.n_frames
    hold = max(1, round(FLASH_S * result.pose.fps))
    out: dict[int, list[tuple[str, str, bool]]] = {}
    for ev in result.events.to_dict("records"):
        start = int(ev["frame"])
        for row in range(max(start, 0), min(start + hold, n)):
            out.setdefault(row, []).append((str(ev["kind"]), str(ev["side"]), bool(ev["valid"])))
    return out


def _knee_series(result: AnalysisResult) -> tuple[str, dict[str, np.ndarray]]:
    series = curves.result_series(result)
    if "knee_flexion" in series:
        return "knee flexion", series["knee_flexion"]
    if "knee_frontal" in series:
        return "knee frontal angle", series["knee_frontal"]
    return "", {}


def write_overlay_video(
    result: AnalysisResult,
    video_path: str | Path,
    out_path: str | Path,
    *,
    slowmo: float = 1.0,
) -> Path:
    """Write the clip with the analysis drawn on it.

    Each frame shows the skeleton of the cleaned landmarks (left blue, right orange),
    the knee angle of each leg next to its knee (knee flexion in a side view, the
    frontal-plane angle from behind or in front), and for about 0.1 s after each
    detected event a label such as ``CONTACT L`` (grey when the stride was not used).

    Parameters
    ----------
    result : AnalysisResult
        The analysis of ``video_path``.
    video_path : str or Path
        The analysed clip.
    out_path : str or Path
        The MP4 to write (parent folders are created).
    slowmo : float
        Slow-motion factor the clip was analysed with (the output keeps the clip's own
        frame rate, so slowed footage stays slowed).

    Returns
    -------
    Path
        ``out_path``.
    """
    from gait.video import iter_frames, probe

    info = probe(video_path, slowmo=slowmo)  # first: it also quiets OpenCV's logging
    import cv2

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = {int(f): i for i, f in enumerate(result.pose.frame_index)}
    flashes = _flashes(result)
    knee_name, knee = _knee_series(result)
    xy_all = result.cleaned.image_px[:, :, :2]
    tmp = out.with_name(f".{out.stem}.{os.getpid()}.part.mp4")
    writer = cv2.VideoWriter(
        str(tmp), cv2.VideoWriter.fourcc(*"mp4v"), float(info.fps), (info.width, info.height)
    )
    if not writer.isOpened():
        raise OSError(f"cannot write a video to {tmp} (OpenCV has no MPEG-4 encoder?)")
    try:
        size = (result.cleaned.width, result.cleaned.height)
        for frame in iter_frames(video_path, slowmo=slowmo):
            bgr = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR)
            if bgr.shape[1] != info.width or bgr.shape[0] != info.height:
                bgr = cv2.resize(bgr, (info.width, info.height))
            row = rows.get(frame.index)
            canvas = Canvas(bgr, result.view.roll_deg, size, scale=info.width / size[0])
            lines = [f"t = {frame.time_s:5.2f} s"]
            if row is not None and np.isfinite(xy_all[row]).any():
                xy = xy_all[row]
                draw_skeleton(canvas, xy)
                for side in ("left", "right"):
                    v = knee[side][row] if side in knee else np.nan
                    if np.isfinite(v):
                        k = xy[LANDMARK_INDEX[f"{side}_knee"]]
                        canvas.label(k + np.array([-30.0, 0.0]), f"{v:.0f}", BGR[side], size=1.6)
                        lines.append(f"{knee_name} {side[0].upper()}: {v:5.1f} deg")
            for kind, side, valid in flashes.get(row if row is not None else -1, []):
                label = f"{EVENT_LABELS.get(kind, kind.upper())} {side[0].upper()}"
                lines.append(label if valid else label + " (not used)")
                if row is not None:
                    color = BGR[side] if valid else (160, 160, 160)
                    part = {"ic": "heel", "ms": "knee", "to": "foot_index"}.get(kind, "ankle")
                    canvas.ring(xy_all[row, LANDMARK_INDEX[f"{side}_{part}"]], color)
                    canvas.banner(label, color)
            canvas.box(lines)
            writer.write(bgr)
    except BaseException:
        writer.release()
        tmp.unlink(missing_ok=True)
        raise
    writer.release()
    os.replace(tmp, out)
    return out
