"""Shared fixtures: test data lookup, the pose model, and landmarks extracted once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path | None:
    """``$GAIT_TEST_DATA`` or ``../shared/data`` beside the checkout, if present."""
    env = os.environ.get("GAIT_TEST_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "data")
    for path in candidates:
        if path.is_dir():
            return path
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if path is None:
        pytest.skip("real test data not found (set GAIT_TEST_DATA or put shared/ beside the repo)")
    return path


@pytest.fixture(scope="session")
def treadmill_clip(shared_data: Path) -> Path:
    return shared_data / "real" / "treadmill_side_male_garage_30fps.mp4"


@pytest.fixture(scope="session")
def model_full() -> Path:
    """The verified full bundle (provisioned through the normal routes on first use)."""
    from gait import models
    from gait.errors import ModelError

    try:
        return models.ensure_model("full")
    except ModelError as exc:
        pytest.skip(f"pose model unavailable: {exc}")


@pytest.fixture(scope="session")
def treadmill_pose(treadmill_clip: Path, model_full: Path):  # type: ignore[no-untyped-def]
    """Landmarks of the real treadmill clip, extracted once per test run (or cached)."""
    from gait import pose

    return pose.extract(treadmill_clip, progress=False)


# Property and fuzz tests (hypothesis): explore new random examples on a developer's
# machine, but replay a fixed sequence under CI (`CI` set, as .ci/run does), so a
# submission's result does not depend on the draw. Bugs they find become regression tests.
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profiles()
