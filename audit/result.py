"""What an audit finds: named checks with a measured figure each, and the verdict they add up to.

Tolerances, one table per dtype (what ``impl`` promises in docs/impl.md, held to every target): relative
error of values 1e-6 (float32) and 1e-13 (float64); of gradients 1e-5 and 1e-12 (a few roundings more).
Relative error is |actual - exact| / max(|exact|, tiny), tiny the dtype's smallest normal number, so an
exact 0 must be met by a (sub)normal-sized answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

DTYPES = (torch.float32, torch.float64)
RTOL = {torch.float32: 1e-6, torch.float64: 1e-13}
GRAD_RTOL = {torch.float32: 1e-5, torch.float64: 1e-12}
#: Conventions, additivity, batch order and sample statistics are compared at this tolerance in float64.
EXACT_RTOL = 1e-12


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def rel_error(actual: np.ndarray, exact: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    """|actual - exact| / max(|exact|, tiny); inf where actual is NaN or inf and exact is finite."""
    tiny = float(torch.finfo(dtype).tiny)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(actual - exact) / np.maximum(np.abs(exact), tiny)
    return np.where(np.isfinite(actual), err, np.inf)


@dataclass
class Check:
    """One named check: passed or not, with its measured figure and where the worst case was."""

    name: str
    passed: bool
    detail: str  # one line: what was measured, against what bound
    worst: float | None = None  # the worst relative error measured, where the check is one
    where: str = ""  # the inputs of the worst case


@dataclass
class Audit:
    """The audit of one target for one kernel."""

    target: str
    kernel: str
    source: str = ""  # where the code under audit comes from; "transcribed: repo path @ commit" for scripts
    convention: str = ""
    checks: list[Check] = field(default_factory=list)
    curves: dict[str, Any] = field(default_factory=dict)  # dtype -> mu -> [[logvar, rel. error], ...]
    versions: dict[str, str] = field(default_factory=dict)
    skipped: str = ""  # why it could not be run (package not installed), else ""

    @property
    def passed(self) -> bool:
        return not self.skipped and bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[str]:
        return [f"{c.name}: {c.detail}" for c in self.checks if not c.passed]

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def verdict(self) -> str:
        if self.skipped:
            return f"skipped ({self.skipped})"
        if self.passed:
            return "pass"
        return "FAIL: " + "; ".join(c.name for c in self.checks if not c.passed)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["verdict"], out["passed"] = self.verdict, self.passed
        return out


def where(**inputs: float) -> str:
    """'mu=1e-09, logvar=-1e-09': the inputs of a worst case, to 3 significant digits."""
    return ", ".join(f"{k}={v:.3g}" for k, v in inputs.items())
