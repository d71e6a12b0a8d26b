"""gait: video-based running gait analysis.

>>> import gait
>>> result = gait.analyze("sample_videos/side_good_form.mp4")  # doctest: +SKIP
>>> result.summary                                            # doctest: +SKIP

Importing this package is cheap: nothing heavy (mediapipe, OpenCV, pandas) is loaded
until a function that needs it is called; the public functions below are imported on
first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "analyze": "gait.api",
    "load": "gait.api",
    "compare": "gait.comparison",
}

__all__ = ["__version__", "analyze", "compare", "load"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gait' has no attribute {name!r}")
