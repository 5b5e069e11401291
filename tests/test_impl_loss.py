"""impl.neg_elbo, impl.VAE and impl.iwae_bound against the ledger: lambdified claims at 50 digits, the
parameter roles, and the linear-Gaussian model's exact log-marginal."""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath
import pytest
import sympy as sp
import torch
from conftest import GRAD_RTOL, RTOL, max_rel_err, mp_oracle
from test_impl_native_paths import kernel_path  # noqa: F401  (the fixture)
from torch.distributions import Normal

from derivations.claims.likelihoods import bernoulli_log_likelihood, gaussian_log_density
from derivations.claims.linear_gaussian import log_marginal, posterior_mean, posterior_var
from derivations.claims.logvar import standard_kl_logvar
from impl import VAE, VAEConfig, gaussian_kl, iwae_bound, neg_elbo

pytestmark = pytest.mark.usefixtures("kernel_path")  # native operators and pure path

KL = mp_oracle(standard_kl_logvar, 2)
NLL = {
    "bernoulli": mp_oracle(lambda x, l: -bernoulli_log_likelihood(x, l), 2),
    "gaussian": mp_oracle(lambda x, m: -gaussian_log_density(x, m, 1), 2),
}
W, B, S = 1.3, -0.4, 0.7  # the linear-Gaussian model z ~ N(0, 1), x | z ~ N(W z + B, S^2)


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("beta", [0.0, 1.0, 4.0])
def test_neg_elbo_matches_the_lambdified_claims(likelihood: str, reduction: str, beta: float) -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.rand(4, 6, generator=g, dtype=torch.float64)
    out, mu, logvar = (torch.randn(4, k, generator=g, dtype=torch.float64) for k in (6, 3, 3))
    actual = neg_elbo(x, out, mu, logvar, likelihood=likelihood, beta=beta, reduction=reduction)
    with mpmath.workdps(50):
        per_sample = [
            mpmath.fsum(NLL[likelihood](a, b) for a, b in zip(x[i].tolist(), out[i].tolist(), strict=True))
            + beta * mpmath.fsum(KL(m, v) for m, v in zip(mu[i].tolist(), logvar[i].tolist(), strict=True))
            for i in range(4)
        ]
        total = mpmath.fsum(per_sample)
    expected = {"none": per_sample, "sum": [total], "mean": [total / 4]}[reduction]
    assert actual.shape == ((4,) if reduction == "none" else ())
    assert max_rel_err(actual, expected) <= RTOL[torch.float64]


def test_gaussian_decoder_may_return_a_mean_and_log_variance() -> None:
    g = torch.Generator().manual_seed(1)
    x, x_hat, logvar_x = (torch.randn(3, 5, generator=g, dtype=torch.float64) for _ in range(3))
    mu = logvar = torch.zeros(3, 2, dtype=torch.float64)  # KL = 0 at the prior
    actual = neg_elbo(x, (x_hat, logvar_x), mu, logvar, likelihood="gaussian", reduction="none")
    dens = mp_oracle(lambda a, m, v: -gaussian_log_density(a, m, sp.exp(v / 2)), 3)
    rows = [zip(x[i].tolist(), x_hat[i].tolist(), logvar_x[i].tolist(), strict=True) for i in range(3)]
    assert max_rel_err(actual, [mpmath.fsum(dens(*p) for p in row) for row in rows]) <= 1e-12


def test_vae_loss_is_neg_elbo_of_its_forward_pass_with_the_same_seed() -> None:
    torch.manual_seed(0)
    model, x = VAE(VAEConfig(x_dim=12, hidden_dim=8, z_dim=3)), torch.rand(5, 12)
    out, mu, logvar = model(x, generator=torch.Generator().manual_seed(9))
    assert out.shape == x.shape
    assert mu.shape == logvar.shape == (5, 3)
    expected = neg_elbo(x, out, mu, logvar, beta=2.0)
    actual = model.loss(x, beta=2.0, generator=torch.Generator().manual_seed(9))
    torch.testing.assert_close(actual, expected, rtol=GRAD_RTOL[torch.float32], atol=0)


