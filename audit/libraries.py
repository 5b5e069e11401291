"""The libraries' own code, called as a user of each library would call it; imports happen on load.

Each loader returns f(mu, logvar) (or the kernel's signature); an ImportError means "skipped: not
installed". Nothing here re-implements a library's formula: the adapters only build the distributions.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import torch
from torch import Tensor

Fn = Callable[..., object]


def impl_kl() -> Fn:
    from impl import gaussian_kl

    return gaussian_kl


def torch_kl() -> Fn:
    """kl_divergence(Independent(Normal(mu, e^{v/2}), 1), Independent(Normal(0, 1), 1)): summed over dims."""
    from torch.distributions import Independent, Normal, kl_divergence

    def kl(mu: Tensor, logvar: Tensor) -> Tensor:
        q = Independent(Normal(mu, torch.exp(0.5 * logvar)), 1)
        return kl_divergence(q, Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1))

    return kl


def pyro_kl() -> Fn:
    """TraceMeanField_ELBO().differentiable_loss of a latent-only model: its analytic KL, summed over the
    batch plate (no observed site, so the loss is +KL)."""
    import pyro
    import pyro.distributions as dist
    from pyro.infer import TraceMeanField_ELBO

    elbo = TraceMeanField_ELBO()

    def kl(mu: Tensor, logvar: Tensor) -> Tensor:
        def model() -> None:
            with pyro.plate("batch", mu.shape[0]):
                pyro.sample("z", dist.Normal(torch.zeros_like(mu), torch.ones_like(mu)).to_event(1))

        def guide() -> None:
            with pyro.plate("batch", mu.shape[0]):
                pyro.sample("z", dist.Normal(mu, torch.exp(0.5 * logvar)).to_event(1))

        return elbo.differentiable_loss(model, guide)

    return kl


def pythae_kl() -> Fn:
    """pythae.models.VAE.loss_function's third output (its KLD), with a perfect reconstruction."""
    from pythae.models import VAE

    config = SimpleNamespace(model_config=SimpleNamespace(reconstruction_loss="mse"))

    def kl(mu: Tensor, logvar: Tensor) -> Tensor:
        x = torch.zeros_like(mu)
        return VAE.loss_function(config, x, x, mu, logvar, mu)[2]

    return kl


def impl_reparameterize() -> Fn:
    from impl import reparameterize

    return reparameterize


def torch_rsample() -> Fn:
    """Normal(mu, e^{v/2}).rsample(): torch's own reparameterised sample (global RNG)."""
    from torch.distributions import Normal

    return lambda mu, logvar: Normal(mu, torch.exp(0.5 * logvar)).rsample()


def pytorch_examples_reparameterize() -> Fn:
    """transcribed: pytorch/examples vae/main.py VAE.reparameterize (std = exp(0.5 logvar); mu + eps std)."""

    def reparameterize(mu: Tensor, logvar: Tensor) -> Tensor:
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    return reparameterize


def impl_bernoulli_nll() -> Fn:
    from impl import bernoulli_nll

    return bernoulli_nll


def torch_bce_with_logits() -> Fn:
    """F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1): the usual per-sample NLL."""
    import torch.nn.functional as F

    return lambda logits, x: F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)


def torch_bernoulli_log_prob() -> Fn:
    """-Independent(Bernoulli(logits=l), 1).log_prob(x) (validate_args off: x may be grey levels)."""
    from torch.distributions import Bernoulli, Independent

    return lambda logits, x: -Independent(Bernoulli(logits=logits, validate_args=False), 1).log_prob(x)


def impl_neg_elbo() -> Fn:
    from impl import neg_elbo

    return neg_elbo


def pythae_neg_elbo() -> Fn:
    """pythae VAE.loss_function with reconstruction_loss="bce": first output, on sigmoid(logits)."""
    from pythae.models import VAE

    config = SimpleNamespace(model_config=SimpleNamespace(reconstruction_loss="bce"))

    def neg_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
        return VAE.loss_function(config, torch.sigmoid(logits), x, mu, logvar, mu)[0]

    return neg_elbo
