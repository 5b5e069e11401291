"""``python -m audit TARGET [TARGET ...]``: exit 0 if every check passes, 1 if any fails, 2 for a usage error.

A usage error (unknown option, a target that cannot be imported or called as the kernel's signature, an
output directory that does not exist) prints one line, ``audit: <message>``, and writes no file. Output
files are written only after every target has run, each atomically. ``all`` stands for every built-in.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from audit import builtins, publish
from audit.result import Audit
from audit.runner import KERNELS, run
from audit.targets import UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m audit", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument(
        "targets",
        nargs="+",
        metavar="TARGET",
        help="a built-in name, 'all', package.module:function or path/to/file.py:function",
    )
    p.add_argument("--kernel", choices=KERNELS, default="kl", help="what the targets compute (default: kl)")
    p.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    p.add_argument("--markdown", type=Path, metavar="PATH", help="write the results table as Markdown")
    p.add_argument("--figure", type=Path, metavar="PATH", help="write the error figure as PNG (kl only)")
    p.add_argument("--quick", action="store_true", help="coarser grids and fewer samples (for CI)")
    return p


def _line(a: Audit) -> str:
    head = f"{a.target:22s} {a.verdict}"
    if a.skipped or not a.convention:
        return head
    lines = [head, f"    found: {a.convention}"]
    lines += [
        f"    {c.name}: {c.detail}" + (f" at {c.where}" if c.where else "") for c in a.checks if not c.passed
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        for path in (args.json, args.markdown, args.figure):
            if path is not None and not path.parent.is_dir():
                raise UsageError(f"cannot write {path}: no directory {path.parent}")
        if args.figure is not None and args.kernel != "kl":
            raise UsageError("--figure draws the KL's error against logvar: use it with --kernel kl")
        if args.figure is not None and importlib.util.find_spec("matplotlib") is None:
            raise UsageError("--figure needs matplotlib (dependency group audit)")
        specs = [s for t in args.targets for s in (builtins.BUILTINS[args.kernel] if t == "all" else [t])]
        audits = [run(spec, args.kernel, quick=args.quick) for spec in specs]
    except UsageError as e:
        print(f"audit: {e}", file=sys.stderr)
        return 2
    for a in audits:
        print(_line(a))
    if args.json is not None:
        publish.atomic_write(args.json, publish.to_json(audits, args.kernel))
    if args.markdown is not None:
        publish.atomic_write(args.markdown, publish.markdown(audits, args.kernel))
    if args.figure is not None:
        from audit import figure  # matplotlib only when a figure is asked for

        figure.draw(audits, args.figure)
    failed = [a.target for a in audits if not a.passed and not a.skipped]
    skipped = [a.target for a in audits if a.skipped]
    passed = len(audits) - len(failed) - len(skipped)
    print(f"{passed} of {len(audits)} targets pass; {len(failed)} fail; {len(skipped)} skipped")
    return 1 if failed else 0
