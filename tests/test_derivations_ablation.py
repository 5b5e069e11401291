"""The ablation and role claims: statuses, planted errors, and the optima and gradients found numerically."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import planting
import pytest
import scipy.optimize
import scipy.stats
import sympy as sp
from planting import check

from derivations import registry
from derivations.claims import ablation, roles
from derivations.claims.ablation import RECONSTRUCTION_INFIMUM, RECONSTRUCTION_ONLY, gibbs
from derivations.claims.linear_gaussian import LOG_MARGINAL, POSTERIOR_MEAN, POSTERIOR_VAR
from derivations.core import Claim, Conclusion
from derivations.symbols import b, delta_mu, mu, phi, r_log_sigma, s, sigma, t, theta_p, theta_w, w, x

CLAIMS = registry.by_id(registry.build(ablation, roles))
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
#: Tolerance of a Nelder-Mead optimum (xatol 1e-8 in (mu, log sigma)) on quadrature losses; of a central
#: finite difference (h = 1e-5) of a quadrature loss.
TOL = {"optimum": (1e-5, 1e-5), "gradient": (1e-6, 1e-7)}  # (rtol, atol)
#: (x, w, b, s): one data point and decoder, negative weight included.
MODELS = [(0.7, 1.3, -0.2, 0.8), (-1.5, -0.6, 0.3, 1.7)]


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


def test_refuted_slides_name_their_counterexample() -> None:
    peaky = check(CLAIMS["slide-kl-only-is-peaky"])
    assert peaky.status == "refuted"
    assert "lhs - rhs = -oo" in peaky.conclusions[0].detail  # a peaky q costs infinite KL
    prior = check(CLAIMS["slide-reconstruction-only-is-prior"])
    assert prior.status == "refuted"
    assert "counterexample" in prior.conclusions[0].detail


def test_peaky_slide_is_refuted_with_sigma_itself_bound_by_the_limit() -> None:
    # lim_{sigma -> 0+} KL(N(0, sigma²) || N(0, 1)) <= KL(mu, sigma) is false (the limit is +oo) whatever
    # letter the limit binds: a counterexample point must not be substituted into the bound sigma.
    kl = ablation.KL_ONLY
    claimed = Conclusion(sp.Limit(kl.subs(mu, 0), sigma, 0, "+"), kl, "<=", holds=False, name="peaky")
    assert check(Claim("planted-peaky", "planted", (claimed,), ())).status == "refuted"


TAU = sp.sqrt(POSTERIOR_VAR)
KL, REC, BOTH = "ablation-kl-only", "ablation-reconstruction-only", "ablation-both"
PLANTED = [
    (KL, "global-algebra", "mu-square-missing-half", {"rhs": mu**2 + gibbs(sigma)}),
    (KL, "unique-in-mu-algebra", "missing-half", {"rhs": delta_mu**2}),
    (
        KL,
        "unique-in-sigma-algebra",
        "log-sigma-for-log-var",
        {"rhs": (sp.exp(2 * r_log_sigma) - 1 - r_log_sigma) / 2},
    ),
    (KL, "unique-in-sigma-sign", "bound-too-strong", {"rhs": sp.Integer(1)}),  # f(e^r) < 1 at r = -1
    (KL, "gibbs-f", "strict-at-one", {"relation": ">"}),  # f(1) = 0
    (
        KL,
        "unique-in-sigma-sign",
        "domain-narrower-than-displayed",
        {"domain": (r_log_sigma, sp.Interval.open(0, sp.oo))},
    ),
    (KL, "global-sign", "instance-at-variance", {"substitution": ((t, sigma**2),)}),
    (REC, "above-infimum-algebra", "missing-spread", {"rhs": (x - w * mu - b) ** 2 / (2 * s**2)}),
    (REC, "infimum-approached", "log-without-half", {"rhs": sp.log(2 * sp.pi * s**2)}),
    (REC, "increases-with-sigma-algebra", "missing-factor-2", {"rhs": w**2 * sigma / (2 * s**2)}),
    (REC, "best-mean-algebra", "flipped-sign", {"rhs": -(w**2) * delta_mu**2 / (2 * s**2)}),
    (
        BOTH,
        "global-algebra",
        "variance-for-std",
        {"rhs": (mu - POSTERIOR_MEAN) ** 2 / (2 * TAU) + gibbs(sigma / TAU)},
    ),
    (BOTH, "global-sign", "instance-at-product", {"substitution": ((t, sigma * TAU),)}),
    (BOTH, "unique-in-mu-algebra", "missing-noise", {"rhs": delta_mu**2 / 2}),
    (BOTH, "optimum-is-log-evidence", "wrong-constant", {"rhs": LOG_MARGINAL + sp.log(2)}),
]


@pytest.mark.parametrize(
    ("claim_id", "name", "label", "change"), PLANTED, ids=[f"{p[0]}-{p[1]}-{p[2]}" for p in PLANTED]
)
def test_planted_wrong_version_is_rejected(
    claim_id: str, name: str, label: str, change: dict[str, object]
) -> None:
    assert check(planted(claim_id, name, **change)).status == "failed", label


def test_an_optimum_elsewhere_is_rejected() -> None:
    # KL alone: claim the prior's mean 1 is optimal (loss - loss(1, 1) >= 0): false at mu = 0, so refuted.
    claim = CLAIMS[KL]
    elsewhere = claim.conclusions[0].lhs.xreplace({sp.Integer(0): sp.Integer(1)})
    wrong = Conclusion(elsewhere, sp.Integer(0), ">=", holds=False, name="optimum-at-one")
    assert check(dataclasses.replace(claim, conclusions=(wrong,), steps=())).status == "refuted"


# -- parameter roles: planted gradients ----------------------------------------------------------------------
ROLES = "parameter-roles"
ROLE_PLANTS = [
    ("prior-from-regulariser", "flipped-sign", phi * x - theta_p),
    ("prior-not-from-reconstruction", "prior-trained-by-data", theta_w * (x - b) / s**2),
    ("decoder-not-from-regulariser", "kl-trains-decoder", phi * x**2),
    ("decoder-from-reconstruction", "missing-variance", (theta_w * phi**2 * x**2 - (x - b) * phi * x) / s**2),
    ("evidence-depends-on-prior", "missing-noise", (x - b - theta_w * theta_p) / theta_w),
]


@pytest.mark.parametrize(("name", "label", "wrong"), ROLE_PLANTS, ids=[p[1] for p in ROLE_PLANTS])
def test_planted_wrong_gradient_is_rejected(name: str, label: str, wrong: sp.Expr) -> None:
    assert check(planted(ROLES, name, rhs=wrong)).status == "failed", label


def test_the_true_role_cannot_be_refuted() -> None:
    # 'the evidence does not depend on phi' is true: stated as false, the checker must find no counterexample.
    claim = CLAIMS["slide-theta-is-recognition"]
    true = next(c for c in claim.conclusions if c.holds)
    flipped = dataclasses.replace(true, holds=False, chain=())
    assert check(dataclasses.replace(claim, conclusions=(flipped,), steps=())).status == "failed"


# Numeric oracle: the losses by Gauss-Hermite quadrature of their defining integrals (scipy log-densities),
# minimised by Nelder-Mead over (mu, log sigma); nothing here uses the SymPy closed forms.
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(40)  # ∫ f(u) exp(-u^2/2) du ≈ Σ w_i f(u_i)


def quad_losses(
    model: tuple[float, ...], mu0: float, sigma0: float, prior_mean: float = 0.0
) -> tuple[float, float]:
    """(-E_q[log p(x|z)], KL(q || N(prior_mean, 1))) in nats, q = N(mu0, sigma0^2), z = mu0 + sigma0 u."""
    x0, w0, b0, s0 = model
    z0 = mu0 + sigma0 * NODES
    expect = lambda f: float(WEIGHTS @ f) / math.sqrt(2 * math.pi)  # noqa: E731
    reconstruction = -expect(scipy.stats.norm.logpdf(x0, w0 * z0 + b0, s0))
    kl = expect(scipy.stats.norm.logpdf(z0, mu0, sigma0) - scipy.stats.norm.logpdf(z0, prior_mean))
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
        actual, [float(POSTERIOR_MEAN.subs(subs)), float(TAU.subs(subs))], *TOL["optimum"]
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


@pytest.mark.parametrize("model", MODELS)
def test_parameter_gradients_match_finite_differences_of_quadrature(model: tuple[float, ...]) -> None:
    """The proved gradients of the learned-prior model against central differences of quadrature losses."""
    x0, _, b0, s0 = model
    point = {phi: 0.3, theta_w: -0.8, theta_p: 0.45, x: x0, b: b0, s: s0}
    h = 1e-5

    def loss(term: int, **at: float) -> float:
        p = {**{str(k): v for k, v in point.items()}, **at}
        decoder = (p["x"], p["theta_w"], p["b"], p["s"])
        return quad_losses(decoder, p["phi"] * p["x"], math.exp(p["phi"] / 2), p["theta_p"])[term]

    claim = CLAIMS[ROLES]
    for conclusion in claim.conclusions[:6]:
        derivative = conclusion.lhs
        term = 0 if "reconstruction" in (conclusion.name or "") else 1
        ((param, _),) = derivative.variable_count
        at = float(point[param])
        numeric = (loss(term, **{str(param): at + h}) - loss(term, **{str(param): at - h})) / (2 * h)
        np.testing.assert_allclose(
            float(conclusion.rhs.subs(point)), numeric, *TOL["gradient"], err_msg=conclusion.name
        )
