"""One target, one kernel: resolve it, probe it, run the kernel's checks; a bad target is a UsageError."""

from __future__ import annotations

from audit import kl
from audit.result import Audit
from audit.targets import UsageError, resolve

KERNELS = ("kl", "reparameterize", "bernoulli-nll", "neg-elbo")
_CHECKS = {"kl": kl}
_SIGNATURES = {
    "kl": "f(mu, logvar) on (3, 4) float64 tensors",
}


def run(spec: str, kernel: str = "kl", quick: bool = False) -> Audit:
    """The audit of target ``spec`` for ``kernel``; UsageError if it cannot be found or called."""
    if kernel not in KERNELS:
        raise UsageError(f"--kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")
    target = resolve(spec, kernel)
    out = Audit(spec, kernel, target.source, versions=target.versions, skipped=target.skipped)
    if target.fn is None:
        return out
    module = _CHECKS[kernel]
    try:
        module.probe(target.fn)
    except Exception as e:
        message = f"{type(e).__name__}: {e}".split("\n")[0]
        raise UsageError(f"{spec}: calling {_SIGNATURES[kernel]} raised {message}") from None
    return module.audit(target.fn, out, quick=quick)
