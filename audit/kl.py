"""Audit of a KL target f(mu, logvar) -> KL(N(mu, diag e^logvar) || N(0, I)) on (B, D) tensors.

The oracle is the ledger's closed form at 50 digits (``audit.reference``; Kingma & Welling 2013, Appendix B;
claim ``gaussian-kl-standard``). Checks, in the order reported:

  convention      sign and reductions found on a probe (``audit.conventions``); -KL or a mean over latent
                  dims fails, as does a misreading of logvar
  value float32   worst relative error on the grid (logvar -100..88, |mu| 0..1e4, |logvar| down to 1e-9)
  value float64   the same in float64
  grad float32    dKL/dmu = mu and dKL/dlogvar = (e^v - 1)/2 by autograd against the oracle
  grad float64    the same in float64
  finite          no NaN or inf in value or gradient where the exact value is finite in the dtype
  additivity      KL of (B, D) = sum of the KLs of its D columns (float64, 1e-12)
  batch order     permuting the batch permutes (or leaves unchanged) the output (float64, 1e-12)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from audit import conventions, reference
from audit.result import DTYPES, EXACT_RTOL, GRAD_RTOL, RTOL, Audit, Check, dtype_name, rel_error, where

#: The probe: moderate values, distinct rows, so every candidate convention predicts a different output.
PROBE_MU = ((0.5, -1.0, 1.5, 0.25), (2.0, 0.75, -0.5, 1.0), (-1.25, 0.3, 0.6, -2.0))
PROBE_LOGVAR = ((-1.0, 0.5, 1.0, -0.5), (0.25, -2.0, 1.5, 0.75), (2.0, -0.3, -1.5, 0.4))
#: The figure's two slices of the grid.
FIGURE_MU = (0.0, 1e-3)

KL = Callable[[torch.Tensor, torch.Tensor], object]


def probe(fn: KL) -> conventions.Convention | str:
    """The convention of ``fn`` found on the float64 probe; exceptions propagate (a usage error)."""
    mu, logvar = torch.tensor(PROBE_MU, dtype=torch.float64), torch.tensor(PROBE_LOGVAR, dtype=torch.float64)
    q = reference.kl_per_dim(mu.flatten().tolist(), logvar.flatten().tolist())[0].reshape(mu.shape)
    misread = reference.kl_as_log_sigma(mu.flatten().tolist(), logvar.flatten().tolist()).reshape(mu.shape)
    return conventions.infer(fn(mu, logvar), q, {"reads logvar as log sigma": misread})


def grid(dtype: torch.dtype, quick: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """(mu, logvar) of shape (N, 1) in ``dtype``: every pair of the two grids."""
    mus, vs = np.meshgrid(reference.mu_grid(quick), reference.logvar_grid(quick), indexing="ij")
    as_t = lambda a: torch.tensor(a.reshape(-1, 1), dtype=dtype)  # noqa: E731
    return as_t(mus), as_t(vs)


def _values(fn: KL, conv: conventions.Convention, dtype: torch.dtype, quick: bool, out: Audit) -> list[Check]:
    mu, v = grid(dtype, quick)
    m, lv = mu.flatten().double().tolist(), v.flatten().double().tolist()
    k, dk_mu, dk_v = reference.kl_per_dim(m, lv)
    finite = np.abs(k) <= float(torch.finfo(dtype).max)
    actual, _ = conventions.per_sample(fn, conv, mu, v)
    err = np.where(finite, rel_error(actual, k, dtype), 0.0)
    name = dtype_name(dtype)
    i = int(np.argmax(err))
    checks = [
        Check(
            f"value {name}",
            bool(err[i] <= RTOL[dtype]),
            f"worst {err[i]:.2g} (bound {RTOL[dtype]:g})",
            float(err[i]),
            where(mu=m[i], logvar=lv[i]),
        )
    ]
    rounded = {mu0: float(torch.tensor(mu0, dtype=dtype)) for mu0 in FIGURE_MU}  # the grid's mu in dtype
    out.curves[name] = {
        f"{mu0:g}": [[lv[j], float(err[j])] for j in range(len(m)) if m[j] == r and lv[j] > 0]
        for mu0, r in rounded.items()
    }
    bad = int(np.sum(finite & ~np.isfinite(actual)))
    mu_g, v_g = mu.clone().requires_grad_(True), v.clone().requires_grad_(True)
    try:
        total = fn(mu_g, v_g)
        torch.as_tensor(total).sum().backward()
    except (RuntimeError, TypeError) as e:
        checks.append(
            Check(f"grad {name}", False, f"autograd failed: {type(e).__name__}: {e}".split("\n")[0])
        )
        return [*checks, Check(f"finite {name}", bad == 0, f"{bad} non-finite values where KL is finite")]
    if mu_g.grad is None or v_g.grad is None:
        checks.append(Check(f"grad {name}", False, "no gradient reaches mu and logvar"))
        return [*checks, Check(f"finite {name}", bad == 0, f"{bad} non-finite values where KL is finite")]
    scale = conventions.batch_gradient_scale(conv, len(m), 1)
    g_mu, g_v = (g.flatten().double().numpy() * scale for g in (mu_g.grad, v_g.grad))
    grad_ok = finite & (np.abs(dk_v) <= float(torch.finfo(dtype).max))
    errs = [np.where(grad_ok, rel_error(g, e, dtype), 0.0) for g, e in ((g_mu, dk_mu), (g_v, dk_v))]
    which = int(np.argmax([e.max() for e in errs]))
    j = int(np.argmax(errs[which]))
    worst = float(errs[which][j])
    label = ("dKL/dmu", "dKL/dlogvar")[which]
    detail = f"worst {worst:.2g} in {label} (bound {GRAD_RTOL[dtype]:g})"
    checks.append(
        Check(f"grad {name}", worst <= GRAD_RTOL[dtype], detail, worst, where(mu=m[j], logvar=lv[j]))
    )
    bad += int(np.sum(grad_ok & ~(np.isfinite(g_mu) & np.isfinite(g_v))))
    checks.append(
        Check(f"finite {name}", bad == 0, f"{bad} non-finite values or gradients where KL is finite")
    )
    return checks


def _structure(fn: KL, conv: conventions.Convention) -> list[Check]:
    """Additivity over dims and invariance to batch order, in float64 on seeded moderate inputs."""
    gen = torch.Generator().manual_seed(0)
    mu = torch.randn(5, 6, generator=gen, dtype=torch.float64)
    v = torch.randn(5, 6, generator=gen, dtype=torch.float64)
    whole, _ = conventions.per_sample(fn, conv, mu, v)
    cols = sum(conventions.per_sample(fn, conv, mu[:, j : j + 1], v[:, j : j + 1])[0] for j in range(6))
    add_err = float(np.max(np.abs(whole - cols) / np.abs(cols)))
    perm = torch.tensor([3, 0, 4, 1, 2])
    raw, raw_p = conventions.to_numpy(fn(mu, v)), conventions.to_numpy(fn(mu[perm], v[perm]))
    expected = raw[perm.numpy()] if conv.over_batch == "none" else raw
    order_err = float(np.max(np.abs(raw_p - expected) / np.abs(expected)))
    return [
        Check("additivity", add_err <= EXACT_RTOL, f"KL(B, 6) vs sum of 6 columns: {add_err:.2g}", add_err),
        Check("batch order", order_err <= EXACT_RTOL, f"permuted batch: {order_err:.2g}", order_err),
    ]


def audit(fn: KL, out: Audit, quick: bool = False) -> Audit:
    """Run every KL check on ``fn`` into ``out``; a probe that raises is the caller's usage error."""
    conv = probe(fn)
    if isinstance(conv, str):
        out.convention = conv
        out.checks.append(Check("convention", False, conv))
        return out
    out.convention = conv.label("KL")
    problems = conv.problems("KL")
    out.checks.append(Check("convention", not problems, "; ".join(problems) or out.convention))
    for dtype in DTYPES:
        try:
            out.checks.extend(_values(fn, conv, dtype, quick, out))
        except Exception as e:  # a target that cannot take this dtype fails its checks, it is not a crash
            out.checks.append(Check(f"value {dtype_name(dtype)}", False, f"raised {type(e).__name__}: {e}"))
    out.checks.extend(_structure(fn, conv))
    return out
