"""The implementations of each benchmarked kernel, all returning the same quantity.

- ``impl``: this project's ``impl/``: on the CPU its native operators (``torch.ops.vae_ops``).
- ``pure``: the same functions on impl's pure-PyTorch path (``impl._native.pure()``; what runs on CUDA or
  without a C++ compiler): fused autograd Functions, compiled from 2^16 elements.
- ``eager``: the plain eager code of pytorch/examples' VAE (``vae/main.py``: ``reparameterize``,
  ``loss_function``; its decoder ends in ``torch.sigmoid``), with the KL summed per row to return (B,).
- ``distributions``: ``torch.distributions.Normal`` with ``rsample`` and ``kl_divergence`` against
  N(0, I) built with ``zeros_like``/``ones_like``, ``Bernoulli(logits=...)``; argument validation on (the
  default).
- ``bce_logits`` (neg_elbo and train_step only): what a careful user writes instead of pytorch/examples'
  sigmoid + BCE: ``binary_cross_entropy_with_logits`` on the logits plus the naive KL.
- ``compiled``: ``torch.compile`` of the eager code (inductor). On CPU with ``fallback_random=True``:
  inductor's in-kernel RNG was 3x slower there than aten's generator (PERF_NOTES); on CUDA its Philox RNG.

What each kernel returns (every sign is +KL / -ELBO, every unit nats):
- reparameterize(mu, logvar) -> z (B, D): z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) drawn inside
  (Kingma & Welling 2013, Sec. 2.4, eq. 10).
- gaussian_kl(mu, logvar) -> (B,): KL(N(mu, diag exp(logvar)) || N(0, I)) summed over D
  (Kingma & Welling 2013, Appendix B).
- reparameterize_kl(mu, logvar) -> (z, kl), the two above in one call.
- neg_elbo(x, logits, mu, logvar) -> (): -log Bernoulli(x; sigmoid(logits)) + KL, summed over pixels,
  latents and the batch (pytorch/examples' ``reduction="sum"``), beta = 1.
- train_step(x) -> (): one Adam step of pytorch/examples' VAE on the batch x, its loss (``train_step.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import torch
import torch.nn.functional as F
from torch.distributions import Bernoulli, Normal, kl_divergence

import impl
from impl import _native

IMPLS = ("impl", "pure", "eager", "bce_logits", "distributions", "compiled")
KERNELS = ("reparameterize", "gaussian_kl", "reparameterize_kl", "neg_elbo", "train_step")
#: The implementations each kernel has (bce_logits is a loss; a training step is not compiled here).
VARIANTS = {
    **{k: ("impl", "pure", "eager", "distributions", "compiled") for k in KERNELS[:3]},
    "neg_elbo": IMPLS,
    "train_step": ("impl", "pure", "eager", "bce_logits"),
}
#: Gate self-test only: names a kernel whose impl cases are then made 1.5x as slow (conftest.slowed).
SLOWDOWN_ENV = "VAE_BENCH_PLANTED_SLOWDOWN"

Kernel = Callable[..., Any]


def eager_reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    std = torch.exp(0.5 * logvar)
    eps = torch.randn_like(std)
    return mu + eps * std


def eager_gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def eager_reparameterize_kl(mu: torch.Tensor, logvar: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return eager_reparameterize(mu, logvar), eager_gaussian_kl(mu, logvar)


def eager_neg_elbo(
    x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor
) -> torch.Tensor:
    recon_x = torch.sigmoid(logits)
    bce = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def _posterior_and_prior(mu: torch.Tensor, logvar: torch.Tensor) -> tuple[Normal, Normal]:
    std = torch.exp(0.5 * logvar)
    return Normal(mu, std), Normal(torch.zeros_like(mu), torch.ones_like(std))


def bce_logits_neg_elbo(
    x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor
) -> torch.Tensor:
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    return bce - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def dist_reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return Normal(mu, torch.exp(0.5 * logvar)).rsample()


def dist_gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return kl_divergence(*_posterior_and_prior(mu, logvar)).sum(-1)


def dist_reparameterize_kl(mu: torch.Tensor, logvar: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    q, p = _posterior_and_prior(mu, logvar)
    return q.rsample(), kl_divergence(q, p).sum(-1)


def dist_neg_elbo(
    x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor
) -> torch.Tensor:
    log_px: torch.Tensor = Bernoulli(logits=logits).log_prob(x)
    return -log_px.sum() + dist_gaussian_kl(mu, logvar).sum()


def impl_reparameterize_kl(mu: torch.Tensor, logvar: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    z_kl: tuple[torch.Tensor, torch.Tensor] = impl.reparameterize_kl(mu, logvar)
    return z_kl


def impl_neg_elbo(
    x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor
) -> torch.Tensor:
    loss: torch.Tensor = impl.neg_elbo(x, logits, mu, logvar, likelihood="bernoulli", reduction="sum")
    return loss


IMPL: dict[str, Kernel] = {
    "reparameterize": impl.reparameterize,
    "gaussian_kl": impl.gaussian_kl,
    "reparameterize_kl": impl_reparameterize_kl,
    "neg_elbo": impl_neg_elbo,
}
EAGER: dict[str, Kernel] = {
    "reparameterize": eager_reparameterize,
    "gaussian_kl": eager_gaussian_kl,
    "reparameterize_kl": eager_reparameterize_kl,
    "neg_elbo": eager_neg_elbo,
}
DISTRIBUTIONS: dict[str, Kernel] = {
    "reparameterize": dist_reparameterize,
    "gaussian_kl": dist_gaussian_kl,
    "reparameterize_kl": dist_reparameterize_kl,
    "neg_elbo": dist_neg_elbo,
}


def on_pure_path(fn: Kernel) -> Kernel:
    """``fn`` run inside ``impl._native.pure()``: impl's pure-PyTorch path."""

    def pure(*args: Any) -> Any:
        with _native.pure():
            return fn(*args)

    return pure


@cache
def kernel(name: str, which: str, device: str) -> Kernel:
    """Implementation ``which`` (one of VARIANTS[name]) of kernel ``name`` for ``device`` ("cpu", "cuda")."""
    if name not in KERNELS or which not in VARIANTS[name]:
        raise ValueError(
            f"name must be one of {KERNELS} and which one of {VARIANTS.get(name)}, got {name!r}, {which!r}"
        )
    if name == "train_step":
        import train_step  # the model and its optimiser: only where a step is timed

        return train_step.step(which, device)
    if which in ("impl", "pure"):
        return IMPL[name] if which == "impl" else on_pure_path(IMPL[name])
    if which == "bce_logits":
        return bce_logits_neg_elbo
    if which == "compiled":
        # One compiled kernel sees 3 shapes x 2 modes here and 9 shapes in scaling.py: above the default 8.
        torch._dynamo.config.recompile_limit = 64
        options: dict[str, str | int | bool | Callable[..., Any]] = {"fallback_random": device == "cpu"}
        compiled: Kernel = torch.compile(EAGER[name], dynamic=False, options=options)
        return compiled
    return (EAGER if which == "eager" else DISTRIBUTIONS)[name]


def planted(name: str, which: str) -> bool:
    """True when the gate's self-test asked for this kernel's impl cases to be made 1.5x as slow."""
    return which == "impl" and os.environ.get(SLOWDOWN_ENV) == name
