"""The reparameterisation trick, z = mu + exp(logvar / 2) * eps, alone and fused with the KL.

Kingma & Welling (2013), Section 2.4 and eq. (10): z = g_phi(eps, x) = mu + sigma * eps with
eps ~ N(0, I), so z ~ N(mu, diag sigma^2) (ledger claim ``reparameterisation-distribution``) and
gradients flow through z pathwise (``reparameterisation-gradient``): dz/dmu = 1, dz/dlogvar = sigma eps / 2.
"""

from __future__ import annotations

import torch
from torch import Tensor

from impl import _checks
from impl.kl import _UPCAST, _batch_view, kl_and_expm1


def _noise(mu: Tensor, logvar: Tensor, eps: Tensor | None, generator: torch.Generator | None) -> Tensor:
    """Checked inputs; returns eps ~ N(0, I) of mu's shape, drawn with ``generator`` when not given."""
    _checks.batched_float("mu", mu)
    _checks.same_shape("logvar", logvar, "mu", mu)
    if eps is None:
        return torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
    if generator is not None:
        raise ValueError("pass eps or generator, not both: generator is used only to draw eps")
    return _checks.same_shape("eps", eps, "mu", mu)


def reparameterize(
    mu: Tensor, logvar: Tensor, eps: Tensor | None = None, *, generator: torch.Generator | None = None
) -> Tensor:
    """z = mu + exp(logvar / 2) * eps, elementwise, of mu's shape (B, ...); plain autograd ops.

    eps ~ N(0, I) is drawn with ``generator`` (bit-identical z for the same seed on the same machine) when
    not given. Units: those of mu. Raises TypeError/ValueError on non-floating or mismatched inputs.
    """
    eps = _noise(mu, logvar, eps, generator)
    return torch.addcmul(mu, torch.exp(0.5 * logvar), eps)


class _ReparameterizeKL(torch.autograd.Function):
    """z and KL in one pass. Backward (pathwise, with the KL's analytic gradient):

    dL/dmu = g_z + g_kl mu,   dL/dlogvar = (g_z sigma eps + g_kl expm1(logvar)) / 2,   dL/deps = g_z sigma.
    Saves mu, sigma * eps and expm1(logvar); sigma is recomputed only if eps needs a gradient.
    """

    @staticmethod
    def forward(
        ctx: torch.autograd.function.FunctionCtx, mu: Tensor, logvar: Tensor, eps: Tensor
    ) -> tuple[Tensor, Tensor]:
        noise = torch.mul(logvar, 0.5).exp_().mul_(eps)  # sigma * eps, in one fresh buffer
        z = mu + noise
        kl, e = kl_and_expm1(mu, logvar)
        ctx.save_for_backward(mu, logvar, noise, e)
        return z, kl

    @staticmethod
    def backward(
        ctx: torch.autograd.function.FunctionCtx, g_z: Tensor, g_kl: Tensor
    ) -> tuple[Tensor | None, ...]:
        mu, logvar, noise, e = ctx.saved_tensors  # type: ignore[attr-defined]
        g = _batch_view(g_kl, mu)
        need_mu, need_logvar, need_eps = ctx.needs_input_grad  # type: ignore[attr-defined]
        g_mu = torch.addcmul(g_z, g, mu) if need_mu else None
        g_logvar = torch.mul(g_z, noise).addcmul_(g, e).mul_(0.5) if need_logvar else None
        g_eps = g_z * torch.exp(0.5 * logvar) if need_eps else None
        return g_mu, g_logvar, g_eps


def reparameterize_kl(
    mu: Tensor, logvar: Tensor, eps: Tensor | None = None, *, generator: torch.Generator | None = None
) -> tuple[Tensor, Tensor]:
    """(z, kl): ``reparameterize`` and ``gaussian_kl`` in one pass with an analytic backward.

    z: mu + exp(logvar / 2) * eps, shape of mu. kl: +KL(N(mu, diag exp(logvar)) || N(0, I)) in nats,
    summed over every dim but the first, shape (B,); same values and accuracy as ``gaussian_kl``.
    float16/bfloat16 are computed in float32 and returned in the input dtype.
    """
    eps = _noise(mu, logvar, eps, generator)
    if mu.dtype in _UPCAST:
        z, kl = _ReparameterizeKL.apply(mu.float(), logvar.float(), eps.float())
        return z.to(mu.dtype), kl.to(mu.dtype)
    z, kl = _ReparameterizeKL.apply(mu, logvar, eps)
    return z, kl
