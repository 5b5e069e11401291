"""A compact PyTorch VAE whose loss kernels are exact where the usual code is wrong.

Kingma & Welling (2013), "Auto-Encoding Variational Bayes"; Burda et al. (2015) for ``iwae_bound``.
Every loss term is per sample, in nats, with the sign stated in its docstring (+KL, -log p, -ELBO).
"""

from impl.kl import gaussian_kl
from impl.likelihoods import bernoulli_nll, gaussian_nll
from impl.loss import iwae_bound, neg_elbo
from impl.model import VAE, VAEConfig
from impl.reparameterize import reparameterize, reparameterize_kl

__all__ = [
    "VAE",
    "VAEConfig",
    "bernoulli_nll",
    "gaussian_kl",
    "gaussian_nll",
    "iwae_bound",
    "neg_elbo",
    "reparameterize",
    "reparameterize_kl",
]
