"""KL claims: intended statuses; planted closed forms, chains and inductions rejected; quadrature oracles."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
import sympy as sp

from derivations import registry
from derivations.chains import ClaimResult
from derivations.check import check_claim, check_step
from derivations.claims import gaussian_kl, gaussian_kl_general, independence, kl_mistakes, logvar, moments
from derivations.claims.gaussian_kl import general_kl, multivariate_kl, standard_kl
from derivations.claims.independence import block_kl
from derivations.claims.logvar import standard_kl_logvar
from derivations.core import Claim, Step
from derivations.display import statement
from derivations.symbols import KL_D, D, j, k, m, m2, mu, mu_j, p_a, q_a, s, s2, sigma, sigma_j, v, z_a

MODULES = (moments, independence, gaussian_kl, gaussian_kl_general, kl_mistakes, logvar)  # dependencies first
EXPECTED = {
    "gaussian-moments": "proved",
    "kl-independent-blocks": "proved",
    "gaussian-kl-standard": "proved",
    "gaussian-kl-general": "proved",
    "kl-direction-swapped": "refuted",
    "kl-log-sigma-variant": "refuted",
    "kl-sign-flipped": "refuted",
    "logvar-parameterisation": "proved",
    "kl-logvar-read-as-log-std": "refuted",
}
#: One table of tolerances: torch's float64 defaults, looser for quadrature of the defining integral.
TOL = {"float64": (1e-7, 1e-7), "quadrature": (1e-7, 1e-9)}  # (rtol, atol)


@functools.cache
def claims() -> dict[str, Claim]:
    return registry.by_id(registry.build(*MODULES))


@functools.cache
def results() -> dict[str, ClaimResult]:
    return registry.run(claims().values())


def planted(claim_id: str, name: str, **changes: Any) -> str:
    """The claim's status with step ``name`` changed (``dataclasses.replace``), checked with what it uses."""
    claim = claims()[claim_id]
    steps = tuple(dataclasses.replace(st, **changes) if st.name == name else st for st in claim.steps)
    return check_claim(dataclasses.replace(claim, steps=steps), results()).status


def assert_close(actual: object, expected: object, kind: str) -> None:
    rtol, atol = TOL[kind]
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=rtol, atol=atol)


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_each_claim_settles_as_intended(claim_id: str) -> None:
    result = results()[claim_id]
    assert result.status == EXPECTED[claim_id], result.detail
    assert claims()[claim_id].refutes == (EXPECTED[claim_id] == "refuted")


def test_only_the_full_covariance_formula_is_labelled_special() -> None:
    special = {cid for cid, c in claims().items() if c.special_case}
    assert special == {"gaussian-kl-general"}
    assert "k = 1 and k = 2" in claims()["gaussian-kl-general"].special_case


def test_the_claims_prove_the_exposed_functions() -> None:
    # What other code lambdifies is, expression for expression, what the ledger proved.
    assert claims()["gaussian-kl-standard"].step("integrate").rhs == standard_kl(mu, sigma)
    assert claims()["gaussian-kl-general"].step("integrate").rhs == general_kl(m, s, m2, s2)
    assert claims()["logvar-parameterisation"].step("value-unchanged").rhs == standard_kl_logvar(mu, v)
    assert standard_kl.rests_on == ("gaussian-kl-standard",)  # type: ignore[attr-defined]


def test_the_d_dimensional_kl_is_stated_for_a_symbolic_dimension() -> None:
    # The recurrence is read, and shown, for all D (the induction uses it at every D); KL(1) is one statement.
    shown = statement(claims()["gaussian-kl-standard"])
    assert shown.count(r"\text{for all } D") == 1
    every_d = claims()["gaussian-kl-standard"].conclusions[1]
    assert every_d.lhs == KL_D(D)
    assert every_d.rhs == sp.Sum(standard_kl(mu_j[j], sigma_j[j]), (j, 1, D))


MUTATIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "wrong-constant": lambda e: e + 1,
    "flipped-sign": lambda e: -e,
    "missing-half": lambda e: 2 * e,
}
TACTIC_EQUALITIES = [
    (cid, st.name, mutation)
    for cid, claim in claims().items()
    for st in claim.steps
    if st.by == "tactics"
    and st.relation == "=="
    and isinstance(st.rhs, sp.Expr)
    and cid != "gaussian-moments"
    for mutation in MUTATIONS
    if mutation == "wrong-constant" or (st.rhs != 0 and not st.lhs.has(sp.Integral))
]


