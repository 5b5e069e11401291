"""check_step: what one step proves, and every planted statement it must not prove.

Each planted case is built here, small and independent of the registry's claims.
"""

from __future__ import annotations

import sympy as sp

from derivations import numeric
from derivations.check import check_step
from derivations.core import Hypothesis, Step

u, z, r, x, l, m, mu = sp.symbols("u z r x l m mu", real=True)
b = sp.Symbol("b", real=True)
t, tau, s = sp.symbols("t tau s", positive=True)
R = (u, -sp.oo, sp.oo)
PHI = sp.exp(-(u**2) / 2) / sp.sqrt(2 * sp.pi)


def second_moment(rhs: sp.Expr, **kw: object) -> Step:
    """∫ u² φ(u) du = rhs: true for rhs = 1."""
    return Step("second-moment", sp.Integral(u**2 * PHI, R), rhs, "test", **kw)  # type: ignore[arg-type]


def test_true_integral_step_is_proved() -> None:
    result = check_step(second_moment(sp.Integer(1)))
    assert result.status == "proved"
    assert result.method.startswith("sympy")


def test_planted_wrong_constant_fails() -> None:
    result = check_step(second_moment(sp.Integer(2)))
    assert result.status == "failed"
    assert "lhs - rhs = -1" in result.detail


def test_numeric_evidence_is_never_reported_as_proved() -> None:
    # No tactics: SymPy may not evaluate the integral, so only the 50-digit check can stand in.
    result = check_step(second_moment(sp.Integer(1), tactics=()))
    assert result.status == "checked-numerically"
    assert result.method.startswith("mpmath")


def test_timeout_falls_back_to_numeric_not_to_proved() -> None:
    lhs = sp.Integral(sp.exp(-(z**2) / (2 * s**2)), (z, -sp.oo, sp.oo))
    assert check_step(Step("slow", lhs, sp.sqrt(2 * sp.pi) * s, "test", timeout=1e-6)).status == (
        "checked-numerically"
    )


def test_wrong_statement_is_refuted_by_exact_counterexample() -> None:
    result = check_step(second_moment(sp.Integer(2), holds=False))
    assert result.status == "refuted"
    assert "exact counterexample" in result.method


def test_statement_meant_wrong_that_is_true_fails() -> None:
    assert check_step(second_moment(sp.Integer(1), holds=False)).status == "failed"


def test_stated_assumption_must_be_carried_by_the_symbols() -> None:
    step = Step("a", mu**2 + s, sp.Integer(0), "test", relation=">", assumptions=(sp.Q.positive(mu),))
    assert "not carried" in check_step(step).detail
    assert check_step(step).status == "failed"


def test_exp_minus_one_minus_r_positive_fails_at_zero() -> None:
    # e^r - 1 - r > 0 for real r is false at r = 0 only: random points miss it, 0 and critical points don't.
    result = check_step(Step("e", sp.exp(r) - 1 - r, 0, "test", relation=">", tactics=()))
    assert result.status == "failed"
    assert "r=0" in result.detail.replace(" ", "")


def test_refutation_stays_inside_the_declared_domain() -> None:
    # log(1 + e^l) - x l >= 0 holds for x in [0, 1]; x = -4/3 outside [0, 1] is no counterexample.
    inside = Hypothesis("x-in-[0,1]", sp.Contains(x, sp.Interval(0, 1)))
    step = Step(
        "bce",
        sp.log(1 + sp.exp(l)) - x * l,
        0,
        "as claimed",
        relation=">=",
        holds=False,
        hypotheses=(inside.name,),
    )
    result = check_step(step, {inside.name: inside})
    assert result.status == "failed"
    outside = Step("bce", sp.log(1 + sp.exp(l)) - x * l, 0, "as claimed", relation=">=", holds=False)
    assert check_step(outside).status == "refuted"


def test_refutation_respects_equality_hypotheses() -> None:
    # x⁴ = 1 is false in general, true under the displayed x² = 1: x = 0 or 2 is no counterexample there.
    square = Hypothesis("x^2=1", sp.Eq(x**2, 1))
    step = Step("x4", x**4, sp.Integer(1), "as claimed", holds=False, hypotheses=(square.name,), tactics=())
    assert check_step(step, {square.name: square}).status == "failed"
    alone = Step("x4", x**4, sp.Integer(1), "as claimed", holds=False, tactics=())
    assert check_step(alone).status == "refuted"


