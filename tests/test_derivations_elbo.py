"""marginal-likelihood and the linear-Gaussian worked instances: status, planted errors, scipy oracles."""

from __future__ import annotations

import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import sympy as sp

from derivations.chains import check_claim
from derivations.claims import elbo_gaussian, linear_gaussian
from derivations.claims.elbo import (
    ELBO,
    EXPECTED_LOG_LIKELIHOOD,
    KL_TO_GAUSSIAN,
    KL_TO_POSTERIOR,
    KL_TO_PRIOR,
)
from derivations.claims.elbo_gaussian import LOG_LIKELIHOOD, LOG_RATIO_PRIOR
from derivations.claims.linear_gaussian import LOG_MARGINAL, POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.claims.moments import normal_pdf
from derivations.core import Claim, Conclusion, Hypothesis
from derivations.symbols import b, delta, m, mu, r_resid, rho, s, sigma, tau, w, x, z

CLAIMS = {c.id: c for c in (*linear_gaussian.claims(), *elbo_gaussian.claims())}
#: float64 tolerance against quadrature (scipy.integrate.quad reaches ~1e-12 on these smooth integrands).
TOL = {"float64": (1e-8, 1e-10)}  # (rtol, atol)
#: (x, w, b, s, mu, sigma): a few points with negative w, large and small noise, q far from the posterior.
POINTS = [(0.7, 1.3, -0.2, 0.8, 0.4, 0.6), (-1.5, -0.6, 0.3, 1.7, -1.0, 1.9), (2.2, 2.5, 1.0, 0.3, 0.9, 0.05)]


def alone(claim: Claim, name: str, **changes: object) -> str:
    """Status of step ``name`` (changed by ``changes``) checked alone with the lemmas it cites, in a claim
    whose one conclusion is that step: a planted error cannot hide behind the rest of the chain."""
    steps = {s.name: s for s in claim.steps}
    step = dataclasses.replace(steps[name], lemma=False, **changes)  # type: ignore[arg-type]
    keep, todo = [step], list(step.cites)
    while todo:
        lemma = steps[todo.pop()]
        keep.append(lemma)
        todo += lemma.cites
    only = Conclusion(step.lhs, step.rhs, step.relation, chain=(name,))
    sub = dataclasses.replace(claim, conclusions=(only,), steps=tuple(keep), uses=())
    return check_claim(sub, used={}).status


def numeric(expr: sp.Expr, point: tuple[float, ...]) -> float:
    """The expression at a point (x, w, b, s, mu, sigma) as a float, by lambdify (not by the checker)."""
    return float(sp.lambdify((x, w, b, s, mu, sigma), expr, "math")(*point))


def quad(f: object) -> float:
    value, _ = scipy.integrate.quad(f, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200)
    return float(value)


def assert_close(actual: float, expected: float) -> None:
    rtol, atol = TOL["float64"]
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", sorted(CLAIMS))
def test_worked_instance_is_proved(claim_id: str) -> None:
    claim = CLAIMS[claim_id]
    used = {u: SimpleNamespace(status="proved") for u in claim.uses}
    result = check_claim(claim, used=used)  # type: ignore[arg-type]
    assert result.status == "proved", result.detail
    assert all(c.status == "proved" for c in result.conclusions)
    if claim_id != "marginal-likelihood":  # a worked instance says so, and names its general claim
        assert "linear-Gaussian model" in claim.special_case
        assert claim.title.startswith("Worked instance")


# Planted wrong right sides: (claim, step, label, wrong). The cheap steps get every kind of mistake.
PLANTED = [
    ("marginal-likelihood", "log-marginal", "flipped-sign", -LOG_MARGINAL),
    ("marginal-likelihood", "log-marginal", "wrong-constant", LOG_MARGINAL + sp.log(2) / 2),
    ("marginal-likelihood", "log-marginal", "missing-noise", LOG_MARGINAL.subs(s, 0)),
    ("marginal-likelihood", "posterior-bayes", "variance-for-std",
     sp.log(normal_pdf(z, POSTERIOR_MEAN, POSTERIOR_VAR))),
    ("marginal-likelihood", "posterior-bayes", "flipped-mean",
     sp.log(normal_pdf(z, -POSTERIOR_MEAN, sp.sqrt(POSTERIOR_VAR)))),
    ("marginal-likelihood", "posterior-bayes", "missing-factor-w",
     sp.log(normal_pdf(z, (x - b) / (w**2 + s**2), sp.sqrt(POSTERIOR_VAR)))),
    ("marginal-likelihood", "posterior-precision", "missing-noise-precision", 1 + w**2),
    ("marginal-likelihood", "marginal-integral", "instance-at-the-wrong-residual",
     normal_pdf(x, -b, sp.sqrt(w**2 + s**2))),
    ("elbo-decomposition-linear-gaussian", "reconstruction-pointwise", "cross-term-sign",
     normal_pdf(z, mu, sigma) * LOG_LIKELIHOOD.subs(w, -w)),
    ("elbo-decomposition-linear-gaussian", "regulariser-pointwise", "log-sigma-sign",
     normal_pdf(z, mu, sigma) * (LOG_RATIO_PRIOR + 2 * sp.log(sigma))),
    ("kl-identity-linear-gaussian", "identity-closed-form", "flipped-kl", ELBO - KL_TO_POSTERIOR),
    ("kl-identity-linear-gaussian", "identity-closed-form", "variance-for-std",
     ELBO + KL_TO_GAUSSIAN.subs({m: POSTERIOR_MEAN, tau: POSTERIOR_VAR})),
    ("kl-identity-linear-gaussian", "identity-closed-form", "mu-sigma-swapped",
     ELBO + KL_TO_POSTERIOR.subs({mu: sigma, sigma: mu}, simultaneous=True)),
    ("elbo-bound-linear-gaussian", "gap-is-kl", "missing-half", 2 * KL_TO_POSTERIOR),
    ("elbo-bound-linear-gaussian", "elbo-is-evidence-minus-gap", "gap-added", LOG_MARGINAL + KL_TO_POSTERIOR),
    ("elbo-bound-linear-gaussian", "drop-the-gap", "bound-minus-half", LOG_MARGINAL - sp.Rational(1, 2)),
    ("elbo-bound-linear-gaussian", "drop-variance-part", "kept-a-constant", (mu - m) ** 2 / (2 * tau**2) + 1),
]  # fmt: skip


