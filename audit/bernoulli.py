"""Audit of a Bernoulli NLL target f(logits, x) -> -log Bern(x | sigmoid(logits)) on (B, D) tensors, in nats.

Kingma & Welling (2013), Appendix C.1 (ledger ``bernoulli-likelihood``): per pixel log(1 + e^l) - x l, with
d/dl = sigmoid(l) - x; the oracle is ``audit.reference.bernoulli_nll`` at 50 digits. Checks: the convention
(+NLL summed over pixels; per sample or over the batch), value and gradient in float32 and float64 on a grid
of logits up to |l| = 100 with x in {0, 1/4, 1/2, 1} (x in {0, 1} with large |l| is where a naive
softplus(l) - x l loses every digit), and NaN/inf where the exact value is finite.

The gradient sigmoid(l) - x is judged relative to itself where x is 0 or 1 (a target with no rounding, where
-sigmoid(-l) and sigmoid(l) can be computed without cancellation at any l: 1 - sigmoid(l) rounding to 0 from
l = 16.6 in float32 fails), and relative to the size of its terms, sigmoid(l) + x, where x is fractional:
there x is data known to its own rounding, and sigmoid(l) - x near a root is ill-conditioned in x itself, so
no implementation in the target's dtype can do better than that.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from audit import conventions, reference
from audit.result import DTYPES, GRAD_RTOL, RTOL, Audit, Check, dtype_name, rel_error, where

PROBE_LOGITS = ((0.5, -1.0, 2.0, 0.25), (1.5, -0.75, -2.5, 1.0), (-1.25, 0.3, 3.0, -2.0))
PROBE_X = ((1.0, 0.0, 1.0, 0.0), (0.0, 1.0, 0.25, 1.0), (1.0, 0.5, 0.0, 0.75))
X_GRID = (0.0, 0.25, 0.5, 1.0)

NLL = Callable[[torch.Tensor, torch.Tensor], object]


def probe(fn: NLL) -> conventions.Convention | str:
    logits, x = torch.tensor(PROBE_LOGITS, dtype=torch.float64), torch.tensor(PROBE_X, dtype=torch.float64)
    q = reference.bernoulli_nll(logits.flatten().tolist(), x.flatten().tolist())[0].reshape(logits.shape)
    return conventions.infer(fn(logits, x), q)


def grid(dtype: torch.dtype, quick: bool) -> tuple[torch.Tensor, torch.Tensor]:
    pos = np.logspace(-6, 2, 9 if quick else 33)
    ls, xs = np.meshgrid(np.concatenate([-pos[::-1], [0.0], pos]), X_GRID, indexing="ij")
    return (torch.tensor(a.reshape(-1, 1), dtype=dtype) for a in (ls, xs))  # type: ignore[return-value]


def _checks(fn: NLL, conv: conventions.Convention, dtype: torch.dtype, quick: bool) -> list[Check]:
    logits, x = grid(dtype, quick)
    ls, xs = logits.flatten().double().tolist(), x.flatten().double().tolist()
    nll, dnll = reference.bernoulli_nll(ls, xs)
    actual, _ = conventions.per_sample(fn, conv, logits, x)
    err = rel_error(actual, nll, dtype)
    name, i = dtype_name(dtype), int(np.argmax(err))
    detail = f"worst {err[i]:.2g} (bound {RTOL[dtype]:g})"
    checks = [
        Check(f"value {name}", bool(err[i] <= RTOL[dtype]), detail, float(err[i]), where(l=ls[i], x=xs[i]))
    ]
    bad = int(np.sum(~np.isfinite(actual)))
    l_g = logits.clone().requires_grad_(True)
    try:
        torch.as_tensor(fn(l_g, x)).sum().backward()
    except (RuntimeError, TypeError) as e:
        checks.append(Check(f"grad {name}", False, f"autograd failed: {type(e).__name__}"))
        return [*checks, Check(f"finite {name}", bad == 0, f"{bad} non-finite values")]
    if l_g.grad is None:
        return [*checks, Check(f"grad {name}", False, "no gradient reaches logits")]
    g = l_g.grad.flatten().double().numpy() * conventions.batch_gradient_scale(conv, len(ls), 1)
    xs_a, ls_a = np.asarray(xs), np.asarray(ls)
    terms = np.where(np.isin(xs_a, (0.0, 1.0)), np.abs(dnll), 1.0 / (1.0 + np.exp(-ls_a)) + np.abs(xs_a))
    scale = np.maximum(np.maximum(terms, np.abs(dnll)), float(torch.finfo(dtype).tiny))
    g_err = np.where(np.isfinite(g), np.abs(g - dnll) / scale, np.inf)
    j = int(np.argmax(g_err))
    detail = f"worst {g_err[j]:.2g} in dNLL/dlogits (bound {GRAD_RTOL[dtype]:g})"
    checks.append(
        Check(
            f"grad {name}",
            bool(g_err[j] <= GRAD_RTOL[dtype]),
            detail,
            float(g_err[j]),
            where(l=ls[j], x=xs[j]),
        )
    )
    bad += int(np.sum(~np.isfinite(g)))
    return [*checks, Check(f"finite {name}", bad == 0, f"{bad} non-finite values or gradients")]


def audit(fn: NLL, out: Audit, quick: bool = False) -> Audit:
    """Run the Bernoulli NLL checks on ``fn`` into ``out``."""
    conv = probe(fn)
    if isinstance(conv, str):
        out.convention = conv
        out.checks.append(Check("convention", False, conv))
        return out
    out.convention = conv.label("NLL").replace("latent dims", "pixels")
    problems = [p.replace("latent dims", "pixels") for p in conv.problems("NLL")]
    out.checks.append(Check("convention", not problems, "; ".join(problems) or out.convention))
    for dtype in DTYPES:
        try:
            out.checks.extend(_checks(fn, conv, dtype, quick))
        except Exception as e:
            out.checks.append(Check(f"value {dtype_name(dtype)}", False, f"raised {type(e).__name__}: {e}"))
    return out
