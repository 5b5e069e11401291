"""The exact ELBO gap on probabilistic PCA: ELBO = log p(x) - KL(q || p(z|x)), and IWAE_K rising to log p(x).

Oracles: torch.distributions' MultivariateNormal log-density and Gaussian KL (not the closed-form ELBO under
test), the ledger's proved 1-D closed forms (``marginal-likelihood``), Bayes' rule evaluated pointwise, and
Monte Carlo with a fixed seed.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
from torch.distributions import MultivariateNormal

from derivations.claims import linear_gaussian
from experiments.gap import PPCA, elbo, experiment, identity_residuals, log_weights, random_gaussians

#: float64 sums of a few dozen terms of size <= 1e3: the identity must hold to this absolute error.
ATOL_IDENTITY = 1e-10
#: Monte Carlo comparisons pass within this many standard errors.
Z_SCORE = 4.0
SEEDS = (0, 1, 2)


def setup(seed: int, n: int = 300, d: int = 5, k: int = 2) -> tuple[PPCA, torch.Tensor, torch.Generator]:
    g = torch.Generator().manual_seed(seed)
    model = PPCA.random(d, k, g)
    return model, model.sample(n, g), g


@pytest.fixture(scope="module")
def quick() -> dict[str, Any]:
    return experiment(seed=0, quick=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("d", "k"), [(5, 2), (8, 3), (3, 1)], ids=["d5-k2", "d8-k3", "d3-k1"])
def test_elbo_equals_log_px_minus_kl_to_posterior_for_random_q(seed: int, d: int, k: int) -> None:
    model, x, g = setup(seed, d=d, k=k)
    q = random_gaussians(model.posterior(x).mean, g)
    actual = identity_residuals(model, x, q)
    assert actual["residual"].abs().max().item() < ATOL_IDENTITY
    assert (actual["log_px"] - actual["elbo"]).min().item() > 0  # random q is never exact: a strict bound


@pytest.mark.parametrize("seed", SEEDS)
def test_gap_is_zero_at_the_exact_posterior(seed: int) -> None:
    model, x, _ = setup(seed)
    actual = identity_residuals(model, x, model.posterior(x))
    torch.testing.assert_close(actual["elbo"], actual["log_px"], rtol=0, atol=ATOL_IDENTITY)
    assert actual["kl_posterior"].abs().max().item() < ATOL_IDENTITY


def test_one_dimensional_case_matches_the_ledgers_proved_closed_forms() -> None:
    model, x, _ = setup(3, n=40, d=1, k=1)
    w, b = model.W.item(), model.b.item()
    expected = {
        "log_px": [float(linear_gaussian.log_marginal(xi, w, b, model.s)) for xi in x[:, 0].tolist()],
        "mean": [float(linear_gaussian.posterior_mean(xi, w, b, model.s)) for xi in x[:, 0].tolist()],
        "var": float(linear_gaussian.posterior_var(w, model.s)),
    }
    posterior = model.posterior(x)
    torch.testing.assert_close(
        model.marginal().log_prob(x), torch.tensor(expected["log_px"], dtype=torch.float64)
    )
    torch.testing.assert_close(posterior.mean[:, 0], torch.tensor(expected["mean"], dtype=torch.float64))
    assert posterior.covariance_matrix[0, 0, 0].item() == pytest.approx(expected["var"], rel=1e-12)


def test_posterior_is_bayes_rule_pointwise() -> None:
    model, x, g = setup(0, n=50)
    z = torch.randn(7, 50, 2, generator=g, dtype=torch.float64)  # arbitrary points, not samples of q
    prior = MultivariateNormal(torch.zeros(2, dtype=torch.float64), torch.eye(2, dtype=torch.float64))
    expected = model.log_likelihood(x, z) + prior.log_prob(z) - model.marginal().log_prob(x)
    torch.testing.assert_close(model.posterior(x).log_prob(z), expected, rtol=0, atol=1e-10)


def test_closed_form_elbo_matches_monte_carlo() -> None:
    model, x, g = setup(1, n=20)
    q = random_gaussians(model.posterior(x).mean, g)
    log_w = log_weights(model, x, q, 20000, g)  # (S, N): log p(x, z) - log q(z) at z ~ q
    stderr = log_w.std(0) / math.sqrt(len(log_w))
    assert ((log_w.mean(0) - elbo(model, x, q)).abs() < Z_SCORE * stderr).all()


def test_iwae_k1_is_the_elbo(quick: dict[str, Any]) -> None:
    iwae = quick["iwae"]
    actual, expected = iwae["mean_bound_minus_log_px"][0], iwae["proposal_elbo_minus_log_px"]
    assert abs(actual - expected) < Z_SCORE * iwae["bound_minus_log_px_stderr"][0]


def test_iwae_does_not_decrease_with_k(quick: dict[str, Any]) -> None:
    iwae = quick["iwae"]
    assert iwae["K"] == [2**i for i in range(9)]
    for increase, stderr in zip(iwae["mean_step_increase"], iwae["step_increase_stderr"], strict=True):
        assert increase > Z_SCORE * stderr  # each doubling of K raises the bound, beyond Monte Carlo noise


def test_iwae_approaches_log_px(quick: dict[str, Any]) -> None:
    iwae = quick["iwae"]
    first, last = iwae["mean_bound_minus_log_px"][0], iwae["mean_bound_minus_log_px"][-1]
    assert first < -0.1  # the proposal leaves a real gap at K = 1
    assert abs(last) < abs(first) / 100
    assert last < Z_SCORE * iwae["bound_minus_log_px_stderr"][-1]  # never significantly above log p(x)


def test_same_seed_gives_the_same_numbers_and_another_seed_others(quick: dict[str, Any]) -> None:
    assert experiment(seed=0, quick=True) == quick
    assert experiment(seed=1, quick=True)["iwae"] != quick["iwae"]
