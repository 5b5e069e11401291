"""TARGET strings: a built-in name, ``package.module:function`` or ``path/to/file.py:function``.

A target that cannot be found, imported or called is a usage error (``UsageError``: one line, exit 2);
a built-in whose package is not installed is *skipped*, with the missing package named.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from audit import builtins


class UsageError(Exception):
    """A bad command line or target: the CLI prints ``audit: <message>`` on one line and exits 2."""


@dataclass
class Target:
    name: str
    fn: Callable[..., object] | None
    source: str
    versions: dict[str, str] = field(default_factory=dict)
    skipped: str = ""


def versions(packages: tuple[str, ...]) -> dict[str, str]:
    """Installed distribution versions, e.g. {"torch": "2.13.0+cpu"}; "not installed" where absent."""
    found = {}
    for pkg in packages:
        try:
            found[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            found[pkg] = "not installed"
    return found


def _from_file(path: str, attr: str) -> Callable[..., object]:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    name = f"audit_target_{abs(hash(file.resolve()))}"
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise UsageError(f"{path}: not a Python file that can be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise UsageError(f"{path}: importing it raised {type(e).__name__}: {e}".split("\n")[0]) from None
    return _attr(module, attr, path)


def _attr(module: object, attr: str, where: str) -> Callable[..., object]:
    fn = module
    for part in attr.split("."):
        if not hasattr(fn, part):
            raise UsageError(f"{where} has no attribute {attr!r}")
        fn = getattr(fn, part)
    if not callable(fn):
        raise UsageError(f"{where}:{attr} is a {type(fn).__name__}, not a function")
    return fn


def resolve(spec: str, kernel: str) -> Target:
    """The target named by ``spec`` for ``kernel``; UsageError if it cannot be found or imported."""
    table = builtins.BUILTINS[kernel]
    if spec in table:
        b = table[spec]
        found = versions(("torch", *b.packages))
        try:
            return Target(spec, b.load(), b.source, found)
        except ImportError as e:
            why = f"{e.name or e} not installed" + (f" (dependency group {b.group})" if b.group else "")
            return Target(spec, None, b.source, found, skipped=why)
    where, sep, attr = spec.rpartition(":")
    if not sep or not where or not attr:
        names = ", ".join(table)
        raise UsageError(
            f"{spec!r} is not a built-in {kernel} target ({names}) nor MODULE:FUNCTION or FILE.py:FUNCTION"
        )
    if where.endswith(".py") or "/" in where:
        fn = _from_file(where, attr)
    else:
        try:
            module = importlib.import_module(where)
        except Exception as e:
            raise UsageError(f"cannot import {where}: {type(e).__name__}: {e}".split("\n")[0]) from None
        fn = _attr(module, attr, where)
    return Target(spec, fn, f"user function {spec}", versions(("torch",)))
