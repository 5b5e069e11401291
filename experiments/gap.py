"""The exact ELBO gap on probabilistic PCA, where log p(x) and p(z|x) are known in closed form.

Model (Tipping & Bishop 1999; Bishop 2006, Section 12.2): z ~ N(0, I_k), x | z ~ N(W z + b, s^2 I_d), so
    log p(x)  = log N(x; b, C),  C = W W^T + s^2 I_d                          (Bishop 2006, eqs. 12.35-12.36)
    p(z | x)  = N(M^{-1} W^T (x - b), s^2 M^{-1}),  M = W^T W + s^2 I_k           (Bishop 2006, eq. 12.42)
For a Gaussian q = N(m, S) the ELBO is closed form (Kingma & Welling 2013, eq. 3; Gaussian moments):
    ELBO = E_q[log p(x|z)] - KL(q || N(0, I))
    E_q[log p(x|z)] = -d/2 log(2 pi s^2) - (||x - W m - b||^2 + tr(W S W^T)) / (2 s^2)
    KL(q || N(0, I)) = (tr S + m^T m - k - log det S) / 2
and the identity under test is ELBO = log p(x) - KL(q || p(z|x)) (Kingma & Welling 2013, eq. 1).
Everything here is float64 and in nats per data point.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import torch
from torch.distributions import MultivariateNormal, kl_divergence

from impl import iwae_bound


@dataclasses.dataclass(frozen=True)
class PPCA:
    """Parameters theta = (W, b, s): W (d, k), b (d,), s > 0 the observation noise std."""

    W: torch.Tensor
    b: torch.Tensor
    s: float

    @staticmethod
    def random(d: int, k: int, generator: torch.Generator) -> PPCA:
        """W, b with N(0, 1) entries and s uniform in [0.3, 1.0], float64."""
        W = torch.randn(d, k, generator=generator, dtype=torch.float64)
        b = torch.randn(d, generator=generator, dtype=torch.float64)
        s = 0.3 + 0.7 * torch.rand((), generator=generator, dtype=torch.float64).item()
        return PPCA(W, b, s)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """n draws of x from the model: (n, d)."""
        d, k = self.W.shape
        z = torch.randn(n, k, generator=generator, dtype=torch.float64)
        noise = torch.randn(n, d, generator=generator, dtype=torch.float64)
        return z @ self.W.T + self.b + self.s * noise

    def marginal(self) -> MultivariateNormal:
        """p(x) = N(b, W W^T + s^2 I) (Bishop 2006, eq. 12.35)."""
        d = self.W.shape[0]
        C = self.W @ self.W.T + self.s**2 * torch.eye(d, dtype=torch.float64)
        return MultivariateNormal(self.b, covariance_matrix=C)

    def posterior(self, x: torch.Tensor) -> MultivariateNormal:
        """p(z | x) = N(M^{-1} W^T (x - b), s^2 M^{-1}) for each row of x (Bishop 2006, eq. 12.42)."""
        k = self.W.shape[1]
        M = self.W.T @ self.W + self.s**2 * torch.eye(k, dtype=torch.float64)
        M_inv = torch.linalg.inv(M)
        mean = (x - self.b) @ self.W @ M_inv.T  # (N, k)
        return MultivariateNormal(mean, covariance_matrix=self.s**2 * M_inv)

    def log_likelihood(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """log p(x | z) = log N(x; W z + b, s^2 I), summed over d; broadcasts over leading dims of z."""
        d = self.W.shape[0]
        sq = ((x - z @ self.W.T - self.b) ** 2).sum(-1)
        return -0.5 * d * math.log(2 * math.pi * self.s**2) - sq / (2 * self.s**2)


def elbo(model: PPCA, x: torch.Tensor, q: MultivariateNormal) -> torch.Tensor:
    """Closed-form ELBO(q) = E_q[log p(x|z)] - KL(q || N(0, I)) in nats, one value per row of x: (N,)."""
    d, k = model.W.shape
    m, S = q.mean, q.covariance_matrix  # (N, k), (N, k, k)
    residual = ((x - m @ model.W.T - model.b) ** 2).sum(-1)
    trace_WSWt = torch.einsum("ij,njl,il->n", model.W, S, model.W)
    expected_log_lik = -0.5 * d * math.log(2 * math.pi * model.s**2) - (residual + trace_WSWt) / (
        2 * model.s**2
    )
    kl_prior = 0.5 * (S.diagonal(dim1=-2, dim2=-1).sum(-1) + (m**2).sum(-1) - k - torch.logdet(S))
    return expected_log_lik - kl_prior


def random_gaussians(center: torch.Tensor, generator: torch.Generator) -> MultivariateNormal:
    """Random q = N(m, L L^T), one per row of center (n, k): m = center + N(0, 1) noise, L lower-triangular
    with N(0, 1/4) below and exp(U(-1.5, 0.5)) on the diagonal; float64."""
    n, k = center.shape
    m = center + torch.randn(n, k, generator=generator, dtype=torch.float64)
    off = torch.randn(n, k, k, generator=generator, dtype=torch.float64).tril(-1) * 0.5
    log_diag = -1.5 + 2.0 * torch.rand(n, k, generator=generator, dtype=torch.float64)
    return MultivariateNormal(m, scale_tril=off + torch.diag_embed(log_diag.exp()))


def identity_residuals(model: PPCA, x: torch.Tensor, q: MultivariateNormal) -> dict[str, torch.Tensor]:
    """ELBO(q), log p(x), KL(q || p(z|x)) and the residual ELBO + KL - log p(x) (should be 0), each (N,)."""
    log_px = model.marginal().log_prob(x)
    kl_post = kl_divergence(q, model.posterior(x))
    value = elbo(model, x, q)
    return {"elbo": value, "log_px": log_px, "kl_posterior": kl_post, "residual": value + kl_post - log_px}


def log_weights(
    model: PPCA, x: torch.Tensor, q: MultivariateNormal, n: int, g: torch.Generator
) -> torch.Tensor:
    """log w = log p(x|z) + log p(z) - log q(z) for n draws z ~ q per row of x: (n, N) (Burda et al. 2015)."""
    eps = torch.randn(n, *q.mean.shape, generator=g, dtype=torch.float64)  # (n, N, k)
    z = q.mean + torch.einsum("nij,snj->sni", q.scale_tril.expand(len(x), -1, -1), eps)
    k = q.mean.shape[-1]
    prior = MultivariateNormal(torch.zeros(k, dtype=torch.float64), torch.eye(k, dtype=torch.float64))
    return model.log_likelihood(x, z) + prior.log_prob(z) - q.log_prob(z)


def experiment(seed: int, quick: bool) -> dict[str, Any]:
    """The identity, the zero gap at the exact posterior, and IWAE_K rising to log p(x), as JSON numbers.

    One random PPCA (d = 5, k = 2); N data points drawn from it. IWAE: the proposal is the exact posterior's
    marginal variances doubled (a diagonal, over-dispersed q); E[IWAE_K] is estimated per x from disjoint
    blocks of K of the same R * K_max draws, so successive K are compared on paired samples.
    """
    g = torch.Generator().manual_seed(seed)
    model = PPCA.random(d=5, k=2, generator=g)
    n, repeats = (200, 4) if quick else (1000, 16)
    x = model.sample(n, g)
    exact = model.posterior(x)
    random_q = identity_residuals(model, x, random_gaussians(exact.mean, g))
    at_posterior = identity_residuals(model, x, exact)
    proposal = MultivariateNormal(exact.mean, covariance_matrix=2 * exact.covariance_matrix[0].diag().diag())
    ks = [2**i for i in range(9)]
    log_w = log_weights(model, x, proposal, repeats * ks[-1], g)  # (R * K_max, N)
    bounds = torch.stack([iwae_bound(log_w.reshape(-1, k, n).transpose(0, 1), dim=0).mean(0) for k in ks])
    steps = bounds[1:] - bounds[:-1]  # (len(ks) - 1, N): paired increases E[IWAE_2K] - E[IWAE_K] per x
    log_px, proposal_gap = random_q["log_px"], identity_residuals(model, x, proposal)["kl_posterior"]
    return {
        "model": {"d": 5, "k": 2, "s": model.s, "n_x": n},
        "identity": {
            "max_abs_residual": random_q["residual"].abs().max().item(),
            "min_gap": (log_px - random_q["elbo"]).min().item(),
            "mean_kl_posterior": random_q["kl_posterior"].mean().item(),
        },
        "exact_posterior": {
            "max_abs_gap": (at_posterior["log_px"] - at_posterior["elbo"]).abs().max().item(),
            "max_abs_kl_posterior": at_posterior["kl_posterior"].abs().max().item(),
        },
        "iwae": {
            "K": ks,
            "repeats": repeats,
            "mean_bound_minus_log_px": (bounds - log_px).mean(1).tolist(),
            "bound_minus_log_px_stderr": ((bounds - log_px).std(1) / n**0.5).tolist(),
            "proposal_elbo_minus_log_px": -proposal_gap.mean().item(),  # closed form: E[IWAE_1] = ELBO
            "mean_step_increase": steps.mean(1).tolist(),
            "step_increase_stderr": (steps.std(1) / n**0.5).tolist(),
            "min_step_increase": steps.mean(1).min().item(),
            "gap_to_log_px": (log_px - bounds[-1]).mean().item(),
        },
    }
