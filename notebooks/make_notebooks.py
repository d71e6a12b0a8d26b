"""Write the example notebooks (no stored outputs): ``python notebooks/make_notebooks.py``.

The notebooks are generated from the cells below so they stay small, reviewable and
output-free; ``tests/test_notebooks.py`` executes every one top to bottom.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "01_explore_a_clip": [
        (
            "md",
            "# Explore one clip\n\nRun gait on a sample video (a synthetic runner with "
            "known kinematics), then look at the per-stride table, a metric over the gait "
            "cycle, and the events on key frames. Nothing is written to disk unless you "
            "ask for it.",
        ),
        (
            "code",
            "from pathlib import Path\n\nimport matplotlib.pyplot as plt\n\nimport gait\n"
            "from gait.report import plots\nfrom gait.report.frames import render_key_frames"
            "\n\nCLIP = Path('../sample_videos/side_compensations.mp4')\n"
            "result = gait.analyze(CLIP, progress=False)\nresult.view",
        ),
        (
            "md",
            "## The summary: one row per metric\n\n`value` is the median over valid "
            "strides, `left`/`right` the per-side medians, `confidence_label` how far to "
            "trust it. Rear-view metrics are `not_measurable` from a side clip.",
        ),
        (
            "code",
            "result.summary[['metric', 'value', 'unit', 'left', 'right', 'n_strides', "
            "'confidence_label', 'not_measurable']]",
        ),
        (
            "md",
            "## Per-stride values\n\nOne row per stride; invalid strides stay in the table "
            "with the reason.",
        ),
        (
            "code",
            "strides = result.strides\nstrides[['side', 'ic_time_s', 'valid', 'reason', "
            "'cadence_spm', 'knee_flexion_ic_deg', 'overstride_pct_leg']].head(8)",
        ),
        (
            "code",
            "strides[strides.valid].groupby('side')[['knee_flexion_ic_deg', "
            "'knee_flexion_midstance_deg', 'contact_time_ms']].median()",
        ),
        (
            "md",
            "## A metric over the gait cycle\n\nEvery plot function takes `ax=` and "
            "returns the figure.",
        ),
        (
            "code",
            "fig, axes = plt.subplots(1, 2, figsize=(11, 4))\n"
            "plots.plot_cycle(result, 'knee_flexion', ax=axes[0])\n"
            "plots.plot_stride_values(result, 'knee_flexion_ic_deg', ax=axes[1])\n"
            "fig.tight_layout()",
        ),
        ("md", "## Events on key frames"),
        (
            "code",
            "from IPython.display import Image, display\n\n"
            "frames = render_key_frames(result, CLIP, height=320)\n"
            "for kf in frames[:2]:\n    display(Image(data=kf.png))\nlen(frames)",
        ),
        ("md", "## Findings and the drill plan"),
        ("code", "from gait.findings import findings_table\n\nfindings_table(result.findings)"),
        ("code", "[(d['name'], d['dose']) for d in result.drill_plan['pre_run']['drills']]"),
    ],
    "02_before_after": [
        (
            "md",
            "# Before and after\n\nCompare two sessions of the same runner: per metric "
            "the change, a bootstrap interval over strides, the smallest change 2D video can "
            "detect, and a verdict. The sample pair is a synthetic runner before and after "
            "cadence retraining (truth: 162 -> 175 steps/min, less overstride).",
        ),
        (
            "code",
            "import matplotlib.pyplot as plt\n\nimport gait\n"
            "from gait.report import plots\n\n"
            "before = gait.analyze('../sample_videos/before_side.mp4', progress=False)\n"
            "after = gait.analyze('../sample_videos/after_side.mp4', progress=False)\n"
            "result = gait.compare(before, after)\nresult",
        ),
        (
            "md",
            "`verdict` is one of improved / worse / no_meaningful_change / not_comparable. "
            "A change counts only when it is at least the smallest meaningful change and "
            "its interval excludes zero.",
        ),
        (
            "code",
            "result.metrics[['metric', 'before', 'after', 'change', 'ci_low', "
            "'ci_high', 'smallest_change', 'verdict', 'reason']]",
        ),
        ("code", "result.findings"),
        ("md", "The gait-cycle curves of both sessions, side by side:"),
        (
            "code",
            "fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)\n"
            "plots.plot_cycle(before, 'knee_flexion', ax=axes[0])\n"
            "plots.plot_cycle(after, 'knee_flexion', ax=axes[1])\n"
            "axes[0].set_title('before'); axes[1].set_title('after');",
        ),
    ],
    "04_motion_capture": [
        (
            "md",
            "# Real motion capture through the analyzer\n\nThe Dorn, Schache & Pandy "
            "(2012) running trial (3.5 m/s; J Exp Biol 215:1944-1956), projected onto a "
            "virtual side camera, goes through the same events and metrics code as a "
            "video. Force plates give the true contacts and toe-offs; OpenSim inverse "
            "kinematics the true knee angle. The data live in `../shared/data/mocap/` "
            "beside the repository (not distributed with gait); without them this "
            "notebook says so and stops.",
        ),
        (
            "code",
            "from pathlib import Path\n\nimport matplotlib.pyplot as plt\nimport numpy "
            "as np\n\nimport gait\nfrom gait import mocap\n\n"
            "DATA = Path('../../shared/data/mocap')\nHAVE_DATA = DATA.is_dir()\n"
            "print('mocap data found' if HAVE_DATA else f'no mocap data at {DATA}: "
            "nothing to run')",
        ),
        (
            "code",
            "if HAVE_DATA:\n"
            "    pose = mocap.markers_to_pose(DATA / 'mocap_dorn2012_jog3p5ms_markers.trc', "
            "'side')\n"
            "    result = gait.analyze(pose)\n"
            "    plates = mocap.force_plate_events(DATA / 'mocap_dorn2012_jog3p5ms_grf.mot')"
            "\n    ev = result.events\n"
            "    for side in ('left', 'right'):\n"
            "        for kind in ('ic', 'to'):\n"
            "            got = ev[(ev.side == side) & (ev.kind == kind)].time_s.to_numpy()\n"
            "            for t in plates[side][kind]:\n"
            "                if got.size and np.abs(got - t).min() < 0.1:\n"
            "                    err = 1000 * (got[np.abs(got - t).argmin()] - t)\n"
            "                    print(f'{side:5} {kind}: plate {t:.3f} s, gait "
            "{err:+.0f} ms')",
        ),
        (
            "md",
            "Knee flexion from the projected markers against inverse kinematics over the "
            "right stride:",
        ),
        (
            "code",
            "if HAVE_DATA:\n"
            "    from gait.metrics import knee_flexion_deg\n"
            "    from gait.posedata import LANDMARK_INDEX as L\n"
            "    ik = mocap.read_mot(DATA / 'mocap_dorn2012_jog3p5ms_ik.mot')\n"
            "    xy = pose.image_px[:, :, :2] * np.array([1.0, -1.0])\n"
            "    knee = np.abs(knee_flexion_deg(xy[:, L['right_hip']], "
            "xy[:, L['right_knee']], xy[:, L['right_ankle']]))\n"
            "    knee_at_ik = np.interp(ik['time'], pose.time_s, knee)"
            "\n    fig, ax = plt.subplots(figsize=(7, 3.5))\n"
            "    ax.plot(ik['time'], -ik['knee_angle_r'], label='inverse kinematics')\n"
            "    ax.plot(ik['time'], knee_at_ik, '--', label='gait (2D, side camera)')\n"
            "    ax.set(xlabel='time (s)', ylabel='right knee flexion (deg)')\n"
            "    ax.legend()\n"
            "    rmse = np.sqrt(np.mean((knee_at_ik + ik['knee_angle_r']) ** 2))\n"
            "    print(f'RMSE {rmse:.1f} deg')",
        ),
    ],
    "03_custom_metric": [
        (
            "md",
            "# A custom metric from the stage functions\n\nThe stages are plain functions "
            "on arrays and DataFrames. Here we add **elbow flexion at midstance** (not a "
            "built-in metric) from the cleaned landmarks and the detected midstance "
            "events, per stride, and plot it.",
        ),
        (
            "code",
            "import matplotlib.pyplot as plt\nimport numpy as np\n\nimport gait\n"
            "from gait.metrics import knee_flexion_deg, sample_at\n"
            "from gait.posedata import LANDMARK_INDEX\n\n"
            "result = gait.analyze('../sample_videos/side_good_form.mp4', progress=False)"
            "\npose = result.cleaned  # cleaned, roll-levelled landmarks (PoseData)\n"
            "pose.image_px.shape",
        ),
        (
            "md",
            "`knee_flexion_deg(a, b, c)` is 180° minus the angle at `b`: the same formula "
            "gives elbow flexion from shoulder, elbow and wrist. It works on (n, 2) "
            "arrays, in the runner's forward/up frame; for an unsigned angle the "
            "orientation does not matter.",
        ),
        (
            "code",
            "def points(side, name):\n"
            "    return pose.image_px[:, LANDMARK_INDEX[f'{side}_{name}'], :2] * "
            "np.array([1.0, -1.0])\n\n"
            "elbow = {side: np.abs(knee_flexion_deg(points(side, 'shoulder'), "
            "points(side, 'elbow'), points(side, 'wrist')))\n"
            "         for side in ('left', 'right')}\n"
            "elbow['right'][20:25]  # the far (left) arm is often hidden: NaN",
        ),
        (
            "md",
            "Sample it at each stride's midstance (sub-frame position `ms_pos`, cubic "
            "interpolation) and add it as a column of the stride table.",
        ),
        (
            "code",
            "strides = result.strides.copy()\n"
            "strides['elbow_flexion_midstance_deg'] = np.nan\n"
            "for side in ('left', 'right'):\n"
            "    rows = strides.side == side\n"
            "    strides.loc[rows, 'elbow_flexion_midstance_deg'] = sample_at(\n"
            "        elbow[side], strides.loc[rows, 'ms_pos'].to_numpy(float))\n"
            "valid = strides[strides.valid]\n"
            "valid.groupby('side')['elbow_flexion_midstance_deg'].describe()",
        ),
        (
            "code",
            "fig, ax = plt.subplots(figsize=(6, 3.5))\n"
            "for side, colour in (('left', 'tab:blue'), ('right', 'tab:orange')):\n"
            "    s = valid[valid.side == side]\n"
            "    ax.plot(s.ic_time_s, s.elbow_flexion_midstance_deg, 'o-', color=colour, "
            "label=side)\n"
            "ax.set(xlabel='time (s)', ylabel='elbow flexion at midstance (deg)')\n"
            "ax.legend();",
        ),
    ],
}


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(name, cells), HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
