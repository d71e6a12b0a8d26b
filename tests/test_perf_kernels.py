"""The speed-ups of the core keep the answers: each fast kernel against the plain one."""

from __future__ import annotations

import numpy as np
import pytest

from gait.posedata import _landmark_major, _replace
from gait.timing import _dft_bins
from gait.view import rotate_image


def _rotate_plain(xy: np.ndarray, roll: float, centre: tuple[float, float]) -> np.ndarray:
    a = np.radians(-roll)
    c, s = float(np.cos(a)), float(np.sin(a))
    out = np.empty_like(xy)
    dx, dy = xy[..., 0] - centre[0], xy[..., 1] - centre[1]
    out[..., 0] = c * dx - s * dy + centre[0]
    out[..., 1] = s * dx + c * dy + centre[1]
    return out


@pytest.mark.parametrize("shape", [(2,), (7, 2), (5000, 33, 2), (70_000, 3, 2)])
def test_blockwise_rotation_is_bit_identical(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 640, size=shape)
    xy[..., 0].flat[::7] = np.nan
    ref = _rotate_plain(xy, 3.7, (320.0, 180.5))
    np.testing.assert_array_equal(rotate_image(xy, 3.7, (320.0, 180.5)), ref)
    inplace = xy.copy()
    rotate_image(inplace, 3.7, (320.0, 180.5), out=inplace)
    np.testing.assert_array_equal(inplace, ref)
    # roll -90 deg turns the image +90 deg: (centre + (1, 0)) goes to (centre + (0, 1))
    p = rotate_image(np.array([321.0, 180.5]), -90.0, (320.0, 180.5))
    np.testing.assert_allclose(p, [320.0, 181.5], atol=1e-12)


def test_landmark_major_copy_keeps_values_and_lays_landmarks_out_contiguously() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(size=(3000, 33, 3))
    lm = _landmark_major(a, block=256)
    np.testing.assert_array_equal(lm, a)
    assert lm.transpose(1, 2, 0).flags.c_contiguous and not np.shares_memory(lm, a)
    again = _landmark_major(lm)  # already landmark-major: still a faithful copy
    np.testing.assert_array_equal(again, a)
    assert not np.shares_memory(again, lm)


def test_unchecked_replace_keeps_metadata_and_rejects_unknown_fields() -> None:
    from core_helpers import synth

    pose, _ = synth(fps=30.0, duration_s=1.0)
    image = pose.image_px.copy()
    new = _replace(pose, image_px=image, settings={"x": 1})
    assert new.image_px is image and new.fps == pose.fps and new.settings == {"x": 1}
    assert pose.settings != {"x": 1}
    with pytest.raises(TypeError):
        _replace(pose, imagepx=image)


@pytest.mark.parametrize(("n", "nfft", "k0", "m"), [(50, 1024, 3, 40), (3001, 65536, 1200, 900)])
def test_dft_bins_match_the_zero_padded_fft(n: int, nfft: int, k0: int, m: int) -> None:
    rng = np.random.default_rng(n)
    y = rng.normal(size=n)
    ref = np.fft.rfft(y, nfft)[k0 : k0 + m]
    got = _dft_bins(y, nfft, k0, m)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-9 * np.abs(ref).max())
