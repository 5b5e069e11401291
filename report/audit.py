"""The report's audit section, read from what ``nox -s audit`` commits in ``audit/results/``: the KL table
(``kl.json``: each implementation with its source, labelled where transcribed from an example script; the
sign and reduction found, the worst float32 and float64 relative error of value and gradients, NaN/inf, the
verdict), the figure ``kl.png``, the other kernels' verdicts, and each file's machine and versions.

Every cell is written from the JSON as ``audit/publish.py`` writes ``kl.md`` (two significant digits, ``at``
the worst input and ``✗`` when the check failed; NaN/inf the count the finite checks recorded), never
recomputed. A missing or malformed file is one line in ``notes["audit"]``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from report.parts import Figure, Table

RESULTS = Path("audit") / "results"
KERNELS = ("reparameterize", "bernoulli-nll", "neg-elbo")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: The checks whose figures the KL table shows, in its column order, and the table's header.
FIGURES = ("value float32", "value float64", "grad float32", "grad float64")
KL_HEADER = (
    "implementation",
    "source",
    "sign and reduction found",
    "worst rel. error float32",
    "float64",
    "gradient float32",
    "gradient float64",
    "NaN/inf",
    "verdict",
)
KERNEL_HEADER = ("kernel", "implementation", "source", "found", "verdict")
#: What reading a malformed document as a results document raises.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, OSError)


@dataclasses.dataclass(frozen=True)
class KLRow:
    """One implementation in the KL table; ``cells`` are the columns after its name and source."""

    target: str
    source: str
    transcribed: bool
    status: str  # "pass", "fail" or "skipped", from the recorded verdict
    cells: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Record:
    """Where one results file was measured: its path in the project, the machine, the versions."""

    path: str
    machine: str
    versions: str


@dataclasses.dataclass(frozen=True)
class AuditPart:
    """The audit section; empty where ``audit/results/`` has nothing usable (a note then says why)."""

    kl: tuple[KLRow, ...] = ()
    figure: Figure | None = None
    kernels: Table | None = None
    records: tuple[Record, ...] = ()


class Unusable(ValueError):
    """A results file that is missing or is not the kernel's results document."""


def _figure(check: dict[str, Any] | None) -> str:
    """A check's figure as ``audit/publish.py`` writes it in ``kl.md``."""
    if check is None:
        return "—"
    mark = "" if check["passed"] else " ✗"
    if check["worst"] is None:
        return ("ok" if check["passed"] else str(check["detail"])) + mark
    where = f" at {check['where']}" if check["where"] and not check["passed"] else ""
    return f"{float(check['worst']):.1e}{where}{mark}"


def _finite(checks: list[dict[str, Any]]) -> str:
    """The NaN/inf count the finite checks recorded (their detail starts with it), as in ``kl.md``."""
    finite = [c for c in checks if str(c["name"]).startswith("finite")]
    if not finite:
        return "—"
    count = sum(int(str(c["detail"]).split()[0]) for c in finite)
    return "none" if count == 0 else f"{count} ✗"


def _row(a: dict[str, Any]) -> KLRow:
    checks = list(a["checks"])
    named = {str(c["name"]): c for c in checks}
    figures = tuple(_figure(named.get(name)) for name in FIGURES)
    cells = (str(a["convention"]) or "—", *figures, _finite(checks), str(a["verdict"]))
    source, verdict = str(a["source"]), str(a["verdict"])
    status = "pass" if a["passed"] is True else "skipped" if verdict.startswith("skipped") else "fail"
    return KLRow(str(a["target"]), source, source.startswith("transcribed"), status, cells)


def _load(root: Path, path: Path, kernel: str) -> tuple[dict[str, Any], Record]:
    """The results document at ``root / path`` and where it was measured; Unusable if not ``kernel``'s."""
    if not (root / path).is_file():
        raise Unusable("not found (nox -s audit writes it)")
    try:
        data = json.loads((root / path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unusable(f"is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("kernel") != kernel or not isinstance(data.get("audits"), list):
        raise Unusable(f"is not an audit result of kernel {kernel!r}")
    if not isinstance(data.get("versions"), dict) or not isinstance(data.get("machine"), str):
        raise Unusable("records no machine or no versions")
    versions = ", ".join(f"{k} {v}" for k, v in data["versions"].items())
    return data, Record(path.as_posix(), data["machine"], versions)


def _caption(data: dict[str, Any]) -> str:
    mus = dict.fromkeys(mu for a in data["audits"] for c in a.get("curves", {}).values() for mu in c)
    at = " and ".join(f"mu = {mu}" for mu in mus) or "the mu values recorded"
    return (
        f"Relative error of each implementation's KL against logvar > 0 (log-log), at {at}: float32 above, "
        "float64 below, against 50-digit mpmath; the dotted line is the audit's bound, errors of exactly 0 "
        "are drawn at the floor, implementations whose errors are identical share a line, transcribed ones "
        f"are dashed. The collapse regime is the left of each panel.\nMeasured on {data['machine']}."
    )


def _is_png(path: Path) -> bool:
    try:
        return path.is_file() and path.read_bytes()[:8] == PNG_SIGNATURE
    except OSError:
        return False


def _why(path: Path, exc: Exception) -> str:
    """One line: why a results file is not shown."""
    why = str(exc) if isinstance(exc, Unusable) else f"is malformed ({type(exc).__name__}: {exc})"
    return " ".join(f"{path.as_posix()} {why}".split())


def audit(root: Path, notes: dict[str, str]) -> AuditPart:
    """The audit section from ``root / RESULTS``; whatever is missing or malformed is named in one line."""
    problems, records = [], []
    kl: tuple[KLRow, ...] = ()
    figure, png = None, root / RESULTS / "kl.png"
    try:
        data, record = _load(root, RESULTS / "kl.json", "kl")
        kl, caption = tuple(_row(a) for a in data["audits"]), _caption(data)
        records.append(record)
    except MALFORMED as exc:
        problems.append(f"No KL audit shown: {_why(RESULTS / 'kl.json', exc)}.")
    else:
        if _is_png(png):
            figure = Figure(png, caption, ())
        else:
            problems.append(f"The KL figure ({(RESULTS / 'kl.png').as_posix()}) is missing or not a PNG.")
    rows: list[tuple[str, ...]] = []
    for kernel in KERNELS:
        try:
            data, record = _load(root, RESULTS / f"{kernel}.json", kernel)
            rows += [
                (kernel, str(a["target"]), str(a["source"]), str(a["convention"]) or "—", str(a["verdict"]))
                for a in data["audits"]
            ]
            records.append(record)
        except MALFORMED as exc:
            problems.append(f"No {kernel} audit shown: {_why(RESULTS / f'{kernel}.json', exc)}.")
    if problems:
        notes["audit"] = " ".join(problems)
    kernels = Table("The other kernels", KERNEL_HEADER, tuple(rows)) if rows else None
    return AuditPart(kl, figure, kernels, tuple(records))
