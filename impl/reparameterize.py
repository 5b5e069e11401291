"""The reparameterisation trick, z = mu + exp(logvar / 2) * eps, alone and fused with the KL.

Kingma & Welling (2013), Section 2.4 and eq. (10): z = mu + sigma * eps with eps ~ N(0, I), so
z ~ N(mu, diag sigma^2) (ledger claim ``reparameterisation-distribution``) and gradients flow through z
pathwise (``reparameterisation-gradient``): dz/dmu = 1, dz/dlogvar = sigma eps / 2, dz/deps = sigma.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from impl import _checks, _native
from impl._compile import call, uses_compiled
from impl.kl import UPCAST, batch_view, coefficients, expm1_minus_x, kl_terms


def _noise(mu: Tensor, logvar: Tensor, eps: Tensor | None, generator: torch.Generator | None) -> Tensor:
    """Checks the inputs; returns eps, or eps ~ N(0, I) of mu's shape drawn with ``generator``."""
    _checks.batched_float("mu", mu)
    _checks.same_shape("logvar", logvar, "mu", mu)
    if eps is None:
        # randn_like: the same draws as torch.randn(mu.shape, ...), about 2 us less per call (measured)
        return torch.randn_like(mu, generator=generator, memory_format=torch.contiguous_format)
    if generator is not None:
        raise ValueError("pass eps or generator, not both: generator is used only to draw eps")
    return _checks.same_shape("eps", eps, "mu", mu)


def reparameterize(
    mu: Tensor, logvar: Tensor, eps: Tensor | None = None, *, generator: torch.Generator | None = None
) -> Tensor:
    """z = mu + exp(logvar / 2) * eps, of mu's shape (B, ...), with plain autograd ops.

    eps ~ N(0, I) is drawn with ``generator`` when not given: the same seed gives bit-identical z on the
    same machine. TypeError/ValueError name a non-floating or mismatched argument.
    """
    eps = _noise(mu, logvar, eps, generator)
    return torch.addcmul(mu, torch.exp(0.5 * logvar), eps)


def _forward(mu: Tensor, logvar: Tensor, eps: Tensor, coeffs: tuple[Tensor, ...], save: bool) -> tuple:
    sigma = torch.mul(logvar, 0.5).exp_()
    kl, e = kl_terms(mu, logvar, coeffs)
    return torch.addcmul(mu, sigma, eps), kl, (sigma, e) if save else ()  # z as reparameterize rounds it


def _backward(
    g_z: Tensor, g_kl: Tensor, mu: Tensor, logvar: Tensor, eps: Tensor, coeffs: tuple, saved: tuple
) -> tuple:
    sigma, e = saved or (torch.exp(0.5 * logvar), expm1_minus_x(logvar, coeffs)[1])
    g = batch_view(g_kl, mu)
    return torch.addcmul(g_z, g, mu), torch.mul(sigma, eps).mul_(g_z).addcmul_(g, e).mul_(0.5)


class _ReparameterizeKL(torch.autograd.Function):
    """z and the KL in one pass. Backward, pathwise plus the KL's analytic gradient:

    dL/dmu = g_z + g_kl mu,   dL/dlogvar = (g_z sigma eps + g_kl expm1(logvar)) / 2,   dL/deps = g_z sigma.
    Eagerly it saves sigma and expm1(logvar); compiled (large inputs) it recomputes them.
    """

    @staticmethod
    def forward(
        ctx: torch.autograd.function.FunctionCtx, mu: Tensor, logvar: Tensor, eps: Tensor
    ) -> tuple[Tensor, Tensor]:
        compiled, coeffs = uses_compiled(mu), coefficients(mu.dtype, mu.device)
        z, kl, saved = call(_forward, compiled, mu, logvar, eps, coeffs, not compiled)
        ctx.save_for_backward(mu, logvar, eps, *saved)
        return z, kl

    @staticmethod
    @once_differentiable  # second derivatives: not provided, an error rather than a wrong number
    def backward(ctx: torch.autograd.function.FunctionCtx, g_z: Tensor, g_kl: Tensor) -> tuple:
        mu, logvar, eps, *saved = ctx.saved_tensors  # type: ignore[attr-defined]
        coeffs = coefficients(mu.dtype, mu.device)
        g_mu, g_logvar = call(_backward, uses_compiled(mu), g_z, g_kl, mu, logvar, eps, coeffs, tuple(saved))
        g_eps = g_z * torch.exp(0.5 * logvar) if ctx.needs_input_grad[2] else None  # type: ignore[attr-defined]
        return g_mu, g_logvar, g_eps


def reparameterize_kl(
    mu: Tensor, logvar: Tensor, eps: Tensor | None = None, *, generator: torch.Generator | None = None
) -> tuple[Tensor, Tensor]:
    """(z, kl): ``reparameterize`` and ``gaussian_kl`` in one pass with an analytic backward.

    z = mu + exp(logvar / 2) * eps, of mu's shape, with eps drawn as by ``reparameterize`` (on the CPU the
    same seed gives reparameterize's z bit for bit; compiled, from 2^16 elements, up to rounding);
    kl = +KL(N(mu, diag exp(logvar)) || N(0, I)) in nats per sample, shape (B,), with the
    accuracy of ``gaussian_kl``. float16/bfloat16 are computed in float32 and returned in the input dtype.
    On the CPU the native operator ``torch.ops.vae_ops.reparameterize_kl`` computes sigma = exp(logvar / 2)
    as torch.exp does, so z is bit-identical to the pure path's for the same eps or seed.
    """
    eps = _noise(mu, logvar, eps, generator)
    if mu.dtype in UPCAST:
        z, kl = reparameterize_kl(mu.float(), logvar.float(), eps.float())
        return z.to(mu.dtype), kl.to(mu.dtype)
    if _native.use(mu):  # one C++ pass each way (impl/csrc/gaussian_kl.cpp); else the pure path below
        z, kl = torch.ops.vae_ops.reparameterize_kl(mu, logvar, eps)
    else:
        z, kl = _ReparameterizeKL.apply(mu, logvar, eps)
    return z, kl
