"""What the benchmark scripts share on their command lines: the parser, value types, reading results.

Errors are one line, ``benchmarks/NAME.py: error: message``, with exit status 2 (``derivations.outputs``,
which every command line of the project uses); outputs are written there too, through a temporary file.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from derivations.outputs import ArgumentParser, UsageError


def parser(script: str, doc: str | None) -> ArgumentParser:
    """The parser of ``benchmarks/<script>.py``, described by the first line of its docstring."""
    return ArgumentParser(prog=f"benchmarks/{script}.py", description=(doc or "").splitlines()[0])


def positive_float(text: str) -> float:
    """A finite number > 0 (seconds, elements)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def natural(text: str, low: int = 1) -> int:
    """An integer >= ``low``."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {text!r}")
    return value


def percent(text: str) -> int:
    """An integer >= 0 (a percentage)."""
    return natural(text, low=0)


def read_json(path: Path, what: str) -> Any:
    """The JSON at ``path``; UsageError in one line if it is missing, a directory or not JSON."""
    if not path.is_file():
        raise UsageError(f"{what} {path}: " + ("is a directory" if path.is_dir() else "no such file"))
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{what} {path}: not JSON ({exc})") from None
