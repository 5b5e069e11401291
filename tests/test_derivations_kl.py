"""KL claims: intended statuses, planted wrong closed forms and steps rejected, scipy quadrature oracles."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import sympy as sp

from derivations.claims import divergence, gaussian_kl, logvar
from derivations.check import check_step
from derivations.core import Step
from derivations.claims.gaussian_kl import general_kl, multivariate_kl, standard_kl
from derivations.claims.logvar import standard_kl_logvar
from derivations.symbols import m, m2, mu, mu1, mu2, s, s2, sigma, sigma1, sigma2, v

CLAIMS = {c.id: c for module in (gaussian_kl, divergence, logvar) for c in module.claims()}
EXPECTED = {
    "gaussian-kl-standard": "proved",
    "gaussian-kl-general": "proved",
    "kl-log-sigma-variant": "refuted",
    "gibbs-inequality": "proved",
    "kl-direction-swapped": "refuted",
    "kl-sign-flipped": "refuted",
    "logvar-parameterisation": "proved",
    "kl-logvar-read-as-log-std": "refuted",
}
#: One table of tolerances: torch's float64 defaults, looser for quadrature of the defining integral.
TOL = {"float64": (1e-7, 1e-7), "quadrature": (1e-7, 1e-9)}  # (rtol, atol)
#: Steps whose planted versions take 3-8 s each (the checker evaluates a 2-D or an erf-heavy integral).
HEAVY = {("gaussian-kl-standard", "product-log-is-a-sum"), ("gaussian-kl-standard", "sum-over-dimensions"),
         ("gaussian-kl-general", "expand-log-ratio")}  # fmt: skip


def assert_close(actual: object, expected: object, kind: str) -> None:
    rtol, atol = TOL[kind]
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=rtol, atol=atol)


def step(claim_id: str, name: str) -> Step:
    return CLAIMS[claim_id].step(name)


def test_the_modules_state_exactly_the_expected_claims() -> None:
    # Each claim's status, step by step, is checked once for the whole ledger in tests/test_ledger.py.
    assert set(CLAIMS) == set(EXPECTED)
    assert all((claim.refutes) == (EXPECTED[cid] == "refuted") for cid, claim in CLAIMS.items())


def test_the_claims_prove_the_exposed_functions() -> None:
    # What other code lambdifies is, expression for expression, what the ledger proved.
    assert step("gaussian-kl-standard", "integrate").rhs == standard_kl(mu, sigma)
    assert step("gaussian-kl-general", "integrate").rhs == general_kl(m, s, m2, s2)
    assert step("logvar-parameterisation", "value-unchanged").rhs == standard_kl_logvar(mu, v)


MUTATIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "wrong-constant": lambda e: e + 1,
    "flipped-sign": lambda e: -e,
    "missing-half": lambda e: 2 * e,
}
# Every true equality gets a wrong constant; those without an integral (cheap to check) all three mutations;
# the closed forms the integrals produce get the specific mutations of PLANTED below.
EQUALITIES = [
    pytest.param((cid, st.name, mutation), id=f"{cid}:{st.name}:{mutation}",
                 marks=[pytest.mark.slow] if (cid, st.name) in HEAVY else [])
    for cid, claim in CLAIMS.items()
    for st in claim.steps
    if st.holds and st.relation == "==" and isinstance(st.lhs, sp.Expr)
    for mutation in MUTATIONS
    if mutation == "wrong-constant" or (st.rhs != 0 and not st.lhs.has(sp.Integral))
]  # fmt: skip


@pytest.mark.parametrize("key", EQUALITIES)
def test_every_true_step_planted_wrong_is_rejected(key: tuple[str, str, str]) -> None:
    claim_id, name, mutation = key
    st = step(claim_id, name)
    assert check_step(st.with_rhs(MUTATIONS[mutation](st.rhs))).status == "failed"


STD, GEN = ("gaussian-kl-standard", "integrate"), ("gaussian-kl-general", "integrate")
VALUE, GRAD = ("logvar-parameterisation", "value-unchanged"), ("logvar-parameterisation", "grad-logvar")
ratio, gap = (s / s2) ** 2, ((m - m2) / s2) ** 2
PLANTED = {
    "standard:wrong-constant": (*STD, (sigma**2 + mu**2 + 1 - sp.log(sigma**2)) / 2),
    "standard:flipped-sign": (*STD, (1 + sp.log(sigma**2) - mu**2 - sigma**2) / 2),
    "standard:missing-half": (*STD, sigma**2 + mu**2 - 1 - sp.log(sigma**2)),
    "standard:log-sigma-for-log-sigma2": (*STD, (sigma**2 + mu**2 - 1 - sp.log(sigma)) / 2),
    "standard:mu-and-sigma-swapped": (*STD, (mu**2 + sigma**2 - 1 - sp.log(mu**2)) / 2),
    "general:wrong-constant": (*GEN, (ratio + gap + 1 - sp.log(ratio)) / 2),
    "general:flipped-sign": (*GEN, -(ratio + gap - 1 - sp.log(ratio)) / 2),
    "general:missing-half": (*GEN, ratio + gap - 1 - sp.log(ratio)),
    "general:log-s-for-log-s2": (*GEN, (ratio + gap - 1 - sp.log(s / s2)) / 2),
    "general:directions-swapped": (*GEN, general_kl(m2, s2, m, s)),
    "logvar:wrong-constant": (*VALUE, (sp.exp(v) + mu**2 + 1 - v) / 2),
    "logvar:flipped-sign": (*VALUE, (1 + v - mu**2 - sp.exp(v)) / 2),
    "logvar:missing-half": (*VALUE, sp.exp(v) + mu**2 - 1 - v),
    "logvar:v-for-2v": (*VALUE, (sp.exp(v) + mu**2 - 1 - v / 2) / 2),
    "logvar:mu-and-v-swapped": (*VALUE, (sp.exp(mu) + v**2 - 1 - mu) / 2),
    "grad-logvar:missing-half": (*GRAD, sp.exp(v) - 1),
    "grad-logvar:flipped-sign": (*GRAD, (1 - sp.exp(v)) / 2),
}


@pytest.mark.parametrize("planted", sorted(PLANTED))
def test_planted_wrong_closed_form_is_rejected(planted: str) -> None:
    claim_id, name, wrong_rhs = PLANTED[planted]
    assert check_step(step(claim_id, name).with_rhs(wrong_rhs)).status == "failed"


INEQUALITIES = [(cid, st.name) for cid, c in CLAIMS.items() for st in c.steps if st.relation != "=="]


@pytest.mark.parametrize("key", INEQUALITIES, ids=lambda k: f"{k[0]}:{k[1]}")
def test_every_inequality_pushed_past_its_bound_is_rejected(key: tuple[str, str]) -> None:
    st = step(*key)
    assert check_step(st.with_rhs(st.rhs + 1)).status == "failed"


CORRECTED = {  # each refuted step with its true right side: stated as wrong, it must then fail
    "kl-log-sigma-variant": standard_kl(mu, sigma),
    "kl-direction-swapped": general_kl(0, 1, mu, sigma),
    "kl-sign-flipped": -(standard_kl(mu1, sigma1) + standard_kl(mu2, sigma2)),
    "kl-logvar-read-as-log-std": standard_kl(mu, sp.exp(v)),
}


@pytest.mark.parametrize("claim_id", sorted(CORRECTED))
def test_a_refutation_cannot_refute_the_truth(claim_id: str) -> None:
    (wrong,) = [st for st in CLAIMS[claim_id].steps if not st.holds]
    assert check_step(wrong.with_rhs(CORRECTED[claim_id])).status == "failed"


def quad_kl(q: scipy.stats.rv_continuous, p: scipy.stats.rv_continuous) -> float:
    """∫ q log(q/p) by adaptive quadrature over ±12 standard deviations of q (the oracle)."""
    lo, hi = q.mean() - 12 * q.std(), q.mean() + 12 * q.std()
    value, _ = scipy.integrate.quad(lambda t: q.pdf(t) * (q.logpdf(t) - p.logpdf(t)), lo, hi, limit=200)
    return float(value)


POINTS = {"prior": (0.0, 1.0), "narrow": (0.7, 0.3), "wide-negative": (-1.3, 2.5), "far": (3.0, 0.9)}


@pytest.mark.parametrize("point", sorted(POINTS))
def test_standard_kl_matches_quadrature(point: str) -> None:
    mean, std = POINTS[point]
    actual = sp.lambdify((mu, sigma), standard_kl(mu, sigma), "numpy")(mean, std)
    assert_close(actual, quad_kl(scipy.stats.norm(mean, std), scipy.stats.norm(0, 1)), "quadrature")


@pytest.mark.parametrize("point", sorted(POINTS))
def test_standard_kl_logvar_matches_quadrature(point: str) -> None:
    mean, std = POINTS[point]
    actual = sp.lambdify((mu, v), standard_kl_logvar(mu, v), "numpy")(mean, np.log(std**2))
    assert_close(actual, quad_kl(scipy.stats.norm(mean, std), scipy.stats.norm(0, 1)), "quadrature")


@pytest.mark.parametrize(("m1", "s1", "m_2", "s_2"), [(0.5, 1.2, -0.3, 0.7), (-2.0, 0.4, 1.0, 3.0)])
def test_general_kl_matches_quadrature(m1: float, s1: float, m_2: float, s_2: float) -> None:
    actual = sp.lambdify((m, s, m2, s2), general_kl(m, s, m2, s2), "numpy")(m1, s1, m_2, s_2)
    assert_close(actual, quad_kl(scipy.stats.norm(m1, s1), scipy.stats.norm(m_2, s_2)), "quadrature")


def log_density_2d(mean: np.ndarray, cov: np.ndarray) -> Callable[[float, float], float]:
    """log N(x; mean, cov) for k = 2 written out (Bishop eq. 2.43), cheap enough for dblquad."""
    prec, log_det = np.linalg.inv(cov), np.log(np.linalg.det(cov))

    def log_pdf(x: float, y: float) -> float:
        r = np.array([x, y]) - mean
        return float(-np.log(2 * np.pi) - log_det / 2 - r @ prec @ r / 2)

    return log_pdf


def test_correlated_multivariate_kl_matches_2d_quadrature() -> None:
    m_a, cov_a = np.array([0.3, -0.5]), np.array([[1.2, 0.5], [0.5, 0.8]])
    m_b, cov_b = np.array([-0.2, 0.4]), np.array([[0.9, -0.3], [-0.3, 1.5]])
    log_q, log_p = log_density_2d(m_a, cov_a), log_density_2d(m_b, cov_b)
    scipy_pdf = scipy.stats.multivariate_normal(m_a, cov_a).pdf
    assert_close(np.exp(log_q(0.1, 0.2)), scipy_pdf([0.1, 0.2]), "float64")  # the oracle's own density
    expected, _ = scipy.integrate.dblquad(
        lambda y, x: np.exp(log_q(x, y)) * (log_q(x, y) - log_p(x, y)), -9, 9, -9, 9, epsabs=1e-11
    )
    actual = multivariate_kl(*(sp.Matrix(a.tolist()) for a in (m_a[:, None], cov_a, m_b[:, None], cov_b)))
    assert_close(float(actual), expected, "quadrature")


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        (lambda: standard_kl(0.5, sigma), TypeError, "mu must be a SymPy expression"),
        (lambda: standard_kl(mu, 0), ValueError, "sigma must be a positive"),
        (lambda: general_kl(m, s, m2, -2), ValueError, "s2 must be a positive"),
        (lambda: standard_kl_logvar(mu, np.zeros(3)), TypeError, "v must be a SymPy expression"),
        (
            lambda: multivariate_kl(sp.Matrix([m]), sp.eye(2), sp.Matrix([m2]), sp.eye(2)),
            ValueError,
            "m1, cov1",
        ),
    ],
    ids=["float-mu", "zero-sigma", "negative-s2", "array-logvar", "mean-shape"],
)
def test_bad_input_names_the_argument(call: Callable[[], object], error: type[Exception], names: str) -> None:
    with pytest.raises(error, match=re.escape(names)):
        call()
