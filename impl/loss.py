"""The VAE's loss, -ELBO = reconstruction + beta * KL, and the importance-weighted bound of Burda et al.

Kingma & Welling (2013), eq. (3) and (10): L(theta, phi; x) = -KL(q_phi(z|x) || p(z)) + E_q[log p_theta(x|z)];
the loss minimised is -L. beta weights the KL (Higgins et al. 2017); beta = 1 is the ELBO itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor

from impl import _checks
from impl.kl import gaussian_kl
from impl.likelihoods import bernoulli_nll, gaussian_nll

LIKELIHOODS = ("bernoulli", "gaussian")
REDUCTIONS = ("mean", "sum", "none")


def reconstruction_nll(x: Tensor, decoder_out: Tensor | tuple[Tensor, Tensor], likelihood: str) -> Tensor:
    """-log p_theta(x|z) per sample (B,): Bernoulli on logits, or Gaussian on a mean (unit variance) or on a
    (mean, log-variance) pair."""
    if _checks.choice("likelihood", likelihood, LIKELIHOODS) == "bernoulli":
        if isinstance(decoder_out, tuple):
            raise TypeError("decoder_out must be one tensor of logits for the Bernoulli likelihood")
        return bernoulli_nll(decoder_out, x)
    if isinstance(decoder_out, tuple):
        x_hat, logvar_x = decoder_out
        return gaussian_nll(x_hat, x, logvar_x)
    return gaussian_nll(decoder_out, x)


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Mean or sum over the batch of a per-sample loss (B,), or the (B,) tensor itself for "none"."""
    reduction = _checks.choice("reduction", reduction, REDUCTIONS)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def neg_elbo(
    x: Tensor,
    decoder_out: Tensor | tuple[Tensor, Tensor],
    mu: Tensor,
    logvar: Tensor,
    *,
    likelihood: str = "bernoulli",
    beta: float = 1.0,
    reduction: str = "mean",
) -> Tensor:
    """-ELBO = -log p_theta(x|z) + beta * KL(q_phi(z|x) || N(0, I)), one-sample estimate, in nats.

    Sign: positive, the quantity to minimise (the paper's L with its sign flipped). Units: nats per sample.
    Reduction: each term is summed over every dim but the batch dim; then ``reduction`` "mean" (default,
    nats per sample), "sum" (nats per batch) or "none" (shape (B,)) over the batch.
    decoder_out: logits for ``likelihood="bernoulli"``; for "gaussian" the mean x_hat (unit variance) or a
    pair (x_hat, logvar_x). z must have been drawn from N(mu, diag exp(logvar)) (``reparameterize``).
    Raises ValueError for an unknown likelihood or reduction, a negative beta, mismatched shapes or batch
    sizes, or Bernoulli targets outside [0, 1]; TypeError for non-floating dtypes.
    """
    beta = _checks.real("beta", beta, nonnegative=True)
    _checks.choice("reduction", reduction, REDUCTIONS)
    x = _checks.batched_float("x", x)
    _checks.batched_float("mu", mu)
    _checks.same_shape("logvar", logvar, "mu", mu)
    if mu.shape[0] != x.shape[0]:
        raise ValueError(f"mu must have x's batch size {x.shape[0]} in dim 0, got shape {tuple(mu.shape)}")
    nll = reconstruction_nll(x, decoder_out, likelihood)
    return reduce(torch.add(nll, gaussian_kl(mu, logvar), alpha=beta) if beta else nll, reduction)


LogDensity = Callable[[Tensor], Tensor]


def iwae_bound(
    log_p: Tensor | LogDensity,
    log_q: Tensor | LogDensity | None = None,
    z: Tensor | None = None,
    *,
    dim: int = 0,
) -> Tensor:
    """L_K = log (1/K) sum_k p(x, z_k) / q(z_k|x), z_k ~ q (Burda et al. 2015, eq. 8): nats, ``dim`` reduced.

    ``iwae_bound(log_w)``: log-weights log p(x, z_k) - log q(z_k|x), K of them along ``dim``;
    ``iwae_bound(log_p, log_q)``: the two log-densities as tensors of one shape;
    ``iwae_bound(log_p_fn, log_q_fn, z)``: callables evaluated at the samples z (K along ``dim``).
    Computed as logsumexp(log_w, dim) - log K. L_1 is the ELBO; E[L_K] rises to log p(x) with K (Theorem 1).
    """
    if callable(log_p) or callable(log_q):
        if not (callable(log_p) and callable(log_q) and isinstance(z, Tensor)):
            raise TypeError("with callables, pass log_p and log_q as callables and z as a tensor")
        log_p, log_q = log_p(z), log_q(z)
    elif z is not None:
        raise ValueError("z is used only with callable log_p and log_q; pass log-density tensors without z")
    if not isinstance(log_p, Tensor) or not log_p.is_floating_point():
        raise TypeError(f"log_p must be a floating tensor or a callable, got {type(log_p).__name__}")
    if log_q is not None and (not isinstance(log_q, Tensor) or log_q.shape != log_p.shape):
        raise ValueError(f"log_q must be a tensor of log_p's shape {tuple(log_p.shape)}")
    log_w = log_p if log_q is None else log_p - log_q
    if log_w.dim() == 0 or log_w.shape[dim] == 0:
        raise ValueError(f"log-weights need a sample along dim {dim}, got shape {tuple(log_w.shape)}")
    return torch.logsumexp(log_w, dim=dim) - math.log(log_w.shape[dim])
