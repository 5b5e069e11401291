"""+KL(N(mu, diag exp(logvar)) || N(0, I)) in nats, exact in floating point, with an analytic backward.

Kingma & Welling (2013), Appendix B: -KL = 1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2). With
v = log sigma^2 this is the ledger's claim ``logvar-parameterisation``:

    KL = 1/2 sum_j (f(v_j) + mu_j^2),   f(v) = e^v - 1 - v >= 0,
    dKL/dmu = mu,   dKL/dv = (e^v - 1) / 2.

The textbook form 1 + v - mu^2 - e^v cancels to exactly 0 when v and mu are small (the collapse regime);
here f is computed without cancellation (``expm1_minus_x``) and mu^2 is added last, to a non-negative term.
"""

from __future__ import annotations

import functools
import math

import torch
from torch import Tensor

from impl import _checks

#: f(v) = v^2 * sum_k v^k / (k + 2)!  (the exponential series less its first two terms).
_SERIES = tuple(1.0 / math.factorial(k + 2) for k in range(8))
#: Below this |v| the series is used: expm1(v) - v loses 2 u / |v| relative digits there, and the
#: truncated series errs by 2 |v|^8 / 10! (float32: 4e-7 and 2e-9 at 0.5; float64: 5e-15 and 6e-16 at 0.1).
_SERIES_BELOW = {torch.float32: 0.5, torch.float64: 0.1}
#: Dtypes computed in float32 and returned in their own dtype (too few digits for the series switch).
_UPCAST = (torch.float16, torch.bfloat16)


@functools.cache
def _coefficients(dtype: torch.dtype, device: torch.device) -> tuple[Tensor, ...]:
    """The series coefficients as 0-dim tensors, highest order first (one ``addcmul`` per Horner step)."""
    return tuple(torch.tensor(c, dtype=dtype, device=device) for c in reversed(_SERIES))


def expm1_minus_x(v: Tensor) -> tuple[Tensor, Tensor]:
    """(e^v - 1 - v, e^v - 1), elementwise, each to a few ulp relative error for every finite v.

    float32 and float64 only. The first is computed by Horner's rule on the series for |v| below
    ``_SERIES_BELOW`` and as expm1(v) - v above, chosen with ``torch.where``. Returns fresh tensors.
    """
    e = torch.expm1(v)
    c = _coefficients(v.dtype, v.device)
    vv = v * v
    series = torch.addcmul(c[1], c[0], v)
    for ck in c[2:]:
        series = torch.addcmul(ck, series, v)
    series.mul_(vv)
    return torch.where(vv < _SERIES_BELOW[v.dtype] ** 2, series, e - v), e


def _batch_view(g: Tensor, like: Tensor) -> Tensor:
    """A per-sample (B,) gradient viewed as (B, 1, ..., 1) to broadcast against ``like``."""
    return g.view((-1,) + (1,) * (like.dim() - 1))


def kl_and_expm1(mu: Tensor, logvar: Tensor) -> tuple[Tensor, Tensor]:
    """(+KL per sample (B,), expm1(logvar)) for float32/float64 inputs of one shape; no autograd."""
    f, e = expm1_minus_x(logvar)
    kl = f.addcmul_(mu, mu).sum(dim=tuple(range(1, mu.dim()))).mul_(0.5)
    return kl, e


class _GaussianKL(torch.autograd.Function):
    """KL forward; backward dKL/dmu = mu, dKL/dv = expm1(v) / 2 (saves mu and expm1(v))."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, mu: Tensor, logvar: Tensor) -> Tensor:
        kl, e = kl_and_expm1(mu, logvar)
        ctx.save_for_backward(mu, e)
        return kl

    @staticmethod
    def backward(ctx: torch.autograd.function.FunctionCtx, g_kl: Tensor) -> tuple[Tensor | None, ...]:
        mu, e = ctx.saved_tensors  # type: ignore[attr-defined]
        g = _batch_view(g_kl, mu)
        need_mu, need_logvar = ctx.needs_input_grad  # type: ignore[attr-defined]
        return (g * mu if need_mu else None, (0.5 * g) * e if need_logvar else None)


def gaussian_kl(mu: Tensor, logvar: Tensor) -> Tensor:
    """+KL(N(mu, diag exp(logvar)) || N(0, I)) in nats, summed over every dim but the first: shape (B,).

    Sign: the positive divergence (the paper's -D_KL is its negative). Units: nats. Reduction: sum over all
    dims after the batch dim, none over the batch, so (B, D) codes and (B, C, H, W) latents both give (B,).
    Accuracy: a few ulp of the exact value for float32/float64 wherever it is representable (no 0 in the
    collapse regime, no inf or NaN for float32 logvar in [-100, 88]); it overflows to +inf only where
    e^logvar does (logvar > 88.7 in float32). Gradients are analytic: mu and expm1(logvar) / 2.
    float16/bfloat16: computed in float32 and returned (with its gradients) in the input dtype.

    Raises TypeError for non-tensors or non-floating dtypes, ValueError for fewer than 2 dims or shapes
    that differ.
    """
    _checks.batched_float("mu", mu)
    _checks.same_shape("logvar", logvar, "mu", mu)
    if mu.dtype in _UPCAST:
        return _GaussianKL.apply(mu.float(), logvar.float()).to(mu.dtype)
    return _GaussianKL.apply(mu, logvar)
