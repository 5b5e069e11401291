"""Likelihood and reparameterisation claims: intended statuses, planted errors rejected, scipy oracles."""

from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.integrate
import scipy.special
import scipy.stats
import sympy as sp

from derivations.claims import likelihoods, reparameterization
from derivations.check import check_step
from derivations.core import Step
from derivations.claims.likelihoods import bernoulli_log_likelihood, gaussian_log_density
from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.symbols import c0, c1, c2, c3, c4, l, l_pos, m, mu, s, sigma, v, x, z

CLAIMS = {c.id: c for c in (*likelihoods.claims(), *reparameterization.claims())}
EXPECTED = {
    "gaussian-likelihood": "proved",
    "gaussian-likelihood-missing-minus": "refuted",
    "gaussian-likelihood-missing-half": "refuted",
    "gaussian-likelihood-missing-scale": "refuted",
    "bernoulli-likelihood": "proved",
    "reparameterisation-distribution": "proved",
    "reparameterisation-sample-is-mean": "refuted",
    "reparameterisation-gradient": "proved",
}
#: One table of tolerances (torch's float64 defaults), a looser one for finite-difference gradients.
TOL = {"float64": (1e-7, 1e-7), "gradient": (1e-5, 1e-6)}  # (rtol, atol)


def assert_close(actual: object, expected: object, kind: str) -> None:
    rtol, atol = TOL[kind]
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=rtol, atol=atol)


def step(claim_id: str, name: str) -> Step:
    return CLAIMS[claim_id].step(name)


def test_the_modules_state_exactly_the_expected_claims() -> None:
    # Each claim's status, step by step, is checked once for the whole ledger in tests/test_ledger.py.
    assert set(CLAIMS) == set(EXPECTED)
    assert all((claim.refutes) == (EXPECTED[cid] == "refuted") for cid, claim in CLAIMS.items())


TRUE_EQUALITIES = [
    pytest.param((cid, st.name), id=f"{cid}:{st.name}")
    for cid, claim in CLAIMS.items()
    for st in claim.steps
    if st.holds and st.relation == "=="
]


@pytest.mark.parametrize("key", TRUE_EQUALITIES)
def test_every_step_with_a_wrong_constant_added_is_rejected(key: tuple[str, str]) -> None:
    st = step(*key)
    assert check_step(st.with_rhs(st.rhs + 1)).status == "failed"


def per_dim(quad_scale: sp.Expr, log_arg: sp.Expr) -> sp.Expr:
    """A variant of -log(log_arg)/2 - quad_scale (x - m)^2; the true one is (1/(2 s²), 2π s²)."""
    return -sp.log(log_arg) / 2 - quad_scale * (x - m) ** 2


GAUSS, BERN = ("gaussian-likelihood", "per-dimension"), "bernoulli-likelihood"
REPAR = "reparameterisation-distribution"
PLANTED = {
    "wrong-constant": (*GAUSS, per_dim(1 / (2 * s**2), sp.pi * s**2)),
    "flipped-sign": (*GAUSS, per_dim(-1 / (2 * s**2), 2 * sp.pi * s**2)),
    "missing-half": (*GAUSS, per_dim(1 / s**2, 2 * sp.pi * s**2)),
    "log-s-for-log-s2": (*GAUSS, per_dim(1 / (2 * s**2), 2 * sp.pi * s)),
    "m-and-s-swapped": (*GAUSS, gaussian_log_density(x, m, s).xreplace({m: s, s: m})),
    "bce-flipped-sign": (BERN, "bce-with-logits", bernoulli_log_likelihood(x, l)),
    "softplus-flipped-sign": (BERN, "log-pmf", x * l + sp.log(1 + sp.exp(l))),
    "stable-flipped-sign": (BERN, "stable-positive-logit", sp.log(1 + sp.exp(l_pos)) + x * l_pos),
    "density-mu-sigma-swapped": (REPAR, "change-of-variables", normal_pdf(z, sigma, mu)),
    "density-missing-jacobian": (REPAR, "change-of-variables", standard_normal_pdf((z - mu) / sigma)),
    "density-sigma2-as-std": (REPAR, "change-of-variables", normal_pdf(z, mu, sigma**2)),
    "mean-is-sigma": (REPAR, "mean-by-integral", sigma),
    "variance-is-sigma": (REPAR, "variance-by-moments", sigma),
    "logvar-missing-half": (REPAR, "logvar-std", v / 2),
    "spread-above-sigma": ("reparameterisation-sample-is-mean", "samples-spread", sigma),
}