@pytest.mark.parametrize(
    ("claim_id", "name", "label", "wrong"), PLANTED, ids=[f"{p[1]}-{p[2]}" for p in PLANTED]
)
def test_planted_wrong_version_is_rejected(claim_id: str, name: str, label: str, wrong: sp.Expr) -> None:
    assert alone(CLAIMS[claim_id], name, rhs=wrong) == "failed", label


@pytest.mark.slow
@pytest.mark.parametrize(
    ("claim_id", "name", "wrong"),
    [
        (
            "marginal-likelihood",
            "marginal-integral-centred",
            normal_pdf(r_resid, 0, w**2 + s**2),
        ),  # var for std
        (
            "kl-identity-linear-gaussian",
            "kl-to-gaussian-moments",
            KL_TO_GAUSSIAN.subs({mu: sigma, sigma: mu}, simultaneous=True),
        ),
        (
            "elbo-decomposition-linear-gaussian",
            "reconstruction-moments",
            EXPECTED_LOG_LIKELIHOOD.subs(sigma, 0),
        ),
        ("elbo-decomposition-linear-gaussian", "elbo-moments", EXPECTED_LOG_LIKELIHOOD + KL_TO_PRIOR),  # +KL
    ],
    ids=[
        "marginal-variance-for-std",
        "kl-mu-sigma-swapped",
        "reconstruction-missing-variance",
        "elbo-plus-kl",
    ],
)
def test_planted_wrong_integral_is_rejected(claim_id: str, name: str, wrong: sp.Expr) -> None:
    assert alone(CLAIMS[claim_id], name, rhs=wrong) == "failed"


def test_equality_case_rejects_the_boundary_it_excludes() -> None:
    bound = CLAIMS["elbo-bound-linear-gaussian"]
    # rho = 1 allowed: f(1)/2 = 0, not > 0.
    anywhere = sp.Interval.open(0, sp.oo)
    widened = dataclasses.replace(bound, hypotheses=(Hypothesis("rho-not-one", sp.Contains(rho, anywhere)),))
    assert alone(widened, "scaled-variance-positive", domain=(rho, anywhere)) == "failed"
    # delta = 0 allowed: the mean part vanishes.
    d = sp.Symbol("d", real=True)
    assert alone(bound, "shifted-mean-positive", lhs=d**2 / (2 * tau**2)) == "failed"
    # the posterior's variance used for its standard deviation: not the zero of the gap.
    at_variance = sp.Subs(KL_TO_GAUSSIAN, (mu, sigma), (m, tau**2))
    assert alone(bound, "tight-at-posterior", lhs=at_variance) == "failed"
    assert bound.conclusions[4].lhs == KL_TO_GAUSSIAN.subs(mu, m + delta)


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


def test_exposed_closed_forms_are_the_proved_ones_and_say_so() -> None:
    assert linear_gaussian.log_marginal(x, w, b, s) == LOG_MARGINAL
    assert linear_gaussian.posterior_mean(x, w, b, s) == POSTERIOR_MEAN
    assert linear_gaussian.posterior_var(w, s) == POSTERIOR_VAR
    for helper in (
        linear_gaussian.log_marginal,
        linear_gaussian.posterior_mean,
        linear_gaussian.posterior_var,
    ):
        assert getattr(helper, "rests_on") == ("marginal-likelihood",)  # noqa: B009
    claim = CLAIMS["marginal-likelihood"]
    assert claim.conclusions[1].rhs == LOG_MARGINAL
    assert CLAIMS["elbo-decomposition-linear-gaussian"].conclusions[2].rhs == ELBO
    assert CLAIMS["kl-identity-linear-gaussian"].conclusions[0].rhs == KL_TO_GAUSSIAN
