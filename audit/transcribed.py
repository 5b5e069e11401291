"""KL formulas that live only in example scripts, transcribed one line each, with source file and commit.

Each function below carries exactly the formula line of its source (variable names kept; TensorFlow ops
written as the same elementwise torch ops: tf.square -> pow(2), tf.exp -> exp, tf.reduce_sum/reduce_mean ->
sum/mean), and nothing else of it. Every one is labelled "transcribed" wherever it is shown: what is audited
is the formula as written there, evaluated by this machine's torch, not the script itself.
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.distributions import Normal, kl_divergence

#: name -> (repository, file, commit read, what the line is)
SOURCES = {
    "pytorch-examples": (
        "pytorch/examples",
        "vae/main.py",
        "0a8329cff339f4195f4c893780c18caaa51ee732",
        "KLD in loss_function",
    ),
    "antixk": (
        "AntixK/PyTorch-VAE",
        "models/vanilla_vae.py",
        "2946d7a0b9e31eb023ca60f8793656fe97cc198a",
        "kld_loss, the term added to the loss",
    ),
    "antixk-reported": (
        "AntixK/PyTorch-VAE",
        "models/vanilla_vae.py",
        "2946d7a0b9e31eb023ca60f8793656fe97cc198a",
        "'KLD': -kld_loss, the value it reports",
    ),
    "keras-io": (
        "keras-team/keras-io",
        "examples/generative/vae.py",
        "09e02e17d5cbf21ecf8a47f10d91587f963fc80a",
        "kl_loss in VAE.train_step",
    ),
    "lightning-bolts": (
        "Lightning-Universe/lightning-bolts",
        "src/pl_bolts/models/autoencoders/basic_vae/basic_vae_module.py",
        "310d238bee89df19a4543828dee6d94d1f1fb294",
        "kl in VAE.step (before kl_coeff), with sample()'s std and Normals",
    ),
    "stable-diffusion": (
        "CompVis/stable-diffusion",
        "ldm/modules/distributions/distributions.py",
        "555f13e46975933085cb22d761068a0781ca6f42",
        "DiagonalGaussianDistribution: the logvar clamp and kl(other=None)",
    ),
    "disentanglement-lib": (
        "google-research/disentanglement_lib",
        "disentanglement_lib/methods/unsupervised/vae.py",
        "76f41e39cdeff8517f7fba9d57b09f35703efca9",
        "compute_gaussian_kl",
    ),
}


def source(name: str) -> str:
    repo, path, commit, what = SOURCES[name]
    return f"transcribed: {repo} {path} @ {commit[:12]} ({what})"


def pytorch_examples(mu: Tensor, logvar: Tensor) -> Tensor:
    """pytorch/examples vae/main.py: the textbook form, summed over batch and dims (comment there: -KL)."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())


def antixk(mu: Tensor, log_var: Tensor) -> Tensor:
    """AntixK/PyTorch-VAE models/vanilla_vae.py: the textbook form per sample, then the batch mean."""
    return torch.mean(-0.5 * torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1), dim=0)


def antixk_reported(mu: Tensor, log_var: Tensor) -> Tensor:
    """AntixK/PyTorch-VAE: the 'KLD' entry of loss_function's dict is -kld_loss (its issue #68)."""
    return -antixk(mu, log_var)


def keras_io(z_mean: Tensor, z_log_var: Tensor) -> Tensor:
    """keras-io examples/generative/vae.py: textbook form, sum over axis 1, mean over the batch."""
    kl_loss = -0.5 * (1 + z_log_var - z_mean.pow(2) - torch.exp(z_log_var))
    return torch.mean(torch.sum(kl_loss, dim=1))


def lightning_bolts(mu: Tensor, log_var: Tensor) -> Tensor:
    """lightning-bolts basic_vae_module.py: torch's Normal-Normal KL, then ``kl.mean()`` over all elements."""
    std = torch.exp(log_var / 2)
    p, q = Normal(torch.zeros_like(mu), torch.ones_like(std)), Normal(mu, std)
    return kl_divergence(q, p).mean()


def stable_diffusion(mu: Tensor, logvar: Tensor) -> Tensor:
    """CompVis/stable-diffusion DiagonalGaussianDistribution: logvar clamped to [-30, 20], summed over
    dims [1, 2, 3] of a (B, C, H, W) latent; the (B, D) codes are viewed as (B, D, 1, 1)."""
    mean, logvar = mu.view(*mu.shape, 1, 1), torch.clamp(logvar.view(*logvar.shape, 1, 1), -30.0, 20.0)
    var = torch.exp(logvar)
    return 0.5 * torch.sum(torch.pow(mean, 2) + var - 1.0 - logvar, dim=[1, 2, 3])


def disentanglement_lib(z_mean: Tensor, z_logvar: Tensor) -> Tensor:
    """google-research/disentanglement_lib vae.py compute_gaussian_kl: sum over dim 1, batch mean."""
    return torch.mean(0.5 * torch.sum(z_mean.pow(2) + torch.exp(z_logvar) - z_logvar - 1, [1]))


KL = {
    "pytorch-examples": pytorch_examples,
    "antixk": antixk,
    "antixk-reported": antixk_reported,
    "keras-io": keras_io,
    "lightning-bolts": lightning_bolts,
    "stable-diffusion": stable_diffusion,
    "disentanglement-lib": disentanglement_lib,
}
