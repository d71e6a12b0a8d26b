"""``gait synth``: make a synthetic running clip (or just its landmarks) with known truth.

Every field of :class:`~gait.synth.params.RunnerParams` is an option (``--cadence-spm
180``, ``--view rear``, ``--no-treadmill``, ``--right-pelvic-drop-deg 9``); ``--params
FILE.json`` loads a set of them first (unknown keys are rejected), options override it.

Outputs for ``-o OUT.mp4``: ``OUT.mp4`` and ``OUT.truth.json``; with
``--landmarks-only``: ``OUT.landmarks.npz`` (a :class:`~gait.posedata.PoseData`) and
``OUT.truth.json``, without rendering.
"""

from __future__ import annotations

import argparse
import json
import typing
from dataclasses import fields
from pathlib import Path
from typing import Any

from gait.errors import ConfigError, UsageError
from gait.synth.params import FOOT_STRIKES, STANCE_SHAPES, VIEWS, RunnerParams

#: The text fields of RunnerParams and the values each takes.
_CHOICES: dict[str, tuple[str, ...]] = {
    "view": VIEWS,
    "foot_strike": FOOT_STRIKES,
    "stance_shape": STANCE_SHAPES,
}


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_parser(subparsers: Any) -> None:
    """Register the ``synth`` subcommand on an argparse subparsers object."""
    sp = subparsers.add_parser(
        "synth",
        help="make a synthetic running clip with known ground truth",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    sp.add_argument("-o", "--output", type=Path, required=True, help="output video (.mp4) or stem")
    sp.add_argument(
        "--landmarks-only",
        action="store_true",
        help="write the landmarks (.landmarks.npz) and truth, do not render a video",
    )
    sp.add_argument("--params", type=Path, default=None, help="JSON file of parameters")
    sp.add_argument(
        "--force", action="store_true", help="replace the output files if they exist already"
    )
    hints = typing.get_type_hints(RunnerParams)
    for f in fields(RunnerParams):
        kind = hints[f.name]
        flag = _option(f.name)
        if kind is bool:
            sp.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        elif f.name in _CHOICES:
            sp.add_argument(
                flag, choices=_CHOICES[f.name], default=None, help=f"default {f.default}"
            )
        else:
            conv = int if kind is int else float
            sp.add_argument(flag, type=conv, default=None, help=f"default {f.default}")
    sp.set_defaults(func=run)


def params_from_args(args: argparse.Namespace) -> RunnerParams:
    """Build the parameters: defaults, then ``--params`` JSON, then explicit options."""
    data: dict[str, Any] = {}
    if args.params is not None:
        try:
            data = json.loads(Path(args.params).read_text())
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read parameters from {args.params}: {exc}") from None
        if isinstance(data, dict) and "params" in data:  # a truth file works too
            data = data["params"]
        if not isinstance(data, dict):
            raise ConfigError(
                f"{args.params} must hold a JSON object of parameters such as "
                f'{{"cadence_spm": 180}} (or be a truth file), found {json.dumps(data)[:40]}'
            )
        data = dict(data)
    for f in fields(RunnerParams):
        value = getattr(args, f.name, None)
        if value is not None:
            data[f.name] = value
    return RunnerParams.from_dict(data)


def run(args: argparse.Namespace) -> int:
    """Execute ``gait synth``; return the exit code (errors raise GaitError).

    Both files are written under hidden names and moved in place together at the end
    (:func:`gait._io.staged_files`): a failure leaves neither, nor a folder made for them.
    """
    from gait._io import check_output_file, staged_files
    from gait.synth.truth import save_truth

    params = params_from_args(args)
    out = Path(args.output)
    stem = out.with_suffix("") if out.suffix == ".mp4" else out
    truth_path = stem.with_name(stem.name + ".truth.json")
    main = stem.with_name(stem.name + (".landmarks.npz" if args.landmarks_only else ".mp4"))
    for path in (main, truth_path):
        check_output_file(path)
    taken = [p for p in (main, truth_path) if p.exists()]
    if taken and not args.force:
        raise UsageError(
            f"{taken[0]} exists already; add --force to replace it or choose another name with -o"
        )
    if args.landmarks_only:
        from gait.synth.landmarks import synth_landmarks

        pose, truth = synth_landmarks(params)
        with staged_files(main, truth_path) as (npz, json_path):
            pose.save(npz)
            save_truth(truth, json_path)
        print(f"landmarks {main}  ({pose.n_frames} frames, {params.fps:g} fps, {params.view})")
    else:
        from gait.synth.render import render_video

        truth = render_video(params, main)  # the clip and, beside it, truth_path
        print(
            f"video     {main}  ({params.width_px}x{params.height_px}, {params.fps:g} fps, "
            f"{params.n_frames} frames, {params.view}, "
            f"{'treadmill' if params.treadmill else 'overground'})"
        )
    m = truth["metrics"]
    print(
        f"truth     {truth_path}  (cadence {m['cadence_spm']['overall']:.1f} spm, contact "
        f"{m['contact_time_ms']['overall']:.0f} ms, speed {truth['derived']['speed_mps']:.2f} m/s)"
    )
    return 0