def test_numeric_check_needs_points_inside_the_hypotheses() -> None:
    # mu > 20 under mu > 10 is false (mu = 15); no sampled point satisfies mu > 10, so nothing was checked.
    big = Hypothesis("mu>10", mu > 10)
    step = Step("big", mu, sp.Integer(20), "test", relation=">", hypotheses=(big.name,), tactics=())
    assert check_step(step, {big.name: big}).status == "failed"


def test_numeric_check_stays_inside_equality_hypotheses() -> None:
    # x⁴ = 1 under x² = 1: random points break x² = 1, so they are no evidence for (or against) it.
    square = Hypothesis("x^2=1", sp.Eq(x**2, 1))
    step = Step("x4", x**4, sp.Integer(1), "x² = 1", hypotheses=(square.name,), tactics=())
    result = check_step(step, {square.name: square})
    assert result.status == "failed"
    assert "nothing was checked" in result.detail


def test_step_true_by_construction_fails_unless_declared_a_definition() -> None:
    kl = sp.Symbol("KL")
    assert check_step(Step("same", kl + 1, kl + 1, "restated")).status == "failed"
    assert check_step(Step("same", kl + 1, kl + 1, "by definition", definition=True)).status == "definition"
    assert check_step(Step("differ", kl + 1, kl + 2, "by definition", definition=True)).status == "failed"


def test_undeclared_hypothesis_fails_the_step() -> None:
    step = Step("h", mu, sp.Integer(0), "test", hypotheses=("mu-is-0",))
    result = check_step(step)
    assert result.status == "failed"
    assert "does not display" in result.detail


def test_unknown_relation_fails() -> None:
    assert check_step(Step("ne", sp.Integer(1), sp.Integer(1), "test", relation="!=")).status == "failed"  # type: ignore[arg-type]


def test_exception_inside_a_step_fails_with_its_message() -> None:
    bad = Hypothesis("bad", sp.Eq(x, x))  # evaluates to True: not a relation the kernel accepts
    result = check_step(Step("boom", x, x + 1, "test", hypotheses=("bad",)), {"bad": bad})
    assert result.status == "failed"
    assert "TypeError" in result.detail


def test_side_that_cannot_be_evaluated_fails_cleanly() -> None:
    # lim_{t -> oo} sin(μt)/t + |μ|^i: unevaluable at a point (no real value), must fail, never crash.
    lhs = sp.Limit(sp.sin(mu * t) / t, t, sp.oo) + sp.Abs(mu) ** sp.I
    result = check_step(Step("opaque", lhs, sp.Integer(1), "test", tactics=()))
    assert result.status == "failed"
    assert "could not evaluate" in result.detail


def test_equality_undefined_at_a_point_is_not_checked_numerically() -> None:
    # ∫_0^1 e^{bz} dz = (e^b - 1)/b for real b: false at b = 0 (the right side is undefined there).
    planted = Step("at-0", sp.Integral(sp.exp(b * z), (z, 0, 1)), (sp.exp(b) - 1) / b, "test")
    assert check_step(planted).status == "failed"


def test_a_numeric_counterexample_must_clear_the_noise() -> None:
    # At 50 digits, a gap of 1e-20 is quadrature noise: evidence against a proof, no counterexample.
    noise, tol = sp.Float("-1e-20", 50), sp.Float("1e-10")
    assert numeric.violates(noise, "==", sp.Float("1e-35"))
    assert not numeric.refutes(noise, "==", tol)
    assert not numeric.refutes(sp.Integer(0), ">", tol)  # a gap of 0 is for the exact search
    assert numeric.refutes(sp.Float(-1), ">", tol)


def test_abstract_densities_are_not_evaluated_at_points() -> None:
    q = sp.Function("q")
    step = Step(
        "abstract", sp.Integral(q(z) * sp.log(q(z)), (z, -sp.oo, sp.oo)), sp.Integer(0), "t", tactics=()
    )
    result = check_step(step)
    assert result.status == "failed"
    assert "no value at a point" in result.detail
    assert result.seconds < 2


def test_a_counterexample_leaves_a_limits_variable_alone() -> None:
    # lim_{s -> 0+} 1/s <= 1/s is false (the left side is +oo) whatever s the right side is evaluated at.
    claimed = Step("peaky", sp.Limit(1 / s, s, 0, "+"), 1 / s, "as claimed", relation="<=", holds=False)
    assert check_step(claimed).status == "refuted"
