"""The ablation and role claims: statuses, planted errors, and the optima found numerically by scipy."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
import sympy as sp

from derivations.claims import ablation, roles
from derivations.claims.ablation import RECONSTRUCTION_INFIMUM, RECONSTRUCTION_ONLY
from derivations.check import check_step
from derivations.core import Step
from derivations.claims.linear_gaussian import LOG_MARGINAL, POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.symbols import b, mu, phi, s, sigma, theta, w, x

CLAIMS = {c.id: c for c in (*ablation.claims(), *roles.claims())}
EXPECTED = {
    "ablation-kl-only": "proved",
    "ablation-reconstruction-only": "proved",
    "ablation-both": "proved",
    "slide-kl-only-is-peaky": "refuted",
    "slide-reconstruction-only-is-prior": "refuted",
    "parameter-roles": "proved",
    "slide-theta-is-recognition": "refuted",
    "slide-elbo-terms-swapped": "refuted",
}
#: Tolerance of a Nelder-Mead optimum (xatol 1e-8 in (mu, log sigma)) on quadrature losses.
TOL = {"optimum": (1e-5, 1e-5)}  # (rtol, atol)
#: (x, w, b, s): one data point and decoder, negative weight included.
MODELS = [(0.7, 1.3, -0.2, 0.8), (-1.5, -0.6, 0.3, 1.7)]


def step(claim_id: str, name: str) -> Step:
    return CLAIMS[claim_id].step(name)


def test_the_modules_state_exactly_the_expected_claims() -> None:
    # Each claim's status, step by step, is checked once for the whole ledger in tests/test_ledger.py.
    assert set(CLAIMS) == set(EXPECTED)
    assert all((claim.refutes) == (EXPECTED[cid] == "refuted") for cid, claim in CLAIMS.items())


def test_refuted_slides_name_their_counterexample() -> None:
    peaky = check_step(step("slide-kl-only-is-peaky", "kl-only-peaky"))
    assert "lhs - rhs = oo" in peaky.detail  # a peaky q costs infinite KL, the prior costs 0
    prior = check_step(step("slide-reconstruction-only-is-prior", "reconstruction-only-prior"))
    assert "exact counterexample" in prior.detail


tau_star = sp.sqrt(POSTERIOR_VAR)
PLANTED = [
    ("ablation-kl-only", "stationary-mu", "flipped-sign", -mu),
    ("ablation-kl-only", "stationary-sigma", "missing-factor", sigma - 1),
    ("ablation-kl-only", "convex-in-sigma", "too-strong-bound", 1 + 1 / sigma**2),
    ("ablation-kl-only", "zero-at-prior", "wrong-constant", sp.Rational(1, 2)),
    ("ablation-reconstruction-only", "variance-derivative", "missing-factor-2", sigma * w**2 / (2 * s**2)),
    ("ablation-reconstruction-only", "variance-derivative", "mu-sigma-swapped", mu * w**2 / s**2),
    ("ablation-reconstruction-only", "stationary-mu", "flipped-sign", w**2 * (mu + (x - b) / w) / s**2),
    (
        "ablation-reconstruction-only",
        "excess-over-infimum",
        "missing-half",
        RECONSTRUCTION_INFIMUM + w**2 * sigma**2 / s**2,
    ),
    ("ablation-both", "stationary-mu", "missing-noise", (mu - w * (x - b)) / POSTERIOR_VAR),
    (
        "ablation-both",
        "stationary-sigma",
        "variance-for-std",
        (sigma - POSTERIOR_VAR) * (sigma + POSTERIOR_VAR) / (sigma * POSTERIOR_VAR),
    ),
    ("ablation-both", "hessian-mu-sigma", "nonzero-cross-term", w / s),
    ("ablation-both", "optimum-is-tight", "wrong-constant", LOG_MARGINAL + sp.log(2)),
    (
        "parameter-roles",
        "theta-gradient-of-loss",
        "missing-variance",
        (theta * phi**2 * x**2 - (x - b) * phi * x) / s**2,
    ),
    (
        "parameter-roles",
        "theta-gradient-of-reconstruction",
        "with-kl-gradient",
        (theta * (phi**2 * x**2 + sp.exp(phi)) - (x - b) * phi * x) / s**2 + phi * x**2,
    ),
    ("parameter-roles", "phi-gradient-of-regulariser", "flipped-sign", phi * x**2 - (sp.exp(phi) - 1) / 2),
]


@pytest.mark.parametrize(
    ("claim_id", "name", "label", "wrong"), PLANTED, ids=[f"{p[0]}-{p[1]}-{p[2]}" for p in PLANTED]
)
def test_planted_wrong_version_is_rejected(claim_id: str, name: str, label: str, wrong: sp.Expr) -> None:
    planted = step(claim_id, name).with_rhs(wrong)
    if planted.relation == ">":  # an inequality is planted wrong by demanding more than holds
        planted = planted.with_rhs(wrong + 1)
    assert check_step(planted).status == "failed", label


# Numeric oracle: the losses by Gauss-Hermite quadrature of their defining integrals (scipy log-densities),
# minimised by Nelder-Mead over (mu, log sigma); nothing here uses the SymPy closed forms.
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(40)  # ∫ f(u) exp(-u^2/2) du ≈ Σ w_i f(u_i)


def quad_losses(model: tuple[float, ...], mu0: float, sigma0: float) -> tuple[float, float]:
    """(-E_q[log p(x|z)], KL(q || N(0, 1))) in nats for q = N(mu0, sigma0^2), over z = mu0 + sigma0 u."""
    x0, w0, b0, s0 = model
    z0 = mu0 + sigma0 * NODES
    expect = lambda f: float(WEIGHTS @ f) / math.sqrt(2 * math.pi)  # noqa: E731
    reconstruction = -expect(scipy.stats.norm.logpdf(x0, w0 * z0 + b0, s0))
    kl = expect(scipy.stats.norm.logpdf(z0, mu0, sigma0) - scipy.stats.norm.logpdf(z0))
    return reconstruction, kl


def argmin(loss: object) -> np.ndarray:
    result = scipy.optimize.minimize(
        loss,
        x0=np.array([0.3, -0.4]),
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 2000},
    )
    assert result.success, result.message
    return np.array([result.x[0], math.exp(result.x[1])])


def test_kl_only_optimum_is_the_prior() -> None:
    actual = argmin(lambda p: quad_losses(MODELS[0], p[0], math.exp(p[1]))[1])  # x, w, b, s do not enter
    np.testing.assert_allclose(actual, [0.0, 1.0], *TOL["optimum"])


@pytest.mark.parametrize("model", MODELS)
def test_both_terms_optimum_is_the_exact_posterior(model: tuple[float, ...]) -> None:
    x0, w0, b0, s0 = model
    expected = [w0 * (x0 - b0) / (w0**2 + s0**2), s0 / math.sqrt(w0**2 + s0**2)]  # Bishop (2006), eq. (2.116)
    actual = argmin(lambda p: sum(quad_losses(model, p[0], math.exp(p[1]))))
    np.testing.assert_allclose(actual, expected, *TOL["optimum"])
    subs = dict(zip((x, w, b, s), model, strict=True))
    np.testing.assert_allclose(
        actual, [float(POSTERIOR_MEAN.subs(subs)), float(tau_star.subs(subs))], *TOL["optimum"]
    )


@pytest.mark.parametrize("model", MODELS)
def test_reconstruction_only_loss_falls_as_the_variance_shrinks(model: tuple[float, ...]) -> None:
    x0, w0, b0, _ = model
    mean = (x0 - b0) / w0
    losses = [quad_losses(model, mean, sd)[0] for sd in (1.0, 0.3, 0.1, 0.01)]
    assert all(a > c for a, c in itertools.pairwise(losses)), losses
    subs = dict(zip((x, w, b, s), model, strict=True))
    infimum = float(RECONSTRUCTION_INFIMUM.subs(subs))
    assert losses[-1] > infimum
    np.testing.assert_allclose(losses[-1], infimum, rtol=0, atol=1e-3)
    np.testing.assert_allclose(
        float(RECONSTRUCTION_ONLY.subs({**subs, mu: mean, sigma: 0.01})), losses[-1], 1e-9
    )
