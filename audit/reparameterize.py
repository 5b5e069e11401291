"""Audit of a reparameterisation target f(mu, logvar) -> z ~ N(mu, diag e^logvar), drawing from torch's RNG.

Kingma & Welling (2013), Section 2.4: z = mu + sigma eps, eps ~ N(0, I), sigma = e^{logvar/2} (ledger claims
``reparameterisation-distribution`` and ``reparameterisation-gradient``). Checks:

  shape          z has mu's shape
  determinism    the same torch seed gives bit-identical z
  mean, variance Monte Carlo, N = 100000 per dim, fixed seed: |mean - mu| <= 5 sigma / sqrt(N) and
                 |s^2 - sigma^2| <= 5 sigma^2 sqrt(2 / (N - 1)) in every dim (float64)
  pathwise grad  dz/dmu = 1 and dz/dlogvar = (z - mu) / 2 by autograd (float64, 1e-9 of |mu| + sigma)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from audit.conventions import to_numpy
from audit.result import Audit, Check

MU = (0.0, 1.5, -2.0, 1e-3)
LOGVAR = (0.0, -3.0, 2.0, 1e-6)
N = 100_000
SEED = 20131220  # the arXiv date of Kingma & Welling's first version
Z_SCORE = 5.0

Reparam = Callable[[torch.Tensor, torch.Tensor], object]


def _draw(fn: Reparam, mu: torch.Tensor, logvar: torch.Tensor, seed: int = SEED) -> object:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return fn(mu, logvar)


def probe(fn: Reparam) -> None:
    """Calls f once on (3, 4) float64 tensors; an exception is the caller's usage error."""
    _draw(fn, torch.zeros(3, 4, dtype=torch.float64), torch.zeros(3, 4, dtype=torch.float64))


def audit(fn: Reparam, out: Audit, quick: bool = False) -> Audit:
    """Run the reparameterisation checks on ``fn`` into ``out``."""
    n = N // 10 if quick else N
    mu = torch.tensor(MU, dtype=torch.float64).expand(n, -1).contiguous()
    logvar = torch.tensor(LOGVAR, dtype=torch.float64).expand(n, -1).contiguous()
    z = to_numpy(_draw(fn, mu, logvar))
    if z.shape != tuple(mu.shape):
        out.convention = f"returns shape {z.shape}, not mu's {tuple(mu.shape)}"
        out.checks.append(Check("shape", False, out.convention))
        return out
    out.convention = "z of mu's shape"
    out.checks.append(Check("shape", True, f"z has shape {z.shape}"))
    same = np.array_equal(z, to_numpy(_draw(fn, mu, logvar)))
    out.checks.append(Check("determinism", same, "same seed, " + ("same z" if same else "different z")))
    sigma = np.exp(0.5 * np.array(LOGVAR))
    mean_z = np.abs(z.mean(axis=0) - np.array(MU)) / (sigma / math.sqrt(n))
    var_z = np.abs(z.var(axis=0, ddof=1) - sigma**2) / (sigma**2 * math.sqrt(2 / (n - 1)))
    for name, score in (("mean", mean_z), ("variance", var_z)):
        j = int(np.argmax(score))
        detail = f"worst |error| {score[j]:.2f} standard errors (bound {Z_SCORE:g}) in dim {j}, N = {n}"
        out.checks.append(Check(name, bool(score[j] <= Z_SCORE), detail, float(score[j])))
    mu_g, v_g = mu[:100].clone().requires_grad_(True), logvar[:100].clone().requires_grad_(True)
    try:
        z_g = _draw(fn, mu_g, v_g)
        torch.as_tensor(z_g).sum().backward()
    except (RuntimeError, TypeError) as e:
        out.checks.append(Check("pathwise grad", False, f"autograd failed: {type(e).__name__}"))
        return out
    if mu_g.grad is None or v_g.grad is None:
        out.checks.append(Check("pathwise grad", False, "no gradient reaches mu and logvar"))
        return out
    zz = to_numpy(z_g)
    scale = np.abs(to_numpy(mu_g)) + np.exp(0.5 * to_numpy(v_g))
    err_mu = np.max(np.abs(to_numpy(mu_g.grad) - 1.0))
    err_v = np.max(np.abs(to_numpy(v_g.grad) - (zz - to_numpy(mu_g)) / 2) / scale)
    worst = float(max(err_mu, err_v))
    detail = f"dz/dmu - 1: {err_mu:.2g}; dz/dlogvar - (z - mu)/2: {err_v:.2g} (bound 1e-9)"
    out.checks.append(Check("pathwise grad", worst <= 1e-9, detail, worst))
    return out
