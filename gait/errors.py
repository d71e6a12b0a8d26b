"""One exception hierarchy for everything the user can get wrong.

Every message says what was expected, what was found and how to fix it, in one line,
so the CLI can print it as-is and exit non-zero without a traceback.
"""

from __future__ import annotations


class GaitError(Exception):
    """Base class of every error gait raises on purpose."""

    exit_code = 2


class VideoError(GaitError):
    """The input is not a readable video (missing, empty, truncated, not a video)."""


class ModelError(GaitError):
    """No verified pose model bundle could be provided."""


class PoseDataError(GaitError):
    """A landmark file or array does not match the documented pose data schema."""


class ConfigError(GaitError):
    """An option or configuration value is invalid."""