@pytest.mark.parametrize("key", TACTIC_EQUALITIES, ids=lambda k: ":".join(k))
def test_every_true_step_planted_wrong_is_rejected(key: tuple[str, str, str]) -> None:
    claim_id, name, mutation = key
    claim = claims()[claim_id]
    st = claim.step(name)
    lemmas = tuple(claim.step(c) for c in st.cites)
    hypotheses = {h.name: h for h in claim.hypotheses}
    assert check_step(st.with_rhs(MUTATIONS[mutation](st.rhs)), hypotheses, lemmas).status == "failed"


STD, GEN = ("gaussian-kl-standard", "integrate"), ("gaussian-kl-general", "integrate")
VALUE, GRAD = ("logvar-parameterisation", "value-unchanged"), ("logvar-parameterisation", "grad-logvar")
ratio, gap = (s / s2) ** 2, ((m - m2) / s2) ** 2
PLANTED = {
    "standard:log-sigma-for-log-sigma2": (*STD, (sigma**2 + mu**2 - 1 - sp.log(sigma)) / 2),
    "standard:mu-and-sigma-swapped": (*STD, (mu**2 + sigma**2 - 1 - sp.log(mu**2)) / 2),
    "general:log-s-for-log-s2": (*GEN, (ratio + gap - 1 - sp.log(s / s2)) / 2),
    "general:directions-swapped": (*GEN, general_kl(m2, s2, m, s)),
    "logvar:v-for-2v": (*VALUE, (sp.exp(v) + mu**2 - 1 - v / 2) / 2),
    "logvar:mu-and-v-swapped": (*VALUE, (sp.exp(mu) + v**2 - 1 - mu) / 2),
    "grad-logvar:missing-half": (*GRAD, sp.exp(v) - 1),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_wrong_closed_form_is_rejected(name: str) -> None:
    claim_id, step_name, wrong_rhs = PLANTED[name]
    assert check_step(claims()[claim_id].step(step_name).with_rhs(wrong_rhs)).status == "failed"


@pytest.mark.parametrize("plant", ["no -k", "det ratio inverted", "no 1/2"])
def test_the_diagonal_trace_formula_for_every_k_planted_wrong_is_rejected(plant: str) -> None:
    st = claims()["gaussian-kl-general"].step("diagonal-every-k")
    formula = 2 * st.lhs  # tr + d^T S_2^-1 d - k + log(det S_2 / det S_1), each a sum or product over j <= k
    (log_det_ratio,) = formula.atoms(sp.log)
    wrong = {"no -k": formula + k, "det ratio inverted": formula - 2 * log_det_ratio, "no 1/2": 2 * formula}
    assert check_step(dataclasses.replace(st, lhs=wrong[plant] / 2)).status == "failed"


WRONG_TERM = sp.Sum(standard_kl(mu_j[j], sigma_j[j]) + j - 1, (j, 1, D + 1))  # right at D = 1 only
INDUCTION_PLANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "base-off-by-one": ("base", {"rhs": sp.Sum(standard_kl(mu_j[j], sigma_j[j]), (j, 1, 1)) + 1}),
    "inductive-wrong-term": ("inductive", {"rhs": WRONG_TERM}),
    "inductive-without-the-blocks-rule": ("inductive", {"hypotheses": ()}),
    "inductive-assumes-what-it-proves": ("inductive", {"assuming": (dataclasses.replace(
        claims()["gaussian-kl-standard"].step("inductive").assuming[0], name="P(D+1)",
        fact=sp.Eq(KL_D(D + 1), sp.Sum(standard_kl(mu_j[j], sigma_j[j]), (j, 1, D + 1)))),)}),
    "cites-swapped": ("every-dimension", {"cites": ("inductive", "base")}),
    "not-over-the-naturals": ("every-dimension", {"domain": (D, sp.Integers)}),
}  # fmt: skip


@pytest.mark.parametrize("plant", sorted(INDUCTION_PLANTS))
def test_a_broken_induction_fails_the_claim(plant: str) -> None:
    name, changes = INDUCTION_PLANTS[plant]
    assert planted("gaussian-kl-standard", name, **changes) == "failed"


BLOCKS = "kl-independent-blocks"
BLOCK_PLANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "one-block-only": ("blocks-separate", {"rhs": claims()[BLOCKS].step("blocks-separate").rhs.args[0]}),
    "no-integrability": ("blocks-separate", {"hypotheses": ("∫ q_a = 1", "∫ q_b = 1")}),
    "no-normalisation": ("blocks-separate", {"hypotheses": tuple(
        h.name for h in claims()[BLOCKS].hypotheses if "integrable" in h.name)}),
    "logs-split-without-positivity": ("log-of-product", {"hypotheses": ()}),
}  # fmt: skip


@pytest.mark.parametrize("plant", sorted(BLOCK_PLANTS))
def test_a_broken_block_rule_fails_the_claim(plant: str) -> None:
    name, changes = BLOCK_PLANTS[plant]
    assert planted(BLOCKS, name, **changes) == "failed"


