"""What SymPy may show about a step (symbolic.py): sign query, function_range on one variable, undefined
points, no silent interchange of d/dθ and ∫; each planted case must fail.

Each planted case is built here, small and independent of the registry's claims.
"""

from __future__ import annotations

import dataclasses

import sympy as sp

from derivations.check import check_step
from derivations.core import Hypothesis, Step

u, z, r, x, l, m, mu = sp.symbols("u z r x l m mu", real=True)
b = sp.Symbol("b", real=True)
t, tau, s = sp.symbols("t tau s", positive=True)
R = (u, -sp.oo, sp.oo)
PHI = sp.exp(-(u**2) / 2) / sp.sqrt(2 * sp.pi)


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
    # function_range(mu²/2, t, ...) would be the "interval" {mu²/2}: its bound mu²/2 > 0 is a Relational.
    assert (
        check_step(
            Step(
                "rel", mu**2 / 2, 0, "test", relation=">", domain=(t, sp.Interval.open(0, sp.oo)), tactics=()
            )
        ).status
        == "failed"
    )
    assert (
        check_step(Step("rel", mu**2 / 2, 0, "test", relation=">", domain=(mu, sp.Reals))).status == "failed"
    )


def test_set_step_with_an_inequality_relation_fails() -> None:
    half = sp.FiniteSet(sp.Integral(z, (z, 0, 1)))
    assert check_step(Step("set", half, sp.FiniteSet(sp.Rational(1, 2)), "test")).status == "proved"
    ordered = Step("set", half, sp.FiniteSet(sp.Rational(1, 2)), "test", relation=">=")
    assert check_step(ordered).status == "failed"
    wrong = Step("set", half, sp.FiniteSet(sp.Rational(1, 3)), "as claimed", holds=False)
    assert check_step(wrong).status == "refuted"


def test_evaluated_integral_is_rechecked_where_its_closed_form_is_undefined() -> None:
    # ∫_0^1 z dz = (b + 1)/(2b) - 1/(2b) simplifies to 1/2 = 1/2, but its right side is undefined at b = 0.
    planted = Step("at-0", sp.Integral(z, (z, 0, 1)), (b + 1) / (2 * b) - 1 / (2 * b), "test")
    result = check_step(planted)
    assert result.status == "failed"
    assert "b = 0" in result.detail


def test_differentiating_under_the_integral_needs_a_displayed_hypothesis() -> None:
    # SymPy's doit differentiates under the integral sign with no condition; the kernel does not.
    f, p = sp.Function("f"), sp.Function("p")
    eps = sp.Symbol("epsilon", real=True)
    objective = sp.Integral(f(mu + s * eps) * p(eps), (eps, -sp.oo, sp.oo))
    pathwise = sp.Integral(sp.Derivative(f(z), z).subs(z, mu + s * eps) * eps * p(eps), (eps, -sp.oo, sp.oo))
    bare = Step("grad", sp.Derivative(objective, s), pathwise, "pathwise", tactics=("doit", "simplify"))
    assert check_step(bare).status == "failed"
    under = sp.Integral(sp.Derivative(f(mu + s * eps) * p(eps), s), (eps, -sp.oo, sp.oo))
    leibniz = Hypothesis("leibniz", sp.Eq(sp.Derivative(objective, s), under))
    stated = dataclasses.replace(bare, hypotheses=("leibniz",), tactics=("hypotheses", "doit", "simplify"))
    assert check_step(stated, {"leibniz": leibniz}).status == "proved"
    closed = Step(
        "closed",
        sp.Derivative(sp.Integral(z * sp.exp(-s * z), (z, 0, 1)), s),
        sp.diff(sp.integrate(z * sp.exp(-s * z), (z, 0, 1)), s),
        "closed form first",
    )
    assert check_step(closed).status == "proved"  # an integral with a closed form: differentiate that


def test_an_equality_that_is_zero_before_any_tactic_is_proved() -> None:
    # sqrt(x²) - x is 0 once x > 0 is applied: no tactic is needed (claims-kl request 1).
    pos = Hypothesis("x>0", x > 0)
    step = Step("abs", sp.sqrt(x**2), x, "x > 0", hypotheses=("x>0",), tactics=())
    assert check_step(step, {"x>0": pos}).status == "proved"
    assert check_step(dataclasses.replace(step, hypotheses=()), {}).status != "proved"


def test_sign_facts_apply_to_what_a_tactic_exposes() -> None:
    # Σ_{j=n+1}^{n+1} sqrt(q(j)²) = q(n + 1): doit exposes sqrt(q(n + 1)²), which q(n + 1) > 0 closes.
    q = sp.Function("q")
    n = sp.Symbol("n", integer=True, positive=True)
    j = sp.Symbol("j", integer=True)
    pos = Hypothesis("q>0", q(n + 1) > 0)
    step = Step(
        "peel",
        sp.Sum(sp.sqrt(q(j) ** 2), (j, n + 1, n + 1)),
        q(n + 1),
        "one term",
        hypotheses=("q>0",),
        tactics=("doit",),
    )
    assert check_step(step, {"q>0": pos}).status == "proved"
    assert check_step(dataclasses.replace(step, hypotheses=()), {}).status != "proved"


def test_a_limit_of_an_abstract_function_is_not_taken_inside() -> None:
    # SymPy's doit turns lim_{t -> 0} ∫₀¹ f(z, t) dz into ∫₀¹ f(z, 0) dz: continuity nobody stated.
    f = sp.Function("f")
    lim = sp.Limit(sp.Integral(f(z, t), (z, 0, 1)), t, 0)
    bare = Step("lim", lim, sp.Integral(f(z, 0), (z, 0, 1)), "continuity", tactics=("doit", "simplify"))
    assert check_step(bare).status == "failed"
    stated = Hypothesis("continuous", sp.Eq(lim, sp.Integral(f(z, 0), (z, 0, 1))))
    assert check_step(
        dataclasses.replace(bare, hypotheses=("continuous",)), {"continuous": stated}
    ).status == ("proved")
