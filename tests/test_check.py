"""check_step: what one step proves, and every planted statement it must not prove (issue 9, item 6).

Each planted case is built here, small and independent of the registry's claims.
"""

from __future__ import annotations

import sympy as sp

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


def test_inequality_proved_by_sign_query() -> None:
    step = Step("a", mu**2 + s, sp.Integer(0), "test", relation=">", assumptions=(sp.Q.positive(s),))
    assert check_step(step).status == "proved"


def test_inequality_proved_by_function_range() -> None:
    step = Step("f", t - 1 - sp.log(t), 0, "test", relation=">=", domain=(t, sp.Interval.open(0, sp.oo)))
    result = check_step(step)
    assert result.status == "proved"
    assert "function_range" in result.method


def test_function_range_with_another_free_symbol_is_not_a_proof() -> None:
    # (μ - m)² f(t)/(2τ²) > 0 for t in (0, 1) is false at μ = m: function_range treats μ - m as nonzero.
    f = t - 1 - sp.log(t)
    inside = Hypothesis("t-in-(0,1)", sp.Contains(t, sp.Interval.open(0, 1)))
    step = Step(
        "p",
        (mu - m) ** 2 * f / (2 * tau**2),
        0,
        "test",
        relation=">",
        domain=(t, sp.Interval.open(0, 1)),
        hypotheses=(inside.name,),
    )
    result = check_step(step, {inside.name: inside})
    assert result.status == "failed"
    assert "only free symbol" in result.detail


def test_step_domain_not_implied_by_the_hypotheses_is_not_a_proof() -> None:
    # x (1 - x) >= 0 holds on [0, 1] only; x is any real number unless the claim displays x ∈ [0, 1].
    step = Step("d", x * (1 - x), 0, "test", relation=">=", domain=(x, sp.Interval(0, 1)))
    result = check_step(step)
    assert result.status == "failed"
    assert "domain" in result.detail
    inside = Hypothesis("x-in-[0,1]", sp.Contains(x, sp.Interval(0, 1)))
    stated = Step(
        "d", x * (1 - x), 0, "test", relation=">=", domain=(x, sp.Interval(0, 1)), hypotheses=(inside.name,)
    )
    assert check_step(stated, {inside.name: inside}).status == "proved"


def test_range_bound_that_is_a_relational_fails_without_raising() -> None:
    result = check_step(Step("rel", mu**2 / 2, 0, "test", relation=">", domain=(mu, sp.Reals)))
    assert result.status == "failed"


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


def test_set_step_with_an_inequality_relation_fails() -> None:
    half = sp.FiniteSet(sp.Integral(z, (z, 0, 1)))
    assert check_step(Step("set", half, sp.FiniteSet(sp.Rational(1, 2)), "test")).status == "proved"
    ordered = Step("set", half, sp.FiniteSet(sp.Rational(1, 2)), "test", relation=">=")
    assert check_step(ordered).status == "failed"
    wrong = Step("set", half, sp.FiniteSet(sp.Rational(1, 3)), "as claimed", holds=False)
    assert check_step(wrong).status == "refuted"


def test_exception_inside_a_step_fails_with_its_message() -> None:
    bad = Hypothesis("bad", sp.Eq(x, x))  # evaluates to True: not a relation the kernel accepts
    result = check_step(Step("boom", x, x + 1, "test", hypotheses=("bad",)), {"bad": bad})
    assert result.status == "failed"
    assert "TypeError" in result.detail


def test_side_that_cannot_be_evaluated_fails_cleanly() -> None:
    lhs = sp.Limit(sp.sin(mu * t) / t, t, sp.oo) + sp.Derivative(sp.Function("f")(mu), mu)
    result = check_step(Step("opaque", lhs, sp.Integer(1), "test", tactics=()))
    assert result.status == "failed"
    assert "could not evaluate" in result.detail


def test_evaluated_integral_is_rechecked_where_its_closed_form_is_undefined() -> None:
    # ∫_0^1 z dz = (b + 1)/(2b) - 1/(2b) simplifies to 1/2 = 1/2, but its right side is undefined at b = 0.
    planted = Step("at-0", sp.Integral(z, (z, 0, 1)), (b + 1) / (2 * b) - 1 / (2 * b), "test")
    result = check_step(planted)
    assert result.status == "failed"
    assert "b = 0" in result.detail


def test_equality_undefined_at_a_point_is_not_checked_numerically() -> None:
    # ∫_0^1 e^{bz} dz = (e^b - 1)/b for real b: false at b = 0 (the right side is undefined there).
    planted = Step("at-0", sp.Integral(sp.exp(b * z), (z, 0, 1)), (sp.exp(b) - 1) / b, "test")
    assert check_step(planted).status == "failed"