@pytest.mark.parametrize("planted", sorted(PLANTED))
def test_planted_wrong_closed_form_is_rejected(planted: str) -> None:
    claim_id, name, wrong_rhs = PLANTED[planted]
    assert check_step(step(claim_id, name).with_rhs(wrong_rhs)).status == "failed"


def test_sigma_gradient_without_the_eps_factor_is_rejected() -> None:
    # The mu-gradient E[f'(z)] planted as the sigma-gradient: the pathwise factor dz/dsigma = eps is missing.
    planted = step("reparameterisation-gradient", "sigma-gradient").with_rhs(
        step("reparameterisation-gradient", "mu-gradient").rhs
    )
    assert check_step(planted).status == "failed"


def test_logvar_gradient_without_the_chain_rule_half_is_rejected() -> None:
    st = step("reparameterisation-gradient", "logvar-gradient")
    assert check_step(st.with_rhs(2 * st.rhs)).status == "failed"


RNG = np.random.default_rng(20131220)  # fixed seed: the points are the same on every run


def test_gaussian_log_density_matches_scipy_norm_logpdf() -> None:
    xs, ms, ss = RNG.uniform(-5, 5, 200), RNG.uniform(-5, 5, 200), RNG.uniform(0.05, 5, 200)
    actual = sp.lambdify((x, m, s), gaussian_log_density(x, m, s), "numpy")(xs, ms, ss)
    expected = scipy.stats.norm.logpdf(xs, loc=ms, scale=ss)
    assert_close(actual, expected, "float64")


def test_isotropic_log_density_is_the_sum_of_coordinates_like_scipy_multivariate_normal() -> None:
    point, mean, std = RNG.normal(size=3), RNG.normal(size=3), 0.7
    log_1d = sp.lambdify((x, m, s), gaussian_log_density(x, m, s), "numpy")
    actual = float(np.sum(log_1d(point, mean, std)))
    expected = scipy.stats.multivariate_normal.logpdf(point, mean=mean, cov=std**2 * np.eye(3))
    assert_close(actual, expected, "float64")


def test_bernoulli_log_likelihood_matches_scipy() -> None:
    logits = np.linspace(-20.0, 20.0, 81)
    fn = sp.lambdify((x, l), bernoulli_log_likelihood(x, l), "numpy")
    for target in (0.0, 1.0):
        expected = target * scipy.special.log_expit(logits) + (1 - target) * scipy.special.log_expit(-logits)
        assert_close(fn(target, logits), expected, "float64")
    moderate = np.linspace(
        -5.0, 5.0, 21
    )  # where 1 - expit(l) loses no digits, scipy.stats itself is the oracle
    expected = scipy.stats.bernoulli.logpmf(1, scipy.special.expit(moderate))
    assert_close(fn(1.0, moderate), expected, "float64")


def test_sigma_gradient_matches_finite_difference_of_quadrature() -> None:
    coeffs, mu_0, sigma_0, h = (0.3, -1.2, 0.5, 0.8, -0.25), 0.4, 1.3, 1e-4
    pathwise = sp.lambdify(
        (c0, c1, c2, c3, c4, mu, sigma), step("reparameterisation-gradient", "sigma-gradient").rhs
    )

    def expectation(std: float) -> float:
        f = np.polynomial.Polynomial(coeffs)
        value, _ = scipy.integrate.quad(lambda t: f(t) * scipy.stats.norm.pdf(t, mu_0, std), -np.inf, np.inf)
        return float(value)

    expected = (expectation(sigma_0 + h) - expectation(sigma_0 - h)) / (2 * h)
    assert_close(pathwise(*coeffs, mu_0, sigma_0), expected, "gradient")


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        (lambda: gaussian_log_density(x, m, -1), ValueError, "s must be a positive"),
        (lambda: gaussian_log_density("x", m, s), TypeError, "x must be"),
        (lambda: bernoulli_log_likelihood(2, l), ValueError, "x must lie in [0, 1]"),
        (lambda: bernoulli_log_likelihood(x, [1.0]), TypeError, "l must be"),
    ],
    ids=["negative-s", "string-x", "x-outside-unit-interval", "list-logit"],
)
def test_bad_input_names_the_argument(call: object, error: type[Exception], names: str) -> None:
    with pytest.raises(error, match=re.escape(names)):
        call()  # type: ignore[operator]
