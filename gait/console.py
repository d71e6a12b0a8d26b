"""Text for the terminal: a message kept on one line, and output whose control
characters (from file and runner names) are shown escaped, so that a hostile name can
neither break a message into lines nor drive the terminal."""

from __future__ import annotations

import io
import sys
import typing


def one_line(text: object) -> str:
    """``text`` on one line: newlines and other control characters (from file names)
    are shown escaped, so a message can neither break into lines nor drive the terminal."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text)
    )


def say(msg: str) -> None:
    """A progress line on stderr, kept on one line by :func:`one_line`."""
    print(one_line(msg), file=sys.stderr, flush=True)


def printable(text: str) -> str:
    """``text`` with its line structure kept but every other control character (escape
    sequences, bidi overrides, ...) shown escaped, for output that holds file and
    runner names: a hostile name cannot drive the terminal."""
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return "".join(
        c if c in "\n\t" or c.isprintable() else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


class PrintableStream(io.TextIOBase):
    """Standard output with :func:`printable` applied to everything written."""

    def __init__(self, stream: typing.TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")
