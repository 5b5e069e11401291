"""+KL(N(mu, diag exp(logvar)) || N(0, I)) in nats, exact in floating point, with an analytic backward.

Kingma & Welling (2013), Appendix B, with v = log sigma^2 (ledger claim ``logvar-parameterisation``):

    KL = 1/2 sum_j (f(v_j) + mu_j^2),   f(v) = e^v - 1 - v >= 0,   dKL/dmu = mu,   dKL/dv = (e^v - 1) / 2.

The textbook -1/2 sum(1 + v - mu^2 - e^v) cancels to exactly 0 when v and mu are small (the collapse
regime); here f is computed without cancellation (``expm1_minus_x``) and mu^2 is added last.
"""

from __future__ import annotations

import functools
import math

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from impl import _checks, _native
from impl._compile import call, uses_compiled

#: f(v) = v^2 * sum_k v^k / (k + 2)!: the exponential series less its first two terms, 8 terms.
_SERIES = tuple(1.0 / math.factorial(k + 2) for k in range(8))
#: The series is used below this |v|: there expm1(v) - v loses about 2u/|v| (u: unit roundoff), and the
#: truncated series errs by < 2 |v|^8 / 10! (float32: 4e-7 and 2e-9 at 0.5; float64: 5e-15 and 6e-16 at 0.1).
_SERIES_BELOW = {torch.float32: 0.5, torch.float64: 0.1}
#: Computed in float32 and returned in their own dtype (too few digits for the series switch to matter).
UPCAST = (torch.float16, torch.bfloat16)


@functools.cache
def coefficients(dtype: torch.dtype, device: torch.device) -> tuple[Tensor, ...]:
    """The series coefficients as 0-dim tensors, highest order first (one ``addcmul`` per Horner step)."""
    return tuple(torch.tensor(c, dtype=dtype, device=device) for c in reversed(_SERIES))


def expm1_minus_x(v: Tensor, coeffs: tuple[Tensor, ...]) -> tuple[Tensor, Tensor]:
    """(f, e) = (e^v - 1 - v, e^v - 1) elementwise, each to a few ulp for every finite v (float32/float64).

    f: Horner's rule on the series for |v| < _SERIES_BELOW, expm1(v) - v above, chosen by ``torch.where``.
    e: f + v on the series side, expm1(v) above. Compiled, Inductor's CPU code computes expm1 as exp - 1
    (pytorch#189803), which loses every digit near 0 but is accurate where it is used here.
    """
    vv = v * v
    small = vv < _SERIES_BELOW[v.dtype] ** 2
    series = torch.addcmul(coeffs[1], coeffs[0], v)
    for c in coeffs[2:]:
        torch.addcmul(c, series, v, out=series)  # in place: no fresh buffer per step
    e = torch.expm1(v)
    f = torch.where(small, series.mul_(vv), e - v)
    return f, torch.where(small, f + v, e)


def batch_view(g: Tensor, like: Tensor) -> Tensor:
    """A per-sample (B,) gradient viewed as (B, 1, ..., 1) to broadcast against ``like``."""
    return g.view((-1,) + (1,) * (like.dim() - 1))


def kl_terms(mu: Tensor, logvar: Tensor, coeffs: tuple[Tensor, ...]) -> tuple[Tensor, Tensor]:
    """(+KL per sample (B,), expm1(logvar)) for float32/float64 inputs of one shape; no autograd."""
    f, e = expm1_minus_x(logvar, coeffs)
    return f.addcmul_(mu, mu).sum(dim=tuple(range(1, mu.dim()))).mul_(0.5), e


def _forward(mu: Tensor, logvar: Tensor, coeffs: tuple[Tensor, ...], save: bool) -> tuple:
    kl, e = kl_terms(mu, logvar, coeffs)
    return kl, (e,) if save else ()  # compiled, expm1(logvar) is not written out but recomputed


def _backward(g_kl: Tensor, mu: Tensor, logvar: Tensor, coeffs: tuple[Tensor, ...], saved: tuple) -> tuple:
    g = batch_view(g_kl, mu)
    return g * mu, (0.5 * g) * (saved[0] if saved else expm1_minus_x(logvar, coeffs)[1])


class _GaussianKL(torch.autograd.Function):
    """Backward dKL/dmu = mu, dKL/dv = expm1(v) / 2: saves expm1(v) eagerly, recomputes it compiled."""

    @staticmethod
    def forward(ctx: torch.autograd.function.FunctionCtx, mu: Tensor, logvar: Tensor) -> Tensor:
        compiled = uses_compiled(mu)
        kl, saved = call(_forward, compiled, mu, logvar, coefficients(mu.dtype, mu.device), not compiled)
        ctx.save_for_backward(mu, logvar, *saved)
        return kl

    @staticmethod
    @once_differentiable  # second derivatives: not provided, an error rather than a wrong number
    def backward(ctx: torch.autograd.function.FunctionCtx, g_kl: Tensor) -> tuple[Tensor, Tensor]:
        mu, logvar, *saved = ctx.saved_tensors  # type: ignore[attr-defined]
        coeffs = coefficients(mu.dtype, mu.device)
        return call(_backward, uses_compiled(mu), g_kl, mu, logvar, coeffs, tuple(saved))


def gaussian_kl(mu: Tensor, logvar: Tensor) -> Tensor:
    """+KL(N(mu, diag exp(logvar)) || N(0, I)) in nats, summed over every dim but the first: shape (B,).

    Sign: the positive divergence (the paper writes -D_KL). Reduction: sum over all dims after the batch dim,
    none over the batch, so (B, D) codes and (B, C, H, W) latents both give (B,). Accuracy: a few ulp of the
    exact value for float32/float64 wherever it is representable (no 0 in the collapse regime, no inf or NaN
    for float32 logvar in [-100, 88]); it overflows to +inf only where e^logvar does (logvar > 88.72 in
    float32). Gradients are analytic: mu and expm1(logvar) / 2. float16/bfloat16 are computed in float32 and
    returned, with their gradients, in the input dtype. TypeError/ValueError name a bad argument.
    On the CPU (float32/float64) it runs the native operator ``torch.ops.vae_ops.gaussian_kl``, elsewhere
    (CUDA, or where the operators could not be built) the pure-PyTorch path: the same formula.
    """
    _checks.batched_float("mu", mu)
    _checks.same_shape("logvar", logvar, "mu", mu)
    if mu.dtype in UPCAST:
        return gaussian_kl(mu.float(), logvar.float()).to(mu.dtype)
    if _native.use(mu):  # one C++ pass each way (impl/csrc/gaussian_kl.cpp); else the pure path below
        kl: Tensor = torch.ops.vae_ops.gaussian_kl(mu, logvar)
        return kl
    return _GaussianKL.apply(mu, logvar)
