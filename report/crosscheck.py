"""Where each claim is computed: its ``claim.impl`` functions, the tests that check them, their outcomes.

A name such as ``impl.gaussian_kl`` is resolved with ``importlib``/``getattr`` (never ``eval``). The tests
that use the function are found in ``tests/test_*.py`` by identity: a test (or a module-level helper it
calls) names an object that *is* the function, imported as ``from impl import gaussian_kl [as f]`` or
reached as ``impl.gaussian_kl``. Their outcomes come from a JUnit XML file of the last pytest run
(``nox -s report`` writes ``build/tests.xml`` first); without one, the report names the tests only.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

#: The JUnit XML that ``nox -s report`` writes before rendering, relative to the project root.
JUNIT = Path("build") / "tests.xml"


@dataclasses.dataclass(frozen=True)
class ImplView:
    """``name`` (module.function), whether it resolves, its docstring's first paragraph, and its tests.

    tests: (``tests/<file>::<test>``, outcome) pairs; the outcome is "" when no JUnit file was found.
    """

    name: str
    found: bool
    summary: str
    tests: tuple[tuple[str, str], ...]


def _resolve(module: str, attr: str | None = None) -> object:
    """``module`` (or its ``attr``) if it imports, else None."""
    try:
        found = importlib.import_module(module)
        return getattr(found, attr) if attr else found
    except (ImportError, AttributeError, ValueError):
        return None


def _bindings(tree: ast.Module, target: object, package: str) -> tuple[set[str], dict[str, Any]]:
    """Names bound to ``target`` and names bound to modules of ``package``, by the file's imports."""
    names: set[str] = set()
    modules: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == package:
            for a in node.names:
                bound = _resolve(str(node.module), a.name)
                if bound is target:
                    names.add(a.asname or a.name)
                elif inspect.ismodule(bound):
                    modules[a.asname or a.name] = bound
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == package:
                    modules[a.asname or a.name] = _resolve(a.name)
    return names, modules


@functools.cache
def _references(function: ast.FunctionDef) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The names a function mentions, and its attribute references as (owner as written, attribute)."""
    names, attributes = set(), set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name | ast.Attribute):
            attributes.add((ast.unparse(node.value), node.attr))
    return frozenset(names), frozenset(attributes)


def _uses(function: ast.FunctionDef, target: object, names: set[str], modules: dict[str, Any]) -> bool:
    mentioned, attributes = _references(function)
    if not mentioned.isdisjoint(names):
        return True
    return any(
        owner in modules and getattr(modules[owner], attr, None) is target for owner, attr in attributes
    )


@functools.cache
def _functions(path: Path) -> tuple[ast.Module, tuple[ast.FunctionDef, ...]]:
    """The parsed test file and its module-level functions (parsed once per process: a file is read for
    every impl name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tree, tuple(n for n in tree.body if isinstance(n, ast.FunctionDef))


def tests_using(target: object, package: str, tests: Path) -> tuple[str, ...]:
    """``tests/<file>::<test>`` for every test function that uses ``target`` directly or via a helper."""
    found = []
    for path in sorted(tests.glob("test_*.py")):
        tree, functions = _functions(path)
        names, modules = _bindings(tree, target, package)
        for _ in range(2):  # module-level helpers that use it, and helpers of those
            names |= {
                f.name
                for f in functions
                if not f.name.startswith("test") and _uses(f, target, names, modules)
            }
        found += [
            f"tests/{path.name}::{f.name}"
            for f in functions
            if f.name.startswith("test") and _uses(f, target, names, modules)
        ]
    return tuple(found)


def outcomes(junit: Path) -> dict[str, str]:
    """``tests/<file>::<test>`` -> "passed 12/12 (0.05 s)" over its parametrised cases, from JUnit XML."""
    if not junit.is_file():
        return {}
    cases: dict[str, list[tuple[bool, bool, float]]] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").rpartition(".")[2]
        key = f"tests/{module}.py::{case.get('name', '').partition('[')[0]}"
        bad = case.find("failure") is not None or case.find("error") is not None
        cases.setdefault(key, []).append((bad, case.find("skipped") is not None, float(case.get("time", 0))))
    out = {}
    for key, runs in cases.items():
        failed, skipped = sum(r[0] for r in runs), sum(r[1] for r in runs)
        word = "FAILED" if failed else "skipped" if skipped == len(runs) else "passed"
        count = f"{failed} of {len(runs)} failed" if failed else f"{len(runs) - skipped}/{len(runs)}"
        out[key] = f"{word} {count} ({sum(r[2] for r in runs):.2f} s)"
    return out


def impl_view(name: str, root: Path, results: dict[str, str]) -> ImplView:
    """Resolve ``name`` (``impl.gaussian_kl``), find the tests that use it and their ``results``."""
    module_name, _, function = name.rpartition(".")
    target = _resolve(module_name, function) if module_name else None
    if target is None:
        return ImplView(name, False, f"does not resolve (no {function} in {module_name or 'any module'})", ())
    first_paragraph = (inspect.getdoc(target) or "").split("\n\n")[0]
    summary = first_paragraph.replace("\n", " ").replace("``", "")  # RST literals read as plain text
    tests = tests_using(target, name.split(".")[0], root / "tests")
    return ImplView(name, True, summary, tuple((t, results.get(t, "")) for t in tests))
