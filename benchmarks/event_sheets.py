"""Contact sheets of one foot around its detected events, to check them by eye.

Usage::

    gait analyze CLIP -o OUT
    python benchmarks/event_sheets.py CLIP OUT                    # near foot, contacts
    python benchmarks/event_sheets.py CLIP OUT --kind to --side right --sheets /tmp/s

A clip without reference events can still be checked against its frames: for each valid
event of ``--kind`` (``ic`` contact, ``to`` toe-off) of the foot, seven frames around it
(the event's frame in red, the sub-frame position below), cropped about the foot where
the event is and enlarged; four events a sheet, written as PNG files.  A contact is
right when the shoe touches the floor between the frame before the red one and the one
after it, a toe-off when the toe leaves it there.

Looked at on ``treadmill_side_male_garage_30fps.mp4`` (the near, left foot): its 15 valid
contacts fall within about half a frame of where the shoe lands on the belt, its first 12
toe-offs within about a frame of where the toe leaves it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

TILE, CROP = 200, 260  # tile size and crop size (pixels)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("clip", type=Path)
    ap.add_argument("out", type=Path, help="the folder `gait analyze CLIP -o OUT` wrote")
    ap.add_argument("--kind", choices=("ic", "to"), default="ic")
    ap.add_argument("--side", choices=("left", "right"), default=None, help="default: near leg")
    ap.add_argument("--sheets", type=Path, default=None, help="folder for the PNGs (default OUT)")
    args = ap.parse_args()
    import cv2

    from gait.api import load
    from gait.posedata import LANDMARK_INDEX

    res = load(args.out)  # the saved landmarks analysed again: events and near leg
    side = args.side or res.near_leg or "left"
    xy = res.pose.image_px[..., :2]
    ev = res.events
    ev = ev[(ev["side"] == side) & (ev["kind"] == args.kind) & ev["valid"].astype(bool)]
    cap = cv2.VideoCapture(str(args.clip))
    frames = []
    while (got := cap.read())[0]:
        frames.append(got[1])
    foot = [LANDMARK_INDEX[f"{side}_heel"], LANDMARK_INDEX[f"{side}_foot_index"]]
    rows = []
    for pos in ev["pos"].to_numpy(dtype=float):
        centre = round(float(pos))
        cx, cy = np.nanmean(xy[centre, foot], axis=0)
        tiles = [_tile(frames, f, cx, cy, f == centre) for f in range(centre - 3, centre + 4)]
        row = np.hstack(tiles)
        cv2.putText(row, f"{args.kind} {pos:.2f}", (TILE + 10, TILE - 6), 0, 0.5, (0, 255, 255))
        rows.append(row)
    folder = args.sheets or args.out
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(0, len(rows), 4):
        path = folder / f"sheet_{side}_{args.kind}_{i // 4}.png"
        cv2.imwrite(str(path), np.vstack(rows[i : i + 4]))
        print(path)


def _tile(frames: list[np.ndarray], f: int, cx: float, cy: float, red: bool) -> np.ndarray:
    """Frame ``f`` cropped about (cx, cy) (foot a little below the middle), enlarged."""
    import cv2

    if not 0 <= f < len(frames) or not np.isfinite(cx + cy):
        return np.zeros((TILE, TILE, 3), np.uint8)
    pad = cv2.copyMakeBorder(frames[f], CROP, CROP, CROP, CROP, cv2.BORDER_CONSTANT)
    x0, y0 = int(cx) - CROP // 2 + CROP, int(cy) - 3 * CROP // 5 + CROP
    tile = cv2.resize(pad[y0 : y0 + CROP, x0 : x0 + CROP], (TILE, TILE))
    cv2.putText(tile, str(f), (4, 18), 0, 0.6, (0, 0, 255) if red else (255, 255, 255), 2)
    return np.asarray(tile)


if __name__ == "__main__":
    main()