def test_the_blocks_rule_with_one_block_counted_twice_is_rejected() -> None:
    claim = claims()[BLOCKS]
    st = claim.step("blocks-separate")
    twice = 2 * block_kl(q_a(z_a), p_a(z_a), z_a)  # every piece licensed: the residual itself must be nonzero
    assert check_step(st.with_rhs(twice), {h.name: h for h in claim.hypotheses}).status == "failed"


CORRECTED = {  # each refuted conclusion with its true right side: then the refutation must fail
    "kl-log-sigma-variant": standard_kl(mu, sigma),
    "kl-direction-swapped": general_kl(0, 1, mu, sigma),
    "kl-sign-flipped": -standard_kl(mu, sigma),
    "kl-logvar-read-as-log-std": standard_kl(mu, sp.exp(v)),
}


@pytest.mark.parametrize("claim_id", sorted(CORRECTED))
def test_a_refutation_cannot_refute_the_truth(claim_id: str) -> None:
    claim = claims()[claim_id]
    concl = tuple(
        dataclasses.replace(c, rhs=CORRECTED[claim_id]) if not c.holds else c for c in claim.conclusions
    )
    assert check_claim(dataclasses.replace(claim, conclusions=concl), results()).status == "failed"


def quad_kl(q: scipy.stats.rv_continuous, p: scipy.stats.rv_continuous) -> float:
    """∫ q log(q/p) by adaptive quadrature over ±12 standard deviations of q (the oracle)."""
    lo, hi = q.mean() - 12 * q.std(), q.mean() + 12 * q.std()
    value, _ = scipy.integrate.quad(lambda t: q.pdf(t) * (q.logpdf(t) - p.logpdf(t)), lo, hi, limit=200)
    return float(value)


POINTS = {"prior": (0.0, 1.0), "narrow": (0.7, 0.3), "wide-negative": (-1.3, 2.5), "far": (3.0, 0.9)}


@pytest.mark.parametrize("point", sorted(POINTS))
def test_standard_kl_and_its_logvar_form_match_quadrature(point: str) -> None:
    mean, std = POINTS[point]
    expected = quad_kl(scipy.stats.norm(mean, std), scipy.stats.norm(0, 1))
    assert_close(sp.lambdify((mu, sigma), standard_kl(mu, sigma), "numpy")(mean, std), expected, "quadrature")
    logvar_form = sp.lambdify((mu, v), standard_kl_logvar(mu, v), "numpy")(mean, np.log(std**2))
    assert_close(logvar_form, expected, "quadrature")


def test_the_d_dimensional_sum_matches_quadrature_per_dimension() -> None:
    means, stds = (0.7, -1.3, 3.0), (0.3, 2.5, 0.9)
    total = sp.Sum(standard_kl(mu_j[j], sigma_j[j]), (j, 1, 3)).doit()
    point = {mu_j[d + 1]: a for d, a in enumerate(means)} | {sigma_j[d + 1]: b for d, b in enumerate(stds)}
    actual = float(total.subs(point))
    expected = sum(
        quad_kl(scipy.stats.norm(a, b), scipy.stats.norm(0, 1)) for a, b in zip(means, stds, strict=True)
    )
    assert_close(actual, expected, "quadrature")


@pytest.mark.parametrize(("m1", "s1", "m_2", "s_2"), [(0.5, 1.2, -0.3, 0.7), (-2.0, 0.4, 1.0, 3.0)])
def test_general_kl_matches_quadrature(m1: float, s1: float, m_2: float, s_2: float) -> None:
    actual = sp.lambdify((m, s, m2, s2), general_kl(m, s, m2, s2), "numpy")(m1, s1, m_2, s_2)
    assert_close(actual, quad_kl(scipy.stats.norm(m1, s1), scipy.stats.norm(m_2, s_2)), "quadrature")


def test_correlated_multivariate_kl_matches_scipy_quadrature() -> None:
    m_a, cov_a = np.array([0.3, -0.5]), np.array([[1.2, 0.5], [0.5, 0.8]])
    m_b, cov_b = np.array([-0.2, 0.4]), np.array([[0.9, -0.3], [-0.3, 1.5]])
    q, p = scipy.stats.multivariate_normal(m_a, cov_a), scipy.stats.multivariate_normal(m_b, cov_b)
    expected, _ = scipy.integrate.dblquad(
        lambda y, x: q.pdf([x, y]) * (q.logpdf([x, y]) - p.logpdf([x, y])), -9, 9, -9, 9, epsabs=1e-11
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


def test_steps_are_data() -> None:
    assert all(isinstance(st, Step) for c in claims().values() for st in c.steps)
