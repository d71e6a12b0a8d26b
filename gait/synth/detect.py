"""Run MediaPipe PoseLandmarker on rendered frames (for tests and benchmarks).

The model bundle comes from ``gait.models.ensure_model("full", offline=True)`` (the
verified cache, never the network; ``scripts/install`` provisions it).  MediaPipe's
Tasks API is called directly (VIDEO mode, one pose) so these checks do not depend on the
extraction stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np


def model_path() -> Path | None:
    """Path of the full pose model bundle, or None if none is available."""
    from gait.errors import ModelError
    from gait.models import ensure_model

    try:
        return Path(ensure_model("full", offline=True))
    except ModelError:
        return None


def detect_frames(frames: Iterable[np.ndarray], fps: float, model: Path) -> np.ndarray:
    """Image landmarks (n, 33, 3) in pixels (x, y, visibility); NaN rows where no pose.

    ``frames`` are RGB uint8 arrays; VIDEO running mode with timestamps ``frame / fps``.
    """
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    out = []
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        for i, rgb in enumerate(frames):
            h, w = rgb.shape[:2]
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            res = landmarker.detect_for_video(image, round(i * 1000 / fps))
            row = np.full((33, 3), np.nan)
            if res.pose_landmarks:
                lm = res.pose_landmarks[0]
                row[:] = [[p.x * w, p.y * h, p.visibility] for p in lm]
            out.append(row)
    return np.array(out)


def read_video(path: str | Path) -> tuple[list[np.ndarray], float]:
    """Decode a video with OpenCV: (RGB frames, fps)."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    fps = float(cap.get(cv2.CAP_PROP_FPS))
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames, fps
