"""marginal-likelihood, kl-identity, elbo-decomposition, elbo-bound: status, planted errors, scipy oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import sympy as sp

from derivations.claims import elbo, linear_gaussian
from derivations.check import check_step
from derivations.core import Step
from derivations.claims.elbo import ELBO, EXPECTED_LOG_LIKELIHOOD, KL_TO_GAUSSIAN, KL_TO_POSTERIOR, KL_TO_PRIOR
from derivations.claims.linear_gaussian import LOG_MARGINAL, POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.claims.moments import normal_pdf
from derivations.symbols import b, m, mu, p_x, p_xgz, p_z, q_zx, s, sigma, t, tau, w, x, z

CLAIMS = {c.id: c for c in (*linear_gaussian.claims(), *elbo.claims())}
#: float64 tolerance against quadrature (scipy.integrate.quad reaches ~1e-12 on these smooth integrands).
TOL = {"float64": (1e-8, 1e-10)}  # (rtol, atol)
#: (x, w, b, s, mu, sigma): a few points with negative w, large and small noise, q far from the posterior.
POINTS = [(0.7, 1.3, -0.2, 0.8, 0.4, 0.6), (-1.5, -0.6, 0.3, 1.7, -1.0, 1.9), (2.2, 2.5, 1.0, 0.3, 0.9, 0.05)]


def step(claim_id: str, name: str) -> Step:
    return CLAIMS[claim_id].step(name)


def numeric(expr: sp.Expr, point: tuple[float, ...]) -> float:
    """The expression at a point (x, w, b, s, mu, sigma) as a float, by lambdify (not by the checker)."""
    return float(sp.lambdify((x, w, b, s, mu, sigma), expr, "math")(*point))


def quad(f: object) -> float:
    value, _ = scipy.integrate.quad(f, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200)
    return float(value)


def assert_close(actual: float, expected: float) -> None:
    rtol, atol = TOL["float64"]
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


# Planted wrong versions: (claim, step, label, wrong right side). The cheap steps get every kind of mistake.
PLANTED = [
    ("marginal-likelihood", "log-marginal", "flipped-sign", -LOG_MARGINAL),
    ("marginal-likelihood", "log-marginal", "wrong-constant", LOG_MARGINAL + sp.log(2) / 2),
    ("marginal-likelihood", "log-marginal", "missing-noise", LOG_MARGINAL.subs(s, 0)),
    (
        "marginal-likelihood",
        "posterior-bayes",
        "variance-for-std",
        sp.log(normal_pdf(z, POSTERIOR_MEAN, POSTERIOR_VAR)),
    ),
    (
        "marginal-likelihood",
        "posterior-bayes",
        "flipped-mean",
        sp.log(normal_pdf(z, -POSTERIOR_MEAN, sp.sqrt(POSTERIOR_VAR))),
    ),
    (
        "marginal-likelihood",
        "posterior-bayes",
        "missing-factor-w",
        sp.log(normal_pdf(z, (x - b) / (w**2 + s**2), sp.sqrt(POSTERIOR_VAR))),
    ),
    ("marginal-likelihood", "posterior-precision", "missing-noise-precision", 1 + w**2),
    ("kl-identity", "bayes-pointwise", "flipped-sign", sp.log(p_xgz * p_z) + sp.log(p_xgz * p_z / p_x)),
    ("kl-identity", "add-subtract-log-q", "missing-kl-term", sp.log(p_xgz * p_z) - sp.log(q_zx)),
    ("kl-identity", "identity-closed-form", "flipped-kl", ELBO - KL_TO_POSTERIOR),
    (
        "kl-identity",
        "identity-closed-form",
        "variance-for-std",
        ELBO + KL_TO_GAUSSIAN.subs({m: POSTERIOR_MEAN, tau: POSTERIOR_VAR}),
    ),
    (
        "kl-identity",
        "identity-closed-form",
        "mu-sigma-swapped",
        ELBO + KL_TO_POSTERIOR.subs({mu: sigma, sigma: mu}, simultaneous=True),
    ),
    ("kl-identity", "evidence-leaves-expectation", "missing-log", p_x),
    ("elbo-decomposition", "joint-factorises", "flipped-kl", sp.log(p_xgz) + (sp.log(q_zx) - sp.log(p_z))),
    ("elbo-bound", "gap-is-kl", "missing-half", 2 * KL_TO_POSTERIOR),
    ("elbo-bound", "tight-at-posterior", "wrong-constant", LOG_MARGINAL - sp.log(2 * sp.pi)),
    ("elbo-bound", "gibbs-nonnegative", "shifted-f", sp.Integer(1)),
]


@pytest.mark.parametrize(
    ("claim_id", "name", "label", "wrong"), PLANTED, ids=[f"{p[1]}-{p[2]}" for p in PLANTED]
)
def test_planted_wrong_version_is_rejected(claim_id: str, name: str, label: str, wrong: sp.Expr) -> None:
    assert check_step(step(claim_id, name).with_rhs(wrong)).status == "failed", label


@pytest.mark.slow
@pytest.mark.parametrize(
    ("claim_id", "name", "wrong"),
    [
        ("marginal-likelihood", "marginal-integral", normal_pdf(x, b, w**2 + s**2)),  # variance used as std
        ("kl-identity", "kl-to-gaussian", KL_TO_GAUSSIAN.subs({mu: sigma, sigma: mu}, simultaneous=True)),
        ("elbo-decomposition", "reconstruction-closed-form", EXPECTED_LOG_LIKELIHOOD.subs(sigma, 0)),
    ],
    ids=["marginal-variance-for-std", "kl-mu-sigma-swapped", "reconstruction-missing-variance"],
)
def test_planted_wrong_integral_is_rejected(claim_id: str, name: str, wrong: sp.Expr) -> None:
    assert check_step(step(claim_id, name).with_rhs(wrong)).status == "failed"


def test_gibbs_step_does_not_prove_a_false_bound() -> None:
    shifted = step("elbo-bound", "gibbs-nonnegative")
    assert (
        check_step(
            Step(
                "f-minus-one",
                t - 2 - sp.log(t),
                sp.Integer(0),
                "planted",
                domain=shifted.domain,
                relation=">=",
            )
        ).status
        != "proved"
    )


@pytest.mark.parametrize("point", POINTS)
def test_log_marginal_matches_quadrature(point: tuple[float, ...]) -> None:
    x0, w0, b0, s0 = point[:4]
    evidence = quad(lambda z0: scipy.stats.norm.pdf(x0, w0 * z0 + b0, s0) * scipy.stats.norm.pdf(z0))
    assert_close(float(linear_gaussian.log_marginal(x0, w0, b0, s0)), math.log(evidence))


@pytest.mark.parametrize("point", POINTS)
def test_posterior_moments_match_quadrature(point: tuple[float, ...]) -> None:
    x0, w0, b0, s0 = point[:4]
    joint = lambda z0: scipy.stats.norm.pdf(x0, w0 * z0 + b0, s0) * scipy.stats.norm.pdf(z0)  # noqa: E731
    evidence = quad(joint)
    mean = quad(lambda z0: z0 * joint(z0)) / evidence
    var = quad(lambda z0: (z0 - mean) ** 2 * joint(z0)) / evidence
    assert_close(float(linear_gaussian.posterior_mean(x0, w0, b0, s0)), mean)
    assert_close(float(linear_gaussian.posterior_var(w0, s0)), var)


@pytest.mark.parametrize("point", POINTS)
def test_elbo_terms_match_quadrature(point: tuple[float, ...]) -> None:
    x0, w0, b0, s0, mu0, sigma0 = point
    q = scipy.stats.norm(mu0, sigma0)
    log_lik = lambda z0: scipy.stats.norm.logpdf(x0, w0 * z0 + b0, s0)  # noqa: E731
    reconstruction = quad(lambda z0: q.pdf(z0) * log_lik(z0))
    kl_prior = quad(lambda z0: q.pdf(z0) * (q.logpdf(z0) - scipy.stats.norm.logpdf(z0)))
    posterior = scipy.stats.norm(numeric(POSTERIOR_MEAN, point), math.sqrt(numeric(POSTERIOR_VAR, point)))
    kl_posterior = quad(lambda z0: q.pdf(z0) * (q.logpdf(z0) - posterior.logpdf(z0)))
    assert_close(numeric(EXPECTED_LOG_LIKELIHOOD, point), reconstruction)
    assert_close(numeric(KL_TO_PRIOR, point), kl_prior)
    assert_close(numeric(KL_TO_POSTERIOR, point), kl_posterior)
    assert_close(
        numeric(ELBO, point) + kl_posterior, numeric(LOG_MARGINAL, point)
    )  # the identity, numerically


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0.5, 0.0, 0.1, 1.0), ValueError, "w must be nonzero"),
        ((0.5, 1.0, 0.1, -1.0), ValueError, "s must be positive"),
        ((0.5, 1.0, 0.1, sp.Integer(0)), ValueError, "s must be positive"),
        ((float("nan"), 1.0, 0.1, 1.0), ValueError, "x must be a finite real"),
        (("0.5", 1.0, 0.1, 1.0), TypeError, "x must be a real number or a SymPy expression, got str"),
        ((0.5, 1.0, True, 1.0), TypeError, "b must be a real number"),
    ],
)
def test_bad_input_is_a_clear_error(args: tuple[object, ...], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        linear_gaussian.log_marginal(*args)


def test_exposed_closed_forms_accept_symbols_and_are_the_proved_ones() -> None:
    assert linear_gaussian.log_marginal(x, w, b, s) == LOG_MARGINAL
    assert linear_gaussian.posterior_mean(x, w, b, s) == POSTERIOR_MEAN
    assert linear_gaussian.posterior_var(w, s) == POSTERIOR_VAR
    assert step("marginal-likelihood", "log-marginal").rhs == LOG_MARGINAL
