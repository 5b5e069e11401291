"""Writing outputs safely, and refusing bad paths with a one-line message: every command line uses this.

A command that fails must not leave a half-written file behind, so every output is written to a temporary
file in the target's directory and renamed over the target (``os.replace`` is atomic on POSIX).
A bad path is a ``UsageError``, which each ``main`` turns into ``prog: error: message`` and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import NoReturn


class UsageError(ValueError):
    """Bad input on a command line: the message is one line, shown to the user without a traceback."""


def output_file(path: Path, what: str = "output") -> Path:
    """``path`` if a file can be written there; UsageError if it is a directory or sits under a file."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{what} {path} is a directory; a file path is expected")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{what} {path} cannot be created: {parent} is a file, not a directory")
            break
    return path


def output_dir(path: Path, what: str = "output directory") -> Path:
    """``path`` if a directory can be made there; UsageError if it, or a parent, is a file."""
    path = Path(path)
    for candidate in (path, *path.parents):
        if candidate.exists():
            if not candidate.is_dir():
                raise UsageError(f"{what} {path} cannot be created: {candidate} is a file, not a directory")
            break
    return path


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file in the same directory, then rename it."""
    path = output_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode() if isinstance(content, str) else content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def fail(prog: str, message: str) -> NoReturn:
    """Print ``prog: error: message`` (first line only) on stderr and exit with status 2."""
    first = str(message).strip().splitlines()[0] if str(message).strip() else "invalid input"
    print(f"{prog}: error: {first}", file=sys.stderr)
    raise SystemExit(2)


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors are one line (``prog: error: message``) and exit status 2, no usage dump."""

    def error(self, message: str) -> NoReturn:
        fail(self.prog, message)
