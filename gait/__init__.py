"""gait: video-based running gait analysis.

Importing this package is cheap: nothing heavy (mediapipe, OpenCV) is loaded until a
function that needs it is called.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
