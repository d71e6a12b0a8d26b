"""The pose data model: one frozen container of numpy arrays, documented in one place.

Every stage after pose extraction reads a :class:`PoseData`; the synthetic runner makes
them directly.  Shapes (``n`` = number of frames, 33 = BlazePose landmarks):

``image_px``     (n, 33, 3) float   x, y in pixels of the upright frame (x right, y down);
                                    z is MediaPipe's relative depth scaled like x (pixels),
                                    smaller = nearer the camera.  NaN where no pose.
``visibility``   (n, 33)    float   MediaPipe visibility in [0, 1]; 0 where no pose.
``presence``     (n, 33)    float   MediaPipe presence in [0, 1]; 0 where no pose.
``world_m``      (n, 33, 3) float   world landmarks in metres, origin between the hips
                                    (MediaPipe's convention, y down).  NaN where no pose.
``time_s``       (n,)       float   presentation time of each frame in seconds of *real*
                                    time (already divided by any slow-motion factor),
                                    strictly increasing.
``frame_index``  (n,)       int     index of the frame in the decoded video.

Missing is NaN, never 0.  Metadata: ``fps`` (real-time frame rate), ``width`` and
``height`` (pixels of the upright frame), the source path and sha256, the model name and
sha256, library versions and the extraction settings.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gait.errors import PoseDataError

SCHEMA_VERSION = 1
N_LANDMARKS = 33

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
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
LANDMARK_INDEX: dict[str, int] = {name: i for i, name in enumerate(LANDMARK_NAMES)}


def point(xy: np.ndarray, name: str) -> np.ndarray:
    """One landmark's track, ``xy[:, index of name]`` as floats (e.g. shape (n, 2))."""
    return np.asarray(xy[:, LANDMARK_INDEX[name]], dtype=float)


#: Index permutation that swaps every left landmark with its right twin.
def _twin(name: str) -> str:
    """The other side's landmark name (``left_knee`` -> ``right_knee``, ``mouth_left`` ->
    ``mouth_right``); unsided names map to themselves."""
    for a, b in (("left", "right"), ("right", "left")):
        if name.startswith(a + "_"):
            return b + name[len(a) :]
        if name.endswith("_" + a):
            return name[: -len(a)] + b
    return name


LEFT_RIGHT_SWAP: tuple[int, ...] = tuple(LANDMARK_INDEX[_twin(n)] for n in LANDMARK_NAMES)

_ARRAYS = ("image_px", "visibility", "presence", "world_m", "time_s", "frame_index")


