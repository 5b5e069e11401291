"""One target, one kernel: resolve it, probe it, run the kernel's checks; a bad target is a UsageError."""

from __future__ import annotations

from typing import Any

from audit import bernoulli, elbo, kl, reparameterize
from audit.result import Audit, Check
from audit.targets import UsageError, resolve

KERNELS = ("kl", "reparameterize", "bernoulli-nll", "neg-elbo")
_CHECKS = {"kl": kl, "reparameterize": reparameterize, "bernoulli-nll": bernoulli, "neg-elbo": elbo}
_SIGNATURES = {
    "kl": "f(mu, logvar) on (3, 4) float64 tensors",
    "reparameterize": "f(mu, logvar) on (3, 4) float64 tensors",
    "bernoulli-nll": "f(logits, x) on (3, 4) float64 tensors",
    "neg-elbo": "f(x, logits, mu, logvar) on (3, 5), (3, 5), (3, 4), (3, 4) float64 tensors",
}


def run(spec: str, kernel: str = "kl", quick: bool = False) -> Audit:
    """The audit of target ``spec`` for ``kernel``; UsageError if it cannot be found or called."""
    if kernel not in KERNELS:
        raise UsageError(f"--kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")
    target = resolve(spec, kernel)
    out = Audit(spec, kernel, target.source, versions=target.versions, skipped=target.skipped)
    if target.fn is None:
        return out
    module: Any = _CHECKS[kernel]
    try:
        module.probe(target.fn)
    except Exception as e:
        message = f"{type(e).__name__}: {e}".split("\n")[0]
        raise UsageError(f"{spec}: calling {_SIGNATURES[kernel]} raised {message}") from None
    try:
        return module.audit(target.fn, out, quick=quick)
    except Exception as e:  # a target that breaks mid-audit fails, with the reason; it is not a crash
        out.checks.append(Check("runs", False, f"raised {type(e).__name__}: {e}".split("\n")[0]))
        return out
