"""The tactics: each rewrite is an identity, and the conditional ones fire only when licensed."""

from __future__ import annotations

import pytest
import sympy as sp

from derivations import check
from derivations.check import check_step
from derivations.core import Hypothesis, Step, integrable
from derivations.facts import Context, replace_free, with_sign_facts
from derivations.tactics import canonical, merge_integrals, peel_sum, split_integrals, substitute_equalities

z, x = sp.symbols("z x", real=True)
j = sp.Symbol("j", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
q, p = sp.Function("q"), sp.Function("p")
R = (z, -sp.oo, sp.oo)
GAUSS = sp.exp(-(z**2))


def test_canonical_evaluates_what_was_built_unevaluated_and_nothing_more() -> None:
    built = sp.Add(x, x, evaluate=False)
    assert canonical(built) == 2 * x
    assert canonical((x + 1) ** 2) == (x + 1) ** 2  # no expansion
    assert canonical(sp.Integral(z, (z, 0, 1))) == sp.Integral(z, (z, 0, 1))  # no evaluation


def test_divergent_merge_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # ∫eᶻ - ∫(eᶻ - e^{-z²}) "=" ∫e^{-z²} = √π: linearity of two divergent integrals.
    lhs = sp.Integral(sp.exp(z), R) - sp.Integral(sp.exp(z) - GAUSS, R)
    assert merge_integrals(lhs, Context()) == lhs
    monkeypatch.setattr(check, "NUMERIC_TIMEOUT", 2.0)  # mpmath's quadrature of eᶻ takes its time to give up
    step = Step(
        "merge", lhs, sp.sqrt(sp.pi), "linearity", tactics=("merge_integrals", "doit", "simplify"), timeout=3
    )
    assert check_step(step).status == "failed"


def test_merge_of_convergent_integrals_proves() -> None:
    step = Step(
        "merge",
        sp.Integral(GAUSS, R) + sp.Integral(z**2 * GAUSS, R),
        sp.Integral((1 + z**2) * GAUSS, R),
        "linearity",
        tactics=("merge_integrals", "simplify"),
    )
    assert check_step(step).status == "proved"


def test_split_refuses_unlicensed_integrals() -> None:
    both = sp.Integral(q(z) + p(z), R)
    assert split_integrals(both, Context()) == both
    divergent = sp.Integral(sp.exp(z) - sp.exp(z) + GAUSS + sp.exp(z), R)
    assert split_integrals(divergent, Context()) == divergent


def test_split_accepts_licensed_integrals() -> None:
    ctx = Context((Hypothesis("int-q", integrable(q(z), z)), Hypothesis("int-p", integrable(p(z), z))))
    assert split_integrals(sp.Integral(q(z) + 3 * p(z), R), ctx) == sp.Integral(q(z), R) + 3 * sp.Integral(
        p(z), R
    )
    only_q = Context(ctx.hypotheses[:1])
    assert split_integrals(sp.Integral(q(z) + p(z), R), only_q) == sp.Integral(q(z) + p(z), R)
    finite = sp.Integral(GAUSS + z**2 * GAUSS, R)  # each part evaluates to a finite closed form
    assert split_integrals(finite, Context()) == sp.Integral(GAUSS, R) + sp.Integral(z**2 * GAUSS, R)


def test_integrability_over_other_limits_does_not_license() -> None:
    ctx = Context((Hypothesis("int-q", integrable(q(z), z, 0, 1)), Hypothesis("int-p", integrable(p(z), z))))
    assert split_integrals(sp.Integral(q(z) + p(z), R), ctx) == sp.Integral(q(z) + p(z), R)


def test_peel_sum_peels_the_last_term_only_when_the_range_is_nonempty() -> None:
    peeled = peel_sum(sp.Sum(j**2, (j, 1, n + 1)), Context())
    assert peeled == sp.Sum(j**2, (j, 1, n)) + (n + 1) ** 2
    m = sp.Symbol("m", integer=True)
    unknown = sp.Sum(j**2, (j, 1, m + 1))  # m + 1 >= 1 is not known: an empty range would break the rule
    assert peel_sum(unknown, Context()) == unknown


def test_sign_facts_stay_outside_binders_of_their_variables() -> None:
    ctx = Context((Hypothesis("q>0", q(z) > 0),))
    expr = sp.log(q(z)) + sp.Integral(sp.log(q(z)), R)
    replaced, back = with_sign_facts(expr, ctx)
    (dummy,) = back
    assert replaced == sp.log(dummy) + sp.Integral(sp.log(q(z)), R)
    assert dummy.is_positive


def test_replace_free_descends_into_binders_of_other_variables() -> None:
    expr = sp.Integral(q(x) * z, R)
    assert replace_free(expr, q(x), sp.Integer(2)) == sp.Integral(2 * z, R)
    assert replace_free(sp.Integral(q(z), R), q(z), sp.Integer(2)) == sp.Integral(q(z), R)


def test_hypotheses_leave_a_limit_variable_alone() -> None:
    one = {"x=1": Hypothesis("x=1", sp.Eq(x, 1))}
    step = Step("lim", sp.Limit(sp.sin(x) / x, x, 0) + x, 2, "x = 1", hypotheses=("x=1",))
    assert check_step(step, one).status == "proved"  # the x of the limit is not the x = 1


def test_equality_hypotheses_replace_exact_subexpressions() -> None:
    ctx = Context((Hypothesis("mass", sp.Eq(sp.Integral(q(z), R), 1)),))
    assert substitute_equalities(3 * sp.Integral(q(z), R) + x, ctx) == 3 + x
    zero = Hypothesis("x=0", sp.Eq(x, 0))
    assert substitute_equalities(x + sp.Integral(x, (x, 0, 1)), Context((zero,))) == sp.Integral(x, (x, 0, 1))
    # Where the claim quantifies x (it integrates over it), "q(x) = 0" holds for every x, and says so; the
    # integration variable itself is never replaced.
    everywhere = Context((Hypothesis("q=0", sp.Eq(q(x), 0)), zero), quantified=frozenset({x}))
    assert substitute_equalities(sp.Integral(q(x) + x, (x, 0, 1)), everywhere) == sp.Integral(x, (x, 0, 1))
    assert substitute_equalities(sp.Integral(q(x), (x, 0, 1)), Context(everywhere.hypotheses)) == sp.Integral(
        q(x), (x, 0, 1)
    )


def test_expand_log_needs_the_sign_facts() -> None:
    ratio = sp.log(q(z) / p(z))
    step = Step("log", ratio, sp.log(q(z)) - sp.log(p(z)), "log of a ratio", tactics=("expand_log",))
    assert check_step(step).status != "proved"  # q, p could be negative: log(q/p) != log q - log p
    hyps = {"q>0": Hypothesis("q>0", q(z) > 0), "p>0": Hypothesis("p>0", p(z) > 0)}
    signed = Step(
        "log",
        ratio,
        sp.log(q(z)) - sp.log(p(z)),
        "log of a ratio",
        tactics=("expand_log",),
        hypotheses=("q>0", "p>0"),
    )
    assert check_step(signed, hyps).status == "proved"