@dataclass(frozen=True, eq=False)
class PoseData:
    """Pose landmarks of one clip, frame by frame (see the module docstring for shapes)."""

    image_px: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    world_m: np.ndarray
    time_s: np.ndarray
    frame_index: np.ndarray
    fps: float
    width: int
    height: int
    source_path: str = ""
    source_sha256: str = ""
    model: str = ""
    model_sha256: str = ""
    versions: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate(self)

    @property
    def n_frames(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def has_pose(self) -> np.ndarray:
        """(n,) bool: a person was detected on the frame."""
        x = self.image_px[:, :, 0]
        # a frame whose first landmark is there has a pose: only the others are searched
        has = ~np.isnan(x[:, 0])
        rest = np.flatnonzero(~has)
        if rest.size:
            has[rest] = ~np.isnan(x[rest]).all(axis=1)
        return has

    @property
    def frames_with_pose(self) -> int:
        return int(self.has_pose.sum())

    def frames(self, start: int, stop: int) -> PoseData:
        """The part of the clip on frames ``[start, stop)`` (positions, not video frame
        numbers; ``frame_index`` and ``time_s`` keep the clip's own values), e.g. to
        analyse one stretch of a long clip."""
        part = slice(start, stop)
        return _replace(self, **{name: getattr(self, name)[part] for name in _ARRAYS})

    def point(self, name: str) -> np.ndarray:
        """(n, 2) image x, y in pixels of one landmark, by name."""
        return np.asarray(self.image_px[:, LANDMARK_INDEX[name], :2])

    def meta(self) -> dict[str, Any]:
        """Everything but the arrays, JSON-ready."""
        return {
            "schema_version": SCHEMA_VERSION,
            "fps": float(self.fps),
            "width": int(self.width),
            "height": int(self.height),
            "source_path": self.source_path,
            "source_sha256": self.source_sha256,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "versions": dict(self.versions),
            "settings": dict(self.settings),
        }

    def save(self, path: str | Path) -> Path:
        """Write a lossless ``.npz`` (arrays bit-exact, metadata as JSON).

        The file is written to a temporary name in the same folder and renamed, so a
        crash never leaves a half-written file under ``path``.
        """
        from gait._io import atomic_file

        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(path.suffix + ".npz")
        with atomic_file(path) as fh:
            np.savez_compressed(
                fh,
                meta=np.array(json.dumps(self.meta(), sort_keys=True)),
                **{name: getattr(self, name) for name in _ARRAYS},
            )
        return path

    def to_dataframe(self) -> Any:
        """Tidy long table: one row per frame and landmark.

        Columns: ``frame``, ``time_s``, ``landmark``, ``x_px``, ``y_px``, ``z_px``,
        ``visibility``, ``presence``, ``x_m``, ``y_m``, ``z_m``.
        """
        import pandas as pd

        n = self.n_frames
        return pd.DataFrame(
            {
                "frame": np.repeat(self.frame_index, N_LANDMARKS),
                "time_s": np.repeat(self.time_s, N_LANDMARKS),
                "landmark": pd.Categorical(
                    np.tile(np.array(LANDMARK_NAMES), n), categories=LANDMARK_NAMES
                ),
                "x_px": self.image_px[:, :, 0].ravel(),
                "y_px": self.image_px[:, :, 1].ravel(),
                "z_px": self.image_px[:, :, 2].ravel(),
                "visibility": self.visibility.ravel(),
                "presence": self.presence.ravel(),
                "x_m": self.world_m[:, :, 0].ravel(),
                "y_m": self.world_m[:, :, 1].ravel(),
                "z_m": self.world_m[:, :, 2].ravel(),
            }
        )


_FIELDS = frozenset(f.name for f in dataclasses.fields(PoseData))


def _replace(pose: PoseData, **changes: Any) -> PoseData:
    """``dataclasses.replace`` without :func:`validate`, for internal copies only.

    The caller guarantees the new arrays keep the shapes, dtypes and value ranges of
    ``pose`` (e.g. cleaned or rotated landmarks: NaN where missing, never infinite);
    validating them again costs a pass over every array of a long clip.
    """
    new = copy.copy(pose)
    for name, value in changes.items():
        if name not in _FIELDS:
            raise TypeError(f"PoseData has no field {name!r}")
        object.__setattr__(new, name, value)
    return new


def _rows_with_pose(a: np.ndarray, has: np.ndarray) -> np.ndarray:
    """``a[has]``, the rows of ``a`` on the frames ``has`` (e.g. :attr:`PoseData.has_pose`),
    without the copy when every frame has one: C-ordered either way, so that sums over it
    add up in the same order."""
    return np.ascontiguousarray(a) if has.all() else a[has]


def _landmark_major(a: np.ndarray, *, block: int = 1024) -> np.ndarray:
    """Copy of an (n, L, k) array laid out landmark-major: ``a.transpose(1, 2, 0)`` is
    C-contiguous, so one landmark's coordinate over time is contiguous.

    Same shape and values; the per-landmark reads of the later stages (``xy[:, i]``,
    ``xy[:, idx]``) then touch contiguous memory instead of one cache line per frame.
    The copy is made in blocks of ``block`` frames, which keeps the transpose in cache.
    """
    n = a.shape[0]
    buf = np.empty((*a.shape[1:], n), dtype=a.dtype)
    if a.flags.c_contiguous:
        src = a.reshape(n, -1)
        dst = buf.reshape(-1, n)
        for start in range(0, n, block):
            dst[:, start : start + block] = src[start : start + block].T
    else:
        buf[...] = np.moveaxis(a, 0, -1)
    return np.moveaxis(buf, -1, 0)


def load(path: str | Path) -> PoseData:
    """Read a file written by :meth:`PoseData.save`; raise PoseDataError if it is not one.

    The file is untrusted input: no pickles are loaded, and whatever is wrong with it
    (not a zip, damaged compression, missing arrays, wrong metadata) is a PoseDataError.
    """
    path = Path(path)
    if not path.exists():
        raise PoseDataError(f"landmark file not found: {path}")
    if path.is_dir():
        raise PoseDataError(f"{path} is a folder, not a landmark file (.npz)")
    fix = "re-run `gait analyze` on the clip"
    try:
        # Our own handle: np.load leaks its own when the archive is damaged.
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as npz:
            if not isinstance(npz, np.lib.npyio.NpzFile):
                raise ValueError("a single array, not an .npz archive")
            missing = [k for k in ("meta", *_ARRAYS) if k not in npz.files]
            if missing:
                raise ValueError(f"no {', '.join(missing)} in it")
            meta = json.loads(str(npz["meta"]))
            arrays = {name: npz[name] for name in _ARRAYS}
    except PermissionError as exc:
        raise PoseDataError(f"cannot read {path}: {exc.strerror}") from None
    except Exception as exc:  # any parser failure on untrusted bytes
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise PoseDataError(f"{path} is not a gait landmark file ({detail}); {fix}") from None
    if not isinstance(meta, dict) or meta.get("schema_version") != SCHEMA_VERSION:
        found = meta.get("schema_version") if isinstance(meta, dict) else None
        raise PoseDataError(
            f"{path} has landmark schema {found}, this gait reads {SCHEMA_VERSION}; {fix}"
        )
    try:
        pose = PoseData(**arrays, **_meta_fields(meta))  # type: ignore[arg-type]
    except PoseDataError as exc:
        raise PoseDataError(f"{path}: {exc}; {fix}") from None
    return pose


def _meta_fields(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata of a saved file as PoseData fields, type-checked."""
    try:
        fields: dict[str, Any] = {
            "fps": float(meta["fps"]),
            "width": int(meta["width"]),
            "height": int(meta["height"]),
        }
        for key in ("source_path", "source_sha256", "model", "model_sha256"):
            value = meta.get(key, "")
            if not isinstance(value, str):
                raise TypeError(f"{key} is not text")
            fields[key] = value
        for key in ("versions", "settings"):
            value = meta.get(key, {})
            if not isinstance(value, dict):
                raise TypeError(f"{key} is not a mapping")
            fields[key] = value
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise PoseDataError(f"landmark metadata is invalid ({exc})") from None
    return fields


def validate(pose: PoseData) -> None:
    """Check shapes, dtypes, value ranges and timestamps; raise PoseDataError saying what
    is wrong.

    Coordinates may be NaN (missing) but never infinite; visibility and presence lie in
    [0, 1]; ``time_s`` is finite and strictly increasing.
    """
    time_s = pose.time_s
    n = time_s.shape[0] if isinstance(time_s, np.ndarray) and time_s.ndim == 1 else -1
    expected = {
        "image_px": (n, N_LANDMARKS, 3),
        "visibility": (n, N_LANDMARKS),
        "presence": (n, N_LANDMARKS),
        "world_m": (n, N_LANDMARKS, 3),
        "time_s": (n,),
        "frame_index": (n,),
    }
    for name, shape in expected.items():
        arr = getattr(pose, name)
        if not isinstance(arr, np.ndarray) or arr.shape != shape:
            found = getattr(arr, "shape", type(arr).__name__)
            raise PoseDataError(f"pose data field {name!r}: expected shape {shape}, found {found}")
        if name == "frame_index":
            if not np.issubdtype(arr.dtype, np.integer):
                raise PoseDataError(f"frame_index must be integers, found {arr.dtype}")
        elif not np.issubdtype(arr.dtype, np.floating):
            raise PoseDataError(f"pose data field {name!r} must be floating, found {arr.dtype}")
        elif np.isinf(arr).any():
            raise PoseDataError(f"pose data field {name!r} holds infinite values (missing is NaN)")
    for name in ("visibility", "presence"):
        arr = getattr(pose, name)
        if ((arr < 0) | (arr > 1)).any():
            raise PoseDataError(f"pose data {name} must lie in [0, 1]")
    if not np.isfinite(time_s).all():
        raise PoseDataError("pose data time_s must be finite (seconds)")
    if n > 1 and not np.all(np.diff(time_s) > 0):
        raise PoseDataError("pose data time_s must be strictly increasing")
    if not (
        isinstance(pose.fps, int | float | np.number) and np.isfinite(pose.fps) and pose.fps > 0
    ):
        raise PoseDataError(f"pose data fps must be a positive number, found {pose.fps!r}")
    size = (pose.width, pose.height)
    if not all(isinstance(v, int | np.integer) and v > 0 for v in size):
        raise PoseDataError(
            f"pose data image size must be positive integers, found {pose.width}x{pose.height}"
        )
