"""Likelihood and reparameterisation claims: intended statuses, planted errors rejected, scipy oracles."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import planting
import pytest
import scipy.integrate
import scipy.special
import scipy.stats
import sympy as sp
from planting import check

from derivations import registry
from derivations.check import check_step
from derivations.claims import likelihoods, reparameterization
from derivations.claims.likelihoods import bernoulli_log_likelihood, gaussian_log_density
from derivations.claims.moments import normal_pdf, standard_normal_pdf
from derivations.claims.reparameterization import f, p_noise
from derivations.core import Claim, Conclusion, Hypothesis, Step
from derivations.symbols import (
    D,
    c0,
    c1,
    c2,
    c3,
    c4,
    coord,
    eps,
    l,
    l_plus,
    m,
    m_vec,
    mu,
    s,
    sigma,
    v,
    x,
    x_vec,
    z,
)

CLAIMS = registry.by_id(registry.build(likelihoods, reparameterization))
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


def planted(claim_id: str, name: str, **change: object) -> Claim:
    """The claim ``claim_id`` of this module with step ``name`` changed (``planting.planted``)."""
    return planting.planted(CLAIMS[claim_id], name, **change)


def test_the_modules_state_exactly_the_expected_claims() -> None:
    # Each claim's status, step by step, is checked once for the whole ledger in tests/test_ledger.py.
    assert set(CLAIMS) == set(EXPECTED)
    assert all((claim.refutes) == (EXPECTED[cid] == "refuted") for cid, claim in CLAIMS.items())


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_claims_settle_as_intended(claim_id: str) -> None:
    assert check(CLAIMS[claim_id]).status == EXPECTED[claim_id]


# A wrong constant planted in every true step: tests/test_ledger.py (slow) does it for the whole ledger.


def per_dim(quad_scale: sp.Expr, log_arg: sp.Expr) -> sp.Expr:
    """A variant of -log(log_arg)/2 - quad_scale (x - m)^2; the true one is (1/(2 s²), 2π s²)."""
    return -sp.log(log_arg) / 2 - quad_scale * (x - m) ** 2


GAUSS, BERN = ("gaussian-likelihood", "log-1d"), "bernoulli-likelihood"
QUARTIC = sum(c * z**k for k, c in enumerate((c0, c1, c2, c3, c4)))
QUARTIC_AT_VARIANCE = reparameterization._by_moments(
    QUARTIC.subs(z, mu + sigma**2 * eps)
)  # sigma² as the std
REPAR = "reparameterisation-distribution"
PLANTED = {
    "wrong-constant": (*GAUSS, per_dim(1 / (2 * s**2), sp.pi * s**2)),
    "flipped-sign": (*GAUSS, per_dim(-1 / (2 * s**2), 2 * sp.pi * s**2)),
    "missing-half": (*GAUSS, per_dim(1 / s**2, 2 * sp.pi * s**2)),
    "log-s-for-log-s2": (*GAUSS, per_dim(1 / (2 * s**2), 2 * sp.pi * s)),
    "m-and-s-swapped": (*GAUSS, gaussian_log_density(x, m, s).xreplace({m: s, s: m})),
    "bce-flipped-sign": (BERN, "bce-with-logits", bernoulli_log_likelihood(x, l)),
    "softplus-flipped-sign": (BERN, "log-pmf", x * l + sp.log(1 + sp.exp(l))),
    "stable-flipped-sign": (BERN, "stable-nonnegative-logit", sp.log(1 + sp.exp(l_plus)) + x * l_plus),
    "density-mu-sigma-swapped": (REPAR, "change-of-variables", normal_pdf(z, sigma, mu)),
    "density-missing-jacobian": (REPAR, "change-of-variables", standard_normal_pdf((z - mu) / sigma)),
    "density-sigma2-as-std": (REPAR, "change-of-variables", normal_pdf(z, mu, sigma**2)),
    "logvar-density-std-as-var": (REPAR, "logvar-change-of-variables", normal_pdf(z, mu, sp.exp(v))),
    "mean-is-sigma": (REPAR, "mean-by-integral", sigma),
    "variance-is-sigma": (REPAR, "variance-by-moments", sigma),
    "logvar-missing-half": (REPAR, "logvar-std", v / 2),
    "spread-above-sigma": ("reparameterisation-sample-is-mean", "spread-is-variance", sigma),
    "z-form-variance-as-std": ("reparameterisation-gradient", "z-form-degree-4", QUARTIC_AT_VARIANCE),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_wrong_closed_form_is_rejected(name: str) -> None:
    claim_id, step_name, wrong_rhs = PLANTED[name]
    hyps = {h.name: h for h in CLAIMS[claim_id].hypotheses}
    assert check_step(step(claim_id, step_name).with_rhs(wrong_rhs), hyps).status == "failed"


# -- every dimension: the induction rejects a wrong base, a wrong step, a wrong citation ---------------------
GL = "gaussian-likelihood"
SSE = sp.Sum((x_vec[coord] - m_vec[coord]) ** 2, (coord, 1, D))


@pytest.mark.parametrize(
    "change",
    [
        {"name": "nll-base", "tactics": ("doit",)},  # base left unproved: induction must not stand on it
        {"name": "nll-by-induction", "cites": ("nll-inductive", "nll-base")},  # base and step swapped
        {"name": "nll-by-induction", "domain": (D, sp.Integers)},  # induction over all integers
        {"name": "nll-inductive", "assuming": ()},  # the step without P(D)
    ],
    ids=["unproved-base", "swapped-citations", "wrong-domain", "step-without-hypothesis"],
)
def test_planted_error_in_the_induction_fails_the_claim(change: dict[str, object]) -> None:
    name = change.pop("name")
    assert check(planted(GL, str(name), **change)).status == "failed"


@pytest.mark.parametrize(
    "wrong",
    [
        lambda rhs: rhs - D * sp.log(2 * sp.pi * s**2) / 2,  # D log(2π s²): the |Σ|^(-1/2) read as |Σ|^(-1)
        lambda rhs: rhs - SSE / (2 * s**2),  # no 1/2 in front of the quadratic form
    ],
    ids=["determinant-power", "missing-half"],
)
def test_planted_error_in_the_every_d_log_density_is_rejected(wrong: object) -> None:
    st = step(GL, "log-density-every-dimension")
    assert check(planted(GL, st.name, rhs=wrong(st.rhs))).status == "failed"  # type: ignore[operator]


def test_dimension_factor_d_instead_of_d_over_2_is_rejected() -> None:
    # The conclusion with (D) log(2π s²) in place of (D/2) log(2π s²): no chain of proved steps reaches it.
    claim = CLAIMS[GL]
    right = claim.conclusions[0]
    wrong = dataclasses.replace(right, rhs=right.rhs + D * sp.log(2 * sp.pi * s**2) / 2)
    assert check(dataclasses.replace(claim, conclusions=(wrong, *claim.conclusions[1:]))).status == "failed"


# -- Bernoulli: refutations respect the targets' domain [0, 1] (no strawman) ------------------------
BCE = sp.log(1 + sp.exp(l)) - x * l


def _bce_claim(hypotheses: tuple[Hypothesis, ...]) -> Claim:
    claimed = Conclusion(BCE, sp.Integer(0), ">=", holds=False, name="bce-negative-somewhere")
    return Claim("planted-bce", "planted", (claimed,), (), hypotheses=hypotheses)


def test_true_statement_in_the_targets_domain_cannot_be_refuted() -> None:
    inside = (Hypothesis("target", sp.Contains(x, sp.Interval(0, 1))),)
    assert check(_bce_claim(inside)).status == "failed"  # no counterexample in [0, 1]: BCE >= 0 there
    assert check(_bce_claim(())).status == "refuted"  # outside it (x = -4/3) the strawman is refuted


def test_bce_lower_bound_above_zero_is_rejected() -> None:
    claim = planted(BERN, "bce-split-nonnegative", rhs=sp.Integer(1))
    assert check(claim).status == "failed"


# -- reparameterisation gradient for every f: planted pathwise errors and a misused hypothesis ------------
RG = "reparameterisation-gradient"


def test_sigma_gradient_without_the_eps_factor_is_rejected() -> None:
    wrong = step(RG, "mu-gradient").rhs  # E[f'(mu + sigma eps)]: the factor dz/dsigma = eps is missing
    assert check(planted(RG, "sigma-gradient", rhs=wrong)).status == "failed"


def test_logvar_gradient_without_the_chain_rule_half_is_rejected() -> None:
    assert check(planted(RG, "logvar-gradient", rhs=2 * step(RG, "logvar-gradient").rhs)).status == "failed"


def test_the_mu_hypothesis_does_not_prove_the_sigma_gradient() -> None:
    claim = planted(RG, "sigma-gradient", hypotheses=("leibniz-mu",), tactics=("hypotheses",))
    assert check(claim).status == "failed"


def test_differentiating_under_the_integral_needs_the_displayed_hypothesis() -> None:
    bare = dataclasses.replace(step(RG, "sigma-gradient"), hypotheses=())
    assert check_step(bare, {}).status == "failed"


RNG = np.random.default_rng(20131220)  # fixed seed: the points are the same on every run


def test_gaussian_log_density_matches_scipy_norm_logpdf() -> None:
    xs, ms, ss = RNG.uniform(-5, 5, 200), RNG.uniform(-5, 5, 200), RNG.uniform(0.05, 5, 200)
    actual = sp.lambdify((x, m, s), gaussian_log_density(x, m, s), "numpy")(xs, ms, ss)
    assert_close(actual, scipy.stats.norm.logpdf(xs, loc=ms, scale=ss), "float64")


def test_isotropic_log_density_is_the_sum_of_coordinates_like_scipy_multivariate_normal() -> None:
    point, mean, std = RNG.normal(size=3), RNG.normal(size=3), 0.7
    log_1d = sp.lambdify((x, m, s), gaussian_log_density(x, m, s), "numpy")
    expected = scipy.stats.multivariate_normal.logpdf(point, mean=mean, cov=std**2 * np.eye(3))
    assert_close(float(np.sum(log_1d(point, mean, std))), expected, "float64")


def test_bernoulli_log_likelihood_matches_scipy() -> None:
    logits = np.linspace(-20.0, 20.0, 81)
    fn = sp.lambdify((x, l), bernoulli_log_likelihood(x, l), "numpy")
    for target in (0.0, 1.0):
        expected = target * scipy.special.log_expit(logits) + (1 - target) * scipy.special.log_expit(-logits)
        assert_close(fn(target, logits), expected, "float64")
    moderate = np.linspace(-5.0, 5.0, 21)  # where 1 - expit(l) loses no digits, scipy.stats is the oracle
    assert_close(fn(1.0, moderate), scipy.stats.bernoulli.logpmf(1, scipy.special.expit(moderate)), "float64")


def test_sigma_gradient_for_a_polynomial_matches_finite_difference_of_quadrature() -> None:
    # The general conclusion at f = a degree-4 polynomial, p = N(0, 1), against scipy.
    coeffs, mu_0, sigma_0, h = (0.3, -1.2, 0.5, 0.8, -0.25), 0.4, 1.3, 1e-4
    poly = sp.Lambda(z, sum(c * z**k for k, c in enumerate(coeffs)))
    integrand = step(RG, "sigma-gradient").rhs.function.subs(p_noise(eps), 1).replace(f, poly).doit()
    pathwise = sp.lambdify((eps, mu, sigma), integrand)
    value, _ = scipy.integrate.quad(
        lambda e: pathwise(e, mu_0, sigma_0) * scipy.stats.norm.pdf(e), -np.inf, np.inf
    )

    def expectation(std: float) -> float:
        g = np.polynomial.Polynomial(coeffs)
        out, _ = scipy.integrate.quad(lambda t: g(t) * scipy.stats.norm.pdf(t, mu_0, std), -np.inf, np.inf)
        return float(out)

    assert_close(value, (expectation(sigma_0 + h) - expectation(sigma_0 - h)) / (2 * h), "gradient")


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