def test_kl_gradient_with_respect_to_decoder_parameters_is_exactly_zero() -> None:
    """Claim parameter-roles: theta (decoder) gets gradient only from the reconstruction term; phi (encoder)
    gets it from both."""
    torch.manual_seed(1)
    model, x = VAE(VAEConfig(x_dim=12, hidden_dim=8, z_dim=3)), torch.rand(5, 12)
    theta, phi = list(model.decoder.parameters()), list(model.encoder.parameters())
    kl = gaussian_kl(*model.encode(x)).sum()
    assert all(g is None for g in torch.autograd.grad(kl, theta, allow_unused=True))
    grads = {}
    for beta in (0.0, 1.0):  # the same z (same seed), with and without the KL term
        loss = model.loss(x, beta=beta, generator=torch.Generator().manual_seed(2))
        grads[beta] = torch.autograd.grad(loss, theta + phi)
    n = len(theta)
    assert all(torch.equal(a, b) for a, b in zip(grads[1.0][:n], grads[0.0][:n], strict=True))
    assert not any(torch.equal(a, b) for a, b in zip(grads[1.0][n:], grads[0.0][n:], strict=True))
    assert all(g.abs().sum() > 0 for g in grads[0.0][n:])  # the reconstruction reaches phi through z


def linear_gaussian(x: float) -> tuple[float, Normal]:
    """(log p(x) from the ledger, the exact posterior q(z|x) = p(z|x))."""
    exact = float(log_marginal(sp.Float(x), sp.Float(W), sp.Float(B), sp.Float(S)))
    mean = float(posterior_mean(sp.Float(x), sp.Float(W), sp.Float(B), sp.Float(S)))
    var = float(posterior_var(sp.Float(W), sp.Float(S)))
    return exact, Normal(torch.tensor(mean, dtype=torch.float64), math.sqrt(var))


def log_joint(x: float) -> Callable[[torch.Tensor], torch.Tensor]:
    """z -> log p(x, z) = log N(z; 0, 1) + log N(x; W z + B, S^2), by torch.distributions."""
    x_ = torch.tensor(x, dtype=torch.float64)
    return lambda z: Normal(0.0, 1.0).log_prob(z) + Normal(W * z + B, S).log_prob(x_)


@pytest.mark.parametrize("x", [0.9, -2.5, 4.0])
@pytest.mark.parametrize("k", [1, 10, 1000])
def test_iwae_at_the_exact_posterior_is_the_log_marginal_for_every_k(x: float, k: int) -> None:
    exact, q = linear_gaussian(x)
    z = q.mean + q.stddev * torch.randn(k, 2, generator=torch.Generator().manual_seed(k), dtype=torch.float64)
    actual = iwae_bound(log_joint(x), q.log_prob, z)
    torch.testing.assert_close(actual, torch.full((2,), exact, dtype=torch.float64), rtol=1e-12, atol=1e-12)


def test_iwae_rises_to_the_log_marginal_with_the_prior_as_proposal() -> None:
    """Burda et al. (2015), Theorem 1: E[L_K] increases with K and tends to log p(x). Prior proposal, paired
    draws (L_K from blocks of the same 100 * 1000 samples), tolerance from the spread over the 100 repeats."""
    x = 2.0
    exact, _ = linear_gaussian(x)
    z = torch.randn(1000, 100, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    log_w = log_joint(x)(z) - Normal(0.0, 1.0).log_prob(z)  # (K_max, repeats)
    bounds = [iwae_bound(log_w[:k]) for k in (1, 10, 100, 1000)]  # each (repeats,)
    means = [b.mean().item() for b in bounds]
    assert means == sorted(means)
    assert abs(means[-1] - exact) <= 3 * bounds[-1].std().item() / math.sqrt(100)
    assert exact - means[0] > 5  # L_1 (the ELBO with the prior as q) is far below: the rise is real


def test_iwae_forms_agree_and_use_logsumexp() -> None:
    log_p, log_q = torch.randn(7, 3, dtype=torch.float64), torch.randn(7, 3, dtype=torch.float64)
    assert torch.equal(iwae_bound(log_p, log_q), iwae_bound(log_p - log_q))
    assert torch.equal(iwae_bound(log_p - log_q, dim=1), iwae_bound((log_p - log_q).T, dim=0))
    far = torch.tensor([[-1000.0], [-1000.0 + math.log(3)]], dtype=torch.float64)  # exp() underflows to 0
    torch.testing.assert_close(iwae_bound(far), torch.tensor([-1000.0 + math.log(2)], dtype=torch.float64))
