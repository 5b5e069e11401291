"""The results as a Markdown table and JSON, with versions and the machine; every file written atomically.

Columns (KL and Bernoulli NLL): implementation, where it comes from, the convention found, the worst
relative error of the value in float32 and float64 (and where), of the gradients, the count of NaN/inf where
the exact value is finite, and the verdict. Other kernels list their checks' figures.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from audit.result import Audit, Check


def machine() -> str:
    """'x86_64, AMD EPYC 7B13 (2 CPUs), Linux 6.1, Python 3.11.7': what the figures were measured on."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release().split('-')[0]}"
    return (
        f"{platform.machine()}, {model} ({os.cpu_count()} CPUs), {system}, Python {platform.python_version()}"
    )


def atomic_write(path: str | Path, data: str | bytes) -> None:
    """Write to a temporary file in the same directory, then os.replace: never a half-written file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600; a results file is as readable as any other
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def versions(audits: Sequence[Audit]) -> dict[str, str]:
    found: dict[str, str] = {}
    for a in audits:
        found.update(a.versions)
    return dict(sorted(found.items()))


def to_json(audits: Sequence[Audit], kernel: str) -> str:
    doc: dict[str, Any] = {
        "kernel": kernel,
        "machine": machine(),
        "versions": versions(audits),
        "passed": all(a.passed or a.skipped for a in audits),
        "audits": [a.to_json() for a in audits],
    }
    return json.dumps(doc, indent=1) + "\n"


def _figure(c: Check | None) -> str:
    if c is None:
        return "—"
    mark = "" if c.passed else " ✗"
    if c.worst is None:
        return ("ok" if c.passed else c.detail) + mark
    return f"{c.worst:.1e}" + (f" at {c.where}" if c.where and not c.passed else "") + mark


def _finite(a: Audit) -> str:
    checks = [c for c in a.checks if c.name.startswith("finite")]
    if not checks:
        return "—"
    count = sum(int(c.detail.split()[0]) for c in checks)
    return "none" if count == 0 else f"{count} ✗"


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell (a | would start a new column)."""
    return text.replace("|", "\\|")


def _source(a: Audit) -> str:
    return _cell(a.source)


def markdown(audits: Sequence[Audit], kernel: str) -> str:
    """The results table, with the machine and the versions under it."""
    lines = [f"# Audit of `{kernel}` implementations", ""]
    if kernel in ("kl", "bernoulli-nll"):
        head = [
            "implementation",
            "source",
            "sign and reduction found",
            "worst rel. error float32",
            "float64",
            "gradient float32",
            "gradient float64",
            "NaN/inf",
            "verdict",
        ]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for a in audits:
            cells = [f"`{a.target}`", _source(a), _cell(a.convention) or "—"]
            cells += [
                _figure(a.check(n))
                for n in ("value float32", "value float64", "grad float32", "grad float64")
            ]
            lines.append("| " + " | ".join([*cells, _finite(a), _cell(a.verdict)]) + " |")
    else:
        head = ["implementation", "source", "found", "checks", "verdict"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for a in audits:
            checks = "; ".join(f"{c.name}: {_cell(c.detail)}" + ("" if c.passed else " ✗") for c in a.checks)
            cells = [f"`{a.target}`", _source(a), _cell(a.convention) or "—", checks or "—", _cell(a.verdict)]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Machine: {machine()}.", ""]
    lines += ["Versions: " + ", ".join(f"{k} {v}" for k, v in versions(audits).items()) + ".", ""]
    return "\n".join(lines)
