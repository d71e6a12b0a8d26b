"""One exception hierarchy for everything the user can get wrong, and the exit codes.

Every message says what was expected, what was found and how to fix it, in one line,
so the CLI can print it as-is and exit non-zero without a traceback.

Exit codes of the ``gait`` command:

====  =====================================================================================
0     success
2     usage: the command line or a configuration file is wrong (unknown option or choice,
      invalid value, invalid ``--rules`` TOML, an output folder that exists without
      ``--force``) - :class:`UsageError` and :class:`ConfigError`
3     input: a file, folder, database or model gait needs cannot be used (missing, empty,
      not a video, truncated, no runner found, foreign database, output not writable) -
      every other :class:`GaitError`
4     internal error: a bug in gait (rerun with ``--debug`` and report the traceback)
130   interrupted (Ctrl-C)
====  =====================================================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


class GaitError(Exception):
    """Base class of every error gait raises on purpose (exit code 3: bad input)."""

    exit_code = EXIT_INPUT


class UsageError(GaitError):
    """The command as given cannot run: fix the options (exit code 2, like argparse)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """An option or configuration value (or configuration file) is invalid."""


class VideoError(GaitError):
    """The input is not a readable video (missing, empty, truncated, not a video)."""


class ModelError(GaitError):
    """No verified pose model bundle could be provided."""


class PoseDataError(GaitError):
    """A landmark file or array does not match the documented pose data schema."""


class HistoryError(GaitError):
    """The history database cannot be used (not ours, damaged, locked, unreadable)."""


class OutputError(GaitError):
    """An output file or folder cannot be written."""
