"""Regenerate the sample clips in ``sample_videos/``: ``python -m gait.synth.samples``.

Each clip is a few seconds at 30 fps, 640 × 360, with ``<name>.truth.json`` beside it.
The set: good form and clear compensations, from the side and from behind, and a
before/after pair (cadence retraining on the same belt speed: +8 % cadence, less
overstride, softer knee at contact, less vertical oscillation).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gait.synth.params import RunnerParams

_BASE = RunnerParams(fps=30.0, duration_s=5.0, width_px=640, height_px=360)

_GOOD = replace(
    _BASE,
    cadence_spm=176.0,
    stance_fraction=0.34,
    trunk_lean_deg=7.0,
    overstride_pct_leg=12.0,
    knee_flexion_ic_deg=22.0,
    knee_flexion_midstance_deg=42.0,
    ankle_dorsiflexion_deg=28.0,
    pelvic_drop_deg=3.5,
    knee_valgus_deg=2.0,
    step_width_m=0.08,
    foot_strike="midfoot",
)

_COMPENSATED = replace(
    _BASE,
    cadence_spm=158.0,
    stance_fraction=0.38,
    trunk_lean_deg=16.0,
    lateral_trunk_lean_deg=5.0,
    overstride_pct_leg=38.0,
    knee_flexion_ic_deg=8.0,
    knee_flexion_midstance_deg=34.0,
    ankle_dorsiflexion_deg=12.0,
    pelvic_drop_deg=9.0,
    right_pelvic_drop_deg=11.0,
    knee_valgus_deg=11.0,
    step_width_m=-0.03,
    foot_strike="rearfoot",
    foot_strike_angle_deg=20.0,
    appearance=1,
)

#: name -> parameters of every sample clip.
SAMPLES: dict[str, RunnerParams] = {
    "side_good_form": replace(_GOOD, view="side_right"),
    "side_compensations": replace(_COMPENSATED, view="side_left"),
    "rear_good_form": replace(_GOOD, view="rear"),
    "rear_compensations": replace(_COMPENSATED, view="rear"),
    "before_side": replace(
        _BASE,
        view="side_right",
        appearance=2,
        cadence_spm=162.0,
        stance_fraction=0.37,
        overstride_pct_leg=34.0,
        knee_flexion_ic_deg=12.0,
        trunk_lean_deg=6.0,
    ),
    "after_side": replace(
        _BASE,
        view="side_right",
        appearance=2,
        cadence_spm=175.0,
        stance_fraction=0.35,
        ankle_dorsiflexion_deg=23.0,  # with the two below: same belt speed (2.7 m/s)
        knee_flexion_midstance_deg=38.0,
        overstride_pct_leg=24.0,
        knee_flexion_ic_deg=20.0,
        trunk_lean_deg=8.0,
    ),
}


def generate(out_dir: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Render the samples (all, or ``names``) into ``out_dir``; return the video paths."""
    from gait.synth.render import render_video

    out = []
    for name in names or list(SAMPLES):
        if name not in SAMPLES:
            raise SystemExit(f"unknown sample {name!r}; choose from {', '.join(SAMPLES)}")
        path = out_dir / f"{name}.mp4"
        render_video(SAMPLES[name], path)
        out.append(path)
    return out


def sample_at_fps(name: str, fps: float, folder: Path) -> Path:
    """The sample runner ``name`` rendered at ``fps`` as ``folder/<name>_<fps>fps.mp4``
    (with its truth file), rendered only if that video is not there yet."""
    from gait.synth.render import render_video

    video = folder / f"{name}_{fps:g}fps.mp4"
    if not video.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        render_video(replace(SAMPLES[name], fps=fps), video)
    return video


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gait.synth.samples", description=__doc__)
    ap.add_argument("names", nargs="*", help=f"subset of: {', '.join(SAMPLES)}")
    ap.add_argument("-o", "--out", type=Path, default=Path("sample_videos"))
    args = ap.parse_args(argv)
    for path in generate(args.out, args.names):
        size = path.stat().st_size / 1e6
        print(f"{path}  ({size:.2f} MB)  + {path.stem}.truth.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
